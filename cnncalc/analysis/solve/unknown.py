"""What the '?' stands for: the spec read with values in its place, and which field of which layer changes."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from ...errors import CnnCalcError
from ...language.spec import ParsedLayer, Spec, parse, parse_dims
from ...model.layers import Layer, Merge
from ...model.records import record

Shape = tuple[int, ...]


#: What each field is called in a sentence.
WORDS = {"filters": "number of filters", "units": "number of units", "kernel_size": "kernel size",
         "pool_size": "pool size", "strides": "stride", "padding": "padding", "dilation_rate": "dilation",
         "dilation": "dilation", "groups": "number of groups", "multiplier": "depth multiplier",
         "input": "input size"}


#: The values substituted to find what the '?' is: one character wide, so spans still index the spec as written.
PROBES = (1, 2, 3, 5, 7)


def _substitute(text: str, value: int) -> str:
    return text.replace("?", str(value))


def _first_reading(text: str) -> tuple[int, Spec]:
    """The spec read with the first of :data:`PROBES` that reads in place of '?'."""
    for value in PROBES[:4]:
        with contextlib.suppress(CnnCalcError):
            return value, parse(_substitute(text, value))
    parse(_substitute(text, PROBES[-1]))  # raises the spec's own error, with its caret
    raise _UNREADABLE


def _second_reading(text: str, first: int) -> Spec:
    """The whole spec read with the next of :data:`PROBES` that reads."""
    for value in PROBES[PROBES.index(first) + 1:4]:
        with contextlib.suppress(CnnCalcError):
            return parse(_substitute(text, value))
    parse(_substitute(text, PROBES[-1]))
    raise _UNREADABLE


_UNREADABLE = CnnCalcError("cannot find what '?' stands for: the spec reads with too few values in its place")


def _role(input_changes: bool, changes: Iterator[tuple[int, Layer, Layer, str]]) -> tuple[str, int | None, str]:
    """(field, layer position or None for the input, the layer's text): which field the '?' is, from the first
    change two values make (``changes``: position, both records and the layer as written, where they differ)."""
    if input_changes:
        return "input", None, "input"
    for position, a, b, written in changes:
        changed = [name for name in a.__record_fields__  # type: ignore[attr-defined]
                   if getattr(a, name) != getattr(b, name, None)]
        return (changed[0] if changed else "value"), position, written
    raise CnnCalcError("the '?' changes nothing the network depends on",
                       "put '?' where a number goes: conv32x?, s?, p?, dense?, input ?x?x3")


def _spec_changes(text: str, first: Spec, second: Spec) -> Iterator[tuple[int, Layer, Layer, str]]:
    for position, (a, b) in enumerate(zip(first.layers, second.layers)):
        if a.layer != b.layer:
            written = text[a.span[0]:a.span[1]] if len(first.text) == len(text) else a.source  # '?' is one wide
            if a.uses and a.source != b.source:  # a block's layer: as filled in, '?' where the two readings differ
                written = _differing(a.source, b.source)
            yield position, a.layer, b.layer, written


def _differing(a: str, b: str) -> str:
    """``a`` with the part where ``b`` differs from it as '?': 'conv1x3' and 'conv2x3' give 'conv?x3'.

    >>> _differing("conv1x3 s2", "conv12x3 s2")
    'conv?x3 s2'
    """
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    while head and a[head - 1].isdigit():  # the whole number, not the digits the values share
        head -= 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    while tail and a[len(a) - tail].isdigit():
        tail -= 1
    return f"{a[:head]}?{a[len(a) - tail:]}"


def _describe(field: str, position: int | None, source: str) -> str:
    if position is None:
        return "the input size"
    return f"the {WORDS.get(field, field.replace('_', ' '))} of layer {position + 1} ({source})"


def _layer(text: str) -> ParsedLayer:
    """One layer read from its own text."""
    spec = parse(text)
    if spec.input is not None or len(spec.layers) != 1:
        raise CnnCalcError(f"'{text}' does not read as one layer")
    return spec.layers[0]


_COMMENT = re.compile(r"#[^\n]*")


@record
class _Unknown:
    """Where the '?' is when it sits only in the input's size and in layers' own words: the spec read with one
    value, each such layer's text (by node) and the input's size as written, with the '?'."""

    value: int
    spec: Spec
    layers: dict[int, str]
    input: str | None


def _unknown(text: str, value: int, spec: Spec) -> _Unknown | None:
    """The places of the '?', or None when one is elsewhere (a repeat count, a name), or when reading a layer
    alone does not give the record the whole spec gives: each value then rebuilds the whole network."""
    if len(spec.text) != len(text):
        return None
    covered = bytearray(len(text))  # where a '?' may be: the input's size and each layer's own words
    layers: dict[int, str] = {}
    spans = [spec.input.span] if spec.input is not None else []
    for node, parsed in enumerate(spec.layers):
        start, end = parsed.span
        if "?" in text[start:end] and not isinstance(parsed.layer, Merge):  # a merge has no numbers
            layers[node] = text[start:end]
            spans.append(parsed.span)
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    uncommented = _COMMENT.sub(lambda match: " " * len(match[0]), text)
    if any(not covered[match.start()] for match in re.finditer(r"\?", uncommented)):
        return None
    written = text[spec.input.span[0]:spec.input.span[1]] if spec.input is not None else ""
    unknown = _Unknown(value, spec, layers, written if "?" in written else None)
    try:
        alike = unknown.input is None or _input(unknown.input, value) == spec.input.shape  # type: ignore[union-attr]
        alike = alike and all(_layer(_substitute(layer, value)).layer == spec.layers[node].layer
                              for node, layer in layers.items())
    except CnnCalcError:
        alike = False
    return unknown if alike and (layers or unknown.input is not None) else None


def _input(written: str, value: int) -> Shape:
    return parse_dims(_substitute(written, value))


def _alone_role(unknown: _Unknown) -> tuple[str, int | None, str] | None:
    """:func:`_role` from the layers with a '?' read alone with a second value; None if no other value reads."""
    for value in PROBES[PROBES.index(unknown.value) + 1:4]:
        try:
            shape = _input(unknown.input, value) if unknown.input is not None else None
            records = {node: _layer(_substitute(layer, value)).layer for node, layer in unknown.layers.items()}
        except CnnCalcError:
            continue
        changes = ((node, unknown.spec.layers[node].layer, records[node], layer)
                   for node, layer in unknown.layers.items() if records[node] != unknown.spec.layers[node].layer)
        return _role(shape is not None and shape != unknown.spec.input.shape, changes)  # type: ignore[union-attr]
    return None
