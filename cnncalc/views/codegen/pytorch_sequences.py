"""The 1-D and 3-D layers as PyTorch modules: ``nn.Conv1d`` (depthwise with ``groups``, separable as a depthwise
then a 1×1), ``nn.ConvTranspose1d``, ``nn.Conv3d`` and the 1-D and 3-D pools, with in-channels from the resolved
shapes, and padding that PyTorch cannot split as Keras does (``same`` with a stride, ``causal``) as an
``nn.ZeroPad1d`` or ``nn.ZeroPad3d`` before the layer. And the layers whose axes are the spec's channels-last
ones: a permute or a reshape as the operation in ``forward()`` on the tensor with its channels moved last, then
back (no module: torchinfo shows no row), an embedding as ``nn.Embedding`` with its features then moved to axis 1,
where the written code holds the channels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .frameworks import unsupported
from .quoting import literal, number, number_tuple, numbers

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["torch_sequence_modules", "transposed_padding"]


def _axes(value: Any) -> tuple[int, ...]:
    """A 1-D layer's int as one axis, a 3-D layer's triple as it is: what ``numbers`` writes."""
    return tuple(value) if isinstance(value, tuple) else (value,)


def _padding(layer: ResolvedLayer) -> tuple[str, str | None]:
    """The padding argument, and a ZeroPad1d or ZeroPad3d when a side gets more than the other."""
    pads = [(axis.pad_before, axis.pad_after) for axis in layer.axes]
    if all(a == b for a, b in pads):
        value = tuple(a for a, _ in pads)
        return ("" if not any(value) else f", padding={numbers(value)}"), None
    sides = [side for pair in reversed(pads) for side in pair]  # the last axis first, as F.pad reads them
    return "", f"nn.ZeroPad{len(pads)}d(({', '.join(map(number, sides))}))"


def _conv(layer: ResolvedLayer, channels: int, out: int, groups: int, bias: bool = True) -> list[tuple[str, str]]:
    r: Any = layer.layer
    rank = len(layer.axes)
    padding, before = _padding(layer)
    one = 1 if rank == 1 else (1,) * rank
    mode = getattr(r, "padding_mode", "zeros")
    if before and mode != "zeros":
        raise unsupported(layer, "PyTorch", f"PyTorch pads {mode} on both sides alike; this one is uneven")
    options = [f"kernel_size={numbers(_axes(r.kernel_size))}",
               *([f"stride={numbers(_axes(r.strides))}"] if r.strides != one else []),
               *([padding[2:]] if padding else []),
               *([f"dilation={numbers(_axes(r.dilation_rate))}"] if r.dilation_rate != one else []),
               *([f"groups={number(groups)}"] if groups != 1 else []),
               *([] if bias and r.use_bias else ["bias=False"]),
               *([] if mode == "zeros" else [f"padding_mode={literal(mode)}"])]
    return [*([("pad", before)] if before else []),
            ("conv", f"nn.Conv{rank}d({number(channels)}, {number(out)}, {', '.join(options)})")]


def _pool(layer: ResolvedLayer) -> list[tuple[str, str]]:
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    rank = len(layer.axes)
    pads = [(axis.pad_before, axis.pad_after) for axis in layer.axes]
    if any(a != b for a, b in pads):
        raise unsupported(layer, "PyTorch", "PyTorch's pools pad both sides alike; this one is padded unevenly")
    padding = tuple(a for a, _ in pads)
    kind = "Max" if isinstance(r, (L.MaxPooling1D, L.MaxPooling3D)) else "Avg"
    stride = "" if r.strides is None or r.strides == r.pool_size else f", stride={numbers(_axes(r.strides))}"
    extra = "" if not any(padding) else f", padding={numbers(padding)}"
    if r.padding == "same" and kind == "Avg" and any(padding):
        extra += ", count_include_pad=False"  # Keras' same averages over the input only
    ceil = ", ceil_mode=True" if r.ceil else ""
    return [("pool", f"nn.{kind}Pool{rank}d({numbers(_axes(r.pool_size))}{stride}{extra}{ceil})")]


def transposed_padding(layer: ResolvedLayer, module: str, n: int, out: int, k: int, s: int,
                       d: int) -> tuple[int, int]:
    """The padding p and output padding op with which PyTorch's transposed convolution takes n to out on one axis:
    (n − 1)·s − 2p + d·(k − 1) + 1 + op = out, op below the stride or the dilation; refused where none is."""
    excess = (n - 1) * s + d * (k - 1) + 1 - out  # 2p − op
    pad = max(0, (excess + 1) // 2)
    extra = 2 * pad - excess
    if extra >= max(s, d):
        raise unsupported(layer, "PyTorch", f"PyTorch's {module} cannot reach {out} from {n} here: it would need "
                          f"output_padding {extra}, at least the stride")
    return pad, extra


def _deconv(layer: ResolvedLayer, channels: int) -> str:
    """nn.ConvTranspose1d with the padding and output padding that give the row's length, as the 2-D one."""
    r: Any = layer.layer
    n, out = layer.input_shape[0], layer.output_shape[0]
    k, s, d = r.kernel_size, r.strides, r.dilation_rate
    if not isinstance(r.padding, str):  # explicit: PyTorch's own numbers
        pad, extra = int(r.padding[0]), r.output_padding or 0
    else:
        pad, extra = transposed_padding(layer, "ConvTranspose1d", n, out, k, s, d)
    options = [f"kernel_size={number(k)}", *([f"stride={number(s)}"] if s != 1 else []),
               *([f"padding={number(pad)}"] if pad else []), *([f"output_padding={number(extra)}"] if extra else []),
               *([f"groups={number(r.groups)}"] if r.groups != 1 else []),
               *([f"dilation={number(d)}"] if d != 1 else []), *([] if r.use_bias else ["bias=False"])]
    return f"nn.ConvTranspose1d({number(channels)}, {number(r.filters)}, {', '.join(options)})"


def torch_sequence_modules(layer: ResolvedLayer, channels: int) -> list[tuple[str, str]] | None:
    """(attribute stem, module) for the kinds this module writes; None for any other kind."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    if isinstance(r, (L.Conv1D, L.Conv3D)):
        return _conv(layer, channels, r.filters, r.groups)
    if isinstance(r, L.DepthwiseConv1D):
        return _conv(layer, channels, channels * r.depth_multiplier, channels)
    if isinstance(r, L.SeparableConv1D):  # a depthwise conv without bias, then a 1×1 conv to the filters
        middle = channels * r.depth_multiplier
        bias = "" if r.use_bias else ", bias=False"
        return [*_conv(layer, channels, middle, channels, bias=False),
                ("conv", f"nn.Conv1d({number(middle)}, {number(r.filters)}, kernel_size=1{bias})")]
    if isinstance(r, L.Conv1DTranspose):
        return [("deconv", _deconv(layer, channels))]
    if isinstance(r, (L.Pooling1D, L.Pooling3D)):
        return _pool(layer)
    return _channels_last(layer)


def _channels_last(layer: ResolvedLayer) -> list[tuple[str, str]] | None:
    """Permute, Reshape and Embedding, whose axes are Keras' channels-last ones; stem ``""``: what follows the tensor
    in forward(), no module."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    last = ".movedim(1, -1)" if len(layer.input_shape) > 1 else ""  # a vector has its features on axis 1 already
    back = ".movedim(-1, 1)" if len(layer.output_shape) > 1 else ""
    if isinstance(r, L.Permute):
        return [("", f"{last}.permute{number_tuple((0, *r.dims))}{back}")]
    if isinstance(r, L.Reshape):
        return [("", f"{last}.reshape{number_tuple((-1, *layer.output_shape))}{back}")]
    if isinstance(r, L.Embedding):
        return [("embedding", f"nn.Embedding({number(r.vocabulary)}, {number(r.dimension)})"), ("", back)]
    return None
