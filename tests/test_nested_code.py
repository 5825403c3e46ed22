"""--depth on a PyTorch model file against torchinfo: the rows a model's code makes inside its own modules (a
``Bottleneck``, an ``nn.Sequential`` in the model, the ``nn.ModuleList`` a block is taken from) are drawn inside
them, as ``torchinfo.summary(model, depth=d)`` draws them. Each of tests/models/torch_*.py is run with PyTorch (the
files are this repository's own) and summarised by torchinfo at every depth down to its deepest, and cnncalc's
``--depth d`` table must be torchinfo's, row for row: name with its depth-idx, output shape, Param # cell, totals."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, oracle
from .test_nested_truth import ours, torchinfo_rows
from .test_pycode import options

pytestmark = pytest.mark.oracle

FILES = sorted((ROOT / "tests" / "models").glob("torch_*.py"))


def torchinfo_tables(path: Path) -> tuple[dict[int, tuple[list[str], list[str]]], list[str]]:
    """torchinfo's table rows and totals at each depth of the file's model, and cnncalc's arguments for it."""
    torch = oracle("torch")
    torchinfo = pytest.importorskip("torchinfo")
    given = options(path)
    namespace: dict[str, Any] = {"__name__": "model_file"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    from cnncalc.readers.code import read_model

    model = namespace[read_model(path.read_text(encoding="utf-8"), str(path), given.get("model")).name]
    model = model() if callable(model) and not isinstance(model, torch.nn.Module) else model  # a class, a factory
    shape = tuple(int(size) for size in given["input"].split("x"))
    model.eval()
    with redirect_stdout(io.StringIO()):
        full = torchinfo.summary(model, input_size=(1, *shape), depth=99, verbose=0)
    deepest = max(layer.depth for layer in full.summary_list)
    tables = {}
    for depth in range(1, deepest + 1):
        text = str(torchinfo.summary(model, input_size=(1, *shape), depth=depth, verbose=0))
        lines = text.splitlines()
        rules = [i for i, line in enumerate(lines) if line.startswith("=")]
        rows = [line.rstrip() for line in lines[rules[1] + 1:rules[2]]]
        totals = [line for line in lines if re.match(r"(Total|Trainable|Non-trainable) params", line)]
        tables[depth] = (rows, totals)
    arguments = ["--input", given["input"], *(["--model", given["model"]] if "model" in given else [])]
    return tables, arguments


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_a_model_files_modules_at_each_depth_are_torchinfos_table(path: Path) -> None:
    tables, arguments = torchinfo_tables(path)
    for depth, (printed, totals) in tables.items():
        rows, ours_totals = ours(str(path), str(depth), *arguments)
        theirs = torchinfo_rows(printed)
        assert len(rows) == len(theirs), (depth, [row[0] for row in rows], [row[0] for row in theirs])
        for number, (mine, their) in enumerate(zip(rows, theirs), start=1):
            assert mine == their, f"{path.stem} --depth {depth} row {number}"
        assert ours_totals == totals, depth
