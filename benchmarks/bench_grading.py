"""Grading a class: 300 answer files, and 300 pasted summaries, each in one process.

    python benchmarks/bench_grading.py [--runs 5] [--files 300]

It writes --files copies of a homework answer file (examples/homework/mnist_4_layer.toml) and of a
pasted Keras 3 summary (tests/fixtures/summaries/keras3_mnist.txt) to a temporary folder, then
times, median of --runs:

  * `cnncalc check --answers <300 files> --format csv` in one process, against 300 × the time of
    grading one file (`cnncalc check --answers <1 file>`);
  * `cnncalc check examples/mnist_keras.cnn --summary <300 pastes> --format csv`, and the same
    without the spec (each paste against itself), against 300 × the time of one paste.

A ratio below 1 is what one process buys over a shell loop: start-up is paid once. Target: the
300-file run costs less than 300 single runs by a wide margin (ratio ≤ 0.1).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CNNCALC = [sys.executable, "-m", "cnncalc"]


def timed(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([*CNNCALC, *args], cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"cnncalc {' '.join(args[:4])} … failed: {result.stderr.decode()[:300]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=300)
    options = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "cnncalc")], check=True)
    folder = Path(tempfile.mkdtemp(prefix="cnncalc-grading-"))
    try:
        answer = ROOT / "examples" / "homework" / "mnist_4_layer.toml"
        paste = ROOT / "tests" / "fixtures" / "summaries" / "keras3_mnist.txt"
        (folder / "class").mkdir()
        (folder / "lectures").mkdir()  # the answer files name "../lectures/mnist_4_layer.cnn"
        shutil.copy(ROOT / "examples" / "lectures" / "mnist_4_layer.cnn", folder / "lectures")
        answers = [str(shutil.copy(answer, folder / "class" / f"student{i:03}.toml")) for i in range(options.files)]
        pastes = [str(shutil.copy(paste, folder / f"student{i:03}.txt")) for i in range(options.files)]
        spec = "examples/mnist_keras.cnn"
        rows = [
            ("check --answers", ["check", "--answers", answers[0]], ["check", *answers, "--format", "csv"]),
            ("check SPEC --summary", ["check", spec, "--summary", pastes[0]],
             ["check", spec, *pastes, "--format", "csv"]),
            ("check --summary (no spec)", ["check", "--summary", pastes[0]], ["check", *pastes, "--format", "csv"]),
        ]
        print(f"python {sys.version.split()[0]}, median of {options.runs} runs each, {options.files} files")
        for label, one, many in rows:
            single, batch = timed(one, options.runs), timed(many, options.runs)
            ratio = batch / (options.files * single)
            print(f"{label:<27} 1 file {single * 1000:7.1f} ms   {options.files} files in one process "
                  f"{batch * 1000:8.1f} ms   = {ratio:.3f}× of {options.files} single runs "
                  f"({options.files * single:.1f} s)   target ≤ 0.1×  {'ok' if ratio <= 0.1 else 'MISSED'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
