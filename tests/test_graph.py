"""Networks with branches (issue 11): the grammar, its errors, and every graph against real Keras.

The Keras models here are written by hand the way their authors write them (or taken from
keras.applications), never derived from cnncalc's parse, and compared row by row: Keras' row
order, class, output shape, parameters and the layers each row reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError, SpecError
from cnncalc.graph.network import Network, build

from .conftest import ROOT, ZOO, oracle
from .graph_specs import graphs, keras_model, spec_text

GRAPHS = ROOT / "examples" / "graphs"


def error(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        build(text)
    return caught.value.render()


# ---- the grammar (a contract: these exact words) ----

def test_a_chain_keeps_its_meaning_and_gains_inputs() -> None:
    net = build("input 28x28x1, conv32x3 relu, pool2, flatten, dense10")
    assert not net.graph
    assert [layer.inputs for layer in net.layers] == [("input_layer",), ("conv2d",), ("max_pooling2d",),
                                                       ("flatten",)]


def test_residual_block_with_the_identity() -> None:
    net = build("input 8x8x64, add(id | conv64x3 same, bn, relu, conv64x3 same, bn), relu")
    add = net.find("add")
    assert add is not None and add.inputs == ("input_layer", "batch_normalization_1")
    assert add.output_shape == (8, 8, 64) and net.graph


def test_names_references_and_the_input() -> None:
    net = build("input 16x16x3, conv8x3 same relu as e1, pool2, conv8x3 same, up2, cat(id | @e1 | @input)")
    cat = net.find("concatenate")
    assert cat is not None
    assert cat.inputs == ("up_sampling2d", "conv2d", "input_layer")
    assert cat.output_shape == (16, 16, 19)


def test_a_name_in_a_repeat_is_each_copys_own() -> None:
    net = build("input 8x8x4, [conv4x3 same as t, add(id | @t)]x2")
    adds = [layer for layer in net.layers if layer.keras_class == "Add"]
    assert [add.inputs for add in adds] == [("conv2d", "conv2d"), ("conv2d_1", "conv2d_1")]


def test_whitespace_around_bars_is_free() -> None:
    assert build("input 8x8x4, add(id|conv4x1)").find("add") is not None
    assert build("input 8x8x4, add(  id   |\n conv4x1  )").find("add") is not None


@pytest.mark.parametrize(("text", "message", "caret"), [
    ("input 8x8x4, conv4x1, add(id | @skip)", "'@skip' is not defined before here", "@skip"),
    ("input 8x8x4, conv4x1 as a, conv4x1 as a, add(id | @a)", "the name 'a' is already the name of a", "a"),
    ("input 8x8x4, conv4x1 as input", "the name 'input' is the network's input", "input"),
    ("input 8x8x4, sub(id | conv4x1 | conv4x1)", "'sub' takes exactly 2 branches, got 3", None),
    ("input 8x8x4, add(conv4x1)", "'add' takes at least 2 branches, got 1", None),
    ("input 8x8x4, add(id | )", "branch 2 of 'add' is empty", None),
    ("input 8x8x4, conv4x1 | conv4x1", "'|' outside a merge", "|"),
    ("input 8x8x4, conv4x1 as 9lives", "'as' needs one name after it", "9lives"),
    ("input 8x8x4, conv4x1 as a, @input, conv4x1", "this layer does not reach the output", "conv4x1"),
    ("input 8x8x4, add(id | conv4x1)x2", "a merge takes no count: 'add(…)x2'", None),
])
def test_graph_errors_point_at_the_token(text: str, message: str, caret: str | None) -> None:
    rendered = error(text)
    assert message in rendered.splitlines()[0]
    if caret is not None:
        line, marks = rendered.splitlines()[1:3]
        start = marks.index("^")
        assert line[start:start + len(caret)] == caret


def test_mismatched_branches_name_the_merge_list_the_branches_and_say_what_would_agree() -> None:
    lines = error("input 8x8x64, add(id | conv128x3 s2 same)").splitlines()
    assert lines[0] == ("layer 2 add (add(id | conv128x3 s2 same)): Add needs branches of one shape (or of size 1 "
                        "where they differ), but they are branch 1 (id): (None, 8, 8, 64); branch 2 "
                        "(conv128x3 s2 same): (None, 4, 4, 128)")
    assert lines[-1] == ("project the first branch with a 1×1 convolution of stride 2 and 128 filters, "
                         "e.g. conv128x1 s2")
    assert "zero-pad the smaller branch by 4×4 in all, or crop the other" in error("input 12x12x4, cat(id | conv4x5)")
    assert "crop the larger branch by 4×4" in error("input 12x12x4, cat(conv4x5 | id)")


def test_graph_json_markdown_and_csv_show_the_connections() -> None:
    spec = "input 8x8x4, conv4x1 as a, add(id | conv4x1), cat(id | @a)"
    result = CliRunner().invoke(main, ["summary", spec, "--format", "json"])
    document = json.loads(result.stdout)
    assert [layer["inputs"] for layer in document["layers"]] == [
        ["input_layer"], ["conv2d"], ["conv2d", "conv2d_1"], ["add", "conv2d"]]
    markdown = CliRunner().invoke(main, ["summary", spec, "--format", "markdown"]).stdout
    assert "| 0 | input_layer (InputLayer) | (None, 8, 8, 4) | 0 | - |" in markdown
    assert "| 4 | concatenate (Concatenate) | (None, 8, 8, 8) | 0 | add[0][0], conv2d[0][0] |" in markdown
    csv = CliRunner().invoke(main, ["summary", spec, "--format", "csv"]).stdout
    assert csv.splitlines()[0].endswith(",warnings,inputs")
    assert csv.splitlines()[4].endswith(',"add, conv2d"')


def test_check_runs_the_graph_through_the_numpy_twins() -> None:
    pytest.importorskip("numpy")
    spec = ("input 8x8x16, mul(id | gap, dense4 relu, dense16 sigmoid), conv8x3 same as a, add(id | conv8x1, bn), "
            "cat(id | @a | @input), avg(id | id), max(conv4x1 | conv4x1), sub(id | maxpool1)")
    result = CliRunner().invoke(main, ["summary", spec, "--check"])
    assert result.exit_code == 0, result.output
    assert "every output shape confirmed" in result.stdout


# ---- against Keras ----

def rows(model: Any) -> list[tuple[str, tuple[int, ...], int, tuple[int, ...]]]:
    """(class, output shape, parameters, rows read) per layer after the input, as Keras lists them."""
    position = {layer.name: row for row, layer in enumerate(model.layers)}
    found = []
    for layer in model.layers[1:]:
        node = layer._inbound_nodes[0]
        reads = tuple(position[t._keras_history[0].name] for t in node.input_tensors)
        found.append((type(layer).__name__, tuple(layer.output.shape)[1:], layer.count_params(), reads))
    return found


def ours(net: Network) -> list[tuple[str, tuple[int, ...], int, tuple[int, ...]]]:
    position = {"input_layer": 0, **{layer.name: layer.index for layer in net.layers}}
    return [(layer.keras_class, layer.output_shape, layer.params.total, tuple(position[n] for n in layer.inputs))
            for layer in net.layers]


def agree(net: Network, model: Any) -> None:
    theirs = rows(model)
    assert len(ours(net)) == len(theirs)
    for row, (a, b) in enumerate(zip(ours(net), theirs), start=1):
        assert a == b, f"row {row}: cnncalc {a}, Keras {b}"
    assert net.total_params == model.count_params()
    trainable = sum(int(v.numpy().size) for v in model.trainable_weights)
    assert net.trainable_params == trainable


@pytest.fixture(scope="module")
def keras() -> Any:
    return oracle("keras")


def read(name: str) -> Network:
    return build((GRAPHS / name).read_text(encoding="utf-8"))


@pytest.mark.oracle
def test_resnet50_equals_keras_applications(keras: Any) -> None:
    keras.backend.clear_session()
    model = keras.applications.ResNet50(weights=None)
    assert model.count_params() == 25_636_712
    agree(build((ZOO / "keras" / "ResNet50.cnn").read_text(encoding="utf-8")), model)


@pytest.mark.oracle
def test_densenet121_equals_keras_applications(keras: Any) -> None:
    keras.backend.clear_session()
    model = keras.applications.DenseNet121(weights=None)
    assert model.count_params() == 8_062_504
    agree(build((ZOO / "keras" / "DenseNet121.cnn").read_text(encoding="utf-8")), model)


@pytest.mark.oracle
def test_inception_3a_equals_keras(keras: Any) -> None:
    layers = keras.layers
    keras.backend.clear_session()
    x = keras.Input((28, 28, 192))
    b1 = layers.Conv2D(64, 1, activation="relu")(x)
    b2 = layers.Conv2D(96, 1, activation="relu")(x)
    b2 = layers.Conv2D(128, 3, padding="same", activation="relu")(b2)
    b3 = layers.Conv2D(16, 1, activation="relu")(x)
    b3 = layers.Conv2D(32, 5, padding="same", activation="relu")(b3)
    b4 = layers.MaxPooling2D(3, strides=1, padding="same")(x)
    b4 = layers.Conv2D(32, 1, activation="relu")(b4)
    model = keras.Model(x, layers.Concatenate()([b1, b2, b3, b4]))
    net = read("inception3a.cnn")
    agree(net, model)
    assert net.layers[-1].output_shape == (28, 28, 256)  # the paper's table 1: 256 channels out of (3a)


@pytest.mark.oracle
def test_unet_with_crops_equals_keras(keras: Any) -> None:
    layers = keras.layers
    keras.backend.clear_session()
    inputs = keras.Input((92, 92, 1))
    x = layers.Conv2D(8, 3, activation="relu")(inputs)
    skip = layers.Conv2D(8, 3, activation="relu")(x)
    x = layers.MaxPooling2D(2)(skip)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(8, 2, strides=2)(x)
    x = layers.Concatenate()([x, layers.Cropping2D(4)(skip)])
    x = layers.Conv2D(8, 3, activation="relu")(x)
    x = layers.Conv2D(8, 3, activation="relu")(x)
    agree(read("unet_small.cnn"), keras.Model(inputs, layers.Conv2D(2, 1)(x)))


@pytest.mark.oracle
def test_squeeze_and_excitation_equals_keras(keras: Any) -> None:
    layers = keras.layers
    keras.backend.clear_session()
    inputs = keras.Input((32, 32, 64))
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(inputs)
    s = layers.GlobalAveragePooling2D()(x)
    s = layers.Dense(4, activation="relu")(s)
    s = layers.Dense(64, activation="sigmoid")(s)
    agree(read("squeeze_excitation.cnn"), keras.Model(inputs, layers.Multiply()([x, s])))


@pytest.mark.oracle
def test_row_order_follows_keras_not_creation(keras: Any) -> None:
    """The shortcut is created first but read second: Keras lists the longer path first."""
    layers = keras.layers
    keras.backend.clear_session()
    inputs = keras.Input((8, 8, 3))
    b = layers.Conv2D(4, 1)(inputs)
    a = layers.Conv2D(4, 3, padding="same")(inputs)
    a = layers.Conv2D(4, 3, padding="same")(a)
    model = keras.Model(inputs, layers.Add()([a, b]))
    net = build("input 8x8x3, @input, conv4x1 as b, @input, conv4x3 same, conv4x3 same, add(id | @b)")
    agree(net, model)
    assert [layer.name for layer in net.layers] == [layer.name for layer in model.layers[1:]]


@pytest.mark.oracle
@pytest.mark.parametrize(("spec", "build_model"), [
    ("input 8x8x4, add(id | conv8x1)", lambda layers, x: layers.Add()([x, layers.Conv2D(8, 1)(x)])),
    ("input 8x8x4, cat(id | maxpool2)", lambda layers, x: layers.Concatenate()([x, layers.MaxPooling2D(2)(x)])),
    ("input 8x8x4, sub(id | id | id)", lambda layers, x: layers.Subtract()([x, x, x])),
])
def test_merges_keras_refuses_are_refused(keras: Any, spec: str, build_model: Any) -> None:
    keras.backend.clear_session()
    inputs = keras.Input((8, 8, 4))
    with pytest.raises(Exception):  # noqa: B017 - Keras raises ValueError or its own errors
        keras.Model(inputs, build_model(keras.layers, inputs))
    with pytest.raises(CnnCalcError):
        build(spec)


def test_every_graph_example_runs_with_check() -> None:
    pytest.importorskip("numpy")
    for path in sorted(GRAPHS.glob("*.cnn")):
        result = CliRunner().invoke(main, ["summary", str(path), "--check", "--columns", "rf"])
        assert result.exit_code == 0, (path.name, result.output[-2000:])
        assert "every output shape confirmed" in result.stdout, path.name


def test_examples_folder_has_the_issue_networks() -> None:
    names = {path.name for path in GRAPHS.glob("*.cnn")}
    assert {"inception3a.cnn", "unet_small.cnn",
            "squeeze_excitation.cnn"} <= names


@pytest.mark.oracle
@settings(max_examples=int(os.environ.get("CNNCALC_GRAPH_EXAMPLES", "250")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(graphs())
def test_random_graphs_agree_with_keras(keras: Any, graph: tuple[tuple[int, int, int], list[Any]]) -> None:
    """Names, row order, classes, shapes, parameters and connections; or both refuse."""
    text = spec_text(*graph)
    try:
        net = build(text)
    except CnnCalcError as ours:
        try:
            model = keras_model(keras, *graph)
        except Exception:
            return
        # Keras silently drops layers that do not reach the output; cnncalc refuses them
        if "does not reach the output" in ours.render():
            return
        raise AssertionError(f"cnncalc refuses what Keras builds: {text}\n{ours.render()}\n{model}") from None
    model = keras_model(keras, *graph)
    agree(net, model)
    assert [layer.name for layer in net.layers] == [layer.name for layer in model.layers[1:]], text


@pytest.mark.oracle
@pytest.mark.parametrize(("name", "block", "layers", "params"), [
    ("resnet18.cnn", "basic", [2, 2, 2, 2], 11_689_512),
    ("resnet50.cnn", "bottleneck", [3, 4, 6, 3], 25_557_032),
])
def test_torchvision_resnets_equal_torch(name: str, block: str, layers: list[int], params: int) -> None:
    """Every convolution, batch norm and linear layer's output shape and parameters, and the totals."""
    torch = oracle("torch")
    from .test_zoo import torchvision_resnet

    model = torchvision_resnet(torch, block, layers)
    assert sum(p.numel() for p in model.parameters()) == params  # torchvision's documented count
    seen: list[tuple[str, tuple[int, ...], int]] = []
    kinds = {"Conv2d": "Conv2D", "BatchNorm2d": "BatchNormalization", "Linear": "Dense"}

    def hook(module: Any, _: Any, output: Any) -> None:
        shape = tuple(output.shape[1:])
        if len(shape) == 3:
            shape = (shape[1], shape[2], shape[0])  # channels-first to cnncalc's channels-last
        seen.append((kinds[type(module).__name__], shape, sum(p.numel() for p in module.parameters())))

    for module in model.modules():
        if type(module).__name__ in kinds:
            module.register_forward_hook(hook)
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, 224, 224))
    net = build((ZOO / "torchvision" / name).read_text(encoding="utf-8"))
    mine = [(layer.keras_class, layer.output_shape, layer.params.trainable) for layer in net.layers
            if layer.keras_class in kinds.values()]
    assert sorted(mine) == sorted(seen)
    assert net.trainable_params == params


def test_peak_memory_holds_the_skip_of_a_unet() -> None:
    """Worked by hand from the U-Net's shapes (float32, batch 1): the skip (88×88×8) is held while the
    lower level runs, and the peak comes at the concatenation, where the transposed conv's output,
    the cropped skip and the concatenation are alive: 4·(80·80·8 + 80·80·8 + 80·80·16) = 819,200 bytes."""
    from cnncalc.analysis.costs import memory

    mem = memory(read("unet_small.cnn"))
    assert (mem.peak, mem.peak_layer) == (819_200, "concatenate")
    chain = memory(build("input 28x28x1, conv8x3, pool2"))
    # a chain holds one layer's input and output: the conv's 28·28·1 + 26·26·8, then the pool's 26·26·8 + 13·13·8
    worst = 4 * max(28 * 28 + 26 * 26 * 8, 26 * 26 * 8 + 13 * 13 * 8)
    assert (chain.peak, chain.peak_layer) == (worst, "max_pooling2d")


def test_explain_covers_merges() -> None:
    net = read("inception3a.cnn")
    cat = net.find("concatenate")
    assert cat is not None and cat.explain("output") == "64 + 128 + 32 + 32 = 256 channels"
    add = build("input 4x4x2, add(id | conv2x1)").find("add")
    assert add is not None
    assert add.explain("output") == "(None, 4, 4, 2) + (None, 4, 4, 2) = (None, 4, 4, 2), elementwise"


FUNCTIONAL = ROOT / "tests" / "fixtures" / "summaries" / "keras3_functional.txt"  # real Keras 3 output
FUNCTIONAL_SPEC = ("input 32x32x16, conv16x3 same relu as skip, add(id | conv16x3 same, bn), relu, "
                   "mul(id | gap, dense4 relu, dense16 sigmoid), cat(id | @skip)")


def test_a_pasted_keras3_functional_summary_is_graded() -> None:
    result = CliRunner().invoke(main, ["check", FUNCTIONAL_SPEC, "--summary", str(FUNCTIONAL), "--format", "json"])
    details = json.loads(result.stdout)[0]["details"]
    assert result.exit_code == 0, result.stdout
    assert {d["status"] for d in details} == {"correct"}
    assert sum(d["claim"].endswith(" params") for d in details) == 10  # every row of the paste, input excluded


def test_a_wrong_row_in_a_functional_summary_is_named(tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(FUNCTIONAL.read_text(encoding="utf-8").replace("(None, 32, 32, 32) ", "(None, 32, 32, 33) "),
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["check", FUNCTIONAL_SPEC, "--summary", str(paste), "--format", "json"])
    wrong = [d for d in json.loads(result.stdout)[0]["details"] if d["status"] == "wrong"]
    assert result.exit_code == 1
    assert [(d["claim"], d["correct"]) for d in wrong] == [("10 concatenate output", "(None, 32, 32, 32)")]


def test_connected_to_cells_are_graded(tmp_path: Path) -> None:
    """Issue 11/13: every row of a functional summary is checked, its 'Connected to' cell too; a name Keras 3
    cut short ('global_average_pooling…') matches by its beginning."""
    clean = CliRunner().invoke(main, ["check", FUNCTIONAL_SPEC, "--summary", str(FUNCTIONAL), "--format", "json"])
    details = json.loads(clean.stdout)[0]["details"]
    connections = [d for d in details if d["claim"].endswith("connected to")]
    assert clean.exit_code == 0 and len(connections) == 10 and all(d["status"] == "correct" for d in connections)
    paste = tmp_path / "paste.txt"  # the add reads conv2d_1, not conv2d: a wrong arrow
    paste.write_text(FUNCTIONAL.read_text(encoding="utf-8").replace("│ conv2d[0][0],           │",
                                                                     "│ conv2d_1[0][0],         │", 1),
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["check", FUNCTIONAL_SPEC, "--summary", str(paste), "--format", "json"])
    wrong = [d for d in json.loads(result.stdout)[0]["details"] if d["status"] == "wrong"]
    assert result.exit_code == 1
    assert [(d["claim"], d["correct"]) for d in wrong] == [
        ("4 add connected to", "conv2d[0][0], batch_normalization[0][0]")]
