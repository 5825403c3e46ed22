"""Plain classes that hold a model's configuration (torchvision's MBConvConfig): a ``@dataclass``'s ``__init__``,
made as Python's dataclasses make it, and ``copy.copy`` of such an object."""

from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING, Any

from .limits import MAX_DEPTH
from .values import Builtin, Function, Instance, Unknown, UserClass

if TYPE_CHECKING:
    from .statements import Statements


class _Dataclass:
    """``dataclasses.dataclass``, as a class's decorator (``@dataclass`` or ``@dataclass(…)``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self  # @dataclass(eq=False): the decorator itself, with the options a count does not depend on


DATACLASS = _Dataclass()


def _copy(value: Any, /) -> Any:
    """copy.copy: an object of a plain class (not a module: a copy of one would share its weights) gets its own
    attributes, which hold the same values, as Python copies it."""
    if isinstance(value, Instance):
        if value.cls.is_module:
            return Unknown("a copy of a module, whose weights the copy shares")
        twin = Instance(value.cls)
        twin.attributes = dict(value.attributes)
        return twin
    if isinstance(value, (list, dict, set, tuple, int, float, str, bool, type(None))):
        return copy.copy(value)
    return Unknown("a copy of something cnncalc does not copy")


def _deep_copy(value: Any, depth: int = 0) -> Any:
    """copy.deepcopy of a config (keras.applications' EfficientNet copies its list of block dicts): numbers,
    strings and containers of them, copied; anything else is refused (a layer or a tensor is no config)."""
    if depth > MAX_DEPTH:
        raise TypeError(f"cnncalc copies containers nested at most {MAX_DEPTH} deep")
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, range)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_deep_copy(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return {_deep_copy(key, depth + 1): _deep_copy(item, depth + 1) for key, item in value.items()}
    raise TypeError("cnncalc copies only numbers, strings and lists, tuples, sets and dicts of them")


PYTHON_MODULES: dict[str, dict[str, Any]] = {
    "dataclasses": {"dataclass": DATACLASS},
    "copy": {"copy": Builtin(_copy, "copy"), "deepcopy": Builtin(_deep_copy, "deepcopy")},
}


def is_dataclass(interpreter: Statements, s: ast.ClassDef, env: Any) -> bool:
    """Whether a class statement is decorated with dataclasses' ``dataclass`` (a decorator named otherwise is not
    evaluated: a class's other decorators change no count cnncalc reads)."""
    for decorator in s.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
        if name == "dataclass" and interpreter.eval(decorator, env) is DATACLASS:
            return True
    return False


def _fields(cls: UserClass) -> list[ast.AnnAssign]:
    """The fields of a dataclass in the order its __init__ takes them: its bases' first, a redefined one in its
    first place, as dataclasses orders them; a ClassVar is not a field."""
    fields: dict[str, ast.AnnAssign] = {}
    for base in reversed(cls.bases):
        if isinstance(base, UserClass) and getattr(base, "dataclass", False):
            fields.update((field.target.id, field) for field in _fields(base))  # type: ignore[union-attr]
    for statement in cls.node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and \
                "ClassVar" not in ast.unparse(statement.annotation):
            fields[statement.target.id] = statement
    return list(fields.values())


def make_dataclass(interpreter: Statements, cls: UserClass, s: ast.ClassDef) -> None:
    """Give a ``@dataclass`` class the ``__init__`` dataclasses writes for it (unless it defines its own):
    ``def __init__(self, a, b=default): self.a = a; self.b = b``, then ``self.__post_init__()`` if it has one.
    A field made by ``field(…)`` is refused where it is written."""
    cls.dataclass = True  # type: ignore[attr-defined]
    if "__init__" in cls.attributes:
        return
    fields = _fields(cls)
    for field in fields:
        value = field.value
        if isinstance(value, ast.Call) and ast.unparse(value.func).split(".")[-1] == "field":
            raise interpreter.error(value, "cnncalc does not follow dataclasses' field()",
                                    "give the field a plain default, or write the model as a spec")
    defaults = [field.value for field in fields if field.value is not None]
    body: list[ast.stmt] = [ast.Assign([ast.Attribute(ast.Name("self", ast.Load()), field.target.id,  # type: ignore[union-attr]
                                                      ast.Store())], ast.Name(field.target.id, ast.Load()))  # type: ignore[union-attr]
                            for field in fields]
    if isinstance(cls.lookup("__post_init__"), Function):
        body.append(ast.Expr(ast.Call(ast.Attribute(ast.Name("self", ast.Load()), "__post_init__", ast.Load()),
                                      [], [])))
    arguments = ast.arguments(posonlyargs=[], args=[ast.arg("self"), *(ast.arg(field.target.id)  # type: ignore[union-attr]
                                                                    for field in fields)],
                              kwonlyargs=[], kw_defaults=[], defaults=defaults)
    init = ast.FunctionDef(name="__init__", args=arguments, body=body or [ast.Pass()], decorator_list=[])
    for node in ast.walk(init):  # errors inside it point at the class statement, in its file
        if isinstance(node, (ast.stmt, ast.expr, ast.arg)) and not hasattr(node, "lineno"):
            ast.copy_location(node, s)
            node.cnncalc_shift = interpreter.line_of(s) - s.lineno  # type: ignore[attr-defined]
            if hasattr(s, "cnncalc_source"):
                node.cnncalc_source = s.cnncalc_source  # type: ignore[attr-defined]
    cls.attributes["__init__"] = Function(init, cls.env, cls)
