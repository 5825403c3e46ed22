"""A chain drawn as volumes: each layer's output a box whose height, depth and thickness follow its H, W and C on
a logarithmic scale, left to right in rows, each labelled under it with its name, its output size and its
parameters (where not 0).

Every slot of a row is as wide as its box or its label, whichever is wider, so no two labels overlap; a row ends
before :data:`ROW_WIDTH` pixels and the next starts under it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .field import caption, field_line, patch
from .folding import folds
from .svg import LINE_HEIGHT, document, escape, number, text, text_width

if TYPE_CHECKING:
    from ...analysis.cell_field import CellField
    from ...graph.network import Network, ResolvedLayer

#: a slot of a row: its x, its width, its box (thickness, height, depth), its label's lines (each with its style),
#: its kind and spec, and where --rf asks: its map's height and width and the rows and columns highlighted
Slot = tuple[float, float, tuple[float, float, float], list[tuple[str, str]], tuple[str, str], tuple[object, ...]]

#: what a box shows: the layer's name, class, output shape as shown and as held, parameters and spec
Item = tuple[str, str, tuple[object, ...], tuple[object, ...], int, str]

__all__ = ["ROW_WIDTH", "chain_svg", "scale", "size_text"]

#: the widest a row of volumes grows before the next row starts, in pixels
ROW_WIDTH = 1600
MARGIN = 20
GAP = 18
#: the tallest a box's face is drawn, whatever its size
MAX_FACE = 150

#: each kind of layer's colour, by a word of its class name (the first that matches)
COLOURS = (("Conv", "#9ecae1"), ("Pool", "#fdae6b"), ("Dense", "#a1d99b"), ("Linear", "#a1d99b"),
           ("Norm", "#dadaeb"), ("Input", "#f0f0f0"))
OTHER = "#d9d9d9"


def scale(size: object, unit: float = 12.0, least: float = 8.0) -> float:
    """A size drawn on the compressed scale: ``least + unit·log2(size)``, at most :data:`MAX_FACE`; a size written
    with a name is drawn as 32.

    >>> scale(1), scale(8), scale(224) == 8 + 12 * math.log2(224)
    (8.0, 44.0, True)
    """
    value = size if isinstance(size, int) and size > 0 else 32
    return min(least + unit * math.log2(value), MAX_FACE)


def size_text(shape: tuple[object, ...]) -> str:
    """An output size as the pictures label it: ``26×26×32``; a size written with names is bracketed where it is
    more than one term, so that ``×`` cannot be read as binding tighter than its ``−`` or ``+``.

    >>> size_text((26, 26, 32)), size_text((10,)), size_text(("R", "C−2", 3))
    ('26×26×32', '10', 'R×(C−2)×3')
    """
    texts = [str(size) for size in shape]
    if len(texts) == 1:
        return texts[0]
    return "×".join(text if text.isalnum() else f"({text})" for text in texts)


def _box(shape: tuple[object, ...]) -> tuple[float, float, float]:
    """The face's thickness (channels), height (H) and depth (W) of a box for an output of ``shape``."""
    if len(shape) >= 3:
        return scale(shape[-1], 3.5, 3), scale(shape[-3]), scale(shape[-2]) * 0.6
    if len(shape) == 2:  # a sequence: its length up, its features across
        return scale(shape[-1], 3.5, 3), scale(shape[0]), 4.0
    return 8.0, scale(shape[0] if shape else 1), 4.0


def _colour(kind: str) -> str:
    return next((colour for word, colour in COLOURS if word in kind), OTHER)


def _cuboid(x: float, bottom: float, thick: float, high: float, deep: float, colour: str) -> list[str]:
    """The three visible faces of a box whose front face's lower left corner is (x, bottom)."""
    dx, dy = deep * 0.8, deep * 0.6
    top = bottom - high
    front = f'<rect x="{number(x)}" y="{number(top)}" width="{number(thick)}" height="{number(high)}"/>'
    points = [(x, top), (x + dx, top - dy), (x + thick + dx, top - dy), (x + thick, top)]
    lid = " ".join(f"{number(a)},{number(b)}" for a, b in points)
    side = [(x + thick, top), (x + thick + dx, top - dy), (x + thick + dx, bottom - dy), (x + thick, bottom)]
    wall = " ".join(f"{number(a)},{number(b)}" for a, b in side)
    return [f'<g fill="{colour}" stroke="#555" stroke-width="0.7">', front,
            f'<polygon points="{lid}" fill-opacity="0.75"/>', f'<polygon points="{wall}" fill-opacity="0.55"/>',
            "</g>"]


def chain_svg(net: Network, field: CellField | None = None, fold: bool = False) -> str:
    """The SVG document of a chain: the input, then every layer, as volumes with their labels; with ``field``, the
    rows and columns of each map that one cell of the last map reads, highlighted on the boxes and written under
    them; with ``fold``, each long repeat drawn once (:mod:`.folding`)."""
    items: list[Item] = [
        ("input", "InputLayer", net.shown_shape(net.input_shape), net.input_shape, 0, "input")]
    items += [(layer.name, _kind(net, layer), net.shown_shape(layer.output_shape, layer.tokens), layer.output_shape,
               layer.params.total, layer.source) for layer in net.layers]
    body: list[str] = []
    slots: list[Slot] = []  # the row being laid out
    y, right = MARGIN, 0.0
    heading = caption(net, field) if field is not None else ""
    if heading:
        body.append(text(MARGIN, MARGIN + 0.8 * LINE_HEIGHT, heading, "rf", "start"))
        y += LINE_HEIGHT + GAP

    def flush() -> float:
        """Draw the row of ``slots`` from ``y``; the y under it."""
        tallest = max(high + deep * 0.6 for _, _, (_, high, deep), _, _, _ in slots)
        bottom = y + tallest
        for x, width, (thick, high, deep), lines, (kind, spec), marked in slots:
            left = x + (width - thick - deep * 0.8) / 2
            body.append(f"<g><title>{escape(spec)}</title>")
            body.extend(_cuboid(left, bottom, thick, high, deep, _colour(kind)))
            if marked:
                body.append(patch(left, bottom, (thick, high, deep), marked))
            label = max(text_width(line) for line, _ in lines)
            centre = x + width / 2
            body.append(f'<rect class="label" x="{number(centre - label / 2)}" y="{number(bottom + 6)}" '
                        f'width="{number(label)}" height="{number(len(lines) * LINE_HEIGHT)}"/>')
            for number_, (line, css) in enumerate(lines):
                body.append(text(centre, bottom + 6 + (number_ + 0.8) * LINE_HEIGHT, line, css))
            body.append("</g>")
        most = max(len(lines) for _, _, _, lines, _, _ in slots)
        slots.clear()
        return bottom + 6 + max(most, 3) * LINE_HEIGHT + GAP

    pieces = folds([item[1:] for item in items]) if fold else [(place, 1, 1) for place in range(len(items))]
    x = MARGIN
    for place, every, times in [(first + step, group, times) for first, group, times in pieces
                                for step in range(group)]:
        _, kind, _, shape, _, spec = items[place]
        lines = _label(items, place, items[place + (times - 1) * every][0] if times > 1 else "", times)
        spec = f"{spec} (× {times})" if times > 1 else spec
        marked: tuple[object, ...] = ()
        if field is not None and place <= field.target:
            lines.append((field_line(field, place), "rf"))
            marked = (shape[0], shape[1], field.regions[place])
        box = _box(tuple(shape))
        width = max(box[0] + box[2] * 0.8, *(text_width(line) for line, _ in lines))
        if slots and x + width > ROW_WIDTH:
            y = flush()
            x = MARGIN
        slots.append((x, width, box, lines, (kind, spec), marked))
        x += width + GAP
        right = max(right, x)
    y = flush()
    count = len(net.layers)
    width = max(right - GAP + MARGIN, text_width(heading) + 2 * MARGIN)
    style = (" .rf { fill: #c0392b; } .field { fill: #e74c3c; fill-opacity: 0.6; stroke: #c0392b; }"
             " .sparse { fill-opacity: 0.25; stroke-dasharray: 2 2; }" if field is not None else "")
    style += " .fold { fill: #08519c; font-weight: bold; }" if fold else ""
    return document(width, y - GAP + MARGIN, body, heading or f"{count} layer{'' if count == 1 else 's'}", style)


def _label(items: list[Item], place: int, last: str, times: int) -> list[tuple[str, str]]:
    """A box's label, each line with its style: its name, its output size, its parameters where not 0; a box
    drawn for a fold's every time through names its first and last layer and says how often."""
    name, _, shown, _, params, _ = items[place]
    lines = [(name if times == 1 else f"{name} … {last}", ""), (size_text(shown), "")]
    lines += [(f"{params:,} params", "params")] if params else []
    return lines + ([(f"× {times}", "fold")] if times > 1 else [])


def _kind(net: Network, layer: ResolvedLayer) -> str:
    """The layer's class, as the table names it."""
    return layer.layer.torch_class_for(layer.input_shape) if net.torch else layer.keras_class
