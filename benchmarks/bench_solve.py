"""What `cnncalc solve` costs against one summary of the same network: the layers before the '?' are resolved once.

    python benchmarks/bench_solve.py [--runs 5]

Prints, from one run on this machine, each as a fresh process (the median of --runs runs):
  * the baseline: `cnncalc summary "input 8x8x1, [conv1x1]x10000, conv64x3" --format json` (10,001 layers);
  * `cnncalc solve "input 8x8x1, [conv1x1]x10000, conv?x3" --params 99999999`: no value meets it, so all 8,192
    filter counts are tried (the issue's case: over 60 s and 4.6 GB when every value rebuilt the whole network),
    as a ratio of the baseline (target ≤ 3×);
  * the same with --params 20,640 (stops at ? = 64) and --output 6x6 (every value is a solution), against it too;
  * a search over the input's size (`input ?x?x1, [conv1x1 relu]x50, pool2`, every layer again for each value,
    --min), against the summary of that network at 28×28;
  * the peak memory of the 8,192-value search (ru_maxrss of the child), against the summary's.
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
PY = sys.executable
PREFIX = "input 8x8x1, [conv1x1]x10000, "


def wall(command: list[str], runs: int) -> tuple[float, int]:
    """The median seconds of ``runs`` fresh processes, and the largest peak memory (KiB) of one of them."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest of all children
        times.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command[2:])} exited {child.returncode}")
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    subprocess.run([PY, "-m", "compileall", "-q", "-f", str(ROOT / "cnncalc")], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    cnncalc = [PY, "-m", "cnncalc"]

    summary, summary_peak = wall([*cnncalc, "summary", PREFIX + "conv64x3", "--format", "json"], runs)
    rows = [("solve --params 99999999 (8,192 values)", [*cnncalc, "solve", PREFIX + "conv?x3", "--params", "99999999"]),
            ("solve --params 20,640 (stops at 64)", [*cnncalc, "solve", PREFIX + "conv?x3", "--params", "20640"]),
            ("solve --output 6x6 (8,192 solutions)", [*cnncalc, "solve", PREFIX + "conv?x3", "--output", "6x6"])]
    print(f"python {sys.version.split()[0]}, median of {runs} runs each, fresh processes")
    print(f"{'summary, 10,001 layers, --format json':50} {summary * 1000:8.1f} ms   (baseline)")
    for label, command in rows:
        seconds, _ = wall(command, runs)
        ratio = seconds / summary
        print(f"{label:50} {seconds * 1000:8.1f} ms   {ratio:.2f}× baseline   target ≤ 3.00×  "
              f"{'ok' if ratio <= 3 else 'MISSED'}")
    stem = "input {}x{}x1, [conv1x1 relu]x50, pool2"
    small, _ = wall([*cnncalc, "summary", stem.format(28, 28), "--format", "json"], runs)
    searched, _ = wall([*cnncalc, "solve", stem.format("?", "?"), "--output", "14x14"], runs)
    print(f"{'summary, 51 layers (input 28×28)':50} {small * 1000:8.1f} ms")
    print(f"{'solve input ?x? → 14×14 (28 values × 51 layers)':50} {searched * 1000:8.1f} ms   "
          f"{searched / small:.2f}× its summary")
    _, peak = wall([*cnncalc, "solve", PREFIX + "conv?x3", "--params", "99999999"], 1)
    print(f"{'peak memory: summary / 8,192-value solve':50} {summary_peak / 1024:8.1f} MiB / {peak / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
