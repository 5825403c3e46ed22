"""Differential tests: cnncalc against real Keras 3 (torch backend) on random networks.

Shapes, Keras auto names, weights and biases, the trainable split and rejections must agree.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import Network, build

from .conftest import ROOT, ZOO, oracle
from .oracle_specs import Desc, networks, new_kinds, spec_text

pytestmark = pytest.mark.oracle


@pytest.fixture(scope="module")
def keras() -> Any:
    return oracle("keras")


def keras_layer(keras: Any, d: Desc) -> Any:  # noqa: PLR0911 - one return per layer kind
    layers, kind = keras.layers, d["kind"]
    if kind == "conv":
        return layers.Conv2D(d["filters"], d["kernel"], strides=d["strides"], padding=d["padding"],
                             dilation_rate=d["dilation"], activation=d["activation"], use_bias=d["bias"],
                             groups=d.get("groups", 1))
    if kind == "dwconv":
        return layers.DepthwiseConv2D(d["kernel"], strides=d["strides"], padding=d["padding"],
                                      depth_multiplier=d["multiplier"], dilation_rate=d["dilation"],
                                      activation=d["activation"], use_bias=d["bias"])
    if kind == "sepconv":
        return layers.SeparableConv2D(d["filters"], d["kernel"], strides=d["strides"], padding=d["padding"],
                                      depth_multiplier=d["multiplier"], dilation_rate=d["dilation"],
                                      activation=d["activation"], use_bias=d["bias"])
    if kind == "deconv":
        return layers.Conv2DTranspose(d["filters"], d["kernel"], strides=d["strides"], padding=d["padding"],
                                      output_padding=d["output_padding"], dilation_rate=d["dilation"],
                                      activation=d["activation"], use_bias=d["bias"])
    if kind in ("up", "zeropad", "crop"):
        cls = {"up": layers.UpSampling2D, "zeropad": layers.ZeroPadding2D, "crop": layers.Cropping2D}[kind]
        return cls(d.get("size") or d.get("padding") or d["cropping"])
    if kind == "conv1d":
        return layers.Conv1D(d["filters"], d["kernel"], strides=d["strides"], padding=d["padding"],
                             dilation_rate=d["dilation"], activation=d["activation"], use_bias=d["bias"],
                             groups=d["groups"])
    if kind in ("pool1d", "avgpool1d"):
        cls = layers.MaxPooling1D if kind == "pool1d" else layers.AveragePooling1D
        return cls(d["kernel"], strides=d["strides"], padding=d["padding"])
    if kind in ("maxpool", "avgpool"):
        cls = layers.MaxPooling2D if kind == "maxpool" else layers.AveragePooling2D
        return cls(d["kernel"], strides=d["strides"], padding=d["padding"])
    if kind == "dense":
        return layers.Dense(d["units"], activation=d["activation"], use_bias=d["bias"])
    if kind == "dropout":
        return layers.Dropout(d["rate"])
    if kind == "activation":
        return layers.Activation(d["name"])
    return {"gap": layers.GlobalAveragePooling2D, "gmp": layers.GlobalMaxPooling2D,
            "flatten": layers.Flatten, "bn": layers.BatchNormalization}[kind]()


def keras_model(keras: Any, shape: tuple[int, ...], descs: list[Desc]) -> Any:
    keras.backend.clear_session()  # restart the auto-name counters, as in a fresh session
    return keras.Sequential([keras.Input(shape), *(keras_layer(keras, d) for d in descs)])


def size(variable: Any) -> int:
    total = 1
    for dim in variable.shape:
        total *= int(dim)
    return total


def compare(net: Network, model: Any) -> None:
    assert len(net.layers) == len(model.layers)
    for ours, theirs in zip(net.layers, model.layers):
        where = f"layer {ours.index} {ours.source}"
        assert ours.name == theirs.name, where
        assert ours.keras_class == type(theirs).__name__, where
        assert ours.output_shape == tuple(theirs.output.shape)[1:], where
        biases = sum(size(v) for v in theirs.weights if v.name in ("bias", "beta"))
        assert ours.params.biases == biases, where
        assert ours.params.weights == theirs.count_params() - biases, where
        assert ours.params.non_trainable == sum(size(v) for v in theirs.non_trainable_weights), where
    assert net.total_params == model.count_params()


def rejects(keras: Any, shape: tuple[int, ...], descs: list[Desc]) -> bool:
    """Keras raises, or builds a tensor with an empty axis (Conv2DTranspose can, silently).

    cnncalc reports any size of zero as an error naming the layer, as its spec requires.
    """
    try:
        model = keras_model(keras, shape, descs)
    except Exception:
        return True
    return any(0 in tuple(layer.output.shape)[1:] for layer in model.layers)


def check(keras: Any, shape: tuple[int, ...], descs: list[Desc]) -> None:
    text = spec_text(shape, descs)
    try:
        net = build(text)
    except CnnCalcError as ours:
        assert rejects(keras, shape, descs), f"cnncalc rejects what Keras builds: {text}\n{ours.render()}"
        return
    compare(net, keras_model(keras, shape, descs))


# Keras builds each network for real: 350 and 175 examples keep the whole suite near its 10-minute budget on two
# cores (CI's explore pass draws others, with a fresh seed)
@settings(max_examples=350, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_random_networks_agree_with_keras(keras: Any, network: tuple[tuple[int, ...], list[Desc]]) -> None:
    check(keras, *network)


@settings(max_examples=175, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(new_kinds())
def test_new_layer_kinds_agree_with_keras(keras: Any, network: tuple[tuple[int, ...], list[Desc]]) -> None:
    # groups, depthwise, separable, transposed, upsampling, zero padding, cropping, and 1-D networks
    check(keras, *network)


def test_vgg16_matches_keras_applications(keras: Any) -> None:
    keras.backend.clear_session()
    reference = keras.applications.VGG16(weights=None)
    net = build((ZOO / "keras" / "VGG16.cnn").read_text(encoding="utf-8"))
    assert net.total_params == reference.count_params() == 138_357_544
    shapes = [tuple(layer.output.shape)[1:] for layer in reference.layers[1:]]
    assert [layer.output_shape for layer in net.layers] == shapes


def keras_expressible(path: Any) -> bool:
    """Examples with explicit padding (PyTorch's) are compared with PyTorch in test_oracle_torch.py."""
    net = build(path.read_text(encoding="utf-8"))
    return all(isinstance(getattr(layer.layer, "padding", "valid"), str) for layer in net.layers)


@pytest.mark.parametrize("path", [p for p in sorted([*(ROOT / "examples").glob("*.cnn"),
                                                      *(ROOT / "examples" / "lectures").glob("*.cnn")])
                                  if keras_expressible(p)],
                         ids=lambda p: p.name)
def test_every_example_agrees_with_keras(keras: Any, path: Any) -> None:
    net = build(path.read_text(encoding="utf-8"))
    keras.backend.clear_session()
    layers = [keras_from_record(keras, layer.layer) for layer in net.layers]
    compare(net, keras.Sequential([keras.Input(net.input_shape), *layers]))


def keras_from_record(keras: Any, layer: Any) -> Any:
    # Only examples without explicit padding come here (see keras_expressible).
    fields = dict(layer.__dict__)
    name = type(layer).__name__
    cls = getattr(keras.layers, name)
    if name == "Conv2D":
        padding = fields["padding"]
        return cls(fields["filters"], fields["kernel_size"], strides=fields["strides"], padding=padding,
                   dilation_rate=fields["dilation_rate"], activation=fields["activation"],
                   use_bias=fields["use_bias"])
    if name in ("MaxPooling2D", "AveragePooling2D"):
        return cls(fields["pool_size"], strides=fields["strides"], padding=fields["padding"])
    if name == "Dense":
        return cls(fields["units"], activation=fields["activation"], use_bias=fields["use_bias"])
    if name == "Dropout":
        return cls(fields["rate"])
    if name == "Activation":
        return cls(fields["activation"])
    return cls()
