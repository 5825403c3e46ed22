"""The spec as items: layers' tokens, merges with their branches (``add(A | B)``) and repeats' copies
(``[…]x2``), read by recursive descent and held to :data:`~cnncalc.language.spec.tokens.MAX_LAYERS` as they grow."""

from __future__ import annotations

import re
from typing import Any

from ...errors import SpecError, shorten
from ...model.layers import MERGES
from ...model.records import record
from ..literals import TooLargeError, read_int
from .records import Token
from .tokens import MAX_DEPTH, MAX_LAYERS, MAX_WORDS, _Stream


@record
class MergeItem:
    """``add(A | B)``: a merge word, its branches (each a list of items), and a trailing ``as NAME``."""

    word: Token
    branches: tuple[tuple[Any, ...], ...]
    span: tuple[int, int]
    trailing: tuple[Token, ...] = ()


@record
class Scope:
    """One copy of a repeat: names defined inside it belong to this copy alone."""

    items: tuple[Any, ...]


# An item is a layer's tokens (list[Token]), a MergeItem, or a Scope.
Item = Any


def _items(text: str) -> list[Item]:
    """The spec as items: layers' tokens, merges with their branches, and repeats' copies.

    ``[conv64x3 same relu]x2`` or ``(…)x2`` repeats what it encloses, and groups nest.  The
    copies keep their original spans, so an error in a repeated layer points into the text.
    The whole expansion is held to :data:`MAX_LAYERS` as it grows, never after.
    """
    stream = _Stream(text)
    items, _ = _sequence(text, stream, None, 0, in_merge=False)
    stray = stream.next
    if stray is not None:
        if stray["bar"]:
            raise SpecError("'|' outside a merge", text, (stray.start(), stray.end()), None,
                            "'|' separates the branches of a merge, as in add(id | conv64x3 same)")
        raise SpecError(f"unmatched '{stray[0].strip()[0]}'", text, (stray.start(), stray.start() + 1), None,
                        "every '[' or '(' needs its closing bracket and a count, as in [conv8x3 relu]x2")
    return items


def _sequence(text: str, stream: _Stream, opener: re.Match[str] | None, depth: int,  # noqa: PLR0912, PLR0915
              in_merge: bool) -> tuple[list[Item], int]:  # one loop per token, its common cases inline for speed
    """Items up to the bracket that closes ``opener`` (or '|' in a merge, or the end), left as the stream's
    next; returns them and how many layers they expand to."""
    if depth > MAX_DEPTH and opener is not None:
        raise SpecError(f"repeats and merges are nested more than {MAX_DEPTH} deep", text,
                        (opener.start(), opener.end()), None, "nest fewer brackets: [[conv8x3]x2]x3 is [conv8x3]x6")
    items: list[Item] = []
    count = 0
    current: list[Token] = []
    merge: MergeItem | None = None  # a merge just closed, which may still take 'as NAME'

    def flush(where: re.Match[str] | None) -> None:
        nonlocal current, merge, count
        if merge is not None:
            merge = MergeItem(merge.word, merge.branches, merge.span, tuple(current))
            count = _grow(text, count, _size(merge), where or merge.span)
            items.append(merge)
        elif current:
            count = _grow(text, count, 1, where or (current[0].start, current[-1].end))
            items.append(current)
        current, merge = [], None

    stops = ("close", "times", "bar") if in_merge else ("close", "times")
    matches = stream.matches
    while True:
        match = stream.next
        if match is None or match.lastgroup in stops:
            break
        stream.next = next(matches, None)  # advance, inline: this loop runs once per token
        kind = match.lastgroup  # one lookup: None for a word, else the token's group
        if kind is None:
            if len(current) == MAX_WORDS:
                raise SpecError(f"a layer of more than {MAX_WORDS} words", text, (match.start(), match.end()), None,
                                "separate layers with ',' or ';'")
            current.append(Token(match[0], match.start(), match.end()))
        elif kind == "sep":
            if merge is None and current:  # the common case, inline: one layer ends
                if count > MAX_LAYERS:
                    _grow(text, count, 1, match)  # raises
                count += 1
                items.append(current)
                current = []
            else:
                flush(match)
        elif kind == "bar":
            raise SpecError("'|' outside a merge", text, (match.start(), match.end()), None,
                            "'|' separates the branches of a merge, as in add(id | conv64x3 same)")
        elif merge is None and len(current) == 1 and match[0] == "(" and current[0].lower in MERGES:
            merge, current = _merge(text, stream, current[0], match, depth), []
        elif current or merge is not None:
            raise _not_a_repeat(text, current, match)
        else:  # a repeat opens
            group, size = _sequence(text, stream, match, depth + 1, in_merge=False)
            times = _repeat(text, group, stream, match)
            count = _grow(text, count, size * times, match)
            items += [Scope(tuple(group))] * times
    if opener is not None and stream.next is None:
        raise SpecError(f"'{opener[0]}' is never closed", text, (opener.start(), opener.end()), None,
                        "close it: a repeat as in [conv8x3 relu]x2, a merge as in add(id | conv8x3 same)")
    flush(None)
    return items, count


def _merge(text: str, stream: _Stream, word: Token, opener: re.Match[str], depth: int) -> MergeItem:
    """The branches of ``add(A | B | …)`` up to its ')'."""
    branches: list[tuple[Item, ...]] = []
    while True:
        branch, _ = _sequence(text, stream, opener, depth + 1, in_merge=True)
        end = stream.advance()
        assert end is not None  # _sequence raised "never closed" otherwise
        if not branch:
            raise SpecError(f"branch {len(branches) + 1} of '{word.text}' is empty", text,
                            (end.start(), end.end()), None, "write 'id' for a branch that passes its input on")
        branches.append(tuple(branch))
        if end["bar"]:
            continue
        if end[0][0] != ")":
            raise SpecError(f"'{word.text}(' is closed by '{end[0][0]}'", text, (end.start(), end.start() + 1),
                            None, "close a merge with ')'")
        if end["times"]:
            raise SpecError(f"a merge takes no count: '{word.text}(…){end['times'].strip()}'", text,
                            (word.start, end.end()), None, f"repeat it inside brackets: [{word.text}(…)]x2")
        return MergeItem(word, tuple(branches), (word.start, end.end()))


def _size(item: Item) -> int:
    """How many layers an item stands for, the merge itself included."""
    if isinstance(item, MergeItem):
        return 1 + sum(_size(sub) for branch in item.branches for sub in branch)
    if isinstance(item, Scope):
        return sum(_size(sub) for sub in item.items)
    return 1


def _grow(text: str, count: int, more: int, where: re.Match[str] | tuple[int, int] | None) -> int:
    """Add ``more`` layers to a running count, holding the spec to :data:`MAX_LAYERS` as it grows."""
    if count + more > MAX_LAYERS + 1:  # + 1: the input line is a group of tokens too
        span = (where.start(), where.end()) if isinstance(where, re.Match) else where or (0, len(text))
        raise SpecError(f"the spec expands to more than {MAX_LAYERS:,} layers", text, span, None,
                        "use smaller repeat counts; cnncalc summarises at most 100,000 layers")
    return count + more


def _not_a_repeat(text: str, current: list[Token], match: re.Match[str]) -> SpecError:
    before = current[-1].text if current else ")"
    if current and current[0].lower == "input":
        hint = "write the input shape as 'input 28x28x1', without parentheses"
    else:
        hint = ("write a layer as a word with its numbers, as in 'conv32x3 relu' (Keras' Conv2D(32, (3, 3))); "
                "brackets only repeat whole layers, as in [conv8x3 relu]x2, and merges are "
                f"{', '.join(MERGES)}(A | B)")
    return SpecError(f"unexpected '{match[0]}' after '{shorten(before)}'", text, (match.start(), match.end()),
                     None, hint)


def _repeat(text: str, group: list[Item], stream: _Stream, opener: re.Match[str]) -> int:
    """The count of a repeat whose items are ``group``, checked."""
    close = stream.advance()
    assert close is not None  # _sequence raised "never closed" otherwise
    pair = {"[": "]", "(": ")"}[opener[0]]
    if close[0][0] != pair:
        raise SpecError(f"'{opener[0]}' is closed by '{close[0][0]}'", text, (close.start(), close.start() + 1),
                        None, f"close it with '{pair}'")
    if not close["times"]:
        raise SpecError("a repeat needs a count", text, (opener.start(), close.end()), None,
                        f"write it as {opener[0]}…{pair}x2")
    try:
        times = read_int(re.sub(r"[^\d]", "", close["times"]), MAX_LAYERS)
    except TooLargeError:
        times = MAX_LAYERS + 1
    if times < 1 or not group:
        problem = "repeats nothing" if not group else "repeats zero times"
        raise SpecError(f"the repeat {problem}", text, (opener.start(), close.end()), None,
                        "give it at least one layer and a count of at least 1")
    if _size(Scope(tuple(group))) * times > MAX_LAYERS:
        raise SpecError(f"the repeat expands to more than {MAX_LAYERS:,} layers", text,
                        (opener.start(), close.end()), None, "use a smaller count")
    return times
