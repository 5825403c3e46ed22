"""The pipeline stays visible: the package's floors import only downward, and views compute nothing.

docs/architecture.md draws the house; this test keeps the drawing true.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "cnncalc"
#: the floors from the ground up; a module may import its own floor and the floors below it
FLOORS = ("errors", "lazy", "model", "language", "zoo", "graph", "analysis", "numeric", "readers", "grading", "views",
          "cli")
#: crossings that remain, each with why; this list may only shrink
KNOWN_CROSSINGS: set[tuple[str, str]] = set()
#: the most lines a module may have: a unit past it holds several concepts, and is split into them
MAX_LINES = 300
#: modules still past MAX_LINES, each with why; this list may only shrink
LARGE_MODULES: dict[str, str] = {
    # none today; a module past MAX_LINES is listed here only while it is being split, with what it holds
}
VIEWS = ("views/render.py", "views/table.py", "views/cells.py", "views/footer.py", "views/streaming.py",
         "views/markdown.py", "views/csv_view.py", "views/units.py", "views/json_view.py", "views/report.py",
         "views/stride_view.py", "views/numeric_view.py")


def floor_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported(path: Path) -> set[str]:
    """The package modules a file imports at run time, as 'floor.module' (type-checking-only imports do no work)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", "") == "TYPE_CHECKING" for node in ast.walk(block)}
    here = path.relative_to(PACKAGE).parent.parts
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or id(node) in typing_only or node.level == 0:
            continue
        base = list(here[: len(here) - (node.level - 1)]) if node.level > 1 else list(here)
        target = [*base, *(node.module.split(".") if node.module else [])]
        if node.module is None:  # from . import x
            found.update(".".join([*target, alias.name]) for alias in node.names)
        else:
            found.add(".".join(target))
    return found


def modules() -> list[Path]:
    """Every module on a floor: a package's __init__ too (one such as grading/selfcheck's holds code), but not the
    package's own __init__ and __main__."""
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.parent != PACKAGE or p.name not in ("__init__.py", "__main__.py"))


def test_every_floor_imports_only_downward() -> None:
    crossings = set()
    for path in modules():
        mine = FLOORS.index(floor_of(path)) if floor_of(path) in FLOORS else None
        assert mine is not None, f"{path.relative_to(PACKAGE)} is on no floor: add it to docs/architecture.md"
        for target in imported(path):
            floor = target.split(".")[0]
            if floor in FLOORS and FLOORS.index(floor) > mine:
                crossings.add((str(path.relative_to(PACKAGE)), target))
    assert crossings <= KNOWN_CROSSINGS, f"imports that go up a floor: {sorted(crossings - KNOWN_CROSSINGS)}"
    assert crossings == KNOWN_CROSSINGS, f"fixed, so strike from KNOWN_CROSSINGS: {sorted(KNOWN_CROSSINGS - crossings)}"


def test_the_test_sees_a_crossing() -> None:
    # the floor reader itself: views/render.py is known to import analysis and graph modules
    assert {"analysis.pipeline", "graph.network"} <= imported(PACKAGE / "views" / "render.py")


def test_the_floors_are_the_documented_ones() -> None:
    drawn = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for floor in FLOORS:
        assert f"`{floor}/`" in drawn or f"`{floor}.py`" in drawn, f"docs/architecture.md does not draw {floor}"
    on_disk = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert on_disk == set(FLOORS) - {"errors", "lazy"}


def test_views_do_not_compute_costs_or_receptive_fields() -> None:
    for view in VIEWS:
        computing = ("analysis.costs", "analysis.flops", "analysis.receptive", "numeric.twins")
        reached = {target for target in imported(PACKAGE / view)  # a package's modules too: analysis.flops.totals
                   if any(target == room or target.startswith(room + ".") for room in computing)}
        assert not reached, f"{view} imports {sorted(reached)}: pass the analysis in instead"


def test_the_summary_view_reads_an_analysis() -> None:
    assert "analysis.pipeline" in imported(PACKAGE / "views" / "render.py")


def test_no_module_is_past_the_size_limit() -> None:
    lines = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    over = {path for path, count in lines.items() if count > MAX_LINES}
    assert over <= LARGE_MODULES.keys(), \
        f"past {MAX_LINES} lines: split into concepts {sorted((p, lines[p]) for p in over - LARGE_MODULES.keys())}"
    assert over == LARGE_MODULES.keys(), f"now under {MAX_LINES} lines, so strike from LARGE_MODULES: " \
                                         f"{sorted(LARGE_MODULES.keys() - over)}"


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """Each module that reaches itself through the imports of others, with the path."""
    found = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            module, path = stack.pop()
            for target in sorted(graph.get(module, ())):
                if target == start:
                    found.append(" -> ".join((*path, target)))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, (*path, target)))
    return found


def test_no_module_imports_itself_through_others() -> None:
    # a cycle of run-time imports (the model-code interpreter and its spec writer once called each other) makes
    # a room that cannot be read, nor loaded, one module at a time
    graph = {".".join(p.relative_to(PACKAGE).with_suffix("").parts): imported(p) for p in modules()}
    assert not cycles(graph), f"modules that import themselves through others: {cycles(graph)[:5]}"


def test_the_cycle_test_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert cycles(graph) == ["a -> b -> c -> a", "b -> c -> a -> b", "c -> a -> b -> c"]
