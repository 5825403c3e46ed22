"""Trying one value: the whole network rebuilt, or only the layers from the first '?' on after a prefix
resolved once."""

from __future__ import annotations

from ...errors import CnnCalcError
from ...graph.network import ResolvedLayer, Walk, build
from ...language.spec import ParsedLayer, Spec
from ...model.records import replace
from .question import Outcome, Target
from .unknown import _input, _layer, _substitute

Shape = tuple[int, ...]


def _find(rows: tuple[ResolvedLayer, ...] | list[ResolvedLayer], key: str) -> int:
    """The row --layer names (a 1-based index or a Keras name), or the error that it has none."""
    for number, row in enumerate(rows):
        if key in (row.name, str(row.index)):
            return number
    raise NoSuchLayerError(f"--layer {key}: the network has no such layer",
                      f"give a number from 1 to {len(rows)} or a name such as {rows[-1].name if rows else 'conv2d'}")


class NoSuchLayerError(CnnCalcError):
    """--layer names no layer: an error in the question, not a value the network refuses."""


def _arithmetic(outcome: Outcome, row: ResolvedLayer | None, target: Target) -> str:
    """How a value gives its answer: the unknown layer's arithmetic, or the input's path to the output."""
    if row is None:
        where = f" at layer {target.layer}" if target.layer is not None else ""
        return f"{'×'.join(map(str, outcome.input))} → {'×'.join(map(str, outcome.layer_output))}{where}"
    if target.params is not None:
        return row.explain("params") or f"{outcome.params:,} parameters"
    return row.explain("output") or f"{row.keras_class} gives {'×'.join(map(str, row.output_shape))}"


#: What a plan gives for one value: its outcome and the unknown layer's row (None when the unknown is the input).
Tried = tuple[Outcome, ResolvedLayer | None]


class _Rebuild:
    """Each value as a whole new network, parsed and resolved: for a '?' that changes the network's structure
    (a repeat count, a name), where no layer's record alone can stand for it."""

    def __init__(self, text: str, position: int | None, target: Target, layers: int) -> None:
        self.text, self.position, self.target = text, position, target
        self.work = layers + 1  # every layer, and the parse

    def __call__(self, value: int) -> Tried:
        net = build(_substitute(self.text, value))
        output = net.layers[-1].output_shape if net.layers else net.input_shape
        layer, layer_params = output, net.total_params
        if self.target.layer is not None:
            named = net.layers[_find(net.layers, self.target.layer)]
            layer, layer_params = named.output_shape, named.params.total
        row = None if self.position is None else \
            next((r for r in net.layers if r.created == self.position + 1), None)
        return Outcome(net.input_shape, output, layer, net.total_params, layer_params), row


class _Resume:
    """Each value as the layers from the first one with a '?' on, resolved after a prefix resolved once.

    Each layer with a '?' is read again from its own text with the value in place (a layer's record depends on
    its words alone), so each value costs the layers after the unknown, not the whole spec.
    """

    def __init__(self, spec: Spec, position: int | None, target: Target, changed: dict[int, str],
                 input_text: str | None) -> None:
        self.spec, self.position, self.target = spec, position, target
        self.changed, self.input_text = changed, input_text
        self.start = 0 if input_text is not None else min(changed)  # the first node (0-based) a value changes
        self.work = len(spec.layers) - self.start
        self.walk = Walk(spec)
        self.walk.advance(spec.layers[:self.start])  # the prefix, once
        rows = self.walk.row_of
        self.prefix_params = sum(self.walk.layers[rows[node] - 1].params.total  # type: ignore[union-attr]
                                 for node in range(1, self.start + 1))
        self.rows = [rows[node] - 1 for node in range(self.start + 1, len(spec.layers) + 1)]
        self.layer_row: int | None = None  # the row --layer names, found once

    def layers(self, value: int) -> list[ParsedLayer]:
        """The nodes from the first changed one, each layer with a '?' read again with ``value``."""
        nodes = list(self.spec.layers[self.start:])
        read: dict[str, ParsedLayer] = {}  # a repeated layer is read once
        for node, written in self.changed.items():
            if written not in read:
                read[written] = _layer(_substitute(written, value))
            parsed = nodes[node - self.start]
            nodes[node - self.start] = replace(parsed, layer=read[written].layer, source=read[written].source)
        return nodes

    def __call__(self, value: int) -> Tried:
        walk = self.walk
        if self.input_text is not None:  # the input changes: nothing before it to keep
            walk = Walk(self.spec, _input(self.input_text, value))
        walk.resume(self.layers(value))
        rows: list[ResolvedLayer] = walk.layers  # type: ignore[assignment]
        output = rows[-1].output_shape if rows else walk.shapes[0]
        layer = output
        params = self.prefix_params + sum(rows[number].params.total for number in self.rows)
        layer_params = params
        if self.target.layer is not None:
            if self.layer_row is None or self.target.layer not in (rows[self.layer_row].name,
                                                                   str(rows[self.layer_row].index)):
                self.layer_row = _find(rows, self.target.layer)
            layer, layer_params = rows[self.layer_row].output_shape, rows[self.layer_row].params.total
        row = None if self.position is None else rows[walk.row_of[self.position + 1] - 1]
        return Outcome(walk.shapes[0], output, layer, params, layer_params), row
