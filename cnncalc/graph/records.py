"""The resolved network's records: each layer's row (:class:`ResolvedLayer`) and the whole (:class:`Network`),
with Keras' totals and each framework's way of printing a shape."""

from __future__ import annotations

from ..model.arithmetic import AxisWindows
from ..model.conventions import channels_first, keras_style, torch_shape
from ..model.layers import Layer, Merge, Params, Shape
from ..model.records import record

__all__ = ["Network", "ResolvedLayer"]


@record
class ResolvedLayer:
    """One row of the summary: the record, where it came from, and what it resolved to."""

    index: int
    name: str
    layer: Layer
    source: str
    span: tuple[int, int]
    input_shape: Shape
    output_shape: Shape
    params: Params
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    axes: tuple[AxisWindows, ...]
    arithmetic: tuple[tuple[str, str], ...]
    macs: int = 0
    bias_adds: int = 0
    #: the names of the layers it reads ("input_layer" for the input), and their shapes, in branch order
    inputs: tuple[str, ...] = ()
    input_shapes: tuple[Shape, ...] = ()
    #: features on the last axis even in PyTorch: an embedding's tokens, and what acts on them per token
    tokens: bool = False
    #: the position in which the spec creates the layer (rows follow Keras' order, which a graph may change)
    created: int = 0
    #: written ``fn``: an operation in PyTorch's forward(), no module (torchinfo lists no row for it)
    functional: bool = False
    #: a known network standing as this one row: the network, its own rows
    inner: Network | None = None
    #: written with 'frozen' (or inside an item written so): layer.trainable = False, requires_grad_(False)
    frozen: bool = False
    #: the parameters non-trainable by their kind, frozen or not: Keras' BatchNormalization moving statistics
    #: (under PyTorch's conventions buffers, so 0), Normalization's statistics, a known network's own
    moving: int = 0
    #: the blocks' uses it is inside, outermost first: (the block's name as written, the use's number)
    containers: tuple[tuple[str, int], ...] = ()

    @property
    def keras_class(self) -> str:
        return self.layer.keras_class

    @property
    def torch_params(self) -> int:
        """The parameters PyTorch counts for this row, trained or frozen (requires_grad_(False)): every one but
        the moving statistics, which are its buffers."""
        return self.params.total - self.moving

    def explain(self, field: str) -> str | None:
        """How one field of this row comes about: 'output', 'params', 'weights' or 'biases'."""
        if field == "output" and isinstance(self.layer, Merge):
            return self.layer.explain_output(self.input_shapes, self.output_shape)
        if field == "output" and len(self.axes) == 1:
            return f"{self.axes[0].formula()}; {self.output_shape[-1]} channels"
        if field == "output" and self.axes:
            h, w = self.axes
            sizes = h.formula() if h == w else f"H: {h.formula()}; W: {w.formula()}"
            return f"{sizes}; {self.output_shape[-1]} channels"
        return dict(self.arithmetic).get(field)


@record
class Network:
    """A resolved network: the input shape and its layers, with Keras' totals."""

    text: str
    input_shape: Shape
    layers: tuple[ResolvedLayer, ...]
    #: whether the spec has merges or references: it is then shown as Keras shows a functional model
    graph: bool = False
    #: "keras" or "torch": whose parameter counts, names and shape printing
    conventions: str = "keras"
    #: how the input was written: "nhwc" (channels last) or "nchw" (channels first)
    layout: str = "nhwc"
    #: warnings about the input itself (an input that looks channels-first); they count for --strict
    input_warnings: tuple[str, ...] = ()
    #: notes on the network as a whole: how a model file was read (arguments at their defaults, the eval path)
    notes: tuple[str, ...] = ()
    #: PyTorch's parameters and buffers in layers the model builds but never applies as model.eval() runs it (an
    #: auxiliary head used only in training): no row shows them, but PyTorch's totals, as torchinfo's, count them
    unused_params: int = 0
    unused_buffers: int = 0
    #: of those parameters, the ones each module of a model file holds: (the number of its container's use, as a
    #: row's ``containers`` name it, the parameters), which torchinfo counts in the module's row
    unused_held: tuple[tuple[int, int], ...] = ()

    @property
    def torch(self) -> bool:
        return self.conventions == "torch"

    @property
    def symbolic(self) -> bool:
        """Whether the input is written with names (language.symbolic): sizes and counts may then be expressions."""
        return any(isinstance(size, str) for size in self.input_shape)

    def shape_text(self, shape: Shape, batch: int = 1, tokens: bool = False) -> str:
        """A shape as this network's framework prints it: (None, 26, 26, 32) or [1, 32, 26, 26].

        ``tokens``: an embedding's L×D output, which PyTorch too keeps as [1, L, D]."""
        if self.torch:
            return torch_shape(shape, batch, tokens)
        return keras_style(shape, "nhwc" if tokens else self.layout)

    def shown_shape(self, shape: Shape, tokens: bool = False) -> Shape:
        """The axes in the order the summary prints them (channels first for PyTorch or an nchw input)."""
        return channels_first(shape) if (self.torch or self.layout == "nchw") and not tokens else shape

    @property
    def total_params(self) -> int:
        return sum(layer.params.total for layer in self.layers) + self.unused_params

    @property
    def trainable_params(self) -> int:
        return sum(layer.params.trainable for layer in self.layers) + self.unused_params

    @property
    def non_trainable_params(self) -> int:
        return sum(layer.params.non_trainable for layer in self.layers)

    def torch_split(self) -> tuple[int, int]:
        """(total, trainable) as PyTorch counts them: the moving statistics left out, frozen layers' parameters
        in the total but not trainable; a layer built but never applied counted, as PyTorch's totals do."""
        total = sum(layer.torch_params for layer in self.layers) + self.unused_params
        return total, total - sum(layer.torch_params for layer in self.layers if layer.frozen)

    @property
    def buffers(self) -> int:
        """PyTorch's buffers: BatchNorm's running statistics, which torch does not count as parameters."""
        return sum(layer.params.buffers for layer in self.layers) + self.unused_buffers

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def warnings(self) -> list[str]:
        return [f"input: {text}" for text in self.input_warnings] + \
            [f"{layer.name}: {text}" for layer in self.layers for text in layer.warnings]

    def last_reads(self) -> dict[str, int]:
        """Each tensor's last reader, as a row (0-based): a pass may free the tensor after that row has run."""
        return {name: row for row, layer in enumerate(self.layers) for name in layer.inputs}

    def find(self, key: str) -> ResolvedLayer | None:
        """A layer by 1-based index or Keras name."""
        for layer in self.layers:
            if key == layer.name or key == str(layer.index):
                return layer
        return None
