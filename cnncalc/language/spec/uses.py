"""A block's use as the spec writes it, ``mb(16, 6, 1)``, and the comma-separated list a use's arguments and a
definition's parameters are written as."""

from __future__ import annotations

import re

from ...errors import SpecError, shorten
from .blocks import Blocks
from .records import BlockUse, Token
from .tokens import MAX_DEPTH, MAX_WORDS, _Stream


def _use(text: str, stream: _Stream, name: Token, opener: re.Match[str], depth: int, blocks: Blocks) -> BlockUse:
    """``NAME(1, 2)``: a block's use, its arguments read, its nesting held to :data:`MAX_DEPTH`."""
    args, close = _list(text, stream, opener, "arguments")
    span = (name.start, close.end())
    if close["times"]:
        raise SpecError(f"a block's use takes no count: '{name.text}(…){close['times'].strip()}'", text, span,
                        None, f"repeat it inside brackets: [{name.text}(…)]x2")
    definition = blocks.defined[name.lower]
    if depth + definition.depth > MAX_DEPTH:
        raise SpecError(f"blocks, repeats and merges are nested more than {MAX_DEPTH} deep", text, span, None,
                        "nest fewer blocks in blocks")
    blocks.deepest = max(blocks.deepest, depth + definition.depth)
    return BlockUse(name, tuple(args), span, (), blocks.use_size(name))


def _list(text: str, stream: _Stream, opener: re.Match[str], what: str) -> tuple[list[Token], re.Match[str]]:
    """The comma-separated words up to the ')' that closes ``opener``: a block's parameters or arguments."""
    values: list[Token] = []
    expect = True
    while True:
        match = stream.advance()
        if match is None:
            raise SpecError(f"'{opener[0]}' is never closed", text, (opener.start(), opener.end()), None,
                            f"close the {what} with ')', as in mb(16, 6, 1)")
        kind = match.lastgroup
        if kind is None and expect and len(values) < MAX_WORDS:
            values.append(Token(match[0], match.start(), match.end()))
            expect = False
        elif kind == "sep" and not expect and match[0].strip() == ",":
            expect = True
        elif kind in ("close", "times") and match[0][0] == ")" and (not expect or not values):
            return values, match
        elif kind is None and expect:
            raise SpecError(f"more than {MAX_WORDS} {what}", text, (match.start(), match.end()), None,
                            f"a block takes at most {MAX_WORDS} {what}")
        else:
            shown = match[0].strip() or "a newline"
            raise SpecError(f"unexpected '{shorten(shown)}' in the {what}", text, (match.start(), match.end()), None,
                            f"separate the {what} with ',' and close them with ')', as in mb(16, 6, 1)")
