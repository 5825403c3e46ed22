"""What a paste of a network should show: a row a layer in Keras' terms, or a module a row in torchinfo's; and
which pasted rows are of a kind cnncalc models (an LSTM, a Lambda or a nested model is not).
"""

from __future__ import annotations

from ...graph.network import Network, ResolvedLayer
from ...model.layers import (
    CPB_HIDDEN,
    Activation,
    ChannelPad,
    ChannelSlice,
    ClassToken,
    Embedding,
    GlobalPooling,
    Layer,
    Merge,
    PatchMerging,
    PositionEmbedding,
    PReLU,
    RelativeAttention,
    Rescaling,
    SeparableConv1D,
    SeparableConv2D,
    WindowAttention,
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
        shape = layer.output_shape
        if isinstance(layer.layer, (SeparableConv1D, SeparableConv2D)):  # PyTorch has no separable conv
            rows += _separable_rows(layer)
            continue
        if isinstance(layer.layer, GlobalPooling) and not layer.layer.keepdims:
            rows.append(ExpectedRow(layer, _torch_class(layer), (*(1,) * layer.layer.rank, shape[-1]), 0))
            rows.append(ExpectedRow(layer, "Flatten", shape, 0))
            continue
        parts = torchinfo_parts(layer.layer, shape) or [(_torch_class(layer), shape, layer.torch_params)]
        rows += [ExpectedRow(layer, kind, _as_read(layer, part), params) for kind, part, params in parts]
    return rows


def torchinfo_parts(layer: Layer, shape: tuple[int, ...]) -> list[tuple[str, tuple[int, ...], int]]:
    """The rows torchinfo prints for a module whose children run as modules, each (class, output shape,
    parameters): the children's, which the paste's reader keeps as it drops their parent; [] for any other.

    PatchMerging runs its LayerNorm and Linear (v2: the Linear, then the LayerNorm), MaxViT's relative attention its
    to_qkv and merge Linear layers (its table of biases in no row); ShiftedWindowAttentionV2 runs
    its cpb_mlp, a Linear(2, 512), a ReLU (an activation: not compared) and a Linear(512, heads), on the (2W − 1)²
    relative coordinates, and applies its qkv and proj with F.linear (no rows: the paste's totals count them)."""
    *spatial, c = shape
    if isinstance(layer, PatchMerging):
        linear = ("Linear", shape, 4 * (c // 2) * c)
        norm = ("LayerNorm", shape if layer.v2 else (*spatial, 2 * c), 2 * c if layer.v2 else 4 * c)
        return [linear, norm] if layer.v2 else [norm, linear]
    if isinstance(layer, RelativeAttention):  # MaxViT's: to_qkv and merge are modules, the table its own
        return [("Linear", (*spatial, 3 * c), 3 * c * c + 3 * c), ("Linear", shape, c * c + c)]
    if isinstance(layer, WindowAttention) and layer.v2:
        side = 2 * layer.window - 1
        return [("Linear", (side, side, CPB_HIDDEN), 3 * CPB_HIDDEN),
                ("Linear", (side, side, layer.heads), CPB_HIDDEN * layer.heads)]
    return []


def _as_read(layer: ResolvedLayer, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape as the paste reader reads torchinfo's: its axis 1 moved last. A tensor PyTorch holds with its
    features last (after a permute, as ConvNeXt's LayerNorm reads it) is held so here too, and read moved as any;
    an embedding's [1, L, D], which the reader knows to keep, is not."""
    if layer.tokens and not isinstance(layer.layer, Embedding) and len(shape) > 1:
        return (*shape[1:], shape[0])
    return shape


def _separable_rows(layer: ResolvedLayer) -> list[ExpectedRow]:
    """A separable convolution as PyTorch writes it (and as cnncalc's PyTorch code does): a depthwise Conv2d
    (groups = C, C·M filters, no bias) then a 1×1 Conv2d to the filters, with the bias; two torchinfo rows."""
    r = layer.layer
    assert isinstance(r, (SeparableConv1D, SeparableConv2D))
    middle = layer.input_shape[-1] * r.depth_multiplier
    kernel = r.kernel_size if isinstance(r.kernel_size, int) else r.kernel_size[0] * r.kernel_size[1]
    cls = "Conv1d" if isinstance(r, SeparableConv1D) else "Conv2d"
    depthwise = ExpectedRow(layer, cls, (*layer.output_shape[:-1], middle), kernel * middle)
    return [depthwise, ExpectedRow(layer, cls, layer.output_shape, layer.torch_params - kernel * middle)]


#: The classes a Keras summary gives a model nested in the model, each with the class of cnncalc's container of its
#: layers (readers.code.keras_nested): Keras 1 and Keras 2 before 2.4 print a functional model as 'Model'.
NESTED_MODELS = {"Functional": "Functional", "Model": "Functional", "Sequential": "Sequential"}


def nested_model(row: PastedRow, torch: bool) -> bool:
    """A Keras row of a model nested in the model (``encoder (Functional)``, or behind ``└`` one nested in a nested
    model): its count is its layers', which a spec writes one by one."""
    return not torch and row.keras_class in NESTED_MODELS


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

