"""Where modules are registered and looked up by name: ``self.add_module(name, m)``, ``setattr(self, f'layer{i}', m)``,
``self.__getattr__('level_%d' % i)``, ``nn.Sequential.add_module``, and the Python a model definition asks about
them with (``hasattr``, ``getattr``, ``isinstance``). Every call that may register, replace or remove a module is
followed or refused at its line, never ignored."""

from __future__ import annotations

import ast
import functools
from typing import Any

from .constant_tensors import ConstTensor
from .imports import Imports
from .limits import MAX_LENGTH, _is_plain
from .own_weights import OwnParameter, own_parameter
from .pybuiltins import _SAFE_TYPES
from .values import (
    _MISSING,
    Builtin,
    FrameworkClass,
    Instance,
    KerasModel,
    Layer,
    Namespace,
    Sequential,
    Tensor,
    Unknown,
    UserClass,
)

#: nn.Module's own attributes, which every module has (hasattr(self, 'training') is True).
_MODULE_ATTRIBUTES = frozenset({
    "training", "forward", "parameters", "named_parameters", "buffers", "named_buffers", "modules",
    "named_modules", "children", "named_children", "add_module", "register_module", "register_buffer",
    "register_parameter", "apply", "eval", "train", "to", "cuda", "cpu", "state_dict", "load_state_dict",
    "zero_grad", "requires_grad_", "get_submodule", "float", "double", "half", "type"})
#: Methods of a module, a layer or a model that change what it holds: each is followed or refused, never ignored.
_CHANGING = frozenset({"add_module", "register_module", "register_buffer", "register_parameter", "__setattr__",
                       "__delattr__", "__setitem__", "__delitem__", "insert", "extend", "append", "pop", "add",
                       "set_submodule", "register_forward_hook", "register_forward_pre_hook", "apply"})
#: Methods of lists and dicts that change them in place, followed as Python runs them.
_LIST_CHANGES = frozenset({"pop", "remove", "clear", "reverse"})
_DICT_CHANGES = frozenset({"pop", "popitem", "clear", "setdefault", "update"})
#: Methods of a list, a dict or a string that only read it.
_READERS = {list: frozenset({"index", "count", "copy"}), dict: frozenset({"copy"}),
            str: frozenset({"join", "upper", "lower", "startswith", "endswith", "strip", "split", "replace",
                            "isdigit", "title"})}


class Containers(Imports):
    """Modules registered and looked up by name, and the built-ins that ask about attributes and types."""

    def module_method(self, owner: Any, name: str, node: ast.AST) -> Any:
        """A method of nn.Module's that registers or looks up a sub-module, on a module of the file's own classes;
        _MISSING for any other name."""
        if name in ("add_module", "register_module", "__setattr__"):
            return Builtin(functools.partial(self._register, owner, name, node), name)
        if name == "__getattr__":
            return Builtin(functools.partial(self.attribute, owner, node=node), name)
        if name == "__delattr__":
            return Builtin(functools.partial(self._unregister, owner, node), name)
        if name in _CHANGING and name not in ("apply",):
            return Builtin(functools.partial(self._refuse_change, name, node), name)
        return _MISSING

    def _register(self, owner: Any, method: str, node: ast.AST, name: Any, module: Any) -> None:
        if not isinstance(name, str):
            raise self.error(node, f"{method}'s name is {_named(name)}, not a string")
        self.set_attribute(owner, name, module, node)

    def _unregister(self, owner: Any, node: ast.AST, name: Any) -> None:
        if isinstance(owner, Instance) and isinstance(name, str):
            owner.attributes.pop(name, None)
            return
        self._refuse_change("__delattr__", node)

    def _refuse_change(self, method: str, node: ast.AST, *args: Any, **kwargs: Any) -> None:
        raise self.error(node, f"cnncalc cannot follow .{method}() on a module or a model",
                         "build the model with its final layers in __init__, or write it as a spec")

    def sequential_method(self, owner: Sequential, name: str, node: ast.AST) -> Any:
        """nn.Sequential's methods that change it (add_module, append, extend, insert), followed; others that
        would change it refused; _MISSING for the rest."""
        if owner.framework == "torch" and name in ("add_module", "register_module"):
            return Builtin(functools.partial(self._add_to_sequential, owner, name, node), name)
        if owner.framework == "torch" and name in ("extend", "insert"):
            return Builtin(functools.partial(self.grow, owner.layers, name, name, node), name)
        if name in _CHANGING and name not in ("add", "append"):
            return Builtin(functools.partial(self._refuse_change, name, node), name)
        return _MISSING

    def _add_to_sequential(self, owner: Sequential, method: str, node: ast.AST, name: Any, module: Any) -> None:
        """nn.Sequential.add_module: the module appended under its name, or put in place of the one of that name."""
        if not isinstance(name, str):
            raise self.error(node, f"{method}'s name is {_named(name)}, not a string")
        names = owner.names if len(owner.names) == len(owner.layers) else [str(i) for i in range(len(owner.layers))]
        if name in names:
            owner.layers[names.index(name)] = module
        else:
            if len(owner.layers) >= MAX_LENGTH:
                raise self.error(node, f"a Sequential of more than {MAX_LENGTH:,} layers")
            owner.layers.append(module)
            names.append(name)
        owner.names = names

    def plain_method(self, owner: Any, name: str, node: ast.AST) -> Any:
        """A list's or dict's method that changes it (followed as Python runs it), or a list's, dict's or string's
        method that reads it; _MISSING for the rest."""
        if (isinstance(owner, list) and name in _LIST_CHANGES) or (isinstance(owner, dict) and name in _DICT_CHANGES):
            return Builtin(functools.partial(self._change_plain, owner, name, node), name)
        for kind, names in _READERS.items():
            if isinstance(owner, kind) and name in names:
                return Builtin(functools.partial(self._read_plain, owner, name, node), name)
        if isinstance(owner, (list, dict, set)) and not name.startswith("__"):
            return Builtin(functools.partial(self._refuse_plain, owner, name, node), name)
        return _MISSING

    def _change_plain(self, owner: Any, name: str, node: ast.AST, *args: Any) -> Any:
        for value in args:
            self.touch(value, node)
        if name == "update":
            if len(args) != 1 or not isinstance(args[0], dict):
                raise self.error(node, "dict.update() is followed with one dict")
            if len(owner) + len(args[0]) > MAX_LENGTH:
                raise self.error(node, f"a dict of more than {MAX_LENGTH:,} items")
        self.charge(len(owner) if name in ("remove", "reverse") else 1, node)
        return getattr(owner, name)(*args)  # [].pop() fails here, as when the code runs

    def _read_plain(self, owner: Any, name: str, node: ast.AST, *args: Any) -> Any:
        if not all(_is_plain(value) for value in args):
            return Unknown(f"{name}() on values only known when the code runs", node)
        self.touch(owner, node)
        for value in args:
            self.touch(value, node)
        if _made_length(owner, name, args) > MAX_LENGTH:  # 'a' * 30000 replacing each 'a' by 20,000 characters
            raise self.error(node, f"a string of more than {MAX_LENGTH:,} characters")
        return getattr(owner, name)(*args)

    def _refuse_plain(self, owner: Any, name: str, node: ast.AST, *args: Any, **kwargs: Any) -> None:
        raise self.error(node, f"cnncalc does not follow {type(owner).__name__}.{name}()",
                         "build the list or dict with append, extend, insert or item assignment")

    def set_data_format(self, name: str, node: ast.AST, value: Any = None) -> None:
        """keras.backend.set_image_data_format: cnncalc reads Keras code channels-last only."""
        if value != ("channels_last" if name == "set_image_data_format" else "tf"):
            raise self.error(node, f"a Keras data format other than channels-last ({name}({_named(value)}))",
                             "cnncalc reads Keras code channels-last, Keras' default: leave the data format as it is")

    def own_parameter(self, name: str, node: ast.AST, *args: Any, **kwargs: Any) -> OwnParameter:
        """nn.Parameter(…): weights of a module's own, read as a layer scale (.own_weights) or refused here."""
        return own_parameter(self, name, node, *args, **kwargs)  # type: ignore[arg-type]

    # ---- the built-ins that ask about attributes and types ------------------------------------------------

    def reflective(self, name: str, node: ast.AST) -> Builtin:
        """getattr, setattr, hasattr and isinstance, which need to see the code's own objects."""
        call = {"getattr": self._getattr, "setattr": self._setattr, "hasattr": self._hasattr,
                "isinstance": self._isinstance}[name]
        return Builtin(functools.partial(call, node), name)

    def _getattr(self, node: ast.AST, owner: Any, name: Any, *default: Any) -> Any:
        if not isinstance(name, str):
            return Unknown("getattr of a name only known when the code runs", node) if isinstance(name, Unknown) \
                else self._bad_name("getattr", name, node)
        if default and isinstance(owner, (Instance, UserClass)) and self._has(owner, name) is False:
            return default[0]
        return self.attribute(owner, name, node)

    def _setattr(self, node: ast.AST, owner: Any, name: Any, value: Any) -> None:
        if not isinstance(name, str):
            self._bad_name("setattr", name, node)
        self.set_attribute(owner, name, value, node)

    def _hasattr(self, node: ast.AST, owner: Any, name: Any) -> Any:
        if not isinstance(name, str):
            return self._bad_name("hasattr", name, node)
        found = self._has(owner, name)
        return Unknown(f"hasattr(…, {name[:40]!r}), which only the running code knows", node) if found is None \
            else found

    def _has(self, owner: Any, name: str) -> bool | None:
        """Whether a module or an object of the file's own classes has an attribute; None when only the running
        code knows (a layer's, a tensor's)."""
        if isinstance(owner, Instance):
            if name in owner.attributes or owner.cls.lookup(name) is not _MISSING:
                return True
            if _inherited_init(owner.cls):  # an __init__ of a base class may set it, through super().__init__()
                return None
            return True if owner.cls.is_module and name in _MODULE_ATTRIBUTES else \
                None if name.startswith("__") else False
        if isinstance(owner, UserClass):
            return True if owner.lookup(name) is not _MISSING else None if name.startswith("__") else False
        if _is_plain(owner) and not isinstance(owner, (list, dict, set)):
            return hasattr(owner, name)
        return None

    def _bad_name(self, function: str, name: Any, node: ast.AST) -> Any:
        raise self.error(node, f"{function}'s attribute name is {_named(name)}, not a string")

    def _isinstance(self, node: ast.AST, value: Any, classes: Any) -> Any:
        kinds = classes if isinstance(classes, tuple) else (classes,)
        answers = [self._is(value, kind) for kind in kinds]
        if True in answers:
            return True
        if all(answer is False for answer in answers):
            return False
        return Unknown("isinstance on a value only known when the code runs", node)

    def _is(self, value: Any, kind: Any) -> bool | None:  # noqa: PLR0911 - one answer per kind of class
        """isinstance(value, kind) for one class, or None when only the running code knows."""
        if isinstance(value, (Unknown, Namespace)):
            return None
        if isinstance(value, ConstTensor):  # a tensor of constants is a torch.Tensor, and no int, list or float
            return True if isinstance(kind, Namespace) and kind.path == "torch.Tensor" else \
                False if isinstance(kind, type) and kind in _SAFE_TYPES else None
        if isinstance(kind, type) and kind in _SAFE_TYPES:
            if _is_plain(value) and not isinstance(value, (list, dict)):
                return isinstance(value, kind)  # a list or dict may be an nn.ModuleList or nn.ModuleDict
            return False if isinstance(value, (Layer, Sequential, Instance, Tensor, KerasModel)) or \
                (kind not in (list, dict) and isinstance(value, (list, dict))) else None
        if isinstance(kind, UserClass):
            if isinstance(value, Instance):
                return _inherits(value.cls, kind)
            return False if _is_plain(value) or isinstance(value, (Layer, Sequential, Tensor)) else None
        if isinstance(kind, Namespace) and kind.path == "torch.Tensor":  # DenseNet's isinstance(input, Tensor)
            return True if isinstance(value, Tensor) else False if _is_plain(value) or \
                isinstance(value, (Layer, Sequential, Instance, KerasModel)) else None
        if isinstance(kind, FrameworkClass) and isinstance(value, Layer) and kind.framework == value.framework:
            if kind.name in (value.name, "Module"):
                return True
            return False if value.framework == "torch" else None  # Keras' aliases (Conv2D, Convolution2D) are one
        return None


def _made_length(owner: Any, name: str, args: tuple[Any, ...]) -> int:
    """The most characters a string method can make (join and replace can make far more than they are given)."""
    if not isinstance(owner, str):
        return 0
    if name == "join" and args and isinstance(args[0], (list, tuple)):
        return sum(len(item) if isinstance(item, str) else 0 for item in args[0]) + len(owner) * len(args[0])
    if name == "replace" and len(args) >= 2 and isinstance(args[1], str):
        return (len(owner) + 1) * max(len(args[1]), 1)
    return 3 * len(owner)  # upper() may make up to three characters of one


def _inherited_init(cls: UserClass) -> bool:
    """Whether a base class of the file's own, under the class whose __init__ makes the object, has an __init__ too
    (which super().__init__() would run)."""
    runs = cls
    while "__init__" not in runs.attributes:
        parents = [base for base in runs.bases if isinstance(base, UserClass)]
        if not parents:
            return False
        runs = parents[0]
    stack = [base for base in runs.bases if isinstance(base, UserClass)]
    while stack:
        base = stack.pop()
        if "__init__" in base.attributes:
            return True
        stack += [parent for parent in base.bases if isinstance(parent, UserClass)]
    return False


def _inherits(cls: UserClass, base: UserClass) -> bool | None:
    if cls is base:
        return True
    answers = [_inherits(parent, base) if isinstance(parent, UserClass) else False for parent in cls.bases]
    return True if True in answers else False if all(a is False for a in answers) else None


def _named(value: Any) -> str:
    return "a value only known when the code runs" if isinstance(value, Unknown) else f"a {type(value).__name__}"
