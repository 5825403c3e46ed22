"""Resolve a parsed spec into a network: each layer's Keras name, output shape and parameters.

>>> net = build("input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10")
>>> [(layer.name, layer.output_shape, layer.params.total) for layer in net.layers]
[('conv2d', (26, 26, 32), 320), ('max_pooling2d', (13, 13, 32), 0), ('flatten', (5408,), 0), ('dense', (10,), 54090)]
>>> net.total_params
54410
"""

from __future__ import annotations

import math

from .arithmetic import AxisWindows
from .errors import ShapeError, SpecError
from .layers import Layer, Merge, Params, RuleError, Shape
from .literals import MAX_ELEMENTS
from .records import record
from .spec import Spec, parse, parse_dims

__all__ = ["Network", "ResolvedLayer", "build", "resolve"]


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

    @property
    def flops(self) -> int:
        """2 FLOPs per multiply-accumulate, plus one per bias addition."""
        return 2 * self.macs + self.bias_adds

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

    @property
    def total_params(self) -> int:
        return sum(layer.params.total for layer in self.layers)

    @property
    def trainable_params(self) -> int:
        return sum(layer.params.trainable for layer in self.layers)

    @property
    def non_trainable_params(self) -> int:
        return sum(layer.params.non_trainable for layer in self.layers)

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def flops(self) -> int:
        return sum(layer.flops for layer in self.layers)

    @property
    def warnings(self) -> list[str]:
        return [f"{layer.name}: {text}" for layer in self.layers for text in layer.warnings]

    def last_reads(self) -> dict[str, int]:
        """Each tensor's last reader, as a row (0-based): a pass may free the tensor after that row has run."""
        return {name: row for row, layer in enumerate(self.layers) for name in layer.inputs}

    def find(self, key: str) -> ResolvedLayer | None:
        """A layer by 1-based index or Keras name."""
        for layer in self.layers:
            if key == layer.name or key == str(layer.index):
                return layer
        return None


def build(text: str, input_shape: str | Shape | None = None) -> Network:
    """Parse and resolve spec text; ``input_shape`` replaces or supplies the input layer."""
    return resolve(parse(text), input_shape)


INPUT_NAME = "input_layer"


def resolve(spec: Spec, input_shape: str | Shape | None = None) -> Network:
    """Run the shape rules through the network, naming each layer as Keras would.

    Layers are resolved in creation order (which also gives Keras' auto names) and listed in
    Keras' row order, which for a chain is the same.
    """
    first = _input_shape(spec, input_shape)
    row_of = list(range(len(spec.layers) + 1))  # a chain's rows are its creation order
    if spec.graph:
        for row, node in enumerate(keras_order(spec), start=1):
            row_of[node] = row
    shapes: list[Shape] = [first]
    names: list[str] = [INPUT_NAME]
    counters: dict[str, int] = {}
    layers: list[ResolvedLayer | None] = [None] * len(spec.layers)
    for node, parsed in enumerate(spec.layers, start=1):
        layer = parsed.layer
        count = counters.get(layer.auto_name, 0)
        counters[layer.auto_name] = count + 1
        name = layer.auto_name if count == 0 else f"{layer.auto_name}_{count}"
        sources = parsed.inputs or (node - 1,)
        in_shapes: tuple[Shape, ...]
        inputs: tuple[str, ...]
        if len(sources) == 1:  # most layers: no generator to build
            in_shapes, inputs = (shapes[sources[0]],), (names[sources[0]],)
        else:
            in_shapes, inputs = tuple(shapes[i] for i in sources), tuple(names[i] for i in sources)
        try:
            result = layer.resolve_many(list(in_shapes), parsed.branches) if isinstance(layer, Merge) \
                else layer.resolve(in_shapes[0])
            if math.prod(result.output_shape) > MAX_ELEMENTS:
                _require_bounded(result.output_shape, "its output")
        except RuleError as error:
            raise ShapeError(error.message, spec.text, parsed.span, row_of[node], name, error.hint) from None
        warnings: tuple[str, ...] = ()
        notes: tuple[str, ...] = ()
        if result.findings:
            warnings = tuple(f.text for f in result.findings if f.level == "warning")
            notes = tuple(f.text for f in result.findings if f.level == "note")
        layers[row_of[node] - 1] = ResolvedLayer(
            row_of[node], name, layer, parsed.source, parsed.span, in_shapes[0], result.output_shape, result.params,
            warnings, notes, result.axes, result.arithmetic, result.macs, result.bias_adds, inputs, in_shapes)
        shapes.append(result.output_shape)
        names.append(name)
    return Network(spec.text, first, tuple(layers), spec.graph)  # type: ignore[arg-type]  # every row is filled


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
    """Hold every tensor to :data:`~cnncalc.literals.MAX_ELEMENTS` values, so counts stay printable and
    every float derived from them (sizes in bytes, ratios) stays finite."""
    if math.prod(shape) > MAX_ELEMENTS:
        digits = len(str(math.prod(shape))) - 1
        raise RuleError(f"{what} would be {'×'.join(map(str, shape))}, about 10^{digits} values, "
                        "over cnncalc's limit of 10^36", "use sizes a real network could have")


def _input_shape(spec: Spec, override: str | Shape | None) -> Shape:
    shape = _given_input_shape(spec, override)
    try:
        _require_bounded(shape, "the input")
    except RuleError as error:
        span = spec.input.span if spec.input is not None else (0, len(spec.text))
        raise SpecError(error.message, spec.text, span, 0, error.hint) from None
    return shape


def _given_input_shape(spec: Spec, override: str | Shape | None) -> Shape:
    if isinstance(override, str):
        return parse_dims(override, "--input shape")
    if override is not None:
        return override
    if spec.input is None:
        first = spec.layers[0].span if spec.layers else (0, len(spec.text))
        raise SpecError(
            "the spec has no input shape", spec.text, first, None,
            "start it with 'input HxWxC' (as in 'input 28x28x1, …') or pass --input 28x28x1",
        )
    return spec.input.shape
