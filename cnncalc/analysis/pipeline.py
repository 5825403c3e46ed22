"""Analysis before views: everything a summary shows beyond shapes and parameters, computed once.

The pipeline is text → graph (``spec``, ``network``) → analysis (this module, over ``costs`` and
``receptive``) → views (``render``, ``report``).  Renderers receive an :class:`Analysis` and only
format it; they never compute a cost or a receptive field themselves.  Only what the chosen
columns need is computed, so a plain summary pays for nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.records import record

if TYPE_CHECKING:
    from ..graph.network import Network
    from .costs import Memory, Torchinfo
    from .flops import LayerCost
    from .receptive import ReceptiveField

__all__ = ["COLUMNS", "NO_ANALYSIS", "Analysis", "analyse"]

#: The optional columns, in the order they are drawn.
COLUMNS = ("macs", "flops", "memory", "rf")


@record
class Analysis:
    """The optional columns' data for one network: costs, memory and receptive fields when asked for."""

    columns: tuple[str, ...] = ()
    dtype: str = "float32"
    batch: int = 1
    bytes_per_value: int = 4
    memory: Memory | None = None
    fields: tuple[ReceptiveField, ...] | None = None
    #: the flops column's convention (cnncalc.analysis.flops.CONVENTIONS), and each row's count under it and in MACs
    convention: str = "cnncalc"
    flops: tuple[LayerCost, ...] | None = None
    macs: tuple[LayerCost, ...] | None = None
    #: --by-op: (operator type, modules, count) under the table; --training: the training lines
    by_op: tuple[tuple[str, int, int], ...] | None = None
    training: bool = False
    torchinfo: Torchinfo | None = None

    @property
    def headline(self) -> str:
        """What the flops column counts, in words (fvcore's batch norm rule follows --training)."""
        from .flops import HEADLINES

        text = HEADLINES[self.convention]
        return text.replace("eval()", "train()") if self.training else text


NO_ANALYSIS = Analysis()


def analyse(net: Network, columns: tuple[str, ...] = (), dtype: str = "float32", batch: int = 1,
            convention: str = "cnncalc", by_op: bool = False, training: bool = False,
            optimizer: str = "adam") -> Analysis:
    """Compute what ``columns`` (and --by-op, --training) need: costs, memory sizes, receptive fields."""
    from .dtypes import bytes_per_value

    size = bytes_per_value(dtype)
    mem = info = flops = macs = operators = None
    if "memory" in columns or training:
        from .costs import memory

        mem = memory(net, dtype, batch, optimizer)
    if "flops" in columns or by_op:
        from .flops import by_op as breakdown
        from .flops import costs

        flops = costs(net, convention, batch, training)
        operators = tuple(breakdown(flops)) if by_op else None
    if "macs" in columns:
        from .flops import costs

        macs = costs(net, "macs", batch)
    if mem is not None or flops is not None or macs is not None:  # torchinfo's footer comes with any cost
        from .costs import torchinfo

        info = torchinfo(net, dtype, batch)
    fields = None
    if "rf" in columns:
        from .receptive import receptive_fields

        fields = tuple(receptive_fields(net))
    return Analysis(columns, dtype, batch, size, mem, fields, convention, flops, macs, operators, training, info)
