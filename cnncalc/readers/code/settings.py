"""``--set NAME=VALUE``: a module-level name of the model's file fixed to a literal, as a script's run would set it
(``nc`` is 3 or 1 as the data set the command line names decides). VALUE is read with cnncalc's own literal reader
(numbers, strings, True, False, None, tuples, lists and dicts of them), never evaluated; the file's own assignments
to the name, at its top level, leave it as it is fixed."""

from __future__ import annotations

import ast
from typing import Any

from ...errors import CnnCalcError
from .model_argument import MAX_MODEL_ARGUMENT, _literal

#: The most names --set fixes.
MAX_SETTINGS = 100


class FixedScope(dict[str, Any]):
    """The main file's names, where the names --set fixes keep their value whatever the file assigns them."""

    __slots__ = ("fixed",)

    def __init__(self, fixed: dict[str, Any]) -> None:
        super().__init__(fixed)
        self.fixed = fixed

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self.fixed:
            super().__setitem__(key, value)


def parse_settings(settings: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` texts as names and literal values."""
    if len(settings) > MAX_SETTINGS:
        raise CnnCalcError(f"--set is given {len(settings)} times, over the {MAX_SETTINGS} cnncalc takes")
    fixed: dict[str, Any] = {}
    for text in settings:
        name, equals, value = text.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier() or len(text) > MAX_MODEL_ARGUMENT:
            raise CnnCalcError(f"--set {text[:60]}: not NAME=VALUE", "give a module-level name of the file and a "
                               "literal: --set nc=3, --set \"mode='small'\"")
        if name in fixed:
            raise CnnCalcError(f"--set {name} is given twice")
        try:
            tree = ast.parse(value.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise CnnCalcError(f"--set {text[:60]}: {value.strip()[:40]!r} is not a literal",
                               "give a number, a quoted string, True, False, None, or a tuple, list or dict of "
                               "them") from None
        try:
            fixed[name] = _literal(tree.body, text, 0)
        except CnnCalcError:
            raise CnnCalcError(f"--set {text[:60]}: {value.strip()[:40]} is not a literal",
                               "give a number, a quoted string, True, False, None, or a tuple, list or dict of "
                               "them") from None
    return fixed


def check_settings(fixed: dict[str, Any], tree: ast.Module) -> None:
    """Each name --set fixes is one the file binds at its top level (a misspelt name would fix nothing)."""
    if not fixed:  # nothing to look for: the file's tree is not walked
        return
    bound: set[str] = set()
    waiting: list[ast.AST] = list(tree.body)
    while waiting:
        node = waiting.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".")[0])
        waiting.extend(ast.iter_child_nodes(node))
    for name in fixed:
        if name not in bound:
            raise CnnCalcError(f"--set {name}: the file sets no name '{name}' at its top level",
                               "--set fixes a module-level name the file assigns (nc = 3)")


def settings_note(fixed: dict[str, Any]) -> str | None:
    if not fixed:
        return None
    shown = ", ".join(f"{name} = {value!r}"[:60] for name, value in fixed.items())
    return f"read with the names --set fixes: {shown}"
