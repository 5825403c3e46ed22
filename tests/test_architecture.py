"""The pipeline stays visible: text → graph → analysis → views, and views compute nothing.

issue 11: renderers receive finished rows; today's `render.py` must not reach back into the
analysis modules (costs, receptive fields, twins) to compute what it prints.
"""

from __future__ import annotations

import ast

from .conftest import ROOT

VIEWS = ("render.py", "report.py", "stride_view.py", "numeric_view.py")

def imported(path: str) -> set[str]:
    """The package modules a file imports at run time (type-checking-only imports name types, not work)."""
    tree = ast.parse((ROOT / "cnncalc" / path).read_text(encoding="utf-8"))
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", "") == "TYPE_CHECKING" for node in ast.walk(block)}
    return {node.module or "" for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in typing_only}


def test_views_do_not_compute_costs_or_receptive_fields() -> None:
    for view in VIEWS:
        reached = imported(view) & {"costs", "flops", "receptive", "twins"}
        assert not reached, f"{view} imports {sorted(reached)}: pass the analysis in instead"


def test_the_summary_view_reads_an_analysis() -> None:
    assert "analysis" in imported("render.py")
