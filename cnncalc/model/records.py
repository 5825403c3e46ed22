"""``@record``: frozen, typed value classes that cost microseconds to define.

cnncalc's data are small immutable records, the role ``@dataclass(frozen=True)`` plays in
the codebases we follow.  But ``dataclasses`` builds each class by ``exec``-ing generated
source, about 0.7 ms per class on this machine; with twenty records that alone is most of
the 30 % budget ``cnncalc summary`` has over importing click and rich.  ``record`` gives the
same behaviour (fields from annotations with class-level defaults, keyword or positional
construction, equality, hashing, a readable repr, immutability) from plain closures, and
``typing.dataclass_transform`` tells type checkers to treat it exactly like a frozen
dataclass.  A class's first few records are built by a generic ``__init__``; one built more often
gets a plain one compiled for its fields (as fast as a dataclass's), so a short run, which builds a
handful of each, compiles none.

>>> @record
... class Point:
...     x: int
...     y: int = 0
>>> Point(1), Point(1) == Point(x=1, y=0), hash(Point(1)) == hash(Point(1, 0))
(Point(x=1, y=0), True, True)
>>> Point(1).x = 2
Traceback (most recent call last):
...
AttributeError: Point is frozen: cannot assign to 'x'
"""

from __future__ import annotations

from typing import Any, TypeVar, dataclass_transform

__all__ = ["record", "replace"]

T = TypeVar("T")
_MISSING: Any = object()


def _fields(cls: type) -> list[tuple[str, Any]]:
    """(name, default) for every annotated field of the class and its bases, bases first."""
    fields: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        # The class's own annotations, read directly: inspect.get_annotations is several times slower,
        # and this runs for every base of every record when cnncalc starts.
        for name, annotation in klass.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            fields[name] = klass.__dict__.get(name, fields.get(name, _MISSING))
    return list(fields.items())


def _compile_init(cls: type, fields: list[tuple[str, Any]]) -> Any:
    """A plain ``__init__(self, a, b=default)`` for ``cls``, compiled once the class is built often (or is called
    with arguments that do not bind).

    This is what ``dataclasses`` does for every class at definition time; deferring it means
    a record costs nothing until it is built, and is then as fast to build as a dataclass.
    """
    defaults = {f"_default_{name}": default for name, default in fields if default is not _MISSING}
    parameters = ", ".join(name if default is _MISSING else f"{name}=_default_{name}" for name, default in fields)
    body = "".join(f"    _d[{name!r}] = {name}\n" for name, _ in fields) or "    pass\n"
    source = f"def __init__(self, {parameters}):\n    _d = self.__dict__\n{body}"
    namespace: dict[str, Any] = {}
    exec(source, defaults, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


#: How many records of a class the generic ``__init__`` builds before a plain one is compiled for it: compiling
#: costs about as much as building this many the generic way.
COMPILE_AFTER = 16


@dataclass_transform(eq_default=True, frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen record whose fields are its annotations (ClassVars excluded)."""
    fields = _fields(cls)
    names = tuple(name for name, _ in fields)
    position = {name: index for index, name in enumerate(names)}
    required = [(index, name) for index, (name, default) in enumerate(fields) if default is _MISSING]
    built = [0]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # The generic __init__: what the compiled one does for a call that binds, field by field in order; any
        # other call (and every call once the class is built often) goes to the compiled one, whose TypeError
        # is Python's own.
        given = len(args)
        built[0] += 1
        if built[0] > COMPILE_AFTER or given > len(names) or \
                any(position.get(name, -1) < given for name in kwargs) or \
                any(index >= given and name not in kwargs for index, name in required):
            compiled = _compile_init(cls, fields)
            cls.__init__ = compiled  # type: ignore[method-assign]
            compiled(self, *args, **kwargs)
            return
        values = self.__dict__
        for index, (name, default) in enumerate(fields):
            values[name] = args[index] if index < given else kwargs.get(name, default)

    def _values(self: Any) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in names)

    def __eq__(self: Any, other: object) -> bool:
        if other is self:
            return True
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(_values(self) == _values(other))

    def __hash__(self: Any) -> int:
        return hash((self.__class__, _values(self)))

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__name__}({inner})"

    def __setattr__(self: Any, name: str, value: Any) -> None:
        raise AttributeError(f"{self.__class__.__name__} is frozen: cannot assign to {name!r}")

    def __delattr__(self: Any, name: str) -> None:
        raise AttributeError(f"{self.__class__.__name__} is frozen: cannot delete {name!r}")

    for method in (__init__, __eq__, __hash__, __repr__, __setattr__, __delattr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    cls.__match_args__ = names  # type: ignore[attr-defined, misc]
    cls.__record_fields__ = names  # type: ignore[attr-defined]
    return cls


def replace(instance: T, **changes: Any) -> T:
    """A copy of a record with some fields changed, as ``dataclasses.replace``.

    >>> @record
    ... class Point:
    ...     x: int
    ...     y: int = 0
    >>> replace(Point(1, 2), y=5)
    Point(x=1, y=5)
    """
    names = instance.__record_fields__  # type: ignore[attr-defined]
    values = instance.__dict__  # every field, as __init__ stored it (and nothing else, when as many)
    fields = dict(values) if len(values) == len(names) else {name: values[name] for name in names}
    for name, value in changes.items():
        if name in fields:
            fields[name] = value
    return type(instance)(**fields)
