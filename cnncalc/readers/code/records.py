"""The graph model code builds: its nodes, the model read from it, and errors at the code's own line."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable, Sequence
from typing import Any, overload

from ...errors import CodeError
from ...language.sources import python_lines


class Lines(Sequence[str]):
    """A file's lines as Python numbers them (:func:`~cnncalc.language.sources.python_lines`), split only when an
    error shows one: reading a file of 10,000 lines never needs them.

    A long file is parsed a hundred lines at a time (:func:`.files.parse_source`), each part numbered from its
    own first line, since Python's parser makes an object for each line number above 256 and costs a tenth more
    with them: ``chunks`` holds each part's first line less one (its ``shift``) and its statements, and
    :meth:`line` gives a node's line in the file, finding the part it is in only when a line is shown."""

    __slots__ = ("_lines", "_starts", "chunks", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        self.chunks: list[tuple[int, list[ast.stmt]]] = []
        self._starts: list[list[int]] | None = None

    def line(self, node: ast.AST) -> int:
        """The node's line in the file (its ``lineno`` within its part, shifted)."""
        return (getattr(node, "lineno", 1) or 1) + self.shift(node)

    def shift(self, node: ast.AST) -> int:
        """How far the node's part begins into the file: the statement of a part holding it, when walked, gives
        each of its nodes the part's shift (``cnncalc_shift``), so that each statement is walked at most once."""
        shift = getattr(node, "cnncalc_shift", None)
        if shift is not None or not self.chunks:
            return shift or 0
        line = getattr(node, "lineno", None)
        if line is None:
            return 0
        if self._starts is None:  # where each statement begins, its decorators included
            self._starts = [[min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", ()))])
                             for s in statements] for _, statements in self.chunks]
        for (shift, statements), starts in zip(self.chunks, self._starts):
            index = bisect.bisect_right(starts, line) - 1
            statement = statements[index] if index >= 0 else None
            if statement is None or line > (statement.end_lineno or line) or \
                    getattr(statement, "cnncalc_shift", None) is not None:  # walked already, without the node
                continue
            for each in ast.walk(statement):
                if "lineno" in each._attributes:
                    each.cnncalc_shift = shift  # type: ignore[attr-defined]
            if getattr(node, "cnncalc_shift", None) is not None:
                return shift
        return 0

    def _split(self) -> list[str]:
        if self._lines is None:
            self._lines = python_lines(self.text)
        return self._lines

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._split()[index]

    def __len__(self) -> int:
        return len(self._split())


# ---- the graph ------------------------------------------------------------------------------------------

class Node:
    """One step of the network: an input, a layer (as spec text), or a merge of several tensors."""

    __slots__ = ("applied", "containers", "inputs", "item", "kind", "layer", "requires", "where")

    def __init__(self, kind: str, inputs: list[int], where: ast.AST | None, item: str = "", layer: Any = None,
                 requires: Callable[[Any, Any], tuple[str, str | None] | None] | None = None,
                 applied: ast.AST | None = None) -> None:
        self.kind, self.inputs, self.where, self.item, self.layer = kind, inputs, where, item, layer
        self.requires = requires  # what the code says of the resolved network (arguments.Requirement)
        self.applied = applied  # where the layer is called on a tensor (``where`` is where it is made)
        self.containers: tuple[tuple[str, int], ...] = ()  # the modules it is made inside (.module_tree)


class Placed:
    """A node as the spec's text places it: its item's own text (without 'as NAME') and where it starts, what it
    reads (numbered as the spec numbers its layers: 0 is the input, n the n-th layer written), and for a merge
    where each branch is written."""

    __slots__ = ("branches", "inputs", "node", "start", "text")

    def __init__(self, node: Node, text: str, start: int, inputs: tuple[int, ...],
                 branches: tuple[tuple[int, int], ...] = ()) -> None:
        self.node, self.text, self.start, self.inputs, self.branches = node, text, start, inputs, branches


class ModelCode:
    """A model read from code: the spec it is, where each item came from, and how it prints."""

    def __init__(self, spec: str, conventions: str, items: list[tuple[tuple[int, int], Node]], path: str,
                 lines: Sequence[str], name: str = "", placed: list[Placed] | None = None, graph: bool = False) -> None:
        self.spec, self.conventions, self.items, self.path, self.lines = spec, conventions, items, path, lines
        self.name = name  # the model's name in the file: a variable, a class or a function
        self.placed = placed or []  # each written node, as the spec places it (readers.code.spec_records)
        self.graph = graph  # whether the spec names, references or merges a tensor
        self.starts = [start for (start, _), _ in items]  # for a binary search from a spec position to its item
        self.notes: list[str] = []  # how the code was read (arguments at their defaults, the eval-mode path)
        #: params, buffers, and where the layers never applied are made (another file's name, or "", and the line)
        self.unused: tuple[int, int, list[tuple[str, int]]] = (0, 0, [])
        #: of those parameters, the ones each module holds, by the module's id (.unused.Unused.held)
        self.unused_held: dict[int, int] = {}

    def error_at(self, node: ast.AST | None, message: str, hint: str | None = None) -> CodeError:
        return _code_error(self.path, self.lines, node, message, hint)


def _code_error(path: str, lines: Sequence[str], node: ast.AST | None, message: str, hint: str | None = None,
                kind: type[CodeError] = CodeError) -> CodeError:
    source = getattr(node, "cnncalc_source", None)  # a node of another file of the model's folder (readers.code.files)
    if source is not None:
        path, lines = source.path, source.lines
    line = lines.line(node) if isinstance(lines, Lines) and node is not None else getattr(node, "lineno", 1) or 1
    column = getattr(node, "col_offset", 0) or 0
    first = getattr(node, "lineno", 1) or 1  # within the node's part of the file, as end_lineno is
    single = getattr(node, "end_lineno", first) == first
    end = getattr(node, "end_col_offset", column + 1) if single else \
        len(lines[line - 1]) if line <= len(lines) else column + 1
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return kind(message, path, source, line, column, end or column + 1, hint)
