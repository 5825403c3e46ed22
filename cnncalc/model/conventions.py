"""Framework conventions: how Keras and PyTorch differ on the same network, and how each prints it.

cnncalc's records keep tensors channels-last without the batch axis, as Keras prints them.
A PyTorch user writes the input channels-first (``input 3x224x224 nchw``) and reads shapes as
torchinfo prints them (``[1, 64, 224, 224]``).  The differences that change numbers are kept
by the layer records themselves (:meth:`~cnncalc.model.layers.Layer.for_torch`); this module holds
the axis orders, the row labels and the "this looks channels-first" test.

>>> channels_first((224, 224, 64)), channels_last((3, 224, 224))
((64, 224, 224), (224, 224, 3))
>>> torch_shape((224, 224, 64), batch=1), keras_style((224, 224, 64), "nchw")
('[1, 64, 224, 224]', '(None, 64, 224, 224)')
"""

from __future__ import annotations

from .layers import Shape, keras_shape

__all__ = ["CONVENTIONS", "channels_first", "channels_last", "keras_style", "looks_channels_first", "torch_shape"]

#: The names --conventions takes.
CONVENTIONS = ("keras", "torch")


def channels_first(shape: Shape) -> Shape:
    """(H, W, C) → (C, H, W); a sequence (L, C) → (C, L); a vector stays."""
    return (shape[-1], *shape[:-1]) if len(shape) > 1 else shape


def channels_last(shape: Shape) -> Shape:
    """(C, H, W) → (H, W, C): how an input written channels-first is held."""
    return (*shape[1:], shape[0]) if len(shape) > 1 else shape


def torch_shape(shape: Shape, batch: int = 1, tokens: bool = False) -> str:
    """A shape as torchinfo prints it: the batch, then channels first (an embedding's tokens keep theirs last)."""
    return "[" + ", ".join(map(str, (batch, *(shape if tokens else channels_first(shape))))) + "]"


def keras_style(shape: Shape, layout: str) -> str:
    """A shape as Keras prints it, in the model's data format."""
    return keras_shape(channels_first(shape) if layout == "nchw" else shape)


def looks_channels_first(shape: Shape) -> bool:
    """An H×W×C input that is more likely C×H×W: its last two axes are equal and its first differs
    (3×224×224, 1×28×28, the DCGAN latent 100×1×1), or a small first axis meets a large last one
    (3×480×640).  An image as Keras writes it (224×224×3, 480×640×3) is never flagged.

    >>> [looks_channels_first(s) for s in [(3, 224, 224), (100, 1, 1), (3, 480, 640), (224, 224, 3), (28, 28, 1)]]
    [True, True, True, False, False]
    """
    if len(shape) != 3:
        return False
    first, second, last = shape
    return (second == last != first) or (first <= 4 < last and second > 4)
