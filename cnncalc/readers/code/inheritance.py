"""Classes built on others: ``super()`` as Python resolves it (the object's classes in their method order, after
the class whose method calls it), and modules that subclass ``nn.Sequential``, ``nn.ModuleList`` or
``nn.ModuleDict``, whose ``__init__`` registers the modules it is given and whose ``forward`` (a Sequential's)
applies them in order."""

from __future__ import annotations

import ast
import functools
from typing import Any

from .framework_calls import FrameworkCalls
from .values import (
    _MISSING,
    Builtin,
    FrameworkClass,
    Function,
    Instance,
    Layer,
    Sequential,
    Tensor,
    Unknown,
    UserClass,
    _Super,
    _SuperCall,
)

#: PyTorch's container classes a module of the file's own may subclass.
CONTAINERS = frozenset({"Sequential", "ModuleList", "ModuleDict"})
#: PyTorch's classes that are no layer a class of the file's own may be built on.
_NOT_LAYERS = CONTAINERS | {"Module"}
#: Values a module holds that are not sub-modules (a Sequential's forward passes them by).
_PLAIN_ATTRIBUTES = (int, float, str, bool, type(None), tuple)


def method_order(cls: Any, node: ast.AST | None = None) -> list[Any]:
    """The class and its bases in Python's method resolution order (C3); a base that is not one of the file's
    own classes ends its line. Raises ValueError when Python could not order them either."""
    if not isinstance(cls, UserClass):
        return [cls]
    lines = [method_order(base, node) for base in cls.bases] + [list(cls.bases)]
    order = [cls]
    while any(lines):
        lines = [line for line in lines if line]
        head = next((line[0] for line in lines
                     if not any(line[0] is other for rest in lines for other in rest[1:])), None)
        if head is None:
            raise ValueError(f"Python cannot order the bases of {cls.node.name}")
        order.append(head)
        lines = [line[1:] if line[0] is head else line for line in lines]
    return order


def container_base(cls: Any) -> str | None:
    """Which of nn.Sequential, nn.ModuleList and nn.ModuleDict a class of the file's own is built on, if any."""
    for base in method_order(cls):
        if isinstance(base, FrameworkClass) and base.framework == "torch" and base.name in CONTAINERS:
            return base.name
    return None


class Inheritance(FrameworkCalls):
    """super() and the PyTorch containers a class of the file's own subclasses."""

    def super_call(self, function: _Super, args: list[Any], node: ast.AST) -> _SuperCall:
        """super() inside a method, or super(Class, self) anywhere."""
        if len(args) == 2 and isinstance(args[0], UserClass):
            return _SuperCall(args[0], args[1])
        if not args and function.cls is not None and function.obj is not None:
            return _SuperCall(function.cls, function.obj)
        raise self.error(node, "cnncalc follows super() inside a method of a class, or super(Class, self)")

    def super_attribute(self, sup: _SuperCall, name: str, node: ast.AST) -> Any:
        """super().name: found in the object's classes after the one whose method asks, as Python finds it."""
        owner = sup.obj
        cls = owner.cls if isinstance(owner, Instance) else owner if isinstance(owner, UserClass) else None
        if cls is None:
            raise self.error(node, "cnncalc follows super() on an object of the file's own classes")
        order = method_order(cls, node)
        start = next((i for i, c in enumerate(order) if c is sup.cls), None)
        if start is None:
            raise self.error(node, f"super(): {sup.cls.node.name} is not a base of {cls.node.name}")
        for base in order[start + 1:]:
            if isinstance(base, UserClass):
                if name in base.attributes:
                    found = base.attributes[name]
                    return self.bound(found, owner, base, node) if isinstance(found, Function) and \
                        isinstance(owner, Instance) else found
                continue
            return self.framework_method(base, owner, name, node)
        return self.framework_method(object, owner, name, node)

    def framework_method(self, base: Any, owner: Any, name: str, node: ast.AST) -> Any:
        """A method of a framework class (or object) reached through super(): __init__ and forward of the
        classes cnncalc knows, or nn.Module's own methods that register modules; anything else is refused."""
        torch_class = isinstance(base, FrameworkClass) and base.framework == "torch"
        if name == "__init__" and (base is object or (torch_class and base.name == "Module")):
            return Builtin(lambda *args, **kwargs: None, name)
        if name == "__init__" and torch_class and base.name in CONTAINERS and isinstance(owner, Instance):
            return Builtin(functools.partial(self.container_init, owner, base.name, node), name)
        if name == "__init__" and torch_class and base.name not in _NOT_LAYERS and isinstance(owner, Instance):
            return Builtin(functools.partial(self.layer_init, owner, base, node), name)
        if name == "forward" and torch_class and base.name == "Sequential" and isinstance(owner, Instance):
            return Builtin(functools.partial(self.sequential_forward, owner, node), name)
        if torch_class and isinstance(owner, Instance):
            found = self.module_method(owner, name, node)
            if found is not _MISSING:
                return found
        shown = base.name if isinstance(base, FrameworkClass) else getattr(base, "why", type(base).__name__)
        raise self.error(node, f"cnncalc cannot follow super().{name[:40]} of {shown}",
                         "call it on a class of this file, or write the model as a spec")

    def layer_init(self, owner: Instance, base: FrameworkClass, node: ast.AST, *args: Any, **kwargs: Any) -> None:
        """super().__init__(…) of a class built on a PyTorch layer class: the layer the object is."""
        owner.base_layer = self.framework_call(base, list(args), kwargs, node)  # type: ignore[arg-type]

    def container_init(self, owner: Instance, kind: str, node: ast.AST, *args: Any, **kwargs: Any) -> None:
        """nn.Sequential.__init__(*modules) (or one OrderedDict), nn.ModuleList.__init__(modules) and
        nn.ModuleDict.__init__(mapping), as PyTorch registers them: under their index, or their key."""
        if kwargs:
            raise self.error(node, f"nn.{kind}.__init__ takes no keyword arguments")
        if kind == "Sequential" and len(args) == 1 and isinstance(args[0], dict):
            named = list(args[0].items())
        elif kind == "Sequential":
            named = [(str(i), module) for i, module in enumerate(args)]
        elif len(args) > 1:
            raise self.error(node, f"nn.{kind}.__init__ takes one argument")
        elif kind == "ModuleList":
            named = [(str(i), module) for i, module in enumerate(self.items(args[0], node))] if args else []
        elif not args:
            named = []
        elif isinstance(args[0], dict):
            named = list(self.touch(args[0], node).items())
        else:
            named = [tuple(self.items(pair, node)) for pair in self.items(args[0], node)]
        for key, module in named:
            self.set_attribute(owner, key, module, node)

    def submodules(self, owner: Instance, node: ast.AST) -> list[tuple[str, Any]]:
        """The modules a container subclass holds, in the order they were registered; a value cnncalc cannot
        tell from a module is refused."""
        found = []
        for key, value in owner.attributes.items():
            if isinstance(value, _PLAIN_ATTRIBUTES):
                continue
            if not isinstance(value, (Layer, Sequential, Instance)):
                raise self.error(node, f"cnncalc cannot tell whether {owner.cls.node.name}'s attribute "
                                 f"'{key[:40]}' is one of its modules", "write the model as a spec")
            found.append((key, value))
        return found

    def sequential_forward(self, owner: Instance, node: ast.AST, *args: Any, **kwargs: Any) -> Any:
        """nn.Sequential's forward, inherited: each module applied to what the one before gives."""
        if len(args) != 1 or kwargs or not isinstance(args[0], Tensor):
            raise self.error(node, "an nn.Sequential is applied to one tensor")
        current = args[0]
        for _, module in self.submodules(owner, node):
            current = self.apply(module, [current], node) if isinstance(module, (Layer, Sequential)) else \
                self.module_call(module, current, node)
        return current

    def container_method(self, owner: Instance, name: str, node: ast.AST) -> Any:
        """The methods of a container subclass that read its modules (a ModuleDict's items(), a Sequential's
        len()), or _MISSING."""
        kind = container_base(owner.cls)
        if kind == "ModuleDict" and name in ("items", "keys", "values"):
            pairs = self.submodules(owner, node)
            return Builtin(lambda: [(k, v) if name == "items" else k if name == "keys" else v for k, v in pairs], name)
        if kind == "Sequential" and name == "forward":
            return Builtin(functools.partial(self.sequential_forward, owner, node), name)
        if name == "forward" and owner.base_layer is not None:  # a layer class's own forward: the layer applied
            return Builtin(lambda *args: self.apply(owner.base_layer, list(args), node), name)  # type: ignore[arg-type]
        return _MISSING


def unknown_base(cls: UserClass) -> Unknown | None:
    """The first base of a class that cnncalc cannot find (a class of a module it does not read), if any."""
    return next((base for base in method_order(cls) if isinstance(base, Unknown)), None)
