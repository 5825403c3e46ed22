"""One reading of a paste: the shapes as its layout reads them, and the verdicts a rule hands back."""

from __future__ import annotations

from ...model.layers import keras_shape
from ...readers.pasted import PastedRow, PastedSummary
from ..answers import Verdict

Shape = tuple[int, ...]


def _wrong(verdicts: list[Verdict]) -> int:
    return sum(v.status == "wrong" for v in verdicts)


def _claim(number: int, row: PastedRow, field: str) -> str:
    return f"{number} {row.name} {field}"


def _unchecked(number: int, row: PastedRow, field: str, given: str, why: str) -> Verdict:
    return Verdict(_claim(number, row, field), given, "?", "unchecked", note=why)


def _judge(number: int, row: PastedRow, field: str, given: str, correct: str, ok: bool, arithmetic: str,
           note: str = "") -> Verdict:
    return Verdict(_claim(number, row, field), given, given if ok else correct, "correct" if ok else "wrong",
                   arithmetic, note)


class Reading:
    """One reading of a paste: its framework's conventions, its layout, and the shapes its rows pass on."""

    def __init__(self, pasted: PastedSummary, channels_first: bool) -> None:
        self.pasted = pasted
        self.torch = pasted.torch
        self.channels_first = channels_first
        #: each row's output as printed
        self.shapes: dict[str, Shape] = {}
        #: the one right output of a row whose printed one is wrong, where its rule knows it
        self.alternative: dict[str, Shape] = {}
        #: rows whose output is wrong with no one right value: what reads them is in doubt
        self.suspect: set[str] = set()
        #: whether a convolution may be read as grouped: in a PyTorch table, only once no ungrouped reading of it,
        #: on its previous row or on what forward() may hand it, explains it
        self.grouped = not self.torch
        #: set by a rule that knows the one right output, when the printed one is wrong
        self.corrected: Shape | None = None

    def shape(self, shape: Shape) -> Shape:
        """A pasted shape as the rules read it: channels last."""
        return (*shape[1:], shape[0]) if self.channels_first and len(shape) > 1 else shape

    def show(self, shape: Shape) -> str:
        """A shape as the paste writes it."""
        return keras_shape((shape[-1], *shape[:-1]) if self.channels_first and len(shape) > 1 else shape)

    def output(self, number: int, row: PastedRow, expected: Shape, arithmetic: str) -> Verdict:
        """The output claim of a rule that knows the one right shape: a wrong row passes that shape on."""
        ok = row.shape == expected
        if not ok:
            self.corrected = expected
        return _judge(number, row, "output", self.show(row.shape), self.show(expected), ok, arithmetic)

    def nothing_learned(self, number: int, row: PastedRow, kind: str) -> Verdict:
        return _judge(number, row, "params", f"{row.params:,}", "0", row.params == 0, f"{kind} learns nothing")
