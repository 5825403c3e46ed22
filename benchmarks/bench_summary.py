"""What `cnncalc summary` costs against Python's own start-up and against click and rich, and that it stays linear.

    python benchmarks/bench_summary.py [--runs 30]

Every figure is a ratio of CPU times (user + system, of the child process) measured in this run: each command is
run alternately with its baseline, --runs pairs (a third as many for the 10,000-layer specs), and the median of the
pairs' ratios is printed with the middle half of them, its target, and ok or MISSED.  CPU time, not wall time: the
machine is shared, and a neighbour's load swings wall times by up to 2× while it moves CPU times far less; pairing
each run with its baseline cancels the drift that remains.

  * `cnncalc summary examples/mnist_keras.cnn` (9 layers) against the import floor
    `python -c "import click, rich.console, rich.table"` (target ≤ 1.3×);
  * `cnncalc summary examples/mnist_keras.cnn --format json` against `python -c pass` (target ≤ 3×): the lean
    path, which imports neither click nor rich;
  * `cnncalc summary <10,000 layers> --format json` against the 9-layer summary (target ≤ 3×);
  * a residual spec of 10,000 layers (2,500 blocks `add(id | conv, bn), relu`) as JSON, against the same
    9-layer summary (target ≤ 3×): resolution stays linear in layers plus edges;
  * `cnncalc summary cnncalc/zoo/keras/ResNet50.cnn` against the floor, and Keras' own
    `keras.applications.ResNet50(weights=None).summary()` when Keras is installed (one run: it takes seconds);
  * the same ResNet-50 with every cost: `-v --flops-convention fvcore --by-op --training`, against its plain
    summary (the costs are a pass over the rows: target ≤ 1.5×);
  * in-process parse + resolve + JSON for 1k, 10k and 100k layers (linear growth means ~10× per step);
  * which of NumPy, click and rich the summary and the JSON summary import (NumPy never; the JSON path none).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def cpu(command: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds of CPU (user + system) one fresh process of ``command`` takes."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return usage.ru_utime + usage.ru_stime


class Pair:
    """``command`` against ``baseline``, run alternately: the medians of each's CPU time and of the ratios."""

    def __init__(self, baseline: list[str], command: list[str], runs: int) -> None:
        cpu(baseline), cpu(command)  # warm the file cache, unmeasured
        self.base: list[float] = []
        self.times: list[float] = []
        for _ in range(runs):
            self.base.append(cpu(baseline))
            self.times.append(cpu(command))
        self.ratios = sorted(t / b for t, b in zip(self.times, self.base))

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    def line(self, label: str, against: str, target: float | None = None) -> str:
        quarter = len(self.ratios) // 4
        spread = f"({self.ratios[quarter]:.2f}–{self.ratios[-1 - quarter]:.2f})"
        verdict = f"   target ≤ {target:.2f}×  {'ok' if self.ratio <= target else 'MISSED'}" if target else ""
        return (f"{label:<46} {statistics.median(self.times) * 1000:7.1f} ms   {self.ratio:.2f}× {against} "
                f"{spread}{verdict}")


def long_spec(layers: int) -> str:
    block = ["conv8x3 same relu", "bn", "dropout0.1", "relu"]
    body = [block[i % len(block)] for i in range(layers)]
    return "input 32x32x8\n" + "\n".join(body) + "\n"


def in_process(layers: int) -> float:
    sys.path.insert(0, str(ROOT))
    from cnncalc.graph.network import build
    from cnncalc.views.render import to_json

    text = long_spec(layers)
    gc.set_threshold(100_000, 50, 50)  # as the command line does: see cnncalc/cli/entry.py
    start = time.process_time()
    to_json(build(text))
    return time.process_time() - start


def keras_resnet50_summary() -> float | None:
    """CPU seconds for Keras to build ResNet-50 and print its summary, in a fresh process; None without Keras."""
    code = "import keras; keras.applications.ResNet50(weights=None).summary()"
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "torch")}
    try:
        return cpu([PY, "-c", code], env)
    except SystemExit:
        return None


def imported(args: list[str]) -> str:
    """Which of numpy, click and rich ``cnncalc ARGS`` imports."""
    probe = ("import sys, runpy; sys.argv = ['cnncalc', *sys.argv[1:]];\n"
             "try:\n  runpy.run_module('cnncalc', run_name='__main__')\nexcept SystemExit: pass\n"
             "sys.stderr.write(' '.join(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'click', 'rich'})))")
    done = subprocess.run([PY, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "none of them"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    # Byte-compile first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on this machine),
    # a checkout that was edited would otherwise be recompiled from source on every run.
    subprocess.run([PY, "-m", "compileall", "-q", "-f", str(ROOT / "cnncalc")], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    cnncalc = [PY, "-m", "cnncalc"]
    mnist = [*cnncalc, "summary", "examples/mnist_keras.cnn"]
    floor = [PY, "-c", "import click, rich.console, rich.table"]
    resnet = [*cnncalc, "summary", "cnncalc/zoo/keras/ResNet50.cnn"]
    few = max(5, runs // 3)

    print(f"python {sys.version.split()[0]}; CPU time (user + system) of fresh processes, each run paired with its "
          f"baseline; {runs} pairs ({few} for 10,000 layers), median ratio (middle half)")
    print(Pair(floor, mnist, runs).line("cnncalc summary mnist_keras.cnn (9 layers)", "the click+rich floor", 1.3))
    print(Pair([PY, "-c", "pass"], [*mnist, "--format", "json"], runs).line(
        "cnncalc summary mnist_keras.cnn --format json", "python -c pass", 3))
    with tempfile.TemporaryDirectory() as folder:
        chain, residual = Path(folder, "chain.cnn"), Path(folder, "residual.cnn")
        chain.write_text(long_spec(10_000))
        residual.write_text("input 32x32x8\n" + "[add(id | conv8x3 same, bn), relu]x2500\n")
        print(Pair(mnist, [*cnncalc, "summary", str(chain), "--format", "json"], few).line(
            "cnncalc summary 10,000 layers --format json", "the 9-layer summary", 3))
        print(Pair(mnist, [*cnncalc, "summary", str(residual), "--format", "json"], few).line(
            "cnncalc summary residual 10,000 layers, JSON", "the 9-layer summary", 3))
    plain = Pair(floor, resnet, runs)
    keras_summary = keras_resnet50_summary()
    print(plain.line("cnncalc summary ResNet-50 (176 layers)", "the floor"))
    if keras_summary:
        cnncalc_resnet = statistics.median(plain.times)
        print(f"{'  Keras ResNet50(weights=None).summary()':<46} {keras_summary * 1000:7.0f} ms   "
              f"{keras_summary / cnncalc_resnet:.0f}× cnncalc's ResNet-50 (one run)")
    else:
        print("  (Keras not installed)")
    print(Pair(resnet, [*resnet, "-v", "--flops-convention", "fvcore", "--by-op", "--training"], runs).line(
        "  … with every cost (-v, fvcore, --by-op)", "its summary", 1.5))
    sizes = [1_000, 10_000, 100_000]
    times = [in_process(n) for n in sizes]
    steps = "   ".join(f"{n:,}: {t * 1000:.0f} ms" for n, t in zip(sizes, times))
    growth = f"×{times[1] / times[0]:.1f}, ×{times[2] / times[1]:.1f} per 10× layers"
    print(f"{'parse + resolve + JSON in process (CPU)':<46} {steps}   ({growth})")
    print(f"{'imported by summary (of numpy, click, rich)':<46} {imported(['summary', 'examples/mnist_keras.cnn'])}")
    print(f"{'imported by summary --format json':<46} "
          f"{imported(['summary', 'examples/mnist_keras.cnn', '--format', 'json'])}")


if __name__ == "__main__":
    main()
