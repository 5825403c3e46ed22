"""How each layer word builds its record from its numbers and options: ``conv32x3 s2`` → ``Conv2D(32, (3, 3),
(2, 2), …)``; the 1-D words read their options' one number, the pooling words default their window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import Layer


def _conv(args: tuple[int, int, int], o: dict[str, Any]) -> Layer:
    filters, kh, kw = args
    return layers.Conv2D(filters, (kh, kw), o.get("stride", (1, 1)), o.get("padding", "valid"),
                    o.get("dilation", (1, 1)), o.get("activation"), o.get("bias", True), o.get("groups", 1),
                    o.get("padding_mode", "zeros"))


def _dwconv(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.DepthwiseConv2D(args, o.get("stride", (1, 1)), o.get("padding", "valid"), o.get("dilation", (1, 1)),
                             o.get("multiplier", 1), o.get("activation"), o.get("bias", True))


def _sepconv(args: tuple[int, int, int], o: dict[str, Any]) -> Layer:
    filters, kh, kw = args
    return layers.SeparableConv2D(filters, (kh, kw), o.get("stride", (1, 1)), o.get("padding", "valid"),
                             o.get("dilation", (1, 1)), o.get("multiplier", 1), o.get("activation"),
                             o.get("bias", True))


def _deconv(args: tuple[int, int, int], o: dict[str, Any]) -> Layer:
    filters, kh, kw = args
    return layers.Conv2DTranspose(filters, (kh, kw), o.get("stride", (1, 1)), o.get("padding", "valid"),
                             o.get("output_padding"), o.get("dilation", (1, 1)), o.get("activation"),
                             o.get("bias", True), o.get("groups", 1))


def _one(value: Any, default: Any) -> Any:
    """The number of a 1-D layer's option (read as a 1-tuple)."""
    if value is None:
        return default
    return value if isinstance(value, str) else value[0]


def _padding1d(o: dict[str, Any]) -> Any:
    if o.get("causal"):
        return "causal"
    padding = o.get("padding", "valid")
    return padding if isinstance(padding, str) else (padding[0], padding[0])


def _conv1d(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.Conv1D(args[0], args[1], _one(o.get("stride"), 1), _padding1d(o), _one(o.get("dilation"), 1),
                    o.get("activation"), o.get("bias", True), o.get("groups", 1), o.get("padding_mode", "zeros"))


def _dwconv1d(kernel: int, o: dict[str, Any]) -> Layer:
    return layers.DepthwiseConv1D(kernel, _one(o.get("stride"), 1), _padding1d(o), _one(o.get("dilation"), 1),
                             o.get("multiplier", 1), o.get("activation"), o.get("bias", True))


def _sepconv1d(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.SeparableConv1D(args[0], args[1], _one(o.get("stride"), 1), _padding1d(o), _one(o.get("dilation"), 1),
                             o.get("multiplier", 1), o.get("activation"), o.get("bias", True))


def _deconv1d(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.Conv1DTranspose(args[0], args[1], _one(o.get("stride"), 1), _padding1d(o),
                             _one(o.get("output_padding"), None), _one(o.get("dilation"), 1), o.get("activation"),
                             o.get("bias", True), o.get("groups", 1))


def _pool1d(cls: type[layers.Pooling1D]) -> Callable[[Any, dict[str, Any]], Layer]:
    def build(args: int | None, o: dict[str, Any]) -> Layer:
        return cls(args or 2, _one(o.get("stride"), None), _padding1d(o), o.get("ceil", False))
    return build


def _pool(cls: type[layers.Pooling2D]) -> Callable[[Any, dict[str, Any]], Layer]:
    def build(args: tuple[int, int] | None, o: dict[str, Any]) -> Layer:
        return cls(args or (2, 2), o.get("stride"), o.get("padding", "valid"), o.get("ceil", False),
                   o.get("dilation", (1, 1)))
    return build


def _conv3d(args: tuple[int, int, int, int], o: dict[str, Any]) -> Layer:
    return layers.Conv3D(args[0], args[1:], o.get("stride", (1, 1, 1)), o.get("padding", "valid"),
                    o.get("dilation", (1, 1, 1)), o.get("activation"), o.get("bias", True), o.get("groups", 1))


def _pool3d(cls: type[layers.Pooling3D]) -> Callable[[Any, dict[str, Any]], Layer]:
    def build(args: tuple[int, int, int] | None, o: dict[str, Any]) -> Layer:
        return cls(args or (2, 2, 2), o.get("stride"), o.get("padding", "valid"), o.get("ceil", False))
    return build


def _dense(units: int, o: dict[str, Any]) -> Layer:
    return layers.Dense(units, o.get("activation"), o.get("bias", True))


def _activation(name: str) -> Callable[[Any, dict[str, Any]], Layer]:
    return lambda args, options: layers.Activation(name)


def _sides(cls: type[layers.ZeroPadding2D] | type[layers.Cropping2D] | type[layers.ReflectionPadding2D] |
           type[layers.ReplicationPadding2D]) -> Callable[[Any, dict[str, Any]], Layer]:
    """'zeropad1', 'zeropad1x2' (rows, columns), or sides 'zeropad b1 r1' (Keras' ((0, 1), (0, 1))); the same for
    crop, reflectpad and replicatepad."""
    def build(args: tuple[int, int] | None, o: dict[str, Any]) -> Layer:
        if args is not None:
            return cls((args[0], args[0], args[1], args[1]))
        return cls(tuple(o.get(side, 0) for side in ("top", "bottom", "left", "right")))
    return build
