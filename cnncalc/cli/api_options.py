"""The options of the Python API checked as the command line's would be: the choices, and a receptive field's
cell (the extra columns and sizes such as ``2GiB`` are read by :mod:`.preparing`, as the command reads them)."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import CnnCalcError, shorten

__all__ = ["choose", "parse_cell_option"]


def choose(option: str, value: str | None, choices: tuple[str, ...]) -> None:
    """Refuse a value the CLI's option would refuse."""
    if value is not None and value not in choices:
        raise CnnCalcError(f"{option} must be one of {', '.join(choices)}, not {value!r}")


def parse_cell_option(rf: str | Iterable[int] | None) -> tuple[int, int] | None:
    """``rf=`` as ``"ROW,COL"`` (the text ``--rf`` takes) or ``(ROW, COL)``: two whole numbers from 0.

    >>> parse_cell_option("3,5"), parse_cell_option((0, 2)), parse_cell_option(None)
    ((3, 5), (0, 2), None)
    """
    if rf is None:
        return None
    if isinstance(rf, str):
        from ..analysis.cell_field import parse_cell

        return parse_cell(rf)
    cell = tuple(rf) if isinstance(rf, tuple | list) else ()
    if not (len(cell) == 2 and all(type(n) is int and n >= 0 for n in cell)):
        raise CnnCalcError(f"rf takes (ROW, COL), two whole numbers from 0; not {shorten(repr(rf))}")
    return cell[0], cell[1]
