"""The Python API: ``cnncalc.summary`` is ``cnncalc summary`` as an object, its ``to_dict()`` the command's JSON
document byte for byte (compared with the command line's own output, run through click), its errors the command's."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

import cnncalc
from cnncalc.cli.commands import main

from .conftest import ROOT

NESTED = "input 32x32x3, keras:MobileNet notop frozen, gap, dense3"
# (SPEC, the API's keyword arguments, the same as command-line options)
CASES: list[tuple[str, dict[str, object], list[str]]] = [
    ("input 28x28x1, conv32x3 relu, maxpool2, flatten, dense10", {}, []),
    ("examples/mnist_keras.cnn", {}, []),
    ("examples/lenet5.cnn", {"columns": "macs,flops"}, ["--columns", "macs,flops"]),
    ("input 28x28x1, conv32x3 s2, flatten", {}, []),  # an uneven stride: a warning in the document
    ("conv8x3, bn, flatten, dense10", {"input": "32x32x3"}, ["--input", "32x32x3"]),
    ("input 3x32x32, conv8x3 relu, bn", {"layout": "nchw"}, ["--layout", "nchw"]),
    ("input 32x32x3, conv8x3 relu, bn", {"conventions": "torch", "batch": 4, "columns": ["memory"]},
     ["--conventions", "torch", "--batch", "4", "--columns", "memory"]),
    ("input 32x32x3, conv8x3 same relu, add(id | conv8x3 same, bn), relu", {"verbose": True}, ["-v"]),
    ("input RxCx3, conv8x3, relu", {}, []),  # sizes with names
    ("resnet18", {"flops_convention": "fvcore", "by_op": True}, ["--flops-convention", "fvcore", "--by-op"]),
    ("keras:MobileNetV2", {"training": True, "optimizer": "momentum", "dtype": "float16", "columns": "memory"},
     ["--training", "--optimizer", "momentum", "--dtype", "float16", "--columns", "memory"]),
    ("input 8x8x2, conv4x3 relu, avgpool2, flatten, dense3", {"check": True, "seed": 3}, ["--check", "--seed", "3"]),
    ("tests/models/torch_resnet.py", {"model": "resnet50", "input": "3x224x224"},
     ["--model", "resnet50", "--input", "3x224x224"]),
    # a known network standing as one row: its own rows cut at depth 1, kept with --expand-nested
    (NESTED, {"depth": 1}, ["--depth", "1"]),
    (NESTED, {"expand_nested": True, "show_trainable": True}, ["--expand-nested", "--show-trainable"]),
]


@pytest.mark.parametrize(("spec", "kwargs", "options"), CASES, ids=[c[0][:40] for c in CASES])
def test_to_dict_is_the_json_the_command_prints(spec: str, kwargs: dict[str, object], options: list[str]) -> None:
    result = CliRunner().invoke(main, ["summary", spec, "--format", "json", *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    document = cnncalc.summary(spec, **kwargs).to_dict()  # type: ignore[arg-type]
    if "forward_pass" in printed:  # the pass's time is measured, not computed
        printed["forward_pass"].pop("seconds"), document["forward_pass"].pop("seconds")
    assert document == printed


def test_the_rows_and_totals() -> None:
    # by hand: conv 3·3·1·32 + 32 = 320; dense 13·13·32·10 + 10 = 54,090; bn 4·32, half of it trainable
    s = cnncalc.summary("input 28x28x1, conv32x3 relu, bn, maxpool2, flatten, dense10")
    assert [(row.name, row.type, row.output_shape, row.params, row.trainable) for row in s.layers] == [
        ("conv2d", "Conv2D", (None, 26, 26, 32), 320, 320),
        ("batch_normalization", "BatchNormalization", (None, 26, 26, 32), 128, 64),
        ("max_pooling2d", "MaxPooling2D", (None, 13, 13, 32), 0, 0),
        ("flatten", "Flatten", (None, 5408), 0, 0),
        ("dense", "Dense", (None, 10), 54090, 54090)]
    assert (s.total_params, s.trainable_params, s.non_trainable_params) == (54538, 54474, 64)


def test_to_dict_is_a_copy() -> None:
    s = cnncalc.summary("input 8x8x1, conv2x3")
    s.to_dict()["layers"].clear()
    assert len(s.to_dict()["layers"]) == 1


@pytest.mark.parametrize(("spec", "kwargs", "kind"), [
    ("input 28x28x1, dens10", {}, cnncalc.SpecError),
    ("input 4x4x1, conv2x9", {}, cnncalc.ShapeError),
    ("no/such/file.cnn", {}, cnncalc.CnnCalcError),
    ("input 28x28x1, conv4x3", {"input": "abc"}, cnncalc.SpecError),
    ("input 28x28x1, conv4x3", {"columns": "macs,colour"}, cnncalc.CnnCalcError),
    ("input RxCx1, conv4x3", {"columns": "macs"}, cnncalc.CnnCalcError),
])
def test_errors_are_the_command_lines(spec: str, kwargs: dict[str, object], kind: type[Exception]) -> None:
    options = [f"--{key}={value}" for key, value in kwargs.items()]
    result = CliRunner().invoke(main, ["summary", spec, *options])
    assert result.exit_code == 2
    with pytest.raises(kind) as caught:
        cnncalc.summary(spec, **kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, cnncalc.CnnCalcError)
    assert f"Error: {caught.value.render()}" in result.output  # the same message, its caret and hint
    assert str(caught.value) == caught.value.render()


def test_the_caret_is_in_the_message() -> None:
    with pytest.raises(cnncalc.SpecError) as caught:
        cnncalc.summary("input 28x28x1, dens10")
    assert str(caught.value).splitlines()[1:3] == ["  input 28x28x1, dens10", "                 ^^^^^^"]


def test_options_the_command_would_refuse() -> None:
    for kwargs in ({"layout": "NCHW"}, {"conventions": "tf"}, {"batch": 0}, {"dtype": "float8"},
                   {"model": "resnet50"}):
        with pytest.raises(cnncalc.CnnCalcError):
            cnncalc.summary("input 8x8x1, conv2x3", **kwargs)  # type: ignore[arg-type]


def test_importing_cnncalc_imports_nothing_heavy() -> None:
    probe = ("import sys, cnncalc; assert callable(cnncalc.SpecError); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('click', 'rich', 'numpy') "
             "or m.startswith('cnncalc.')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, cwd=ROOT, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert done.stdout.strip() == "['cnncalc.errors', 'cnncalc.lazy']"
    with pytest.raises(AttributeError):
        cnncalc.nothing  # noqa: B018


def test_the_docs_python_examples_run() -> None:
    import doctest
    import re

    page = (ROOT / "docs" / "pictures-and-api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", page, re.S)
    assert len(blocks) == 2
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(parser.get_doctest("\n".join(blocks), {}, "pictures-and-api.md", None, 0))  # one session
    assert runner.summarize(verbose=False).failed == 0


def test_depth_cuts_a_known_networks_rows_from_the_document() -> None:
    # Keras' MobileNet without its top, 32×32 in: 3,228,864 parameters (keras.applications.MobileNet's own count)
    whole, cut = cnncalc.summary(NESTED).to_dict(), cnncalc.summary(NESTED, depth=1).to_dict()
    assert whole["layers"][0]["params"] == cut["layers"][0]["params"] == 3228864
    assert "layers" in whole["layers"][0] and "layers" not in cut["layers"][0]
    for bad in (0, 100, "2"):
        with pytest.raises(cnncalc.CnnCalcError):
            cnncalc.summary(NESTED, depth=bad)  # type: ignore[arg-type]


#: a chain whose receptive field is worked by hand below
RF_CHAIN = "input 64x64x3, conv8x3 s2 same, relu, maxpool2, conv16x3 same, flatten, dense10"


def cli_svg(spec: str, *options: str) -> str:
    result = CliRunner().invoke(main, ["summary", spec, "--format", "svg", *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("rf", [(3, 5), "3,5"])
def test_rf_and_fold_are_keyword_arguments_the_notebook_view_draws(rf: tuple[int, int] | str) -> None:
    s = cnncalc.summary(RF_CHAIN, rf=rf)
    assert s.to_svg() == cli_svg(RF_CHAIN, "--rf", "3,5")
    # by hand: cell (3, 5) of the last 16×16 map reads rows 2–4, cols 4–6 of the pool's output (3×3, 'same'), so
    # rows 4–9, cols 8–13 of the first conv's output (2×2 pool); that conv (3×3, stride 2, Keras 'same' on 64:
    # no padding before) reads input rows 2·4 … 2·9 + 2 = 8–20 and cols 16–28, a 13×13 field
    assert "rows 8–20, cols 16–28" in s._repr_html_() and "13×13" in s._repr_svg_()
    assert 'class="field"' in s.to_svg() and 'class="field"' not in cnncalc.summary(RF_CHAIN).to_svg()
    repeated = "input 32x32x3, " + "conv8x3 same, bn, relu, " * 6 + "flatten, dense10"
    assert cnncalc.summary(repeated, fold=True).to_svg() == cli_svg(repeated, "--fold")
    assert "× 5" in cnncalc.summary(repeated, fold=True)._repr_html_()
    assert "× 5" not in cnncalc.summary(repeated).to_svg()


GRAPH = "input 16x16x8, conv8x3 same, add(id | conv8x3 same)"


@pytest.mark.parametrize(("spec", "kwargs", "options"), [
    (GRAPH, {"rf": (1, 1)}, ["--rf", "1,1"]),  # a graph has no volumes to mark
    ("input 16x16x8, conv8x1", {"rf": (16, 0)}, ["--rf", "16,0"]),  # rows 0–15 of the 16×16 map
    (GRAPH, {"fold": True}, ["--fold"]),  # a graph is drawn whole
])
def test_rf_and_fold_are_refused_as_the_command_refuses_them(spec: str, kwargs: dict[str, object],
                                                             options: list[str]) -> None:
    result = CliRunner().invoke(main, ["summary", spec, "--format", "svg", *options])
    assert result.exit_code == 2
    with pytest.raises(cnncalc.CnnCalcError) as caught:
        cnncalc.summary(spec, **kwargs)  # type: ignore[arg-type]
    assert caught.value.message in result.output
    for bad in ((1,), (1, -1), "1x1", (1.0, 2)):
        with pytest.raises(cnncalc.CnnCalcError):
            cnncalc.summary("input 16x16x8, conv8x1", rf=bad)  # type: ignore[arg-type]


def test_a_path_is_a_spec_and_anything_else_is_refused() -> None:
    # examples/mnist_keras.cnn is Keras' MNIST convnet: 320 + 18,496 + 16,010 = 34,826 parameters
    assert cnncalc.summary(ROOT / "examples" / "mnist_keras.cnn").total_params == 34826
    for bad in (None, 123, b"input 8x8x1, conv2x3"):
        with pytest.raises(TypeError, match="spec must be text or a path"):
            cnncalc.summary(bad)  # type: ignore[arg-type]
