"""PyTorch modules, and torch functions and tensor methods on a tensor, as spec items."""

from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING, Any

from .arguments import (
    Built,
    Requirement,
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
from .layer_words import softmax_axis
from .requirements import _reads
from .torch_attention import mha_item
from .torch_padding import zero_pad_module_item
from .values import Layer

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .calls import Interpreter


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
                      "Hardsigmoid": "hardsigmoid",
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


def _stochastic_depth(layer: Layer) -> str:
    """torchvision.ops.StochasticDepth(p, mode) as droppath{p}; torchvision takes p in [0, 1], mode 'batch' or 'row'."""
    p, mode = layer.arg(0, "p"), layer.arg(1, "mode")
    if not isinstance(p, (int, float)) or isinstance(p, bool) or not 0 <= p <= 1:
        raise _NotConstantError(p, "p")
    if mode not in ("batch", "row"):
        raise _NotConstantError(mode, "mode")
    return f"droppath{_real(p, 'p')}"


def _torch_conv1d(layer: Layer, interpreter: Interpreter) -> tuple[str | None, Requirement | None]:
    """PyTorch's Conv1d as a conv1d item."""
    a = layer.arg
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


def _torch_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, Requirement | None]:  # noqa: PLR0911, PLR0912 - one branch per class
    n, a = layer.name, layer.arg
    if n == "Conv2d":
        return _torch_conv("conv", layer, interpreter)
    if n == "ConvTranspose2d":
        return _torch_conv("deconv", layer, interpreter, transposed=True)
    if n == "Conv1d":
        return _torch_conv1d(layer, interpreter)
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
        dim = a(0, "dim") if n == "Softmax" else None
        return _TORCH_ACTIVATIONS[n], None if dim is None else softmax_axis(n, dim)
    if n == "LeakyReLU":
        return f"leakyrelu{_real(a(0, 'negative_slope', 0.01), 'negative_slope')}", None
    if n == "PReLU":
        return ("prelu channel" if int(_int(a(0, "num_parameters", 1), "num_parameters", 1)) > 1 else "prelu"), None
    if n == "Flatten":
        if a(0, "start_dim", 1) != 1:
            raise interpreter.error(layer.node, "a Flatten that keeps no batch axis (start_dim=0)")
        return "flatten", None
    if n == "Upsample":  # one to a size (a whole multiple of its input) is read where it is applied (.resizing)
        if a(1, "scale_factor") is None or a(0, "size") is not None:
            raise interpreter.error(layer.node, "an Upsample given both size and scale_factor, or neither",
                                    "PyTorch takes one of them: give size=(H, W) or scale_factor=2")
        return _scale(a(1, "scale_factor"), "an Upsample", layer.node, interpreter), None
    if n == "ZeroPad2d":
        return zero_pad_module_item(a(0, "padding"), interpreter, layer.node), None
    if n == "ChannelShuffle":
        return f"shuffle{_int(a(0, 'groups'), 'groups', 1)}", None
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
    if n == "StochasticDepth":  # torchvision.ops: the identity as model.eval() runs it, a row of its own
        return _stochastic_depth(layer), None
    if n == "MultiheadAttention":
        return mha_item(layer, interpreter)
    if n == "LocalResponseNorm":
        return f"lrn{_int(a(0, 'size'), 'size', 1)}", None
    raise interpreter.error(layer.node, f"cnncalc has no spec word for PyTorch's {n}",
                            "write this network as a spec, leaving out or replacing this layer")
