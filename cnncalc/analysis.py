"""Analysis before views: everything a summary shows beyond shapes and parameters, computed once.

The pipeline is text → graph (``spec``, ``network``) → analysis (this module, over ``costs`` and
``receptive``) → views (``render``, ``report``).  Renderers receive an :class:`Analysis` and only
format it; they never compute a cost or a receptive field themselves.  Only what the chosen
columns need is computed, so a plain summary pays for nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import record

if TYPE_CHECKING:
    from .costs import Memory
    from .network import Network
    from .receptive import ReceptiveField

__all__ = ["COLUMNS", "NO_ANALYSIS", "Analysis", "analyse"]

#: The optional columns, in the order they are drawn.
COLUMNS = ("macs", "flops", "memory", "rf")


@record
class Analysis:
    """The optional columns' data for one network: memory and receptive fields when asked for."""

    columns: tuple[str, ...] = ()
    dtype: str = "float32"
    batch: int = 1
    bytes_per_value: int = 4
    memory: Memory | None = None
    fields: tuple[ReceptiveField, ...] | None = None


NO_ANALYSIS = Analysis()


def analyse(net: Network, columns: tuple[str, ...] = (), dtype: str = "float32", batch: int = 1) -> Analysis:
    """Compute what ``columns`` need: the memory column's sizes, the receptive fields."""
    from .costs import bytes_per_value, memory

    size = bytes_per_value(dtype)
    mem = memory(net, dtype, batch) if "memory" in columns else None
    fields = None
    if "rf" in columns:
        from .receptive import receptive_fields

        fields = tuple(receptive_fields(net))
    return Analysis(columns, dtype, batch, size, mem, fields)
