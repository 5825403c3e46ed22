"""How ``check-stride`` shows its answer: the arithmetic, the verdict, a picture, suggestions.

The picture draws one axis as a strip of cells with every window placed over it, so the
cells no window reads stand out.  It fits the console's width: two columns a cell when they
fit, else one, else the middle of every row is left out at one place ("…").  Past 72 cells the
words alone say where the windows fall.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.stride import AxisReport, StrideReport
from ..model.arithmetic import AxisWindows, format_number
from .fit import fill

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["axis_lines", "picture", "report_renderable", "spec_line"]

NOUNS = {"H": ("row", "rows"), "W": ("column", "columns"), "HW": ("row and column", "rows and columns")}
LANE_STYLES = ("cyan", "magenta")


def _listing(values: list[int], limit: int = 6) -> str:
    shown = [str(v) for v in values[:limit]]
    if len(values) > limit:
        return ", ".join(shown) + f", …, {values[-1]}"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def coverage(w: AxisWindows, noun: str) -> str:
    """'windows start at 0 and 3; column 6 is never covered', in the user's coordinates."""
    one, many = NOUNS[noun]
    if w.output <= 6:
        head = f"windows start at {_listing([w.start_of(i) for i in range(w.output)])}"
    else:
        first = [w.start_of(i) for i in range(3)]
        head = f"{w.output:,} windows start at {', '.join(map(str, first))}, …, {w.start_of(w.output - 1)}"
    cells = w.uncovered_cells(limit=8)
    if not cells:
        return f"{head}; every {one} is read"
    if w.uncovered == 1:
        return f"{head}; {one} {cells[0]} is never covered"
    listed = _listing(cells) if w.uncovered <= 8 else ", ".join(map(str, cells[:6])) + ", …"
    return f"{head}\n{w.uncovered} {many} are never covered: {listed}"


def verdict(w: AxisWindows) -> str:
    if w.mode == "same":
        return "divides evenly" if w.fits else "does not divide evenly (same pads to ⌈n/s⌉)"
    return "fits" if w.fits else "does not fit"


def axis_lines(report: AxisReport, noun: str) -> list[str]:
    """The words for one axis (or both, when they are the same)."""
    w = report.windows
    many = NOUNS[noun][1]
    label = {"H": "H", "W": "W", "HW": "H and W"}[noun]
    exact = format_number(w.exact)
    if w.mode == "same":
        lines = [f"{label}: same, ⌈{w.n}/{w.stride}⌉ = {w.output} ({w.n}/{w.stride} = {exact}): {verdict(w)}",
                 _same_split(w, noun)]
    else:
        lines = [f"{label}: {w.formula().split(' → ')[0]}: {verdict(w)}",
                 f"Keras and PyTorch give {w.floor_output} (floor); with ceil_mode, {w.ceil_output}"]
    lines += coverage(w, noun).split("\n")
    if w.stride > w.span:
        lines.append(f"stride {w.stride} > window {w.span}: {w.stride - w.span} of every {w.stride} {many} "
                     "fall between windows")
    lines += _suggestion_lines(report.suggestions, many)
    return lines


def _same_split(w: AxisWindows, noun: str) -> str:
    sides = {"H": ("top", "bottom"), "W": ("left", "right"), "HW": ("top/left", "bottom/right")}[noun]
    total = w.pad_before + w.pad_after
    return (f"same, stride {w.stride} on {w.n} with k={w.span}: pad {total} in all, "
            f"{w.pad_before} {sides[0]}, {w.pad_after} {sides[1]}")


def _suggestion_lines(found: dict[str, Any], many: str) -> list[str]:
    def items(key: str, field: str, word: str) -> str:
        return ", ".join(f"{word} {item[field]} → {item['output']}" for item in found.get(key, []))

    lines = []
    if found.get("strides"):
        lines.append("strides that fit:  " + items("strides", "s", "s"))
    if found.get("paddings"):
        pads = [f"p{item['p']} → {item['output']}" if "p" in item else
                f"{item['before']} before + {item['after']} after → {item['output']}" for item in found["paddings"]]
        lines.append("paddings that fit: " + ", ".join(pads))
    if found.get("inputs"):
        lines.append("inputs that fit:   " + ", ".join(f"{item['n']} → {item['output']}" for item in found["inputs"]))
    if found.get("kernels"):
        lines.append("kernels that fit:  " + items("kernels", "f", "k"))
    return lines


#: The picture's label column: "windows  ".
LABEL = 9
#: The longest axis drawn: past it, the words say where the windows fall.
MOST_CELLS = 72
LEGEND = ("█ read", "✗ never read", "░ padding", "● window tap")


def picture(w: AxisWindows, width: int = 80) -> RenderableType | None:
    """The axis as cells with the windows over them, in at most ``width`` columns; None if it is too long to draw.

    Two columns a cell when that fits, else one; when even one does not, the middle of every row is left out
    at the same place and a "…" column stands for it, with a note saying which cells it hides.
    """
    from rich.text import Text

    cells = w.padded
    if cells > MOST_CELLS or width < LABEL + 8:
        return None
    room = width - LABEL
    size = 2 if cells <= MOST_CELLS // 2 and 2 * cells <= room else 1
    grid = _grid(w, cells, size)
    extent = max(len(row) for row in grid)
    shown, gap = list(range(extent)), None
    if extent * size > room:  # the middle goes: head and tail keep the ends, where padding and lost cells are
        keep = room // size - 1
        head = keep // 2
        gap = (head, extent - (keep - head))
        shown = [*range(head), -1, *range(gap[1], extent)]
    labels = ["index    ", "windows  ", *["         "] * (len(grid) - 3), "input    "]
    rows = []
    for label, row in zip(labels, grid):
        text = Text(label)
        for position in shown:
            char, style = ("…".rjust(size), "dim") if position < 0 else row[position] if position < len(row) else (
                " " * size, "")
            text.append(char, style=style)
        text.rstrip()
        rows.append(text)
    rows += [Text(line, style="dim") for line in _legend(width)]
    if gap is not None:
        first, last = gap[0] - w.pad_before, gap[1] - 1 - w.pad_before
        note = f"… hides cells {first} to {last} (to fit {width} columns)"
        rows += [Text(line, style="dim") for line in fill(note, width, " " * LABEL)]
    return Text("\n").join(rows)


def _grid(w: AxisWindows, cells: int, size: int) -> list[list[tuple[str, str]]]:
    """The picture's rows as (text, style) per position: the index, one lane per overlapping window, the input.

    A window past the padded end (``ceil_mode``'s last) makes its lane longer than the input."""
    lanes = -(-(w.span + 1) // w.stride)
    blank = (" " * size, "")
    index = [("·" if not 0 <= p - w.pad_before < w.n else str((p - w.pad_before) % 10)).rjust(size) for p in
             range(cells)]
    grid: list[list[tuple[str, str]]] = [[(text, "dim") for text in index]]
    grid += [[] for _ in range(lanes)]
    for number, start in enumerate(range(0, w.output * w.stride, w.stride)):
        lane = grid[1 + number % lanes]
        lane += [blank] * (start + w.span - len(lane))
        for tap in range(w.span):
            mark = ("●" if tap % w.dilation == 0 else "─").rjust(size, "━" if tap else " ")
            lane[start + tap] = (mark, LANE_STYLES[number % 2])
    unread = set(w.uncovered_cells(limit=cells))
    grid.append([("░".rjust(size), "dim") if not 0 <= p - w.pad_before < w.n else
                 ("✗".rjust(size), "bold red") if p - w.pad_before in unread else ("█".rjust(size), "green")
                 for p in range(cells)])
    return grid


def _legend(width: int) -> list[str]:
    """The legend's items, on as few lines as fit ``width``, never split."""
    lines = [" " * (LABEL - 2)]
    for item in LEGEND:
        if len(lines[-1]) + 2 + len(item) > width and lines[-1].strip():
            lines.append(" " * (LABEL - 2))
        lines[-1] += "  " + item
    return lines


def report_renderable(report: StrideReport, width: int = 80) -> RenderableType:
    """Both axes, merged into one block when they are the same, in at most ``width`` columns: the words are
    broken between words (a broken line keeps its indent) and the picture is fitted by :func:`picture`."""
    from rich.console import Group
    from rich.text import Text

    h, w = report.axes
    groups = [(h, "HW")] if h.windows == w.windows else [(h, "H"), (w, "W")]
    parts: list[RenderableType] = []
    for axis, noun in groups:
        lines = axis_lines(axis, noun)
        parts.append(Text("\n".join(fill(lines[0], width, "")), style="bold"))
        parts.append(Text("\n".join(part for line in lines[1:] for part in fill(line, width, "  "))))
        drawing = picture(axis.windows, width)
        if drawing is not None:
            parts.append(drawing)
        parts.append(Text(""))
    verdict_text = "every axis fits" if report.fits else "the stride does not fit"
    parts.append(Text(("✓ " if report.fits else "✗ ") + verdict_text, style="green" if report.fits else "bold red"))
    return Group(*parts)


def spec_line(layer: Any, report: StrideReport) -> str:
    """One line for ``check-stride --spec``: mark, layer, input, and the arithmetic or its cost."""
    mark = "✓" if report.fits and not layer.warnings else "✗" if not report.fits else "⚠"
    size = f"{layer.input_shape[0]}×{layer.input_shape[1]}"
    h, w = (axis.windows for axis in report.axes)
    detail = "; ".join(layer.warnings) or (h.formula() if h == w else f"H: {h.formula()}; W: {w.formula()}")
    return f"{mark} {layer.name} ({layer.source}) on {size}: {detail}"
