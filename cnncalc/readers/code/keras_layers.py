"""Keras layers as spec items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .arguments import (
    Requirement,
    _activation,
    _axes,
    _int,
    _NotConstantError,
    _one,
    _option,
    _padding,
    _pair,
    _real,
    _shown,
)
from .keras_legacy import modern
from .layer_words import KERAS_WORDS, keras_word
from .requirements import _channel_axis
from .values import Layer

if TYPE_CHECKING:
    from .calls import Interpreter


def _keras_conv(word: str, layer: Layer, interpreter: Interpreter, filters: bool = True) -> str:
    a, k = layer.arg, layer.kwargs
    offset = 1 if filters else 0
    kernel = _pair(a(offset, "kernel_size"), "kernel_size")
    head = f"{word}{_int(a(0, 'filters'), 'filters', 1)}x{kernel[0]}x{kernel[1]}" if filters else \
        f"{word}{kernel[0]}x{kernel[1]}"
    padding = _padding(a(offset + 2, "padding", "valid"), ("valid", "same"), layer, interpreter)
    text = head + _option("s", a(offset + 1, "strides", 1), 1, "strides") + (" same" if padding == "same" else "")
    text += _option("d", k.get("dilation_rate", 1), 1, "dilation_rate")
    if k.get("groups", 1) != 1:
        text += f" g{_int(k['groups'], 'groups', 1)}"
    if k.get("depth_multiplier", 1) != 1:
        text += f" m{_int(k['depth_multiplier'], 'depth_multiplier', 1)}"
    if "output_padding" in k and k["output_padding"] is not None:
        text += f" op{_axes(_pair(k['output_padding'], 'output_padding'))}"
    text += _activation(k.get("activation"), layer, interpreter)
    return text + ("" if k.get("use_bias", True) else " nobias")


def _keras_norm(layer: Layer, interpreter: Interpreter) -> tuple[str, Requirement]:
    """BatchNormalization and LayerNormalization: on the channel axis (-1), with or without beta and gamma."""
    a, k = layer.arg, layer.kwargs
    axis = a(0, "axis", -1)
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    _int(axis, "axis")
    center, scale = k.get("center", True), k.get("scale", True)
    if k.get("rms_scaling", False):  # LayerNormalization(rms_scaling=True): gamma only
        center = False
    word = "bn" if layer.name == "BatchNormalization" else "layernorm"
    return word + ("" if scale else " noscale") + ("" if center else " nocenter"), \
        _channel_axis(layer.name, axis, "axis")


def _keras_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, Requirement | None]:
    """A Keras layer as its spec item; a requirement only for what the spec cannot check (the axis it acts on)."""
    layer = modern(layer, interpreter)
    if layer.kwargs.get("data_format") not in (None, "channels_last"):
        raise interpreter.error(layer.node, f"a {layer.name} given data_format={_shown(layer.kwargs['data_format'])}",
                                "cnncalc reads Keras layers channels-last, Keras' default: leave data_format out")
    if layer.name in ("BatchNormalization", "LayerNormalization"):
        return _keras_norm(layer, interpreter)
    if layer.name in KERAS_WORDS:
        return keras_word(layer, interpreter)
    return _keras_word(layer, interpreter), None


def _keras_word(layer: Layer, interpreter: Interpreter) -> str | None:  # noqa: PLR0911, PLR0912 - one per class
    n, a, k = layer.name, layer.arg, layer.kwargs
    if n in ("Conv2D", "Convolution2D"):
        return _keras_conv("conv", layer, interpreter)
    if n in ("Conv2DTranspose", "Deconvolution2D"):
        return _keras_conv("deconv", layer, interpreter)
    if n == "SeparableConv2D":
        return _keras_conv("sepconv", layer, interpreter)
    if n == "DepthwiseConv2D":
        return _keras_conv("dwconv", layer, interpreter, filters=False)
    if n in ("Conv1D", "Convolution1D"):
        kernel = _one(a(1, "kernel_size"), "kernel_size")
        padding = _padding(a(3, "padding", "valid"), ("valid", "same", "causal"), layer, interpreter)
        return (f"conv1d{_int(a(0, 'filters'), 'filters', 1)}x{_int(kernel, 'kernel_size')}" +
                _option("s", _one(a(2, "strides", 1), "strides"), 1, "strides") +
                (f" {padding}" if padding in ("same", "causal") else "") +
                _option("d", _one(k.get("dilation_rate", 1), "dilation_rate"), 1, "dilation_rate") +
                _activation(k.get("activation"), layer, interpreter) + ("" if k.get("use_bias", True) else " nobias"))
    if n == "Dense":
        return f"dense{_int(a(0, 'units'), 'units', 1)}" + _activation(a(1, "activation"), layer, interpreter) + \
            ("" if k.get("use_bias", True) else " nobias")
    if n == "Flatten":
        return "flatten"
    if n in ("Dropout", "SpatialDropout2D"):
        return f"dropout{_real(a(0, 'rate'), 'rate')}"
    if n in ("MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D"):
        size = _pair(a(0, "pool_size", 2), "pool_size")
        word = "pool" if n.startswith("Max") else "avgpool"
        strides = a(1, "strides")
        padding = _padding(a(2, "padding", "valid"), ("valid", "same"), layer, interpreter)
        return f"{word}{_axes(size)}" + ("" if strides is None else _option("s", strides, size, "strides")) + \
            (" same" if padding == "same" else "")
    if n in ("MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D"):
        size = _one(a(0, "pool_size", 2), "pool_size")
        strides = a(1, "strides")
        word = "pool1d" if n.startswith("Max") else "avgpool1d"
        padding = _padding(a(2, "padding", "valid"), ("valid", "same"), layer, interpreter)
        return f"{word}{_int(size, 'pool_size')}" + \
            ("" if strides is None else _option("s", _one(strides, "strides"), size, "strides")) + \
            (" same" if padding == "same" else "")
    if n in ("GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D"):
        return ("gap" if "Average" in n or "Avg" in n else "gmp") + (" keepdims" if k.get("keepdims") else "")
    if n in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        return ("gap1d" if "Average" in n else "gmp1d") + (" keepdims" if k.get("keepdims") else "")
    if n in ("AdaptiveAveragePooling2D", "AdaptiveMaxPooling2D"):  # Keras 3.9 and later
        word = "adaptiveavgpool" if "Average" in n else "adaptivemaxpool"
        return word + _axes(_pair(a(0, "output_size"), "output_size"))
    if n in ("AdaptiveAveragePooling1D", "AdaptiveMaxPooling1D"):
        word = "adaptiveavgpool1d" if "Average" in n else "adaptivemaxpool1d"
        return word + _int(_one(a(0, "output_size"), "output_size"), "output_size")
    if n == "Activation":  # a row of its own, 'linear' (the identity) included
        name = a(0, "activation")
        return "linear" if name in (None, "linear") else _activation(name, layer, interpreter).strip()
    if n == "ReLU":
        return "relu6" if k.get("max_value", a(0, "max_value")) == 6 else "relu"
    if n == "LeakyReLU":
        alpha = k.get("negative_slope", k.get("alpha", a(0, "negative_slope", 0.3)))
        return f"leakyrelu{_real(alpha, 'negative_slope')}"
    if n in ("ELU", "Softmax"):
        return n.lower()
    if n == "PReLU":
        return "prelu channel" if k.get("shared_axes") is None else "prelu"
    if n in ("ZeroPadding2D", "Cropping2D"):
        return _sides(n, a(0, "padding" if n == "ZeroPadding2D" else "cropping", 1))
    if n == "UpSampling2D":
        return f"up{_axes(_pair(a(0, 'size', 2), 'size'))}"
    if n in ("Reshape", "Permute"):
        dims = a(0, "target_shape" if n == "Reshape" else "dims")
        if not isinstance(dims, (tuple, list)) or not dims:
            raise _NotConstantError(dims, "shape")
        return f"{n.lower()}{'x'.join(_int(d, 'shape') for d in dims)}"
    if n == "Embedding":
        return f"embedding{_int(a(0, 'input_dim'), 'input_dim', 1)}x{_int(a(1, 'output_dim'), 'output_dim', 1)}"
    raise interpreter.error(layer.node, f"cnncalc has no spec word for Keras' {n}",
                            "write this network as a spec, leaving out or replacing this layer")


def _sides(name: str, value: Any) -> str:
    """ZeroPadding2D and Cropping2D: 1, (1, 2) or ((top, bottom), (left, right))."""
    word = "zeropad" if name == "ZeroPadding2D" else "crop"
    if isinstance(value, (tuple, list)) and value and isinstance(value[0], (tuple, list)):
        (top, bottom), (left, right) = value
        sides = zip(("t", "b", "l", "r"), (top, bottom, left, right))
        return word + "".join(f" {key}{_int(side, 'padding', 0)}" for key, side in sides)
    return f"{word}{_axes(_pair(value, 'padding'))}"
