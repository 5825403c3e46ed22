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
#: tests/models is a corpus of model code that cnncalc reads without running; pytest must not import it either.
collect_ignore = ["models"]

# In CI the random examples are the same on every run, so a landing never hangs on a new draw; local runs
# stay random and keep exploring (and Hypothesis' database replays what they found).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files and README blocks from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"output differs from golden file {name}"

    return check


def render_table(net, width: int = 100, explain: bool = False) -> str:  # type: ignore[no-untyped-def]
    """The summary table as rich renders it with no colour, as Rich's own tests do."""
    from rich.console import Console

    from cnncalc.render import print_table

    out = io.StringIO()
    print_table(Console(file=out, width=width, color_system=None, highlight=False), net, explain)
    return out.getvalue()


def oracle(name: str) -> ModuleType:
    """Import a framework from the oracle extra; in CI its absence is a failure, not a skip."""
    if name == "keras":
        os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: install the oracle extra (.[test,oracle])")
        pytest.skip(f"{name} is not installed (pip install -e '.[oracle]')")
