"""Tensors PyTorch holds with their features on the last axis, under an nchw input.

cnncalc keeps a tensor channels-last and prints it channels-first for an nchw input. A ``permute`` there is
written as PyTorch writes it, on the axes as printed (ConvNeXt's ``x.permute(0, 2, 3, 1)`` is ``permute2x3x1``), and
what it gives is held as PyTorch holds it: unless it puts the channels back on axis 1, its last axis is the one
``nn.LayerNorm`` and ``nn.Linear`` act on, as they do in PyTorch. A layer that acts on axis 1 (a convolution, a
pool, a batch norm) is refused on such a tensor, never read on the wrong axis."""

from __future__ import annotations

from ..model.layers import (
    Activation,
    ChannelSlice,
    ClassToken,
    Dense,
    Dropout,
    DropPath,
    Flatten,
    Layer,
    LayerNormalization,
    LayerScale,
    Merge,
    MultiHeadAttention,
    PatchMerging,
    Permute,
    PositionEmbedding,
    RelativeAttention,
    Reshape,
    RuleError,
    Shape,
    TokenSelect,
    WindowAttention,
    WindowDepartition,
    WindowPartition,
)

__all__ = ["held_layer", "nchw_layer", "nchw_permute"]

#: Layers that act on the last axis as PyTorch holds the tensor, or on no axis in particular.
_LAST_AXIS = (Dense, Dropout, Activation, LayerNormalization, LayerScale, DropPath, MultiHeadAttention, ClassToken,
              PositionEmbedding, ChannelSlice)
#: Layers on the tokens of an L×D tensor held with its features last, as PyTorch's ``x[:, 0]`` reads them.
_ON_TOKENS = (TokenSelect,)
#: Layers on an H×W×C map of tokens, as PyTorch holds it after x.permute(0, 2, 3, 1) (Swin's), or on windows of
#: tokens (MaxViT's).
_TOKEN_MAP = (WindowAttention, PatchMerging, RelativeAttention)


def nchw_layer(layer: Layer, shapes: tuple[Shape, ...], held: list[bool]) -> tuple[Layer, bool | None]:
    """The record of ``layer`` under an nchw input whose inputs (of ``shapes``) are ``held`` or not, and whether its
    result is held (None: as for any layer, held when its input is and it acts on the last axis)."""
    if isinstance(layer, Permute):
        return nchw_permute(layer, shapes[0], held[0] and len(shapes[0]) > 1)
    if isinstance(layer, (WindowPartition, WindowDepartition)):  # channels on axis 1 to windows of tokens, and back
        partition = isinstance(layer, WindowPartition)
        if held[0] == partition:
            raise RuleError(f"{layer.keras_class} takes {'an N×C×H×W map' if partition else 'windows of tokens'}"
                            f", but its input is {'held with its features last' if partition else 'a map'}",
                            "partition a map, and departition what a partition made")
        return layer, partition
    if isinstance(layer, _TOKEN_MAP):
        if not held[0]:
            raise RuleError(f"{layer.keras_class} acts on an N×H×W×C map of tokens, but under an nchw input its "
                            "input has its channels on axis 1", "put the channels last first: permute2x3x1")
        return layer, True
    if any(held):
        held_layer(layer, shapes[0], held)
    elif isinstance(layer, Dense) and len(shapes[0]) > 1:
        raise _linear_on_width(layer, shapes[0])
    if isinstance(layer, Merge) and len(shapes[0]) > 1:
        return layer, all(held)  # tensors held alike, merged element by element
    return layer, None


def _linear_on_width(layer: Dense, shape: Shape) -> RuleError:
    """A dense layer on a map (or a sequence) PyTorch holds channels-first: ``nn.Linear`` acts on its last axis, the
    width (the length), where Keras' Dense acts on the channels; cnncalc does not guess which the spec means."""
    printed = "×".join(map(str, (shape[-1], *shape[:-1])))
    axis = "width" if len(shape) > 2 else "length"
    return RuleError(f"nn.Linear acts on the last axis of what it is given, and under an nchw input that is the "
                     f"{axis} ({shape[-2]}) of the {printed} input, not its {shape[-1]} channels",
                     f"flatten first (flatten, dense{layer.units}), or put the channels last to act on them "
                     f"(permute{'2x3x1' if len(shape) > 2 else '2x1'}, dense{layer.units})")


def nchw_permute(layer: Permute, shape: Shape, held: bool) -> tuple[Permute, bool]:
    """The permutation of cnncalc's own axes that ``layer`` (written on PyTorch's axes) makes of a tensor of
    ``shape`` (``held``: in PyTorch's order already), and whether its result is held in PyTorch's order."""
    n = len(shape)
    order = [d - 1 for d in layer.dims]
    if sorted(order) != list(range(n)):
        return layer, held  # the rule says what is wrong with it

    def source(axis: int) -> int:  # the axis of cnncalc's shape that is PyTorch's ``axis``
        return axis if held else (n - 1 if axis == 0 else axis - 1)

    channels = order.index(n - 1 if held else 0)  # where the channels go
    if channels == 0:  # channels on axis 1 again: kept channels-last, as any nchw tensor
        dims = [source(order[j + 1]) for j in range(n - 1)] + [source(order[0])]
        return Permute(tuple(d + 1 for d in dims)), False
    return Permute(tuple(source(order[j]) + 1 for j in range(n))), True


def held_layer(layer: Layer, shape: Shape, held: list[bool]) -> None:
    """Refuse a layer that acts on PyTorch's axis 1 on a tensor held with its features last (``held``: each
    input's), and a merge of such a tensor with one held channels-first, or a concatenation of them."""
    if len(shape) < 2 or isinstance(layer, (*_LAST_AXIS, *_ON_TOKENS, Permute, Flatten, Reshape)):
        return
    if isinstance(layer, Merge) and all(held) and getattr(layer, "word", "") != "cat":
        return  # an element-wise merge of tensors held alike
    what = "concatenates on PyTorch's axis 1" if getattr(layer, "word", "") == "cat" else \
        "merges tensors held differently" if isinstance(layer, Merge) else "acts on PyTorch's axis 1"
    raise RuleError(f"{layer.keras_class} {what}, but after a permute or an embedding the features of "
                    f"{'a tensor it takes' if isinstance(layer, Merge) else 'its input'} are on the last axis",
                    "permute the channels back to axis 1 first (permute3x1x2 after permute2x3x1; permute2x1 after "
                    "permute2x1 or an embedding, as x.movedim(-1, 1) does)")
