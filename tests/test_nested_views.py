"""--expand-nested and --depth: a known network's own rows under its row, against Keras 3's
``summary(expand_nested=True)`` text and torchinfo's rows with their depth (the ResNet-18 port of tests/test_zoo.py,
torchvision not importing here)."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli.commands import main

from .conftest import oracle
from .test_transfer import transfer_model

KERAS_SPEC = "input 32x32x3, keras:MobileNet notop frozen, gap, dense3"
TORCH_SPEC = "input 3x64x64 nchw, resnet18 notop frozen, dense10"


def rich_rows(text: str) -> list[list[str]]:
    """The cells of a rich table's rows: the name cell keeps its indentation, the others are stripped."""
    rows = []
    for line in text.splitlines():
        if line.startswith("│"):
            name, *rest = line.split("│")[1:-1]
            rows.append([name[1:].rstrip(), *(cell.strip() for cell in rest)])
    return rows


def markdown_rows(text: str) -> list[list[str]]:
    """The cells of a Markdown table's rows, after the ``#`` column."""
    return [[cell.replace(" ⚠", "") for cell in line.rstrip(" |").split(" | ")[1:]]  # an uneven stride's mark
            for line in text.splitlines() if line.startswith("| ") and " | " in line][1:]


def summary(*args: str) -> str:
    result = CliRunner().invoke(main, ["summary", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_expand_nested_is_keras_summary_expand_nested(monkeypatch: pytest.MonkeyPatch) -> None:
    keras = oracle("keras")
    monkeypatch.setenv("COLUMNS", "200")
    model, _ = transfer_model(keras, "MobileNet", 32, lambda k, x: k.layers.Dense(3)(
        k.layers.GlobalAveragePooling2D()(x)))
    printed: list[str] = []
    model.summary(print_fn=lambda text, line_break=True: printed.append(text), line_length=190,
                  expand_nested=True, show_trainable=True)
    theirs = rich_rows("\n".join(printed))[1:]  # Keras' outer input_layer row: cnncalc writes 'Input:' above
    ours = rich_rows(summary(KERAS_SPEC, "--expand-nested", "--show-trainable"))
    assert len(ours) == len(theirs) == 3 + 86  # the nested model's 86 layers, its input layer first
    # the prefix, the class, the shape, the count and Trainable agree row for row; an inner row is named as
    # cnncalc names a spec's layers (conv2d), not with the application's own names (Conv1)
    def look(row: list[str]) -> tuple[str, ...]:
        name, shape, params, trainable = row
        prefix = name[:name.index("└ ") + 2] if "└ " in name else ""
        return prefix, name[name.rindex(" ("):], shape, params, trainable

    assert [look(row) for row in ours] == [look(row) for row in theirs]
    outer = [0, len(ours) - 2, len(ours) - 1]
    assert [ours[i][0] for i in outer] == [theirs[i][0] for i in outer]  # mobilenet_1.00_32 (Functional)…
    assert ours[1][0] == theirs[1][0] == "   └ input_layer (InputLayer)"


def test_depth_1_is_the_unexpanded_table_and_markdown_expands_too() -> None:
    assert summary(KERAS_SPEC, "--depth", "1") == summary(KERAS_SPEC)
    markdown = summary(KERAS_SPEC, "--depth", "2", "--format", "markdown").splitlines()
    assert "| 1 | mobilenet_1.00_32 (Functional) | (None, 1, 1, 1024) | 3,228,864 |" in markdown
    assert "|  |    └ input_layer (InputLayer) | (None, 32, 32, 3) | 0 |" in markdown
    assert "| 3 | dense (Dense) | (None, 3) | 3,075 |" in markdown  # 1024·3 + 3 by hand


def torchvision_resnet18(torch: Any) -> Any:
    """torchvision's ResNet-18 with its modules' hierarchy (conv1, bn1, relu, maxpool, layer1…layer4 Sequentials of
    BasicBlocks, avgpool and fc = nn.Identity(); forward() flattens with torch.flatten, no module), the blocks those
    of tests/test_zoo.py's port, frozen."""
    from .test_zoo import torchvision_resnet

    nn = torch.nn
    modules = list(torchvision_resnet(torch, "basic", [2, 2, 2, 2]))
    names = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"]
    parts = [*modules[:4], *(nn.Sequential(*modules[4 + 2 * i:6 + 2 * i]) for i in range(4)), modules[12],
             nn.Identity()]
    base = _flattening("ResNet", nn, OrderedDict(zip(names, parts)), "avgpool")  # the modules keep their names
    base.requires_grad_(False)
    return base


def torchvision_alexnet(torch: Any) -> Any:
    """torchvision's AlexNet with its modules' hierarchy (features, avgpool, torch.flatten in forward(),
    classifier), the modules those of tests/test_zoo.py's port, its last Linear nn.Identity(), frozen."""
    from .test_zoo import alexnet

    nn = torch.nn
    modules = list(alexnet(nn))
    parts = {"features": nn.Sequential(*modules[:13]), "avgpool": modules[13],
             "classifier": nn.Sequential(*modules[14:-1], nn.Identity())}
    base = _flattening("AlexNet", nn, OrderedDict(parts), "avgpool")
    base.requires_grad_(False)
    return base


def _flattening(name: str, nn: Any, modules: OrderedDict[str, Any], after: str) -> Any:
    """A module class ``name`` holding ``modules`` that runs them in order, with ``torch.flatten(x, 1)`` after the
    one named ``after``, as torchvision's forward() does (a function, so no module and no row in torchinfo)."""
    def forward(self: Any, x: Any) -> Any:
        for key, module in self.named_children():
            x = module(x)
            x = x.flatten(1) if key == after else x
        return x

    model = type(name, (nn.Module,), {"forward": forward})()
    for key, module in modules.items():
        model.add_module(key, module)
    return model


def torchinfo_rows(torchinfo: Any, model: Any, depth: int) -> list[tuple[str, str, str]]:
    """torchinfo's rows down to ``depth``: name as drawn with its depth-idx, output shape, and its Param # cell as
    it prints it (``--`` for none, and for a container whose rows are shown)."""
    stats = torchinfo.summary(model, input_size=(1, 3, 64, 64), depth=depth, verbose=0)

    def label(layer: Any) -> str:
        start = "├─" if layer.depth == 1 else "│    " * (layer.depth - 1) + "└─"
        return start + layer.get_layer_name(False, True)

    return [(label(layer), str(list(layer.output_size)), layer.num_params_to_str(layer.depth == depth))
            for layer in stats.summary_list if 0 < layer.depth <= depth]


def test_depth_and_expand_nested_are_torchinfos_rows() -> None:
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    model = torch.nn.Sequential(torchvision_resnet18(torch), torch.nn.Linear(512, 10))
    # depth 1: torchinfo's rows under its model's own, as cnncalc's
    ours = markdown_rows(summary(TORCH_SPEC, "--depth", "1", "--format", "markdown"))
    assert [tuple(row) for row in ours] == torchinfo_rows(torchinfo, model, 1) == [
        ("├─ResNet: 1-1", "[1, 512]", "(11,176,512)"), ("├─Linear: 1-2", "[1, 10]", "5,130")]
    # deeper: torchinfo's rows, containers (Sequential, BasicBlock, a downsample's Sequential) and modules, with
    # their depth-idx, shapes and counts; the residual additions and the flatten are written in forward(), so no
    # module, no row. The Identity that stands for the cut classifier is the last row at depth 2
    for depth in (2, 3, 4, 5):
        theirs = torchinfo_rows(torchinfo, model, depth)
        ours = markdown_rows(summary(TORCH_SPEC, "--depth", str(depth), "--format", "markdown"))
        assert [tuple(row) for row in ours] == theirs, depth
    # at the depth limit a container writes its total: 73,728 + 147,456 + 8,192 + 3·256 by hand
    assert ("│    │    └─BasicBlock: 3-3", "[1, 128, 8, 8]", "(230,144)") in torchinfo_rows(torchinfo, model, 3)
    assert ("│    │    └─BasicBlock: 3-3", "[1, 128, 8, 8]", "--") in theirs  # its rows shown: '--'
    assert ("├─ResNet: 1-1", "[1, 512]", "--") in theirs
    assert summary(TORCH_SPEC, "--depth", "5") == summary(TORCH_SPEC, "--expand-nested")
    assert "│    │    │    │    └─Conv2d: 5-1" in summary(TORCH_SPEC, "--depth", "5")  # the table's names too


def test_a_repeated_block_is_one_container_per_copy() -> None:
    """ResNet-50's stages hold 3, 4, 6 and 3 Bottlenecks (torchvision's resnet50: layers=[3, 4, 6, 3]); its spec
    repeats a block's use ([Bottleneck(…)]x2), each copy its own row."""
    rows = markdown_rows(summary("input 3x64x64 nchw, resnet50 notop", "--depth", "3", "--format", "markdown"))
    names = [row[0].split("└─")[-1].split(":")[0] for row in rows]
    stages = "".join("|" if name == "Sequential" else "B" if name == "Bottleneck" else "" for name in names)
    assert stages == "|BBB|BBBB|BBBBBB|BBB"
    assert rows[-3][0] == "│    │    └─Bottleneck: 3-16" and rows[-3][1] == "[1, 2048, 2, 2]"


def test_alexnets_sequentials_are_torchinfos_rows() -> None:
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    model = torch.nn.Sequential(torchvision_alexnet(torch), torch.nn.Linear(4096, 10))
    spec = "input 3x64x64 nchw, alexnet notop frozen, dense10"
    for depth in (2, 3):  # the Identity for the cut Linear: the classifier's last row, the last at depth 3
        theirs = torchinfo_rows(torchinfo, model, depth)
        ours = markdown_rows(summary(spec, "--depth", str(depth), "--format", "markdown"))
        assert [tuple(row) for row in ours] == theirs, depth
    # 9216·4096+4096 + 4096·4096+4096 by hand
    assert ("│    └─Sequential: 2-3", "[1, 4096]", "(54,534,144)") in torchinfo_rows(torchinfo, model, 2)


def test_json_depth_keeps_the_nested_rows_down_to_it() -> None:
    full = json.loads(summary(TORCH_SPEC, "--format", "json"))
    # resnet18's rows, its fc an Identity, by hand: the stem 4, the blocks 8·7 (conv, bn, relu, conv, bn, add,
    # relu), the 3 downsamples 3·2, then avgpool, flatten and the Identity 3: 4 + 56 + 6 + 3 = 69
    assert len(full["layers"][0]["layers"]) == 69
    assert "layers" not in json.loads(summary(TORCH_SPEC, "--format", "json", "--depth", "1"))["layers"][0]
    assert json.loads(summary(TORCH_SPEC, "--format", "json", "--depth", "2")) == full


@pytest.mark.parametrize(("args", "words"), [
    (["--expand-nested", "--format", "csv"], "--format csv writes the network's own rows"),
    (["--depth", "2", "--columns", "macs"], "shown with their shape, count and Trainable column only"),
    (["--expand-nested", "--explain"], "--explain"),
    (["--depth", "0"], "0 is not in the range"),
])
def test_what_the_expanded_rows_cannot_show_is_refused(args: list[str], words: str) -> None:
    result = CliRunner().invoke(main, ["summary", KERAS_SPEC, *args])
    assert result.exit_code == 2 and words in result.output, result.output


def test_a_long_expanded_table_is_streamed_with_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from cnncalc.views import render

    # the 77 rows shown are past it: 2 of its own; inside, the stem's 4, 4 Sequentials, 8 BasicBlocks of 6 modules,
    # 3 downsample Sequentials of 2, the pooling and the flatten (4 + 4 + 8 + 48 + 3 + 6 + 2 = 75)
    monkeypatch.setattr(render, "STREAM_ROWS", 50)
    assert summary(TORCH_SPEC).count("\n") < 20  # two rows: drawn by rich
    out = summary(TORCH_SPEC, "--expand-nested")
    assert "(77 rows: printed as plain fixed-width lines" in out
    names = [line.split(" [")[0].rstrip() for line in out.splitlines()[3:80]]
    assert names[:3] == ["├─ResNet: 1-1", "│    └─Conv2d: 2-1", "│    └─BatchNorm2d: 2-2"]
    assert names[-1] == "├─Linear: 1-2"


def self_check(paste: str) -> dict[str, Any]:
    """``cnncalc check --summary -`` without a spec, as JSON."""
    result = CliRunner().invoke(main, ["check", "--summary", "-", "--format", "json"], input=paste)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)[0]


def keras_paste(keras: Any, model: Any) -> str:
    printed: list[str] = []
    model.summary(print_fn=lambda text, line_break=True: printed.append(text), line_length=120)
    return "\n".join(printed)


def test_a_keras_nested_row_is_checked_without_a_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    keras = oracle("keras")
    monkeypatch.setenv("COLUMNS", "160")
    model, base = transfer_model(keras, "MobileNet", 64, lambda k, x: k.layers.Dense(3)(
        k.layers.GlobalAveragePooling2D()(x)))
    paste = keras_paste(keras, model)
    assert "mobilenet_1.00_64 (Functional)" in paste and f"{base.count_params():,}" in paste
    report = self_check(paste)
    verdicts = report["verdicts"]
    assert verdicts["1 mobilenet_1.00_64 output"] == verdicts["1 mobilenet_1.00_64 params"] == "correct"
    assert verdicts["non_trainable"] == "correct"  # the base frozen: all of its 3,228,864 parameters
    assert report["correct"] == report["total"], report
    # one digit swapped in the nested row: that row is the one ✗ (its total then disagrees with the rows too)
    swapped = paste.replace("3,228,864", "3,228,846", 1)
    wrong = self_check(swapped)["verdicts"]
    assert wrong["1 mobilenet_1.00_64 params"] == "wrong"
    # the same network trained: its non-trainable parameters are its BatchNormalization's moving statistics
    model, base = transfer_model(keras, "MobileNet", 64, lambda k, x: k.layers.Dense(3)(
        k.layers.GlobalAveragePooling2D()(x)), frozen=False)
    trained = self_check(keras_paste(keras, model))
    assert trained["verdicts"]["non_trainable"] == "correct"
    assert trained["correct"] == trained["total"], trained


def test_a_sequential_keras_paste_finds_the_input_its_nested_row_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    keras = oracle("keras")
    monkeypatch.setenv("COLUMNS", "160")
    keras.backend.clear_session()
    base = keras.applications.VGG16(include_top=False, weights=None, input_shape=(150, 150, 3))
    base.trainable = False
    model = keras.Sequential([keras.Input((150, 150, 3)), base, keras.layers.Flatten(),
                              keras.layers.Dense(256, activation="relu"), keras.layers.Dense(1)])
    paste = keras_paste(keras, model)
    assert "vgg16 (Functional)" in paste and "(None, 4, 4, 512)" in paste and "input_layer" not in paste
    report = self_check(paste)
    assert report["verdicts"]["1 vgg16 output"] == report["verdicts"]["1 vgg16 params"] == "correct"
    assert report["verdicts"]["non_trainable"] == "correct"  # 14,714,688: VGG16's convolutions, frozen
    assert report["correct"] == report["total"], report


def test_a_torchinfo_nested_row_is_identified_by_its_class_and_count() -> None:
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    from .test_zoo import torchvision_resnet

    nn = torch.nn
    port = torchvision_resnet(torch, "basic", [2, 2, 2, 2])
    base = type("ResNet", (type(port),), {})(*list(port)[:-1], nn.Identity())  # its forward() flattens
    base.requires_grad_(False)
    model = nn.Sequential(base, nn.Linear(512, 10))
    paste = str(torchinfo.summary(model, input_size=(1, 3, 64, 64), depth=1, verbose=0))
    report = self_check(paste)
    assert report["verdicts"]["1 ResNet: 1-1 params"] == report["verdicts"]["1 ResNet: 1-1 output"] == "correct"
    assert report["verdicts"]["non_trainable"] == "correct"
    assert report["correct"] == report["total"], report
    # a ResNet of a count no torchvision ResNet has (its fc kept with 10 classes) is not named: unchecked
    port[-1] = nn.Linear(512, 10)
    other = str(torchinfo.summary(nn.Sequential(type("ResNet", (type(port),), {})(*port), nn.Softmax(1)),
                                  input_size=(1, 3, 64, 64), depth=1, verbose=0))
    assert self_check(other)["verdicts"]["1 ResNet: 1-1 params"] == "unchecked"


#: real transfer-learning pastes (tests/fixtures/pastes/SOURCES.md), each graded by hand: the nested row's count is
#: the application's without its top (Keras' documentation: VGG16 14,714,688; Xception 22,910,480 with its top,
#: less 2048·1000 + 1000 = 20,861,480), the head's counts (n + 1)·units, and the non-trainable total the frozen
#: base (plus the Normalization's 2·3 + 1 = 7), or, the base trained, Xception's 54,528 moving statistics + 7
REAL_TRANSFER = [
    # VGG16 on 224×224×3 (7×7×512), flatten 25,088, Dense 512: 25,088·512 + 512, Dense 149: 512·149 + 149
    ("transfer_keras2_vgg16_frozen_linkwentz.txt", "1 vgg16", 14_714_688 + 12_845_568 + 76_437, 14_714_688),
    # Xception 7×7×2048, flatten 100,352, Dense 512: 100,352·512 + 512, Dense 149
    ("transfer_keras2_xception_frozen_linkwentz.txt", "1 xception", 20_861_480 + 51_380_736 + 76_437, 20_861_480),
    # input 150×150×3, augmentations (0), Normalization 7, Xception on 150×150 (5×5×2048), GAP, Dense 1: 2048 + 1
    ("transfer_keras_io_xception_frozen.txt", "3 xception", 7 + 20_861_480 + 2_049, 20_861_480 + 7),
    ("transfer_keras_io_xception_unfrozen.txt", "3 xception", 7 + 20_861_480 + 2_049, 54_528 + 7),
]


@pytest.mark.parametrize(("name", "row", "total", "frozen"), REAL_TRANSFER, ids=[r[0] for r in REAL_TRANSFER])
def test_real_transfer_pastes_grade_clean(name: str, row: str, total: int, frozen: int) -> None:
    from pathlib import Path

    paste = (Path(__file__).parent / "fixtures" / "pastes" / name).read_text(encoding="utf-8")
    assert f"Total params: {total:,}" in paste and f"Non-trainable params: {frozen:,}" in paste
    report = self_check(paste)
    verdicts = report["verdicts"]
    assert verdicts[f"{row} output"] == verdicts[f"{row} params"] == "correct"
    assert verdicts["total"] == verdicts["non_trainable"] == "correct"
    assert "wrong" not in verdicts.values(), verdicts
    # the one row left unchecked is the guide's augmentation model, a Sequential of random layers with no weights
    assert [claim for claim, status in verdicts.items() if status == "unchecked"] == \
        (["1 sequential_3 params"] if "keras_io" in name else [])


#: the names keras.applications gives its models (keras/src/applications/*.py, each Functional's name=), and the
#: application each is
KERAS_MODEL_NAMES = [("vgg16", "VGG16"), ("xception", "Xception"), ("resnet50", "ResNet50"),
                     ("resnet50v2", "ResNet50V2"), ("inception_v3", "InceptionV3"),
                     ("inception_resnet_v2", "InceptionResNetV2"), ("mobilenet_1.00_224", "MobileNet"),
                     ("mobilenetv2_1.00_160", "MobileNetV2"), ("densenet121", "DenseNet121"),
                     ("efficientnetb0", "EfficientNetB0"), ("efficientnetv2-b0", "EfficientNetV2B0"),
                     ("convnext_tiny", "ConvNeXtTiny"), ("resnet50_1", "ResNet50"),
                     # a width multiplier the zoo does not hold, and a model of the user's own
                     ("mobilenetv2_0.35_96", None), ("model", None), ("sequential_3", None)]


@pytest.mark.parametrize(("name", "network"), KERAS_MODEL_NAMES)
def test_a_keras_model_name_names_its_application(name: str, network: str | None) -> None:
    from cnncalc.grading.selfcheck.nested import _keras_application

    assert _keras_application(name) == network


def test_an_inner_row_of_a_functional_summary_is_connected_to_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # keras/src/utils/summary_utils.py get_connections: a node outside the outer model's _nodes_by_depth is skipped,
    # and a row with no connection left is written '-': every row inside the nested model
    monkeypatch.setenv("COLUMNS", "200")
    spec = "input 32x32x3, keras:MobileNet notop, gap, add(id | dense1024), dense3"
    rows = rich_rows(summary(spec, "--expand-nested"))
    assert rows[0] == ["input_layer (InputLayer)", "(None, 32, 32, 3)", "0", "-"]
    assert rows[1] == ["mobilenet_1.00_32 (Functional)", "(None, 1, 1, 1024)", "3,228,864", "input_layer[0][0]"]
    inner = [row for row in rows if row[0].startswith("   └ ")]
    assert len(inner) == 86 and {row[3] for row in inner} == {"-"}
    assert rows[-1][3] == "add[0][0]"
