"""How ``check-stride`` shows its answer: the arithmetic, the verdict, a picture, suggestions.

The picture draws one axis as a strip of cells with every window placed over it, so the
cells no window reads stand out.  It stays within 80 columns up to about 40 cells (two
columns a cell) or 72 (one column a cell), and is summarised in words beyond that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.stride import AxisReport, StrideReport
from ..model.arithmetic import AxisWindows, format_number

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


def picture(w: AxisWindows) -> RenderableType | None:
    """The axis as cells with the windows over them, or None if it is too long to draw."""
    from rich.text import Text

    cells = w.padded if w.mode != "same" else w.n + w.pad_before + w.pad_after
    width = 2 if cells <= 36 else 1 if cells <= 72 else 0
    if not width:
        return None
    lanes = -(-(w.span + 1) // w.stride)
    rows = [Text("index    "), *[Text("windows  " if i == 0 else "         ") for i in range(lanes)], Text("input    ")]
    for position in range(cells):
        index = position - w.pad_before
        rows[0].append(("·" if not 0 <= index < w.n else str(index % 10)).rjust(width), style="dim")
    for number, start in enumerate(range(0, w.output * w.stride, w.stride)):
        lane = rows[1 + number % lanes]
        lane.append(" " * (start * width - len(lane.plain) + 9))
        mark = "".join(("●" if tap % w.dilation == 0 else "─").rjust(width, "━" if tap else " ")
                       for tap in range(w.span))
        lane.append(mark, style=LANE_STYLES[number % 2])
    unread = set(w.uncovered_cells(limit=cells))
    for position in range(cells):
        index = position - w.pad_before
        if not 0 <= index < w.n:
            rows[-1].append("░".rjust(width), style="dim")
        elif index in unread:
            rows[-1].append("✗".rjust(width), style="bold red")
        else:
            rows[-1].append("█".rjust(width), style="green")
    legend = Text("         █ read  ✗ never read  ░ padding  ● window tap", style="dim")
    return Text("\n").join([*rows, legend])


def report_renderable(report: StrideReport) -> RenderableType:
    """Both axes, merged into one block when they are the same."""
    from rich.console import Group
    from rich.text import Text

    h, w = report.axes
    groups = [(h, "HW")] if h.windows == w.windows else [(h, "H"), (w, "W")]
    parts: list[RenderableType] = []
    for axis, noun in groups:
        lines = axis_lines(axis, noun)
        parts.append(Text(lines[0], style="bold"))
        parts.append(Text("\n".join("  " + line for line in lines[1:])))
        drawing = picture(axis.windows)
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
