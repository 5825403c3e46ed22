"""Python's built-ins as model code may call them, each bounded."""

from __future__ import annotations

from typing import Any

from .values import Unknown, _Super

#: Built-in types a model definition calls: int(planes * (base_width / 64.0)), list(…), tuple(…).
_SAFE_TYPES = (int, float, list, tuple, dict, str, bool, range, set)

def _ordered_dict(pairs: Any = (), /, **named: Any) -> dict[Any, Any]:
    """OrderedDict([("conv", m), …]) and OrderedDict(head=m): a dict in that order (its values may be layers)."""
    return {**dict(pairs), **named}


def _enumerate(items: Any, start: int = 0) -> list[tuple[int, Any]]:
    return list(enumerate(items, start))


def _zip(*sequences: Any) -> list[tuple[Any, ...]]:
    return list(zip(*sequences))


def _reversed(items: Any) -> list[Any]:
    return list(reversed(items))


def _sum(items: Any, start: Any = 0) -> Any:
    """sum() of numbers; summing lists (sum(lists, [])) takes quadratic time, and is left unknown."""
    values = [start, *items]
    if not all(isinstance(value, (int, float)) for value in values):
        return Unknown("a sum of things other than numbers")
    return sum(values)


def _round(number: Any, ndigits: Any = None) -> Any:
    """round(), without the 10 ** 10 ** 9 that Python computes for round(5, -10 ** 9) (which is 0)."""
    if isinstance(number, int) and isinstance(ndigits, int) and ndigits < -(abs(number).bit_length() // 3 + 2):
        return 0  # 10 ** -ndigits is over twice |number|
    return round(number, ndigits)


_BUILTINS: dict[str, Any] = {
    "range": range, "len": len, "int": int, "float": float, "list": list, "tuple": tuple, "dict": dict, "min": min,
    "max": max, "sum": _sum, "abs": abs, "round": _round, "enumerate": _enumerate, "zip": _zip,
    "reversed": _reversed, "sorted": sorted, "str": str, "bool": bool, "set": set,
    "divmod": divmod, "chr": chr, "ord": ord, "print": lambda *a, **k: None, "OrderedDict": _ordered_dict,
    "True": True, "False": False, "None": None, "super": _Super(), "object": object,
}
#: The built-ins that walk their arguments item by item: a sequence longer than MAX_LENGTH is refused.
_WALKING = frozenset({list, tuple, dict, set, min, max, _sum, _enumerate, _zip, _reversed, sorted, _ordered_dict})
