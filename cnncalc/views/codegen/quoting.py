"""Text into code: the one place where what a user wrote enters the code cnncalc writes.

The code written holds no text a user typed except through these helpers: a quoted string literal
(:func:`literal`, :func:`escaped`), an escaped docstring that is checked to read back as its text
(:func:`docstring`, which alone writes :func:`spec_line`), a checked Python name (:class:`Names`), a number
(:func:`number`, :func:`numbers`, :func:`number_tuple`, :func:`slice_code`).
"""

from __future__ import annotations

import ast
import keyword
import math
from typing import TYPE_CHECKING, Any

from ...language.sources import lines
from ...language.spec import strip_comments

if TYPE_CHECKING:
    from ...graph.network import Network

__all__ = ["Names", "docstring", "escaped", "is_name", "literal", "number", "number_tuple", "numbers", "slice_code",
           "spec_line"]


def escaped(text: str) -> str:
    r"""``text`` as the inside of a double-quoted Python string: each ``"``, ``\`` and unprintable character
    escaped, so nothing in it can end a string, a docstring or a comment (no line break of any kind, no NUL,
    no bidirectional control), and Python reads back exactly ``text``.

    >>> print(escaped('relu # \u2028"+x+"\\'))
    relu # \u2028\"+x+\"\\
    """
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text  # the common case, at C speed
    return "".join(char if char.isprintable() and char not in '"\\' else _escape(char) for char in text)


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def literal(text: str) -> str:
    r"""``text`` as a Python string literal.

    >>> print(literal('same"); import os; ("'))
    "same\"); import os; (\""
    """
    return f'"{escaped(text)}"'


def docstring(*paragraph: str) -> list[str]:
    """A module docstring of these lines, each escaped (:func:`escaped`), checked to read back as one string."""
    body = [escaped(line) for line in paragraph]
    written = [f'"""{body[0]}', *body[1:], '"""']
    if ast.literal_eval("\n".join(written)) != "\n".join([*paragraph, ""]):  # cnncalc's own bug: exit 3
        raise ValueError("the docstring written does not read back as its text")
    return written


def is_name(text: str) -> bool:
    """Whether ``text`` can be written as a Python variable: an ASCII identifier (no NFKC folding of two names
    into one), not a keyword, not ``__debug__``."""
    return text.isascii() and text.isidentifier() and not keyword.iskeyword(text) and text != "__debug__"


class Names:
    """The variables of the code being written: each name once, clashing with nothing the code uses."""

    def __init__(self, *taken: str) -> None:
        self.taken = set(taken)

    def take(self, wanted: str, stand_in: str = "layer") -> str:
        """``wanted`` if it is a free plain name (:func:`is_name`), else it (or ``stand_in``) numbered."""
        base = wanted if is_name(wanted) else stand_in
        name, count = base, 1
        while name in self.taken:
            name, count = f"{base}_{count}", count + 1
        self.taken.add(name)
        return name


def number(value: Any) -> str:
    """An int or a finite float as Python writes it; anything else is cnncalc's own bug."""
    if type(value) is int:  # not a bool, nor a subclass with its own repr
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(float(value))
    raise TypeError(f"not a number to write as code: {type(value).__name__}")


def numbers(values: Any) -> str:
    """Numbers as one argument: the number when they are all equal (``3`` for a 3×3 kernel), else a tuple."""
    values = tuple(values)
    return number(values[0]) if len(set(values)) == 1 else f"({', '.join(map(number, values))})"


def number_tuple(values: Any) -> str:
    """Numbers as a tuple, always: ``(8, 8, 2, 58)``, or ``(116,)``."""
    values = tuple(values)
    return f"({', '.join(map(number, values))}{',' if len(values) == 1 else ''})"


def slice_code(start: int | None, stop: int | None) -> str:
    """A slice's bounds as Python writes them: ``:58``, ``58:``, ``-8:``."""
    return f"{'' if start is None else number(start)}:{'' if stop is None else number(stop)}"


def spec_line(net: Network) -> str:
    """The spec as one line, its comments left out as the reader leaves them out, its line ends as separators.

    User text: it is written into code only through :func:`docstring`."""
    parts = (" ".join(line.split()).rstrip(",; ") for line in lines(strip_comments(net.text)))
    return ", ".join(part for part in parts if part)
