"""A network with merges or references drawn as plot_model draws one: a box per layer (its name, class, output
shape and parameters), an arrow from each layer to each layer that reads it, layers top to bottom and branches
side by side, placed by :mod:`.layered`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .layered import place
from .svg import LINE_HEIGHT, document, escape, number, text, text_width

if TYPE_CHECKING:
    from ...graph.network import Network

__all__ = ["graph_svg"]

MARGIN = 20.0
PADDING = 8.0
#: the vertical space between two layers of boxes, where the arrows run
RANK_GAP = 36.0
HEIGHT = 4 * LINE_HEIGHT + 2 * PADDING
STYLE = (" .node { fill: #eef3fa; stroke: #4a6a8a; } .input { fill: #f4f4f4; }"
         " .edge { stroke: #666; stroke-width: 1.2; fill: none; }")


def _nodes(net: Network) -> tuple[list[tuple[list[str], str]], list[tuple[int, int]]]:
    """Each box's lines and spec (the input first), and the edges between boxes by number."""
    number_of = {layer.name: place for place, layer in enumerate(net.layers, 1)}
    inputs = sorted({name for layer in net.layers for name in layer.inputs if name not in number_of})
    name = inputs[0] if len(inputs) == 1 else "input_layer"
    boxes = [([name, "InputLayer", net.shape_text(net.input_shape), "0 params"], "input")]
    edges = []
    for place_, layer in enumerate(net.layers, 1):
        kind = layer.layer.torch_class_for(layer.input_shape) if net.torch else layer.keras_class
        boxes.append(([layer.name, kind, net.shape_text(layer.output_shape, 1, layer.tokens),
                       f"{layer.params.total:,} params"], layer.source))
        edges.extend((number_of.get(source, 0), place_) for source in dict.fromkeys(layer.inputs))
    return boxes, edges


def graph_svg(net: Network) -> str:
    """The SVG document of a network's graph."""
    boxes, edges = _nodes(net)
    widths = [max(map(text_width, lines)) + 2 * PADDING for lines, _ in boxes]
    rank, left = place(widths, edges)
    tops = [MARGIN + r * (HEIGHT + RANK_GAP) for r in rank]
    lefts = [MARGIN + x for x in left]
    body = ['<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#666"/></marker></defs>']
    right = [-float("inf")] * (max(rank, default=0) + 1)  # each layer of boxes' right edge
    for place_, layer in enumerate(rank):
        right[layer] = max(right[layer], lefts[place_] + widths[place_])
    for source, target in edges:
        x1, y1 = lefts[source] + widths[source] / 2, tops[source] + HEIGHT
        x2, y2 = lefts[target] + widths[target] / 2, tops[target]
        points = [(x1, y1), (x2, y2)]
        if rank[target] - rank[source] > 1:  # around the boxes between, on their right, in the gaps between layers
            aside = max(right[rank[source] + 1 : rank[target]]) + RANK_GAP / 3
            points = [(x1, y1), (x1, y1 + RANK_GAP / 2), (aside, y1 + RANK_GAP / 2), (aside, y2 - RANK_GAP / 2),
                      (x2, y2 - RANK_GAP / 2), (x2, y2)]
        path = " L ".join(f"{number(x)} {number(y)}" for x, y in points)
        body.append(f'<path class="edge" d="M {path}" data-from="n{source}" data-to="n{target}" '
                    'marker-end="url(#arrow)"/>')
    for place_, (lines, spec) in enumerate(boxes):
        x, y, width = lefts[place_], tops[place_], widths[place_]
        css = "node input" if place_ == 0 else "node"
        body.append(f'<g id="n{place_}"><title>{escape(spec)}</title>'
                    f'<rect class="{css}" x="{number(x)}" y="{number(y)}" width="{number(width)}" '
                    f'height="{number(HEIGHT)}" rx="4"/>')
        for row, line in enumerate(lines):
            body.append(text(x + width / 2, y + PADDING + (row + 0.8) * LINE_HEIGHT, line,
                             "params" if row == 3 else ""))
        body.append("</g>")
    width = max((x + w for x, w in zip(lefts, widths)), default=0) + MARGIN + RANK_GAP / 3 * (len(rank) > 2)
    height = max(tops, default=0) + HEIGHT + MARGIN
    return document(width, height, body, f"{len(net.layers)} layer{'' if len(net.layers) == 1 else 's'}", STYLE)
