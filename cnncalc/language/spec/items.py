"""The spec as items: layers' tokens, merges with their branches (``add(A | B)``), repeats' copies (``[…]x2``)
and blocks' uses (``mb(16, 6, 1)``, after ``def mb(c, e, s) = (…)``), read by recursive descent and held to
:data:`~cnncalc.language.spec.tokens.MAX_LAYERS` as they grow."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...errors import SpecError, shorten
from ...model.layers import MERGES
from ..literals import TooLargeError, read_int
from .records import BlockUse, Item, MergeItem, Scope, Token
from .tokens import MAX_DEPTH, MAX_LAYERS, MAX_WORDS, _Stream

if TYPE_CHECKING:
    from .blocks import Blocks

__all__ = ["BlockUse", "Item", "MergeItem", "Scope"]


class NoBlocks:
    """The blocks of a spec whose text has no ``def``: none defined, so none used, and no name meant as one.

    It answers as :class:`~.blocks.Blocks` answers for such a text, so that a spec without blocks never loads
    their machinery (:mod:`.blocks`, :mod:`.braces`, :mod:`.filling`, :mod:`.uses`).
    """

    defining: Token | None = None
    defined: dict[str, object] = {}  # noqa: RUF012 - never written: only a definition adds to it

    def __init__(self) -> None:
        self.deepest = 0

    def unknown(self, name: Token, position: int) -> SpecError | None:
        """No block is defined nor defined later, so ``name(`` is never meant as a block's use."""
        return None

    def unused_problem(self) -> None:
        """No block, so no block with a problem."""


def _items(text: str) -> list[Item]:
    """The spec as items: layers' tokens, merges with their branches, and repeats' copies.

    ``[conv64x3 same relu]x2`` or ``(…)x2`` repeats what it encloses, and groups nest.  The
    copies keep their original spans, so an error in a repeated layer points into the text.
    The whole expansion is held to :data:`MAX_LAYERS` as it grows, never after.
    """
    stream = _Stream(text)
    blocks: Blocks | NoBlocks = NoBlocks()
    if "def" in text.lower():  # a definition's 'def', in any case; else no block can be defined nor used
        from .blocks import Blocks

        blocks = Blocks(text)
    items, _ = _sequence(text, stream, None, 0, False, blocks)
    stray = stream.next
    if stray is not None:
        if stray["bar"]:
            raise SpecError("'|' outside a merge", text, (stray.start(), stray.end()), None,
                            "'|' separates the branches of a merge, as in add(id | conv64x3 same)")
        raise SpecError(f"unmatched '{stray[0].strip()[0]}'", text, (stray.start(), stray.start() + 1), None,
                        "every '[' or '(' needs its closing bracket and a count, as in [conv8x3 relu]x2")
    blocks.unused_problem()
    return items


def _sequence(text: str, stream: _Stream, opener: re.Match[str] | None,  # noqa: PLR0912, PLR0915
              depth: int, in_merge: bool, blocks: Blocks | NoBlocks) -> tuple[list[Item], int]:  # one loop per token
    """Items up to the bracket that closes ``opener`` (or '|' in a merge, or the end), left as the stream's
    next; returns them and how many layers they expand to.  Its common cases are inline, for speed."""
    if depth > MAX_DEPTH and opener is not None:
        raise SpecError(f"repeats and merges are nested more than {MAX_DEPTH} deep", text,
                        (opener.start(), opener.end()), None, "nest fewer brackets: [[conv8x3]x2]x3 is [conv8x3]x6")
    blocks.deepest = max(blocks.deepest, depth)
    items: list[Item] = []
    count = 0
    current: list[Token] = []
    merge: MergeItem | BlockUse | None = None  # a merge or a use just closed, which may still take 'as NAME'
    defined = False  # a definition just closed

    def flush(where: re.Match[str] | None) -> None:
        nonlocal current, merge, count, defined
        if defined and current:
            raise SpecError(f"unexpected '{current[0].text}' after a block's definition", text,
                            (current[0].start, current[-1].end), None,
                            "a definition ends at its ')': separate it from what follows with ',' or a newline")
        defined = False
        if isinstance(merge, BlockUse):
            merge = BlockUse(merge.name, merge.args, merge.span, tuple(current), merge.size)
            count = _grow(text, count, merge.size, where or merge.span)
            if blocks.defining is not None:  # in a definition's body: filled in where the block is used
                items.append(merge)
            else:
                assert not isinstance(blocks, NoBlocks)  # a use is read only when its block is defined
                items.append(blocks.expand(merge))
        elif merge is not None:
            source = None
            if blocks.defining is None and blocks.defined:
                from .filling import has_use, merge_source

                if has_use(merge.branches):  # a block's body in it, written out
                    source = merge_source(text, merge.word, merge.branches)
            merge = MergeItem(merge.word, merge.branches, merge.span, tuple(current), source)
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
            if merge is None and current and not defined:  # the common case, inline: one layer ends
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
            merge, current = _merge(text, stream, current[0], match, depth, blocks), []
        elif merge is None and current and current[0].lower == "def" and match[0] == "(" and not defined:
            _definition(text, stream, current, match, depth, blocks)
            current, defined = [], True
        elif merge is None and len(current) == 1 and match[0] == "(" and not defined and \
                current[0].lower in blocks.defined:
            from .uses import _use

            merge, current = _use(text, stream, current[0], match, depth, blocks), []
        elif current or merge is not None or defined:
            if len(current) == 1 and match[0] == "(" and merge is None:
                unknown = blocks.unknown(current[0], match.start())
                if unknown is not None:
                    raise unknown
            raise _not_a_repeat(text, current, match)
        else:  # a repeat opens
            group, size = _sequence(text, stream, match, depth + 1, False, blocks)
            times = _repeat(text, group, stream, match)
            count = _grow(text, count, size * times, match)
            items += [Scope(tuple(group))] * times
    if opener is not None and stream.next is None:
        raise SpecError(f"'{opener[0]}' is never closed", text, (opener.start(), opener.end()), None,
                        "close it: a repeat as in [conv8x3 relu]x2, a merge as in add(id | conv8x3 same)")
    flush(None)
    return items, count


def _merge(text: str, stream: _Stream, word: Token, opener: re.Match[str], depth: int,
           blocks: Blocks | NoBlocks) -> MergeItem:
    """The branches of ``add(A | B | …)`` up to its ')'."""
    branches: list[tuple[Item, ...]] = []
    while True:
        branch, _ = _sequence(text, stream, opener, depth + 1, True, blocks)
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
    if isinstance(item, BlockUse):
        return item.size
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
        after = stream.next
        if after is not None and after[0][:2].lower() in ("x{", "×{") and after.start() == close.end():
            raise SpecError("a repeat's count is a number, not a block's '{…}'", text, (opener.start(), after.end()),
                            None, "write the count as a number, as in [conv8x3 relu]x2; '{…}' fills in words and "
                            "options")
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


def _definition(text: str, stream: _Stream, head: list[Token], opener: re.Match[str], depth: int,
                blocks: Blocks | NoBlocks) -> None:
    """``def NAME(P1, P2, …) = (ITEMS)``, read up to its ')' and added to ``blocks``."""
    from .uses import _list

    assert not isinstance(blocks, NoBlocks)  # the text has a 'def'
    form = "write a definition as 'def NAME(P1, P2) = (layers)', as in def mb(c, e, s) = (conv{c*e}x1, bn, relu6)"
    if depth > 0 or blocks.defining is not None:
        raise SpecError("a block is defined at the top level of the spec", text, (head[0].start, opener.end()),
                        None, "define it on a line of its own, before the layers that use it")
    if len(head) != 2:
        where = head[2] if len(head) > 2 else head[0]
        raise SpecError("'def' takes a block's name and its parameters in parentheses", text,
                        (where.start, where.end), None, form)
    name = head[1]
    params, close = _list(text, stream, opener, "parameters")
    blocks.check_head(name, params)
    equals, body = (None, None) if close["times"] else (stream.advance(), stream.advance())
    if equals is None or equals[0] != "=" or body is None or body[0] != "(":
        where = equals or close
        raise SpecError(f"the definition of '{name.text}' needs '= (' and its layers", text,
                        (where.start(), where.end()), None, form)
    blocks.defining, blocks.deepest = name, 0
    items, size = _sequence(text, stream, body, 1, False, blocks)
    end = stream.advance()
    assert end is not None  # _sequence raised "never closed" otherwise
    if end[0][0] != ")" or end["times"]:
        raise SpecError(f"the body of '{name.text}' is closed by '{end[0].strip()}'", text,
                        (end.start(), end.end()), None, "close it with ')' alone; repeat a block's use inside "
                        "brackets, as in [mb(16, 6, 1)]x3")
    blocks.define(name, params, (head[0].start, close.end()), items, size)
    blocks.defining = None
