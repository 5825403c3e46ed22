"""The model's own checks of its input: ``torch._assert(h == self.image_size, "Wrong image height!")`` and Python's
``assert``. One that fails for the given input is an error at its line, as PyTorch stops there; one whose outcome is
only known when the code runs is not followed (nor is a plain ``assert`` whose condition cnncalc cannot read:
Python run with -O skips them too)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...errors import CnnCalcError
from .limits import _is_plain

if TYPE_CHECKING:
    from .calls import Interpreter
    from .values import Scope


def model_check(interpreter: Interpreter, condition: Any, message: Any, node: ast.AST) -> None:
    """A check that holds, or cannot be known here, lets the code go on; one that fails is refused at its line."""
    if isinstance(condition, (bool, int, float, str, tuple, list, dict)) and _is_plain(condition) and not condition:
        said = f": {message[:200]}" if isinstance(message, str) and message else ""
        raise interpreter.error(node, f"the model's own check fails for this input{said}",
                                "give the input the model is built for (--input), or fix its arguments")


def torch_assert(interpreter: Interpreter, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> None:
    """``torch._assert(condition, message)``."""
    condition = args[0] if args else kwargs.get("condition", True)
    message = args[1] if len(args) > 1 else kwargs.get("message")
    model_check(interpreter, condition, message, node)


def assert_statement(interpreter: Interpreter, statement: ast.Assert | ast.Raise, env: Scope) -> None:
    """``assert condition, message``: the condition read if cnncalc can read it, the message only if it fails;
    ``raise ValueError(…)`` reached as the code runs: the model stops there."""
    if isinstance(statement, ast.Raise):
        raise interpreter.error(statement, "the model raises an error here for these arguments and this input, as "
                                "the code runs", "give the arguments and the input the model is built for, or write "
                                "the model as a spec")
    made = len(interpreter.nodes)
    try:
        condition = interpreter.eval(statement.test, env)
    except CnnCalcError:
        return
    if len(interpreter.nodes) != made:  # layers applied inside the check: rows PyTorch records, or not under -O
        raise interpreter.error(statement, "an assert that applies layers, which cnncalc does not follow",
                                "check the shapes outside the assert, or write the model as a spec")
    if isinstance(condition, (bool, int, float, str, tuple, list, dict)) and _is_plain(condition) and not condition:
        try:
            message = interpreter.eval(statement.msg, env) if statement.msg is not None else None
        except CnnCalcError:
            message = None
        model_check(interpreter, condition, message, statement)
