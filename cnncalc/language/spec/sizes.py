"""The sizes a spec writes: a layer's numbers (``32x3x3``, a product such as ``400*500``) and the input's shape,
in numbers or in names (``input RxCx3``), with the layouts its axes may be said in."""

from __future__ import annotations

import re

from ...errors import SpecError, shorten
from ...model.layers import Shape
from ..literals import TooLargeError, read_int
from .records import Token

_DIMS = re.compile(r"\d+(?:[*·]\d+)*(?:[xX×]\d+(?:[*·]\d+)*)*\Z")  # a size may be a product: dense400*500
_AXES = re.compile("[xX×]")
_NUMBER = re.compile(r"[\d.][\d.xX×*·]*\Z")
#: How the input's axes may be said to be ordered: channels first (PyTorch) or last (Keras).
LAYOUTS = {"nchw": "nchw", "ncl": "nchw", "ncdhw": "nchw", "channels_first": "nchw",
           "nhwc": "nhwc", "nlc": "nhwc", "ndhwc": "nhwc", "channels_last": "nhwc"}



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
    from ..expression import FUNCTIONS  # the answer grammar's words cannot name a size: floor(R/2) stays a floor

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



def parse_dims(text: str, what: str = "input shape") -> Shape:
    """Read ``28x28x1``, ``28×28`` or ``784`` as a shape.

    >>> parse_dims("28x28x1")
    (28, 28, 1)
    """
    return _dims(Token(text, 0, len(text)), text, None, what, max_rank=4)
