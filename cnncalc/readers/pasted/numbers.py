"""A pasted row's numbers: its output shape and its parameter count, in any thousands style.

A space inside a size or a count groups its thousands, in threes only: '(None, 2 6, 26, 32)' and '3 20', as OCR
splits digits, are told apart and never read as some other number. Every pattern here backtracks at most
linearly, so a hostile line costs a pass.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...language.literals import TooLargeError, read_count, read_int

#: A parenthesis of a Keras row: its shape, or its type ('(Conv2D)').
PARENTHESES = re.compile(r"\(([^()]*)\)")
#: One size of a pasted shape: a space may group its thousands (18 496), in threes only, as in read_count.
_SHAPE_PART = re.compile(r"\s*(None|\?|-1|\d{1,3}(?: \d{3})+|\d+)\s*\Z")
#: A shape whose digits a space splits otherwise, as OCR does ((None, 2 6, 26, 32)): a shape, but unreadable.
# Possessive: a size's digits and spaces, and the spaces around a comma, are taken whole, so a line that is no
# shape ('(1  , 1  , … x') fails in a pass instead of trying every split of every run of spaces.
SPLIT_SHAPE = re.compile(r"[(\[]\s*+(?:(?:None|\?|-1|\d[\d ]*+)\s*+,\s*+)*(?:None|\?|-1|\d[\d ]*+)\s*+,?\s*+[)\]]")
#: :data:`SPLIT_SHAPE` where a count follows it (past a list's ']'), as a row's does: 'conv2d[0][0]' is none.
#: Atomic: the shape is matched as :data:`SPLIT_SHAPE` matches it, then the count is looked for once.
SPLIT_SHAPE_COUNTED = re.compile(f"(?>{SPLIT_SHAPE.pattern})" + r"(?=(?:\s*\])?\s*\d)")
COUNT_START = re.compile(r"\s*(\d[\d,.'_\u00a0\u202f\u2009]*(?: \d{3}(?!\d))*)")


def leading_count(text: str) -> int | None:
    """The count at the start of ``text``, in any thousands style (see literals.read_count)."""
    match = COUNT_START.match(text)
    return matched_count(match) if match else None


def matched_count(match: re.Match[str]) -> int | None:
    """The count :data:`COUNT_START` found, or None when it cannot be read: as in a shape, a space groups
    thousands in threes only, so '3 20' (OCR's split digits) is no count, never 3."""
    if _SPLIT_DIGITS.match(match.string, match.end()):
        return None
    return _written_count(match[1])


#: What follows a count whose digits a space splits other than in threes ('3 20', '18 4960').
_SPLIT_DIGITS = re.compile(r" \d")


@lru_cache(maxsize=4096)  # a paste repeats its counts; each is read once
def _written_count(text: str) -> int | None:
    try:
        return read_count(text.rstrip(",.'_ "))
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # a paste repeats its shapes (and its '(Conv2D)'); each is read once
def read_shape(text: str, channels_first: bool, batched: bool = True) -> tuple[int, ...] | None:
    """The sizes of a pasted shape without its batch axis; None if it is not a shape.

    A space inside a size groups its thousands (``(None, 18 496)``), in threes only: ``(None, 2 6, 26, 32)``, as
    OCR splits digits, is not a shape that can be read (:data:`SPLIT_SHAPE` tells it apart).
    ``batched=False``: a torchinfo table of an unbatched input ([64, 112, 112]) has no batch axis to drop.
    """
    inner = text.strip("()[]")
    first = inner.lstrip(" ,")[:4]
    if not first or not (first[0].isdigit() or first.startswith(("None", "?", "-1"))):
        return None  # '(Conv2D)': the common parenthesis that is no shape, turned away at once
    sizes = []
    for part in inner.split(","):
        size = part.strip()
        if not size:
            continue
        if not (size.isdigit() and size.isascii()):  # the common plain size needs no pattern
            found = _SHAPE_PART.match(part)
            if not found:
                return None
            size = found[1].replace(" ", "")
        sizes.append(size)
    if not sizes:
        return None
    try:
        dims = tuple(read_int(size) for size in sizes[0 if not batched else 1:] if size not in ("None", "?", "-1"))
    except TooLargeError:
        return None
    if channels_first and len(dims) >= 2:
        dims = (*dims[1:], dims[0])
    return dims


#: Why a row's output is unchecked when its shape cannot be read.
UNREADABLE_SHAPE = ("the shape cannot be read: a space inside a size groups thousands, in threes (18 496), so "
                    "'2 6' is no number; the output is not checked")
_LIST_END = re.compile(r"\s*\]")


def counted_after(line: str, end: int) -> str | None:
    """The rest of ``line`` after a shape that ends at ``end`` (and its list's ']': tf.keras prints an input's shape
    as a list), when a count starts it; None when none does, so that a line of many '[0][0]' costs a match at each,
    not a copy of the rest of the line."""
    closing = _LIST_END.match(line, end)
    start = closing.end() if closing else end
    return line[start:] if COUNT_START.match(line, start) else None

