"""Tensors model code computes from constants alone, as torchvision's RegNet computes its stage widths
(``torch.arange(depth) * w_a + w_0``, ``torch.round``, ``torch.log``, ``.int().tolist()``): small values of one
dimension or none, each element as PyTorch holds it (float32 rounded as the hardware rounds, torch's type promotion).
An operation on a tensor the model computes at run time is not one of these: it stays a layer, or is refused."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .float32 import (
    FUNCTION_ULPS,
    c_pow,
    cast,
    exact_in_pytorch,
    ieee,
    is_float,
    is_int,
    result_dtype,
    round_half_even,
    scalar_dtype,
    settled,
    spread,
    ulp,
    whole,
)
from .limits import MAX_LENGTH, _count

if TYPE_CHECKING:
    from .core import Core


class ConstTensor:
    """A tensor of constants: its elements, its dtype, whether it has a dimension (a 0-d tensor has none), and for
    each element how far PyTorch's own value may lie from it (0 but after PyTorch's log, exp, sqrt or pow, whose
    last bit differs between machines)."""

    __slots__ = ("dim", "dtype", "errors", "values")

    def __init__(self, values: tuple[Any, ...], dtype: str, dim: bool = True,
                 errors: tuple[float, ...] | None = None) -> None:
        self.values, self.dtype, self.dim = values, dtype, dim
        self.errors = errors if errors and any(errors) else None

    def error(self, index: int) -> float:
        return self.errors[index] if self.errors else 0.0

    def __len__(self) -> int:
        if not self.dim:
            raise TypeError("len() of a 0-d tensor")
        return len(self.values)

    def __iter__(self) -> Iterator[ConstTensor]:  # for w in t: 0-d tensors, as PyTorch iterates
        if not self.dim:
            raise TypeError("iteration over a 0-d tensor")
        for index, value in enumerate(self.values):
            yield ConstTensor((value,), self.dtype, False, (self.error(index),))

    def __bool__(self) -> bool:
        if len(self.values) != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        if self.error(0) and self.error(0) >= abs(self.values[0]):
            raise RuntimeError("whether this float is 0 depends on the last bit of PyTorch's log, exp, sqrt or "
                               "pow, which differs between machines")
        return bool(self.values[0])


#: Python's operators on these tensors, as the operations below name them.
OPERATOR_WORDS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.FloorDiv: "floordiv",
                  ast.Mod: "mod", ast.Pow: "pow", ast.USub: "neg"}
#: What a function of torch's gives when it is not one of these tensors' (an argument only known at run time).
NOT_CONSTANT: Any = object()


#: Exact in PyTorch (correctly rounded): + - * / and the roundings.
_EXACT: dict[str, Callable[..., float]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": ieee(operator.truediv),
    "neg": operator.neg, "abs": abs, "round": round_half_even, "floor": whole(math.floor),
    "ceil": whole(math.ceil), "trunc": whole(math.trunc)}
#: Within an ulp in PyTorch (SLEEF's and the vector units' functions).
_APPROXIMATE: dict[str, Callable[..., float]] = {
    "log": ieee(math.log), "log2": ieee(math.log2), "exp": ieee(math.exp), "sqrt": ieee(math.sqrt),
    "pow": c_pow}
_INTEGER: dict[str, Callable[..., int]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "neg": operator.neg, "abs": abs,
    "floordiv": operator.floordiv, "mod": operator.mod, "round": lambda v: v, "floor": lambda v: v,
    "ceil": lambda v: v, "trunc": lambda v: v}
#: The roundings, whose result may not depend on the last bit of a value PyTorch computes within an ulp.
_ROUNDINGS = {"round": round, "floor": math.floor, "ceil": math.ceil, "trunc": math.trunc}
#: Operations that make a float of integers (torch's true division and its float functions).
_TO_FLOAT = frozenset({"div", *_APPROXIMATE})


def is_constant(value: Any) -> bool:
    return isinstance(value, ConstTensor) or (isinstance(value, (int, float)) and not isinstance(value, complex))


class _Aligned:
    """Operands broadcast together: the dtype torch computes in, whether the result has a dimension, its length."""

    def __init__(self, operands: list[Any]) -> None:
        tensors = [o for o in operands if isinstance(o, ConstTensor)]
        lengths = {len(t.values) for t in tensors if t.dim} - {1}
        if len(lengths) > 1:
            raise RuntimeError(f"the sizes of the tensors must match ({' and '.join(map(str, sorted(lengths)))})")
        self.operands = operands
        self.dim = any(t.dim for t in tensors)
        self.count = lengths.pop() if lengths else min((len(t.values) for t in tensors if t.dim), default=1)
        self.dtype = result_dtype([t.dtype for t in tensors if t.dim], [t.dtype for t in tensors if not t.dim],
                                  [scalar_dtype(o) for o in operands if not isinstance(o, ConstTensor)])

    def at(self, reader: Core, index: int, dtype: str, node: ast.AST) -> tuple[list[Any], list[float]]:
        """The operands' elements at ``index``, as ``dtype``, and how far PyTorch's may lie from each."""
        try:
            return self._at(index, dtype)
        except OverflowError:  # an int32 tensor times 2 ** 40
            raise reader.error(node, f"a number past {dtype}, which PyTorch wraps round or refuses",
                               "cnncalc does not follow integers that overflow") from None

    def _at(self, index: int, dtype: str) -> tuple[list[Any], list[float]]:
        args, spreads = [], []
        for operand in self.operands:
            if isinstance(operand, ConstTensor):
                at = index if len(operand.values) > 1 else 0
                args.append(cast(operand.values[at], dtype))
                spreads.append(operand.error(at))
            else:
                args.append(cast(operand, dtype))
                spreads.append(0.0)
        return args, spreads


def _aligned(operands: list[Any]) -> _Aligned | None:
    if not any(isinstance(o, ConstTensor) for o in operands) or not all(is_constant(o) for o in operands):
        return None
    return _Aligned(operands)


def elementwise(reader: Core, name: str, operands: list[Any], node: ast.AST) -> Any:
    """torch's ``name`` element by element over constant tensors and Python numbers, broadcast as torch broadcasts
    one dimension; NOT_CONSTANT for an operand that is not a constant, or an operation cnncalc does not follow."""
    aligned = _aligned(operands)
    if aligned is None:
        return NOT_CONSTANT
    dtype = aligned.dtype
    if name == "pow" and is_int(dtype):
        if _negative_exponent(operands):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        name = "ipow"
    elif name in _TO_FLOAT and not is_float(dtype):
        dtype = "float32"
    if dtype == "bool" or (is_int(dtype) and name not in _INTEGER and name != "ipow") or \
            (is_float(dtype) and name not in _EXACT and name not in _APPROXIMATE):
        return NOT_CONSTANT  # bool arithmetic, a float // or %, an integer to a negative power
    reader.charge(aligned.count * len(operands), node)
    values, errors = [], []
    for index in range(aligned.count):
        value, error = _element(reader, name, dtype, *aligned.at(reader, index, dtype, node), node)
        values.append(value)
        errors.append(error)
    return ConstTensor(tuple(values), dtype, aligned.dim, tuple(errors))


def _negative_exponent(operands: list[Any]) -> bool:
    exponent = operands[1]
    values = exponent.values if isinstance(exponent, ConstTensor) else (exponent,)
    return any(value < 0 for value in values)


def _element(reader: Core, name: str, dtype: str, args: list[Any], spreads: list[float],
             node: ast.AST) -> tuple[Any, float]:
    """One element of an operation: its value in ``dtype``, and how far PyTorch's may lie from it."""
    if is_int(dtype):
        if name == "ipow" and abs(args[0]) > 1 and args[1] > 64:
            raise reader.error(node, f"an integer power past {dtype}, which PyTorch wraps round",
                               "cnncalc does not follow integers that overflow")
        value = args[0] ** args[1] if name == "ipow" else _INTEGER[name](*args)
        try:
            return cast(value, dtype), 0.0
        except OverflowError:
            raise reader.error(node, f"a number past {dtype}, which PyTorch wraps round",
                               "cnncalc does not follow integers that overflow") from None
    if name in _ROUNDINGS:
        if not settled(_ROUNDINGS[name], args[0], spreads[0]):
            raise _unsettled(reader, node, f"torch.{name}")
        return cast(_EXACT[name](args[0]), dtype), 0.0
    function = _EXACT.get(name) or _APPROXIMATE[name]
    exact = function(*args)
    value = cast(exact, dtype)
    error = spread(function, args, spreads, exact)
    if name in _APPROXIMATE and not all(math.isfinite(v) for v in (*args, exact)):
        return value, math.inf  # PyTorch's functions at an infinity or a NaN are their own (pow(-inf, 0.5) is NaN)
    if not error and name in _APPROXIMATE and exact_in_pytorch(name, args, dtype):
        return value, 0.0
    if error or name in _APPROXIMATE:
        error += ulp(abs(value) + error, dtype) * (1 + (FUNCTION_ULPS if name in _APPROXIMATE else 0))
    return value, error


def _unsettled(reader: Core, node: ast.AST, what: str) -> Exception:
    return reader.error(node, f"{what} here lands within an ulp of a rounding boundary, on a value from PyTorch's "
                        "log, exp, sqrt or pow, whose last bit differs between machines",
                        "cnncalc cannot tell which way PyTorch rounds it: compute it with Python's math, or write "
                        "the widths out")


def converted(reader: Core, tensor: ConstTensor, dtype: str, node: ast.AST) -> ConstTensor:
    """``.int()``, ``.long()``, ``.float()``, ``.double()``, ``.to(dtype)``: each element as the new dtype gives it
    (a float to an integer drops its fraction; an integer past int32 is refused, which PyTorch wraps)."""
    reader.charge(len(tensor.values), node)
    values, errors = [], []
    for index, value in enumerate(tensor.values):
        error = tensor.error(index)
        if is_int(dtype) and error and math.isfinite(value) and not settled(math.trunc, value, error):
            raise _unsettled(reader, node, f"the conversion to {dtype}")
        try:
            values.append(cast(value, dtype))
        except OverflowError:
            raise reader.error(node, f"a value ({value}) that {dtype} cannot hold, which PyTorch wraps round "
                               "or leaves undefined", "cnncalc does not follow numbers that overflow") from None
        errors.append(0.0 if not is_float(dtype) or not error else error + ulp(abs(values[-1]) + error, dtype))
    return ConstTensor(tuple(values), dtype, tensor.dim, tuple(errors))


def python_values(reader: Core, tensor: ConstTensor, node: ast.AST) -> Any:
    """``.tolist()``: the elements as Python numbers (a 0-d tensor's one number); refused for floats whose last bit
    PyTorch's functions decide."""
    if tensor.errors:
        raise reader.error(node, "these floats come from PyTorch's log, exp, sqrt or pow, whose last bit differs "
                           "between machines: cnncalc cannot give their exact values",
                           "round them first (torch.round, .int()), as torchvision's RegNet does")
    reader.charge(len(tensor.values), node)
    return list(tensor.values) if tensor.dim else tensor.values[0]


def compared(reader: Core, op: ast.cmpop, left: Any, right: Any, node: ast.AST) -> Any:
    """``t == 3``, ``t < u``: a bool tensor, each element compared in the dtype torch promotes both to (a float
    PyTorch computes within an ulp of the other side is refused)."""
    compare = _COMPARISONS.get(type(op))
    aligned = _aligned([left, right])
    if compare is None or aligned is None:
        return NOT_CONSTANT
    reader.charge(aligned.count * 2, node)
    results = []
    for index in range(aligned.count):
        (a, b), (error_a, error_b) = aligned.at(reader, index, aligned.dtype, node)
        error = error_a + error_b
        if error and (not math.isfinite(error) or compare(a - error_a, b + error_b) != compare(a + error_a, b - error_b)
                      or (compare in (operator.eq, operator.ne) and abs(a - b) <= error)):
            raise _unsettled(reader, node, "this comparison")
        results.append(compare(a, b))
    return ConstTensor(tuple(results), "bool", aligned.dim)


_COMPARISONS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge}


def indexed(tensor: ConstTensor, index: Any) -> Any:
    """``t[i]`` (a 0-d tensor) and ``t[a:b]``: items of a tensor of one dimension."""
    if not tensor.dim:
        raise IndexError("invalid index of a 0-dim tensor")
    if isinstance(index, slice):
        if index.step is not None and index.step <= 0:
            raise ValueError("step must be greater than zero")
        picked = range(len(tensor.values))[index]
        return ConstTensor(tuple(tensor.values[i] for i in picked), tensor.dtype, True,
                           tuple(tensor.error(i) for i in picked))
    if isinstance(index, int) and not isinstance(index, bool):
        position = range(len(tensor.values))[index]  # out of range: IndexError, as PyTorch raises
        return ConstTensor((tensor.values[position],), tensor.dtype, False, (tensor.error(position),))
    return NOT_CONSTANT


def counted(reader: Core, count: int, what: str, node: ast.AST) -> None:
    """A tensor's size bounded as the reader bounds any sequence, and its work charged."""
    if count > MAX_LENGTH:
        raise reader.error(node, f"{what} of {_count(count)} elements, over the {MAX_LENGTH:,} cnncalc follows",
                           "a model definition computes its sizes from far fewer")
    reader.charge(count, node)
