"""``check-stride N F S [P] --format svg``: the window picture the text answer prints, drawn for slides. Per axis
(one, when H and W are the same): the words, then the padded axis as a strip of cells (read, never read, padding)
under the windows, one lane per overlapping window, a dot on every tap; a legend and the verdict at the end.

A window past the padded end (``ceil_mode``'s last) is drawn past it, over no cell, as the text picture draws it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .svg import LINE_HEIGHT, document, number, text, text_width

if TYPE_CHECKING:
    from ...analysis.stride import StrideReport
    from ...model.arithmetic import AxisWindows

__all__ = ["MOST_CELLS", "stride_svg"]

#: the longest axis drawn, in cells (padding included): past it the cells would be too thin to read
MOST_CELLS = 400
#: the widest the strip is drawn; a cell is 18 pixels wide where that fits, else narrower (at least 4)
STRIP = 1400
MARGIN = 20
LANE = 12
#: the width of a character of the indices' font (10 pixels, monospace)
INDEX_CHAR = 6.1
LANE_COLOURS = ("#3182bd", "#c51b8a")
CELLS = {"read": "#a1d99b", "unread": "#fb6a4a", "padding": "#f0f0f0"}
STYLE = (" .cell { stroke: #777; stroke-width: 0.6; } .padding { stroke-dasharray: 2 2; }"
         " .index { fill: #777; font-size: 10px; } .verdict { font-weight: bold; }")


def _axis(w: AxisWindows, lines: list[str], top: float, body: list[str]) -> tuple[float, float]:
    """Draw one axis from ``top``: its words, its windows, its cells; the y under it and its width."""
    for number_, line in enumerate(lines):
        body.append(text(MARGIN, top + (number_ + 0.8) * LINE_HEIGHT, line, "", "start"))
    y = top + len(lines) * LINE_HEIGHT + 8
    count = w.output
    cells = max(w.padded, (count - 1) * w.stride + w.span if count else 0)
    size = max(4.0, min(18.0, STRIP / cells))
    label = len(str(w.n - 1)) * INDEX_CHAR + 3  # the widest index's width, and room on either side
    every = next(step for step in (1, 2, 5, 10, 20, 50, 100) if step * size >= label)
    for p in range(cells):  # the input's indices over their cells, the padding's unnumbered
        index = p - w.pad_before
        if p < w.padded and 0 <= index < w.n and index % every == 0:
            body.append(text(MARGIN + (p + 0.5) * size, y + 9, str(index), "index"))
    y += 14
    lanes = -(-(w.span + 1) // w.stride)
    for window in range(count):
        start = window * w.stride
        lane_y = y + (window % lanes + 0.5) * LANE
        colour = LANE_COLOURS[window % 2]
        x1, x2 = MARGIN + (start + 0.5) * size, MARGIN + (start + w.span - 0.5) * size
        body.append(f'<g stroke="{colour}" fill="{colour}"><title>window {window}: input {start - w.pad_before} '
                    f'to {start - w.pad_before + w.span - 1}</title>'
                    f'<line x1="{number(x1)}" y1="{number(lane_y)}" x2="{number(x2)}" y2="{number(lane_y)}" '
                    'stroke-width="2"/>')
        radius = min(3.5, size / 2.5)
        body.extend(f'<circle cx="{number(MARGIN + (start + tap + 0.5) * size)}" cy="{number(lane_y)}" '
                    f'r="{number(radius)}"/>' for tap in range(0, w.span, w.dilation))
        body.append("</g>")
    y += lanes * LANE + 4
    unread = set(w.uncovered_cells(limit=cells))
    for p in range(w.padded):
        index = p - w.pad_before
        kind = "padding" if not 0 <= index < w.n else "unread" if index in unread else "read"
        css = "cell padding" if kind == "padding" else "cell"
        body.append(f'<rect class="{css}" x="{number(MARGIN + p * size)}" y="{number(y)}" width="{number(size)}" '
                    f'height="{number(max(size, 10))}" fill="{CELLS[kind]}"><title>{kind}</title></rect>')
    return y + max(size, 10) + 18, cells * size + 2 * MARGIN


def stride_svg(report: StrideReport, words: list[tuple[AxisWindows, list[str]]]) -> str:
    """The SVG document of ``check-stride``'s answer: each axis's windows, with its ``words`` (the text answer's
    lines for it) above."""
    body: list[str] = []
    y, width = float(MARGIN), 0.0
    for windows, lines in words:
        y, drawn = _axis(windows, lines, y, body)
        width = max(width, drawn, *(text_width(line) + 2 * MARGIN for line in lines))
    x = float(MARGIN)
    for kind, label in (("read", "read"), ("unread", "never read"), ("padding", "padding")):
        css = "cell padding" if kind == "padding" else "cell"
        body.append(f'<rect class="{css}" x="{number(x)}" y="{number(y - 9)}" width="10" height="10" '
                    f'fill="{CELLS[kind]}"/>')
        body.append(text(x + 14, y, label, "", "start"))
        x += 14 + text_width(label) + 16
    body.append(f'<circle cx="{number(x + 4)}" cy="{number(y - 4)}" r="3.5" fill="{LANE_COLOURS[0]}"/>')
    body.append(text(x + 12, y, "window tap", "", "start"))
    verdict = "✓ every axis fits" if report.fits else "✗ the stride does not fit"
    body.append(text(MARGIN, y + LINE_HEIGHT + 6, verdict, "verdict", "start"))
    width = max(width, x + 12 + text_width("window tap") + MARGIN)
    return document(width, y + LINE_HEIGHT + 6 + MARGIN, body, verdict[2:], STYLE)
