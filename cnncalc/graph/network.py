"""Resolve a parsed spec into a network: each layer's Keras name, output shape and parameters.

>>> net = build("input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10")
>>> [(layer.name, layer.output_shape, layer.params.total) for layer in net.layers]
[('conv2d', (26, 26, 32), 320), ('max_pooling2d', (13, 13, 32), 0), ('flatten', (5408,), 0), ('dense', (10,), 54090)]
>>> net.total_params
54410
"""

from __future__ import annotations

import math

from ..errors import CnnCalcError, ShapeError, SpecError
from ..language.literals import MAX_ELEMENTS
from ..language.spec import ParsedInput, ParsedLayer, Spec, parse, parse_input
from ..model.arithmetic import AxisWindows
from ..model.conventions import channels_first, channels_last, keras_style, looks_channels_first, torch_shape
from ..model.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Embedding,
    Layer,
    LayerNormalization,
    Merge,
    Params,
    Reshape,
    Resolution,
    RuleError,
    Shape,
)
from ..model.records import record, replace

__all__ = ["Network", "ResolvedLayer", "Walk", "build", "resolve"]


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

    @property
    def keras_class(self) -> str:
        return self.layer.keras_class

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


def build(text: str, input_shape: str | Shape | None = None, layout: str | None = None,
          conventions: str | None = None) -> Network:
    """Parse and resolve spec text; ``input_shape`` replaces or supplies the input layer.

    ``layout`` ("nhwc"/"nchw") says how the input is written, overriding the spec's; ``conventions``
    ("keras"/"torch") whose rules apply; an nchw input implies torch.

    An input written with names (``input RxCx3``) gives sizes and counts in those names
    (:mod:`cnncalc.language.symbolic`); with ``input_shape`` the names are replaced by those numbers.
    """
    spec = parse(text)
    if spec.input is not None and spec.input.names and input_shape is None:
        from ..language.symbolic import symbolic_network

        return symbolic_network(spec, lambda numbers: resolve(spec, numbers, layout, conventions))  # type: ignore[no-any-return]
    return resolve(spec, input_shape, layout, conventions)


INPUT_NAME = "input_layer"


def resolve(spec: Spec, input_shape: str | Shape | None = None, layout: str | None = None,
            conventions: str | None = None) -> Network:
    """Run the shape rules through the network, naming each layer as its framework would.

    Layers are resolved in creation order (which also gives Keras' auto names) and listed in
    Keras' row order, which for a chain is the same.  Under PyTorch's conventions each record
    is first made PyTorch's (:meth:`~cnncalc.model.layers.Layer.for_torch`), a fused activation becomes
    a row of its own, as ``nn.ReLU`` is, and rows are named as torchinfo names them.
    """
    walk = Walk(spec, input_shape, layout, conventions)
    try:
        walk.resume(spec.layers)
    except SpecError as error:
        if walk.given_input is not None and walk.given_input.layout is None and walk.layout != "nchw":
            _channels_first_hint(error, walk.given_input.shape)
        raise
    return walk.network()


def _channels_first_hint(error: SpecError, shape: Shape) -> None:
    """A network that fails on an --input read channels-last that looks channels-first (3x32x32) says how to
    write either reading; it only says so, and never reads the input another way."""
    if len(shape) != 3 or shape[0] not in (1, 3, 4) or shape[-1] <= 4:
        return
    written, last = "x".join(map(str, shape)), "x".join(map(str, (*shape[1:], shape[0])))
    hint = (f"{written} looks channels-first; write --input {last}, or --input \"{written} nchw\" for "
            "PyTorch's layout")
    error.hint = f"{error.hint}\n{hint}" if error.hint else hint


def _layout(layout: str | None, given: ParsedInput | None, spec: Spec) -> str | None:
    """How the input is written: --layout, else the layout word of --input, else the spec's; --layout and a
    different word in --input are refused, not one of them picked."""
    if given is not None and given.layout is not None:
        if layout is not None and layout != given.layout:
            raise CnnCalcError(f"--layout {layout} and the '{given.layout}' of --input disagree",
                               "say how the input is written once: with --layout or in --input")
        return given.layout
    return layout or (spec.input.layout if spec.input is not None else None)


class Walk:
    """:func:`resolve`, one node after another, with a place to come back to.

    ``solve`` tries many values for one layer's '?': it resolves the layers before that layer once
    (:meth:`advance`, which marks the place), then, for each value, comes back there and resolves only
    the rest (:meth:`resume`), with the very rules ``summary`` uses.
    """

    def __init__(self, spec: Spec, input_shape: str | Shape | None = None, layout: str | None = None,
                 conventions: str | None = None) -> None:
        self.spec, self.override, self.given = spec, input_shape, conventions
        #: --input as written ('3x32x32 nchw'), read with the spec's own input grammar
        self.given_input = parse_input(input_shape) if isinstance(input_shape, str) else None
        self.layout = _layout(layout, self.given_input, spec)
        self.conventions = conventions or ("torch" if self.layout == "nchw" else "keras")
        self.written = _input_shape(spec, self.given_input.shape if self.given_input is not None else input_shape)
        #: each layer's row (1-based), whether its activation gets a row of its own (torch), and the row count
        self.row_of, self.split, rows = _rows(spec, self.conventions == "torch")
        # per node (0 is the input): its output shape, its name, whether it holds an embedding's tokens
        self.shapes: list[Shape] = [channels_last(self.written) if self.layout == "nchw" else self.written]
        self.names: list[str] = [INPUT_NAME]
        self.tokens = [False]
        self.counters: dict[str, int] = {}
        self.layers: list[ResolvedLayer | None] = [None] * rows
        self.mark: tuple[int, dict[str, int]] = (1, {})  # the node to come back to, and the names counted by then

    def advance(self, nodes: tuple[ParsedLayer, ...] | list[ParsedLayer]) -> None:
        """Resolve the next ``nodes`` and mark the place after them."""
        self.resume(nodes, keep=True)

    def resume(self, nodes: tuple[ParsedLayer, ...] | list[ParsedLayer], keep: bool = False) -> None:
        """Come back to the marked place and resolve ``nodes`` from there; ``keep`` moves the mark past them.

        Each node writes its own rows, so what an earlier call wrote past the mark is overwritten."""
        start, counted = self.mark
        del self.shapes[start:], self.names[start:], self.tokens[start:]
        self.counters = dict(counted)
        self._nodes(nodes, start)
        if keep:
            self.mark = (start + len(nodes), dict(self.counters))

    def _nodes(self, nodes: tuple[ParsedLayer, ...] | list[ParsedLayer], start: int) -> None:
        # One pass per node, its common cases inline: this loop runs once per layer of the spec.
        spec, layout, torch = self.spec, self.layout, self.conventions == "torch"
        shapes, names, tokens, counters, layers = self.shapes, self.names, self.tokens, self.counters, self.layers
        row_of, split = self.row_of, self.split
        prod, no_findings = math.prod, ((), ())
        for node, parsed in enumerate(nodes, start=start):
            sources = parsed.inputs or (node - 1,)
            in_shapes: tuple[Shape, ...]
            inputs: tuple[str, ...]
            if len(sources) == 1:  # most layers: no generator to build
                source = sources[0]
                in_shapes, inputs = (shapes[source],), (names[source],)
            else:
                source = sources[0]
                in_shapes, inputs = tuple(shapes[i] for i in sources), tuple(names[i] for i in sources)
            row = row_of[node]
            layer = parsed.layer
            if torch:
                name = f"{layer.torch_class_for(in_shapes[0])}: 1-{row}"
            else:  # Keras' auto name: the class's stem, then stem_1, stem_2… in creation order
                stem = layer.auto_name
                number = counters.get(stem, 0)
                counters[stem] = number + 1
                name = f"{stem}_{number}" if number else stem
            try:
                fused = None
                if torch or layout:  # a record other conventions or layouts change
                    layer, fused = _framework_layer(layer, torch, split[node], layout)
                result = _merge(layer, in_shapes, parsed, spec.text) if isinstance(layer, Merge) \
                    else layer.resolve(in_shapes[0])
                out = result.output_shape
                if prod(out) > MAX_ELEMENTS:
                    _require_bounded(out, "its output")
            except RuleError as error:
                raise ShapeError(error.message, spec.text, parsed.span, row, name, error.hint) from None
            warnings, notes = no_findings
            if result.findings:
                warnings = tuple(f.text for f in result.findings if f.level == "warning")
                notes = tuple(f.text for f in result.findings if f.level == "note")
            per_token = (tokens[source] and isinstance(layer, _PER_TOKEN)) or isinstance(layer, Embedding)
            layers[row - 1] = ResolvedLayer(
                row, name, layer, parsed.source, parsed.span, in_shapes[0], out, result.params,
                warnings, notes, result.axes, result.arithmetic, result.macs, result.bias_adds, inputs, in_shapes,
                per_token, node)
            if fused is not None:  # PyTorch's activation module, the row after its layer
                activation = Activation(fused)
                layers[row] = ResolvedLayer(row + 1, f"{activation.torch_class}: 1-{row + 1}", activation,
                                            parsed.source, parsed.span, out, out, Params(), (), (), (), (), 0, 0,
                                            (name,), (out,), per_token)
                name = layers[row].name  # type: ignore[union-attr]
            shapes.append(out)
            names.append(name)
            tokens.append(per_token)

    def network(self) -> Network:
        """The resolved network, once every node has been resolved."""
        spec = self.spec
        warned = _layout_warnings(spec, self.override, self.written, self.layout, self.given)
        return Network(spec.text, self.shapes[0], tuple(self.layers), spec.graph,  # type: ignore[arg-type]
                       self.conventions, self.layout or "nhwc", warned)


def _merge(layer: Merge, shapes: tuple[Shape, ...], parsed: ParsedLayer, text: str) -> Resolution:
    """A merge's shape; its branches' text is read only for an error, where it names them."""
    try:
        return layer.resolve_many(list(shapes))
    except RuleError:
        return layer.resolve_many(list(shapes), parsed.labels(text))


def _rows(spec: Spec, torch: bool) -> tuple[list[int], list[bool], int]:
    """Each layer's row (1-based, in the framework's order), whether its activation gets a row of its own, and the
    row count."""
    count = len(spec.layers)
    # Keras lists a functional model's layers by depth; PyTorch (torchinfo) in the order forward() runs them
    order = keras_order(spec) if spec.graph and not torch else range(1, count + 1)
    split = [False] * (count + 1)  # under torch: a fused activation gets a row of its own
    if torch:
        for node, parsed in enumerate(spec.layers, start=1):
            split[node] = _fused(parsed.layer)
    row_of = [0] * (count + 1)
    row = 0
    for node in order:
        row += 1
        row_of[node] = row
        row += split[node]
    return row_of, split, row


#: Layers that act on each token alone, so an embedding's L×D output keeps its order through them.
_PER_TOKEN = (Dense, Dropout, Activation, LayerNormalization, BatchNormalization)


def _framework_layer(layer: Layer, torch: bool, split: bool, layout: str | None) -> tuple[Layer, str | None]:
    """The record under the chosen conventions, and the activation split off it (PyTorch writes it apart).

    With an nchw input, a reshape's target is written channels-first too (reshape256x7x7)."""
    if layout == "nchw" and isinstance(layer, Reshape) and len(layer.target_shape) > 1:
        layer = Reshape(channels_last(layer.target_shape))
    if not torch:
        return layer, None
    layer = layer.for_torch()
    if not split:
        return layer, None
    return replace(layer, activation=None), layer.activation  # type: ignore[attr-defined]


def _fused(layer: Layer) -> bool:
    """A layer with an activation argument, which PyTorch writes as a module of its own."""
    return not isinstance(layer, Activation) and getattr(layer, "activation", None) not in (None, "linear")


def _layout_warnings(spec: Spec, override: str | Shape | None, written: Shape, layout: str | None,
                     conventions: str | None) -> tuple[str, ...]:
    """Warn when an input read channels-last looks channels-first, with what each reading gives."""
    if layout is not None or not looks_channels_first(written):
        return ()
    h, w, c = written
    ours = f"read as H={h}, W={w}, C={c} (channels last, as Keras writes it)"
    dims = "x".join(map(str, written))
    try:
        theirs = resolve(spec, override, "nchw", conventions)
        other = f"gives {theirs.total_params:,} params"
    except SpecError as error:
        other = f"fails: {error.message}"
    return (f"the input {h}×{w}×{c} looks channels-first: it is {ours}. Read as C={h}, H={w}, W={c} "
            f"(channels first, as PyTorch writes it) with 'input {dims} nchw' or --layout nchw, the network "
            f"{other}",)


def keras_order(spec: Spec) -> list[int]:
    """The layers (1-based, in creation order) in the order Keras 3 lists a functional model's.

    Keras' ``map_graph`` walks back from the output depth first, numbering each layer when it
    first meets it, gives each layer the longest distance to the output as its depth, and sorts
    by depth, deepest first, then by that number.  The input has the greatest depth; it is row 0.
    """
    inputs = [(), *((p.inputs or (n - 1,)) for n, p in enumerate(spec.layers, start=1))]
    output = len(spec.layers)
    first_seen = [-1] * (output + 1)
    seen = 0
    finished: list[int] = []  # post-order: from the input towards the output
    stack: list[tuple[int, int]] = [(output, 0)]
    while stack:  # an explicit stack: a 100,000-layer chain would overflow Python's recursion
        node, next_input = stack.pop()
        if next_input == 0:
            if first_seen[node] >= 0:
                continue
            first_seen[node], seen = seen, seen + 1
        if next_input < len(inputs[node]):
            stack.append((node, next_input + 1))
            parent = inputs[node][next_input]
            if first_seen[parent] < 0:
                stack.append((parent, 0))
        else:
            finished.append(node)
    depth = [0] * (output + 1)
    for node in reversed(finished):
        below = depth[node] + 1
        for parent in inputs[node]:
            depth[parent] = max(depth[parent], below)
    return sorted((n for n in finished if n != 0), key=lambda n: (-depth[n], first_seen[n]))


def _require_bounded(shape: Shape, what: str) -> None:
    """Hold every tensor to :data:`~cnncalc.language.literals.MAX_ELEMENTS` values, so counts stay printable and
    every float derived from them (sizes in bytes, ratios) stays finite."""
    if math.prod(shape) > MAX_ELEMENTS:
        digits = len(str(math.prod(shape))) - 1
        raise RuleError(f"{what} would be {'×'.join(map(str, shape))}, about 10^{digits} values, "
                        "over cnncalc's limit of 10^36", "use sizes a real network could have")


def _input_shape(spec: Spec, override: Shape | None) -> Shape:
    shape = _given_input_shape(spec, override)
    try:
        _require_bounded(shape, "the input")
    except RuleError as error:
        span = spec.input.span if spec.input is not None else (0, len(spec.text))
        raise SpecError(error.message, spec.text, span, 0, error.hint) from None
    return shape


def _given_input_shape(spec: Spec, override: Shape | None) -> Shape:
    if override is not None:
        return override
    if spec.input is None:
        first = spec.layers[0].span if spec.layers else (0, len(spec.text))
        raise SpecError(
            "the spec has no input shape", spec.text, first, None,
            "start it with 'input HxWxC' (as in 'input 28x28x1, …') or pass --input 28x28x1",
        )
    if spec.input.names:  # cnncalc.language.symbolic resolves these with numbers standing in for the names
        raise SpecError("the input's sizes are names", spec.text, spec.input.span, 0,
                        "give numbers with --input HxWxC")
    return spec.input.shape
