"""Transfer learning: a known network as one item of a spec, its classifier cut off (``notop``), and ``frozen``
after any item.  Each count, split and nested row is the framework's own: Keras 3 builds its application with
``include_top=False`` and ``trainable = False``; PyTorch runs the ResNet-50 port of tests/test_zoo.py with its
``fc`` an ``nn.Identity()`` and ``requires_grad_(False)`` (torchvision does not import here)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli.commands import main
from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build

from .conftest import oracle


def keras_split(keras: Any, model: Any) -> tuple[int, int, int]:
    """Keras' own totals: (total, trainable, non-trainable)."""
    trainable = sum(int(keras.ops.size(w)) for w in model.trainable_weights)
    frozen = sum(int(keras.ops.size(w)) for w in model.non_trainable_weights)
    return trainable + frozen, trainable, frozen


def split(spec: str) -> tuple[int, int, int]:
    net = build(spec)
    return net.total_params, net.trainable_params, net.non_trainable_params


def transfer_model(keras: Any, application: str, size: int, head: Any, frozen: bool = True) -> tuple[Any, Any]:
    """keras.applications' network without its top, as one nested model, with a head: (model, base)."""
    keras.backend.clear_session()
    base = getattr(keras.applications, application)(include_top=False, weights=None, input_shape=(size, size, 3))
    base.trainable = not frozen
    inputs = keras.Input((size, size, 3))
    return keras.Model(inputs, head(keras, base(inputs))), base


# the contract's figures, written here as the brief gives them
CONTRACT = [
    ("input 224x224x3, keras:MobileNetV2 notop frozen, gap, dense10 softmax", (2_270_794, 12_810, 2_257_984)),
    ("input 224x224x3, keras:ResNet50 notop frozen, gap, dense5", (23_597_957, 10_245, 23_587_712)),
    ("input 3x224x224 nchw, resnet50 notop frozen, dense10", (23_528_522, 20_490, 23_508_032)),
    ("input 28x28x1, conv32x3 frozen, flatten, dense10", (216_650, 216_330, 320)),
]


@pytest.mark.parametrize(("spec", "figures"), CONTRACT, ids=[c[0] for c in CONTRACT])
def test_the_contract_figures(spec: str, figures: tuple[int, int, int]) -> None:
    assert split(spec) == figures


def test_mobilenetv2_without_its_top_frozen_is_keras_own() -> None:
    keras = oracle("keras")
    model, base = transfer_model(keras, "MobileNetV2", 224, lambda k, x: k.layers.Dense(10, activation="softmax")(
        k.layers.GlobalAveragePooling2D()(x)))
    spec = "input 224x224x3, keras:MobileNetV2 notop frozen, gap, dense10 softmax"
    assert split(spec) == keras_split(keras, model)
    row = build(spec).layers[0]
    assert (row.name, row.keras_class) == (base.name, "Functional")  # mobilenetv2_1.00_224 (Functional)
    assert row.output_shape == tuple(base.output.shape[1:])
    assert row.params.total == base.count_params()


def test_resnet50_without_its_top_frozen_is_keras_own() -> None:
    keras = oracle("keras")
    model, base = transfer_model(keras, "ResNet50", 224, lambda k, x: k.layers.Dense(5)(
        k.layers.GlobalAveragePooling2D()(x)))
    spec = "input 224x224x3, keras:ResNet50 notop frozen, gap, dense5"
    assert split(spec) == keras_split(keras, model)
    row = build(spec).layers[0]
    assert (row.name, row.output_shape) == (base.name, tuple(base.output.shape[1:]))


def test_a_known_network_follows_the_input_and_is_refused_where_keras_refuses() -> None:
    keras = oracle("keras")
    _, base = transfer_model(keras, "MobileNetV2", 160, lambda k, x: x, frozen=False)
    net = build("input 160x160x3, keras:MobileNetV2 notop")
    assert (net.layers[0].name, net.layers[0].output_shape) == (base.name, (5, 5, 1280))
    assert split("input 160x160x3, keras:MobileNetV2 notop") == keras_split(keras, base)  # BN's moving stats
    with pytest.raises(ValueError) as theirs:
        keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(16, 16, 3))
    with pytest.raises(CnnCalcError) as mine:
        build("input 16x16x3, keras:MobileNetV2 notop")
    assert str(theirs.value) in mine.value.message


def test_resnet50_without_its_fc_frozen_is_pytorchs_own() -> None:
    torch = oracle("torch")
    from .test_zoo import torchvision_resnet

    base = torchvision_resnet(torch, "bottleneck", [3, 4, 6, 3])
    base[-1] = torch.nn.Identity()  # torchvision: model.fc = nn.Identity()
    base.requires_grad_(False)
    model = torch.nn.Sequential(base, torch.nn.Linear(2048, 10))
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    net = build("input 3x224x224 nchw, resnet50 notop frozen, dense10")
    assert (net.total_params, net.trainable_params, net.non_trainable_params) == (total, trainable, total - trainable)
    assert net.buffers == sum(b.numel() for b in model.buffers())
    assert net.layers[0].name == "ResNet: 1-1"  # torchvision's class: class ResNet(nn.Module)
    assert net.layers[0].output_shape == tuple(base(torch.zeros(1, 3, 224, 224)).shape[1:])


def frozen_model(keras: Any) -> Any:
    """input 28x28x1, [conv8x3 relu]x2 frozen, add(id | conv8x3 same, bn) frozen, flatten, dense10."""
    keras.backend.clear_session()
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(8, 3, activation="relu", trainable=False)(inputs)
    x = keras.layers.Conv2D(8, 3, activation="relu", trainable=False)(x)
    y = keras.layers.BatchNormalization(trainable=False)(keras.layers.Conv2D(8, 3, padding="same",
                                                                             trainable=False)(x))
    x = keras.layers.Add()([x, y])
    return keras.Model(inputs, keras.layers.Dense(10)(keras.layers.Flatten()(x)))


def test_frozen_follows_a_layer_a_repeat_a_merge_and_a_block() -> None:
    keras = oracle("keras")
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3, trainable=False),
                              keras.layers.Flatten(), keras.layers.Dense(10)])
    assert split("input 28x28x1, conv32x3 frozen, flatten, dense10") == keras_split(keras, model)
    truth = keras_split(keras, frozen_model(keras))
    assert split("input 28x28x1, [conv8x3 relu]x2 frozen, add(id | conv8x3 same, bn) frozen, flatten, dense10") \
        == truth
    assert split("def b(c) = (conv{c}x3 relu), input 28x28x1, b(8) frozen, conv8x3 relu frozen, "
                 "add(id | conv8x3 same, bn) frozen, flatten, dense10") == truth


def test_frozen_must_follow_an_item() -> None:
    for spec in ("input 28x28x1, frozen, dense10", "input 28x28x1, conv8x3, frozen"):
        with pytest.raises(CnnCalcError, match="'frozen' follows the item it freezes"):
            build(spec)


def test_notop_is_refused_where_the_classifier_has_no_linear() -> None:
    # squeezenet's classifier is Dropout, Conv2d, ReLU, AdaptiveAvgPool2d (torchvision/models/squeezenet.py)
    with pytest.raises(CnnCalcError, match="no Linear to cut off"):
        build("input 3x224x224 nchw, squeezenet1_0 notop")


def test_the_json_gives_a_nested_row_its_layers() -> None:
    result = CliRunner().invoke(main, ["summary", "input 96x96x3, keras:MobileNetV2 notop frozen, gap, dense3",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)["layers"][0]
    assert (row["name"], row["type"], row["trainable"]) == ("mobilenetv2_1.00_96", "Functional", 0)
    inner = row["layers"]
    assert inner[0]["type"] == "Conv2D" and inner[-1]["output_shape"] == [3, 3, 1280]
    assert sum(layer["params"] for layer in inner) == row["params"]


@pytest.mark.parametrize("seed", range(3))
def test_random_bases_and_heads_are_keras_own(seed: int) -> None:
    keras = oracle("keras")
    rng = random.Random(seed)
    application = rng.choice(["MobileNetV2", "MobileNet"])
    size = rng.choice([32, 64, 96])
    units = rng.randint(1, 20)
    pool = rng.choice(["gap", "flatten"])
    frozen = rng.random() < 0.5
    head_frozen = rng.random() < 0.5

    def head(k: Any, x: Any) -> Any:
        x = (k.layers.GlobalAveragePooling2D() if pool == "gap" else k.layers.Flatten())(x)
        return k.layers.Dense(units)(k.layers.Dense(8, activation="relu", trainable=not head_frozen)(x))

    model, _ = transfer_model(keras, application, size, head, frozen)
    spec = (f"input {size}x{size}x3, keras:{application} notop{' frozen' if frozen else ''}, {pool}, "
            f"dense8 relu{' frozen' if head_frozen else ''}, dense{units}")
    assert split(spec) == keras_split(keras, model), spec


def test_the_trainable_column_is_keras_own() -> None:
    keras = oracle("keras")
    from cnncalc.views.cells import trainable_cell

    model = frozen_model(keras)
    # keras/src/utils/summary_utils.py: Y or N for a layer with weights, by layer.trainable; - without weights
    theirs = {layer.name: ("Y" if layer.trainable else "N") if layer.weights else "-" for layer in model.layers[1:]}
    net = build("input 28x28x1, [conv8x3 relu]x2 frozen, add(id | conv8x3 same, bn) frozen, flatten, dense10")
    assert {layer.name: trainable_cell(layer) for layer in net.layers} == theirs
    result = CliRunner().invoke(main, ["summary", "input 32x32x3, keras:MobileNetV2 notop frozen, gap, dense2",
                                       "--show-trainable", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    rows = [line.split(" | ")[-1].rstrip(" |") for line in result.output.splitlines() if line.startswith("| 1 ")]
    assert rows == ["N"]  # base.trainable = False: Keras prints N on the nested model's row


def test_a_pasted_nested_row_is_paired_with_the_known_network(monkeypatch: pytest.MonkeyPatch) -> None:
    keras = oracle("keras")
    monkeypatch.setenv("COLUMNS", "160")  # rich draws Keras' table as wide as the console says it is
    model, _ = transfer_model(keras, "MobileNetV2", 32, lambda k, x: k.layers.Dense(3)(
        k.layers.GlobalAveragePooling2D()(x)))
    printed: list[str] = []
    model.summary(print_fn=lambda text, line_break=True: printed.append(text), line_length=120)
    paste = "\n".join(printed)
    assert "mobilenetv2_1.00_32 (Functional)" in paste
    spec = "input 32x32x3, keras:MobileNetV2 notop frozen, gap, dense3"
    result = CliRunner().invoke(main, ["check", spec, "--summary", "-", "--format", "json"], input=paste)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)[0]
    assert report["verdicts"]["1 mobilenetv2_1.00_32 params"] == "correct"
    assert report["correct"] == report["total"] == 9, report  # 3 rows' shapes and counts, and the 3 totals
    # the same paste against the network unfrozen: the total is right, the split is not what the spec says
    unfrozen = CliRunner().invoke(main, ["check", spec.replace(" frozen", ""), "--summary", "-"], input=paste)
    assert unfrozen.exit_code != 0 or "unchecked" in unfrozen.output, unfrozen.output
