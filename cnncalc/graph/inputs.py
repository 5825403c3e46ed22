"""The network's input: how it is written (its layout), its shape (given or the spec's), and the bound every tensor
is held to."""

from __future__ import annotations

import math

from ..errors import CnnCalcError, SpecError
from ..language.literals import MAX_ELEMENTS
from ..language.spec import ParsedInput, Spec
from ..model.layers import RuleError, Shape

__all__ = ["INPUT_NAME", "bounded_input_shape", "input_layout", "require_bounded"]

#: the name Keras gives the input, which the layers that read it name
INPUT_NAME = "input_layer"


def input_layout(layout: str | None, given: ParsedInput | None, spec: Spec) -> str | None:
    """How the input is written: --layout, else the layout word of --input, else the spec's; --layout and a
    different word in --input are refused, not one of them picked."""
    if given is not None and given.layout is not None:
        if layout is not None and layout != given.layout:
            raise CnnCalcError(f"--layout {layout} and the '{given.layout}' of --input disagree",
                               "say how the input is written once: with --layout or in --input")
        return given.layout
    return layout or (spec.input.layout if spec.input is not None else None)


def require_bounded(shape: Shape, what: str) -> None:
    """Hold every tensor to :data:`~cnncalc.language.literals.MAX_ELEMENTS` values, so counts stay printable and
    every float derived from them (sizes in bytes, ratios) stays finite."""
    if math.prod(shape) > MAX_ELEMENTS:
        digits = len(str(math.prod(shape))) - 1
        raise RuleError(f"{what} would be {'×'.join(map(str, shape))}, about 10^{digits} values, "
                        "over cnncalc's limit of 10^36", "use sizes a real network could have")


def bounded_input_shape(spec: Spec, override: Shape | None) -> Shape:
    """The input's shape (``override``, else the spec's), held to the bound, refused at the spec's input."""
    shape = given_input_shape(spec, override)
    try:
        require_bounded(shape, "the input")
    except RuleError as error:
        span = spec.input.span if spec.input is not None else (0, len(spec.text))
        raise SpecError(error.message, spec.text, span, 0, error.hint) from None
    return shape


def given_input_shape(spec: Spec, override: Shape | None) -> Shape:
    """``override``, else the spec's input shape; a spec with none, or with names for sizes, is refused."""
    if override is not None:
        return override
    if spec.input is None:
        first = spec.layers[0].span if spec.layers else (0, len(spec.text))
        raise SpecError(
            "the spec has no input shape", spec.text, first, None,
            "start it with 'input HxWxC' (as in 'input 28x28x1, …') or pass --input 28x28x1",
        )
    if spec.input.names:  # cnncalc.language.symbolic resolves these with numbers standing in for the names
        raise SpecError("the input's sizes are names", spec.text, spec.input.span, 0,
                        "give numbers with --input HxWxC")
    return spec.input.shape
