"""Matrices as people type them: ``1 0 1; 0 1 0`` or ``1,0,1`` rows, ``|`` between channels.

A matrix argument is literal text or a path to a ``.txt``, ``.csv`` or ``.npy`` file.  In text,
rows are separated by ``;`` or newlines and values by spaces or commas; channels are separated
by ``|`` in a literal and by a blank line in a file.  The result is H×W×C nested lists; a
ragged row or block is an error that says which one.

>>> read_matrix("1 0 1; 0 1 0")
[[[1.0], [0.0], [1.0]], [[0.0], [1.0], [0.0]]]
"""

from __future__ import annotations

import re

from .errors import CnnCalcError

__all__ = ["Matrix", "read_matrix", "shape_of"]

Matrix = list[list[list[float]]]  # H × W × C
FILE_SUFFIXES = (".txt", ".csv", ".npy")


def read_matrix(argument: str, what: str = "matrix") -> Matrix:
    """A matrix from literal text or a file, as H×W×C nested lists of floats."""
    if argument.lower().endswith(FILE_SUFFIXES) and "\n" not in argument:
        return _read_file(argument, what)
    return parse_blocks(re.split(r"\|", argument), what)


def _read_file(path: str, what: str) -> Matrix:
    try:
        if path.lower().endswith(".npy"):
            return _from_npy(path, what)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise CnnCalcError(f"{what}: no such file: {path}",
                           "give a .txt, .csv or .npy file, or the values themselves, as in '1 0 1; 0 1 0'") from None
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise CnnCalcError(f"{what}: cannot read {path}: {error}") from None
    text = re.sub(r"#[^\n]*", "", text)
    return parse_blocks(re.split(r"\n\s*\n", text.strip()), what)


def _from_npy(path: str, what: str) -> Matrix:
    from .twins import require_numpy

    np = require_numpy(f"reading {path}")
    array = np.load(path, allow_pickle=False)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3:
        raise CnnCalcError(f"{what}: {path} has {array.ndim} axes", "save an H×W or H×W×C array")
    return [[[float(v) for v in cell] for cell in row] for row in array.tolist()]


def parse_blocks(blocks: list[str], what: str) -> Matrix:
    """Channel blocks of rows into H×W×C; every block must have the same rows and columns."""
    channels = [_parse_block(block, what, number) for number, block in enumerate(blocks, start=1)]
    if not channels:
        raise CnnCalcError(f"{what} is empty", "write rows of values, as in '1 0 1; 0 1 0'")
    first = channels[0]
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
        try:
            values.append(float(token.replace("−", "-")))
        except ValueError:
            where = f" of channel block {block}" if block > 1 else ""
            raise CnnCalcError(f"{what}: cannot read '{token}' in row {index}{where}",
                               "values are numbers separated by spaces or commas") from None
    return values


def shape_of(matrix: Matrix) -> tuple[int, int, int]:
    return len(matrix), len(matrix[0]), len(matrix[0][0])
