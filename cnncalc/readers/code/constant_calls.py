"""torch's functions and a tensor's methods on tensors of constants (.constant_tensors): ``torch.tensor``,
``torch.arange``, the element-wise arithmetic, roundings and float functions, ``torch.diff``, and ``.int()``,
``.tolist()``, ``.item()``. Anything else of torch's on them is only known when the code runs, as before."""

from __future__ import annotations

import ast
import functools
from typing import TYPE_CHECKING, Any

from .constant_tensors import NOT_CONSTANT, ConstTensor, converted, counted, elementwise, indexed, python_values
from .float32 import DTYPE_NAMES, cast
from .values import Builtin, Namespace, Unknown

if TYPE_CHECKING:
    from .core import Core

#: torch's element-wise functions of one tensor, as .constant_tensors names them.
_UNARY = {"round": "round", "floor": "floor", "ceil": "ceil", "trunc": "trunc", "abs": "abs", "neg": "neg",
          "negative": "neg", "log": "log", "log2": "log2", "exp": "exp", "sqrt": "sqrt"}
#: torch's element-wise functions of two, with their aliases.
_BINARY = {"add": "add", "sub": "sub", "subtract": "sub", "mul": "mul", "multiply": "mul", "div": "div",
           "divide": "div", "true_divide": "div", "floor_divide": "floordiv", "remainder": "mod", "pow": "pow"}
#: The keywords that change nothing of a tensor's values.
_PLACEMENT = frozenset({"device", "requires_grad", "pin_memory"})
#: A tensor's methods that convert it to another dtype.
_CONVERSIONS = {"int": "int32", "long": "int64", "float": "float32", "double": "float64"}


class _UnfollowedError(Exception):
    """An argument cnncalc does not follow (a dtype it does not model, a keyword that changes the result)."""


def _dtype(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Namespace) and value.path.startswith("torch.") and value.path[6:] in DTYPE_NAMES:
        return DTYPE_NAMES[value.path[6:]]
    raise _UnfollowedError


def constant_function(reader: Core, name: str, args: list[Any] | tuple[Any, ...], kwargs: dict[str, Any],
                      node: ast.AST) -> Any:
    """``torch.name(*args, **kwargs)`` on constants: a tensor of constants, or NOT_CONSTANT when an argument is not
    one, or the function is not one cnncalc follows."""
    try:
        return _function(reader, name, list(args), dict(kwargs), node)
    except _UnfollowedError:
        return NOT_CONSTANT


def _function(reader: Core, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
    for keyword in _PLACEMENT & kwargs.keys():
        del kwargs[keyword]
    if name in ("tensor", "as_tensor"):
        return _tensor(reader, args, kwargs, node)
    if name == "arange":
        return _arange(reader, args, kwargs, node)
    if name in _UNARY and len(args) == 1 and isinstance(args[0], ConstTensor):
        if kwargs.pop("decimals", 0) != 0 or kwargs:
            raise _UnfollowedError
        return elementwise(reader, _UNARY[name], args, node)
    if name in _BINARY:
        operands = [*args, *(kwargs.pop(key) for key in ("other", "exponent") if key in kwargs)]
        word = _BINARY[name]
        mode = kwargs.pop("rounding_mode", None)
        if mode == "floor" and word == "div":
            word = "floordiv"
        if kwargs or len(operands) != 2 or mode not in (None, "floor"):
            raise _UnfollowedError
        return elementwise(reader, word, operands, node)
    if name == "diff" and len(args) == 1 and isinstance(args[0], ConstTensor):
        if kwargs.pop("n", 1) != 1 or kwargs.pop("dim", -1) not in (-1, 0) or \
                kwargs.pop("prepend", None) is not None or kwargs.pop("append", None) is not None or kwargs:
            raise _UnfollowedError
        tensor = args[0]
        if not tensor.dim:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        return elementwise(reader, "sub", [indexed(tensor, slice(1, None)), indexed(tensor, slice(None, -1))],
                           node)
    return NOT_CONSTANT


def _tensor(reader: Core, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
    """``torch.tensor(data)``: a number (a 0-d tensor) or a flat list of numbers, its dtype torch's guess (bool,
    int64, or the default float32) unless ``dtype=`` says."""
    data = args[0] if len(args) == 1 else kwargs.pop("data", NOT_CONSTANT)
    dtype = _dtype(kwargs.pop("dtype", None))
    if kwargs or data is NOT_CONSTANT:
        raise _UnfollowedError
    if isinstance(data, ConstTensor):
        return converted(reader, data, dtype, node) if dtype else data
    flat = isinstance(data, (list, tuple))
    items = list(data) if flat else [data]
    counted(reader, len(items), "a tensor", node)
    if not all(isinstance(item, (int, float)) for item in items):
        raise _UnfollowedError  # nested lists, tensors, strings: not a flat tensor of numbers
    guessed = "bool" if items and all(isinstance(item, bool) for item in items) else \
        "float32" if any(isinstance(item, float) for item in items) or not items else "int64"
    try:
        values = tuple(cast(item, dtype or guessed) for item in items)
    except OverflowError:
        raise reader.error(node, f"a number that {dtype or guessed} cannot hold",
                           "cnncalc does not follow numbers that overflow") from None
    return ConstTensor(values, dtype or guessed, flat)


def _arange(reader: Core, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
    """``torch.arange(end)``, ``(start, end)`` and ``(start, end, step)`` of whole numbers: int64 unless ``dtype=``
    says (one of floats is computed in a way cnncalc does not follow)."""
    dtype = _dtype(kwargs.pop("dtype", None))
    bounds = [*args, *(kwargs.pop(key) for key in ("start", "end", "step") if key in kwargs)]
    if kwargs or not 1 <= len(bounds) <= 3 or \
            not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
        raise _UnfollowedError
    start, end, step = (0, bounds[0], 1) if len(bounds) == 1 else (*bounds, 1)[:3]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    counted(reader, -((start - end) // step), "torch.arange", node)  # its length, as PyTorch's ceil computes it
    numbers = range(start, end, step)
    return converted(reader, ConstTensor(tuple(numbers), "int64"), dtype, node) if dtype else \
        ConstTensor(tuple(numbers), "int64")


def constant_attribute(reader: Core, tensor: ConstTensor, name: str, node: ast.AST) -> Any:
    """A method of a tensor of constants, as a callable; one cnncalc does not follow is unknown, as before."""
    if name in _UNARY or name in _BINARY or name == "diff" or name in _CONVERSIONS or \
            name in ("to", "tolist", "item", "numel", "dim"):
        return Builtin(functools.partial(_method, reader, tensor, name, node), name)
    return Unknown(f"the attribute '{name}' of a tensor", node)


def _method(reader: Core, tensor: ConstTensor, name: str, node: ast.AST,  # noqa: PLR0911 - one per method
            *args: Any, **kwargs: Any) -> Any:
    if name in _CONVERSIONS and not args and not kwargs:
        return converted(reader, tensor, _CONVERSIONS[name], node)
    if name == "to":
        if any(isinstance(a, ConstTensor) for a in [*args, *kwargs.values()]):
            return Unknown("a conversion to another tensor's dtype", node)  # t.to(u): u's dtype
        try:
            dtype = _dtype(kwargs.get("dtype", next((a for a in args if isinstance(a, Namespace)), None)))
        except _UnfollowedError:
            return Unknown("a conversion to a dtype cnncalc does not follow", node)
        return converted(reader, tensor, dtype, node) if dtype else tensor
    if name == "tolist" and not args and not kwargs:
        return python_values(reader, tensor, node)
    if name == "item" and not args and not kwargs:
        if len(tensor.values) != 1:
            raise RuntimeError(f"a Tensor with {len(tensor.values)} elements cannot be converted to Scalar")
        return python_values(reader, ConstTensor(tensor.values, tensor.dtype, False, tensor.errors), node)
    if name == "numel" and not args and not kwargs:
        return len(tensor.values)
    if name == "dim" and not args and not kwargs:
        return int(tensor.dim)
    result = constant_function(reader, name, [tensor, *args], kwargs, node)
    return Unknown(f"the tensor method {name}()", node) if result is NOT_CONSTANT else result


def constant_item(tensor: ConstTensor, index: Any, node: ast.AST) -> Any:
    """``t[i]`` and ``t[a:b]`` of a tensor of constants; another index (a tensor, a tuple) is unknown."""
    item = indexed(tensor, index)
    return Unknown("an index of a tensor cnncalc does not follow", node) if item is NOT_CONSTANT else item
