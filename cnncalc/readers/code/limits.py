"""The reader's bounds: how much source, work, depth and length one model file may ask for, and what a value costs."""

from __future__ import annotations

import ast
import contextlib
import gc
import re
from collections.abc import Iterator
from typing import Any

#: The largest model file parsed: Python's own parser takes up to 600 bytes of memory per byte of source (a
#: 4 MiB file took 2 GB). 512 KiB holds a model of 10,000 layers written one a line.
MAX_SOURCE_BYTES = 512 * 1024
#: The most syntax-tree nodes a model file may hold. A byte of source makes at most two (``-`` is a UnaryOp and
#: its USub), so only a source over half this many bytes is walked to count them.
MAX_NODES = 1_000_000
#: The most work one file may make cnncalc do, in units: one per statement and expression followed, one per item
#: of a sequence, string or mapping built, walked, compared or hashed, and one per 64 bits of a big number. A
#: loop that never ends, or that sorts a long list 190,000 times, is refused rather than followed.
MAX_WORK = 1_000_000
#: The deepest nesting of calls and expressions followed: recursion is refused here, long before Python's own limit.
MAX_DEPTH = 120
#: The longest string or sequence the code may build (the spec's own limit is 100,000 layers).
MAX_LENGTH = 100_000
#: The deepest nesting of lists, tuples and dicts the code may compare or hash (Python hashes a tuple recursively).
MAX_NESTING = 100
#: The widest field or precision a %-format may ask for ('%.999999999f' would make a gigabyte).
MAX_FORMAT_WIDTH = 1_000

#: The most bits a product or a power in model code may have (10 ** 10 ** 10 is refused, not computed).
_BITS = 4096
#: Python's own values, which the code's operators act on as Python does; anything else is cnncalc's own
#: (a layer, a tensor, x.size(0)) and is only known when the model runs.
_PLAIN: tuple[type, ...] = (int, float, complex, str, bytes, list, tuple, dict, set, frozenset, range, slice,
                            type(None), type({}.keys()), type({}.values()), type({}.items()))

#: A %-format's conversion: its width and precision, which may not be huge nor read from the arguments (*).
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")

def _is_plain(value: Any) -> bool:
    if isinstance(value, slice):
        return all(_is_plain(part) for part in (value.start, value.stop, value.step))
    return isinstance(value, _PLAIN)


def _length(value: Any) -> int | None:
    """len(value), or None for a value without one; a range too long for len() is longer than anything followed."""
    if not hasattr(value, "__len__"):
        return None
    try:
        return len(value)
    except OverflowError:  # len(range(10 ** 30))
        return MAX_LENGTH + 1


def _size(value: Any) -> int:
    """The units a value costs to make: one, one per item of a sequence or character of a string, one per 64 bits."""
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        return 1 + len(value)
    if isinstance(value, int):
        return 1 + value.bit_length() // 64
    return 1


def _weight(value: Any, cap: int) -> tuple[int, int]:
    """A value's size counted through its nested lists, tuples, sets and dicts, and how deep they nest: what
    comparing, hashing or printing it walks. The count stops once it passes ``cap`` or MAX_NESTING."""
    if not isinstance(value, (list, tuple, dict, set, frozenset)):
        return _size(value), 0
    size, deepest, stack = 0, 0, [(value, 1)]
    while stack and size <= cap and deepest <= MAX_NESTING:
        container, depth = stack.pop()
        deepest = max(deepest, depth)
        size += 1
        for part in (container.keys(), container.values()) if isinstance(container, dict) else (container,):
            for item in part:
                if isinstance(item, (list, tuple, dict, set, frozenset)):
                    stack.append((item, depth + 1))
                else:
                    size += _size(item)
    return size, deepest


def _count(number: int) -> str:
    return f"{number:,}" if number < 10 ** 15 else "more than 10^15"


def _too_large(op: ast.operator, left: Any, right: Any) -> str | None:
    """Why an operation's result is too large to compute at once (10 ** 10 ** 10, s += s forty times,
    '%.999999999f' % 1.0), or None."""
    if isinstance(left, int) and isinstance(right, int):
        bits = abs(left).bit_length()
        if (isinstance(op, ast.Pow) and right > 0 and right * max(bits, 1) > _BITS) or \
                (isinstance(op, ast.Mult) and bits + abs(right).bit_length() > _BITS):
            return f"a number of more than {_BITS:,} bits"
        return None
    if isinstance(op, ast.Mult):
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(count, int) and \
                    len(sequence) * count > MAX_LENGTH:
                return f"a sequence of {_count(len(sequence) * count)} items, over the {MAX_LENGTH:,} cnncalc follows"
    if isinstance(op, ast.Add) and isinstance(left, (str, bytes, list, tuple)) and \
            isinstance(right, (str, bytes, list, tuple)) and len(left) + len(right) > MAX_LENGTH:
        return f"a sequence of {_count(len(left) + len(right))} items, over the {MAX_LENGTH:,} cnncalc follows"
    if isinstance(op, ast.Mod) and isinstance(left, (str, bytes)):
        text = left.decode("latin-1") if isinstance(left, bytes) else left
        for match in _CONVERSION.finditer(text):
            for field in match.groups():
                if field == "*" or (field and (len(field) > 6 or int(field) > MAX_FORMAT_WIDTH)):
                    return f"a %-format whose width or precision is over {MAX_FORMAT_WIDTH:,} or read from its " \
                           "arguments (*)"
    return None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a file is parsed and read: the parser makes some 16 objects a
    line, none in a cycle, and the collector's passes over them cost a quarter of the parse (the memory they take
    is bounded by the file's size and the work budget, and freed when reading ends). Building the network from what
    was read is paused too: the syntax tree its nodes point into is still alive, and each of the collector's passes
    would walk all of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if _KEPT:  # a process about to end keeps what it read (kept_to_the_end): no collection walks it either
                gc.freeze()
            elif not gc.get_freeze_count():  # nothing of anyone else's is frozen, so unfreezing touches only ours
                # what was made while paused joins the oldest generation at once (it is freed by reference counting
                # when reading ends, or by the next full collection), instead of being walked, all of it, by the
                # next young collection: for a file of 10,000 layers that one walk cost a quarter of the spec's time
                # (get_freeze_count() walks what is frozen: it is asked only when nothing of ours is)
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def kept_to_the_end(*objects: Any) -> None:
    """``objects`` never freed, in a process that is about to end: a file's syntax tree is some 16 objects a line,
    and freeing them one by one when reading ends, or when the process does, costs a sixth of reading a file of
    10,000 lines; the process's end frees their memory at once. They are held by a cycle of their own, moved to the
    collector's permanent generation, which no collection walks or frees (nor the one at the interpreter's exit)."""
    holder: list[Any] = [*objects]
    holder.append(holder)
    gc.freeze()
    _KEPT.add(True)


#: Holds True once this process keeps what it read to its end (:func:`kept_to_the_end`).
_KEPT: set[bool] = set()
