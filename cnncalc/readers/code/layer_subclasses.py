"""A class of the file's own built on a PyTorch layer class, as ConvNeXt's ``LayerNorm2d(nn.LayerNorm)``: the
layer its ``__init__`` (or ``super().__init__(…)``) makes is the object's own, its ``forward`` is the layer's unless
the class writes one, and ``F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)`` in that
forward applies it."""

from __future__ import annotations

import ast
from typing import Any

from .values import Instance, Layer, Unknown

#: the attributes PyTorch's LayerNorm keeps of its arguments (``bias`` is its parameter, not the flag)
_LAYER_NORM_ARGUMENTS = {"normalized_shape": 0, "eps": 1, "elementwise_affine": 2}


class LayerWeights:
    """``self.weight`` or ``self.bias`` of a layer: what makes the layer's function its own."""

    def __init__(self, layer: Layer, name: str) -> None:
        self.layer, self.name = layer, name


def base_attribute(owner: Instance, name: str, node: ast.AST) -> Any:
    """An attribute the framework layer under ``owner`` holds: its weights, or an argument PyTorch keeps as it is
    given (``normalized_shape`` as a tuple); anything else is only known when the code runs."""
    layer = owner.base_layer
    if layer is None:
        return Unknown(f"the attribute '{name}'", node)
    if name in ("weight", "bias"):
        return LayerWeights(layer, name)
    if layer.name == "LayerNorm" and name in _LAYER_NORM_ARGUMENTS:
        value = layer.arg(_LAYER_NORM_ARGUMENTS[name], name, {"eps": 1e-5, "elementwise_affine": True}.get(name))
        if name == "normalized_shape":
            return tuple(value) if isinstance(value, (list, tuple)) else (value,)
        return value
    return Unknown(f"the attribute '{name}' of {layer.name}", node)


def layer_norm_layer(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Layer | None:
    """F.layer_norm(x, normalized_shape, weight, bias, eps) with the weights of one nn.LayerNorm, on its own
    normalized_shape and eps: that layer, applied; None for anything else (refused by the caller)."""
    names = ("input", "normalized_shape", "weight", "bias", "eps")
    given = dict(zip(names, args))
    given.update(kwargs)
    weight, bias = given.get("weight"), given.get("bias")
    if not isinstance(weight, LayerWeights) or weight.name != "weight":
        return None
    layer = weight.layer
    has_bias = layer.arg(3, "bias", True) is True
    if not (isinstance(bias, LayerWeights) and bias.name == "bias" and bias.layer is layer) and \
            not (bias is None and not has_bias):
        return None
    shape = layer.arg(0, "normalized_shape")
    shape = tuple(shape) if isinstance(shape, (list, tuple)) else (shape,)
    eps = layer.arg(1, "eps", 1e-5)
    written = given.get("normalized_shape")
    written = tuple(written) if isinstance(written, (list, tuple)) else (written,)
    if written != shape or given.get("eps", 1e-5) != eps:
        return None
    return layer
