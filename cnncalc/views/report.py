"""How graded answers are shown: a rich table per file, or one row per file as CSV or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..grading.answers import Verdict
from ..grading.homework import FileReport

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["print_report", "report_renderable", "to_csv", "to_json"]

MARKS = {"correct": "✓", "rounded": "✓ rounded", "wrong": "✗", "unchecked": "?"}


def _why(verdict: Verdict) -> str:
    note, arithmetic = verdict.note, verdict.arithmetic
    return f"{note}\n{arithmetic}" if note and arithmetic else note or arithmetic


def report_renderable(report: FileReport, title: str | None = None, width: int | None = None) -> RenderableType:
    """Claim, given, correct, ✓/✗ and, for each ✗, the arithmetic; then the score.

    Every cell is a :class:`~rich.text.Text`: an answer such as '[batch_size, 26, 26, 33]' or a pasted line
    with '[bold]' is printed as written, never read as markup.  In a console ``width`` columns wide, the claims
    stay whole and the other columns break between words (the answers only when they must)."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, title=Text(title) if title else None, title_justify="left",
                  title_style="bold")
    rows = _cells(report)
    widths = _widths(rows, width) if width is not None else None
    for number, column in enumerate(COLUMNS):
        table.add_column(column, overflow="fold", width=widths[number] if widths is not None else None)
    for verdict, cells in zip(report.verdicts, rows):
        style = {"wrong": "red", "unchecked": "yellow"}.get(verdict.status, "green")
        table.add_row(*(Text(cell, style=style if column == 3 else "") for column, cell in enumerate(cells)))
    return Group(table, Text(_score(report), style="bold green" if _all_right(report) else "bold red"))


COLUMNS = ("Claim", "Given", "Correct", "", "Why")


def _widths(rows: list[list[str]], width: int) -> list[int] | None:
    """Column widths within ``width``: each claim, answer and mark whole and the reasons broken between words; else
    the answers broken between words too; None when even that does not fit (the cells are then folded)."""
    texts = [[title, *(cells[column] for cells in rows)] for column, title in enumerate(COLUMNS)]
    whole = [max(len(line) for text in column for line in text.split("\n")) for column in texts]
    words = [max((len(word) for text in column for word in text.split()), default=0) for column in texts]
    room = width - (3 * len(COLUMNS) + 1)
    for widths in ([*whole[:4], words[4]], [whole[0], words[1], words[2], whole[3], words[4]]):
        if sum(widths) <= room:
            widths[4] = max(widths[4], min(whole[4], room - sum(widths[:4])))
            return widths
    return None


def _cells(report: FileReport) -> list[list[str]]:
    """Each verdict's cells, as plain text."""
    return [[verdict.claim, verdict.given, verdict.correct, MARKS[verdict.status],
             _why(verdict) if verdict.status == "wrong" or verdict.note else ""] for verdict in report.verdicts]


def _all_right(report: FileReport) -> bool:
    right, total = report.score
    return right == total


def _score(report: FileReport) -> str:
    right, total = report.score
    unchecked = sum(1 for verdict in report.verdicts if verdict.status == "unchecked")
    return f"{right}/{total} correct" + (f"; {unchecked} unchecked" if unchecked else "")


def print_report(console: Console, report: FileReport, title: str | None = None) -> None:
    """Print a report to a console: the table, or past :data:`~cnncalc.views.render.STREAM_ROWS` verdicts, its rows
    as plain fixed-width lines written as they are made, then the score."""
    from .render import STREAM_ROWS, grid_lines, stream_note, write_lines

    if len(report.verdicts) <= STREAM_ROWS:
        console.print(report_renderable(report, title, console.width))
        return
    head = [title] if title else []
    write_lines(console, [*head, *grid_lines(list(COLUMNS), _cells(report), limit=40), _score(report),
                          stream_note(len(report.verdicts), "report")])


def _row(report: FileReport) -> dict[str, Any]:
    right, total = report.score
    return {"name": report.name, "score": f"{right}/{total}", "correct": right, "total": total,
            "verdicts": {v.claim: v.status for v in report.verdicts}}


def to_json(reports: list[FileReport]) -> str:
    """One object per file: name, score and each claim's verdict, plus the details."""
    import json

    rows = []
    for report in reports:
        row = _row(report)
        row["details"] = [{"claim": v.claim, "given": v.given, "correct": v.correct, "status": v.status,
                           "arithmetic": v.arithmetic, "note": v.note} for v in report.verdicts]
        rows.append(row)
    return json.dumps(rows, indent=2, ensure_ascii=False)


def to_csv(reports: list[FileReport]) -> str:
    """One row per file: name, score, then a column per claim (the union over all files)."""
    import csv
    import io

    claims: list[str] = []
    for report in reports:
        claims += [v.claim for v in report.verdicts if v.claim not in claims]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "score", *claims])
    for report in reports:
        verdicts = {v.claim: v.status for v in report.verdicts}
        right, total = report.score
        writer.writerow([report.name, f"{right}/{total}", *(verdicts.get(claim, "") for claim in claims)])
    return out.getvalue().rstrip("\n")
