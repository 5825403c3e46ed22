"""The worked examples' output, shared by ``conv``, ``pool`` and ``dense``: each ``--then`` step applied, every
step shown (or written as JSON) with the cell ``--explain`` asks for, and the last graded against ``--expect``."""

from __future__ import annotations

import sys
from typing import Any

import click

from .boundary import EXIT_NO
from .terminal import console


def explain_cell(text: str | None) -> tuple[int, int] | None:
    """The output cell R,C (1-based) that --explain names, or None."""
    if text is None:
        return None
    from ..analysis.stride import parse_pair

    row, col = parse_pair(text.replace(",", "x"), "--explain cell R,C")
    return row, col


def emit_worked(steps: list[tuple[str, Any]], cell: tuple[int, int] | None, fmt: str, expect: str | None = None,
                tolerance: float | None = None, decimals: int | None = None) -> None:
    """Show worked steps (a convolution or pooling, then each --then step), grade the last against --expect."""
    from ..numeric.worked import explain, warnings

    worked = steps[-1][1]
    graded = None
    if expect is not None:
        from ..grading.answers import grade_map
        from ..model.records import replace
        from ..numeric.matrices import read_cells
        from ..numeric.worked import ceil_note

        expected = read_cells(expect, "--expect")
        graded = grade_map("--expect", worked.output.tolist(), expected, tolerance, decimals)
        if graded.problem:
            graded = replace(graded, problem=graded.problem + ceil_note(worked, (len(expected), len(expected[0]))))
        if cell is None and graded.wrong:
            cell = (graded.wrong[0][0] + 1, graded.wrong[0][1] + 1)

    def fits(step: Any) -> bool:
        return cell is not None and cell[0] <= step.output.shape[0] and cell[1] <= step.output.shape[1]

    if cell is not None and not any(fits(step) for _, step in steps):
        explain(worked, *cell)  # outside every step's map: its error says which cells there are

    if fmt == "json":
        import json

        click.echo(json.dumps(worked_document(steps, cell, fits, graded), ensure_ascii=False))
    else:
        from ..views.numeric_view import worked_renderable

        out = console()
        for number, (title, step) in enumerate(steps, start=1):
            last = number == len(steps)
            marks = {(r, c) for r, c, _ in graded.wrong} if graded is not None and last else None
            if number > 1:
                out.print()
            out.print(worked_renderable(step, title, cell if fits(step) else None, marks, out.width))
            for text in warnings(step):
                out.print(f"⚠ {text}", style="yellow", highlight=False)
        if graded is not None:
            out.print(graded.summary(), style="bold green" if graded.ok else "bold red")
    if graded is not None and not graded.ok:
        sys.exit(EXIT_NO)


def worked_document(steps: list[tuple[str, Any]], cell: tuple[int, int] | None, fits: Any,
                    graded: Any) -> dict[str, Any]:
    """--format json: the last map as "output" (what conv and pool read back), each step when there are several."""
    from ..numeric.worked import explain, format_value, warnings

    def number(value: float) -> float | int:
        return int(value) if float(value).is_integer() else float(format_value(value))

    def rows(worked: Any) -> list[Any]:
        return [[number(v) if not isinstance(v, list) else [number(x) for x in v] for v in row]
                for row in worked.output.tolist()]

    worked = steps[-1][1]
    document: dict[str, Any] = {"output": rows(worked)}
    if cell is not None and fits(worked):
        document["explain"] = explain(worked, *cell)
    if warnings(worked):
        document["warnings"] = warnings(worked)
    if len(steps) > 1:
        document["steps"] = [{"step": title, "output": rows(step), **({"explain": explain(step, *cell)}
                                                                      if cell is not None and fits(step) else {})}
                             for title, step in steps]
    if graded is not None:
        document["status"] = graded.status
        document["wrong"] = [[r + 1, c + 1] for r, c, _ in graded.wrong]
        document["rounded"] = [[r + 1, c + 1] for r, c, _ in graded.rounded]
        document["truncated"] = [[r + 1, c + 1] for r, c, _ in graded.truncated]
        if graded.problem:
            document["problem"] = graded.problem
    return document


def then_steps(steps: list[tuple[str, Any]], then: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Each --then step applied to the map before it."""
    from ..numeric.worked import step

    for text in then:
        output = steps[-1][1].output
        matrix = output[..., None] if output.ndim == 2 else output
        steps.append(step(matrix.tolist(), text))
    return steps


THEN_HELP = ("A next worked step on the result, written as a spec layer: relu (or another activation), pool2, "
             "avgpool2 s1, pool3 s2 p1, pool2 ceil. Repeat for a chain; each step is shown, and --explain and "
             "--expect apply to it as they do to the first.")
