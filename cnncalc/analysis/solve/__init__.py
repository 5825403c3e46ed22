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

import re

from ...errors import CnnCalcError, SpecError
from ...graph.network import ResolvedLayer, build
from ...language.spec import parse
from .attempts import NoSuchLayerError, _arithmetic, _Rebuild, _Resume
from .question import Candidate, Outcome, Solved, Target
from .unknown import (
    PROBES,
    _alone_role,
    _describe,
    _first_reading,
    _role,
    _second_reading,
    _spec_changes,
    _substitute,
    _unknown,
)

Shape = tuple[int, ...]

__all__ = ["MAX_WORK", "Candidate", "Outcome", "Solved", "Target", "solve"]

#: The values each kind of unknown is searched over: wide enough for any network in practice.
RANGES = {"filters": (1, 8192), "units": (1, 8192), "kernel_size": (1, 64), "pool_size": (1, 64),
          "strides": (1, 64), "padding": (0, 64), "dilation_rate": (1, 32), "dilation": (1, 32),
          "groups": (1, 1024), "multiplier": (1, 64), "input": (1, 4096)}
#: Unknowns for which a larger value never gives a smaller count or a smaller output.
GROWING = frozenset({"filters", "units", "input"})
#: The most layer resolutions one search may make, over all the values it tries: each value resolves the layers
#: from the first one with a '?' to the end.  Twice the layers of the largest spec (``spec.MAX_LAYERS``), so a
#: search costs at most about two summaries of the largest network cnncalc reads.
MAX_WORK = 200_000


def _headline(error: CnnCalcError) -> str:
    return error.headline() if isinstance(error, SpecError) else error.message


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
