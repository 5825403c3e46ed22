"""What a picture costs: `cnncalc summary SPEC --format svg` (and html) against the same run's JSON summary.

    python benchmarks/bench_pictures.py [--runs 5]

Prints, for a chain of 1,000 layers and for DenseNet-201 (a graph of 700 layers), the median CPU seconds (user +
system) of --runs fresh processes of `--format json` (the baseline), `--format svg` and `--format html`, each
picture as a ratio of the baseline, and the seconds the picture itself adds over it (target: under 1 s each, the
whole command under 1 s too); then in-process, the median seconds of the SVG alone (the layout and the writing),
and for the chain with one cell's receptive field marked (--rf) as well.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHAIN = "input 224x224x3, " + ", ".join(["conv8x3 same", "relu"] * 500)
NETWORKS = {"chain of 1,000 layers": CHAIN, "densenet201": "densenet201"}


def cpu(command: list[str]) -> float:
    """Seconds of CPU (user + system) one fresh process of ``command`` takes."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)[:200]}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    command = [sys.executable, "-m", "cnncalc", "summary"]
    missed = False
    for label, spec in NETWORKS.items():
        times: dict[str, list[float]] = {"json": [], "svg": [], "html": []}
        for fmt in times:
            cpu([*command, spec, "--format", fmt])  # warm the file cache, unmeasured
        for _ in range(runs):
            for fmt, measured in times.items():
                measured.append(cpu([*command, spec, "--format", fmt]))
        base = statistics.median(times["json"])
        print(f"{label}: --format json {base:.3f} s CPU (baseline)")
        for fmt in ("svg", "html"):
            median = statistics.median(times[fmt])
            ok = median < 1.0
            missed |= not ok
            print(f"  --format {fmt}: {median:.3f} s, {median / base:.2f}× the baseline, +{median - base:.3f} s "
                  f"(target: the command under 1 s) {'ok' if ok else 'MISSED'}")
    from cnncalc.cli.api import summary

    for label, spec in NETWORKS.items():
        s = summary(spec)
        seconds = []
        for _ in range(max(runs, 3)):
            start = time.perf_counter()
            s.to_svg()
            seconds.append(time.perf_counter() - start)
        median = statistics.median(seconds)
        missed |= median >= 1.0
        print(f"{label}: the SVG alone, in process: {median * 1000:.1f} ms {'ok' if median < 1.0 else 'MISSED'}")
        if not s.network.graph:  # --rf: one cell's field followed through every layer and drawn on every box
            marked = []
            for _ in range(max(runs, 3)):
                start = time.perf_counter()
                s.to_svg(rf=(100, 100))
                marked.append(time.perf_counter() - start)
            field = statistics.median(marked)
            missed |= field >= 1.0
            print(f"{label}: the SVG with --rf 100,100, in process: {field * 1000:.1f} ms, {field / median:.2f}× "
                  f"the SVG alone {'ok' if field < 1.0 else 'MISSED'}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
