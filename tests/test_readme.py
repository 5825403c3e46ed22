"""The README shows real output: every `$ cnncalc …` in a console block is run and compared.

`pytest tests/test_readme.py --update-golden` rewrites the blocks from the current output.
"""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

from .conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def run(command: str) -> str:
    args = shlex.split(command)
    assert args[0] == "cnncalc", command
    stdin = None
    if "<" in args:  # `cnncalc summary - < examples/x.cnn`
        stdin = (ROOT / args[args.index("<") + 1]).read_text(encoding="utf-8")
        args = args[: args.index("<")]
    result = CliRunner().invoke(main, args[1:], input=stdin, env={"COLUMNS": "100", "NO_COLOR": "1"})
    out = re.sub(r"\d+(\.\d+)? ms\b", "… ms", result.output)  # timings vary from run to run
    if result.exit_code:
        out += f"[exit {result.exit_code}]\n"
    return out


def commands(block: str) -> list[tuple[str, str]]:
    """(command, shown output) pairs of a console block."""
    pairs: list[tuple[str, str]] = []
    for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
        command, _, output = chunk.partition("\n")
        pairs.append((command, output))
    return pairs


def test_readme_output_is_real(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = README.read_text(encoding="utf-8")
    if request.config.getoption("--update-golden"):
        def refresh(match: re.Match[str]) -> str:
            fresh = "".join(f"$ {command}\n{run(command)}" for command, _ in commands(match[1]))
            return f"```console\n{fresh}```"
        text = BLOCK.sub(refresh, text)
        README.write_text(text, encoding="utf-8")
    shown = [pair for block in BLOCK.findall(text) for pair in commands(block)]
    assert shown, "the README shows no commands"
    for command, output in shown:
        shown_output = re.sub(r"\d+(\.\d+)? ms\b", "… ms", output)
        assert run(command) == shown_output, f"README output of `{command}` is stale"


def test_every_command_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"$ cnncalc {name} " in text, f"`cnncalc {name}` has no example in the README"


def test_ci_runs_the_readme_test_command() -> None:
    readme = README.read_text(encoding="utf-8")
    test_command = 'pip install -e ".[test,oracle]" && python -m pytest'
    assert test_command in readme
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]" && cnncalc summary examples/mnist_keras.cnn' in readme


def test_every_guarantee_names_a_test_that_exists() -> None:
    """The README's guarantees table points at real tests and real places in the code, so it cannot rot."""
    import importlib

    text = README.read_text(encoding="utf-8")
    section = text[text.index("### What cnncalc guarantees"):text.index("## `cnncalc check-stride`")]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) >= 8
    for row in rows:
        promise, kept, held = (cell.strip() for cell in row.strip("|").split(" | "))
        for path, name in re.findall(r"`(tests/\w+\.py)::(\w+)`", held):
            assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), f"{path}::{name} ({promise})"
        for module, attribute in re.findall(r"`(\w+)\.(\w+)(?:\.\w+)*`", kept):
            assert hasattr(importlib.import_module(f"cnncalc.{module}"), attribute), f"{module}.{attribute}"
