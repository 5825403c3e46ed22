"""PyTorch's number types as a constant tensor of model code holds them: each dtype's rounding (float32 emulated with
``struct``, as the hardware rounds), the dtype an operation gives (torch's type promotion), and how far PyTorch's own
result may lie from cnncalc's where PyTorch does not round correctly (its log, exp, sqrt and pow are within an ulp),
and Python's float functions as C's IEEE arithmetic gives them (an infinity or a NaN where Python raises)."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from typing import Any

#: The dtypes followed, in torch's promotion order: the promotion of two is the later one.
DTYPES = ("bool", "int32", "int64", "float32", "float64")
#: torch's names for them (torch.float is float32, torch.long int64).
DTYPE_NAMES = {"bool": "bool", "int32": "int32", "int": "int32", "int64": "int64", "long": "int64",
               "float32": "float32", "float": "float32", "float64": "float64", "double": "float64"}
_RANGE = {"int32": 2 ** 31, "int64": 2 ** 63}
_PACK = struct.Struct("f")
#: What a PyTorch float function (log, exp, sqrt, pow) may differ from the correctly rounded result, in ulps: SLEEF's
#: and the vector units' functions are within 1; 2 is allowed.
FUNCTION_ULPS = 2


def is_float(dtype: str) -> bool:
    return dtype.startswith("float")


def is_int(dtype: str) -> bool:
    return dtype.startswith("int")


def f32(value: float) -> float:
    """A double rounded to the nearest float32, to even on a tie; past float32's range, an infinity."""
    try:
        return float(_PACK.unpack(_PACK.pack(value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def int_to_f32(number: int) -> float:
    """An integer rounded once to float32 (through a double it would be rounded twice past 2^53)."""
    if abs(number) <= 2 ** 53:
        return f32(float(number))
    shift = abs(number).bit_length() - 24  # keep float32's 24 bits, the rest rounded to the nearest, to even
    kept, rest = divmod(abs(number), 1 << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and kept & 1):
        kept += 1
    return math.copysign(f32(float(kept << shift)), number)


def cast(value: Any, dtype: str) -> Any:
    """A Python number (or a tensor's element) as a value of ``dtype``; an integer out of range raises
    OverflowError, which cnncalc refuses where the code asks for it (PyTorch would wrap it)."""
    if dtype == "bool":
        return bool(value)
    if is_int(dtype):
        if isinstance(value, float):
            if not math.isfinite(value):
                raise OverflowError(f"{value} has no {dtype} value")
            value = math.trunc(value)
        value = int(value)
        if not -_RANGE[dtype] <= value < _RANGE[dtype]:
            raise OverflowError(f"{value} is outside {dtype}")
        return value
    if dtype == "float32":
        return int_to_f32(value) if isinstance(value, int) else f32(float(value))
    return float(value)


def ulp(value: float, dtype: str) -> float:
    """The gap between ``value`` and the next number of the float dtype, at its magnitude."""
    magnitude = abs(value)
    if not math.isfinite(magnitude):
        return math.inf
    if dtype == "float64":
        return math.ulp(magnitude)
    return max(2.0 ** (math.frexp(magnitude)[1] - 24), 2.0 ** -149)


def scalar_dtype(value: Any) -> str:
    """The dtype a Python number takes in an operation with a tensor: a float is torch's default (float32)."""
    return "bool" if isinstance(value, bool) else "int64" if isinstance(value, int) else "float32"


def _promote(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return DTYPES[max(DTYPES.index(a), DTYPES.index(b))]


def _category(higher: str | None, lower: str | None) -> str | None:
    """torch's combine_categories: a lower-priority operand raises the dtype only if it is of a higher category."""
    if higher is not None and is_float(higher):
        return higher
    if higher == "bool" or (lower is not None and is_float(lower)) or higher is None:
        return _promote(higher, lower)
    return higher


def result_dtype(dimensioned: Sequence[str], zero_dim: Sequence[str], scalars: Sequence[str]) -> str:
    """The dtype torch gives an operation on tensors of one or more dimensions, 0-d tensors and Python numbers: the
    dimensioned ones decide unless the others are of a higher category (int64 · 1.5 is float32, float32 · a float64
    0-d tensor is float32)."""
    states = []
    for group in (dimensioned, zero_dim, scalars):
        state: str | None = None
        for dtype in group:
            state = _promote(state, dtype)
        states.append(state)
    result = _category(states[0], _category(states[1], states[2]))
    assert result is not None
    return result


def spread(function: Callable[..., float], values: Sequence[float], errors: Sequence[float], result: float) -> float:
    """How far ``function`` may move from ``result`` when each argument moves by up to its error: the largest change
    at the corners of the arguments' intervals (the functions followed are monotonic in each argument on an interval
    where they are defined); infinite where an interval leaves the function's domain."""
    if not any(errors):
        return 0.0
    corners: list[list[float]] = [[]]
    for value, error in zip(values, errors):
        corners = [[*corner, value + side * error] for corner in corners for side in ((-1, 1) if error else (0,))]
    try:
        moves = [abs(function(*corner) - result) for corner in corners]
    except (ArithmeticError, ValueError):
        return math.inf
    if not all(math.isfinite(move) for move in moves):  # an infinity or a NaN at a corner: anything may happen
        return math.inf
    return max(moves) * (1 + 2.0 ** -30)


def settled(rounding: Callable[[float], float], value: float, error: float) -> bool:
    """Whether a rounding (round, floor, trunc) gives the same at every point ``error`` or less away from
    ``value``: each is monotonic, so its ends decide."""
    if not error:
        return True
    if not math.isfinite(error):
        return False
    return rounding(value - error) == rounding(value + error)


def exact_in_pytorch(name: str, args: Sequence[float], dtype: str) -> bool:
    """Whether PyTorch's float function gives exactly the true result: where that result is a number of the dtype
    (PyTorch's pow of a whole power, log of 1, log2 of a power of two, exp of 0 are within an ulp of it, so are it).
    Its sqrt is not among them: the vector units' sqrt misses even whole squares by an ulp."""
    if name == "pow":
        base, exponent = args
        if not (math.isfinite(base) and float(exponent).is_integer() and abs(exponent) <= 64 and
                (base != 0 or exponent >= 0)):
            return False
        numerator = abs(base.as_integer_ratio()[0])  # a whole power of its odd part must fit 24 or 53 bits
        odd = numerator // (numerator & -numerator) if numerator else 0
        if (exponent < 0 and odd != 1) or (abs(odd).bit_length() - 1) * abs(exponent) > 60:
            return False
        from fractions import Fraction  # only here: most model files raise nothing to a power

        power = Fraction(base) ** int(exponent)
        return cast(float(power), dtype) == power if abs(power) < 2 ** 127 else False
    if name == "log2":
        return args[0] > 0 and math.isfinite(args[0]) and math.frexp(args[0])[0] == 0.5
    return (name == "log" and args[0] == 1) or (name == "exp" and args[0] == 0)


def ieee(function: Callable[..., float]) -> Callable[..., float]:
    """A float function as IEEE arithmetic gives it: an infinity or a NaN where Python raises."""
    def safe(*args: float) -> float:
        try:
            return function(*args)
        except ZeroDivisionError:
            numerator = args[0]
            return math.nan if numerator == 0 or math.isnan(numerator) else \
                math.copysign(math.inf, numerator) * math.copysign(1.0, args[1])
        except OverflowError:
            return math.inf
        except ValueError:
            return -math.inf if args[0] == 0 else math.nan
    return safe


def c_pow(base: float, exponent: float) -> float:
    """C's pow: an infinity of the right sign where Python raises (0 to a negative power, an overflow)."""
    odd = float(exponent).is_integer() and exponent % 2 == 1
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:  # 0 to a negative power, or a negative base to a fraction
        return math.copysign(math.inf, base) if base == 0 and odd else math.inf if base == 0 else math.nan


def round_half_even(value: float) -> float:
    return math.copysign(float(round(value)), value) if math.isfinite(value) else value  # -0.4 gives -0.0


def whole(function: Callable[[float], int]) -> Callable[[float], float]:
    return lambda value: math.copysign(float(function(value)), value) if math.isfinite(value) else value
