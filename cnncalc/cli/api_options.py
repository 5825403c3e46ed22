"""The options of the Python API checked as the command line's would be: the extra columns, the choices, a size
such as ``2GiB`` and a receptive field's cell."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import CnnCalcError, shorten

__all__ = ["choose", "columns", "parse_cell_option", "parse_size"]


def columns(text: str | None, verbose: bool) -> tuple[str, ...]:
    """The extra columns asked for: every one with ``verbose``, else the comma-separated names of ``text``."""
    from ..analysis.pipeline import COLUMNS

    if verbose:
        return COLUMNS
    if not text:
        return ()
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise CnnCalcError(f"unknown column '{unknown[0]}'", f"columns are: {', '.join(COLUMNS)}")
    return names


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


def parse_size(text: str) -> int:
    """'2GiB', '512MiB', '1.5GB' or a byte count.

    >>> parse_size("2GiB"), parse_size("1.5 kB"), parse_size("512")
    (2147483648, 1500, 512)
    """
    import re

    match = re.fullmatch(r"\s*(\d{1,20})(?:\.(\d{1,20}))?\s*([kmgtpe]?)(i?b?)\s*", text.lower())
    if not match:
        raise CnnCalcError(f"cannot read the size '{shorten(text)}'",
                           "write it as 2GiB, 512MiB or a number of bytes, at most 20 digits")
    base = 1024 if match[4].startswith("i") or not match[4] else 1000
    scale = base ** "bkmgtpe".index(match[3] or "b")
    if match[2] is None:  # the default, 2GiB, among them: no fractions to import at start-up
        return int(match[1]) * scale
    from fractions import Fraction

    return int(Fraction(f"{match[1]}.{match[2]}") * scale)
