"""The file's top level, where a statement that fails is kept as its error on the names it binds or touches, and
a block the run decides leaves the names it sets to the run (the values it would give them named)."""

from __future__ import annotations

import ast
from typing import Any

from .values import Builtin, Failed, FrameworkClass, Function, Namespace, UserClass


def failed_names(statement: ast.stmt, env: dict[str, Any], imported: set[str]) -> list[str]:
    """The names a failed top-level statement's error is kept on: those it binds (``h, w = …``: both), or, for a
    statement on a name whose own assignment failed (``netG.apply(init)``), what it touches: the name it calls a
    method of when it does (``model.fit(x_train, …)`` is the model's, not the data's), never a module's name."""
    targets = statement.targets if isinstance(statement, ast.Assign) else []
    names = [n.id for t in targets for n in unpacked(t)]
    if names:
        return names
    mentioned = [n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and n.id in env]
    if not any(isinstance(env[name], Failed) for name in mentioned):
        return []
    receiver = _receiver(statement)
    return [name for name in mentioned if name not in imported and (receiver is None or name == receiver) and
            not isinstance(env[name], (UserClass, Function, Namespace, FrameworkClass, Builtin))]


def block_constants(block: list[ast.stmt], name: str) -> list[str]:
    """The numbers and short strings a block assigns to a name (nc=3 in one branch, nc=1 in another), as written."""
    shown: list[str] = []
    for statement in block:
        for node in ast.walk(statement):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets) \
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, float, str)):
                text = repr(node.value.value)
                if len(text) <= 20 and text not in shown:
                    shown.append(text)
    return shown


def _receiver(statement: ast.stmt) -> str | None:
    """The name a statement calls a method of (netG in ``netG.apply(init)``, model in ``model.fit(x, y)``), or None
    for a statement of another kind."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    func = statement.value.func
    while isinstance(func, (ast.Attribute, ast.Call, ast.Subscript)):
        func = func.func if isinstance(func, ast.Call) else func.value
    return func.id if isinstance(func, ast.Name) and func is not statement.value.func else None


def unpacked(target: ast.expr) -> list[ast.Name]:
    """The names an assignment binds: ``x``, and each of ``h, (w, *rest)`` (not ``l[0]`` nor ``self.fc``)."""
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, ast.Starred):
        return unpacked(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in unpacked(element)]
    return []
