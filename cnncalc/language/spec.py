"""The spec language: one line of text (or a ``.cnn`` file) into layer records.

    input 28x28x1, conv32x3x3 s1 valid relu, pool2, flatten, dense10 softmax

Layers are separated by ``,``, ``;`` or newlines; ``#`` starts a comment, which runs to the newline.  A newline
is ``\\n`` (or ``\\r\\n``) alone: the other characters at which ``str.splitlines()`` breaks lines (U+2028,
``\\f``, a lone ``\\r``…) are refused with a caret, so every writer of the spec sees the lines it was read in.
A layer is a word with its numbers glued on or in the next token (``conv32x3``, ``dense 10``), followed by
options.  Every token keeps its character span, so errors can draw a caret under it.

The whole grammar, in EBNF (``WORD`` and ``OPTION`` are the rows of :data:`WORDS` and
:data:`_OPTION_WORDS`; tokens are matched by ``_TOKENS``, one at a time)::

    spec    = items ;
    items   = [ item ] , { SEP , [ item ] } ;                 (* SEP: a run of ',', ';', newlines *)
    item    = ( layer | merge | repeat | "@" NAME | "id" ) ;
    layer   = WORD [ NUMBERS ] { OPTION } [ "as" NAME ] ;     (* the first may be 'input HxWxC [LAYOUT]' *)
    merge   = MERGE "(" items { "|" items } ")" [ "as" NAME ] ;   (* MERGE: add cat mul avg max sub *)
    repeat  = ( "[" items "]" | "(" items ")" ) "x" COUNT ;
    NAME    = /[a-z_][a-z0-9_]*/ ;
    LAYOUT  = "nchw" | "nhwc" | "ncl" | "ncdhw" | "channels_first" | "channels_last" ;
    (* an input size may be a SIZE_NAME, /[A-Za-z_][A-Za-z0-9_]*/ without x, other than floor, ceil, ceiling:
       'input RxCx3' (cnncalc.language.symbolic) *)
    OPTION  = /(s|p|d|op)N(xN(xN)?)?/ | /(g|m|t|b|l|r)N/ | valid | same | causal | ceil | nobias | noscale | nocenter
            | keepdims | channel | zeros | reflect | replicate | circular | an activation ;

A recursive-descent parser: :func:`_sequence` reads ``items`` (and :func:`_merge` a merge's
branches) into layers' token lists, merges and repeat copies; :class:`_Builder` turns them into
layers in creation order, each with its inputs, resolving names; :class:`_Parser` reads one
layer's tokens.  Adding a layer kind means adding a row to :data:`WORDS`.

>>> spec = parse("input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10")
>>> spec.input.shape, [type(p.layer).__name__ for p in spec.layers]
((28, 28, 1), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense'])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import SpecError, closest, shorten
from ..model import layers
from ..model.layers import ACTIVATIONS, MERGES, Layer, Shape
from ..model.records import record
from .literals import TooLargeError, read_int
from .sources import OTHER_LINE_BREAK, OTHER_LINE_BREAKS, other_line_break

__all__ = ["ParsedInput", "ParsedLayer", "Spec", "merge_arity", "parse", "parse_dims", "parse_input",
           "refuse_other_line_breaks",
           "strip_comments"]

_DIMS = re.compile(r"\d+(?:[*·]\d+)*(?:[xX×]\d+(?:[*·]\d+)*)*\Z")  # a size may be a product: dense400*500
_AXES = re.compile("[xX×]")
_NUMBER = re.compile(r"[\d.][\d.xX×*·]*\Z")
_PAIR_OPTION = re.compile(r"(?P<key>op|[spdgmtblr])(?P<a>\d+)(?:[xX×](?P<b>\d+))?(?:[xX×](?P<c>\d+))?\Z")
_OPTION_KEYS = {"s": "stride", "p": "padding", "d": "dilation", "g": "groups", "m": "multiplier",
                "op": "output_padding", "t": "top", "b": "bottom", "l": "left", "r": "right"}
#: Options that take one number; the others take one number per axis, or one for all.
_SINGLE = frozenset({"groups", "multiplier", "top", "bottom", "left", "right"})
#: How the input's axes may be said to be ordered: channels first (PyTorch) or last (Keras).
LAYOUTS = {"nchw": "nchw", "ncl": "nchw", "ncdhw": "nchw", "channels_first": "nchw",
           "nhwc": "nhwc", "nlc": "nhwc", "ndhwc": "nhwc", "channels_last": "nhwc"}


@record
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


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


@record
class Word:
    """A row of the grammar: what a layer word takes and how to build its record."""

    args: str  # a key of _ARG_NAMES: "filters_kernel", "kernel?", "units", "rate", "" …
    options: frozenset[str]
    build: Callable[[Any, dict[str, Any]], Layer]
    example: str
    #: how many spatial axes it has: per-axis options (s2, p1x2) are read as that many numbers
    rank: int = 2


_WINDOW = frozenset({"stride", "padding"})
_CONV = _WINDOW | {"dilation", "activation", "bias"}
_POOL = _WINDOW | {"ceil"}
_NORM = frozenset({"scale", "center"})


def _conv(args: tuple[int, int, int], o: dict[str, Any]) -> Layer:
    filters, kh, kw = args
    return layers.Conv2D(filters, (kh, kw), o.get("stride", (1, 1)), o.get("padding", "valid"),
                    o.get("dilation", (1, 1)), o.get("activation"), o.get("bias", True), o.get("groups", 1),
                    o.get("padding_mode", "zeros"))


def _dwconv(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.DepthwiseConv2D(args, o.get("stride", (1, 1)), o.get("padding", "valid"), o.get("dilation", (1, 1)),
                             o.get("multiplier", 1), o.get("activation"), o.get("bias", True))


def _sepconv(args: tuple[int, int, int], o: dict[str, Any]) -> Layer:
    filters, kh, kw = args
    return layers.SeparableConv2D(filters, (kh, kw), o.get("stride", (1, 1)), o.get("padding", "valid"),
                             o.get("dilation", (1, 1)), o.get("multiplier", 1), o.get("activation"),
                             o.get("bias", True))


def _deconv(args: tuple[int, int, int], o: dict[str, Any]) -> Layer:
    filters, kh, kw = args
    return layers.Conv2DTranspose(filters, (kh, kw), o.get("stride", (1, 1)), o.get("padding", "valid"),
                             o.get("output_padding"), o.get("dilation", (1, 1)), o.get("activation"),
                             o.get("bias", True), o.get("groups", 1))


def _one(value: Any, default: Any) -> Any:
    """The number of a 1-D layer's option (read as a 1-tuple)."""
    if value is None:
        return default
    return value if isinstance(value, str) else value[0]


def _padding1d(o: dict[str, Any]) -> Any:
    if o.get("causal"):
        return "causal"
    padding = o.get("padding", "valid")
    return padding if isinstance(padding, str) else (padding[0], padding[0])


def _conv1d(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.Conv1D(args[0], args[1], _one(o.get("stride"), 1), _padding1d(o), _one(o.get("dilation"), 1),
                    o.get("activation"), o.get("bias", True), o.get("groups", 1), o.get("padding_mode", "zeros"))


def _dwconv1d(kernel: int, o: dict[str, Any]) -> Layer:
    return layers.DepthwiseConv1D(kernel, _one(o.get("stride"), 1), _padding1d(o), _one(o.get("dilation"), 1),
                             o.get("multiplier", 1), o.get("activation"), o.get("bias", True))


def _sepconv1d(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.SeparableConv1D(args[0], args[1], _one(o.get("stride"), 1), _padding1d(o), _one(o.get("dilation"), 1),
                             o.get("multiplier", 1), o.get("activation"), o.get("bias", True))


def _deconv1d(args: tuple[int, int], o: dict[str, Any]) -> Layer:
    return layers.Conv1DTranspose(args[0], args[1], _one(o.get("stride"), 1), _padding1d(o),
                             _one(o.get("output_padding"), None), _one(o.get("dilation"), 1), o.get("activation"),
                             o.get("bias", True), o.get("groups", 1))


def _pool1d(cls: type[layers.Pooling1D]) -> Callable[[Any, dict[str, Any]], Layer]:
    def build(args: int | None, o: dict[str, Any]) -> Layer:
        return cls(args or 2, _one(o.get("stride"), None), _padding1d(o), o.get("ceil", False))
    return build


def _pool(cls: type[layers.Pooling2D]) -> Callable[[Any, dict[str, Any]], Layer]:
    def build(args: tuple[int, int] | None, o: dict[str, Any]) -> Layer:
        return cls(args or (2, 2), o.get("stride"), o.get("padding", "valid"), o.get("ceil", False),
                   o.get("dilation", (1, 1)))
    return build


def _conv3d(args: tuple[int, int, int, int], o: dict[str, Any]) -> Layer:
    return layers.Conv3D(args[0], args[1:], o.get("stride", (1, 1, 1)), o.get("padding", "valid"),
                    o.get("dilation", (1, 1, 1)), o.get("activation"), o.get("bias", True), o.get("groups", 1))


def _pool3d(cls: type[layers.Pooling3D]) -> Callable[[Any, dict[str, Any]], Layer]:
    def build(args: tuple[int, int, int] | None, o: dict[str, Any]) -> Layer:
        return cls(args or (2, 2, 2), o.get("stride"), o.get("padding", "valid"), o.get("ceil", False))
    return build


def _dense(units: int, o: dict[str, Any]) -> Layer:
    return layers.Dense(units, o.get("activation"), o.get("bias", True))


def _activation(name: str) -> Callable[[Any, dict[str, Any]], Layer]:
    return lambda args, options: layers.Activation(name)


def _sides(cls: type[layers.ZeroPadding2D] | type[layers.Cropping2D]) -> Callable[[Any, dict[str, Any]], Layer]:
    """'zeropad1', 'zeropad1x2' (rows, columns), or sides 'zeropad b1 r1' (Keras' ((0, 1), (0, 1)))."""
    def build(args: tuple[int, int] | None, o: dict[str, Any]) -> Layer:
        if args is not None:
            return cls((args[0], args[0], args[1], args[1]))
        return cls(tuple(o.get(side, 0) for side in ("top", "bottom", "left", "right")))
    return build


_SIDES = frozenset({"top", "bottom", "left", "right"})

WORDS: dict[str, Word] = {
    "conv": Word("filters_kernel", _CONV | {"groups", "padding_mode"}, _conv, "conv32x3 or conv32x3x3"),
    "pool": Word("kernel?", _POOL | {"dilation"}, _pool(layers.MaxPooling2D), "pool2 or pool2x2"),
    "maxpool": Word("kernel?", _POOL | {"dilation"}, _pool(layers.MaxPooling2D), "maxpool2"),
    "avgpool": Word("kernel?", _POOL, _pool(layers.AveragePooling2D), "avgpool2"),
    "gap": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalAveragePooling2D(o.get("keepdims", False)),
                "gap or gap keepdims"),
    "gmp": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalMaxPooling2D(o.get("keepdims", False)),
                "gmp or gmp keepdims"),
    "gap1d": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalAveragePooling1D(o.get("keepdims", False)),
                  "gap1d", 1),
    "gmp1d": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalMaxPooling1D(o.get("keepdims", False)),
                  "gmp1d", 1),
    "adaptiveavgpool": Word("kernel", frozenset(), lambda a, o: layers.AdaptiveAveragePooling2D(a),
                            "adaptiveavgpool1 or adaptiveavgpool6x6"),
    "adaptivemaxpool": Word("kernel", frozenset(), lambda a, o: layers.AdaptiveMaxPooling2D(a),
                            "adaptivemaxpool1 or adaptivemaxpool7x7"),
    "adaptiveavgpool1d": Word("kernel1", frozenset(), lambda a, o: layers.AdaptiveAveragePooling1D((a,)),
                              "adaptiveavgpool1d1", 1),
    "adaptivemaxpool1d": Word("kernel1", frozenset(), lambda a, o: layers.AdaptiveMaxPooling1D((a,)),
                              "adaptivemaxpool1d1", 1),
    "flatten": Word("", frozenset(), lambda a, o: layers.Flatten(), "flatten"),
    "reshape": Word("shape", frozenset(), lambda a, o: layers.Reshape(a), "reshape7x7x256"),
    "permute": Word("shape", frozenset(), lambda a, o: layers.Permute(a), "permute2x1x3"),
    "dwconv": Word("kernel", _CONV | {"multiplier"}, _dwconv, "dwconv3 or dwconv3x3 m2"),
    "sepconv": Word("filters_kernel", _CONV | {"multiplier"}, _sepconv, "sepconv64x3"),
    "deconv": Word("filters_kernel", _CONV | {"output_padding", "groups"}, _deconv, "deconv32x3 s2"),
    "convt": Word("filters_kernel", _CONV | {"output_padding", "groups"}, _deconv, "convT32x3 s2"),
    "up": Word("kernel?", frozenset(), lambda a, o: layers.UpSampling2D(a or (2, 2)), "up2 or up2x3"),
    "zeropad": Word("pair?", _SIDES, _sides(layers.ZeroPadding2D), "zeropad1, zeropad1x2 or zeropad b1 r1"),
    "crop": Word("pair?", _SIDES, _sides(layers.Cropping2D), "crop1, crop1x2 or crop t1 l1"),
    "conv1d": Word("filters_kernel1", _CONV | {"groups", "causal", "padding_mode"}, _conv1d, "conv1d32x3", 1),
    "dwconv1d": Word("kernel1", _CONV | {"multiplier", "causal"}, _dwconv1d, "dwconv1d3", 1),
    "sepconv1d": Word("filters_kernel1", _CONV | {"multiplier", "causal"}, _sepconv1d, "sepconv1d32x3", 1),
    "deconv1d": Word("filters_kernel1", _CONV | {"output_padding", "groups"}, _deconv1d, "deconv1d32x3 s2", 1),
    "pool1d": Word("kernel1?", _POOL, _pool1d(layers.MaxPooling1D), "pool1d2", 1),
    "maxpool1d": Word("kernel1?", _POOL, _pool1d(layers.MaxPooling1D), "maxpool1d2", 1),
    "avgpool1d": Word("kernel1?", _POOL, _pool1d(layers.AveragePooling1D), "avgpool1d2", 1),
    "conv3d": Word("filters_kernel3", _CONV | {"groups"}, _conv3d, "conv3d64x3 or conv3d64x3x3x3", 3),
    "pool3d": Word("kernel3?", _POOL, _pool3d(layers.MaxPooling3D), "pool3d2 or pool3d1x2x2", 3),
    "maxpool3d": Word("kernel3?", _POOL, _pool3d(layers.MaxPooling3D), "maxpool3d2", 3),
    "avgpool3d": Word("kernel3?", _POOL, _pool3d(layers.AveragePooling3D), "avgpool3d2", 3),
    "dense": Word("units", frozenset({"activation", "bias"}), _dense, "dense10"),
    "fc": Word("units", frozenset({"activation", "bias"}), _dense, "fc10"),
    "embedding": Word("vocab_dim", frozenset(), lambda a, o: layers.Embedding(*a), "embedding10000x128"),
    "dropout": Word("rate", frozenset(), lambda a, o: layers.Dropout(a), "dropout0.5"),
    "bn": Word("", _NORM, lambda a, o: layers.BatchNormalization(o.get("center", True), o.get("scale", True)),
               "bn or bn noscale"),
    "batchnorm": Word("", _NORM, lambda a, o: layers.BatchNormalization(o.get("center", True), o.get("scale", True)),
                      "batchnorm"),
    "layernorm": Word("", _NORM, lambda a, o: layers.LayerNormalization(o.get("center", True), o.get("scale", True)),
                      "layernorm"),
    "groupnorm": Word("units", frozenset(), lambda a, o: layers.GroupNormalization(a), "groupnorm32"),
    "lrn": Word("kernel1?", frozenset(), lambda a, o: layers.LocalResponseNormalization(a or 5), "lrn or lrn5"),
    **{name: Word("", frozenset(), _activation(name), name) for name in ACTIVATIONS},
    "relu6": Word("", frozenset(), lambda a, o: layers.ReLU("relu6"), "relu6"),
    "leakyrelu": Word("alpha?", frozenset(), lambda a, o: layers.LeakyReLU("leakyrelu", a),
                      "leakyrelu or leakyrelu0.2"),
    "prelu": Word("", frozenset({"channel"}), lambda a, o: layers.PReLU("prelu", o.get("channel", False)),
                  "prelu or prelu channel"),
}
# One regex finds the layer word and its glued numbers: longest words first, so 'maxpool'
# wins over 'pool' and 'conv1d' (later) over 'conv'.
_WORD = re.compile(
    "(" + "|".join(sorted([*WORDS, "input"], key=len, reverse=True)) + r")([\d.][\d.xX×*·]*)?\Z"
)

_OPTION_WORDS = {
    "valid": ("padding", "valid"),
    "same": ("padding", "same"),
    "ceil": ("ceil", True),
    "nobias": ("bias", False),
    "causal": ("causal", True),
    "noscale": ("scale", False),
    "nocenter": ("center", False),
    "keepdims": ("keepdims", True),
    "channel": ("channel", True),
    **{mode: ("padding_mode", mode) for mode in ("zeros", "reflect", "replicate", "circular")},
    **{name: ("activation", name) for name in ACTIVATIONS},
}
_OPTION_NAMES = {
    "stride": "a stride 's2'",
    "padding": "padding ('valid', 'same' or 'p1')",
    "dilation": "a dilation 'd2'",
    "ceil": "'ceil'",
    "activation": "an activation",
    "bias": "'nobias'",
    "groups": "groups 'g2'",
    "multiplier": "a depth multiplier 'm2'",
    "output_padding": "output padding 'op1'",
    "causal": "'causal' padding",
    "padding_mode": "a padding mode ('reflect', 'replicate', 'circular')",
    "scale": "'noscale'",
    "center": "'nocenter'",
    "keepdims": "'keepdims'",
    "channel": "'channel'",
    "top": "sides ('t1 b1 l1 r1')",
    "bottom": "sides ('t1 b1 l1 r1')",
    "left": "sides ('t1 b1 l1 r1')",
    "right": "sides ('t1 b1 l1 r1')",
}
_LONG_FORMS = {"stride": "s", "strides": "s", "pad": "p", "padding": "p", "dilation": "d", "dilation_rate": "d"}


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


def parse_dims(text: str, what: str = "input shape") -> Shape:
    """Read ``28x28x1``, ``28×28`` or ``784`` as a shape.

    >>> parse_dims("28x28x1")
    (28, 28, 1)
    """
    return _dims(Token(text, 0, len(text)), text, None, what, max_rank=4)


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
        shown = OTHER_LINE_BREAK.sub("\N{SYMBOL FOR NEWLINE}", text)  # visible, at the same offsets
        raise SpecError(f"a line break other than a newline: U+{ord(char):04X} {OTHER_LINE_BREAKS[char]}", shown,
                        (position, position + 1), None,
                        "end each line with a newline (\\n or \\r\\n) alone; cnncalc reads no other line break")


_TOKENS = re.compile(
    r"(?P<sep>[,;\n](?:[\s,;]*[,;\n])?)"  # a run of separators is one token
    r"|(?P<bar>\|)|(?P<open>[\[(])|(?P<close>[\])])(?P<times>\s*[xX×]\s*\d+)?|[^\s,;|\[\]()]+"
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


_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


def _start(item: Item) -> int:
    if isinstance(item, MergeItem):
        return item.span[0]
    return _start(item.items[0]) if isinstance(item, Scope) else int(item[0].start)


def _end(item: Item) -> int:
    if isinstance(item, MergeItem):
        return item.trailing[-1].end if item.trailing else item.span[1]
    return _end(item.items[-1]) if isinstance(item, Scope) else int(item[-1].end)


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

    def items(self, items: list[Item] | tuple[Item, ...]) -> None:
        for item in items:
            if type(item) is list:  # a layer's tokens: the common case first
                self.layer(item)
            elif isinstance(item, Scope):
                outside = dict(self.names)
                self.items(item.items)
                self.names = outside  # a copy's names are its own
            elif isinstance(item, MergeItem):
                self.merge(item)
            else:
                self.layer(item)

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
        before = len(self.parser.layers)
        self.parser.layer(tokens, (self.current,))
        if len(self.parser.layers) > before:
            self.current = len(self.parser.layers)
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
        start, outputs = self.current, []
        for branch in item.branches:  # names a branch defines stay visible after it, as in Keras code
            self.current = start
            self.items(branch)
            outputs.append(self.current)
        tokens, name = self._trailing_name(list(item.trailing), item.word)
        if tokens:
            raise SpecError(f"unexpected '{tokens[0].text}' after the merge", self.text,
                            (tokens[0].start, tokens[-1].end), None,
                            "a merge may be followed by 'as NAME' only; put other layers after a ','")
        source = " ".join(self.text[item.span[0]:item.span[1]].split())
        spans = tuple((_start(b[0]), _end(b[-1])) for b in item.branches)
        self.parser.add(ParsedLayer(cls(), item.span, source, tuple(outputs), spans))
        self.graph = True
        self.current = len(self.parser.layers)
        if name is not None:
            self.define(name, self.current)

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
                                "name its tensor with 'as NAME' and use it in a merge (@NAME), or remove it")


def _numbers(token: Token, text: str, layer: int | None) -> list[int]:
    """The sizes of a token such as ``32x3x3`` (a size may be a product, ``400*500``: a 400×500 image's
    pixels), each read with the literal bound."""
    try:
        return [_product(part) for part in _AXES.split(token.text)]
    except TooLargeError as error:
        raise SpecError(f"the size '{shorten(token.text)}' is too large: {error}", text, (token.start, token.end),
                        layer, "sizes, filters, strides and paddings are at most 10^18 − 1") from None


def _product(text: str) -> int:
    """'400*500' → 200000, each factor and the product within the literal bound."""
    value = 1
    for factor in re.split("[*·]", text):
        value *= read_int(factor)
    return read_int(str(value)) if value >= 10 ** 18 else value


def _dims(token: Token, text: str, layer: int | None, what: str, max_rank: int) -> Shape:
    if not _DIMS.match(token.text):
        raise SpecError(f"cannot read {what} '{shorten(token.text)}'", text, (token.start, token.end), layer,
                        "write it as HxWxC (28x28x1), HxW, N, or DxHxWxC for 3-D layers")
    shape = tuple(_numbers(token, text, layer))
    if len(shape) > max_rank or min(shape) < 1:
        problem = "has too many axes" if len(shape) > max_rank else "has a size of zero"
        raise SpecError(f"{what} '{shorten(token.text)}' {problem}", text, (token.start, token.end), layer,
                        "write it as HxWxC (28x28x1), HxW, N or DxHxWxC, every size at least 1")
    return shape


#: A size of the input written as a name: 'R' in 'input RxCx3' (no 'x', which separates the axes).
_SIZE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _named_dims(token: Token, text: str) -> tuple[Shape, tuple[str, ...]] | None:
    """An input shape with names ('RxCx3', '3xHxW'): its sizes (0 for a name) and names ('' for a number), or None
    when no axis is a name or an axis is neither (the shape is then read, and refused, as numbers)."""
    parts = _AXES.split(token.text)
    if not any(_SIZE_NAME.match(part) for part in parts) or \
            not all(_SIZE_NAME.match(part) or _DIMS.match(part) for part in parts):
        return None
    from .expression import FUNCTIONS  # the answer grammar's words cannot name a size: floor(R/2) stays a floor

    tokens, start = [], token.start
    for part in parts:
        tokens.append(Token(part, start, start + len(part)))
        start += len(part) + 1  # the one-character 'x' or '×' after it
    for axis in tokens:
        if axis.lower in FUNCTIONS:
            raise SpecError(f"'{axis.text}' cannot name a size: answers use it as a function", text,
                            (axis.start, axis.end), 0, "name the size with another word, as in 'input RxCx3'")
    if len(parts) > 4:
        raise SpecError(f"input shape '{shorten(token.text)}' has too many axes", text, (token.start, token.end), 0,
                        "write it as HxWxC (28x28x1), HxW, N or DxHxWxC, every size at least 1")
    sizes = [0 if _SIZE_NAME.match(axis.text) else _dims(axis, text, 0, "input shape", 1)[0] for axis in tokens]
    return tuple(sizes), tuple(axis.text if _SIZE_NAME.match(axis.text) else "" for axis in tokens)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.input: ParsedInput | None = None
        self.layers: list[ParsedLayer] = []
        self._last_span = (0, 0)
        #: each distinct layer's words, read once: its record and its source text
        self._known: dict[tuple[str, ...], tuple[Layer, str]] = {}

    def fail(self, message: str, token: Token | tuple[int, int], hint: str | None = None) -> SpecError:
        span = token if isinstance(token, tuple) else (token.start, token.end)
        return SpecError(message, self.text, span, len(self.layers) + 1, hint)

    def add(self, parsed: ParsedLayer) -> None:
        self.layers.append(parsed)

    def layer(self, tokens: list[Token], inputs: tuple[int, ...] = ()) -> None:
        first = tokens[0]
        span = self._last_span = (first.start, tokens[-1].end)
        if self.input is None and not self.layers and _DIMS.match(first.text):
            self._input(tokens[1:], first)
            return
        # A layer's record depends on its words alone, and a spec repeats its layers (blocks, [ … ]xN): each
        # distinct layer is read once, and its record (frozen) shared.  A layer that cannot be read raises the
        # first time, so nothing is cached for it.
        key = tuple([t.text for t in tokens])
        known = self._known.get(key)
        if known is None:
            known = self._read(tokens)
            if known is None:  # the input
                return
            self._known[key] = known
        self.layers.append(ParsedLayer(known[0], span, known[1], inputs))

    def _read(self, tokens: list[Token]) -> tuple[Layer, str] | None:
        """A layer's record and its source text, or None for 'input …', which sets the input."""
        first = tokens[0]
        word, args, rest = self._word(tokens)
        if word == "input":
            if self.input is not None or self.layers:
                raise self.fail("'input' must come first, and only once", first,
                                "put 'input HxWxC' at the start of the spec, or use --input")
            self._input(rest, args)
            return None
        grammar = WORDS[word]
        value = self._args(word, grammar, args, first)
        options = self._options(word, grammar, rest)
        return grammar.build(value, options), " ".join([t.text for t in tokens])

    def _input(self, rest: list[Token], dims: Token | None) -> None:
        if dims is None:
            if not rest:
                raise SpecError("'input' needs a shape", self.text, self._last_span, 0,
                                "write it as 'input 28x28x1', 'input 28x28' or 'input 784'")
            dims, rest = rest[0], rest[1:]
        layout = None
        if rest and rest[0].lower in LAYOUTS:
            layout, rest = LAYOUTS[rest[0].lower], rest[1:]
        if rest:
            raise SpecError(f"unexpected '{rest[0].text}' after the input shape", self.text,
                            (rest[0].start, rest[-1].end), 0,
                            "separate layers with ',' or ';'; after the shape only a layout may follow, "
                            "as in 'input 3x224x224 nchw'")
        named = _named_dims(dims, self.text)
        if named is not None:
            self.input = ParsedInput(named[0], (dims.start, dims.end), layout, named[1])
            return
        shape = _dims(dims, self.text, 0, "input shape", 4)
        self.input = ParsedInput(shape, (dims.start, dims.end), layout)

    def _word(self, tokens: list[Token]) -> tuple[str, Token | None, list[Token]]:
        """Split the layer word from its numbers: 'conv32x3' → ('conv', '32x3')."""
        first = tokens[0]
        match = _WORD.match(first.lower)
        if not match:
            raise self._unknown_word(first)
        word = match[1]
        if match[2]:
            return word, Token(first.text[len(word):], first.start + len(word), first.end), tokens[1:]
        takes_numbers = word == "input" or WORDS[word].args
        if takes_numbers and len(tokens) > 1 and _NUMBER.match(tokens[1].text):
            return word, tokens[1], tokens[2:]
        return word, None, tokens[1:]

    def _unknown_word(self, token: Token) -> SpecError:
        lower = token.lower
        if _PAIR_OPTION.match(lower) or (lower in _OPTION_WORDS and lower not in WORDS):
            return self.fail(f"'{token.text}' is an option, not a layer", token,
                             "options follow their layer, as in 'conv32x3 s2 same'; "
                             "separate layers with ',' or ';'")
        match = re.match(r"[a-z_]+", lower)
        stem = match.group() if match else lower
        guess = closest(stem, list(WORDS))
        if guess == stem or (guess and f"{guess}{token.text[len(stem):]}".lower() == lower):
            # the word is right and what follows it is not: show the form, not the same text back
            hint = f"'{guess}' is written as {WORDS[guess].example}"
            if not WORDS[guess].args:
                hint += "; it takes no numbers"
        else:
            hint = f"did you mean '{guess}{token.text[len(stem):]}'?" if guess else _word_list()
        return self.fail(f"unknown layer '{token.text}'", token, hint)

    def _args(self, word: str, grammar: Word, token: Token | None, first: Token) -> Any:
        kind = grammar.args
        if token is None:
            if kind in ("", "kernel?", "kernel1?", "kernel3?", "pair?", "alpha?"):
                return None
            raise self.fail(f"'{word}' needs {_ARG_NAMES[kind]}", first, f"write it as {grammar.example}")
        if kind == "":
            raise self.fail(f"'{word}' takes no numbers", token, f"write it as '{grammar.example}'")
        if kind == "rate":
            return self._rate(token, grammar)
        if kind == "alpha?":
            return self._alpha(token, grammar)
        if not _DIMS.match(token.text):
            raise self.fail(f"cannot read '{token.text}' as {_ARG_NAMES[kind]} of '{word}'", token,
                            f"write it as {grammar.example}")
        numbers = _numbers(token, self.text, len(self.layers) + 1)
        if min(numbers) < (0 if kind == "pair?" else 1):
            raise self.fail(f"'{word}{token.text}' has a size of zero", token,
                            "filters, kernel sizes and units must be at least 1")
        return self._shape_args(word, kind, numbers, token, grammar)

    def _shape_args(self, word: str, kind: str, numbers: list[int], token: Token,  # noqa: PLR0911 - one per form
                    grammar: Word) -> Any:
        if kind == "filters_kernel" and len(numbers) in (2, 3):
            return (numbers[0], numbers[1], numbers[-1])
        if kind in ("kernel?", "kernel", "pair?") and len(numbers) in (1, 2):
            return (numbers[0], numbers[-1])
        if kind in ("filters_kernel1", "vocab_dim") and len(numbers) == 2:
            return (numbers[0], numbers[1])
        if kind in ("kernel1?", "kernel1") and len(numbers) == 1:
            return numbers[0]
        if kind == "filters_kernel3" and len(numbers) in (2, 4):
            return (numbers[0], *(numbers[1:] if len(numbers) == 4 else numbers[1:] * 3))
        if kind == "kernel3?" and len(numbers) in (1, 3):
            return (numbers[0], numbers[len(numbers) // 2], numbers[-1])
        if kind == "shape" and len(numbers) <= 4:
            return tuple(numbers)
        if kind == "units" and len(numbers) == 1:
            return numbers[0]
        raise self.fail(f"'{word}{token.text}' does not have the form {grammar.example}", token,
                        f"{word} takes {_ARG_NAMES[kind]}")

    def _rate(self, token: Token, grammar: Word) -> float:
        try:
            rate = float(token.text)
        except ValueError:
            raise self.fail(f"cannot read dropout rate '{token.text}'", token,
                            "write it as a fraction between 0 and 1, as in dropout0.5") from None
        if not 0 <= rate <= 1:
            hint = f"did you mean dropout{rate / 100:g}?" if 1 < rate <= 100 else "write it as in dropout0.5"
            raise self.fail(f"dropout rate {token.text} is outside [0, 1]", token, hint)
        return rate

    def _alpha(self, token: Token, grammar: Word) -> float:
        try:
            alpha = float(token.text)
        except ValueError:
            raise self.fail(f"cannot read the slope '{token.text}'", token,
                            f"write it as a number, as in {grammar.example}") from None
        return alpha

    def _options(self, word: str, grammar: Word, tokens: list[Token]) -> dict[str, Any]:
        options: dict[str, Any] = {}
        seen: dict[str, Token] = {}
        for token in tokens:
            key, value = self._option(word, token)
            if key not in grammar.options:
                raise self.fail(f"'{word}' does not take {_OPTION_NAMES[key]}", token,
                                _applies_to(key))
            if key in seen:
                raise self.fail(f"{_OPTION_NAMES[key]} is given twice ('{seen[key].text}' and "
                                f"'{token.text}')", token, "keep one of them")
            seen[key] = token
            options[key] = self._per_axis(word, grammar, key, value, token)
        if "causal" in seen and "padding" in seen:
            raise self.fail("'causal' is a padding, and a padding is given too", seen["padding"],
                            "keep one of them")
        return options

    def _per_axis(self, word: str, grammar: Word, key: str, value: Any, token: Token) -> Any:
        """An option's numbers as the layer needs them: one per axis (s2 → (2, 2)), or one number."""
        if not isinstance(value, tuple):
            return value
        if key in _SINGLE:
            if len(value) > 1:
                raise self.fail(f"{key} takes one number, got '{token.text}'", token)
            return value[0]
        rank = grammar.rank
        if len(value) == 1:
            return value * rank
        if len(value) != rank:
            axes = {1: "one number", 2: "one number, or two (rows x columns)",
                    3: "one number, or three (depth x rows x columns)"}[rank]
            raise self.fail(f"'{word}' has {rank} axis{'es' if rank > 1 else ''}, so its {key} takes {axes}; "
                            f"got '{token.text}'", token)
        return value

    def _option(self, word: str, token: Token) -> tuple[str, Any]:
        lower = token.lower
        if lower in _OPTION_WORDS:
            return _OPTION_WORDS[lower]
        match = _PAIR_OPTION.match(lower)
        if match:
            numbers = tuple(_numbers(Token(match[group], token.start, token.end), self.text, len(self.layers) + 1)[0]
                            for group in "abc" if match[group])
            key = _OPTION_KEYS[match["key"]]
            if key not in ("padding", "output_padding") and key not in _SINGLE - {"groups", "multiplier"} \
                    and min(numbers) < 1:
                raise self.fail(f"{key} must be at least 1, got '{token.text}'", token)
            return key, numbers
        raise self._unknown_option(word, token)

    def _unknown_option(self, word: str, token: Token) -> SpecError:
        lower = token.lower
        long_form = re.match(r"([a-z_]+)=?(\d+(?:[xX×]\d+)?)\Z", lower)
        if long_form and long_form[1] in _LONG_FORMS:
            hint = f"did you mean '{_LONG_FORMS[long_form[1]]}{long_form[2]}'?"
        else:
            guess = closest(lower, list(_OPTION_WORDS))
            hint = f"did you mean '{guess}'?" if guess else (
                f"'{word}' takes {', '.join(_OPTION_NAMES[k] for k in sorted(WORDS[word].options)) or 'no options'}")
        message = f"unknown option '{token.text}' for '{word}'"
        if _NUMBER.match(token.text):
            message = f"unexpected number '{token.text}' after '{word}'"
            hint = f"write the layer as {WORDS[word].example}"
        return self.fail(message, token, hint)


_ARG_NAMES = {
    "dims": "a shape",
    "filters_kernel": "filters and a kernel size",
    "filters_kernel1": "filters and a kernel length",
    "kernel?": "a size",
    "kernel": "a kernel size",
    "kernel1?": "a pool length",
    "kernel1": "a length",
    "kernel3?": "a size (K or KDxKHxKW)",
    "filters_kernel3": "filters and a kernel size (F x K, or F x KD x KH x KW)",
    "pair?": "a size (P or PHxPW)",
    "shape": "a target shape (AxBxC)",
    "vocab_dim": "a vocabulary size and a dimension (VxD)",
    "alpha?": "a slope",
    "units": "a number of units",
    "rate": "a dropout rate",
    "": "nothing",
}


def _applies_to(key: str) -> str:
    users = sorted({w for w, g in WORDS.items() if key in g.options and w not in ("maxpool", "fc")})
    return f"{_OPTION_NAMES[key]} applies to: {', '.join(users)}"


def _word_list() -> str:
    """Every layer word, for an unknown one: whole, on lines of at most 79 columns broken between words."""
    import textwrap  # only on the error path

    words = "layers are: " + ", ".join(w for w in WORDS if w not in ACTIVATIONS) + ", or an activation"
    return textwrap.fill(words, 79, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
