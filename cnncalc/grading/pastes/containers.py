"""torchinfo's rows of containers at the depth limit: ``summary(model, depth=3)`` prints ResNet's downsample as one
row, ``Sequential: 3-9`` with its total, and leaves out the Conv2d and BatchNorm2d it holds. Such a row stands for
those rows: its count is theirs, found where cnncalc draws the same container under the same name at that depth
(:mod:`~cnncalc.analysis.nesting`, torchinfo's numbering of each depth, which the depth limit does not change).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...graph.network import Network
from ...readers.pasted.records import PastedRow
from ..claims import Verdict
from .expected import modelled

#: the depth in torchinfo's ``Class: depth-index`` name
_DEPTH = re.compile(r": (\d+)-\d+$")


def _depth(row: PastedRow) -> int | None:
    found = _DEPTH.search(row.name)
    return int(found[1]) if found else None


def collapsed_containers(net: Network, rows: Sequence[PastedRow], nested: frozenset[str]) -> dict[int, tuple[
        PastedRow, Any]]:
    """The pasted rows of containers drawn at the depth limit (no row of theirs below them in the paste), each by
    its line, with cnncalc's row of the same container (a :class:`~cnncalc.analysis.nesting.ShownRow` holding the
    network's rows inside it); a container cnncalc does not draw under that name is left as it was."""
    candidates = [index for index, row in enumerate(rows)
                  if (row.params or row.recursive) and not modelled(row, True, nested) and _depth(row) is not None]
    if not candidates:
        return {}
    from ...analysis.nesting import deepest, shown_rows

    drawn: dict[str, list[Any]] = {}  # a ModuleList left and re-entered is one name drawn several times
    for shown in shown_rows(net, deepest(net)):
        if shown.holds:
            drawn.setdefault(shown.name.rsplit("─", 1)[-1], []).append(shown)
    found: dict[int, tuple[PastedRow, Any]] = {}
    for index in candidates:
        row, after = rows[index], rows[index + 1] if index + 1 < len(rows) else None
        if after is not None and (_depth(after) or 0) > (_depth(row) or 0):
            continue  # its rows are in the paste: the count is torchinfo's leftover, as for any container
        if row.name in drawn:
            found[row.line] = (row, drawn[row.name])
    return found


def held_rows(drawn: list[Any]) -> list[Any]:
    """The network's rows a container's row stands for (every time it is drawn)."""
    return [layer for shown in drawn for layer in shown.holds]


def container_verdict(row: PastedRow, drawn: list[Any]) -> Verdict:
    """A container's row at the depth limit against the parameters of the rows it holds; torchinfo's
    ``(recursive)`` row gives no count to check."""
    if row.recursive:
        return Verdict(f"line {row.line} {row.name}", "(recursive)", "?", "unchecked",
                       note=f"torchinfo prints no count for a {row.keras_class or 'container'} it draws again: the "
                            "rows it holds are not checked")
    correct = sum(shown.layer.params.total for shown in drawn)
    ok = row.params == correct
    terms = " + ".join(f"{inner.params.total:,}" for inner in held_rows(drawn) if inner.params.total)
    return Verdict(f"line {row.line} {row.name}", f"{row.params:,}", f"{correct:,}", "correct" if ok else "wrong",
                   "" if ok or not terms else f"{terms} = {correct:,}",
                   note=f"a {row.keras_class or 'container'} at the paste's depth limit: the parameters of the rows it "
                        "holds")
