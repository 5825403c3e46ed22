"""--depth on a PyTorch model file against torchinfo: the rows a model's code makes inside its own modules (a
``Bottleneck``, an ``nn.Sequential`` in the model, the ``nn.ModuleList`` a block is taken from) are drawn inside
them, as ``torchinfo.summary(model, depth=d)`` draws them. Each of tests/models/torch_*.py is run with PyTorch (the
files are this repository's own) and summarised by torchinfo at every depth down to its deepest, and cnncalc's
``--depth d`` table must be torchinfo's, row for row: name with its depth-idx, output shape, Param # cell, totals."""

from __future__ import annotations

import io
import os
import re
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError

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


# ---- random module trees: classes holding layers, Sequentials, ModuleLists, each other, and unused layers ----

LEAVES = ["nn.Conv2d(4, 4, 3, padding=1)", "nn.BatchNorm2d(4)", "nn.ReLU()", "nn.Conv2d(4, 4, 1, bias=False)",
          "nn.Identity()", "nn.Dropout(0.1)"]


@st.composite
def module_files(draw: st.DrawFn) -> str:
    """A PyTorch file of a few module classes, each holding layers, a Sequential, a ModuleList looped over (with
    a function between its modules, or not), an instance of an earlier class, and a layer it never calls."""
    classes: list[str] = []
    for number in range(draw(st.integers(1, 3))):
        parts, calls = [], []
        for index in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["leaf", "sequential", "list", "block", "unused", "function"]))
            if kind == "block" and not classes:
                kind = "leaf"
            name = f"m{index}"
            if kind == "leaf":
                parts.append(f"self.{name} = {draw(st.sampled_from(LEAVES))}")
                calls.append(f"x = self.{name}(x)")
            elif kind == "sequential":
                inner = draw(st.lists(st.sampled_from(LEAVES), min_size=0, max_size=3))
                parts.append(f"self.{name} = nn.Sequential({', '.join(inner)})")
                calls.append(f"x = self.{name}(x)")
            elif kind == "list":
                inner = draw(st.lists(st.sampled_from([*LEAVES, *(f"Block{i}()" for i in range(len(classes)))]),
                                      min_size=1, max_size=3))
                parts.append(f"self.{name} = nn.ModuleList([{', '.join(inner)}])")
                between = draw(st.sampled_from(["", "x = F.relu(x)", "x = x + 1"]))
                calls += [f"for layer in self.{name}:", "    x = layer(x)", *([f"    {between}"] if between else [])]
            elif kind == "block":
                parts.append(f"self.{name} = Block{draw(st.integers(0, len(classes) - 1))}()")
                calls.append(f"x = self.{name}(x)")
            elif kind == "unused":
                parts.append(f"self.{name} = nn.Conv2d(4, 4, 1)")
            else:
                calls.append(draw(st.sampled_from(["x = F.relu(x)", "x = x * 0.5",
                                                   "x = torch.cat([x[:, :2], x[:, 2:]], 1)"])))
        body = ["    def __init__(self):", "        super().__init__()", *(f"        {p}" for p in parts),
                "    def forward(self, x):", *(f"        {c}" for c in calls), "        return x"]
        classes.append(f"class Block{number}(nn.Module):\n" + "\n".join(body) + "\n")
    root = f"Block{len(classes) - 1}"
    return ("import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n" + "\n\n".join(classes) +
            f"\n\nmodel = nn.Sequential(nn.Conv2d(3, 4, 1), {root}())\n")


@settings(max_examples=int(os.environ.get("CNNCALC_NESTED_CODE_EXAMPLES", "25")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(module_files())
def test_random_module_trees_at_each_depth_are_torchinfos_table(tmp_path_factory: pytest.TempPathFactory,
                                                                code: str) -> None:
    folder = tmp_path_factory.mktemp("modules")
    path = folder / "net.py"
    path.write_text("# cnncalc: --input 3x8x8\n" + code, encoding="utf-8")
    from cnncalc.readers.code import read_model

    try:
        read_model(code, "net.py", None, "3x8x8")
    except CnnCalcError:  # a refusal is other tests' subject (a ModuleList of blocks given a map it cannot take)
        return
    tables, arguments = torchinfo_tables(path)
    for depth, (printed, totals) in tables.items():
        rows, ours_totals = ours(str(path), str(depth), *arguments)
        assert rows == torchinfo_rows(printed), (depth, code)
        assert ours_totals == totals, (depth, code)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_torchinfos_tables_of_a_model_file_grade_with_no_false_alarm(tmp_path: Path, path: Path) -> None:
    """``cnncalc check FILE --summary PASTE`` on torchinfo's own table at every depth: a container at the depth
    limit (ResNet's downsample, ``Sequential: 3-9``, at torchinfo's default depth 3) stands for the rows it holds."""
    from click.testing import CliRunner

    from cnncalc.cli import main

    torch = oracle("torch")
    torchinfo = pytest.importorskip("torchinfo")
    tables, arguments = torchinfo_tables(path)
    given = options(path)
    namespace: dict[str, Any] = {"__name__": "model_file"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    from cnncalc.readers.code import read_model

    model = namespace[read_model(path.read_text(encoding="utf-8"), str(path), given.get("model")).name]
    model = model() if callable(model) and not isinstance(model, torch.nn.Module) else model
    shape = tuple(int(size) for size in given["input"].split("x"))
    for depth in tables:
        text = str(torchinfo.summary(model.eval(), input_size=(1, *shape), depth=depth, verbose=0))
        paste = tmp_path / f"depth{depth}.txt"
        paste.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(path), *arguments, "--summary", str(paste)],
                                    env={"COLUMNS": "200"})
        assert result.exit_code == 0, (depth, result.output[-3000:])


def test_a_container_at_the_depth_limit_is_graded_on_the_rows_it_holds(tmp_path: Path) -> None:
    """ResNet-50's first downsample at torchinfo's default depth: 16,384 + 512 = 16,896; one more is wrong."""
    from click.testing import CliRunner

    from cnncalc.cli import main

    torch = oracle("torch")
    torchinfo = pytest.importorskip("torchinfo")
    path = ROOT / "tests" / "models" / "torch_resnet.py"
    namespace: dict[str, Any] = {"__name__": "model_file"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    model = namespace["resnet50"]
    model = model if isinstance(model, torch.nn.Module) else model()
    text = str(torchinfo.summary(model.eval(), input_size=(1, 3, 64, 64), verbose=0))  # depth 3, its default
    assert re.search(r"└─Sequential: 3-9 +\[1, 256, 16, 16\] +16,896", text)
    paste = tmp_path / "paste.txt"
    paste.write_text(text.replace("16,896", "16,897", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--model", "resnet50", "--input", "3x64x64", "--summary",
                                       str(paste)], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "16,384 + 512 = 16,896" in result.output, result.output[-2000:]
