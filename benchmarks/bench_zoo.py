"""What `cnncalc zoo` costs: every network of the zoo built and counted, against one summary of one of them.

    python benchmarks/bench_zoo.py [--runs 10]

Prints, from one run on this machine (each command a fresh process, the median of --runs runs):
  * the floor: `cnncalc summary examples/mnist_keras.cnn` (9 layers);
  * `cnncalc summary resnet50`, a name resolved through the zoo, against the same file given by its path (the
    name's lookup must cost nothing measurable: target ≤ 1.1×);
  * `cnncalc zoo --format json` and `cnncalc zoo` (the table) against the floor, and what they add to it (the
    target is under a second added for the whole zoo, on a machine where the floor is about 0.25 s).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def wall(arguments: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([PY, "-m", "cnncalc", *arguments], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    floor = wall(["summary", "examples/mnist_keras.cnn"], runs)
    by_path = wall(["summary", "cnncalc/zoo/torchvision/resnet50.cnn"], runs)
    by_name = wall(["summary", "resnet50"], runs)
    as_json = wall(["zoo", "--format", "json"], runs)
    table = wall(["zoo"], runs)
    print(f"floor (summary examples/mnist_keras.cnn): {floor * 1000:.1f} ms")
    print(f"summary resnet50 by name: {by_name * 1000:.1f} ms, {by_name / by_path:.2f}× the same file by path "
          f"({by_path * 1000:.1f} ms)")
    for label, seconds in (("zoo --format json", as_json), ("zoo (table)", table)):
        print(f"{label}: {seconds * 1000:.1f} ms, {seconds / floor:.2f}× the floor, "
              f"{(seconds - floor) * 1000:.0f} ms added")


if __name__ == "__main__":
    main()
