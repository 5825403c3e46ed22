"""Items into layers in creation order, each knowing its inputs: names (``as NAME``) and references (``@NAME``)
resolved, merges checked for their number of branches, and every layer required to reach the output."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...errors import SpecError, closest, shorten
from ...model.layers import MERGES, Merge, ScaledAdd
from ...model.records import replace
from .items import Item, MergeItem, Scope
from .records import ParsedLayer, Token

if TYPE_CHECKING:
    from .parser import _Parser


def merge_arity(word: str, branches: int) -> tuple[str, str] | None:
    """Why the merge ``word`` cannot take this many branches, as a message and a hint; None when it can.

    >>> merge_arity("sub", 3)
    ("'sub' takes exactly 2 branches, got 3", "separate branches with '|', as in sub(id | conv64x3)")
    """
    least, most = MERGES[word.lower()].arity
    if least <= branches and (most is None or branches <= most):
        return None
    wanted = f"exactly {least}" if least == most else f"at least {least}"
    return (f"'{word}' takes {wanted} branches, got {branches}",
            f"separate branches with '|', as in {word.lower()}(id | conv64x3)")



_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
#: the factor of a scaled add, glued to the word: 'scale0.17', 'scale1'
_SCALE = r"scale(\d+(?:\.\d*)?|\.\d+)\Z"  # a pattern, compiled where a scale is written


def _start(item: Item) -> int:
    if isinstance(item, MergeItem):
        return item.span[0]
    if isinstance(item, Scope):
        return item.use.span[0] if item.use is not None else _start(item.items[0])
    return int(item[0].start)


def _end(item: Item) -> int:
    if isinstance(item, MergeItem):
        return item.trailing[-1].end if item.trailing else item.span[1]
    if isinstance(item, Scope):
        if item.use is not None:
            return item.use.trailing[-1].end if item.use.trailing else item.use.span[1]
        return _end(item.items[-1])
    return int(item[-1].end)


class _Builder:
    """Items into layers in creation order, each knowing its inputs; names and references resolved.

    ``current`` is the tensor the next layer reads: 0 is the input, n the n-th layer created.
    """

    def __init__(self, parser: _Parser) -> None:
        self.parser = parser
        self.text = parser.text
        self.current = 0
        self.names: dict[str, tuple[int, Token | None]] = {"input": (0, None)}
        self.graph = False
        #: the uses of the blocks being built, innermost first (for the errors of their layers)
        self.uses: tuple[tuple[str, tuple[int, int]], ...] = ()
        #: how many blocks' uses have been built, each use repeated counted again
        self.used = 0

    def items(self, items: list[Item] | tuple[Item, ...]) -> None:
        previous: Item = None  # the item before, and where it began (a repeat: its first copy), for 'frozen'
        start = 0
        for item in items:
            if type(item) is list:  # a layer's tokens: the common case first
                if len(item) == 1 and len(item[0].text) == 6 and item[0].lower == "frozen":  # '[…]x2 frozen'
                    self.frozen_after(item[0], start if isinstance(previous, Scope) else None)
                else:
                    self.layer(item)
            elif isinstance(item, Scope):
                outside = dict(self.names)
                first = len(self.parser.layers)
                if item is not previous:  # a repeat's copies are one item
                    start = first
                if item.use is None:
                    self.items(item.items)
                else:
                    self.block(item)
                self.names = outside  # a copy's names are its own
                if item.use is not None and item.use.trailing:
                    self.block_name(item, first)
            elif isinstance(item, MergeItem):
                self.merge(item)
            else:
                self.layer(item)
            previous = item

    def frozen_after(self, token: Token, start: int | None) -> None:
        """``[…]x2 frozen``: the layers the repeat just before made (from ``start``) are not trained."""
        before = self.text[:token.start]
        if start is None or not before[-1:].isspace() or before.rstrip()[-1:] in (",", ";"):
            raise SpecError("'frozen' follows the item it freezes", self.text, (token.start, token.end), None,
                            "write it after a layer, a repeat, a merge or a block's use, as in 'conv32x3 frozen', "
                            "'[conv8x3]x2 frozen' or 'keras:MobileNetV2 notop frozen'")
        self.freeze(start)

    def freeze(self, start: int) -> None:
        """The layers from ``start`` (0-based) on are not trained."""
        layers = self.parser.layers
        for position in range(start, len(layers)):
            if not layers[position].frozen:
                layers[position] = replace(layers[position], frozen=True)

    def block(self, scope: Scope) -> None:
        """A block's use: its body, each of its errors also pointing at the use."""
        use = scope.use
        assert use is not None
        here = (f"where '{use.name.text}' is used", use.span)
        outer = self.uses
        self.uses = (here, *outer)
        self.used += 1
        container, first = (use.name.text, self.used), len(self.parser.layers)
        try:
            self.items(scope.items)
        except SpecError as error:
            raise error.at(*here)  # noqa: B904 - the same error, one more place
        finally:
            self.uses = outer
        layers = self.parser.layers
        for position in range(first, len(layers)):  # the layers the use made: inside it
            layers[position] = replace(layers[position], containers=(container, *layers[position].containers))

    def block_name(self, scope: Scope, first: int) -> None:
        """``mb(16, 6, 1) as t``: the name of a block's output; ``frozen``: its layers (from ``first``) not
        trained."""
        use = scope.use
        assert use is not None
        tokens, name = self._trailing_name(list(use.trailing), use.name)
        if tokens and all(token.lower == "frozen" for token in tokens):
            self.freeze(first)
            tokens = []
        if tokens:
            raise SpecError(f"unexpected '{tokens[0].text}' after the block's use", self.text,
                            (tokens[0].start, tokens[-1].end), None,
                            "a block's use may be followed by 'as NAME' only; put other layers after a ','")
        if name is not None:
            self.define(name, self.current)

    def layer(self, tokens: list[Token]) -> None:
        first = tokens[0].text
        if first[0] == "@":
            self.reference(tokens)
            return
        if len(first) == 2 and len(tokens) == 1 and first.lower() == "id":
            return  # the identity: the tensor passes on
        name = None
        if len(tokens) > 1 and (len(tokens[-2].text) == 2 or len(tokens[-1].text) == 2):  # maybe '… as NAME'
            tokens, name = self._trailing_name(tokens)
        frozen = len(tokens) > 1 and len(tokens[-1].text) == 6 and tokens[-1].lower == "frozen"
        if frozen:
            tokens = tokens[:-1]
        before = len(self.parser.layers)
        self.parser.layer(tokens, (self.current,), self.uses)
        if len(self.parser.layers) > before:
            self.current = len(self.parser.layers)
            if frozen:
                self.freeze(before)
        if name is not None:
            self.define(name, self.current)

    def reference(self, tokens: list[Token]) -> None:
        first = tokens[0]
        if len(tokens) > 1:
            raise SpecError(f"unexpected '{tokens[1].text}' after '{shorten(first.text)}'", self.text,
                            (tokens[1].start, tokens[-1].end), None,
                            f"a reference stands alone: write '{shorten(first.text)}, {shorten(tokens[1].text)}'")
        name = first.text[1:].lower()
        if name not in self.names:
            raise SpecError(f"'{shorten(first.text)}' is not defined before here", self.text,
                            (first.start, first.end), None, self._defined_hint(name))
        self.graph = True
        self.current = self.names[name][0]

    def merge(self, item: MergeItem) -> None:
        cls = MERGES[item.word.lower]
        refused = merge_arity(item.word.text, len(item.branches))
        if refused is not None:
            raise SpecError(refused[0], self.text, item.span, None, refused[1])
        start, outputs, first = self.current, [], len(self.parser.layers)
        for branch in item.branches:  # names a branch defines stay visible after it, as in Keras code
            self.current = start
            self.items(branch)
            outputs.append(self.current)
        tokens, name = self._trailing_name(list(item.trailing), item.word)
        frozen = any(token.lower == "frozen" for token in tokens)
        tokens = [token for token in tokens if token.lower != "frozen"]
        layer = self._scaled(item, tokens) if tokens and item.word.lower == "add" else cls()
        if tokens and not isinstance(layer, ScaledAdd):
            raise SpecError(f"unexpected '{tokens[0].text}' after the merge", self.text,
                            (tokens[0].start, tokens[-1].end), None,
                            "a merge may be followed by 'as NAME' only (an add also by 'scale{F}'); put other "
                            "layers after a ','")
        source = item.source or " ".join(self.text[item.span[0]:item.span[1]].split())
        spans = tuple((_start(b[0]), _end(b[-1])) for b in item.branches)
        self.parser.add(ParsedLayer(layer, item.span, source, tuple(outputs), spans, self.uses))
        if frozen:
            self.freeze(first)
        self.graph = True
        self.current = len(self.parser.layers)
        if name is not None:
            self.define(name, self.current)

    def _scaled(self, item: MergeItem, tokens: list[Token]) -> Merge:
        """``add(A | B) scale{F}``: A + F·B (Inception-ResNet's scaled residual sum)."""
        match = re.match(_SCALE, tokens[0].lower)
        if match is None or len(tokens) != 1:
            raise SpecError(f"unexpected '{tokens[0].text}' after the merge", self.text,
                            (tokens[0].start, tokens[-1].end), None,
                            "an add may be followed by 'scale{F}' (A + F·B, as in 'add(id | conv64x1) scale0.17') "
                            "and 'as NAME'; put other layers after a ','")
        if len(item.branches) != 2:
            raise SpecError(f"'add … scale' takes exactly 2 branches, got {len(item.branches)}", self.text,
                            item.span, None, "the scale multiplies the second branch: add(id | conv64x1) scale0.17")
        return ScaledAdd(float(match[1]))

    def _trailing_name(self, tokens: list[Token], owner: Token | None = None) -> tuple[list[Token], Token | None]:
        """Split 'conv64x3 same relu as e1' into the layer's tokens and the name token."""
        for position, token in enumerate(tokens):
            if token.lower == "as":
                rest = tokens[position + 1:]
                if len(rest) != 1 or not _NAME.match(rest[0].lower):
                    where = rest[0] if rest else token
                    raise SpecError("'as' needs one name after it", self.text, (where.start, where.end), None,
                                    "names are lower-case letters, digits and '_', starting with a letter or '_', "
                                    "as in 'conv64x3 same as e1'")
                if position == 0 and owner is None:
                    raise SpecError("'as' needs a layer before it", self.text, (token.start, token.end), None,
                                    "write it after the layer it names, as in 'conv64x3 same as e1'")
                return tokens[:position], rest[0]
        return tokens, None

    def define(self, token: Token, node: int) -> None:
        name = token.lower
        if name in self.names:
            previous = self.names[name][1]
            where = "is the network's input" if previous is None else \
                f"is already the name of {shorten(self.text[previous.start:previous.end])}"
            raise SpecError(f"the name '{token.text}' {where}", self.text, (token.start, token.end), None,
                            "give each tensor its own name")
        self.names[name] = (node, token)
        self.graph = True

    def _defined_hint(self, name: str) -> str:
        known = [n for n in self.names if n != "input"]
        guess = closest(name, known) if known else None
        if guess:
            return f"did you mean '@{guess}'?"
        return ("name a tensor with 'as NAME' before you use it, as in 'conv64x3 same as e1, …, cat(id | @e1)'; "
                "'@input' is the input")

    def require_connected(self) -> None:
        """Every layer must reach the output (the last tensor); Keras would drop it silently."""
        layers = self.parser.layers
        if not self.graph or not layers:
            return
        reached = {self.current}
        for number in range(len(layers), 0, -1):
            if number in reached:
                reached.update(layers[number - 1].inputs)
        for number, parsed in enumerate(layers, start=1):
            if number not in reached:
                raise SpecError("this layer does not reach the output", self.text, parsed.span, number,
                                "name its tensor with 'as NAME' and use it in a merge (@NAME), or remove it",
                                parsed.uses)
