"""The models a file defines, as candidates to read: models assigned at the top level (``model = Net().to(device)``),
top-level module classes (one no other class or factory uses), and factories (``def resnet18(num_classes=1000):
return ResNet(…)``), each with how it would be built."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator
from typing import Any

from .known_values import KnownNetwork
from .layer_words import AUGMENTATIONS, TO_A_SIZE
from .values import Failed, Function, Instance, KerasModel, Layer, Sequential, UserClass


class Candidate:
    """One model the file may mean: its name, its kind ("assigned", "class" or "factory"), how it would be built
    (said only when shown: an assigned model's line is found then), and whether it can be built without
    arguments."""

    def __init__(self, name: str, kind: str, how: str | Callable[[], str], buildable: bool = True) -> None:
        self.name, self.kind, self._how, self.buildable = name, kind, how, buildable

    @property
    def how(self) -> str:
        return self._how if isinstance(self._how, str) else self._how()

    def __str__(self) -> str:
        return f"{self.name} ({self.how})"


def own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's or a class's body, without those of the functions and classes nested in it."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        current = stack.pop()
        yield current
        if not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(current))


def _names(node: ast.AST) -> set[str]:
    """The names a class's or a function's code reads (its methods' included)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _special(attribute: str) -> bool:
    return attribute.startswith("__") and attribute.endswith("__")


def _read_names(statement: ast.AST) -> set[str]:
    """The names a top-level statement reads as values: not in a ``if __name__ == "__main__":`` block (which does
    not run when the file is read), and not for a special attribute (``ResNet50.__doc__ = …`` or ``setattr(ResNet50,
    "__doc__", …)``, as keras.applications documents its builders, uses no model)."""
    if isinstance(statement, ast.If) and isinstance(statement.test, ast.Compare) and \
            isinstance(statement.test.left, ast.Name) and statement.test.left.id == "__name__":
        return set()
    special = {id(n.value) for n in ast.walk(statement) if isinstance(n, ast.Attribute) and _special(n.attr)}
    special |= {id(n.args[0]) for n in ast.walk(statement) if isinstance(n, ast.Call) and len(n.args) > 1 and
                isinstance(n.func, ast.Name) and n.func.id in ("setattr", "getattr") and
                isinstance(n.args[1], ast.Constant) and isinstance(n.args[1].value, str) and _special(n.args[1].value)}
    return {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and
            id(n) not in special}


def _calls_a_model(node: ast.AST) -> bool:
    """Whether the code calls Sequential(…) or Model(…) (Keras' or PyTorch's), or Functional(…) as
    keras.applications' builders do."""
    return any(isinstance(n, ast.Call) and (getattr(n.func, "id", None) or getattr(n.func, "attr", None))
               in ("Sequential", "Model", "Functional") for n in ast.walk(node))


def _returns_a_value(node: ast.FunctionDef) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None and
               not (isinstance(n.value, ast.Constant) and n.value.value is None) for n in own_nodes(node))


def takes_no_arguments(node: ast.FunctionDef, skip_self: bool = False) -> bool:
    """Whether every parameter has a default (``self`` aside for ``__init__``)."""
    parameters = node.args
    positional = [*parameters.posonlyargs, *parameters.args]
    required = len(positional) - len(parameters.defaults) - (1 if skip_self and positional else 0)
    return required <= 0 and all(default is not None for default in parameters.kw_defaults)


def _signature(node: ast.FunctionDef, skip_self: bool) -> str:
    names = [a.arg for a in [*node.args.posonlyargs, *node.args.args]][1 if skip_self else 0:]
    required = names[:len(names) - len(node.args.defaults)] if len(names) > len(node.args.defaults) else []
    return ", ".join(required)


def _init(cls: UserClass) -> ast.FunctionDef | None:
    init = cls.lookup("__init__")
    return init.node if isinstance(init, Function) else None


def classes_of(env: dict[str, Any]) -> dict[str, UserClass]:
    """The file's nn.Module classes."""
    return {name: value for name, value in env.items() if isinstance(value, UserClass) and value.is_module}


def find_candidates(env: dict[str, Any], tree: ast.Module, line_of: Callable[[ast.AST], int]) -> list[Candidate]:
    """Every model the file may mean, in the file's order of names: assigned models first, then top-level classes
    and factories. A class another class, a factory or a top-level statement uses (model = Net()) is a part of
    that, not a model of its own. ``line_of`` gives a node's line in its file."""
    assigned = [Candidate(name, "assigned", functools.partial(_assigned_how, value, line_of))
                for name, value in env.items()
                if isinstance(value, (Sequential, KerasModel, KnownNetwork, Failed)) or
                (isinstance(value, Instance) and value.cls.is_module)]
    classes = classes_of(env)
    functions = {name: value for name, value in env.items() if isinstance(value, Function)}
    names = {name: _names(function.node) for name, function in functions.items()}
    returning = {name for name, function in functions.items() if _returns_a_value(function.node)}
    callers: dict[str, set[str]] = {}
    for name in returning:
        for called in names[name] & functions.keys():
            callers.setdefault(called, set()).add(name)
    # a builder calls a model class, Sequential/Model, or another builder (resnet18 → _resnet): from the first
    # kind, through each function's callers, once each
    builders = {name for name in returning if names[name] & classes.keys() or _calls_a_model(functions[name].node)}
    waiting = list(builders)
    while waiting:
        for caller in callers.get(waiting.pop(), set()) - builders:
            builders.add(caller)
            waiting.append(caller)
    used = {used for name, cls in classes.items() for used in _names(cls.node) if used != name}
    used |= {used for name in builders for used in names[name]}
    if classes or builders:  # a file of 10,000 layers and no class is not walked again
        used |= {used for statement in tree.body if not isinstance(statement, (ast.FunctionDef, ast.ClassDef))
                 for used in _read_names(statement)}
    found = []
    for name, cls in classes.items():
        if name in used:
            continue
        init = _init(cls)
        if init is None or takes_no_arguments(init, skip_self=True):
            found.append(Candidate(name, "class", f"class, built as {name}()"))
        else:
            found.append(Candidate(name, "class", f"class, built as {name}({_signature(init, True)})", False))
    for name in sorted(builders, key=list(functions).index):
        node = functions[name].node
        if takes_no_arguments(node) and name not in used:  # model = build_lenet(): the model is that one
            found.append(Candidate(name, "factory", f"factory, built as {name}()"))
    held = {id(layer) for value in env.values() for layer in (value.layers if isinstance(value, Sequential) else
                                                              value.attributes.values()
                                                              if isinstance(value, Instance) else ())}
    failing = _called_where_failed(env, tree)
    parts = [c for c in assigned if (isinstance(env[c.name], (KerasModel, Sequential)) and
                                     (env[c.name].called or c.name in failing or _pipeline(env[c.name]))) or
             (isinstance(env[c.name], KnownNetwork) and (env[c.name].applied or id(env[c.name]) in held))]
    if len(parts) < len(assigned):  # an encoder (a Model or a Sequential) called to build the autoencoder is a part
        # of it, not a model;
        # so is a known network applied in a model or held by one (keras.Sequential([base, …]), self.backbone)
        assigned = [c for c in assigned if c not in parts]
    return [*assigned, *found]


#: Keras' layers that only prepare images (keras.io's data_augmentation, a Rescaling of the pixels)
_PREPARING = frozenset({*AUGMENTATIONS, *TO_A_SIZE, "Rescaling"})


def _pipeline(value: Sequential | KerasModel) -> bool:
    """A Keras Sequential of augmentation and rescaling layers only (keras.io's ``data_augmentation =
    keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])``, applied to the data or
    called on the model's input): a step before the model, not a model of its own beside one."""
    return isinstance(value, Sequential) and value.framework == "keras" and bool(value.layers) and \
        all(isinstance(layer, Layer) and layer.name in _PREPARING for layer in value.layers)


def _called_where_failed(env: dict[str, Any], tree: ast.Module) -> set[str]:
    """The names a top-level assignment that failed calls: ``autoencoder = Model(inputs, decoder(encoder(inputs)))``
    failing in the encoder's layers never calls the decoder, which is still a part of it, not a model of its own."""
    failed = {name for name, value in env.items() if isinstance(value, Failed)}
    if not failed:  # the most common: nothing is walked
        return set()
    return {n.func.id for statement in tree.body if isinstance(statement, ast.Assign) and
            any(isinstance(target, ast.Name) and target.id in failed for target in statement.targets)
            for n in ast.walk(statement.value) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _assigned_how(value: Any, line_of: Callable[[ast.AST], int]) -> str:
    """How an assigned model is built: as the file assigns it (a Sequential or a Model at its line, an instance of a
    class), or the error that stopped its assignment."""
    if isinstance(value, Failed):
        return f"line {value.error.line}: {value.error.message}"
    if isinstance(value, Instance):
        return f"assigned at the top level, a {value.cls.node.name}"
    node = getattr(value, "node", None)
    return f"assigned at line {line_of(node)}" if isinstance(node, ast.AST) and hasattr(node, "lineno") else "assigned"
