"""Matrices as people type them: ``1 0 1; 0 1 0`` or ``1,0,1`` rows, ``|`` between channels.

A matrix argument is literal text or a path to a ``.txt``, ``.csv`` or ``.npy`` file.  In text,
rows are separated by ``;`` or newlines and values by spaces or commas; channels are separated
by ``|`` in a literal and by a blank line in a file.  The result is H×W×C nested lists; a
ragged row or block is an error that says which one.

>>> read_matrix("1 0 1; 0 1 0")
[[[1.0], [0.0], [1.0]], [[0.0], [1.0], [0.0]]]
"""

from __future__ import annotations

import math
import re

from .errors import CnnCalcError, shorten

__all__ = ["Matrix", "read_matrix", "shape_of"]

Matrix = list[list[list[float]]]  # H × W × C
FILE_SUFFIXES = (".txt", ".csv", ".npy")
#: The most values one matrix may hold: far beyond a worked example, small enough to draw and compute at once.
MAX_CELLS = 1_000_000
#: The largest magnitude a value may have, so that every product and sum of a worked example stays finite.
MAX_MAGNITUDE = 1e150


def read_matrix(argument: str, what: str = "matrix") -> Matrix:
    """A matrix from literal text or a file, as H×W×C nested lists of floats."""
    if argument.lower().endswith(FILE_SUFFIXES) and "\n" not in argument:
        return _read_file(argument, what)
    return parse_blocks(re.split(r"\|", argument), what)


def _read_file(path: str, what: str) -> Matrix:
    from .errors import SourceError
    from .sources import read_bytes

    try:
        data = read_bytes(path, "matrix")
    except SourceError as error:
        raise CnnCalcError(f"{what}: {error.message}", error.hint) from None
    if path.lower().endswith(".npy"):
        return _from_npy(data, path, what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CnnCalcError(f"{what}: {path} is not UTF-8 text", "save it as UTF-8, or as a .npy array") from None
    text = re.sub(r"#[^\n]*", "", text)
    return parse_blocks(re.split(r"\n\s*\n", text.strip()), what)


def _from_npy(data: bytes, path: str, what: str) -> Matrix:
    import io

    from .twins import require_numpy

    np = require_numpy(f"reading {path}")
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


def parse_blocks(blocks: list[str], what: str) -> Matrix:
    """Channel blocks of rows into H×W×C; every block must have the same rows and columns."""
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


def _parse_block(block: str, what: str, number: int) -> list[list[float]]:
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


def _parse_row(row: str, what: str, index: int, block: int) -> list[float]:
    values = []
    for token in re.split(r"[\s,]+", row.strip()):
        where = f" of channel block {block}" if block > 1 else ""
        try:
            value = float(token.replace("−", "-")) if len(token) <= 400 else math.nan
        except ValueError:
            raise CnnCalcError(f"{what}: cannot read '{shorten(token)}' in row {index}{where}",
                               "values are numbers separated by spaces or commas") from None
        if not abs(value) <= MAX_MAGNITUDE:
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
