"""Every known network as an item of a spec, its classifier cut off and frozen, under a head, in both frameworks.

torchvision does not import here: each network's count is torchvision's documented one (its model builders'
pages), less its last Linear, ``in_features·1000 + 1000``, with ``in_features`` read from torchvision's source
(``fc = nn.Linear(512 * block.expansion, num_classes)``, ``nn.Linear(self.last_channel, num_classes)``…).  Each
Keras application without its top is what Keras 3 built (``include_top=False, weights=None``), recorded by
tests/keras_notop_truth.py in tests/corpus/truth/keras_applications_notop.json.  Also here: torchinfo's and Keras'
pastes of frozen and nested models checked against a spec, and ``model.features`` frozen in model code.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli.commands import main
from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build

from .conftest import oracle

KERAS_NOTOP = json.loads((Path(__file__).resolve().parent / "corpus" / "truth" / "keras_applications_notop.json")
                         .read_text(encoding="utf-8"))

#: torchvision's documented count, the features its last Linear reads, and the model's class (torchvision/models)
TORCHVISION = {
    "alexnet": (61_100_840, 4096, "AlexNet"),
    "convnext_tiny": (28_589_128, 768, "ConvNeXt"), "convnext_small": (50_223_688, 768, "ConvNeXt"),
    "convnext_base": (88_591_464, 1024, "ConvNeXt"), "convnext_large": (197_767_336, 1536, "ConvNeXt"),
    "densenet121": (7_978_856, 1024, "DenseNet"), "densenet161": (28_681_000, 2208, "DenseNet"),
    "densenet169": (14_149_480, 1664, "DenseNet"), "densenet201": (20_013_928, 1920, "DenseNet"),
    "efficientnet_b0": (5_288_548, 1280, "EfficientNet"), "efficientnet_b1": (7_794_184, 1280, "EfficientNet"),
    "efficientnet_b2": (9_109_994, 1408, "EfficientNet"), "efficientnet_b3": (12_233_232, 1536, "EfficientNet"),
    "efficientnet_b4": (19_341_616, 1792, "EfficientNet"), "efficientnet_b5": (30_389_784, 2048, "EfficientNet"),
    "efficientnet_b6": (43_040_704, 2304, "EfficientNet"), "efficientnet_b7": (66_347_960, 2560, "EfficientNet"),
    "efficientnet_v2_s": (21_458_488, 1280, "EfficientNet"), "efficientnet_v2_m": (54_139_356, 1280, "EfficientNet"),
    "efficientnet_v2_l": (118_515_272, 1280, "EfficientNet"),
    "googlenet": (6_624_904, 1024, "GoogLeNet"),
    # documented 27,161,264 with its auxiliary classifier (aux_logits), which eval() never runs: 3,326,696 less
    "inception_v3": (23_834_568, 2048, "Inception3"),
    "mnasnet0_5": (2_218_512, 1280, "MNASNet"), "mnasnet0_75": (3_170_208, 1280, "MNASNet"),
    "mnasnet1_0": (4_383_312, 1280, "MNASNet"), "mnasnet1_3": (6_282_256, 1280, "MNASNet"),
    "mobilenet_v2": (3_504_872, 1280, "MobileNetV2"),
    "mobilenet_v3_large": (5_483_032, 1280, "MobileNetV3"), "mobilenet_v3_small": (2_542_856, 1024, "MobileNetV3"),
    "regnet_x_400mf": (5_495_976, 400, "RegNet"), "regnet_x_800mf": (7_259_656, 672, "RegNet"),
    "regnet_x_1_6gf": (9_190_136, 912, "RegNet"), "regnet_x_3_2gf": (15_296_552, 1008, "RegNet"),
    "regnet_x_8gf": (39_572_648, 1920, "RegNet"), "regnet_x_16gf": (54_278_536, 2048, "RegNet"),
    "regnet_x_32gf": (107_811_560, 2520, "RegNet"),
    "regnet_y_400mf": (4_344_144, 440, "RegNet"), "regnet_y_800mf": (6_432_512, 784, "RegNet"),
    "regnet_y_1_6gf": (11_202_430, 888, "RegNet"), "regnet_y_3_2gf": (19_436_338, 1512, "RegNet"),
    "regnet_y_8gf": (39_381_472, 2016, "RegNet"), "regnet_y_16gf": (83_590_140, 3024, "RegNet"),
    "regnet_y_32gf": (145_046_770, 3712, "RegNet"), "regnet_y_128gf": (644_812_894, 7392, "RegNet"),
    "resnet18": (11_689_512, 512, "ResNet"), "resnet34": (21_797_672, 512, "ResNet"),
    "resnet50": (25_557_032, 2048, "ResNet"), "resnet101": (44_549_160, 2048, "ResNet"),
    "resnet152": (60_192_808, 2048, "ResNet"),
    "resnext50_32x4d": (25_028_904, 2048, "ResNet"), "resnext101_32x8d": (88_791_336, 2048, "ResNet"),
    "resnext101_64x4d": (83_455_272, 2048, "ResNet"),
    "wide_resnet50_2": (68_883_240, 2048, "ResNet"), "wide_resnet101_2": (126_886_696, 2048, "ResNet"),
    "shufflenet_v2_x0_5": (1_366_792, 1024, "ShuffleNetV2"), "shufflenet_v2_x1_0": (2_278_604, 1024, "ShuffleNetV2"),
    "shufflenet_v2_x1_5": (3_503_624, 1024, "ShuffleNetV2"), "shufflenet_v2_x2_0": (7_393_996, 2048, "ShuffleNetV2"),
    "vgg11": (132_863_336, 4096, "VGG"), "vgg11_bn": (132_868_840, 4096, "VGG"),
    "vgg13": (133_047_848, 4096, "VGG"), "vgg13_bn": (133_053_736, 4096, "VGG"),
    "vgg16": (138_357_544, 4096, "VGG"), "vgg16_bn": (138_365_992, 4096, "VGG"),
    "vgg19": (143_667_240, 4096, "VGG"), "vgg19_bn": (143_678_248, 4096, "VGG"),
    # VisionTransformer: heads.head, Linear(hidden_dim, num_classes); vit_h_14 on 224 (its image_size default)
    "vit_b_16": (86_567_656, 768, "VisionTransformer"), "vit_b_32": (88_224_232, 768, "VisionTransformer"),
    "vit_l_16": (304_326_632, 1024, "VisionTransformer"), "vit_l_32": (306_535_400, 1024, "VisionTransformer"),
    "vit_h_14": (632_045_800, 1280, "VisionTransformer"),
    # SwinTransformer: head, Linear(embed_dim · 2³, num_classes); the V2s at 256 (their weights' size)
    "swin_t": (28_288_354, 768, "SwinTransformer"), "swin_s": (49_606_258, 768, "SwinTransformer"),
    "swin_b": (87_768_224, 1024, "SwinTransformer"), "swin_v2_t": (28_351_570, 768, "SwinTransformer"),
    "swin_v2_s": (49_737_442, 768, "SwinTransformer"), "swin_v2_b": (87_930_848, 1024, "SwinTransformer"),
}
#: MaxVit's classifier ends in Linear(512, num_classes, bias=False): no bias to take away with it
MAXVIT = (30_919_624, 512, "MaxVit")


def split(spec: str) -> tuple[int, int, int]:
    net = build(spec)
    return net.total_params, net.trainable_params, net.non_trainable_params


def test_every_known_network_is_in_the_tables() -> None:
    zoo = Path(__file__).resolve().parent.parent / "cnncalc" / "zoo"
    # squeezenet's classifier ends in a convolution: no Linear to cut off (tests/test_transfer.py)
    assert {p.stem for p in (zoo / "torchvision").glob("*.cnn")} - set(TORCHVISION) == {"squeezenet1_0",
                                                                                        "squeezenet1_1", "maxvit_t"}
    assert {p.stem for p in (zoo / "keras").glob("*.cnn")} == set(KERAS_NOTOP)


@pytest.mark.parametrize("network", sorted([*TORCHVISION, "maxvit_t"]))
def test_every_torchvision_network_without_its_classifier_frozen(network: str) -> None:
    documented, features, cls = TORCHVISION.get(network, MAXVIT)
    base = documented - (features * 1000 + (0 if network == "maxvit_t" else 1000))  # the last Linear: nn.Identity()
    size = 299 if network == "inception_v3" else 256 if network.startswith("swin_v2") else 224
    net = build(f"input 3x{size}x{size} nchw, {network} notop frozen, dense10")
    row = net.layers[0]
    assert (row.name, row.output_shape, row.params.total) == (f"{cls}: 1-1", (features,), base)
    assert (net.total_params, net.trainable_params, net.non_trainable_params) == \
        (base + features * 10 + 10, features * 10 + 10, base)


@pytest.mark.parametrize("network", sorted(KERAS_NOTOP))
def test_every_keras_application_without_its_top_frozen(network: str) -> None:
    truth = KERAS_NOTOP[network]
    shape = truth["input_shape"]
    net = build(f"input {'x'.join(map(str, shape))}, keras:{network} notop frozen, gap, dense10")
    row = net.layers[0]
    assert (row.name, row.keras_class) == (truth["name"], "Functional")
    assert list(row.output_shape) == truth["output_shape"]
    assert row.params.total == truth["total_params"]
    channels = truth["output_shape"][-1]
    head = channels * 10 + 10
    assert (net.total_params, net.trainable_params, net.non_trainable_params) == \
        (truth["total_params"] + head, head, truth["total_params"])
    trained = build(f"input {'x'.join(map(str, shape))}, keras:{network} notop")
    assert trained.trainable_params == truth["trainable_params"]  # the moving statistics stay non-trainable


@pytest.mark.parametrize("seed", range(20))
def test_random_bases_and_heads_in_both_frameworks(seed: int) -> None:
    rng = random.Random(seed)
    units, hidden = rng.randint(1, 50), rng.choice([8, 64])
    frozen, hidden_frozen = rng.random() < 0.5, rng.random() < 0.5
    tail = f"dense{hidden} relu{' frozen' if hidden_frozen else ''}, dense{units}"
    if seed % 2:
        network = rng.choice(sorted(KERAS_NOTOP))
        truth = KERAS_NOTOP[network]
        base, channels = truth["total_params"], truth["output_shape"][-1]
        moving = base - truth["trainable_params"]  # BatchNormalization's moving statistics: never trainable
        spec = (f"input {'x'.join(map(str, truth['input_shape']))}, keras:{network} notop"
                f"{' frozen' if frozen else ''}, gap, {tail}")
    else:
        network = rng.choice(sorted(n for n in TORCHVISION if n != "inception_v3"))
        documented, channels, _ = TORCHVISION[network]
        base, moving = documented - (channels * 1000 + 1000), 0  # PyTorch: the running statistics are buffers
        spec = f"input 3x224x224 nchw, {network} notop{' frozen' if frozen else ''}, {tail}"
    first, second = channels * hidden + hidden, hidden * units + units
    trainable = (0 if frozen else base - moving) + (0 if hidden_frozen else first) + second
    assert split(spec) == (base + first + second, trainable, base + first + second - trainable), spec


def test_a_vision_transformer_takes_its_image_size_only() -> None:
    # torchvision/models/vision_transformer.py, _process_input: torch._assert(h == self.image_size,
    # f"Wrong image height! Expected {self.image_size} but got {h}!"), then the width
    with pytest.raises(CnnCalcError) as error:
        build("input 3x160x160 nchw, vit_b_16 notop")
    assert "Wrong image height! Expected 224 but got 160!" in error.value.message
    with pytest.raises(CnnCalcError) as error:
        build("input 3x224x192 nchw, vit_b_32 notop")
    assert "Wrong image width! Expected 224 but got 192!" in error.value.message


def test_keras_convnext_without_its_top_keeps_its_layer_norm() -> None:
    # keras/src/applications/convnext.py: without the top, x = layers.LayerNormalization(epsilon=1e-6)(x) on the
    # map; torchvision's convnext_tiny without its Linear keeps the same norm: 28,589,128 - (768·1000 + 1000)
    net = build("input 32x32x3, keras:ConvNeXtTiny notop")
    assert net.layers[0].output_shape == (1, 1, 768)
    assert net.total_params == 28_589_128 - 769_000 == 27_820_128
    assert net.layers[0].inner is not None and net.layers[0].inner.layers[-1].keras_class == "LayerNormalization"


def check(spec: str, paste: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["check", spec, "--summary", "-", "--format", "json"], input=paste)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)[0]  # type: ignore[no-any-return]


def test_a_torchinfo_paste_of_frozen_layers_is_checked_against_its_spec() -> None:
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.Linear(8 * 14 * 14, 10))
    model[0].requires_grad_(False)
    model[1].requires_grad_(False)
    paste = str(torchinfo.summary(model, input_size=(1, 3, 16, 16), verbose=0))
    assert "(224)" in paste and "Non-trainable params: 240" in paste  # (3·3·3 + 1)·8 and 2·8, frozen
    for spec in ("input 3x16x16 nchw, conv8x3 frozen, bn frozen, flatten, dense10",
                 "input 16x16x3, conv8x3 frozen, bn frozen, flatten, dense10"):  # Keras' reading, the same counts
        report = check(spec, paste)
        assert report["correct"] == report["total"], (spec, report)


def test_a_torchinfo_nested_row_is_paired_with_the_spec() -> None:
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    from .test_zoo import torchvision_resnet

    nn = torch.nn
    port = torchvision_resnet(torch, "basic", [2, 2, 2, 2])
    base = type("ResNet", (type(port),), {})(*list(port)[:-1], nn.Identity())  # fc = nn.Identity(), forward() flattens
    base.requires_grad_(False)
    model = nn.Sequential(base, nn.Linear(512, 10))
    spec = "input 3x64x64 nchw, resnet18 notop frozen, dense10"
    # depth 1: the network one row; deeper, its container row ('--') with its modules and blocks under it
    for depth in (1, 2, 3):
        paste = str(torchinfo.summary(model, input_size=(1, 3, 64, 64), depth=depth, verbose=0))
        assert "├─ResNet: 1-1" in paste and ("└─BasicBlock: 2-5" in paste) == (depth > 1)
        report = check(spec, paste)
        assert report["verdicts"]["1 ResNet: 1-1 params"] == "correct", (depth, report)  # type: ignore[index]
        assert report["verdicts"]["non_trainable"] == "correct"  # type: ignore[index]
        assert report["correct"] == report["total"], (depth, report)
    # a count misprinted inside the network (its first convolution's 9,408 as 9,480) is the network's row ✗
    misprinted = check(spec, paste.replace("(9,408)", "(9,480)", 1))
    assert misprinted["verdicts"]["1 ResNet: 1-1 params"] == "wrong"  # type: ignore[index]


#: a Keras summary whose nested model is printed with its own class, the way the contract writes it: Keras 3
#: prints a nested model as 'name (Class)'; its count is ResNet50's without its top, 23,587,712 (Keras' record)
RESNET_PASTE = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
│ resnet (ResNet)                      │ (None, 7, 7, 2048)          │      23,587,712 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ global_average_pooling2d             │ (None, 2048)                │               0 │
│ (GlobalAveragePooling2D)             │                             │                 │
├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
│ dense (Dense)                        │ (None, 5)                   │          10,245 │
└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
 Total params: 23,597,957 (90.02 MB)
 Trainable params: 10,245 (40.02 KB)
 Non-trainable params: 23,587,712 (89.98 MB)
"""


def test_a_nested_row_of_its_own_class_is_paired_with_the_spec() -> None:
    assert KERAS_NOTOP["ResNet50"]["total_params"] == 23_587_712
    spec = "input 224x224x3, keras:ResNet50 notop frozen, gap, dense5"
    report = check(spec, RESNET_PASTE)
    verdicts = report["verdicts"]
    assert verdicts["1 resnet50 params"] == verdicts["1 resnet50 output"] == "correct"  # type: ignore[index]
    assert report["correct"] == report["total"] == 9, report  # 3 rows' shapes and counts, 3 totals
    # a count that is not the network's is no nested row of it: unchecked, never paired, never a false ✓
    misprinted = check(spec, RESNET_PASTE.replace("     23,587,712 │", "     23,587,721 │"))
    assert misprinted["verdicts"].get("1 resnet50 params") != "correct"  # type: ignore[union-attr]
    assert misprinted["correct"] != misprinted["total"]


MOBILENET_FEATURES = """\
import torch.nn as nn
from torchvision import models

model = models.mobilenet_v2(weights="IMAGENET1K_V1")
model.features.requires_grad_(False)
model.classifier[1] = nn.Linear(model.last_channel, 10)
"""

DENSENET_FEATURES = """\
from torchvision import models

model = models.densenet121(weights="DEFAULT")
for p in model.features.parameters():
    p.requires_grad = False
"""

VGG_FEATURES = """\
from torchvision import models

model = models.vgg16(weights="DEFAULT")
model.features.requires_grad_(False)
"""


def summary_of(tmp_path: Path, code: str) -> dict[str, object]:
    path = tmp_path / "model.py"
    path.write_text(code, encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", str(path), "--input", "3x224x224", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_model_features_frozen_in_model_code(tmp_path: Path) -> None:
    # MobileNetV2: features, then classifier = Dropout(0.2), Linear(self.last_channel, 1000); last_channel 1280
    mobilenet = summary_of(tmp_path, MOBILENET_FEATURES)
    base = 3_504_872 - 1_281_000
    assert (mobilenet["total_params"], mobilenet["trainable_params"]) == (base + 12_810, 12_810)
    # DenseNet-121: features, then classifier = Linear(1024, 1000), kept and trained
    densenet = summary_of(tmp_path, DENSENET_FEATURES)
    assert (densenet["total_params"], densenet["trainable_params"]) == (7_978_856, 1_025_000)
    # VGG16's classifier has two more Linear layers than the one notop cuts: frozen features are refused
    (tmp_path / "vgg.py").write_text(VGG_FEATURES, encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", str(tmp_path / "vgg.py"), "--input", "3x224x224"])
    assert result.exit_code == 2 and "its .features is not followed" in result.output, result.output


def test_a_keras_paste_with_its_nested_rows_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    keras = oracle("keras")
    from .test_nested_views import self_check
    from .test_transfer import transfer_model

    monkeypatch.setenv("COLUMNS", "160")
    _, base = transfer_model(keras, "MobileNet", 32, lambda k, x: x)
    functional_input = keras.Input((32, 32, 3))
    functional = keras.Model(functional_input, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(
        base(functional_input))))
    sequential = keras.Sequential([keras.Input((32, 32, 3)), base, keras.layers.GlobalAveragePooling2D(),
                                   keras.layers.Dense(3)])
    spec = "input 32x32x3, keras:MobileNet notop frozen, gap, dense3"
    for model in (functional, sequential):
        printed: list[str] = []
        model.summary(print_fn=lambda text, line_break=True, into=printed: into.append(text), line_length=150,
                      expand_nested=True)
        paste = "\n".join(printed)
        # the nested model's own rows behind '└', its input layer first, then conv1 on 32×32×3: (3·3·3)·32 = 864
        assert "└ input_layer" in paste and "└ conv1 (Conv2D)" in paste and "Non-trainable params: 3,228,864" in paste
        against = check(spec, paste)
        assert against["correct"] == against["total"] == 9, against  # its rows are the network's own
        alone = self_check(paste)
        assert alone["verdicts"]["2 └ conv1 params"] == alone["verdicts"]["2 └ conv1 output"] == "correct"
        assert alone["verdicts"]["total"] == alone["verdicts"]["non_trainable"] == "correct"
        assert alone["correct"] == alone["total"], alone


def test_a_frozen_count_is_in_parentheses_as_torchinfo_writes_it() -> None:
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.Flatten(), nn.Linear(32 * 26 * 26, 10))
    model[0].requires_grad_(False)
    stats = torchinfo.summary(model, input_size=(1, 1, 28, 28), verbose=0)
    theirs = [layer.num_params_to_str(False) for layer in stats.summary_list[1:]]
    assert theirs == ["(320)", "--", "216,330"]
    result = CliRunner().invoke(main, ["summary", "input 1x28x28 nchw, conv32x3 frozen, flatten, dense10",
                                       "--format", "markdown"])
    assert result.exit_code == 0, result.output
    ours = [line.rstrip(" |").split(" | ")[3] for line in result.output.splitlines()
            if line.startswith("| ") and ": 1-" in line]
    assert ours == ["(320)", "0", "216,330"]  # cnncalc writes 0 where torchinfo writes '--'
    keras = CliRunner().invoke(main, ["summary", "input 28x28x1, conv32x3 frozen, flatten, dense10"])
    assert "(320)" not in keras.output and " 320 " in keras.output  # Keras writes no parentheses


@pytest.mark.parametrize("spec", ["input 32x32x3, keras:MobileNet notop frozen, gap, dense3 softmax",
                                  "input 32x32x3, keras:MobileNet notop, add(id | conv1024x1 same), gap, dense2"])
def test_the_keras_code_written_builds_the_network(spec: str, capsys: pytest.CaptureFixture[str]) -> None:
    keras = oracle("keras")
    result = CliRunner().invoke(main, ["summary", spec, "--format", "keras"])
    assert result.exit_code == 0, result.output
    assert "base = keras.applications.MobileNet" in result.output
    keras.backend.clear_session()
    namespace: dict[str, object] = {}
    exec(compile(result.output, "<written by cnncalc>", "exec"), namespace)  # the code cnncalc wrote, run
    capsys.readouterr()  # its model.summary()
    model = namespace["model"]
    trainable = sum(int(keras.ops.size(w)) for w in model.trainable_weights)  # type: ignore[attr-defined]
    assert split(spec) == (model.count_params(), trainable, model.count_params() - trainable)  # type: ignore[attr-defined]


def test_the_pytorch_writer_refuses_a_known_network_by_name() -> None:
    result = CliRunner().invoke(main, ["summary", "input 224x224x3, resnet50 notop frozen, dense10",
                                       "--format", "pytorch"])
    assert result.exit_code == 2 and "cannot write Functional as PyTorch code" in result.output, result.output
    keras = CliRunner().invoke(main, ["summary", "input 224x224x3, resnet50 notop, dense10", "--format", "keras"])
    assert keras.exit_code == 2 and "resnet50 is torchvision's network" in keras.output, keras.output


def test_a_misspelt_network_as_an_item_is_named() -> None:
    # keras.applications.MobileNetV2 and torchvision.models.resnet50 are the names the frameworks give
    for spec, meant in (("input 224x224x3, mobilenetv2 notop", "keras:MobileNetV2"),
                        ("input 224x224x3, Resnet50 notop frozen", "resnet50 or keras:ResNet50")):
        with pytest.raises(CnnCalcError) as error:
            build(spec)
        assert error.value.hint.startswith(f"did you mean {meant}?"), error.value.hint
