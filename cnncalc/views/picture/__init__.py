"""Pictures of a network, as SVG: a chain as volumes (:mod:`.volumes`), a graph as a layered graph of its layers
(:mod:`.layered`, drawn by :mod:`.graph_picture`). Pure Python: the layout is cnncalc's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...analysis.cell_field import CellField
    from ...graph.network import Network

__all__ = ["to_svg"]


def to_svg(net: Network, field: CellField | None = None, fold: bool = False) -> str:
    """One SVG document of ``net``: volumes for a chain, a layered graph for a network with any merge or
    reference; ``field`` (a chain's) is one cell's receptive field, highlighted; ``fold`` draws a chain's long
    repeats once."""
    if fold and (net.graph or field is not None):
        from ...errors import CnnCalcError

        raise CnnCalcError("--fold draws a chain's repeats once; this network has branches or references, drawn "
                           "whole" if net.graph else "--fold and --rf do not go together: --rf marks every layer "
                           "on its own", "leave out --fold")
    if net.graph:
        from .graph_picture import graph_svg

        return graph_svg(net)
    from .volumes import chain_svg

    return chain_svg(net, field, fold)
