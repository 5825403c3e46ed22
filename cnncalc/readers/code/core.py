"""The interpreter's core: where work and depth are counted, and where Python's own errors become errors at the
code's line."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import Any

from ...errors import CodeError
from .limits import MAX_DEPTH, MAX_LENGTH, MAX_NESTING, MAX_WORK, _count, _length, _weight
from .records import Lines, Node, _code_error
from .values import Scope, Sequential, Unknown


class _TooMuchWorkError(CodeError):
    """The file's budget of work is spent: fatal, never kept as one assignment's error (every later step would
    fail the same way)."""


#: Python's own errors from operating on the code's values: -'a' (TypeError), [][0] (IndexError), {[1]: 2},
#: int(float('inf')) (OverflowError), 1 / 0, a C-level recursion, an allocation that fails.
_PYTHON_ERRORS = (ArithmeticError, LookupError, TypeError, ValueError, AttributeError, RuntimeError, MemoryError)


def _followed(method: Callable[[Any, Any, Scope], Any]) -> Callable[[Any, Any, Scope], Any]:
    """Wraps :meth:`Interpreter.statement`, through which every statement is followed (and
    :meth:`Interpreter.eval`, through which every expression is, does the same inline): where work and depth are
    counted, and where Python's own errors on the code's values become errors at the innermost construct that made
    them (an outer one sees a CodeError, which it lets through)."""
    @functools.wraps(method)
    def follow(self: Core, node: Any, env: Scope) -> Any:
        self.work += 1
        self.depth += 1
        try:
            if self.work > MAX_WORK or self.depth > MAX_DEPTH:  # the checks of charge() and enter(), inlined: this
                self.charge(0, node)                            # runs for every construct of the file
                self.enter(node, 0)
            return method(self, node, env)
        except _PYTHON_ERRORS as error:
            raise self.python_error(error, node) from None
        finally:
            self.depth -= 1
    return follow


class Core:
    """The bounded state of one reading: the nodes built, the work spent, how deep it is."""

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self.lines = Lines(text)  # split only when an error shows one
        self.nodes: list[Node] = []
        self.work = 0  # units of MAX_WORK spent
        self.depth = 0  # statements and expressions being followed, one inside the other
        self.inside_model = 0  # > 0 while a model is being built: unknown values are errors there
        self.strict = 0  # > 0 while tensors flow (forward, a functional block): a run-time branch is an error

    def line_of(self, node: ast.AST) -> int:
        """The node's line in its file (:meth:`.records.Lines.line`)."""
        source = getattr(node, "cnncalc_source", None)
        return (source.lines if source is not None else self.lines).line(node)

    def error(self, node: ast.AST | None, message: str, hint: str | None = None) -> CodeError:
        return _code_error(self.path, self.lines, node, message, hint)

    def python_error(self, error: Exception, node: ast.AST) -> CodeError:
        """What Python would raise here, as an error at the construct."""
        if isinstance(error, (RecursionError, MemoryError)):
            return self.error(node, "this is nested or sized beyond what cnncalc follows",
                              "build the model without recursion or huge values, or write it as a spec")
        # a KeyError's text is the key's repr, which may be as large as the key: name only its type
        detail = f"{type(error).__name__}" if isinstance(error, LookupError) else \
            f"{type(error).__name__}: {str(error)[:200]}"
        return self.error(node, f"Python fails here when the code runs ({detail})",
                          "cnncalc reads the code as Python would run it: fix this line, or write the model as a "
                          "spec")

    def enter(self, node: ast.AST | None, levels: int = 1) -> None:
        """``levels`` deeper into the code (the caller takes them back off ``depth``): recursion is refused here,
        at about four of Python's frames a level, long before Python's own limit of 1,000."""
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.error(node, f"calls and expressions nest more than {MAX_DEPTH} deep here",
                             "cnncalc does not follow recursion: build the model without it, or write it as a spec")

    def charge(self, units: int, node: ast.AST | None) -> None:
        """Count work done for the code, and refuse the file once it has asked for more than MAX_WORK."""
        self.work += units
        if self.work > MAX_WORK:
            raise _code_error(self.path, self.lines, node, f"more than {MAX_WORK:,} units of work to follow this "
                              "file", "a model definition takes far less: write a long loop's layers as a spec",
                              _TooMuchWorkError)

    def touch(self, value: Any, node: ast.AST) -> Any:
        """A value walked item by item (compared, hashed, sorted, printed): its size charged, its nesting bounded."""
        size, depth = _weight(value, MAX_WORK - self.work + 1)
        if depth > MAX_NESTING:
            raise self.error(node, f"a value nested more than {MAX_NESTING} deep",
                             "cnncalc compares and hashes values of at most this depth")
        self.charge(size, node)
        return value

    def items(self, value: Any, node: ast.AST) -> list[Any]:
        """The items of a sequence the code expands or unpacks (*x, a, *b = x, list(x)), refused when too long."""
        if isinstance(value, Sequential):
            value = value.layers
        length = _length(value)
        if length is None and isinstance(value, Unknown):  # its reason, at the code that made it
            raise self.error(value.node or node, f"this needs the items of {value.why}, which is only known when "
                             "the code runs", "use a constant range or list")
        if length is None:
            raise self.error(node, "this is not a sequence cnncalc can expand")
        if length > MAX_LENGTH:
            raise self.error(node, f"a sequence of {_count(length)} items, over the {MAX_LENGTH:,} cnncalc follows",
                             "a model definition needs far fewer: write the layers as a spec, with [ … ]xN")
        self.charge(length, node)
        return list(value)
