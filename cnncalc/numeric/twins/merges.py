"""The merge of branch outputs: concatenation, or Keras' elementwise merges with broadcasting."""

from __future__ import annotations

from ...model.layers import Average, Concatenate, Maximum, Merge, Multiply, ScaledAdd, Subtract
from .base import Array


def merge(layer: Merge, xs: list[Array]) -> Array:
    """A merge of branch outputs (B, …): Keras' broadcasting aligns the axes after the batch on the right."""
    import numpy as np

    if isinstance(layer, Concatenate):
        return np.concatenate(xs, axis=-1)
    rank = max(x.ndim for x in xs)
    xs = [x.reshape(x.shape[0], *([1] * (rank - x.ndim)), *x.shape[1:]) for x in xs]
    if isinstance(layer, Subtract):
        return xs[0] - xs[1]
    if isinstance(layer, ScaledAdd):  # Keras' CustomScaleLayer: inputs[0] + inputs[1] * scale
        return xs[0] + xs[1] * layer.scale
    if isinstance(layer, Maximum):  # pairwise: reducing a list of arrays would stack them into one more copy
        out = np.maximum(xs[0], xs[1])
        for x in xs[2:]:
            np.maximum(out, x, out=out)
        return out
    out = xs[0] * xs[1] if isinstance(layer, Multiply) else xs[0] + xs[1]
    for x in xs[2:]:
        if isinstance(layer, Multiply):
            out *= x
        else:
            out += x
    if isinstance(layer, Average):
        out /= len(xs)
    return out
