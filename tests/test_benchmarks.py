"""The benchmark scripts stay runnable: each one imports what it needs and answers --help (their figures are measured
by running them, never by the test suite, which would time a shared machine)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))


def test_there_are_benchmarks() -> None:
    assert {"bench_summary.py", "bench_pycode.py", "bench_tables.py"} <= {script.name for script in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda script: script.name)
def test_a_benchmark_answers_help(script) -> None:
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower()
