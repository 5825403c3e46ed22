"""Numbers as the summary writes them: parameter memory and bytes in Keras' 1024-based units, large counts in SI
units."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analysis.flops import LayerCost

__all__ = ["cost_total", "readable_bytes", "readable_count", "readable_size"]


def cost_total(rows: tuple[LayerCost, ...]) -> int:
    """The FLOPs (or MACs) of a column of cost rows, added up."""
    return sum(row.flops for row in rows)


def readable_size(params: int, bytes_per_param: int = 4) -> str:
    """Memory for ``params`` parameters, exactly as Keras' ``readable_memory_size`` prints it.

    >>> readable_size(1199882), readable_size(0), readable_size(20)
    ('4.58 MB', '0.00 B', '80.00 B')
    """
    if not isinstance(params, int):  # a count in the input's names (cnncalc.language.symbolic)
        return f"{bytes_per_param} B each"
    return readable_bytes(params * bytes_per_param)


def readable_bytes(count: int) -> str:
    """Bytes in 1024-based units with two decimals, as Keras prints sizes."""
    size: float = count
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def readable_count(count: int) -> str:
    """A large count in SI units: 15.47 G.

    >>> readable_count(15_470_264_320), readable_count(999)
    ('15.47 G', '999')
    """
    value = float(count)
    for unit in ("", " K", " M", " G", " T", " P"):
        if value < 1000:
            return f"{int(value)}" if unit == "" else f"{value:.2f}{unit}"
        value /= 1000
    return f"{value:.2f} E"
