"""The Keras layers that reorder, reshape, normalise, embed or pool to a size, each as Keras' own class with the
spec's numbers: ``Permute``, ``Reshape``, ``LayerNormalization``, ``GroupNormalization``, ``Embedding``, the 1-D
global pools and the adaptive pools (Keras 3.9 and later); a local response normalization, which Keras has no layer
for, is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .frameworks import unsupported
from .quoting import number, number_tuple

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["keras_shape_layer"]


def _flags(r: Any) -> str:
    """A normalization's center=False and scale=False, as Keras spells them."""
    return ", ".join([*([] if r.center else ["center=False"]), *([] if r.scale else ["scale=False"])])


def keras_shape_layer(layer: ResolvedLayer) -> str | None:  # noqa: PLR0911 - one form per kind
    """The row's Keras layer, for the kinds this module writes; None for any other kind."""
    from ...model import layers as L  # noqa: N812 - the records read as Keras' own classes

    r: Any = layer.layer
    if isinstance(r, L.Permute):
        return f"layers.Permute({number_tuple(r.dims)})"
    if isinstance(r, L.Reshape):
        return f"layers.Reshape({number_tuple(layer.output_shape)})"
    if isinstance(r, L.LayerNormalization):
        return f"layers.LayerNormalization({_flags(r)})"
    if isinstance(r, L.GroupNormalization):
        return f"layers.GroupNormalization(groups={number(r.groups)})"
    if isinstance(r, L.Embedding):
        return f"layers.Embedding({number(r.vocabulary)}, {number(r.dimension)})"
    if isinstance(r, (L.GlobalAveragePooling1D, L.GlobalMaxPooling1D)):
        return f"layers.{r.keras_class}({'keepdims=True' if r.keepdims else ''})"
    if isinstance(r, L.AdaptivePooling):
        size = number(r.output_size[0]) if len(r.output_size) == 1 else number_tuple(r.output_size)
        return f"layers.{r.keras_class}({size})"
    if isinstance(r, L.LocalResponseNormalization):
        raise unsupported(layer, "Keras", "Keras has no local response normalization layer (PyTorch's "
                          "LocalResponseNorm; TensorFlow's is a function, tf.nn.local_response_normalization)")
    return None
