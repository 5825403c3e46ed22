"""A framework layer as a spec item, by its framework."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .arguments import Requirement, _unreadable
from .keras_layers import _keras_item
from .layer_words import TORCH_WORDS, torch_word
from .torch_layers import _torch_item
from .values import Layer

if TYPE_CHECKING:
    from .calls import Interpreter

#: The constants a layer's arguments are compared by, each with its type (1, 1.0 and True are equal in Python but
#: not to a layer: a size of 1.0 or True is refused where 1 is read).
_ATOMS = frozenset({int, str, bool, type(None)})


def layer_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, Requirement | None]:
    """The spec item of a framework layer, and what it requires of the resolved network (PyTorch states the size
    a layer reads). A model repeats its layers: an item is made once for each distinct class and constant
    arguments (what it requires depends on nothing else), and a layer with other arguments is read afresh."""
    key = _key(layer)
    known = interpreter.layer_items.get(key) if key is not None else None
    if known is not None:
        return known
    if layer.kwargs.get("trainable", True) is not True:
        raise interpreter.error(layer.node, f"a {layer.name} that is not trainable",
                                "cnncalc counts every weight as trainable: leave trainable out, or write the model "
                                "as a spec")
    try:
        if layer.framework == "keras":
            made = _keras_item(layer, interpreter)
        else:
            made = torch_word(layer, interpreter) if layer.name in TORCH_WORDS else _torch_item(layer, interpreter)
    except (ValueError, TypeError, LookupError) as error:
        raise _unreadable(layer.name, error, layer.node, interpreter) from None
    if key is not None:
        interpreter.layer_items[key] = made
    return made


def _key(layer: Layer) -> tuple[Any, ...] | None:
    """What a layer's item depends on, when its arguments are all constants (ints, strings, bools, None, floats
    other than zero, infinities and NaN, and tuples of them), each with its type; else None."""
    args, kwargs = layer.args, layer.kwargs
    values = (*args, *kwargs.values())
    kinds = tuple(map(type, values))
    if not _ATOMS.issuperset(kinds):
        values = tuple(map(_constant, values))
        if None in values:
            return None
    return layer.framework, layer.name, len(args), tuple(kwargs), kinds, values


def _constant(value: Any) -> Any:
    """A constant with its type, and a tuple's items each with theirs; None for anything else."""
    kind = type(value)
    if kind in _ATOMS or (kind is float and math.isfinite(value) and value != 0):  # -0.0 == 0.0, written apart
        return kind, value
    if kind is tuple:
        parts = tuple(map(_constant, value))
        return None if None in parts else (kind, parts)
    return None
