"""The network's spec records, built from the graph the code built: the very records the spec's parser makes of
the code's spec text, without writing that text out and reading it back whole.

Each distinct item (``conv32x3x3 s2 same relu``, ``bn``) is read once by the spec's own parser, so its layer
record comes from the same grammar row and the same constructor as the spec's, with the same refusals; a model
repeats few distinct items, so a file of 10,000 layers reads a handful. The graph's connections, which the parser
would find by reading names back (``as t3``, ``@t3``, ``add(@t3 | @t5)``), are taken from the graph itself.
"""

from __future__ import annotations

from ...errors import SpecError
from ...language.spec import MAX_LAYERS, ParsedInput, ParsedLayer, Spec, merge_arity, parse
from ...model.layers import MERGES
from .records import ModelCode, Node


def spec_records(code: ModelCode) -> Spec:
    """The spec records of a model read from code, equal to ``parse(code.spec)``; an item the spec refuses is an
    error at the code's line that made it."""
    readings: dict[str, Spec] = {}
    items: dict[str, ParsedLayer] = {}  # each distinct layer item, read and found to be one layer
    layers: list[ParsedLayer] = []
    given: ParsedInput | None = None
    count = last = 0  # the items the text holds, as the parser counts them; the number of the last one written
    for place in code.placed:
        node, text, start = place.node, place.text, place.start
        if node.kind == "input":
            if given is not None or layers:
                raise code.error_at(node.where, "'input' must come first, and only once",
                                    "put 'input HxWxC' at the start of the spec, or use --input")
            given = _read(code, node, text, readings).input
            assert given is not None  # an input's item is 'input' and its sizes
            given = ParsedInput(given.shape, (start + given.span[0], start + given.span[1]), given.layout,
                                given.names)
            count += 1
            continue
        if node.kind == "merge":
            refused = merge_arity(node.item, len(place.inputs))
            if refused is not None:
                raise code.error_at(node.where, *refused)
            layer = ParsedLayer(MERGES[node.item](), (start, start + len(text)), text, place.inputs, place.branches,
                                containers=node.containers)
            count += 1 + len(place.inputs)
        else:
            first = items.get(text)
            if first is None:
                reading = _read(code, node, text, readings)
                if reading.input is not None or len(reading.layers) != 1:
                    raise code.error_at(node.where, "cnncalc cannot read this layer as one item of a spec")
                first = items[text] = reading.layers[0]
            layer = ParsedLayer(first.layer, (start + first.span[0], start + first.span[1]), first.source,
                                place.inputs, functional=first.functional, frozen=first.frozen,
                                containers=node.containers)
            count += 1 + (place.inputs[0] != last)  # a layer that reads an earlier tensor is written after '@tN'
        if count > MAX_LAYERS + 1:  # + 1: the input line is an item too
            raise code.error_at(node.where, f"the spec expands to more than {MAX_LAYERS:,} layers",
                                "use smaller repeat counts; cnncalc summarises at most 100,000 layers")
        layers.append(layer)
        last = len(layers)
    if given is None and not layers:
        raise code.error_at(None, "the spec is empty",
                            "write layers such as 'input 28x28x1, conv32x3, pool2, flatten, dense10'")
    return Spec(code.spec, given, tuple(layers), code.graph)


def _read(code: ModelCode, node: Node, text: str, readings: dict[str, Spec]) -> Spec:
    """One item read by the spec's parser, once per distinct text."""
    reading = readings.get(text)
    if reading is None:
        try:
            reading = readings[text] = parse(text)
        except SpecError as error:
            raise code.error_at(node.where, error.message, error.hint) from None
    return reading
