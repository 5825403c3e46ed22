"""Calls: functions and classes of the file, Python's built-ins, and the layers, models and tensor operations of the
frameworks."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .attention_calls import attention_call
from .command_line import Parser
from .constant_calls import constant_function
from .constant_tensors import NOT_CONSTANT
from .files import Files
from .inheritance import CONTAINERS, Inheritance, method_order
from .keras_nested import call_model
from .known_networks import apply_network, make_network
from .known_values import KnownClass, KnownNetwork
from .limits import MAX_LENGTH, _count, _is_plain, _length, _size
from .model_checks import torch_assert
from .module_tree import ModuleTree
from .pybuiltins import _SAFE_TYPES, _WALKING, _ordered_dict
from .values import (
    _MISSING,
    AbsentName,
    Builtin,
    FrameworkClass,
    Function,
    Instance,
    KerasModel,
    Layer,
    Method,
    Namespace,
    Partial,
    Scope,
    Sequential,
    Tensor,
    Unknown,
    UserClass,
    _child,
    _Return,
    _Super,
    _SuperCall,
)


class Interpreter(Inheritance):
    """Model code followed without running it: statements, expressions and calls, within :mod:`.limits`."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__(path, text)
        self.files = Files(path, text, self.lines)  # the same lines, split at most once
        self.module_tree = ModuleTree()  # the modules forward() runs in, for --depth (.module_tree)
        self.modules = {}
        self.parsers: list[Parser] = []  # the script's argparse parsers, whose defaults are read
        self.eval_reads = []
        self.keras_inputs: set[int] = set()  # the graph's nodes made by keras.Input (.keras_shapes)
        self.keras_shapes: dict[int, tuple[int, ...]] = {}  # the shapes read off Keras tensors, by node
        self.given_input: tuple[str | None, str | None] = (None, None)  # --input and its layout
        self.layer_items: dict[tuple[Any, ...], Any] = {}  # each distinct layer's item, made once (.recognise)
        self.frozen_nodes: set[int] = set()  # the graph's nodes whose layers are frozen (.known_heads)
        self.frozen_layers: set[int] = set()  # the layers a module frozen whole holds, by id (.frozen_modules)

    def call(self, e: ast.Call, env: Scope) -> Any:  # noqa: PLR0911, PLR0912 - one branch per callee kind
        function = self.eval(e.func, env)
        args = self.elements(e.args, env) if e.args else []
        kwargs: dict[str, Any] = {}
        for keyword in e.keywords:
            if type(keyword.value) is ast.Constant:  # counted as eval() counts it
                self.work += 1
                value = keyword.value.value
            else:
                value = self.eval(keyword.value, env)
            if keyword.arg is None:
                if not isinstance(value, dict):  # **kwargs the run decides: what the call makes is the run's too
                    return value if isinstance(value, Unknown) else \
                        Unknown("a call given **arguments that are not a dict cnncalc can read", e)
                kwargs.update(value)
            else:
                kwargs[keyword.arg] = value
        while isinstance(function, Partial):  # functools.partial: its arguments first, the call's keywords over its
            self.charge(len(function.args) + len(function.kwargs), e)
            args, kwargs = [*function.args, *args], {**function.kwargs, **kwargs}
            function = function.function
        if isinstance(function, FrameworkClass):
            return self.framework_call(function, args, kwargs, e)
        if isinstance(function, KnownClass):  # keras.applications.MobileNetV2(…), torchvision.models.resnet50(…)
            return make_network(self, function, args, kwargs, e)
        if isinstance(function, KnownNetwork):  # base(inputs, training=False)
            return apply_network(self, function, args, kwargs, e)
        if isinstance(function, Layer) and function.framework == "torch" and function.name == "MultiheadAttention":
            return attention_call(self, function, args, kwargs, e)  # x, _ = attn(x, x, x): a tuple
        if isinstance(function, (Layer, Sequential)):
            return self.apply(function, args, e)
        if isinstance(function, Function):
            return self.invoke(function, args, kwargs, e)
        if isinstance(function, Method):
            return self.invoke(function.function, [function.owner, *args], kwargs, e)
        if isinstance(function, UserClass):
            return self.instantiate(function, args, kwargs, e)
        if isinstance(function, KerasModel):  # autoencoder = Model(inputs, decoder(encoder(inputs)))
            return call_model(self, function, args, kwargs, e)
        if isinstance(function, Instance):
            return self.instance_call(function, args, kwargs, e)
        if isinstance(function, Builtin):
            result = function.call(*args, **kwargs)
            if isinstance(result, tuple) and result[:1] == ("torch-function",):
                constant = constant_function(self, *result[1:], e)  # torch.add(t, 1) on a tensor of constants
                return constant if constant is not NOT_CONSTANT else self.torch_function(*result[1:], e)
            if isinstance(result, tuple) and result[:1] == ("tensor-method",):
                return self.tensor_method(result[1], result[2], result[3], result[4], e)
            return result
        if isinstance(function, Namespace) and function.path == "torch._assert":  # the model's own check
            return torch_assert(self, args, kwargs, e)
        if isinstance(function, Namespace) and function.path.startswith("torch."):  # torch.arange(depth) * w_a
            constant = constant_function(self, function.path[6:], args, kwargs, e)
            if constant is not NOT_CONSTANT:
                return constant
        if isinstance(function, Namespace) and function.path == "argparse.ArgumentParser":
            self.parsers.append(Parser())
            return self.parsers[-1]
        if isinstance(function, _Super):
            return self.super_call(function, args, e)
        if isinstance(function, _SuperCall):
            raise self.error(e, "super() is not callable")
        if callable(function) and not isinstance(function, Unknown) and \
                (not isinstance(function, type) or function in _SAFE_TYPES):
            return self.builtin(function, args, kwargs, e)
        if any(isinstance(a, Tensor) for a in args):
            raise self.error(e.func, f"cnncalc cannot follow a call to {ast.unparse(e.func)} on a tensor",
                             "define it in this file, use a layer cnncalc knows, or write this block as a spec")
        absent = f", {function.why}" if isinstance(function, AbsentName) else ""
        return Unknown(f"a call to {ast.unparse(e.func)}{absent}", e)

    def instance_call(self, module: Instance, args: list[Any], kwargs: dict[str, Any], node: ast.Call) -> Any:
        """A module of the model's own called: its forward(), or the one of the container it subclasses, inside it
        (.module_tree)."""
        forward = module.cls.lookup("forward")
        if not isinstance(forward, Function):
            inherited = self.container_method(module, "forward", node)
            if inherited is _MISSING:
                raise self.error(node, f"{module.cls.node.name} has no forward() to call")
            return self.inside(module, lambda: inherited.call(*args, **kwargs), node)
        return self.inside(module, lambda: self.invoke(forward, [module, *args], kwargs, node), node)

    def builtin(self, function: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        """A call to one of Python's built-ins (len, int, sorted, dict.get…): each argument charged by its size,
        a sequence too long to walk refused, and what Python would raise raised here."""
        values = [*args, *kwargs.values()] if function is not _ordered_dict else args  # OrderedDict(head=m)
        if not all(_is_plain(value) for value in values):
            unknown = next((value for value in values if isinstance(value, Unknown)), None)
            # int(round(inp * t)) on an inp only known at run time is unknown for inp's reason, named at inp's line
            return unknown or Unknown("a call on values only known when the code runs", node)  # len(nn.Sequential())
        for value in values:
            self.touch(value, node)
            if function in _WALKING and (_length(value) or 0) > MAX_LENGTH:
                raise self.error(node, f"a sequence of {_count(_length(value) or 0)} items, over the "
                                 f"{MAX_LENGTH:,} cnncalc follows", "a model definition walks far shorter sequences")
        result = function(*args, **kwargs)  # int(float('inf')), len(range(10 ** 30)) fail here, as in Python
        self.charge(_size(result), node)
        return result

    def grow(self, target: list[Any], method: str, name: str, node: ast.AST, *args: Any) -> None:
        """list.append, .extend, .insert and Sequential.add, within MAX_LENGTH items."""
        if len(args) != {"append": 1, "extend": 1, "insert": 2}[method]:  # model.add() fails, as in Python
            raise TypeError(f"{name}() takes {'two arguments' if method == 'insert' else 'one argument'} "
                            f"({len(args)} given)")
        added = len(self.items(args[0], node)) if method == "extend" else 1
        if len(target) + added > MAX_LENGTH:
            raise self.error(node, f"a list of more than {MAX_LENGTH:,} items",
                             "a model definition needs far fewer: write the layers as a spec, with [ … ]xN")
        getattr(target, method)(*args)

    def invoke(self, function: Function, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        parameters = function.node.args
        scope = _child(function.env)
        names = [a.arg for a in [*parameters.posonlyargs, *parameters.args]]
        defaults = parameters.defaults
        for i, name in enumerate(names):
            if i < len(args):
                scope[name] = args[i]
            elif name in kwargs:
                scope[name] = kwargs[name]
            elif i >= len(names) - len(defaults):
                scope[name] = self.eval(defaults[i - (len(names) - len(defaults))], function.env)
            else:
                scope[name] = Unknown(f"the argument '{name}'", node)
        if parameters.vararg is not None:
            scope[parameters.vararg.arg] = tuple(args[len(names):])
        for keyword, default in zip(parameters.kwonlyargs, parameters.kw_defaults):
            scope[keyword.arg] = kwargs.get(keyword.arg, self.eval(default, function.env) if default else None)
        if parameters.kwarg is not None:
            bound = {*names, *(keyword.arg for keyword in parameters.kwonlyargs)}
            scope[parameters.kwarg.arg] = {k: v for k, v in kwargs.items() if k not in bound}
        scope.setdefault("super", _Super(function.owner, args[0]) if function.owner is not None and args and
                         function.binding == "method" else _Super())
        flowing = any(isinstance(a, Tensor) for a in [*args, *kwargs.values()])
        self.inside_model += 1
        self.strict += flowing
        try:
            self.run(function.node.body, scope)
        except _Return as returned:
            return returned.value
        finally:
            self.inside_model -= 1
            self.strict -= flowing
        return None

    def instantiate(self, cls: UserClass, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Instance:
        instance = Instance(cls)
        for base in method_order(cls):  # the first __init__ in Python's method order
            if isinstance(base, UserClass) and isinstance(base.attributes.get("__init__"), Function):
                self.invoke(base.attributes["__init__"], [instance, *args], kwargs, node)
            elif isinstance(base, FrameworkClass) and base.framework == "torch" and base.name in CONTAINERS:
                self.container_init(instance, base.name, node, *args, **kwargs)
            elif isinstance(base, FrameworkClass) and base.framework == "torch" and base.name != "Module":
                instance.base_layer = self.framework_call(base, args, kwargs, node)  # LayerNorm2d(nn.LayerNorm)
            elif isinstance(base, UserClass) and "__init__" not in base.attributes:
                continue
            break
        return instance
