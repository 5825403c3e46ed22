"""The values the interpreter follows besides Python's own: unknowns, layers, tensors, models, functions, classes and
scopes."""

from __future__ import annotations

import ast
from collections.abc import Callable, MutableMapping
from typing import Any

from ...errors import CodeError

#: A scope of names: the module's dict, or a function's locals in front of the scopes it was defined in.
Scope = MutableMapping[str, Any]


# ---- values ---------------------------------------------------------------------------------------------

class Unknown:
    """A value the code computes at run time (data, a file, a call into another module): fine until a model
    needs it."""

    def __init__(self, why: str, node: ast.AST | None = None) -> None:
        self.why, self.node = why, node


class AbsentName(Unknown):
    """A name imported from a module of the model's folder tree whose file is not there: what it is, and so what a
    call to it gives, is only known when the code runs."""

    def __init__(self, why: str, node: ast.AST | None, file: str) -> None:
        super().__init__(why, node)
        self.file = file  # the file it would be read from, which is not there


class DecidedByRun(Unknown):
    """A module's name set in a block the run decides (``nc = 3`` in one data set's branch): ``--set NAME=VALUE``
    fixes it, and the values the block gives it are named in the hint."""

    def __init__(self, why: str, name: str, values: list[str]) -> None:
        super().__init__(why)
        self.name, self.values = name, values

    def hint(self) -> str:
        shown = " or ".join(f"--set {self.name}={value}" for value in self.values[:3]) or f"--set {self.name}=VALUE"
        return f"give it the value the run would with {shown}, or write the model as a spec"


class Failed:
    """A top-level assignment that could not be followed: its error, raised if its value is needed."""

    def __init__(self, error: CodeError) -> None:
        self.error = error


class Namespace:
    """A module or a part of one: ``keras``, ``keras.layers``, ``torch.nn``, ``torch.nn.functional``."""

    def __init__(self, path: str) -> None:
        self.path = path

    @property
    def framework(self) -> str:
        return "torch" if self.path.split(".")[0] in ("torch", "torchvision") else "keras"


class UserModule:
    """A module of the model's own folder tree (``from .unet_parts import *``): its names, as its file binds them."""

    def __init__(self, path: str, names: dict[str, Any]) -> None:
        self.path, self.names = path, names


class FrameworkClass:
    """A layer class (or a model class) of Keras or PyTorch."""

    def __init__(self, framework: str, name: str) -> None:
        self.framework, self.name = framework, name


class Layer:
    """A framework layer as the code constructs it, with where."""

    __slots__ = ("args", "extras", "framework", "kwargs", "name", "node")

    def __init__(self, framework: str, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> None:
        self.framework, self.name, self.args, self.kwargs, self.node = framework, name, args, kwargs, node
        self.extras: dict[str, Any] = {}  # plain attributes the code sets on it (.layer_attributes)

    def arg(self, position: int, name: str, default: Any = None) -> Any:
        if position < len(self.args):
            return self.args[position]
        return self.kwargs.get(name, default)


class Tensor:
    """A tensor flowing through the code: the graph node that makes it."""

    __slots__ = ("node",)

    def __init__(self, node: int) -> None:
        self.node = node


class BatchSize:
    """``x.size(0)`` or ``x.shape[0]``: the batch, which a ``view`` keeps."""


class Sequential:
    """Keras' Sequential (``model.add``) or PyTorch's nn.Sequential: layers applied in order."""

    def __init__(self, framework: str, layers: list[Any], node: ast.AST, names: list[str] | None = None,
                 name: str | None = None) -> None:
        self.framework, self.layers, self.node = framework, layers, node
        self.names = names or []
        self.name = name  # Keras' name= of the model, which its row in another model's summary shows
        self.input_shape: tuple[int, ...] | None = None
        self.called = False  # a Keras Sequential applied to a tensor: a part of a model built from it

    def __iter__(self) -> Any:  # for layer in self.features: an nn.Sequential iterates its layers
        return iter(self.layers)


class ModuleList(list):  # type: ignore[type-arg]
    """An ``nn.ModuleList``: a list whose modules PyTorch registers (a plain list of modules it does not)."""

    __slots__ = ()


class ModuleDict(dict):  # type: ignore[type-arg]
    """An ``nn.ModuleDict``: a dict whose modules PyTorch registers."""

    __slots__ = ()


class KerasModel:
    """``keras.Model(inputs, outputs)``."""

    def __init__(self, inputs: Any, outputs: Any, node: ast.AST, name: str | None = None) -> None:
        self.inputs, self.outputs, self.node = inputs, outputs, node
        self.name = name  # its name=, which its row in another model's summary shows
        self.called = False  # called on a tensor: a part of a model built from it (an autoencoder's encoder)


class Function:
    def __init__(self, node: ast.FunctionDef, env: Scope, owner: UserClass | None = None) -> None:
        self.node, self.env = node, env
        self.owner = owner  # the class whose body defines it: what super() inside it starts after
        decorators = {d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else ""
                      for d in node.decorator_list}
        #: how a class's attribute binds it: "method" (self first), "static", "class" (cls first) or "property"
        self.binding = next((kind for decorator, kind in (("staticmethod", "static"), ("classmethod", "class"),
                                                          ("property", "property")) if decorator in decorators),
                            "method")


class UserClass:
    def __init__(self, node: ast.ClassDef, bases: list[Any], env: Scope) -> None:
        self.node, self.bases, self.env = node, bases, env
        self.attributes: dict[str, Any] = {}

    @property
    def is_module(self) -> bool:
        return any((isinstance(b, FrameworkClass) and b.framework == "torch") or  # nn.Module, nn.LayerNorm…
                   (isinstance(b, UserClass) and b.is_module) for b in self.bases)

    def lookup(self, name: str) -> Any:
        if name in self.attributes:
            return self.attributes[name]
        for base in self.bases:
            if isinstance(base, UserClass):
                found = base.lookup(name)
                if found is not _MISSING:
                    return found
        return _MISSING


class Instance:
    """An object of a class the file defines (a PyTorch module: its attributes are its sub-modules)."""

    def __init__(self, cls: UserClass) -> None:
        self.cls = cls
        self.attributes: dict[str, Any] = {}
        self.base_layer: Layer | None = None  # the PyTorch layer a class built on one makes (.layer_subclasses)


class Method:
    def __init__(self, function: Function, owner: Any) -> None:
        self.function, self.owner = function, owner


class Partial:
    """``functools.partial(f, *args, **kwargs)``: f, called with these arguments before (and keywords under) the
    call's own, as Python calls it."""

    def __init__(self, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs


class Builtin:
    def __init__(self, call: Callable[..., Any], name: str) -> None:
        self.call, self.name = call, name


_MISSING: Any = object()


class _Return(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):  # noqa: N818
    pass


class _Continue(Exception):  # noqa: N818
    pass


class _Shape:
    """``x.shape``: its [0] is the batch."""

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor


class _Super:
    """``super``: inside a method, the class that defines the method and the object it runs on."""

    def __init__(self, cls: UserClass | None = None, obj: Any = None) -> None:
        self.cls, self.obj = cls, obj


class _SuperCall:
    """``super()``: attributes looked up in the object's classes after ``cls``, as Python's method order goes."""

    def __init__(self, cls: UserClass, obj: Any) -> None:
        self.cls, self.obj = cls, obj


#: Values only known when the model runs: an operation on them is unknown too.
_RUN_TIME = (Unknown, Tensor, BatchSize, _Shape, Namespace)
#: Values whose truth is only known when the model runs: a branch on one cannot be chosen.
_UNKNOWN_TRUTH = _RUN_TIME

class _Scope(dict[str, Any]):
    """A function's or a comprehension's names, in front of the scope it was made in: a name not found here is
    looked up there (dict's ``__missing__``), so nothing is copied, and the module's names are seen as they are
    when the code runs. Names are set here; the chain is as long as the code's functions are nested."""

    __slots__ = ("parent",)

    def __init__(self, parent: Scope) -> None:
        super().__init__()
        self.parent = parent

    def __missing__(self, key: str) -> Any:
        return self.parent[key]


def _child(env: Scope) -> Scope:
    """A new scope in front of ``env`` (a function's locals, a comprehension's names)."""
    return _Scope(env)


def _lookup(env: Scope, name: str) -> Any:
    try:
        return env[name]
    except KeyError:
        return None
