"""Names imported when first asked for: the one place cnncalc imports a module it names at run time.

A package that re-exports names from modules a command may not need (PEP 562's module ``__getattr__``), and the
command group that loads a command's module only when that command runs, look the module up here in a table
written in their source. No name a user writes reaches it: a name not in the table is an ``AttributeError``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["attribute"]


def attribute(package: str, table: dict[str, str], name: str, attr: str | None = None) -> Any:
    """``name`` from the module of ``package`` that ``table`` names for it (its attribute ``attr``, if given).

    >>> attribute("cnncalc.model", {"record": "records"}, "record").__name__
    'record'
    >>> attribute("cnncalc.model", {}, "nothing")
    Traceback (most recent call last):
    AttributeError: module 'cnncalc.model' has no attribute 'nothing'
    """
    if name not in table:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return getattr(import_module(f"{package}.{table[name]}"), attr or name)
