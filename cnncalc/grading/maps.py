"""Feature-map answers: a computed map compared with an answer matrix cell by cell, at each cell's written
precision."""

from __future__ import annotations

import math
from typing import Any

from ..model.records import record


@record
class MapVerdict:
    """A whole feature-map answer: which cells are wrong, and which are right at their written precision only."""

    claim: str
    status: str  # "correct", "rounded" or "wrong"
    wrong: tuple[tuple[int, int, int], ...]  # (row, col, channel), 0-based
    rounded: tuple[tuple[int, int, int], ...]
    cells: int
    problem: str = ""  # a shape mismatch, if any
    #: cells cut, not rounded, to their last written place (0.77 for 7/9, as the lectures write it)
    truncated: tuple[tuple[int, int, int], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "wrong"

    def summary(self) -> str:
        if self.problem:
            return f"✗ {self.problem}"
        if self.wrong:
            return f"✗ {len(self.wrong)} of {self.cells} cells differ"
        inexact = [f"{len(cells)} {word}" for cells, word in ((self.rounded, "rounded"), (self.truncated, "truncated"))
                   if cells]
        return f"✓ all {self.cells} cells correct" + (f" ({', '.join(inexact)})" if inexact else "")


def grade_map(claim: str, output: list[list[float]] | list[list[list[float]]], expected: list[list[list[Any]]],
              tolerance: float | None = None, decimals: int | None = None) -> MapVerdict:
    """Compare a computed map (H×W, or H×W×C) with an answer matrix (H×W×C), cell by cell.

    Each answer cell is graded at the precision it is written with (:mod:`cnncalc.language.precision`): an integer
    exactly, a decimal as the value rounded or cut to its last place.  ``tolerance`` (relative) and
    ``decimals`` (answers known to be rounded to that many places) widen it when given.
    """
    from ..language.precision import Written, grade_number

    rows = [[cell if isinstance(cell, list) else [cell] for cell in row] for row in output]
    shape = (len(rows), len(rows[0]), len(rows[0][0]))
    given_shape = (len(expected), len(expected[0]), len(expected[0][0]))
    if shape != given_shape:
        problem = (f"the answer is {'×'.join(map(str, given_shape[:2]))}"
                   f"{f'×{given_shape[2]}' if given_shape[2] > 1 else ''}, the output is "
                   f"{'×'.join(map(str, shape[:2]))}{f'×{shape[2]}' if shape[2] > 1 else ''}")
        return MapVerdict(claim, "wrong", (), (), math.prod(shape), problem)
    found: dict[str, list[tuple[int, int, int]]] = {"wrong": [], "rounded": [], "truncated": [], "correct": []}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            for k, true in enumerate(cell):
                given = expected[r][c][k]
                written = given if isinstance(given, Written) else Written(float(given))
                found[grade_number(written, true, tolerance, decimals)].append((r, c, k))
    status = "wrong" if found["wrong"] else "rounded" if found["rounded"] or found["truncated"] else "correct"
    return MapVerdict(claim, status, tuple(found["wrong"]), tuple(found["rounded"]), math.prod(shape), "",
                      tuple(found["truncated"]))
