"""Solving for the unknown: which value of one ``?`` in a spec gives the output shape (or the count) asked for.

    cnncalc solve "input 227x227x3, conv96x11 s?" --output 55x55           # the stride: 4
    cnncalc solve "input 32x32x3, conv16x5 p?" --output 32x32              # the padding that keeps 32×32: 2
    cnncalc solve "input 13x13x32, conv?x3" --params 18496                 # the filters: 64
    cnncalc solve "input ?x?x3, conv64x7 s2 p3, pool3 s2 …" --min          # the smallest square input

Every ``?`` stands for the same value.  What it is (a kernel, a stride, a padding, filters, units, the input's
size) is found by substituting two values and seeing which field of which layer changes; each candidate in
that field's sensible range is then resolved with the same rules as ``summary`` (:class:`~cnncalc.graph.network.Walk`),
so a solution is exactly what ``summary`` would print.  The layers before the first one with a ``?`` are
resolved once; each candidate resolves only the layers from there on.  The scans are bounded: they stop early
where the answer can only grow (more filters, more units or a larger input never give fewer parameters or a
smaller output), and a search that would resolve more than :data:`MAX_WORK` layers in all is refused.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from ..errors import CnnCalcError, SpecError
from ..graph.network import ResolvedLayer, Walk, build
from ..language.spec import ParsedLayer, Spec, parse, parse_dims
from ..model.layers import Layer, Merge, keras_shape
from ..model.records import record, replace

__all__ = ["MAX_WORK", "Candidate", "Outcome", "Solved", "Target", "solve"]

Shape = tuple[int, ...]

#: The values each kind of unknown is searched over: wide enough for any network in practice.
RANGES = {"filters": (1, 8192), "units": (1, 8192), "kernel_size": (1, 64), "pool_size": (1, 64),
          "strides": (1, 64), "padding": (0, 64), "dilation_rate": (1, 32), "dilation": (1, 32),
          "groups": (1, 1024), "multiplier": (1, 64), "input": (1, 4096)}
#: What each field is called in a sentence.
WORDS = {"filters": "number of filters", "units": "number of units", "kernel_size": "kernel size",
         "pool_size": "pool size", "strides": "stride", "padding": "padding", "dilation_rate": "dilation",
         "dilation": "dilation", "groups": "number of groups", "multiplier": "depth multiplier",
         "input": "input size"}
#: Unknowns for which a larger value never gives a smaller count or a smaller output.
GROWING = frozenset({"filters", "units", "input"})
#: The most layer resolutions one search may make, over all the values it tries: each value resolves the layers
#: from the first one with a '?' to the end.  Twice the layers of the largest spec (``spec.MAX_LAYERS``), so a
#: search costs at most about two summaries of the largest network cnncalc reads.
MAX_WORK = 200_000
#: The values substituted to find what the '?' is: one character wide, so spans still index the spec as written.
PROBES = (1, 2, 3, 5, 7)


@record
class Outcome:
    """What the network gives for one value: its input, its output, the output --layer speaks of, its parameters."""

    input: Shape
    output: Shape
    layer_output: Shape
    params: int


@record
class Target:
    """What the network must give: an output shape (all of it, or its spatial sizes), or a parameter count."""

    shape: tuple[int, ...] | None = None
    spatial: bool = False  # the shape is H×W (spatial sizes only): the channels may be anything
    params: int | None = None
    minimum: bool = False  # --min: the smallest value that builds at all (and meets the target, if any)
    #: the layer whose output is meant (a 1-based index or a Keras name); the last layer by default
    layer: str | None = None

    def output(self, outcome: Outcome) -> tuple[int, ...]:
        """The output the target speaks of: the named layer's, or the network's (its spatial sizes for H×W)."""
        return outcome.layer_output[:-1] if self.spatial else outcome.layer_output

    def met(self, outcome: Outcome) -> bool:
        if self.params is not None and outcome.params != self.params:
            return False
        return self.shape is None or self.output(outcome) == self.shape

    def distance(self, outcome: Outcome) -> int:
        """How far a network is from the target, for the nearest values when none meets it."""
        if self.params is not None:
            return abs(outcome.params - self.params)
        given = self.output(outcome)
        return sum(abs(a - b) for a, b in zip(given, self.shape or ()))

    def passed(self, outcome: Outcome) -> bool:
        """The count, or the output, is past the target: with a growing unknown, no larger value can meet it."""
        if self.params is not None:
            return outcome.params > self.params
        return self.shape is not None and any(a > b for a, b in zip(self.output(outcome), self.shape))

    def require_axes(self, outcome: Outcome) -> None:
        """An output of another rank can never be the target: say so at once instead of searching."""
        if self.shape is None:
            return
        given = self.output(outcome)
        if len(given) != len(self.shape):
            whose = f"layer {self.layer}'s output" if self.layer is not None else "the network's output"
            axes = f"{len(given)} spatial" if self.spatial else str(len(given))
            raise CnnCalcError(f"{whose} is {keras_shape(outcome.layer_output)}, with {axes} "
                               f"ax{'i' if len(given) == 1 else 'e'}s; {'×'.join(map(str, self.shape))} has "
                               f"{len(self.shape)}", "give a shape of that rank, or --layer N for the output of "
                                                     "another layer")


@record
class Candidate:
    value: int
    #: the network's output (its last layer's, or its input's) and parameter count for this value
    output: Shape
    params: int
    #: how the value gives the answer: the unknown layer's arithmetic (or the input's path to the output)
    arithmetic: str


@record
class Solved:
    unknown: str  # "the stride of layer 1 (conv96x11 s?)"
    field: str
    searched: tuple[int, int]
    solutions: tuple[Candidate, ...]
    nearest: tuple[Candidate, ...]
    #: the largest value searched when a growing unknown stopped early
    stopped: int | None = None
    #: with --min: why the value just below the smallest one is refused
    refusal: str = ""


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
            yield position, a.layer, b.layer, written


def _describe(field: str, position: int | None, source: str) -> str:
    if position is None:
        return "the input size"
    return f"the {WORDS.get(field, field.replace('_', ' '))} of layer {position + 1} ({source})"


def _headline(error: CnnCalcError) -> str:
    return error.headline() if isinstance(error, SpecError) else error.message


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
        layer = output if self.target.layer is None else net.layers[_find(net.layers, self.target.layer)].output_shape
        row = None if self.position is None else \
            next((r for r in net.layers if r.created == self.position + 1), None)
        return Outcome(net.input_shape, output, layer, net.total_params), row


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
        if self.target.layer is not None:
            if self.layer_row is None or self.target.layer not in (rows[self.layer_row].name,
                                                                   str(rows[self.layer_row].index)):
                self.layer_row = _find(rows, self.target.layer)
            layer = rows[self.layer_row].output_shape
        params = self.prefix_params + sum(rows[number].params.total for number in self.rows)
        row = None if self.position is None else rows[walk.row_of[self.position + 1] - 1]
        return Outcome(walk.shapes[0], output, layer, params), row


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


def _plan(text: str, target: Target) -> tuple[str, int | None, str, _Rebuild | _Resume]:
    """What the '?' is, and how to try each value: :class:`_Resume` where every '?' sits in the input's size or
    in layers' own words, :class:`_Rebuild` otherwise."""
    value, first = _first_reading(text)
    unknown = _unknown(text, value, first)
    role = _alone_role(unknown) if unknown is not None else None
    if unknown is None or role is None:
        second = _second_reading(text, value)
        if len(first.layers) != len(second.layers):
            raise CnnCalcError("the '?' changes how many layers the network has (a repeat count)",
                               "solve finds one number of a layer (conv32x?, s?, p?, dense?) or the input's size "
                               "(input ?x?x3); write the repeat's count, and try a few counts one by one")
        field, position, source = _role(first.input is not None and second.input is not None and
                                        first.input.shape != second.input.shape, _spec_changes(text, first, second))
        return field, position, source, _Rebuild(text, position, target, len(first.layers))
    field, position, source = role
    return field, position, source, _Resume(first, position, target, unknown.layers, unknown.input)


def _too_much(work: int, each: int, value: int | None = None) -> CnnCalcError:
    where = f"; it reached that at ? = {value}" if value is not None else ""
    return CnnCalcError(f"the search would resolve {work:,} layers ({each:,} for each value tried), over cnncalc's "
                        f"limit of {MAX_WORK:,}{where}",
                        "ask about a shorter network: the layers after the one with '?' (or after --layer) cost "
                        "work for every value, and a '?' in the input or a repeat count makes every layer count")


def solve(text: str, target: Target) -> Solved:
    """Every value of the spec's '?' in its field's range that meets ``target``, with the nearest when none does."""
    if "?" not in text:
        raise CnnCalcError("the spec has no '?' to solve for",
                           "write '?' where the unknown number goes: conv32x?, s?, p?, dense?, input ?x?x3")
    if target.shape is None and target.params is None and not target.minimum:
        raise CnnCalcError("nothing to solve for", "give --output HxW (or HxWxC), --params N, or --min")
    _refuse_names(text)
    field, position, source, attempt = _plan(text, target)
    low, high = RANGES.get(field, (0, 1024))
    scan = _Scan(target, field in GROWING)
    scan.run(attempt, low, high)
    nearest = [c for c, _ in sorted(scan.tried, key=lambda t: (target.distance(t[1]), t[0].value))[:2]] \
        if not scan.solutions else []
    refusal = ""
    if target.minimum and scan.solutions and scan.refused is not None and \
            scan.solutions[0].value == scan.refused + 1:
        refusal = _refusal(text, scan.refused)
    return Solved(_describe(field, position, source), field, (low, high), tuple(scan.solutions),
                  tuple(sorted(nearest, key=lambda c: c.value)), scan.stopped, refusal)


def _refuse_names(text: str) -> None:
    """solve searches numbers: an input written with names ('input Rx?x3') has no number to compare."""
    try:
        spec = parse(_substitute(text, PROBES[0]))
    except CnnCalcError:
        return  # the search reads the spec again and raises its own error
    if spec.input is not None and spec.input.names:
        start = spec.input.span[0]  # the shape's start: no '?' stands before it
        end = start + len(re.split(r"[\s,;#]", text[start:], maxsplit=1)[0])
        raise SpecError("solve needs the input's sizes as numbers, not names", text, (start, end), 0,
                        "write the input with numbers (input 32x?x3); to grade an answer written with "
                        "names, use cnncalc check")


class _Scan:
    """The values of a field's range tried in order, within :data:`MAX_WORK`: the solutions, the values tried
    that are not (for the nearest), the value a growing unknown stopped at, and the last value refused."""

    def __init__(self, target: Target, growing: bool) -> None:
        self.target, self.growing = target, growing
        self.solutions: list[Candidate] = []
        self.tried: list[tuple[Candidate, Outcome]] = []
        self.stopped: int | None = None
        self.refused: int | None = None

    def run(self, attempt: _Rebuild | _Resume, low: int, high: int) -> None:
        each = max(1, attempt.work)
        if not self.growing and not self.target.minimum and (high - low + 1) * each > MAX_WORK:
            raise _too_much((high - low + 1) * each, each)  # it cannot stop early: refused before any work
        for value in range(low, high + 1):
            if (value - low + 1) * each > MAX_WORK:
                raise _too_much((high - low + 1) * each, each, value)
            try:
                outcome, row = attempt(value)
            except NoSuchLayerError:
                raise
            except CnnCalcError:
                self.refused = value
                continue
            if self.found(value, outcome, row):
                return

    def found(self, value: int, outcome: Outcome, row: ResolvedLayer | None) -> bool:
        """Record one value's outcome; True when the scan is over (--min's first solution, or past the target)."""
        target = self.target
        if not self.solutions and not self.tried:
            target.require_axes(outcome)
        candidate = Candidate(value, outcome.output, outcome.params, _arithmetic(outcome, row, target))
        if target.met(outcome):
            self.solutions.append(candidate)
            if target.minimum:
                return True
        elif target.shape is not None or target.params is not None:
            self.tried.append((candidate, outcome))
        if self.growing and target.passed(outcome):
            self.stopped = value
            return True
        return False


def _refusal(text: str, value: int) -> str:
    """Why ``value`` is refused, as ``summary`` says it: the whole spec built with it ('? = 14: …')."""
    try:
        build(_substitute(text, value))
    except CnnCalcError as error:
        return f"? = {value}: {_headline(error)}"
    return ""
