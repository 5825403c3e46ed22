"""The walk that resolves a spec's nodes one after another: each layer's shape, counts and name, with a place to
come back to."""

from __future__ import annotations

import math

from ..errors import ShapeError
from ..language.literals import MAX_ELEMENTS
from ..language.spec import ParsedLayer, Spec, parse_input
from ..model.conventions import channels_last
from ..model.layers import (
    Dense,
    Embedding,
    Layer,
    Merge,
    Params,
    Resolution,
    RuleError,
    Shape,
)
from ..model.layers.dense import FLATTEN_FIRST
from .frameworks import framework_layer, functional_with_weights
from .inputs import INPUT_NAME, bounded_input_shape, input_layout, require_bounded
from .order import framework_rows
from .records import Network, ResolvedLayer

__all__ = ["Walk"]


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
        self.layout = input_layout(layout, self.given_input, spec)
        self.conventions = conventions or ("torch" if self.layout == "nchw" else "keras")
        given = self.given_input.shape if self.given_input is not None else input_shape
        self.written = bounded_input_shape(spec, given)
        #: each layer's row (1-based), whether its activation gets a row of its own (torch), and the row count
        self.row_of, self.split, rows = framework_rows(spec, self.conventions == "torch")
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
                name = f"{layer.torch_class_for(in_shapes[0])}{' (fn)' if parsed.functional else ''}: 1-{row}"
            else:  # Keras' auto name: the class's stem, then stem_1, stem_2… in creation order
                stem = layer.auto_name if not layer.whole_network else \
                    _keras_model_name(layer, in_shapes[0])  # a known network: its model's own name
                number = counters.get(stem, 0)
                counters[stem] = number + 1
                name = f"{stem}_{number}" if number else stem
            try:
                fused = None
                if torch or layout:  # a record other conventions or layouts change
                    layer, fused = framework_layer(layer, torch, split[node], layout)
                held = None
                if layout == "nchw":  # a permute written on PyTorch's axes, and what it gives held as PyTorch has it
                    from .held import nchw_layer

                    layer, held = nchw_layer(layer, in_shapes, [tokens[i] for i in sources])
                result, inner = self._result(layer, in_shapes, parsed) if isinstance(layer, Merge) or \
                    layer.whole_network \
                    else (layer.resolve(in_shapes[0]), None)  # most layers: no method call between
                out = result.output_shape
                if prod(out) > MAX_ELEMENTS or parsed.functional:
                    _held_to(out, parsed, layer, result.params)
            except RuleError as error:
                raise ShapeError(error.message, spec.text, parsed.span, row, name, error.hint, parsed.uses,
                                 parsed.source if parsed.uses else None) from None
            warnings, notes = _findings(result, tokens[source] and isinstance(layer, Dense)) if result.findings \
                else no_findings
            per_token = (tokens[source] and layer.per_token) or isinstance(layer, Embedding)
            if held is not None:
                per_token = held
            params = _frozen(result.params) if parsed.frozen else result.params
            layers[row - 1] = ResolvedLayer(
                row, name, layer, parsed.source, parsed.span, in_shapes[0], out, params,
                warnings, notes, result.axes, result.arithmetic, result.macs, result.bias_adds, inputs, in_shapes,
                per_token, node, parsed.functional, inner, parsed.frozen, result.params.non_trainable,
                parsed.containers)
            if fused is not None:  # PyTorch's second module (an activation, a flatten), the row after its layer
                layers[row] = ResolvedLayer(row + 1, f"{fused.torch_class}: 1-{row + 1}", fused,
                                            parsed.source, parsed.span, out, fused.resolve(out).output_shape,
                                            Params(), (), (), (), (), 0, 0, (name,), (out,), per_token,
                                            containers=parsed.containers)
                out = layers[row].output_shape  # type: ignore[union-attr]
                name = layers[row].name  # type: ignore[union-attr]
            shapes.append(out)
            names.append(name)
            tokens.append(per_token)

    def _result(self, layer: Layer, in_shapes: tuple[Shape, ...],
                parsed: ParsedLayer) -> tuple[Resolution, Network | None]:
        """What a layer makes of its inputs; a known network's row, with the network itself."""
        if isinstance(layer, Merge):
            return _merge(layer, in_shapes, parsed, self.spec.text), None
        if layer.whole_network:
            from .nested import nested_resolution

            return nested_resolution(layer, in_shapes[0], self.conventions, _inner)
        return layer.resolve(in_shapes[0]), None

    def network(self, input_warnings: tuple[str, ...] = ()) -> Network:
        """The resolved network, once every node has been resolved, with the warnings about its input."""
        spec = self.spec
        return Network(spec.text, self.shapes[0], tuple(self.layers), spec.graph,  # type: ignore[arg-type]
                       self.conventions, self.layout or "nhwc", input_warnings)


def _keras_model_name(layer: Layer, shape: Shape) -> str:
    """The name Keras gives a known network standing as one layer: its model's own name."""
    from ..model.layers.nested import Nested, keras_model_name

    assert isinstance(layer, Nested)
    return keras_model_name(layer.network, shape)


def _frozen(params: Params) -> Params:
    """A frozen layer's counts (layer.trainable = False, requires_grad_(False)): every parameter non-trainable,
    the buffers still buffers."""
    return Params(params.weights, params.biases, params.total, params.buffers)


def _inner(spec: Spec, written: str, conventions: str) -> Network:
    """A known network's own spec resolved on the input it receives (:mod:`.nested`)."""
    walk = Walk(spec, written, None, conventions)
    walk.resume(spec.layers)
    return walk.network()


def _merge(layer: Merge, shapes: tuple[Shape, ...], parsed: ParsedLayer, text: str) -> Resolution:
    """A merge's shape; its branches' text is read only for an error, where it names them."""
    try:
        return layer.resolve_many(list(shapes))
    except RuleError:
        return layer.resolve_many(list(shapes), parsed.labels(text))


def _findings(result: Resolution, per_position: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A layer's warnings and notes; a dense layer on features that a permute put last, as PyTorch holds them
    (``per_position``), acts per position as meant, so the warning that asks whether to flatten first is dropped."""
    warnings = tuple(f.text for f in result.findings if f.level == "warning")
    if per_position:
        warnings = tuple(text for text in warnings if not text.endswith(FLATTEN_FIRST))
    return warnings, tuple(f.text for f in result.findings if f.level == "note")

def _held_to(out: Shape, parsed: ParsedLayer, layer: Layer, params: Params) -> None:
    """An output within the bound, and a layer written ``fn`` that holds no weights but a module's own parameters
    (:func:`functional_with_weights`)."""
    if math.prod(out) > MAX_ELEMENTS:
        require_bounded(out, "its output")
    if parsed.functional and (params.total or params.buffers):
        functional_with_weights(layer, params, parsed.containers)
