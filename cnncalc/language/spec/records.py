"""What the spec reader produces: a token with its span, the items it reads (merges, repeats' copies, blocks'
uses), the input, a layer with the text it came from, and the parsed spec."""

from __future__ import annotations

from typing import Any

from ...errors import shorten
from ...model.layers import Layer, Shape
from ...model.records import record


@record
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@record
class MergeItem:
    """``add(A | B)``: a merge word, its branches (each a list of items), and a trailing ``as NAME``."""

    word: Token
    branches: tuple[tuple[Any, ...], ...]
    span: tuple[int, int]
    trailing: tuple[Token, ...] = ()
    #: the merge as written out, when its text is not (a merge in a block's body, its numbers filled in)
    source: str | None = None


@record
class BlockUse:
    """``mb(16, 6, 1)``: a block's name, its arguments as written, and a trailing ``as NAME``."""

    name: Token
    args: tuple[Token, ...]
    span: tuple[int, int]
    trailing: tuple[Token, ...] = ()
    #: how many layers the block expands to
    size: int = 0


@record
class Scope:
    """One copy of a repeat, or one use of a block: names defined inside it belong to this copy alone."""

    items: tuple[Any, ...]
    #: the use of a block this is the body of (its numbers filled in), or None for a repeat's copy
    use: BlockUse | None = None


# An item is a layer's tokens (list[Token]), a MergeItem, a Scope, or (in a block's body) a BlockUse.
Item = Any


@record
class ParsedInput:
    shape: Shape
    span: tuple[int, int]
    #: "nchw" when written 'input 3x224x224 nchw' (channels first, as PyTorch), "nhwc", or None
    layout: str | None = None
    #: the name of each axis written as a name ('input RxCx3' gives ("R", "C", "")), or () when every axis is a
    #: number; a named axis has size 0 in ``shape`` and is resolved by :mod:`cnncalc.language.symbolic`
    names: tuple[str, ...] = ()


@record
class ParsedLayer:
    """A layer record with the text it came from: ``source`` is what the user wrote.

    ``inputs`` are the layers it reads, as 1-based positions in creation order (0 is the input).
    """

    layer: Layer
    span: tuple[int, int]
    source: str
    inputs: tuple[int, ...] = ()
    #: where a merge's branches are written, for its errors (:meth:`labels` reads them only when one is raised)
    branches: tuple[tuple[int, int], ...] = ()
    #: for a layer of a block's body: where each block it belongs to is used, innermost first, for its errors
    uses: tuple[tuple[str, tuple[int, int]], ...] = ()
    #: written with a trailing ``fn``: an operation in PyTorch's forward() (``x.mean((2, 3))``, ``F.relu``), not a
    #: module, so torchinfo lists no row for it; it costs what it costs
    functional: bool = False
    #: written with ``frozen`` (or inside an item written so): its parameters are not trained
    frozen: bool = False
    #: the blocks' uses it is inside, outermost first: each the block's name as the use writes it and the use's
    #: number in the spec (two uses of one block, or one use repeated, are two numbers)
    containers: tuple[tuple[str, int], ...] = ()

    def labels(self, text: str) -> tuple[str, ...]:
        """The branches as written, shortened: 'conv64x3 same, bn, relu, …'."""
        return tuple(shorten(" ".join(text[start:end].split()), 40) for start, end in self.branches)


@record
class Spec:
    """The parsed spec: layers in creation order, each with its inputs.

    ``graph`` says whether it has a merge or a reference; a plain chain renders as before.
    """

    text: str
    input: ParsedInput | None
    layers: tuple[ParsedLayer, ...]
    graph: bool = False
