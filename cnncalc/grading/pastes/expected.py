"""What a paste of a network should show: a row a layer in Keras' terms, or a module a row in torchinfo's; and
which pasted rows are of a kind cnncalc models (an LSTM, a Lambda or a nested model is not).
"""

from __future__ import annotations

from ...graph.network import Network, ResolvedLayer
from ...model.conventions import channels_last
from ...model.layers import (
    Activation,
    ChannelPad,
    ChannelSlice,
    ClassToken,
    GlobalPooling,
    Merge,
    PositionEmbedding,
    PReLU,
    Rescaling,
)
from ...model.records import record
from ...readers.pasted.classes import ACTIVATION_CLASSES, ADAPTIVE, KERAS1_CLASSES, KERAS_CLASSES, TORCH_CLASSES
from ...readers.pasted.records import PastedRow


@record
class ExpectedRow:
    """A row the paste should have: its layer, and the class, shape and parameters the paste should show."""

    layer: ResolvedLayer
    kind: str
    shape: tuple[int, ...]
    params: int


def keras_family(keras_class: str) -> str:
    """The class a Keras row is compared as: every activation class (ReLU, ELU…) as 'Activation'."""
    return "Activation" if keras_class in ACTIVATION_CLASSES else keras_class


def expected_rows(net: Network, torchinfo: bool) -> list[ExpectedRow]:
    """The rows a paste of this network has: Keras' rows, or torchinfo's modules.

    torchinfo lists no activations (the paste's activation rows are skipped too), no merges (`+` and
    torch.cat run in forward()), no slices of the channels and no layer written ``fn`` (an operation in forward()),
    and a global pool is PyTorch's AdaptiveAvgPool2d(1) then a Flatten.
    """
    if not torchinfo:
        return [ExpectedRow(layer, keras_family(layer.keras_class), layer.output_shape, layer.params.total)
                for layer in net.layers]
    rows = []
    for layer in net.layers:
        if not _torch_module(layer):
            continue
        # tokens keep their features last in PyTorch too: [1, L, D], which the paste reads channels-first
        shape = channels_last(layer.output_shape) if layer.tokens and len(layer.output_shape) > 1 else \
            layer.output_shape
        if isinstance(layer.layer, GlobalPooling) and not layer.layer.keepdims:
            rows.append(ExpectedRow(layer, _torch_class(layer), (*(1,) * layer.layer.rank, shape[-1]), 0))
            rows.append(ExpectedRow(layer, "Flatten", shape, 0))
            continue
        rows.append(ExpectedRow(layer, _torch_class(layer), shape, layer.torch_params))
    return rows


#: PyTorch classes a torchinfo or torchsummary row may have that cnncalc models.
TORCH_MODELLED = frozenset({*TORCH_CLASSES, *ADAPTIVE, "DepthwiseConv2d"})


def modelled(row: PastedRow, torch: bool, nested: frozenset[str] = frozenset()) -> bool:
    """A row of a kind cnncalc models (an LSTM, a Lambda or a nested model is not, unless the network has a known
    network of that class standing as one item: ``nested``, from :func:`nested_classes`)."""
    if torch:
        return torch_type(row) in TORCH_MODELLED or torch_type(row) in nested
    return not row.keras_class or row.keras_class in KERAS_CLASSES or row.keras_class in KERAS1_CLASSES or \
        row.keras_class in nested


def nested_classes(net: Network) -> frozenset[str]:
    """The classes of the network's rows that are known networks standing as one item: Keras' 'Functional', and
    the model's class torchinfo prints ('ResNet')."""
    return frozenset(kind for layer in net.layers if layer.inner is not None
                     for kind in (layer.keras_class, _torch_class(layer)))


def _torch_module(layer: ResolvedLayer) -> bool:
    """A layer torchinfo lists: not an activation (its rows are skipped on both sides), not a merge (`+` and
    torch.cat are operations in forward(), not modules), not a rescaling (``x * scale`` in forward()), not a slice of
    the channels (``x[:, a:b]``) nor a padding of them (``F.pad``, PyTorch has no module for it), not a layer written
    ``fn`` (an operation in forward()), not a class token or a position embedding (parameters of torchvision's
    model, joined and added in forward())."""
    if layer.functional or isinstance(layer.layer, (Merge, Rescaling, ChannelSlice, ChannelPad, ClassToken,
                                                    PositionEmbedding)):
        return False
    return not isinstance(layer.layer, Activation) or isinstance(layer.layer, PReLU)


def _torch_class(layer: ResolvedLayer) -> str:
    return layer.layer.torch_class_for(layer.input_shape)


def torch_type(row: PastedRow) -> str:
    """A torchinfo row's class: 'Conv2d' of 'Conv2d: 3-1'."""
    return row.name.split(":")[0]

