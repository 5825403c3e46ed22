"""The 1-D and 3-D layers as Keras writes them: ``Conv1D``, ``DepthwiseConv1D``, ``SeparableConv1D``,
``Conv1DTranspose``, the 1-D pools, ``Conv3D`` and the 3-D pools, each with a ``ZeroPadding1D`` or
``ZeroPadding3D`` before it for PyTorch's explicit padding (a transposed convolution's is a ``Cropping1D`` after
it), as the 2-D layers are written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .frameworks import KERAS_ACTIVATIONS, unsupported
from .quoting import literal, number, numbers

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["keras_sequence_after", "keras_sequence_layer"]


def _axes(value: Any) -> tuple[int, ...]:
    """A 1-D layer's int as one axis, a 3-D layer's triple as it is: what ``numbers`` writes."""
    return tuple(value) if isinstance(value, tuple) else (value,)


def _padding(r: Any, rank: int) -> tuple[str, str | None]:
    """Keras' padding argument, and the zero padding to put before the layer for PyTorch's explicit padding."""
    if isinstance(r.padding, str):
        return ("" if r.padding == "valid" else f", padding={literal(r.padding)}"), None
    if not any(r.padding):
        return "", None
    return "", f"layers.ZeroPadding{rank}D({numbers(tuple(r.padding))})"


def _options(r: Any, rank: int) -> str:
    """The options a convolution shares: strides, dilation, activation, bias."""
    one = 1 if rank == 1 else (1,) * rank
    options = [*([f"strides={numbers(_axes(r.strides))}"] if r.strides != one else []),
               *([f"dilation_rate={numbers(_axes(r.dilation_rate))}"] if r.dilation_rate != one else []),
               *([f"activation={literal(KERAS_ACTIVATIONS.get(r.activation, r.activation))}"] if r.activation else []),
               *([] if r.use_bias else ["use_bias=False"])]
    return "".join(f", {option}" for option in options)


def _pool(layer: ResolvedLayer, rank: int) -> tuple[list[str], str]:
    """A 1-D or 3-D pool; PyTorch's explicit zeros averaged in (count_include_pad) as a ZeroPadding before."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    if r.ceil:
        raise unsupported(layer, "Keras", "Keras' pools have no ceil_mode")
    padding, before = _padding(r, rank)
    maximum = isinstance(r, (L.MaxPooling1D, L.MaxPooling3D))
    if before and maximum:
        raise unsupported(layer, "Keras", "Keras pads a max pool with zeros only through a ZeroPadding layer, which "
                          "changes its result; PyTorch pads with −∞")
    strides = "" if r.strides is None else f", strides={numbers(_axes(r.strides))}"
    return ([before] if before else []), f"layers.{r.keras_class}({numbers(_axes(r.pool_size))}{strides}{padding})"


def keras_sequence_layer(layer: ResolvedLayer) -> tuple[list[str], str] | None:
    """(layers to put before it, the layer) for the kinds this module writes; None for any other kind."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    if isinstance(r, (L.Pooling1D, L.Pooling3D)):
        return _pool(layer, 1 if isinstance(r, L.Pooling1D) else 3)
    if isinstance(r, (L.Conv1D, L.Conv3D)):
        rank = 1 if isinstance(r, L.Conv1D) else 3
        if getattr(r, "padding_mode", "zeros") != "zeros":
            raise unsupported(layer, "Keras", f"Keras has no {r.padding_mode} padding")
        padding, before = _padding(r, rank)
        groups = f", groups={number(r.groups)}" if r.groups != 1 else ""
        kernel = number(r.kernel_size) if rank == 1 else numbers(r.kernel_size)
        return ([before] if before else []), \
            f"layers.{r.keras_class}({number(r.filters)}, {kernel}{padding}{groups}{_options(r, rank)})"
    if isinstance(r, (L.DepthwiseConv1D, L.SeparableConv1D)):
        padding, before = _padding(r, 1)
        filters = f"{number(r.filters)}, " if isinstance(r, L.SeparableConv1D) else ""
        multiplier = f", depth_multiplier={number(r.depth_multiplier)}" if r.depth_multiplier != 1 else ""
        return ([before] if before else []), \
            f"layers.{r.keras_class}({filters}{number(r.kernel_size)}{padding}{multiplier}{_options(r, 1)})"
    if isinstance(r, L.Conv1DTranspose):  # as the 2-D one: explicit padding is 'valid', cropped after
        if r.groups != 1:
            raise unsupported(layer, "Keras", "Keras has no grouped transposed convolution")
        if r.dilation_rate != 1 and r.strides != 1:
            raise unsupported(layer, "Keras", "Keras has no transposed convolution both strided and dilated")
        explicit = not isinstance(r.padding, str)
        extra = r.output_padding if r.output_padding is not None else (0 if explicit else None)
        padding = "" if explicit or r.padding == "valid" else f", padding={literal(r.padding)}"
        op = "" if extra is None else f", output_padding={number(extra)}"
        return [], f"layers.Conv1DTranspose({number(r.filters)}, {number(r.kernel_size)}{padding}{op}" \
                   f"{_options(r, 1)})"
    return None


def keras_sequence_after(layer: ResolvedLayer) -> list[str]:
    """The Cropping1D that takes a 1-D transposed convolution's explicit padding off each side."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    if isinstance(r, L.Conv1DTranspose) and not isinstance(r.padding, str) and any(r.padding):
        return [f"layers.Cropping1D({numbers(tuple(int(side) for side in r.padding))})"]
    return []
