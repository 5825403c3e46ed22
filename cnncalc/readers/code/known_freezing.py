"""A known network frozen whole, as training code freezes it: ``for layer in base.layers: layer.trainable = False``
(Keras 2's way), ``for p in model.parameters(): p.requires_grad = False`` and ``requires_grad_(False)`` (PyTorch).
The loop's one item stands for every layer or parameter of the network, so it freezes the whole network; an item or
a slice of them (``base.layers[:-20]``) is refused where it is taken."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .values import Unknown

if TYPE_CHECKING:
    from .calls import Interpreter
    from .known_values import KnownNetwork


def shown(value: Any) -> str:
    """A value of the code's, as an error shows it: short, and an unknown one by its reason."""
    if isinstance(value, Unknown):
        return f"{value.why}, only known when the code runs"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Parameter:
    """One of ``model.parameters()``: what setting its ``requires_grad`` does to the whole network (or, of
    ``model.features.parameters()``, what ``freezes`` does with the value set: :mod:`.known_features`)."""

    def __init__(self, network: KnownNetwork, freezes: Callable[[Any, ast.AST], None] | None = None) -> None:
        self.network, self.freezes = network, freezes


class NetworkLayers:
    """``base.layers`` (Keras): iterated, one :class:`Parameter` standing for them all, so that ``for layer in
    base.layers: layer.trainable = False`` freezes the network whole; an item or a slice of it is refused."""

    def __init__(self, network: KnownNetwork) -> None:
        self.network = network

    def __iter__(self) -> Any:
        return iter([Parameter(self.network)])


def freeze(interpreter: Interpreter, network: KnownNetwork, requires_grad: Any, node: ast.AST) -> KnownNetwork:
    """``requires_grad_(False)`` and ``p.requires_grad = False`` over all its parameters: the whole network, the
    module that replaced its classifier included, frozen (True unfreezes it)."""
    if not isinstance(requires_grad, bool):
        raise interpreter.error(node, f"requires_grad set to {shown(requires_grad)}",
                                "set it to False (frozen) or True")
    network.frozen = network.head_frozen = not requires_grad
    return network


def set_parameter(interpreter: Interpreter, parameter: Parameter, name: str, value: Any, node: ast.AST) -> None:
    """``p.requires_grad = False`` for each ``p`` of ``model.parameters()``, ``layer.trainable = False`` for each of
    ``base.layers``: the whole network frozen."""
    if name == "trainable" and parameter.network.framework == "keras":
        freeze(interpreter, parameter.network, value, node)
        return
    if name != "requires_grad" or parameter.network.framework == "keras":
        raise interpreter.error(node, f"cnncalc cannot follow a change to a parameter (.{name[:40]} = …)")
    if parameter.freezes is not None:
        parameter.freezes(value, node)
        return
    freeze(interpreter, parameter.network, value, node)


def parameter_attribute(interpreter: Interpreter, parameter: Parameter, name: str, node: ast.AST) -> Any:
    """``p.requires_grad`` (``layer.trainable``) as the network has it; anything else of the parameter is only known
    when it runs."""
    if name in ("requires_grad", "trainable"):
        return not parameter.network.frozen
    if name == "requires_grad_":
        from .values import Builtin

        return Builtin(lambda requires_grad=True: set_parameter(interpreter, parameter, "requires_grad",
                                                                requires_grad, node), name)
    return Unknown(f"a parameter's {name[:40]}", node)
