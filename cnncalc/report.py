"""How graded answers are shown: a rich table per file, or one row per file as CSV or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .answers import Verdict
from .grading import FileReport

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["report_renderable", "to_csv", "to_json"]

MARKS = {"correct": "✓", "rounded": "✓ rounded", "wrong": "✗", "unchecked": "?"}


def _why(verdict: Verdict) -> str:
    return "\n".join(part for part in (verdict.note, verdict.arithmetic) if part)


def report_renderable(report: FileReport, title: str | None = None) -> RenderableType:
    """Claim, given, correct, ✓/✗ and, for each ✗, the arithmetic; then the score."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", title_style="bold")
    for column in ("Claim", "Given", "Correct", "", "Why"):
        table.add_column(column, overflow="fold")
    for verdict in report.verdicts:
        style = {"wrong": "red", "unchecked": "yellow"}.get(verdict.status, "green")
        table.add_row(verdict.claim, verdict.given, verdict.correct, Text(MARKS[verdict.status], style=style),
                      _why(verdict) if verdict.status == "wrong" or verdict.note else "")
    right, total = report.score
    unchecked = sum(1 for verdict in report.verdicts if verdict.status == "unchecked")
    tail = f"; {unchecked} unchecked" if unchecked else ""
    return Group(table, Text(f"{right}/{total} correct{tail}", style="bold green" if right == total else "bold red"))


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
