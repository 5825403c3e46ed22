"""A PyTorch module of the file frozen whole: ``model.features.requires_grad_(False)``, ``self.encoder
.requires_grad_(False)``. Each layer it holds at that moment (its attributes, its Sequentials, ModuleLists and
ModuleDicts, through its sub-modules) is written ``frozen``, as PyTorch stops the gradients of the parameters it holds
then; ``requires_grad_(True)`` trains them again. A module's own ``nn.Parameter`` is refused, its freezing not being
one of a layer's."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .known_freezing import freeze
from .known_values import KnownNetwork
from .own_weights import OwnParameter
from .unused import held
from .values import _MISSING, Instance, Layer, Sequential

if TYPE_CHECKING:
    from .calls import Interpreter


def freezable(owner: Any) -> bool:
    """Whether ``owner.requires_grad_`` freezes a PyTorch module of the file: an nn.Module (which does not define its
    own requires_grad_), an nn.Sequential or a layer."""
    if isinstance(owner, Instance):
        return owner.cls.is_module and owner.cls.lookup("requires_grad_") is _MISSING
    return isinstance(owner, (Sequential, Layer)) and owner.framework == "torch"


def freeze_module(interpreter: Interpreter, module: Any, node: ast.AST, requires_grad: Any = True) -> Any:
    """``module.requires_grad_(requires_grad)``: the module, its layers frozen (or not); it gives the module back."""
    if not isinstance(requires_grad, bool):
        raise interpreter.error(node, "requires_grad_() given something other than True or False",
                                "write requires_grad_(False) to freeze the module")
    for value, _ in held(interpreter, module):
        if isinstance(value, OwnParameter):
            raise interpreter.error(node, "a module holding its own nn.Parameter, frozen: cnncalc does not follow it",
                                    "freeze its layers one by one, or write the model as a spec")
        if isinstance(value, KnownNetwork):
            freeze(interpreter, value, requires_grad, node)
        elif isinstance(value, Layer) and not requires_grad:
            interpreter.frozen_layers.add(id(value))
        elif isinstance(value, Layer):
            interpreter.frozen_layers.discard(id(value))
    return module
