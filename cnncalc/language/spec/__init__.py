"""The spec language: one line of text (or a ``.cnn`` file) into layer records.

    input 28x28x1, conv32x3x3 s1 valid relu, pool2, flatten, dense10 softmax

Layers are separated by ``,``, ``;`` or newlines; ``#`` starts a comment, which runs to the newline.  A newline
is ``\\n`` (or ``\\r\\n``) alone: the other characters at which ``str.splitlines()`` breaks lines (U+2028,
``\\f``, a lone ``\\r``…) are refused with a caret, so every writer of the spec sees the lines it was read in.
A layer is a word with its numbers glued on or in the next token (``conv32x3``, ``dense 10``), followed by
options.  Every token keeps its character span, so errors can draw a caret under it.

The whole grammar, in EBNF (``WORD`` and ``OPTION`` are the rows of :data:`.words.WORDS` and
:data:`.options._OPTION_WORDS`; tokens are matched by ``.tokens._TOKENS``, one at a time)::

    spec    = items ;
    items   = [ item ] , { SEP , [ item ] } ;                 (* SEP: a run of ',', ';', newlines *)
    item    = ( layer | network | merge | repeat | use | "@" NAME | "id" ) ;   (* at the top level, also a def *)
    layer   = WORD [ NUMBERS ] { OPTION } [ "frozen" ] [ "as" NAME ] ;   (* the first may be 'input HxWxC [LAYOUT]' *)
    network = ZOO_NAME [ "notop" ] [ "frozen" ] [ "as" NAME ] ;   (* the zoo's: keras:MobileNetV2, resnet50 *)
    merge   = MERGE "(" items { "|" items } ")" [ "frozen" ] [ "as" NAME ] ;   (* MERGE: add cat mul avg max sub *)
    repeat  = ( "[" items "]" | "(" items ")" ) "x" COUNT [ "frozen" ] ;
    def     = "def" NAME "(" [ NAME { "," NAME } ] ")" "=" "(" items ")" ;   (* before its first use *)
    use     = NAME "(" [ ARG { "," ARG } ] ")" [ "frozen" ] [ "as" NAME ] ;
    ARG     = /[+-]?[0-9]+/ | "{" EXPR "}" ;
    (* in a def's items, '{' EXPR '}' may stand inside any word or option: conv{c*e}x1, s{s};
       EXPR is integer arithmetic over the parameters, cnncalc.language.spec.braces *)
    NAME    = /[a-z_][a-z0-9_]*/ ;
    LAYOUT  = "nchw" | "nhwc" | "ncl" | "ncdhw" | "channels_first" | "channels_last" ;
    (* an input size may be a SIZE_NAME, /[A-Za-z_][A-Za-z0-9_]*/ without x, other than floor, ceil, ceiling:
       'input RxCx3' (cnncalc.language.symbolic) *)
    OPTION  = /(s|p|d|op)N(xN(xN)?)?/ | /(g|m|t|b|l|r)N/ | valid | same | causal | ceil | nobias | noscale | nocenter
            | keepdims | channel | nearest | zeros | reflect | replicate | circular | an activation ;

A recursive-descent parser, a module a concept: :mod:`.tokens` matches the text's tokens and holds the
bounds; :mod:`.items` reads ``items`` into layers' token lists, merges (their branches), repeat copies and
blocks' uses (:mod:`.uses`), each filled in by :mod:`.blocks` and :mod:`.filling` (its arithmetic read by
:mod:`.braces`);
:mod:`.builder` turns them into layers in creation order, each with its inputs, resolving names;
:mod:`.parser` reads one layer's tokens: its word (:mod:`.words`, the table, and :mod:`.constructors`, the
records), its numbers (:mod:`.arguments`, :mod:`.sizes`) and its options (:mod:`.options`).
:mod:`.records` holds what it produces.  Adding a layer kind means adding a row to :data:`WORDS`.

>>> spec = parse("input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10")
>>> spec.input.shape, [type(p.layer).__name__ for p in spec.layers]
((28, 28, 1), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
"""

from __future__ import annotations

import re

from ...errors import SpecError, shorten
from .builder import _Builder, merge_arity
from .items import _items
from .parser import _Parser
from .records import ParsedInput, ParsedLayer, Spec, Token
from .sizes import _DIMS, LAYOUTS, parse_dims
from .tokens import MAX_DEPTH, MAX_LAYERS, MAX_WORDS, refuse_other_line_breaks, strip_comments
from .words import _WORD, WORDS, Word

__all__ = ["LAYOUTS", "MAX_DEPTH", "MAX_LAYERS", "MAX_WORDS", "WORDS", "ParsedInput", "ParsedLayer", "Spec", "Token",
           "Word", "merge_arity", "parse", "parse_dims", "parse_input", "refuse_other_line_breaks", "strip_comments"]


def parse(text: str) -> Spec:
    """Parse spec text into an optional input shape and layer records with their connections.

    Raises :class:`SpecError` pointing into ``text`` for anything it cannot read.
    """
    refuse_other_line_breaks(text)
    builder = _Builder(_Parser(text))
    builder.items(_items(strip_comments(text)))
    parser = builder.parser
    if parser.input is None and not parser.layers:
        raise SpecError("the spec is empty", text, (0, len(text)), None,
                        "write layers such as 'input 28x28x1, conv32x3, pool2, flatten, dense10'")
    builder.require_connected()
    return Spec(text, parser.input, tuple(parser.layers), builder.graph)



def parse_input(text: str, what: str = "--input") -> ParsedInput:
    """Read an input shape as a spec's first item is written: ``32x32x3``, ``3x32x32 nchw`` or ``input 32x32x3``.

    The spec's own input grammar, for an option that gives a network's input (``--input``).  Its sizes must be
    numbers: the option is how names get their numbers.

    >>> given = parse_input("input 3x32x32 nchw")
    >>> given.shape, given.layout
    ((3, 32, 32), 'nchw')
    >>> parse_input("32x32x3").layout is None
    True
    """
    refuse_other_line_breaks(text)
    example = f"write it as {what} 32x32x3, {what} \"3x32x32 nchw\" or {what} \"input 32x32x3\""
    bracket = re.match(r"\s*[(\[]", text)
    if bracket:
        raise SpecError(f"{what} takes the shape as a spec writes it, without brackets", text,
                        (bracket.end() - 1, len(text.rstrip())), 0, example)
    items = _items(strip_comments(text))
    if not items:
        raise SpecError(f"{what} is empty", text, (0, len(text)), 0, example)
    if len(items) > 1 or not isinstance(items[0], list):
        raise SpecError(f"{what} takes one input shape, not a network", text, (0, len(text)), 0, example)
    parser = _Parser(text)
    tokens = items[0]
    word = _WORD.match(tokens[0].lower)
    if not (_DIMS.match(tokens[0].text) or (word is not None and word[1] == "input")):
        raise SpecError(f"{what} takes an input shape, and '{shorten(tokens[0].text)}' is not one", text,
                        (tokens[0].start, tokens[0].end), 0, example)
    parser.layer(tokens)
    given = parser.input
    assert given is not None  # the first item was an input shape, or parser.layer raised
    if given.names:
        name = next(name for name in given.names if name)
        raise SpecError(f"{what} gives the input's sizes as numbers, and '{name}' is a name", text, given.span, 0,
                        f"write every size as a number, as in {what} 32x32x3; a name belongs in the spec "
                        "('input RxCx3'), and --input gives it a value")
    return given
