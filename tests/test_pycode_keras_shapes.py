"""Keras code that sizes layers from a tensor's shape, as keras.applications writes it: DenseNet's transition block
(``int(backend.int_shape(x)[bn_axis] * reduction)``), MobileNetV2's inverted residual (``inputs.shape[channel_axis]``
deciding whether a block adds its input, ``imagenet_utils.correct_pad(x, 3)`` before a strided convolution). The
graph is built in order, so the shape is known where the code reads it; the framework's own count and output shape
are the expected values (the oracle runs the same lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnncalc.readers.code import read_model

from .test_pycode import framework_result, refused, run

BLOCKS = """import keras
from keras import layers, backend
from keras.src.applications import imagenet_utils
{shape}
channel_axis = 1 if backend.image_data_format() == "channels_first" else -1
bn_axis = 3 if backend.image_data_format() == "channels_last" else 1


def transition_block(x, reduction):
    x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5)(x)
    x = layers.Activation("relu")(x)
    return layers.Conv2D(int(x.shape[bn_axis] * reduction), 1, use_bias=False)(x)


def inverted_res_block(inputs, expansion, stride, filters):
    in_channels = inputs.shape[channel_axis]
    x = layers.Conv2D(expansion * in_channels, 1, use_bias=False)(inputs)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3))(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid")(x)
    x = layers.Conv2D(filters, 1, use_bias=False)(x)
    if in_channels == filters and stride == 1:
        return layers.Add()([inputs, x])
    return x


inputs = keras.Input(shape=input_shape)
x = layers.Conv2D(12, 3)(inputs)
x = layers.Concatenate(axis=bn_axis)([x, layers.Conv2D(6, 1)(x)])
x = transition_block(x, 0.5)
x = inverted_res_block(x, 2, 1, 9)
x = inverted_res_block(x, 2, 2, 16)
h, w = x.shape[1:3]
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dense(h * w + inputs.shape[-1])(x)
model = keras.Model(inputs, x)
"""
STATED = "input_shape = (15, 16, 3)"
COMPUTED = "input_shape = imagenet_utils.obtain_input_shape(None, default_size=224, min_size=8,\n" \
           "                                                data_format='channels_last', require_flatten=False)"
#: Keras 2's backend.int_shape(x), which gives x.shape as a tuple (Keras 3 dropped it)
INT_SHAPE = BLOCKS.replace("int(x.shape[bn_axis]", "int(backend.int_shape(x)[bn_axis]") \
    .replace("in_channels = inputs.shape[channel_axis]", "in_channels = backend.int_shape(inputs)[channel_axis]")


def summary(tmp_path: Path, code: str, *args: str) -> dict:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), *args, "--format", "json")
    assert status == 0, out
    return json.loads(out)


@pytest.mark.oracle
@pytest.mark.parametrize(("code", "args"), [
    (BLOCKS.format(shape=STATED), ()),
    (INT_SHAPE.format(shape=STATED), ()),
    # the input's shape computed when the code runs: --input gives it
    (BLOCKS.format(shape=COMPUTED), ("--input", "15x16x3")),
    (INT_SHAPE.format(shape="import tensorflow.keras.backend as K\n" + STATED)
     .replace("backend.int_shape", "K.int_shape"), ()),
])
def test_a_keras_tensors_shape_is_read_as_keras_gives_it(tmp_path: Path, code: str, args: tuple[str, ...]) -> None:
    theirs = framework_result(BLOCKS.format(shape=STATED), None)
    document = summary(tmp_path, code, *args)
    assert (document["total_params"], str((None, *document["layers"][-1]["output_shape"]))) == theirs
    # by hand: the 13×14 map before the strided block is padded as correct_pad says, 1 and 1 rows, 0 and 1 columns
    # (its odd height keeps a pixel on each side, its even width loses the left one) to 15×15, which a 3×3
    # window at stride 2 takes to 7×7: 49 + the input's 3 channels
    assert theirs[1] == "(None, 52)"


def test_a_channel_count_read_off_a_tensor_sizes_the_next_layer() -> None:
    code = ("import keras\nfrom keras import layers\nx = keras.Input(shape=(8, 8, 3))\n"
            "y = layers.Conv2D(x.shape[-1] * 2, 1)(x)\nz = layers.Conv2D(y.shape[3] + x.shape[1], 1)(y)\n"
            "model = keras.Model(x, z)\n")
    # by hand: 3 channels → conv6; its 6 channels + the input's height 8 → conv14
    assert read_model(code, "net.py").spec == "input 8x8x3, conv6x1x1, conv14x1x1"


@pytest.mark.parametrize(("code", "args", "where", "message"), [
    # the input's shape is computed at run time and --input does not give it
    (BLOCKS.format(shape=COMPUTED), (), "net.py:13:30", "give the input's shape with --input"),
    ("import keras\nfrom keras import layers\nx = keras.Input(shape=(8, 8, 3))\n"
     "y = layers.Conv2D(x.shape[4], 1)(x)\nmodel = keras.Model(x, y)\n", (), "net.py:4:19", "has no axis 4"),
    ("import keras\nfrom keras.src.applications import imagenet_utils\nfrom keras import layers\n"
     "x = keras.Input(shape=(8,))\ny = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, 3))(x)\n"
     "model = keras.Model(x, y)\n", (), "net.py:5:26", "which is not an image's"),
])
def test_a_shape_that_cannot_be_read_is_refused_where_it_is_read(tmp_path: Path, code: str, args: tuple[str, ...],
                                                                 where: str, message: str) -> None:
    out = refused(tmp_path, code, list(args))
    assert where in out and message in out, out


def test_shapes_read_along_a_long_graph_are_bounded_by_the_work_budget(tmp_path: Path) -> None:
    # each read resolves the graph made so far: 3,000 reads over a growing graph is refused, not followed for minutes
    code = ("import keras\nfrom keras import layers\nx = keras.Input(shape=(8, 8, 3))\nfor i in range(3000):\n"
            "    x = layers.Conv2D(x.shape[-1] + (i % 2), 1)(x)\nmodel = keras.Model(keras.Input((8, 8, 3)), x)\n")
    out = refused(tmp_path, code)
    assert "net.py:5:23" in out and "units of work" in out, out
