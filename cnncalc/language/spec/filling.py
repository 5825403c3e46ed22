"""One use of a block filled in: its body's tokens with each ``{expr}`` replaced by its value, its merges' text
written out, and the uses inside it filled in in turn; and items written out as text, for a merge's ``spec``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .records import BlockUse, Item, MergeItem, Scope, Token

if TYPE_CHECKING:
    from .blocks import Blocks

#: Other places of the spec an error points at, each with what it is.
Places = tuple[tuple[str, tuple[int, int]], ...]


class Filling:
    """One use's body with its parameters' values: every token with a ``{`` filled in, the rest shared."""

    def __init__(self, blocks: Blocks, values: dict[str, int], here: Places) -> None:
        self.blocks, self.values, self.here = blocks, values, here
        self.copies: dict[int, Scope] = {}  # a repeat's copies are one object, filled in once
        self.known: dict[str, str] = {}  # each expression's value with these values

    def items(self, items: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple([self.item(item) for item in items])

    def tokens(self, tokens: Any) -> list[Token]:
        fill, values, here, known = self.blocks.fill, self.values, self.here, self.known
        return [Token(fill(t.text, t.start, values, here, known), t.start, t.end) if "{" in t.text else t
                for t in tokens]

    def item(self, item: Item) -> Item:
        if type(item) is list:
            return self.tokens(item) if any("{" in t.text for t in item) else item
        if isinstance(item, Scope):
            copy = self.copies.get(id(item))
            if copy is None:
                copy = self.copies[id(item)] = Scope(self.items(item.items), item.use)
            return copy
        if isinstance(item, MergeItem):
            branches = tuple(self.items(branch) for branch in item.branches)
            if has_use(branches):
                source = merge_source(self.blocks.text, item.word, branches)
            else:
                start, end = item.span
                written = self.blocks.fill(self.blocks.text[start:end], start, self.values, self.here, self.known)
                source = " ".join(written.split())
            return MergeItem(item.word, branches, item.span, tuple(self.tokens(item.trailing)), source)
        use = BlockUse(item.name, item.args, item.span, tuple(self.tokens(item.trailing)), item.size)
        return self.blocks.expand(use, self.values, self.here)


def has_use(branches: tuple[tuple[Item, ...], ...]) -> bool:
    """Whether a merge's branches use a block (outside the merges inside them, which have their own text)."""
    stack = [item for branch in branches for item in branch]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, Scope) and id(item) not in seen:
            if item.use is not None:
                return True
            seen.add(id(item))
            stack += item.items
    return False


def merge_source(text: str, word: Token, branches: tuple[tuple[Item, ...], ...]) -> str:
    """A merge that uses blocks as written out: each use replaced by its body, its numbers filled in."""
    return f"{word.text}({' | '.join(written(text, branch) for branch in branches)})"


def written(text: str, items: tuple[Item, ...] | list[Item]) -> str:
    """Items as written out: layers as read, merges as written, uses as their bodies, repeats as [ … ]xN."""
    parts: list[str] = []
    position = 0
    while position < len(items):
        item = items[position]
        position += 1
        if type(item) is list:
            parts.append(" ".join([t.text for t in item]))
        elif isinstance(item, MergeItem):
            merge = item.source or " ".join(text[item.span[0]:item.span[1]].split())
            parts.append(" ".join([merge, *(t.text for t in item.trailing)]))
        elif isinstance(item, Scope) and item.use is not None:
            parts.append(" ".join([written(text, item.items), *(t.text for t in item.use.trailing)]))
        elif isinstance(item, Scope):
            times = 1
            while position < len(items) and items[position] is item:
                times, position = times + 1, position + 1
            parts.append(f"[{written(text, item.items)}]x{times}")
    return ", ".join(parts)
