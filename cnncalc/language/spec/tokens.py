"""The spec's text as tokens: comments blanked out, line breaks other than a newline refused, tokens matched one at
a time, and the bounds of a spec (its layers, its nesting, a layer's words)."""

from __future__ import annotations

import re

from ...errors import SpecError
from ..sources import OTHER_LINE_BREAK, OTHER_LINE_BREAKS, other_line_break


def strip_comments(text: str) -> str:
    r"""``text`` with each comment, ``#`` to the end of its line (:func:`~cnncalc.language.sources.lines`), blanked out.

    Every offset is kept, so spans still index the original text.

    >>> strip_comments("relu # a\nrelu")
    'relu    \nrelu'
    """
    return _COMMENT.sub(lambda m: " " * len(m.group()), text)


#: A comment runs to the next ``\n``, the one line end :func:`~cnncalc.language.sources.lines` knows.
_COMMENT = re.compile(r"#[^\n]*")


def refuse_other_line_breaks(text: str) -> None:
    r"""Refuse a line break other than ``\n`` (or ``\r\n``): an editor may start a new line there while the
    reader goes on reading a comment, and every writer of the spec's text (``--format keras``) must see the
    lines the reader saw (:func:`~cnncalc.language.sources.lines`)."""
    position = other_line_break(text)
    if position >= 0:
        char = text[position]
        shown = re.sub(OTHER_LINE_BREAK, "\N{SYMBOL FOR NEWLINE}", text)  # visible, at the same offsets
        raise SpecError(f"a line break other than a newline: U+{ord(char):04X} {OTHER_LINE_BREAKS[char]}", shown,
                        (position, position + 1), None,
                        "end each line with a newline (\\n or \\r\\n) alone; cnncalc reads no other line break")



#: A word's characters, and a block's '{c*e}' in a word, which may hold spaces and brackets (a lone '{' is a
#: character of the word, refused by its reader).  The plain run first: most words have no braces.
_PLAIN = r"[^\s,;|\[\](){]++"
_BRACED = r"(?:\{[^{}\n]*+\}|\{)"
_TOKENS = re.compile(
    r"(?P<sep>[,;\n](?:[\s,;]*[,;\n])?)"  # a run of separators is one token
    r"|(?P<bar>\|)|(?P<open>[\[(])|(?P<close>[\])])(?P<times>\s*[xX×]\s*\d+)?"
    rf"|{_PLAIN}(?:{_BRACED}[^\s,;|\[\](){{]*+)*+|{_BRACED}(?:{_PLAIN}|{_BRACED})*+"
)
#: The expansion limit: the most layers a whole spec may expand to, repeats included.  Resolving
#: 100,000 layers takes about 2.5 s; a million would take half a minute and gigabytes.
MAX_LAYERS = 100_000
#: The deepest nesting of repeats; the parser recurses once per level.
MAX_DEPTH = 32


class _Stream:
    """The spec's tokens, matched one at a time: a 4 MiB spec of commas never becomes millions of objects."""

    def __init__(self, text: str) -> None:
        self.matches = _TOKENS.finditer(text)
        self.next: re.Match[str] | None = next(self.matches, None)

    def advance(self) -> re.Match[str] | None:
        current, self.next = self.next, next(self.matches, None)
        return current


#: The most words one layer may have; the longest real one ('conv32x3 s2 p1 d1 g2 relu nobias') has 7.
MAX_WORDS = 64
