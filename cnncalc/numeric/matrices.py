"""Matrices as people type them: ``1 0 1; 0 1 0`` or ``1,0,1`` rows, ``|`` between channels.

A matrix argument is literal text, ``-`` for standard input, or a path to a ``.txt``, ``.csv``,
``.json`` or ``.npy`` file.  In text, rows are separated by ``;`` or newlines and values by spaces
or commas; channels are separated by ``|`` in a literal and by a blank line in a file.  Values are
numbers, fractions (``1/9``, ``-1/9``) or simple products (``2*0.5``), and a whole matrix may carry a
factor, as the lectures write a box blur: ``1/9 * (1 1 1; 1 1 1; 1 1 1)``.  JSON is what ``cnncalc
conv`` and ``cnncalc pool`` print with ``--format json`` (its ``output``), or a bare array of rows,
so one worked step can feed the next.  The result is H×W×C nested lists; a ragged row or block is an
error that says which one.

>>> read_matrix("1 0 1; 0 1 0")
[[[1.0], [0.0], [1.0]], [[0.0], [1.0], [0.0]]]
>>> read_matrix("1/4 * (1 2; 2 0)")
[[[0.25], [0.5]], [[0.5], [0.0]]]
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..errors import CnnCalcError, shorten
from ..language.precision import Written, read_number

__all__ = ["Matrix", "read_cells", "read_matrix", "shape_of"]

Matrix = list[list[list[float]]]  # H × W × C
Cells = list[list[list[Written]]]  # H × W × C, as written
FILE_SUFFIXES = (".txt", ".csv", ".npy", ".json")
#: The most values one matrix may hold: far beyond a worked example, small enough to draw and compute at once.
MAX_CELLS = 1_000_000
#: The largest magnitude a value may have, so that every product and sum of a worked example stays finite.
MAX_MAGNITUDE = 1e150


def read_matrix(argument: str, what: str = "matrix") -> Matrix:
    """A matrix from literal text, stdin or a file, as H×W×C nested lists of floats."""
    return [[[cell.value for cell in column] for column in row] for row in read_cells(argument, what)]


def read_cells(argument: str, what: str = "matrix") -> Cells:
    """A matrix with each value as written, so an answer is graded at its own precision."""
    if argument == "-":
        from ..errors import SourceError
        from ..language.sources import read_text

        try:
            return _from_text(read_text("-", what=what), what)
        except SourceError as error:
            raise CnnCalcError(f"{what}: {error.message}", error.hint) from None
    if argument.lower().endswith(FILE_SUFFIXES) and "\n" not in argument:
        return _read_file(argument, what)
    if argument.lstrip().startswith(("{", "[[")):
        return _from_json(argument, what)
    return parse_blocks(re.split(r"\|", argument), what)


def _from_text(text: str, what: str) -> Cells:
    """A file's or stdin's text: JSON, or rows with a blank line between channels."""
    if text.lstrip().startswith(("{", "[")):
        return _from_json(text, what)
    text = re.sub(r"#[^\n]*", "", text)
    return parse_blocks(re.split(r"\n\s*\n", text.strip()), what)


def _read_file(path: str, what: str) -> Cells:
    from ..errors import SourceError
    from ..language.sources import read_bytes

    try:
        data = read_bytes(path, "matrix")
    except SourceError as error:
        raise CnnCalcError(f"{what}: {error.message}", error.hint) from None
    if path.lower().endswith(".npy"):
        return _written(_from_npy(data, path, what))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CnnCalcError(f"{what}: {path} is not UTF-8 text", "save it as UTF-8, or as a .npy array") from None
    return _from_text(text, what)


def _written(matrix: Matrix) -> Cells:
    """Values that were stored, not written: each is exact."""
    return [[[Written(v) for v in column] for column in row] for row in matrix]


def _from_json(text: str, what: str) -> Cells:
    """``{"output": [[…]]}`` from ``conv``/``pool --format json`` (an H×W or H×W×C array), or the array itself."""
    import json

    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise CnnCalcError(f"{what}: cannot read it as JSON", "give the --format json output of cnncalc conv or "
                                                               "pool, an array of rows, or a matrix as text") from None
    rows: Any = document.get("output") if isinstance(document, dict) else document
    if not isinstance(rows, list) or not rows or not all(isinstance(row, list) and row for row in rows):
        raise CnnCalcError(f"{what}: the JSON holds no array of rows",
                           'give {"output": [[1, 2], [3, 4]]} or [[1, 2], [3, 4]]')
    cells = [[cell if isinstance(cell, list) else [cell] for cell in row] for row in rows]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for row in cells for cell in row
               for v in cell):
        raise CnnCalcError(f"{what}: the JSON array holds something other than numbers")
    width, depth = len(cells[0]), len(cells[0][0])
    if any(len(row) != width or any(len(cell) != depth for cell in row) for row in cells):
        raise CnnCalcError(f"{what}: the JSON array's rows are ragged", "every row needs the same number of values")
    _require_cells(len(cells) * width * depth, what)
    return _written(_finite([[[float(v) for v in cell] for cell in row] for row in cells], what))


def _from_npy(data: bytes, path: str, what: str) -> Matrix:
    import io

    from .twins import require_numpy

    np = require_numpy(f"reading {path}")
    _require_npy_header(data, path, what)
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError, TypeError) as error:
        raise CnnCalcError(f"{what}: cannot read {path} as a NumPy array: {str(error)[:200]}",
                           "save it with numpy.save(path, array) from a numeric array") from None
    if not hasattr(array, "dtype") or array.dtype.kind not in "biuf":
        kind = getattr(getattr(array, "dtype", None), "name", type(array).__name__)
        raise CnnCalcError(f"{what}: {path} holds {kind} values, not real numbers",
                           "save an array of integers or floats")
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3:
        raise CnnCalcError(f"{what}: {path} has {array.ndim} axes", "save an H×W or H×W×C array")
    if array.size == 0:
        raise CnnCalcError(f"{what}: {path} is empty (shape {array.shape[:2]})", "save at least one value")
    _require_cells(array.size, what)
    return _finite([[[float(v) for v in cell] for cell in row] for row in array.tolist()], what)


def _require_npy_header(data: bytes, path: str, what: str) -> None:
    """Refuse a .npy file from its header, before NumPy allocates the array it declares: a numeric dtype, two or
    three axes, at most :data:`MAX_CELLS` values, and as many bytes as those values need (a 100 kB file that
    declares 100000×100000 float64 would otherwise ask for 80 GB)."""
    import io

    from numpy.lib import format as npy

    stream = io.BytesIO(data)
    try:
        version = npy.read_magic(stream)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"format version {version[0]}.{version[1]} holds field names, not a numeric array")
        read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, _, dtype = read(stream)
    except (ValueError, OSError, EOFError, TypeError, SyntaxError) as error:
        raise CnnCalcError(f"{what}: cannot read {path} as a NumPy array: {str(error)[:200]}",
                           "save it with numpy.save(path, array) from a numeric array") from None
    if dtype.kind not in "biuf":
        raise CnnCalcError(f"{what}: {path} holds {dtype.name} values, not real numbers",
                           "save an array of integers or floats")
    if len(shape) not in (2, 3):
        raise CnnCalcError(f"{what}: {path} has {len(shape)} axes", "save an H×W or H×W×C array")
    cells = math.prod(shape)
    if cells > MAX_CELLS:
        raise CnnCalcError(f"{what}: {path} declares a {'×'.join(map(str, shape))} array, {cells:,} values, over "
                           f"the limit of {MAX_CELLS:,}",
                           "a worked example needs a small matrix; use summary --check for whole networks")
    needed, held = cells * dtype.itemsize, len(data) - stream.tell()
    if needed > held:
        raise CnnCalcError(f"{what}: {path} declares a {'×'.join(map(str, shape))} {dtype.name} array "
                           f"({needed:,} bytes) but holds {held:,} bytes of values",
                           "the file is cut short or its header is wrong: save it again with numpy.save")


_FACTOR = re.compile(r"^\s*(?P<factor>[-+−]?[\d.]+(?:/[\d.]+)?)\s*[*×·]?\s*[\[(](?P<body>.*)[\])]\s*$", re.S)


def parse_blocks(blocks: list[str], what: str) -> Cells:
    """Channel blocks of rows into H×W×C; every block must have the same rows and columns.

    A block may carry a factor for all its values: ``1/16 * (1 2 1; 2 4 2; 1 2 1)``."""
    channels = [_parse_block(block, what, number) for number, block in enumerate(blocks, start=1)]
    if not channels:
        raise CnnCalcError(f"{what} is empty", "write rows of values, as in '1 0 1; 0 1 0'")
    first = channels[0]
    _require_cells(len(first) * len(first[0]) * len(channels), what)
    for number, block in enumerate(channels[1:], start=2):
        if (len(block), len(block[0])) != (len(first), len(first[0])):
            raise CnnCalcError(
                f"{what}: channel block {number} is {len(block)}×{len(block[0])}, "
                f"but block 1 is {len(first)}×{len(first[0])}",
                "every channel of a matrix must have the same rows and columns",
            )
    return [[[channel[r][c] for channel in channels] for c in range(len(first[0]))] for r in range(len(first))]


def _parse_block(block: str, what: str, number: int) -> list[list[Written]]:
    factored = _FACTOR.match(block)
    if factored:
        try:
            factor = read_number(factored["factor"]).value
        except ValueError:
            factor = None
        if factor is not None:
            return [[Written(cell.value * factor) for cell in row]
                    for row in _parse_block(factored["body"], what, number)]
    rows = [row for row in re.split(r"[;\n]", block) if row.strip()]
    if not rows:
        raise CnnCalcError(f"{what}: channel block {number} is empty", "separate channels with a single '|'")
    parsed = [_parse_row(row, what, index, number) for index, row in enumerate(rows, start=1)]
    for index, row in enumerate(parsed[1:], start=2):
        if len(row) != len(parsed[0]):
            where = f" of channel block {number}" if number > 1 else ""
            raise CnnCalcError(
                f"{what}: row {index}{where} has {len(row)} values, but row 1 has {len(parsed[0])}",
                "every row needs the same number of values",
            )
    return parsed


def _parse_row(row: str, what: str, index: int, block: int) -> list[Written]:
    values = []
    for token in re.split(r"[\s,]+", re.sub(r"\s*([/*×·])\s*", r"\1", row.strip())):
        where = f" of channel block {block}" if block > 1 else ""
        try:
            value = read_number(token) if len(token) <= 400 else Written(math.nan)
        except (ValueError, OverflowError, ZeroDivisionError):
            raise CnnCalcError(f"{what}: cannot read '{shorten(token)}' in row {index}{where}",
                               "values are numbers (3, -0.5, 1e-3), fractions (1/9) or products (2*0.5), "
                               "separated by spaces or commas") from None
        if not abs(value.value) <= MAX_MAGNITUDE:
            raise CnnCalcError(f"{what}: '{shorten(token)}' in row {index}{where} is not a finite number of at "
                               "most 1e150 in size", "write a number such as 3, -0.5 or 1e-3")
        values.append(value)
    return values


def _require_cells(cells: int, what: str) -> None:
    if cells > MAX_CELLS:
        raise CnnCalcError(f"{what} holds {cells:,} values, over the limit of {MAX_CELLS:,}",
                           "a worked example needs a small matrix; use summary --check for whole networks")


def _finite(matrix: Matrix, what: str) -> Matrix:
    if not all(abs(v) <= MAX_MAGNITUDE for row in matrix for cell in row for v in cell):
        raise CnnCalcError(f"{what} holds a value that is not finite, or over 1e150 in size",
                           "save real numbers of a sensible size")
    return matrix


def shape_of(matrix: Matrix) -> tuple[int, int, int]:
    return len(matrix), len(matrix[0]), len(matrix[0][0])
