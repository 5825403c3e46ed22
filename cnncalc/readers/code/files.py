"""The files one reading parses: the model file, and the files of its own folder tree that it imports from
(``from .unet_parts import *``, ``from model_parts import DoubleConv``, ``from ..ops.misc import X``), each read
with ``ast`` and never imported or run. Where a module's file is found as Python would find it, within the model
file's folder and at most MAX_PARENT_LEVELS folders above it, and how much they may hold, all files together."""

from __future__ import annotations

import ast
import os
from collections.abc import Sequence
from pathlib import Path

from ...errors import CnnCalcError, CodeError
from ...language.sources import python_lines
from .limits import MAX_NODES, MAX_SOURCE_BYTES
from .records import Lines

#: The most files one reading parses, the model file included.
MAX_FILES = 16
#: How far above the model file's own folder an import may reach (``from ..ops.misc import X`` reaches one).
MAX_PARENT_LEVELS = 2


class RefusedImportError(Exception):
    """Why an import of the model's folder tree cannot be read (made an error at the import by the reader)."""


class MissingModuleError(RefusedImportError):
    """A relative import whose file is not in the folder tree."""


class SourceFile:
    """One file read: the path errors name, where it is on disk, its lines; its syntax nodes carry it as
    ``cnncalc_source`` (the model file's own nodes carry nothing: errors name the model file)."""

    def __init__(self, path: str, real: Path, lines: Sequence[str]) -> None:
        self.path, self.real, self.lines = path, real, lines


class Files:
    """The files of one reading: the tree they must lie in, and the bytes and files spent."""

    def __init__(self, path: str, text: str, lines: Sequence[str] | None = None) -> None:
        self.main = SourceFile(path, Path(os.path.realpath(path)), Lines(text) if lines is None else lines)
        self.root = self.main.real.parent
        for _ in range(MAX_PARENT_LEVELS):
            self.root = self.root.parent
        self.bytes = len(text.encode("utf-8", "surrogatepass"))
        self.count = 1
        self.on_disk = os.path.isfile(path)  # code given as text, with no file: no folder to read others from

    def source_of(self, node: ast.AST) -> SourceFile:
        return getattr(node, "cnncalc_source", None) or self.main

    def find(self, node: ast.ImportFrom | ast.Import, module: str | None, level: int) -> tuple[Path, str] | None:
        """The file of the module an import names, and the path errors show for it: relative to the importing
        file's folder (``level`` dots), or to the model file's folder for an absolute import. None when no such
        file is there (an absolute import of a module installed elsewhere); a relative one missing is an error."""
        importer = self.source_of(node)
        if not self.on_disk:
            if level:
                raise MissingModuleError("the model's code is not read from a file, so no folder holds it")
            return None
        if level > MAX_PARENT_LEVELS + 1:
            raise RefusedImportError(f"it reaches {level - 1} folders up, more than the {MAX_PARENT_LEVELS} cnncalc "
                                     "reads")
        folder = importer.real.parent if level else self.main.real.parent
        shown = os.path.dirname(importer.path) if level else os.path.dirname(self.main.path)
        for _ in range(max(level - 1, 0)):
            folder, shown = folder.parent, os.path.join(shown, "..")
        parts = module.split(".") if module else []
        for candidate in (Path(*parts).with_suffix(".py") if parts else None, Path(*parts, "__init__.py")):
            if candidate is None:
                continue
            where = folder / candidate
            if where.is_file():
                real = Path(os.path.realpath(where))
                if not real.is_relative_to(self.root):
                    raise RefusedImportError(f"{where} lies outside the model file's folder tree")
                return real, os.path.normpath(os.path.join(shown, str(candidate)))
        if level:
            raise MissingModuleError(f"{os.path.normpath(os.path.join(shown, *parts or ['__init__']))}.py is not there")
        return None

    def read(self, real: Path, shown: str) -> tuple[ast.Module, SourceFile]:
        """A file of the tree parsed, within the bounds of all files together, its nodes marked as its own."""
        if self.count >= MAX_FILES:
            raise RefusedImportError(f"it would make more than {MAX_FILES} files to read")
        self.count += 1
        size = real.stat().st_size
        if self.bytes + size > MAX_SOURCE_BYTES:
            raise RefusedImportError(f"the files read would hold more than the {MAX_SOURCE_BYTES // 1024:,} KiB "
                                     "cnncalc reads as model code")
        try:
            text = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RefusedImportError(f"{shown} cannot be read as UTF-8 text ({type(error).__name__})") from None
        self.bytes += len(text.encode("utf-8", "surrogatepass"))
        tree = parse_source(text, shown)
        source = SourceFile(shown, real, Lines(text))
        for shift, statements in getattr(tree, "cnncalc_chunks", [(0, tree.body)]):
            for each in (node for statement in statements for node in ast.walk(statement)):
                each.cnncalc_source = source  # type: ignore[attr-defined]
                each.cnncalc_shift = shift  # type: ignore[attr-defined]
        return tree, source


def parse_source(text: str, path: str) -> ast.Module:
    """A file's syntax tree, its size bounded before Python's parser sees it and its node count after."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        raise CnnCalcError(f"{path} is {size:,} bytes, over the {MAX_SOURCE_BYTES // 1024:,} KiB cnncalc reads as "
                           "model code", "a model definition is far shorter: keep the model in a file of its own, or "
                           "write it as a spec")
    try:
        tree = _parsed(text, path)
    except SyntaxError as error:
        lines = python_lines(text)
        raise CodeError(f"not valid Python: {error.msg}", path, lines[(error.lineno or 1) - 1] if lines else "",
                        error.lineno or 1, (error.offset or 1) - 1, error.offset or 1,
                        "cnncalc reads a model definition's .py file without running it") from None
    except (ValueError, RecursionError, MemoryError):
        raise CnnCalcError(f"{path} cannot be parsed as Python", "give a Python file with a model definition") from None
    if 2 * size + 2 > MAX_NODES:
        for nodes, _ in enumerate(ast.walk(tree)):
            if nodes >= MAX_NODES:
                raise CnnCalcError(f"{path} holds more than {MAX_NODES:,} pieces of syntax, over what cnncalc reads "
                                   "as model code", "keep the model in a file of its own, or write it as a spec")
    return tree


#: How many lines a long file is parsed at a time (see :func:`_parsed`), and the length from which it is.
_CHUNK_LINES = 100
_CHUNKED_FROM = 1_000
#: Lines at column 0 that continue the statement before them, where a chunk must not begin.
_CONTINUING = ("else", "elif", "except", "finally")


def _parsed(text: str, path: str) -> ast.Module:
    """Python's syntax tree of ``text``, a long file parsed some hundred lines at a time. Each chunk begins at a
    line that starts at column 0 with a name: a new top-level statement, unless that line is inside brackets or a
    string, or continues a line ending in a backslash, and then the chunk before it cannot be parsed (it ends inside
    the bracket, the string or the continuation), which sends the rest of the file to be parsed whole. Chunks that
    parse are therefore whole statements, and their trees are the file's, each numbered from the chunk's first
    line: the tree's ``cnncalc_chunks`` holds each chunk's shift and statements, from which
    :meth:`.records.Lines.line` gives a node's line in the file. (Numbered as the file numbers them, a chunk's
    line numbers above 256 would each be an object of its own, some 20 a line; parsed after as many newlines as
    lines before it, a chunk would cost the parser a line of its own for each.) Parsed whole, a file of 10,000
    layers holds the parser's own tree of all of it at once (some 80 MB, a quarter of its time spent on the
    memory), against a chunk's worth; an invalid file is parsed whole again, so that its error is Python's own
    for the whole file."""
    if text.count("\n") < _CHUNKED_FROM or "\r" in text:  # a lone carriage return ends a line for Python too
        return ast.parse(text, filename=path)
    pieces = text.split("\n")  # only Python's own line ends: str.splitlines() splits at \f, \x85 and others too
    lines = [piece + "\n" for piece in pieces[:-1]] + [pieces[-1]]
    chunks: list[tuple[int, list[ast.stmt]]] = []
    start = 0
    try:
        while start < len(lines):
            end = min(start + _CHUNK_LINES, len(lines))
            while end < len(lines) and not (lines[end][:1].isidentifier() and not lines[end].startswith(_CONTINUING)
                                            and not lines[end - 1].startswith("@")):
                end += 1
            try:
                chunks.append((start, ast.parse("".join(lines[start:end]), filename=path).body))
            except SyntaxError:  # a chunk that ends inside a statement: the rest of the file at once, as numbered
                chunks.append((0, ast.parse("\n" * start + "".join(lines[start:]), filename=path).body))
                break
            start = end
    except SyntaxError:
        return ast.parse(text, filename=path)  # Python's own error, as it gives it for the whole file
    tree = ast.Module(body=[statement for _, body in chunks for statement in body], type_ignores=[])
    tree.cnncalc_chunks = chunks  # type: ignore[attr-defined]
    return tree
