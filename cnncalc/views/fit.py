"""Text within a console's width: lines broken between words, and a table's columns as narrow as they may be.

Nothing here cuts a word, a number or a shape: a line too long is broken at a space, and a table that cannot be
narrowed enough is reported as such (``None``) so that its caller draws something else.

>>> fill("windows start at 0 and 3; column 6 is never covered", 30, "  ")
['  windows start at 0 and 3;', '    column 6 is never covered']
"""

from __future__ import annotations

__all__ = ["column_widths", "fill", "fill_lines", "fit_widths"]


def fill(line: str, width: int, indent: str = "") -> list[str]:
    """``line`` after ``indent``, within ``width``, broken between words; its later lines are indented two more.
    A word longer than the width stays whole."""
    if len(indent) + len(line) <= width:
        return [indent + line]
    import textwrap  # only for a narrow console

    return textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False) or [indent + line]


def fill_lines(lines: list[str], width: int | None) -> list[str]:
    """Lines that each keep their own indent, the long ones filled to ``width``.

    >>> fill_lines([" Total MACs: 62,192 (multiply-accumulates)", "   short"], 30)
    [' Total MACs: 62,192', '   (multiply-accumulates)', '   short']
    """
    if width is None:
        return lines
    return [part for line in lines
            for part in fill(line.lstrip(), width, line[: len(line) - len(line.lstrip())])]


def column_widths(titles: list[str], rows: list[list[str]], linked: int | None = None) -> list[int]:
    """The narrowest each column can be so that nothing is cut or folded.

    Names may wrap between words ("max_pooling2d_4" over "(MaxPooling2D)"), and so may the "Connected to"
    column (index ``linked``) and both titles, so those columns need only their longest word; every other
    column needs its widest cell and title line whole.
    """
    breakable = {0, linked}
    widths = [max(len(word) for word in (title.split() if column in breakable else title.split("\n")))
              for column, title in enumerate(titles)]
    for cells in rows:
        for column, cell in enumerate(cells):
            pieces = cell.split() if column in breakable else cell.split("\n")
            widths[column] = max(widths[column], *(len(piece) for piece in pieces))
    return widths


def fit_widths(widths: list[int], titles: list[str], rows: list[list[str]], linked: int | None,
               room: int) -> list[int] | None:
    """Column widths within ``room`` (the console less the borders), from the narrowest ``widths``; None if even
    those do not fit.  What is left goes first to keeping each input of "Connected to" whole, then each name
    whole, then each list of inputs on one line."""
    if sum(widths) > room:
        return None
    fitted = list(widths)

    def widen(column: int, target: int) -> None:
        fitted[column] = max(fitted[column], min(target, fitted[column] + room - sum(fitted)))

    def widest(column: int, split: str) -> int:
        return max(len(part) for text in [titles[column], *(cells[column] for cells in rows)]
                   for part in text.split(split))

    if linked is not None:
        widen(linked, widest(linked, ", "))
    widen(0, widest(0, "\n"))
    if linked is not None:
        widen(linked, widest(linked, "\n"))
    return fitted
