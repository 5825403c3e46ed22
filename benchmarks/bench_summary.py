"""How much `cnncalc summary` costs over importing click and rich, and that it stays linear.

    python benchmarks/bench_summary.py [--runs 30]

Prints, from one run on this machine:
  * the import floor: `python -c "import click, rich.console, rich.table"`;
  * `cnncalc summary examples/mnist_keras.cnn` (9 layers) as a ratio of that floor (target ≤ 1.3×);
  * `cnncalc summary <10,000 layers> --format json` as a ratio of the 9-layer summary (target ≤ 3×);
  * in-process parse + resolve for 1k, 10k and 100k layers (linear growth means ~10× per step);
  * a residual spec of 10,000 layers (2,500 blocks `add(id | conv, bn), relu`) as JSON, against the same
    9-layer summary (target ≤ 3×): resolution stays linear in layers plus edges;
  * `cnncalc summary cnncalc/zoo/keras/ResNet50.cnn` against the floor, and against Keras' own
    `keras.applications.ResNet50(weights=None).summary()` when Keras is installed (one run: it takes seconds);
  * the same ResNet-50 with every cost: `-v --flops-convention fvcore --by-op --training`, against its plain
    summary (the costs are a pass over the rows: target ≤ 1.5×);
  * whether NumPy was imported by `summary` (it must not be).
Each command is timed as a fresh process; the median of --runs runs is reported.
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


def wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def long_spec(layers: int) -> str:
    block = ["conv8x3 same relu", "bn", "dropout0.1", "relu"]
    body = [block[i % len(block)] for i in range(layers)]
    return "input 32x32x8\n" + "\n".join(body) + "\n"


def in_process(layers: int) -> float:
    sys.path.insert(0, str(ROOT))
    from cnncalc.graph.network import build
    from cnncalc.views.render import to_json

    text = long_spec(layers)
    gc.set_threshold(100_000, 50, 50)  # as the CLI does: see cnncalc/cli.py
    start = time.perf_counter()
    to_json(build(text))
    return time.perf_counter() - start


def keras_resnet50_summary() -> float | None:
    """Seconds for Keras to build ResNet-50 and print its summary, in a fresh process; None without Keras."""
    code = "import keras; keras.applications.ResNet50(weights=None).summary()"
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "torch")}
    start = time.perf_counter()
    done = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, env=env, check=False)
    return time.perf_counter() - start if done.returncode == 0 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    # Byte-compile first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on this machine),
    # a checkout that was edited would otherwise be recompiled from source on every run.
    subprocess.run([PY, "-m", "compileall", "-q", "-f", str(ROOT / "cnncalc")], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})

    floor = wall([PY, "-c", "import click, rich.console, rich.table"], runs)
    small = wall([PY, "-m", "cnncalc", "summary", "examples/mnist_keras.cnn"], runs)
    with tempfile.NamedTemporaryFile("w", suffix=".cnn", delete=False) as handle:
        handle.write(long_spec(10_000))
    big = wall([PY, "-m", "cnncalc", "summary", handle.name, "--format", "json"], max(5, runs // 3))
    Path(handle.name).unlink()
    with tempfile.NamedTemporaryFile("w", suffix=".cnn", delete=False) as handle:
        handle.write("input 32x32x8\n" + "[add(id | conv8x3 same, bn), relu]x2500\n")
    residual = wall([PY, "-m", "cnncalc", "summary", handle.name, "--format", "json"], max(5, runs // 3))
    Path(handle.name).unlink()
    resnet = wall([PY, "-m", "cnncalc", "summary", "cnncalc/zoo/keras/ResNet50.cnn"], runs)
    costed = wall([PY, "-m", "cnncalc", "summary", "cnncalc/zoo/keras/ResNet50.cnn", "-v", "--flops-convention",
                   "fvcore", "--by-op", "--training"], runs)
    keras_summary = keras_resnet50_summary()

    probe = ("import sys, runpy; sys.argv = ['cnncalc', 'summary', 'examples/mnist_keras.cnn'];\n"
             "try:\n  runpy.run_module('cnncalc', run_name='__main__')\nexcept SystemExit: pass\n"
             "sys.stderr.write(str('numpy' in sys.modules))")
    numpy_loaded = subprocess.run([PY, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                                  check=False).stderr.strip()

    print(f"python {sys.version.split()[0]}, median of {runs} runs each")
    print(f"import click, rich.console, rich.table      {floor * 1000:7.1f} ms   (floor)")
    print(f"cnncalc summary mnist_keras.cnn (9 layers)  {small * 1000:7.1f} ms   {small / floor:.2f}× floor"
          f"   target ≤ 1.30×  {'ok' if small / floor <= 1.3 else 'MISSED'}")
    print(f"cnncalc summary 10,000 layers --format json {big * 1000:7.1f} ms   {big / small:.2f}× 9-layer"
          f"   target ≤ 3.00×  {'ok' if big / small <= 3 else 'MISSED'}")
    print(f"cnncalc summary residual, 10,000 layers JSON {residual * 1000:6.1f} ms   {residual / small:.2f}× 9-layer"
          f"   target ≤ 3.00×  {'ok' if residual / small <= 3 else 'MISSED'}")
    versus = f"   Keras' ResNet50().summary() {keras_summary:.2f} s = {keras_summary / resnet:.0f}× cnncalc" \
        if keras_summary else "   (Keras not installed)"
    print(f"cnncalc summary ResNet-50 (176 layers)      {resnet * 1000:7.1f} ms   {resnet / floor:.2f}× floor{versus}")
    print(f"  … with every cost (-v, fvcore, --by-op)   {costed * 1000:7.1f} ms   {costed / resnet:.2f}× its summary"
          f"   target ≤ 1.50×  {'ok' if costed / resnet <= 1.5 else 'MISSED'}")
    sizes = [1_000, 10_000, 100_000]
    times = [in_process(n) for n in sizes]
    steps = "   ".join(f"{n:,}: {t * 1000:.0f} ms" for n, t in zip(sizes, times))
    growth = f"×{times[1] / times[0]:.1f}, ×{times[2] / times[1]:.1f} per 10× layers"
    print(f"parse + resolve + JSON in process           {steps}   ({growth})")
    print(f"numpy imported by summary                   {numpy_loaded}")


if __name__ == "__main__":
    main()
