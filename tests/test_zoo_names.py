"""Networks by name: `cnncalc summary resnet50`, `keras:ResNet50`, the frameworks' other names refused with the
reason, near misses answered with "did you mean", and `cnncalc zoo`.

The expected counts are the frameworks' documented ones (torchvision's model table, `num_params` in
torchvision/models/resnet.py; Keras' `count_params()` of keras.applications with weights=None); shapes are
worked by hand below.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.analysis.flops import costs
from cnncalc.cli import main
from cnncalc.graph.network import build
from cnncalc.zoo import catalogue

from .conftest import ZOO

#: torchvision 0.24.1's classification model builders: the functions decorated with @register_model in
#: torchvision/models/*.py of the wheel (torchvision-0.24.1-cp311-cp311-manylinux_2_28_x86_64.whl), read by hand;
#: the same list as torchvision's documentation of its classification models.
TORCHVISION = [
    "alexnet", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large", "densenet121", "densenet161",
    "densenet169", "densenet201", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_s",
    "efficientnet_v2_m", "efficientnet_v2_l", "googlenet", "inception_v3", "maxvit_t", "mnasnet0_5", "mnasnet0_75",
    "mnasnet1_0", "mnasnet1_3", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "regnet_x_400mf",
    "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf",
    "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf",
    "regnet_y_32gf", "regnet_y_128gf", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
    "resnext101_32x8d", "resnext101_64x4d", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0", "squeezenet1_0", "squeezenet1_1", "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s",
    "swin_v2_b", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "vit_b_16",
    "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14", "wide_resnet50_2", "wide_resnet101_2"
]
#: the Keras names that the spec language expresses, which the zoo must hold
KERAS_HELD = {"ResNet50", "ResNet101", "ResNet152", "DenseNet121", "DenseNet169", "DenseNet201", "VGG16", "VGG19",
              "MobileNet", "MobileNetV2", "InceptionV3"}
REFUSED = ("not in cnncalc's zoo yet", "cnncalc models convolutional networks")


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def summary(*args: str) -> dict[str, Any]:
    result = run("summary", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize(("name", "documented"), [
    ("resnet50", 25_557_032),  # torchvision's model table
    ("torchvision:resnet50", 25_557_032),
    ("resnext101_32x8d", 88_791_336),
    ("resnext101_64x4d", 83_455_272),
    ("wide_resnet101_2", 126_886_696),
    ("keras:ResNet50", 25_636_712),  # keras.applications.ResNet50(weights=None).count_params()
    ("ResNet50", 25_636_712),  # the bare Keras spelling is Keras'
    ("keras:VGG16", 138_357_544),
    ("mnasnet0_5", 2_218_512),  # torchvision's model table
    ("mnasnet0_75", 3_170_208),
    ("mnasnet1_0", 4_383_312),
    ("mnasnet1_3", 6_282_256),
    ("regnet_x_400mf", 5_495_976),  # torchvision's model table
    ("regnet_x_800mf", 7_259_656),
    ("regnet_x_1_6gf", 9_190_136),
    ("regnet_x_3_2gf", 15_296_552),
    ("regnet_x_8gf", 39_572_648),
    ("regnet_x_16gf", 54_278_536),
    ("regnet_x_32gf", 107_811_560),
    ("mobilenet_v3_small", 2_542_856),  # torchvision's model table
    ("mobilenet_v3_large", 5_483_032),
    ("efficientnet_b0", 5_288_548),  # torchvision's model table
    ("efficientnet_b7", 66_347_960),
    ("efficientnet_v2_l", 118_515_272),
    ("keras:Xception", 22_910_480),  # keras.applications.Xception(weights=None).count_params()
    ("keras:MobileNetV3Small", 2_554_968),  # keras.applications.MobileNetV3Small(weights=None).count_params()
    ("keras:MobileNetV3Large", 5_507_432),
    ("keras:EfficientNetB0", 5_330_571),
    ("keras:EfficientNetB7", 66_658_687),
    ("keras:EfficientNetV2B0", 7_200_312),
    ("keras:EfficientNetV2L", 119_027_848),
    ("keras:ConvNeXtTiny", 28_589_128),
    ("keras:ConvNeXtXLarge", 350_196_968),
    ("keras:InceptionResNetV2", 55_873_736),
    ("keras:NASNetMobile", 5_326_716),  # Keras' NASNet with NASNetMobile's arguments (test_zoo.py says why)
    ("keras:NASNetLarge", 88_949_818),
])
def test_a_name_summarises_the_frameworks_network(name: str, documented: int) -> None:
    assert summary(name)["total_params"] == documented


#: torchvision's model table: GFLOPS (the `_ops` of each builder's weights, torchvision/models/*.py) at the size its
#: weights are evaluated at, which is the input of these zoo specs
TORCHVISION_GFLOPS = {
    "mobilenet_v3_small": 0.057, "mobilenet_v3_large": 0.217, "efficientnet_b0": 0.386, "efficientnet_b1": 0.687,
    "efficientnet_b2": 1.088, "efficientnet_b3": 1.827, "efficientnet_b4": 4.394, "efficientnet_b5": 10.266,
    "efficientnet_b6": 19.068, "efficientnet_b7": 37.746, "efficientnet_v2_s": 8.366, "efficientnet_v2_m": 24.582,
    "efficientnet_v2_l": 56.08,
}


@pytest.mark.parametrize(("name", "gflops"), TORCHVISION_GFLOPS.items())
def test_the_macs_are_torchvisions_published_gflops(name: str, gflops: float) -> None:
    """torchvision's GFLOPS column counts the multiply-accumulates of the convolutions and linear layers (those of
    the squeeze-and-excitation gates included), in billions to three decimals, as cnncalc's macs count them."""
    net = build((ZOO / "torchvision" / f"{name}.cnn").read_text(encoding="utf-8"))
    assert round(sum(cost.flops for cost in costs(net, "macs")) / 1e9, 3) == gflops


def test_the_two_resnet50s_are_each_frameworks() -> None:
    torch, keras = summary("resnet50"), summary("keras:ResNet50")
    assert (torch["conventions"], keras["conventions"]) == ("torch", "keras")


def test_input_applies_to_a_name() -> None:
    """At 160×160: the stem's conv (160 + 2·3 − 7)/2 + 1 = 80 (floored), its max pool (80 + 2·1 − 3)/2 + 1 = 40,
    then each later stage halves: 20, 10, 5; the last stage's output is 2048×5×5.  Parameters do not depend on the
    size (the average pool goes to 1×1 before the dense layer)."""
    document = summary("resnet50", "--input", "3x160x160")
    assert document["total_params"] == 25_557_032
    shapes = [layer["torch_shape"] for layer in document["layers"]]
    assert shapes[0] == [1, 64, 80, 80]
    assert [1, 64, 40, 40] in shapes and [1, 2048, 5, 5] in shapes and [1, 2048, 7, 7] not in shapes
    assert shapes[-1] == [1, 1000]


@pytest.mark.parametrize(("name", "meant"), [("resnet5", "resnet50"), ("keras:resnet50", "keras:ResNet50"),
                                             ("RESNET50", "keras:ResNet50"), ("vgg16bn", "vgg16_bn"),
                                             ("keras:Resnet50", "keras:ResNet50")])
def test_a_near_miss_gets_did_you_mean(name: str, meant: str) -> None:
    result = run("summary", name)
    assert result.exit_code == 2
    assert "did you mean" in result.stderr and meant in result.stderr
    assert "Traceback" not in result.output and "unknown layer" not in result.stderr


def test_the_frameworks_other_networks_are_refused_with_the_reason() -> None:
    # the transformers the zoo does not hold (Swin, MaxViT, while unwritten) are refused as what they are
    transformers = [name for name in TORCHVISION if not (ZOO / "torchvision" / f"{name}.cnn").exists()
                    and name.startswith(("swin_", "maxvit"))]
    for name in transformers[:1]:
        result = run("summary", name)
        assert result.exit_code == 2
        assert f"torchvision's {name} is a" in result.stderr
        assert "cnncalc models convolutional networks" in result.stderr
    # a convolutional network not held yet (every Keras one is held): the first such torchvision builder
    unwritten = [name for name in TORCHVISION if not (ZOO / "torchvision" / f"{name}.cnn").exists()
                 and not name.startswith(("vit_", "swin_", "maxvit"))]
    for name in unwritten[:1]:
        result = run("summary", name)
        assert result.exit_code == 2 and f"torchvision's {name} is not in cnncalc's zoo yet: it needs" in result.stderr


def test_the_vision_transformers_are_held() -> None:
    result = run("summary", "vit_b_16")
    assert result.exit_code == 0, result.stderr
    assert "Total params: 86,567,656" in result.stdout  # torchvision's documented count (ViT_B_16_Weights)


def test_the_name_lists_are_the_frameworks() -> None:
    assert sorted(catalogue.TORCHVISION) == sorted(TORCHVISION)
    assert len(TORCHVISION) == 80


@pytest.mark.oracle
def test_the_keras_names_are_keras_applications() -> None:
    from .conftest import oracle

    keras = oracle("keras")
    functions = {name for name in dir(keras.applications) if name[0].isupper()
                 and callable(getattr(keras.applications, name))}
    assert set(catalogue.KERAS) == functions


@pytest.mark.parametrize("name", [*TORCHVISION, *(f"keras:{name}" for name in catalogue.KERAS)])
def test_every_framework_name_summarises_or_is_refused(name: str) -> None:
    result = run("summary", name)
    assert "Traceback" not in result.output and "unknown layer" not in result.stderr, result.output
    if result.exit_code == 2:
        assert any(reason in result.stderr for reason in REFUSED), result.stderr
    else:
        assert result.exit_code == 0, result.output


def test_the_zoo_holds_the_easy_networks() -> None:
    held = {path.stem for path in (ZOO / "keras").glob("*.cnn")}
    assert held >= KERAS_HELD
    assert {path.stem for path in (ZOO / "torchvision").glob("*.cnn")} >= {
        "resnet50", "vgg16_bn", "mobilenet_v2", "densenet121", "resnext101_32x8d", "resnext101_64x4d",
        "wide_resnet101_2"}


def test_zoo_json_lists_every_held_network_with_its_files_count() -> None:
    result = run("zoo", "--format", "json")
    assert result.exit_code == 0, result.output
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)["networks"]}
    files = {(path.stem if framework == "torchvision" else f"keras:{path.stem}"): path
             for framework in ("torchvision", "keras") for path in (ZOO / framework).glob("*.cnn")}
    assert set(listed) == set(files)
    for name, path in files.items():
        expected = re.search(r"^# expect total = (\d+)$", path.read_text(encoding="utf-8"), re.M)
        assert expected is not None, path
        assert listed[name]["params"] == int(expected[1]), name
    # VGG16's MACs by hand: the 13 convolutions' H·W·K·K·Cin·Cout (3×3 kernels, 'same') and the three dense layers
    convs = [(224, 3, 64), (224, 64, 64), (112, 64, 128), (112, 128, 128), (56, 128, 256), (56, 256, 256),
             (56, 256, 256), (28, 256, 512), (28, 512, 512), (28, 512, 512), (14, 512, 512), (14, 512, 512),
             (14, 512, 512)]
    macs = sum(size * size * 9 * cin * cout for size, cin, cout in convs) + 25088 * 4096 + 4096 * 4096 + 4096 * 1000
    assert listed["keras:VGG16"]["macs"] == listed["vgg16"]["macs"] == macs == 15_470_264_320
    assert listed["keras:VGG16"]["input"] == [224, 224, 3] and listed["vgg16"]["input"] == [3, 224, 224]
    # the MACs are the summary's macs column, added up
    for name, path in files.items():
        net = build(path.read_text(encoding="utf-8"))
        assert listed[name]["macs"] == sum(cost.flops for cost in costs(net, "macs")), name


def test_zoo_text_says_how_to_use_a_name_and_what_is_not_held() -> None:
    result = run("zoo")
    assert result.exit_code == 0
    assert "resnet50" in result.stdout and "25,557,032" in result.stdout and "keras:ResNet50" in result.stdout
    assert "cnncalc summary NAME" in result.stdout
    not_held = len(TORCHVISION) + len(catalogue.KERAS) - len([*ZOO.glob("*/*.cnn")])  # 80 + 40 − 113 held = 7
    refused = [name for name in TORCHVISION if not (ZOO / "torchvision" / f"{name}.cnn").exists()]
    assert "vit_b_16" in result.stdout and all(f" {name} " not in result.stdout for name in refused)
    if not_held:
        assert f"{not_held} more of the frameworks' networks" in result.stdout
        assert "--not-held says why" in result.stdout
        shown = run("zoo", "--not-held")
        assert refused[0] in shown.stdout and "cnncalc models" in shown.stdout
    else:  # all 120: torchvision's 80 classification builders and keras.applications' 40
        assert "Every network of torchvision's classification models" in result.stdout
        assert "more of the frameworks' networks" not in result.stdout


def test_a_file_in_the_current_folder_wins_over_the_zoo(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "resnet50").write_text("input 8x8x1, conv2x3\n", encoding="utf-8")
    assert summary("resnet50")["total_params"] == 2 * 9 + 2


def test_every_command_that_takes_a_spec_takes_a_name() -> None:
    assert run("check", "vgg16_bn", "--expect", "total=138,365,992").exit_code == 0
    assert run("check", "keras:VGG16", "--expect", "total=1").exit_code == 1
    assert run("check-stride", "--spec", "alexnet").exit_code in (0, 1)
    assert "unknown layer" not in run("check-stride", "--spec", "resnt50").stderr


def test_a_word_of_the_spec_language_is_still_spec_text() -> None:
    # 'dense10' is one layer, not a misspelt network: with --input it is a network of 10·(4 + 1) parameters
    assert summary("dense10", "--input", "4")["total_params"] == 50


def test_an_unknown_framework_prefix_is_refused() -> None:
    result = run("summary", "timm:resnet50")
    assert result.exit_code == 2 and "timm:" in result.stderr
