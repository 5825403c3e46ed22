"""Shared fixtures: golden files, a fixed-width renderer, and the oracle frameworks."""

from __future__ import annotations

import importlib
import io
import os
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
#: the networks cnncalc knows by name: torchvision/<builder>.cnn and keras/<Application>.cnn
ZOO = ROOT / "cnncalc" / "zoo"
#: tests/models is a corpus of model code that cnncalc reads without running; pytest must not import it either.
#: tests/fixtures holds data and the script that regenerates some of it from the frameworks (it imports keras and
#: torch at the top, so --doctest-modules must not import it where the oracle extra is not installed).
#: tests/corpus holds third-party model files and the script that runs them in the frameworks: never imported here.
collect_ignore = ["models", "fixtures", "corpus"]

# In CI the random examples are the same on every run, so a landing never hangs on a new draw; local runs
# stay random and keep exploring (and Hypothesis' database replays what they found).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# CI's second, time-boxed pass (.ci/run): random draws from a seed it prints (--hypothesis-seed), few examples per
# test, so that new counterexamples surface in CI instead of hiding behind the derandomized pass.
settings.register_profile("explore", derandomize=False, database=None, print_blob=True, max_examples=15,
                          deadline=None)
if os.environ.get("CNNCALC_HYPOTHESIS_PROFILE") or os.environ.get("CI"):
    settings.load_profile(os.environ.get("CNNCALC_HYPOTHESIS_PROFILE", "ci"))
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="write golden files (missing ones too) and README blocks from the current output")


def check_golden(path: Path, text: str, update: bool) -> None:
    """``text`` must equal the golden file at ``path``; only ``update`` (--update-golden) writes it.

    A missing golden file fails: deleting one must not re-bless whatever is printed now."""
    if update:
        path.write_text(text, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"golden file {path.name} is missing: write it with --update-golden, then read it before "
                    f"committing")
    assert text == path.read_text(encoding="utf-8"), f"output differs from golden file {path.name}"


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        check_golden(GOLDEN / name, text, update)

    return check


def render_table(net, width: int = 100, explain: bool = False) -> str:  # type: ignore[no-untyped-def]
    """The summary table as rich renders it with no colour, as Rich's own tests do."""
    from rich.console import Console

    from cnncalc.views.render import print_table

    out = io.StringIO()
    print_table(Console(file=out, width=width, color_system=None, highlight=False), net, explain)
    return out.getvalue()


def oracle(name: str) -> ModuleType:
    """Import a framework from the oracle extra; in CI its absence is a failure, not a skip.

    CNNCALC_NO_ORACLE=1 skips the framework tests even where the frameworks are installed: what the rest of the
    suite guards on its own (benchmarks/mutation.py measures that)."""
    if os.environ.get("CNNCALC_NO_ORACLE"):
        pytest.skip(f"{name}: CNNCALC_NO_ORACLE is set")
    if name == "keras":
        os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: install the oracle extra (.[test,oracle])")
        pytest.skip(f"{name} is not installed (pip install -e '.[oracle]')")
