"""The worked questions of an answer file: a [[conv]] or [[pool]] map computed and compared cell by cell, and a
[[stride]] question, each read field by field with the type it must have."""

from __future__ import annotations

import os
from typing import Any

from ..errors import CnnCalcError, shorten
from .answers import MapVerdict, Verdict, grade_map


def map_verdict(verdict: MapVerdict, worked: Any, expected: Any) -> Verdict:
    """A feature-map grade as one report row, explaining the first wrong cell."""
    from ..numeric.worked import explain, format_value

    rows = worked.output.shape[0]
    given = f"{len(expected)}×{len(expected[0])} map"
    correct = f"{rows}×{worked.output.shape[1]} map"
    if verdict.problem or not verdict.wrong:
        inexact = [f"{len(cells)} cell(s) {word}" for cells, word in ((verdict.rounded, "rounded"),
                                                                      (verdict.truncated, "truncated")) if cells]
        return Verdict(verdict.claim, given, correct, verdict.status, note=verdict.problem or ", ".join(inexact))
    r, c, k = verdict.wrong[0]
    true = worked.output[r, c] if worked.output.ndim == 2 else worked.output[r, c, k]
    cells = ", ".join(f"({wr + 1},{wc + 1})" for wr, wc, _ in verdict.wrong[:8])
    note = (f"{len(verdict.wrong)} of {verdict.cells} cells differ: {cells}"
            f"{', …' if len(verdict.wrong) > 8 else ''}; ({r + 1},{c + 1}) is {format_value(true)}, "
            f"not {expected[r][c][k].text or format_value(expected[r][c][k].value)}")
    return Verdict(verdict.claim, given, correct, "wrong", "\n".join(explain(worked, r + 1, c + 1)), note)


def _kind(value: Any) -> str:
    """How a TOML value reads in a message: 'the string "false"', 'a list', 'the number 5'."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f'the string "{shorten(value)}"'
    if isinstance(value, (int, float)):
        return f"the number {shorten(str(value))}"
    if isinstance(value, list):
        return "a list"
    return "a table" if isinstance(value, dict) else f"a {type(value).__name__}"


class _Question:
    """One [[conv]] or [[pool]] table, read field by field with the type each field must have."""

    def __init__(self, table: Any, kind: str, number: int) -> None:
        if not isinstance(table, dict):
            raise CnnCalcError(f"[[{kind}]] number {number} is {_kind(table)}, not a table",
                               f"write each question as a [[{kind}]] table")
        self.table = table
        self.name = table.get("name", f"{kind} {number}")
        if not isinstance(self.name, str):
            raise CnnCalcError(f"{kind} {number}: 'name' is {_kind(self.name)}", 'write it as name = "stride 1"')

    def get(self, key: str, types: tuple[type, ...], default: Any, example: str) -> Any:
        value = self.table.get(key, default)
        if value is default:
            return value
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise CnnCalcError(f"{self.name}: '{key}' is {_kind(value)}", f"write it as {example}")
        return value

    def choice(self, key: str, choices: tuple[Any, ...], default: Any) -> Any:
        value = self.get(key, (str,), default, f'{key} = "{next(c for c in choices if c)}"')
        if value not in choices:
            raise CnnCalcError(f"{self.name}: '{key}' is {_kind(value)}",
                               f"{key} is one of: {', '.join(str(c) for c in choices if c)}")
        return value

    def number(self, key: str, default: float) -> float:
        from ..numeric.matrices import MAX_MAGNITUDE

        value = self.get(key, (int, float), default, f"{key} = 0.5")
        if not abs(value) <= MAX_MAGNITUDE:
            raise CnnCalcError(f"{self.name}: '{key}' is not a finite number of at most 1e150 in size")
        return float(value)

    def text(self, key: str, default: Any, example: str) -> str:
        return str(self.get(key, (str, int), default, example))


def _matrix(value: Any, base: str, what: str, cells: bool = False) -> Any:
    """A matrix field of a question: a TOML array of rows, literal text or a file; ``cells`` keeps each value
    as written (an answer, graded at its own precision)."""
    from ..numeric.matrices import read_cells, read_matrix

    if isinstance(value, list):  # a TOML array of rows
        if not value or not all(isinstance(row, list) and row and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in row) for row in value):
            raise CnnCalcError(f"{what} is a list but not a list of rows of numbers",
                               'write it as [[1, 0], [0, 1]] or as text: "1 0; 0 1"')
        value = "; ".join(" ".join(str(v) for v in row) for row in value)
    if not isinstance(value, str):
        raise CnnCalcError(f"{what} is {_kind(value)}", 'write it as "1 0 1; 0 1 0", [[1, 0], [0, 1]] or a file name')
    text = value
    if text.lower().endswith((".txt", ".csv", ".npy", ".json")) and not os.path.isabs(text):
        text = os.path.join(base, text)
    return read_cells(text, what) if cells else read_matrix(text, what)


def grade_map_question(kind: str, table: Any, base: str, number: int) -> Verdict:
    """One [[conv]] or [[pool]] question of an answer file."""
    from ..analysis.stride import parse_padding, parse_pair
    from ..numeric.worked import convolve, pool

    q = _Question(table, kind, number)
    if "expect" not in q.table:
        raise CnnCalcError(f"{q.name}: the question has no 'expect' answer")
    image = _matrix(q.table.get("input", ""), base, f"{q.name}: input")
    padding = parse_padding(q.text("padding", "valid", 'padding = 1 or padding = "same"'))
    if kind == "conv":
        from ..model.layers import ACTIVATIONS

        worked = convolve(image, _matrix(q.table.get("kernel", ""), base, f"{q.name}: kernel"),
                          parse_pair(q.text("stride", 1, "stride = 2"), "stride"), padding,
                          parse_pair(q.text("dilation", 1, "dilation = 2"), "dilation"), q.number("bias", 0.0),
                          q.get("flip", (bool,), False, "flip = true (a TOML boolean, without quotes)"),
                          q.choice("activation", (None, *ACTIVATIONS), None))
    else:
        size = parse_pair(q.text("size", 2, "size = 2"), "size")
        stride = parse_pair(q.text("stride", "", "stride = 2"), "stride") if "stride" in q.table else None
        worked = pool(image, size, stride, q.choice("mode", ("max", "avg", "min"), "max"), padding,
                      q.get("ceil", (bool,), False, "ceil = true (a TOML boolean, without quotes)"))
    expected = _matrix(q.table["expect"], base, f"{q.name}: expect", cells=True)
    decimals = q.get("round", (int,), None, "round = 2")
    if decimals is not None and not 0 <= decimals <= 15:
        raise CnnCalcError(f"{q.name}: 'round' is {decimals}", "round to 0 to 15 decimals")
    tolerance = q.number("tolerance", -1.0)
    verdict = grade_map(q.name, worked.output.tolist(), expected, tolerance if tolerance >= 0 else None, decimals)
    return map_verdict(verdict, worked, expected)


def grade_stride_question(table: Any, number: int) -> Verdict:
    """A [[stride]] question: does stride s fit kernel f on input n (padding p), and what size comes out?

    ``fits = false`` and ``output = 2.33`` (the unrounded size, as course notes write it) are graded; ``output``
    may also be the size Keras gives (the floor)."""
    from ..analysis.stride import check, parse_padding, parse_pair
    from ..language.precision import grade_number, read_number
    from ..model.arithmetic import format_number

    q = _Question(table, "stride", number)
    if "fits" not in q.table and "output" not in q.table:
        raise CnnCalcError(f"{q.name}: the question has no 'fits' or 'output' answer")
    report = check(parse_pair(q.text("n", "", "n = 7"), "n"), parse_pair(q.text("f", "", "f = 3"), "f"),
                   parse_pair(q.text("s", 1, "s = 3"), "s"), parse_padding(q.text("p", 0, "p = 1")))
    w = report.axes[0].windows
    exact = float(w.exact)
    formula = w.formula()
    if "fits" in q.table:
        fits = q.get("fits", (bool,), None, "fits = false (a TOML boolean)")
        if fits != report.fits:
            return Verdict(q.name, f"fits = {str(fits).lower()}", f"fits = {str(report.fits).lower()}", "wrong",
                           formula)
    if "output" in q.table:
        given = read_number(str(q.get("output", (int, float, str), None, "output = 2.33")))
        status = grade_number(given, exact)
        if status == "wrong" and given.value == w.output:
            status = "correct"  # the size Keras and PyTorch give: the floor
        if status == "wrong":
            return Verdict(q.name, f"output {given.text}", f"output {format_number(w.exact)}", "wrong", formula)
        shown = f"{'fits' if report.fits else 'does not fit'}; output {given.text}"
        return Verdict(q.name, shown, shown, "rounded" if status in ("rounded", "truncated") else "correct",
                       note=formula)
    return Verdict(q.name, f"fits = {str(report.fits).lower()}", f"fits = {str(report.fits).lower()}", "correct",
                   note=formula)
