"""The documented caps, printed: a 100,000-layer table and 4 MiB pastes, against the same run's JSON summary.

    python benchmarks/bench_tables.py [--runs 3]

Prints, from one run on this machine, each as a fresh process (the median of --runs runs of wall-clock time and of
CPU time, user + system, which a machine shared with other work disturbs less; peak memory of one):
  * the baseline: `cnncalc summary <100,000 layers> --format json`;
  * the same network as a table (streamed past render.STREAM_ROWS rows), as a ratio of the baseline (target ≤ 1.5×);
  * a table of exactly STREAM_ROWS rows, still drawn by rich as a box;
  * `cnncalc check --summary` of 4 MiB pastes, each against itself and against a spec: Keras 2 rows repeated
    (73,000 rows), the same rows each named apart (conv2d_1, conv2d_2 …, as a real model's are), torchinfo rows,
    a Keras 3 box table, and lines of 'Connected to' references, each as a ratio of the baseline (target ≤ 3×, and
    within 3 s: a paste is read, paired and checked in a pass over its rows).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MIB4 = 4 * 1024 * 1024 - 100


def wall(command: list[str], runs: int, stdin: bytes | None = None) -> tuple[float, int, float]:
    """The median seconds of ``runs`` fresh processes, the largest peak memory (KiB) of one of them, and their median
    CPU seconds (user + system)."""
    times, peak, cpu = [], 0, []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.PIPE if stdin is not None else None,
                                 stdout=subprocess.DEVNULL, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if stdin is not None:
            child.stdin.write(stdin)  # type: ignore[union-attr]
            child.stdin.close()  # type: ignore[union-attr]
        _, status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{' '.join(command[2:])[:120]} exited {os.waitstatus_to_exitcode(status)}")
        peak = max(peak, usage.ru_maxrss)
        cpu.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times), peak, statistics.median(cpu)


def paste(unit: str) -> bytes:
    """``unit`` repeated up to 4 MiB, then a totals line."""
    data = unit.encode()
    return data * (MIB4 // len(data)) + b"Total params: 320\n"


def named(unit: str) -> bytes:
    """``unit`` with its row's number (conv2d_1, conv2d_2 …) up to 4 MiB, then a totals line."""
    rows, size = [], 0
    while size + len(unit) + 6 < MIB4:
        rows.append(unit.format(len(rows) + 1).encode())
        size += len(rows[-1])
    return b"".join(rows) + b"Total params: 320\n"


PASTES = {
    "Keras 2 rows": paste("conv2d (Conv2D)            (None, 26, 26, 32)        320\n"),
    "Keras 2 rows, named apart": named("conv2d_{} (Conv2D)            (None, 26, 26, 32)        320\n"),
    "torchinfo rows": paste("│    └─Conv2d: 2-1          [1, 32, 26, 26]     320\n"),
    "Keras 3 box rows": paste("│ conv2d (Conv2D)     │ (None, 26, 26, 32)     │        320 │\n"
                              "├─────────────────────┼────────────────────────┼────────────┤\n"),
    "'Connected to' lines": b"conv2d (Conv2D)  (None, 26, 26, 32)  320\n" +
                            paste(("conv2d_1[0][0] " * 66)[:998] + "\n"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT))
    from cnncalc.views.render import STREAM_ROWS

    subprocess.run([PY, "-m", "compileall", "-q", "-f", str(ROOT / "cnncalc")], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    block = ["conv8x3 same relu", "bn", "dropout0.1", "relu"]
    with tempfile.NamedTemporaryFile("w", suffix=".cnn", delete=False) as handle:
        handle.write("input 32x32x8\n" + "\n".join(block[i % 4] for i in range(100_000)) + "\n")
    cnncalc = [PY, "-m", "cnncalc"]
    baseline, base_peak, base_cpu = wall([*cnncalc, "summary", handle.name, "--format", "json"], runs)
    table, table_peak, _ = wall([*cnncalc, "summary", handle.name], runs)
    Path(handle.name).unlink()
    boxed, _, _ = wall([*cnncalc, "summary", f"input 8x8x1, [relu]x{STREAM_ROWS}"], runs)
    print(f"python {sys.version.split()[0]}, median of {runs} runs each, fresh processes")
    print(f"{'summary, 100,000 layers, --format json':52} {baseline:7.2f} s  {base_peak / 1024:6.0f} MiB  (baseline; "
          f"{base_cpu:.2f} s CPU)")
    print(f"{'summary, 100,000 layers, table (streamed)':52} {table:7.2f} s  {table_peak / 1024:6.0f} MiB  "
          f"{table / baseline:.2f}× baseline   target ≤ 1.50×  {'ok' if table / baseline <= 1.5 else 'MISSED'}")
    print(f"{f'summary, {STREAM_ROWS:,} rows, table (a box)':52} {boxed:7.2f} s")
    for name, data in PASTES.items():
        for against in ([], ["input 28x28x1, conv32x3, conv64x3"]):
            seconds, peak, cpu = wall([*cnncalc, "check", *against, "--summary", "-"], runs, data)
            label = f"check --summary 4 MiB {name}{', spec' if against else ''}"
            met = seconds / baseline <= 3 and seconds <= 3
            print(f"{label:52} {seconds:7.2f} s  {peak / 1024:6.0f} MiB  {seconds / baseline:.2f}× baseline   "
                  f"target ≤ 3.00× and ≤ 3 s  {'ok' if met else 'MISSED'}   ({cpu:.2f} s CPU, "
                  f"{cpu / base_cpu:.2f}× the baseline's)")


if __name__ == "__main__":
    main()
