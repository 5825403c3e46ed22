"""Framework layers as spec items, and a model's graph as spec text (the second half of :mod:`cnncalc.readers.pycode`).

Each Keras or PyTorch layer call is written as the spec word with its numbers and options, exactly as a person
would type it: ``layers.Conv2D(32, (3, 3), strides=2, padding="same", activation="relu")`` is
``conv32x3x3 s2 same relu``, ``nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)`` is ``conv64x7x7 s2 p3
nobias``.  A graph with branches names the tensors it reuses (``as t3``) and merges them by name
(``add(@t3 | @t5)``).  Anything a spec cannot say is an error at the layer's line.

Every value the code gives is written into the spec through a typed formatter (:func:`_int`, :func:`_real`,
:func:`_pair`): a size is an ``int`` and nothing else, so ``True``, ``'abc'`` or ``'10, conv32x3'`` never becomes
spec text.  What the spec cannot check by itself, because only the resolved network knows it (the channels a
``nn.Conv2d`` says it reads, the axis a concatenation joins, the shape a ``nn.LayerNorm`` normalises, a layer object
applied twice), is a requirement checked against the resolved network, at the code's own line.
"""

from __future__ import annotations

import ast
import bisect
import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import CnnCalcError, SpecError
from ..model.layers import ACTIVATIONS

if TYPE_CHECKING:
    from ..graph.network import Network, ResolvedLayer
    from .pycode import Interpreter, Layer, ModelCode

__all__ = ["build_model", "concat_axis", "function_item", "graph_spec", "input_text", "layer_item"]


class Built:
    """The resolved network as a layer's requirements see it: the network, and which of its layers give tokens
    (an embedding's L×D, which PyTorch too keeps features-last), found once for all of them."""

    def __init__(self, net: Network) -> None:
        self.net = net

    @functools.cached_property
    def tokens(self) -> set[str]:
        return {layer.name for layer in self.net.layers if layer.tokens}


#: What a layer requires of the resolved network (the channels it reads, the axis it joins): None when met, else
#: the message and a hint.
Requirement = Callable[["ResolvedLayer", Built], "tuple[str, str | None] | None"]


class _NotConstantError(ValueError):
    """A layer argument that is not the constant of the type its framework takes (a size that is a float, a bool, a
    string or a run-time value)."""

    def __init__(self, value: Any, what: str) -> None:
        super().__init__(what)
        self.value, self.what = value, what


def _shown(value: Any) -> str:
    """A value of the code's, short enough for a message (a huge list is named, not printed)."""
    if isinstance(value, (bool, int, float)) or value is None:
        text = repr(value)
    elif isinstance(value, str):
        text = repr(value[:40]) + ("…" if len(value) > 40 else "")
    elif isinstance(value, (list, tuple)) and len(value) <= 4 and all(isinstance(v, (bool, int, float, str))
                                                                       for v in value):
        text = repr(value)
    else:
        text = f"a {type(value).__name__}" if type(value).__module__ == "builtins" else "a value known at run time"
    return text[:60]


def _int(value: Any, what: str, minimum: int | None = None) -> str:
    """A size the code gives (filters, units, a kernel's side) as spec text: an int, never a bool, a float or a
    string, so nothing but digits reaches the spec."""
    if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
        raise _NotConstantError(value, what)
    return str(value)


def _real(value: Any, what: str) -> str:
    """A rate or a slope (dropout0.25, leakyrelu0.2) as spec text: a finite int or float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _NotConstantError(value, what)
    return str(value)


def _pair(value: Any, what: str = "a size") -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2 and \
            all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return value[0], value[1]
    raise _NotConstantError(value, what)


def _one(value: Any, what: str = "a size") -> Any:
    """A 1-D module's size: an int, or a 1-tuple of one (nn.Conv1d(6, 4, (3,))); a string ('same') as it is."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return value
    return int(_int(value, what))


def _axes(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def _option(key: str, value: Any, default: Any, what: str = "a size") -> str:
    """' s2', ' p1x2', ' d2', '' for the default."""
    if value is None:
        return ""
    pair = _pair(value, what)
    return "" if pair == _pair(default) else f" {key}{_axes(pair)}"


#: Keras' own names for two of the spec's activations (keras.activations.get takes these, not the spec's).
_KERAS_ACTIVATION_NAMES = {"leaky_relu": "leakyrelu", "hard_swish": "hardswish"}


def _padding(value: Any, allowed: tuple[str, ...], layer: Layer, interpreter: Interpreter) -> str:
    """A padding given by name ('same', 'valid', Keras' 'causal'), lower-cased as Keras reads it; any other
    string is refused, as the framework refuses it."""
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    raise interpreter.error(layer.node, f"{layer.name}'s padding {_shown(value)} is not one the framework takes",
                            f"give padding as one of {', '.join(repr(a) for a in allowed)}")


def _activation(name: Any, layer: Layer, interpreter: Interpreter) -> str:
    if name is None or name == "linear":
        return ""
    if isinstance(name, str) and _KERAS_ACTIVATION_NAMES.get(name.lower(), name.lower()) in ACTIVATIONS:
        return f" {_KERAS_ACTIVATION_NAMES.get(name.lower(), name.lower())}"
    raise interpreter.error(layer.node, f"the activation {_shown(name)} is not one cnncalc knows",
                            f"use one of {', '.join(ACTIVATIONS)}, or a separate activation layer")


def _unreadable(name: str, error: ValueError | TypeError | LookupError, node: ast.AST,
                interpreter: Interpreter) -> Exception:
    """The error for a layer whose arguments are not the constants its framework takes."""
    from .pycode import Unknown

    if isinstance(error, _NotConstantError):
        value = error.value
        if isinstance(value, Unknown):
            return interpreter.error(node, f"{name}'s {error.what} is {value.why}, which is only known when the code "
                                     "runs", "give it as a constant, or write this layer in a spec")
        return interpreter.error(node, f"{name}'s {error.what} is {_shown(value)}, which the framework does not take "
                                 "here", "give sizes as whole numbers or tuples of them (not True, 2.5 or a string)")
    return interpreter.error(node, f"cnncalc cannot read this {name}'s arguments as constants",
                             "give its sizes as numbers or tuples of numbers")


def layer_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, Requirement | None]:
    """The spec item of a framework layer, and what it requires of the resolved network (PyTorch states the size
    a layer reads)."""
    if layer.kwargs.get("trainable", True) is not True:
        raise interpreter.error(layer.node, f"a {layer.name} that is not trainable",
                                "cnncalc counts every weight as trainable: leave trainable out, or write the model "
                                "as a spec")
    try:
        return _keras_item(layer, interpreter) if layer.framework == "keras" else _torch_item(layer, interpreter)
    except (ValueError, TypeError, LookupError) as error:
        raise _unreadable(layer.name, error, layer.node, interpreter) from None


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
    if layer.name in ("BatchNormalization", "LayerNormalization"):
        return _keras_norm(layer, interpreter)
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
        return "gap1d" if "Average" in n else "gmp1d"
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


def _torch_conv(word: str, layer: Layer, interpreter: Interpreter,
                transposed: bool = False) -> tuple[str, Requirement]:
    a = layer.arg
    out = _int(a(1, "out_channels"), "out_channels", 1)
    kernel = _pair(a(2, "kernel_size"), "kernel_size")
    padding = a(4, "padding", 0)
    text = f"{word}{out}x{kernel[0]}x{kernel[1]}" + _option("s", a(3, "stride", 1), 1, "stride")
    if isinstance(padding, str) and not transposed:
        text += " same" if _padding(padding, ("valid", "same"), layer, interpreter) == "same" else ""
    else:
        text += _option("p", padding, 0, "padding")
    if transposed:
        text += _option("op", a(5, "output_padding", 0), 0, "output_padding")
        groups, bias, dilation = a(6, "groups", 1), a(7, "bias", True), a(8, "dilation", 1)
    else:
        dilation, groups, bias = a(5, "dilation", 1), a(6, "groups", 1), a(7, "bias", True)
        text += _padding_mode(a(8, "padding_mode", "zeros"), layer, interpreter)
    text += _option("d", dilation, 1, "dilation") + (f" g{_int(groups, 'groups', 1)}" if groups != 1 else "") + \
        ("" if bias else " nobias")
    return text, _reads(layer, "channels", _int(a(0, "in_channels"), "in_channels", 1))


def _padding_mode(mode: Any, layer: Layer, interpreter: Interpreter) -> str:
    if mode == "zeros":
        return ""
    if mode in ("reflect", "replicate", "circular"):
        return f" {mode}"
    raise interpreter.error(layer.node, f"{layer.name}'s padding_mode {_shown(mode)} is not one PyTorch takes",
                            "give padding_mode as 'zeros', 'reflect', 'replicate' or 'circular'")


def _scale(factor: Any, name: str, node: ast.AST, interpreter: Interpreter) -> str:
    """nn.Upsample's and F.interpolate's scale_factor as the spec's up: whole factors, one or one per axis (a
    fractional one is refused: PyTorch's floor(6 · 1.5) = 9 is no 'up')."""
    factors = tuple(factor) if isinstance(factor, (tuple, list)) else (factor, factor)
    if len(factors) != 2 or not all(isinstance(f, (int, float)) and not isinstance(f, bool) and math.isfinite(f)
                                    for f in factors):
        raise _NotConstantError(factor, "scale_factor")
    if not all(float(f).is_integer() and f >= 1 for f in factors):
        raise interpreter.error(node, f"{name} by a fractional scale_factor ({_shown(factor)})",
                                "cnncalc's up takes whole factors: scale_factor=2 or (2, 3)")
    return f"up{_axes(tuple(int(f) for f in factors))}"


_TORCH_ACTIVATIONS = {"ReLU": "relu", "ReLU6": "relu6", "ELU": "elu", "GELU": "gelu", "SiLU": "swish",
                      "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax", "Hardswish": "hardswish",
                      "Mish": "mish", "SELU": "selu", "Identity": "linear"}


def _torch_layernorm(layer: Layer) -> tuple[str, Requirement]:
    """nn.LayerNorm(normalized_shape): the spec's layernorm normalises the channels, which is PyTorch's only when
    normalized_shape is the input's last axis and that axis holds the channels ((N, F), or tokens (N, L, D))."""
    a = layer.arg
    shape = a(0, "normalized_shape")
    normalized = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if not normalized:
        raise _NotConstantError(shape, "normalized_shape")
    for size in normalized:
        _int(size, "normalized_shape", 1)
    affine, bias = a(2, "elementwise_affine", True), a(3, "bias", True)
    item = "layernorm" + ("" if affine else " noscale nocenter") + ("" if not affine or bias else " nocenter")

    def normalises(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        net = built.net
        shown = tuple(net.shown_shape(resolved.input_shape, resolved.tokens))
        if shown[-len(normalized):] != normalized:
            return (f"LayerNorm is given normalized_shape={list(normalized)}, but its input is "
                    f"{net.shape_text(resolved.input_shape, tokens=resolved.tokens)}: PyTorch expects the input's "
                    f"last axes to be {list(normalized)}", "make normalized_shape the input's last axes")
        if len(normalized) != 1 or shown != tuple(resolved.input_shape):
            return (f"a LayerNorm over {list(normalized)}, which are not the input's channels",
                    "cnncalc's layernorm normalises the channel axis only (LayerNorm(C) on (N, C), or on tokens): "
                    "write the model as a spec without it")
        return None

    return item, normalises


def _torch_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, Requirement | None]:  # noqa: PLR0911, PLR0912 - one branch per class
    n, a = layer.name, layer.arg
    if n == "Conv2d":
        return _torch_conv("conv", layer, interpreter)
    if n == "ConvTranspose2d":
        return _torch_conv("deconv", layer, interpreter, transposed=True)
    if n == "Conv1d":
        padding, groups = _one(a(4, "padding", 0), "padding"), a(6, "groups", 1)
        if isinstance(padding, str):
            written = f" {_padding(padding, ('valid', 'same'), layer, interpreter)}"
        else:
            written = f" p{padding}" if padding else ""
        return (f"conv1d{_int(a(1, 'out_channels'), 'out_channels', 1)}x{_one(a(2, 'kernel_size'), 'kernel_size')}" +
                _option("s", _one(a(3, "stride", 1), "stride"), 1) + written +
                _option("d", _one(a(5, "dilation", 1), "dilation"), 1) +
                (f" g{_int(groups, 'groups', 1)}" if groups != 1 else "") + ("" if a(7, "bias", True) else " nobias") +
                _padding_mode(a(8, "padding_mode", "zeros"), layer, interpreter),
                _reads(layer, "channels", _int(a(0, "in_channels"), "in_channels", 1)))
    if n == "Linear":
        return f"dense{_int(a(1, 'out_features'), 'out_features', 1)}" + ("" if a(2, "bias", True) else " nobias"), \
            _reads(layer, "features", _int(a(0, "in_features"), "in_features", 1))
    if n in ("MaxPool2d", "AvgPool2d"):
        size = _pair(a(0, "kernel_size"), "kernel_size")
        stride = a(1, "stride")
        text = ("pool" if n == "MaxPool2d" else "avgpool") + _axes(size)
        text += "" if stride is None else _option("s", stride, size, "stride")
        text += _option("p", a(2, "padding", 0), 0, "padding")
        if n == "MaxPool2d":
            text += _option("d", a(3, "dilation", 1), 1, "dilation") + (" ceil" if a(5, "ceil_mode", False) else "")
        else:
            text += " ceil" if a(3, "ceil_mode", False) else ""
        return text, None
    if n in ("MaxPool1d", "AvgPool1d"):
        size = _one(a(0, "kernel_size"), "kernel_size")
        stride = a(1, "stride")
        return (("pool1d" if n == "MaxPool1d" else "avgpool1d") + _int(size, "kernel_size") +
                ("" if stride is None else _option("s", _one(stride, "stride"), size, "stride")) +
                _option("p", _one(a(2, "padding", 0), "padding"), 0, "padding")), None
    if n in ("AdaptiveAvgPool2d", "AdaptiveMaxPool2d"):
        size = a(0, "output_size")
        return ("adaptiveavgpool" if "Avg" in n else "adaptivemaxpool") + _axes(_pair(size, "output_size")), None
    if n in ("AdaptiveAvgPool1d", "AdaptiveMaxPool1d"):
        return ("adaptiveavgpool1d" if "Avg" in n else "adaptivemaxpool1d") + \
            _int(_one(a(0, "output_size"), "output_size"), "output_size"), None
    if n in ("BatchNorm2d", "BatchNorm1d", "BatchNorm3d"):
        affine = a(3, "affine", True)
        return "bn" + ("" if affine else " noscale nocenter"), \
            _reads(layer, "channels", _int(a(0, "num_features"), "num_features", 1))
    if n in ("Dropout", "Dropout2d"):
        return f"dropout{_real(a(0, 'p', 0.5), 'p')}", None
    if n in _TORCH_ACTIVATIONS:
        return _TORCH_ACTIVATIONS[n], None
    if n == "LeakyReLU":
        return f"leakyrelu{_real(a(0, 'negative_slope', 0.01), 'negative_slope')}", None
    if n == "PReLU":
        return ("prelu channel" if int(_int(a(0, "num_parameters", 1), "num_parameters", 1)) > 1 else "prelu"), None
    if n == "Flatten":
        if a(0, "start_dim", 1) != 1:
            raise interpreter.error(layer.node, "a Flatten that keeps no batch axis (start_dim=0)")
        return "flatten", None
    if n == "Upsample":
        if a(1, "scale_factor") is None:
            raise interpreter.error(layer.node, "an Upsample to a fixed size", "give scale_factor=2 instead of size")
        return _scale(a(1, "scale_factor"), "an Upsample", layer.node, interpreter), None
    if n == "ZeroPad2d":
        value = a(0, "padding")
        if isinstance(value, (tuple, list)) and len(value) == 4:
            left, right, top, bottom = (_int(side, "padding", 0) for side in value)
            return f"zeropad t{top} b{bottom} l{left} r{right}", None
        return f"zeropad{_int(value, 'padding', 0)}", None
    if n == "Embedding":
        return f"embedding{_int(a(0, 'num_embeddings'), 'num_embeddings', 1)}x" \
               f"{_int(a(1, 'embedding_dim'), 'embedding_dim', 1)}", None
    if n == "LayerNorm":
        return _torch_layernorm(layer)
    if n == "GroupNorm":
        if a(3, "affine", True) is not True:
            raise interpreter.error(layer.node, "a GroupNorm without affine weights",
                                    "cnncalc's groupnorm has gamma and beta: write the model as a spec without it")
        return f"groupnorm{_int(a(0, 'num_groups'), 'num_groups', 1)}", \
            _reads(layer, "channels", _int(a(1, "num_channels"), "num_channels", 1))
    if n == "LocalResponseNorm":
        return f"lrn{_int(a(0, 'size'), 'size', 1)}", None
    raise interpreter.error(layer.node, f"cnncalc has no spec word for PyTorch's {n}",
                            "write this network as a spec, leaving out or replacing this layer")


def function_item(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], interpreter: Interpreter,
                  node: ast.AST) -> tuple[str | None, Requirement | None]:
    """A torch function or tensor method on a tensor as a spec item (None for one that changes nothing), and
    what it requires of the resolved network."""
    try:
        return _function_item(name, args, kwargs, interpreter, node)
    except (ValueError, TypeError, LookupError) as error:
        raise _unreadable(name, error, node, interpreter) from None


def _function_item(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], interpreter: Interpreter,  # noqa: PLR0911, PLR0912
                   node: ast.AST) -> tuple[str | None, Requirement | None]:
    from .pycode import TORCH_FUNCTIONS, BatchSize

    rest = args[1:]

    def arg(position: int, key: str, default: Any = None) -> Any:
        return rest[position] if position < len(rest) else kwargs.get(key, default)

    if name in TORCH_FUNCTIONS:
        if name == "leaky_relu":
            return f"leakyrelu{_real(arg(0, 'negative_slope', 0.01), 'negative_slope')}", None
        return TORCH_FUNCTIONS[name], None
    if name in ("max_pool2d", "avg_pool2d"):
        size = _pair(arg(0, "kernel_size"), "kernel_size")
        stride = arg(1, "stride")
        return ("pool" if name == "max_pool2d" else "avgpool") + _axes(size) + \
            ("" if stride is None else _option("s", stride, size, "stride")) + \
            _option("p", arg(2, "padding", 0), 0, "padding") + (" ceil" if kwargs.get("ceil_mode") else ""), None
    if name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        return ("adaptiveavgpool" if "avg" in name else "adaptivemaxpool") + \
            _axes(_pair(arg(0, "output_size"), "output_size")), None
    if name in ("dropout", "dropout2d"):
        return f"dropout{_real(arg(0, 'p', 0.5), 'p')}", None
    if name == "flatten":
        if arg(0, "start_dim", 0) != 1:
            raise interpreter.error(node, "torch.flatten(x) without start_dim=1 flattens the batch too",
                                    "write torch.flatten(x, 1)")
        return "flatten", None
    if name == "view":
        shape = [a for a in rest if not isinstance(a, tuple)] if not (rest and isinstance(rest[0], tuple)) \
            else list(rest[0])
        if len(shape) == 2 and (isinstance(shape[0], BatchSize) or shape[0] == -1):
            return "flatten", _flattens_to(shape[1])
        raise interpreter.error(node, "a view or reshape cnncalc can read is x.view(x.size(0), -1) or "
                                "x.view(-1, N): a flatten", "write other reshapes as a spec's reshape layer")
    if name == "mean":
        dims = arg(0, "dim")
        if isinstance(dims, (tuple, list)) and all(isinstance(d, int) for d in dims) and \
                sorted(dims) in ([2, 3], [-2, -1]):
            return ("gap keepdims" if kwargs.get("keepdim") else "gap"), None
        raise interpreter.error(node, "a mean over other axes than the spatial ones (2, 3)")
    if name == "interpolate":
        factor = arg(1, "scale_factor")
        if factor is None or arg(0, "size") is not None:
            raise interpreter.error(node, "an interpolate to a fixed size", "give scale_factor=2 instead of size")
        return _scale(factor, "an interpolate", node, interpreter), None
    if name in ("squeeze",):
        return None, None
    raise interpreter.error(node, f"cnncalc cannot follow {name}() on a tensor",
                            "use a layer cnncalc knows, or write this block as a spec")


# ---- what a layer requires of the resolved network ------------------------------------------------------

def _reads(layer: Layer, what: str, declared: str) -> Requirement:
    """nn.Conv2d(32, …), nn.Linear(1600, …), nn.BatchNorm2d(64): the size the code says a layer reads."""
    size = int(declared)

    def reads(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        net = built.net
        if not resolved.input_shape or resolved.input_shape[-1] == size:
            return None
        noun = "input channels" if what == "channels" else "input features"
        return (f"{layer.name} is written to read {size} {noun}, but the layer before gives "
                f"{resolved.input_shape[-1]} ({net.shape_text(resolved.input_shape)})",
                f"make it {layer.name}({resolved.input_shape[-1]}, …), or fix the layer before it")

    return reads


def _flattens_to(size: Any) -> Requirement | None:
    """x.view(x.size(0), N) or x.view(-1, N): a flatten only when N is what it gives (or -1, or computed from the
    tensor's own sizes, as the PyTorch tutorial's num_flat_features(x) does)."""
    from .pycode import Unknown

    if isinstance(size, Unknown) or size == -1:
        return None
    features = int(_int(size, "size", 1))

    def gives(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        if resolved.output_shape == (features,):
            return None
        return (f"this view asks for {features} features a row, but flattening gives {resolved.output_shape[-1]}",
                "write x.view(x.size(0), -1), or fix the layers before it")

    return gives


def _channel_axis(name: str, axis: Any, key: str) -> Requirement:
    """The axis a Keras normalisation or a concatenation acts on must be the channels: cnncalc's bn, layernorm and
    cat act on no other (Keras' axis=1 on (None, 8, 8, 3) is the height)."""
    def on_channels(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        net = built.net
        shapes = resolved.input_shapes or (resolved.input_shape,)
        rank = len(shapes[0]) + 1  # with the batch
        tokens = resolved.tokens or any(name in built.tokens for name in resolved.inputs)
        channels = 1 if net.torch and rank > 2 and not tokens else rank - 1  # PyTorch: N, C, …
        if -rank <= axis < rank and axis % rank == channels:
            return None
        return (f"{name} on {key} {axis}, which is not the channel axis ({channels}, or {channels - rank}) of "
                f"{net.shape_text(shapes[0], tokens=tokens)}",
                "cnncalc's bn, layernorm and concatenation act on the channels only: write the model as a spec")

    return on_channels


def concat_axis(axis: Any, framework: str) -> Requirement:
    """The requirement of a concatenation (layers.Concatenate(axis=…), torch.cat(…, dim=…)): on the channels."""
    name, key = ("torch.cat", "dim") if framework == "torch" else ("Concatenate", "axis")
    return _channel_axis(name, int(_int(axis, key)), key)


# ---- the graph as spec text -----------------------------------------------------------------------------

def input_text(shape: Any, node: ast.AST, interpreter: Interpreter) -> str:
    """An input's shape as the spec's 'input' sizes: whole numbers (a size of None, which Keras leaves to run time,
    leaves the input to --input; True or 2.5 is refused)."""
    if not isinstance(shape, (tuple, list)) or not shape:
        raise interpreter.error(node, f"the input's shape {_shown(shape)} is not a constant tuple",
                                "write it as keras.Input(shape=(28, 28, 1))")
    if any(size is None for size in shape):
        return ""
    try:
        return "x".join(_int(size, "shape", 1) for size in shape)
    except _NotConstantError as error:
        raise interpreter.error(node, f"the input's shape holds {_shown(error.value)}, which is not a size",
                                "give every size as a whole number: keras.Input(shape=(28, 28, 1))") from None


def graph_spec(interpreter: Interpreter, found: Any, name: str) -> ModelCode:
    """The model's graph written as spec text, with the span of each item."""
    from .pycode import Instance, KerasModel, ModelCode, Node, Sequential, Tensor, Unknown

    conventions = "keras"
    if isinstance(found, KerasModel):
        if not isinstance(found.inputs, Tensor) or not isinstance(found.outputs, Tensor):
            raise interpreter.error(found.node, "a model with several inputs or outputs",
                                    "cnncalc summarises one input and one output")
        output = found.outputs
    elif isinstance(found, Sequential) and found.framework == "keras":
        output = _keras_sequential(interpreter, found)
    elif isinstance(found, (Sequential, Instance)):
        conventions = "torch"
        interpreter.nodes.append(Node("input", [], None, ""))
        source = Tensor(len(interpreter.nodes) - 1)
        interpreter.inside_model += 1
        output = interpreter.apply(found, [source], found.node) if isinstance(found, Sequential) else \
            interpreter.module_call(found, source, found.cls.node)
        interpreter.inside_model -= 1
    elif isinstance(found, Unknown):
        raise interpreter.error(found.node, f"the model '{name}' is {found.why}, which cnncalc cannot follow")
    else:
        raise CnnCalcError(f"'{name}' is not a model cnncalc can read")
    if not isinstance(output, Tensor):
        raise interpreter.error(getattr(found, "node", None), f"the model '{name}' gives no tensor")
    text, items = _write(interpreter.nodes, output.node, conventions)
    return ModelCode(text, conventions, items, interpreter.path, interpreter.lines, name)


def _keras_sequential(interpreter: Interpreter, model: Any) -> Any:
    """A Keras Sequential's layers applied in order, from its Input or its first layer's input_shape."""
    from .pycode import Layer, Node, Sequential, Tensor, Unknown

    layers = list(model.layers)
    shape = None
    if layers and isinstance(layers[0], Tensor):  # keras.Input(shape=…) as the first element
        current = layers.pop(0)
    else:
        if layers and isinstance(layers[0], Layer) and layers[0].name == "InputLayer":
            first = layers.pop(0)
            shape = first.kwargs.get("input_shape", first.kwargs.get("shape"))
        elif layers and isinstance(layers[0], Layer):
            shape = layers[0].kwargs.get("input_shape")
            if shape is None and "input_dim" in layers[0].kwargs:
                shape = (layers[0].kwargs["input_dim"],)
            batch_shape = layers[0].kwargs.get("batch_input_shape")
            if shape is None and isinstance(batch_shape, (tuple, list)):
                shape = tuple(batch_shape[1:])
        text = input_text(shape, getattr(layers[0], "node", model.node), interpreter) if shape is not None else ""
        interpreter.nodes.append(Node("input", [], model.node, text))
        current = Tensor(len(interpreter.nodes) - 1)
    for layer in layers:
        if isinstance(layer, Unknown):
            raise interpreter.error(layer.node or model.node, f"a layer of this Sequential is {layer.why}",
                                    "build it with a layer class cnncalc knows")
        if not isinstance(layer, (Layer, Sequential)):
            raise interpreter.error(model.node, "this Sequential holds something that is not a layer")
        current = interpreter.apply(layer, [current], layer.node)
    return current


def _write(nodes: list[Any], output: int,  # noqa: PLR0912 - the three kinds of node, named or not
           conventions: str) -> tuple[str, list[tuple[tuple[int, int], Any]]]:
    """Spec text for the nodes the output depends on, in creation order; tensors used out of order are named."""
    needed = {output}
    for index in range(output, -1, -1):
        if index in needed:
            needed.update(nodes[index].inputs)
    order = sorted(needed)
    following = {order[i]: order[i + 1] for i in range(len(order) - 1)}
    named = set()
    for index in order:
        node = nodes[index]
        for source in node.inputs:
            if node.kind == "merge" or following.get(source) != index:
                named.add(source)
    names = {index: ("input" if nodes[index].kind == "input" else f"t{index}") for index in named}
    parts: list[str] = []
    items: list[tuple[tuple[int, int], Any]] = []
    position = 0
    current = None
    for index in order:
        node = nodes[index]
        prefix = ""
        if node.kind == "input":
            text = f"input {node.item}" + (" nchw" if conventions == "torch" and node.item else "") if node.item else ""
        elif node.kind == "merge":
            text = f"{node.item}({' | '.join('@' + names[s] for s in node.inputs)})"
        else:
            if node.inputs[0] != current:
                prefix = f"@{names[node.inputs[0]]}"
            text = node.item
        if index in named and node.kind != "input":
            text += f" as {names[index]}"
        for piece, is_item in ((prefix, False), (text, True)):
            if not piece:
                continue
            if parts:
                parts.append(", ")
                position += 2
            if is_item:
                items.append(((position, position + len(piece)), node))
            parts.append(piece)
            position += len(piece)
        current = index
    return "".join(parts), items


# ---- building, with errors at the code's own lines ------------------------------------------------------

def build_model(code: ModelCode, input_shape: str | None = None, layout: str | None = None,
                conventions: str | None = None) -> Network:
    """The network a model's code defines: its spec resolved, each error moved to the line that made it, and
    each requirement of the code's (the sizes it declares, the axes it names, a layer applied once) checked
    against what reaches it."""
    from ..graph.network import build
    from ..language.spec import parse_input

    torch = code.conventions == "torch"
    if torch and input_shape is None and not code.spec.startswith("input "):
        raise CnnCalcError(f"{code.path}: PyTorch code does not state its input's shape",
                           "give it with --input, channels first: --input 3x224x224 (or 1x28x28)")
    if not torch and input_shape is None and not code.spec.startswith("input "):
        raise CnnCalcError(f"{code.path}: the model states no input shape",
                           "add keras.Input(shape=(28, 28, 1)) or input_shape=… to its first layer, or give --input")
    written = parse_input(input_shape).layout if input_shape is not None else None  # --input "… nhwc"; its errors
    try:  # point into what --input says, the others to the code's line
        net = build(code.spec, input_shape, layout or written or ("nchw" if torch else None),
                    conventions or code.conventions)
    except SpecError as error:
        node = _node_at(code, error.span[0])
        raise code.error_at(getattr(node, "where", None), error.message, error.hint) from None
    _check_requirements(code, net)
    return net


def _node_at(code: ModelCode, position: int) -> Any:
    """The node whose item holds a position of the spec text: a binary search (items are in text order), so that
    reading a model of n layers stays linear."""
    index = bisect.bisect_right(code.starts, position) - 1
    if index >= 0:
        (start, end), node = code.items[index]
        if start <= position < max(end, start + 1):
            return node
    return None


def _check_requirements(code: ModelCode, net: Network) -> None:
    """What each layer's code requires of the resolved network, and that no layer object with weights is applied
    twice (Keras and PyTorch share its weights, which a summary of rows cannot show)."""
    params: dict[int, int] = {}
    built = Built(net)
    for layer in net.layers:
        node = _node_at(code, layer.span[0])
        if node is None:
            continue
        params[id(node)] = params.get(id(node), 0) + layer.params.total
        if node.requires is not None:
            failed = node.requires(layer, built)
            if failed is not None:
                raise code.error_at(node.where, *failed)
    applied: dict[int, Any] = {}
    for _, node in code.items:
        if node.layer is None or node.kind != "layer":
            continue
        first = applied.setdefault(id(node.layer), node)
        if first is not node and (params.get(id(node), 0) or params.get(id(first), 0)):
            raise code.error_at(node.applied or node.where, f"this {node.layer.name} is applied a second time: its "
                                "weights are shared, which cnncalc's summary cannot show",
                                "make a new layer for each use, or write the model as a spec")
