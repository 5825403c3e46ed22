"""Keras' preprocessing inside the model: ``Resizing``, and the random augmentation layers. keras.io's tutorials
augment images inside the model (``data_augmentation =
keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])``, called on the input). Each
changes the images while the model trains and gives them back unchanged at inference: the shape kept, nothing
learned (Keras' own summaries, recorded under tests/fixtures/summaries by make_summaries.py from
tests/models/keras_data_augmentation.py, print each with its input's shape and 0). PyTorch has no such module.

Counts by hand: Conv2D(32, 3) on 3 channels (3·3·3 + 1)·32 = 896, Conv2D(64, 3) on 32: (3·3·32 + 1)·64 = 18,496,
Dense(5) on 64: 325.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import build
from cnncalc.views.codegen import keras_code

from .conftest import ROOT, oracle

MODEL = str(ROOT / "tests" / "models" / "keras_data_augmentation.py")
SUMMARIES = ROOT / "tests" / "fixtures" / "summaries"
WORDS = ["randomflip horizontal", "randomrotation0.1", "randomzoom0.2", "randomtranslation0.1", "randomcontrast0.2",
         "randombrightness0.2"]
CLASSES = ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness"]


def invoke(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_the_model_file_reads_each_random_layer_as_its_word() -> None:
    result = invoke("summary", MODEL, "--emit-spec")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("input 40x48x3, resize32x32, " + ", ".join(WORDS) + ", rescaling, ")
    document = json.loads(invoke("summary", MODEL, "--format", "json").stdout)
    rows = document["layers"][1:7]
    assert [row["type"] for row in rows] == CLASSES
    assert all(row["output_shape"] == [32, 32, 3] and row["params"] == 0 for row in rows), rows
    assert document["total_params"] == 896 + 18_496 + 325


@pytest.mark.parametrize("name", ["data_augmentation", "data_augmentation_expanded"])
def test_keras_summary_of_it_grades_right(name: str) -> None:
    paste = (SUMMARIES / f"keras3_{name}.txt").read_text(encoding="utf-8")
    result = invoke("check", MODEL, "--summary", "-", "--format", "json", stdin=paste)
    assert result.exit_code == 0, result.output
    details = {d["claim"]: d for d in json.loads(result.stdout)[0]["details"]}
    assert details["line 9 data_augmentation (Sequential) params"]["correct"] == "0"
    assert details["line 9 data_augmentation (Sequential) output"]["correct"] == "(None, 32, 32, 3)"
    assert details["1 resizing output"]["correct"] == "(None, 32, 32, 3)"


def test_a_pasted_random_row_with_weights_is_wrong() -> None:
    """Against a spec of the words: a RandomRotation row claiming 10 parameters is graded wrong (it learns none)."""
    spec = "input 32x32x3, " + ", ".join(WORDS) + ", flatten, dense2"
    paste = "\n".join(["Layer (type)  Output Shape  Param #",
                       *(f"{cls.lower()} ({cls})  (None, 32, 32, 3)  {10 if cls == 'RandomRotation' else 0}"
                         for cls in CLASSES),
                       "flatten (Flatten)  (None, 3072)  0", "dense (Dense)  (None, 2)  6146",
                       "Total params: 6,156"])
    result = invoke("check", spec, "--summary", "-", "--format", "json", stdin=paste)
    assert result.exit_code == 1, result.output
    wrong = [d for d in json.loads(result.stdout)[0]["details"] if d["status"] == "wrong"]
    assert [(d["claim"], d["correct"]) for d in wrong] == [("2 random_rotation params", "0"), ("total", "6,146")]


def test_pytorch_conventions_refuse_them_at_the_layer() -> None:
    result = invoke("summary", "input 8x8x3, randomflip, conv4x3", "--conventions", "torch")
    assert result.exit_code == 2
    assert "PyTorch has no RandomFlip module" in result.output
    result = invoke("summary", "input 8x8x3, conv4x3, randomzoom", "--format", "keras")
    assert result.exit_code == 2 and "RandomZoom needs its factor" in result.output and "randomzoom0.1" in result.output


@pytest.mark.parametrize(("code", "word"), [
    ('layers.RandomFlip()', "randomflip"),
    ('layers.RandomFlip(mode="vertical")', "randomflip vertical"),
    ("layers.RandomZoom(0.2, 0.3)", "randomzoom"),  # two factors: none written, the layer still read
    ("layers.RandomZoom(height_factor=0.2)", "randomzoom0.2"),
    ("layers.RandomRotation((-0.2, 0.3))", "randomrotation"),
    ("layers.RandomTranslation(0.1, width_factor=0.1)", "randomtranslation0.1"),
    ("layers.RandomContrast(factor=1)", "randomcontrast1"),
    ("layers.Resizing(4, 6)", "resize4x6"),
    ('layers.Resizing(height=4, width=6, interpolation="nearest")', "resize4x6 nearest"),
    ("layers.CenterCrop(6, 4)", "centercrop6x4"),
    ("layers.RandomCrop(height=6, width=6)", "randomcrop6x6"),
])
def test_each_way_of_writing_them_reads(tmp_path: Path, code: str, word: str) -> None:
    path = tmp_path / "net.py"
    path.write_text("import keras\nfrom keras import layers\n\nmodel = keras.Sequential([keras.Input((8, 8, 3)), "
                    f"{code}, layers.Conv2D(2, 3)])\n", encoding="utf-8")
    result = invoke("summary", str(path), "--emit-spec")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"input 8x8x3, {word}, conv2x3x3"


@pytest.mark.parametrize(("code", "why"), [
    ("layers.RandomFlip('diagonal')", "RandomFlip of mode 'diagonal'"),
    ('layers.Resizing(4, 6, interpolation="bicubic")', "a Resizing with interpolation 'bicubic'"),
    ("layers.Resizing(4, 6, crop_to_aspect_ratio=True)", "a Resizing with crop_to_aspect_ratio"),
    ("layers.CenterCrop(10, 6)", "a 10×6 crop of a 8×8 map"),
])
def test_what_the_spec_does_not_compute_is_refused_at_its_line(tmp_path: Path, code: str, why: str) -> None:
    path = tmp_path / "net.py"
    path.write_text("import keras\nfrom keras import layers\n\nmodel = keras.Sequential([keras.Input((8, 8, 3)),\n"
                    f"    {code}, layers.Conv2D(2, 3)])\n", encoding="utf-8")
    result = invoke("summary", str(path))
    assert result.exit_code == 2
    assert "net.py:5:5" in result.output and why in result.output, result.output


@pytest.mark.oracle
def test_the_keras_code_written_builds_these_layers_in_keras(monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_codegen import run_code

    keras = oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setattr(keras.Model, "summary", lambda self, *a, **k: None)
    net = build("input 16x16x3, " + ", ".join(WORDS) + ", conv4x3, flatten, dense2")
    model = run_code(keras_code(net))["model"]
    theirs = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]
    assert theirs == [(layer.keras_class, layer.output_shape, layer.params.total) for layer in net.layers]
    assert [type(layer).__name__ for layer in model.layers[:6]] == CLASSES
    # the factor written is the spec's (Keras keeps a single number f as the range (−f, f))
    assert model.layers[1].factor == (-0.1, 0.1) and model.layers[0].mode == "horizontal"
    keras.backend.clear_session()
    net = build("input 16x14x3, centercrop12x10, randomcrop8x8, conv4x3, flatten, dense2")
    model = run_code(keras_code(net))["model"]
    theirs = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]
    assert theirs == [(layer.keras_class, layer.output_shape, layer.params.total) for layer in net.layers]



PIPELINE_SCRIPT = """import keras
from keras import layers

augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])
train_ds = keras.utils.image_dataset_from_directory("images", image_size=(64, 64))
train_ds = train_ds.map(lambda image, label: (augment(image), label))


def build(input_shape, classes):
    inputs = keras.Input(shape=input_shape)
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(classes)(x))


model = build((64, 64, 3), 4)
"""


def test_an_augmentation_pipeline_beside_the_model_is_not_taken_for_it(tmp_path: Path) -> None:
    """keras.io's scripts define the augmentation as a Sequential applied to the dataset, and the model apart: the
    model is read (Conv2D(8, 3) on 3 channels: 224; Dense(4) on 8: 36), not the pipeline, which states no input."""
    path = tmp_path / "train.py"
    path.write_text(PIPELINE_SCRIPT, encoding="utf-8")
    result = invoke("summary", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_params"] == 224 + 36
    result = invoke("summary", str(path), "--model", "augment", "--input", "64x64x3", "--emit-spec")
    assert result.stdout.strip() == "input 64x64x3, randomflip horizontal, randomrotation0.1"


#: the transfer-learning model whose summary keras.io published in 2020 (tests/fixtures/pastes/
#: transfer_keras_io_xception_frozen.txt, SOURCES.md there): an augmentation Sequential of TensorFlow 2.3's
#: experimental preprocessing layers, an adapted Normalization, a frozen Xception without its top, a new head
TRANSFER_2020 = """import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

augment = keras.Sequential([layers.experimental.preprocessing.RandomFlip("horizontal"),
                            layers.experimental.preprocessing.RandomRotation(0.1)])
backbone = keras.applications.Xception(weights="imagenet", input_shape=(150, 150, 3), include_top=False)
backbone.trainable = False

images = keras.Input(shape=(150, 150, 3))
norm = layers.experimental.preprocessing.Normalization()
features = backbone(norm(augment(images)), training=False)
pooled = layers.Dropout(0.2)(layers.GlobalAveragePooling2D()(features))
model = keras.Model(images, layers.Dense(1)(pooled))
norm.set_weights([np.array([127.5] * 3), np.array([127.5] * 3) ** 2])
"""


def test_keras_io_published_transfer_summary_grades_against_its_code(tmp_path: Path) -> None:
    """Every row of the published table, its 'sequential_3 (Sequential)' among them (0: RandomFlip and
    RandomRotation learn nothing), graded right: Normalization of 3 channels 2·3 + 1 = 7, Xception without its top
    20,861,480, Dense(1) on 2,048 features 2,049."""
    path = tmp_path / "transfer.py"
    path.write_text(TRANSFER_2020, encoding="utf-8")
    paste = (ROOT / "tests" / "fixtures" / "pastes" / "transfer_keras_io_xception_frozen.txt").read_text(
        encoding="utf-8")
    result = invoke("check", str(path), "--summary", "-", "--format", "json", stdin=paste)
    assert result.exit_code == 0, result.output
    details = {d["claim"]: d for d in json.loads(result.stdout)[0]["details"]}
    assert details["line 7 sequential_3 (Sequential) params"]["correct"] == "0"
    assert details["total"]["correct"] == f"{7 + 20_861_480 + 2_049:,}"
    assert details["trainable"]["correct"] == "2,049"


@pytest.mark.oracle
def test_center_crop_is_keras_own_window() -> None:
    """The forward pass's CenterCrop takes the window Keras' takes, odd rows and columns left over cut from the top
    and left first (7 rows to 4: from row 1; 6 columns to 3: from column 1), and Keras' summary row is its size."""
    import numpy as np

    from cnncalc.numeric.twins import forward

    keras = oracle("keras")
    x = np.arange(7 * 6 * 2, dtype="float32").reshape(1, 7, 6, 2)
    theirs = np.asarray(keras.ops.convert_to_numpy(keras.layers.CenterCrop(4, 3)(x)))
    net = build("input 7x6x2, centercrop4x3")
    checked = forward(net, 1, 0, 2 ** 30)
    assert checked.shapes[0] == (4, 3, 2) == theirs.shape[1:]
    np.testing.assert_array_equal(theirs, x[:, 1:5, 1:4, :])
    from cnncalc.numeric.twins import TWINS

    twin = TWINS[type(net.layers[0].layer)](net.layers[0].layer, (7, 6, 2), np.random.default_rng(0))
    np.testing.assert_array_equal(twin(x), theirs)
    model = keras.Sequential([keras.Input((7, 6, 2)), keras.layers.RandomCrop(4, 3)])
    assert tuple(model.output_shape[1:]) == build("input 7x6x2, randomcrop4x3").layers[0].output_shape
