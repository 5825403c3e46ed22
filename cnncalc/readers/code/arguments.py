"""A framework layer's arguments read as the constants the spec takes, and the errors for those that are not.

Each Keras or PyTorch layer call is written as the spec word with its numbers and options, exactly as a person
would type it: ``layers.Conv2D(32, (3, 3), strides=2, padding="same", activation="relu")`` is
``conv32x3x3 s2 same relu``, ``nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)`` is ``conv64x7x7 s2 p3
nobias``.  Every value the code gives is written through a typed formatter (:func:`_int`, :func:`_real`,
:func:`_pair`): a size is an ``int`` and nothing else, so ``True``, ``'abc'`` or ``'10, conv32x3'`` never becomes
spec text.  What the spec cannot check by itself, because only the resolved network knows it (the channels a
``nn.Conv2d`` says it reads, the axis a concatenation joins, the shape a ``nn.LayerNorm`` normalises, a layer object
applied twice), is a requirement checked against the resolved network, at the code's own line
(:mod:`.requirements`).
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...model.layers import ACTIVATIONS
from .values import DecidedByRun, Layer, Unknown

if TYPE_CHECKING:
    from ...graph.network import Network, ResolvedLayer
    from .calls import Interpreter


class Built:
    """The resolved network as a layer's requirements see it: the network, and which of its layers give tokens
    (an embedding's L×D, which PyTorch too keeps features-last), found once for all of them."""

    def __init__(self, net: Network) -> None:
        self.net = net

    @functools.cached_property
    def tokens(self) -> set[str]:
        return {layer.name for layer in self.net.layers if layer.tokens}


#: What a layer requires of the resolved network (the channels it reads, the axis it joins): None when met, else
#: the message and a hint.
Requirement = Callable[["ResolvedLayer", Built], "tuple[str, str | None] | None"]


class _NotConstantError(ValueError):
    """A layer argument that is not the constant of the type its framework takes (a size that is a float, a bool, a
    string or a run-time value)."""

    def __init__(self, value: Any, what: str) -> None:
        super().__init__(what)
        self.value, self.what = value, what


def _shown(value: Any) -> str:
    """A value of the code's, short enough for a message (a huge list is named, not printed)."""
    if isinstance(value, (bool, int, float)) or value is None:
        text = repr(value)
    elif isinstance(value, str):
        text = repr(value[:40]) + ("…" if len(value) > 40 else "")
    elif isinstance(value, (list, tuple)) and len(value) <= 4 and all(isinstance(v, (bool, int, float, str))
                                                                       for v in value):
        text = repr(value)
    else:
        text = f"a {type(value).__name__}" if type(value).__module__ == "builtins" else "a value known at run time"
    return text[:60]


def _int(value: Any, what: str, minimum: int | None = None) -> str:
    """A size the code gives (filters, units, a kernel's side) as spec text: an int, never a bool, a float or a
    string, so nothing but digits reaches the spec."""
    if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
        raise _NotConstantError(value, what)
    return str(value)


def _real(value: Any, what: str) -> str:
    """A rate or a slope (dropout0.25, leakyrelu0.2) as spec text: a finite int or float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _NotConstantError(value, what)
    return str(value)


def _pair(value: Any, what: str = "a size") -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2 and \
            all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return value[0], value[1]
    raise _NotConstantError(value, what)


def _one(value: Any, what: str = "a size") -> Any:
    """A 1-D module's size: an int, or a 1-tuple of one (nn.Conv1d(6, 4, (3,))); a string ('same') as it is."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return value
    return int(_int(value, what))


def _axes(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def _option(key: str, value: Any, default: Any, what: str = "a size") -> str:
    """' s2', ' p1x2', ' d2', '' for the default."""
    if value is None:
        return ""
    pair = _pair(value, what)
    return "" if pair == _pair(default) else f" {key}{_axes(pair)}"


#: Keras' own names for some of the spec's activations (keras.activations.get takes these, not the spec's).
_KERAS_ACTIVATION_NAMES = {"leaky_relu": "leakyrelu", "hard_swish": "hardswish", "log_softmax": "logsoftmax",
                           "hard_sigmoid": "hardsigmoid"}


def _padding(value: Any, allowed: tuple[str, ...], layer: Layer, interpreter: Interpreter) -> str:
    """A padding given by name ('same', 'valid', Keras' 'causal'), lower-cased as Keras reads it; any other
    string is refused, as the framework refuses it."""
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    raise interpreter.error(layer.node, f"{layer.name}'s padding {_shown(value)} is not one the framework takes",
                            f"give padding as one of {', '.join(repr(a) for a in allowed)}")


def _activation(name: Any, layer: Layer, interpreter: Interpreter) -> str:
    if name is None or name == "linear":
        return ""
    if isinstance(name, str) and _KERAS_ACTIVATION_NAMES.get(name.lower(), name.lower()) in ACTIVATIONS:
        return f" {_KERAS_ACTIVATION_NAMES.get(name.lower(), name.lower())}"
    raise interpreter.error(layer.node, f"the activation {_shown(name)} is not one cnncalc knows",
                            f"use one of {', '.join(ACTIVATIONS)}, or a separate activation layer")


def _unreadable(name: str, error: ValueError | TypeError | LookupError, node: ast.AST,
                interpreter: Interpreter) -> Exception:
    """The error for a layer whose arguments are not the constants its framework takes."""

    if isinstance(error, _NotConstantError):
        value = error.value
        if isinstance(value, Unknown):
            return interpreter.error(node, f"{name}'s {error.what} is {value.why}, which is only known when the code "
                                     "runs", value.hint() if isinstance(value, DecidedByRun) else
                                     "give it as a constant, or write this layer in a spec")
        return interpreter.error(node, f"{name}'s {error.what} is {_shown(value)}, which the framework does not take "
                                 "here", "give sizes as whole numbers or tuples of them (not True, 2.5 or a string)")
    return interpreter.error(node, f"cnncalc cannot read this {name}'s arguments as constants",
                             "give its sizes as numbers or tuples of numbers")
