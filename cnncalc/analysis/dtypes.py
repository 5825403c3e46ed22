"""The value types the memory column sizes, and the optimizers whose state training counts: what ``--dtype`` and
``--optimizer`` take, apart from the costs themselves (:mod:`.costs`), which a plain summary never loads."""

from __future__ import annotations

from ..errors import CnnCalcError

__all__ = ["DTYPES", "OPTIMIZERS", "bytes_per_value"]

#: bytes per value of each dtype
DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}
#: values of optimizer state kept per trainable parameter
OPTIMIZERS = {"sgd": 0, "momentum": 1, "adam": 2}


def bytes_per_value(dtype: str) -> int:
    """Bytes per value of a dtype the memory column knows; a clear error for any other.

    >>> bytes_per_value("bfloat16")
    2
    """
    if dtype not in DTYPES:
        raise CnnCalcError(f"unknown dtype '{dtype}'", f"use one of: {', '.join(DTYPES)}")
    return DTYPES[dtype]
