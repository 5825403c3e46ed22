"""Reading a pasted summary: whose table it is (Keras', torchinfo's or torchsummary's), each line read by that
table's reader, the totals and torchinfo's footer; an error that says what the paste looked like when no row
could be read.
"""

from __future__ import annotations

import re

from ...errors import CnnCalcError
from ...model.records import replace
from .keras_rows import keras_row
from .lines import unbox, unwrap
from .records import PastedContainer, PastedRow, PastedSummary
from .torch_rows import (
    ELIDED_ROW,
    SUMMARY_ROW,
    TORCH_ROW,
    TorchCells,
    container_count,
    container_shape,
    has_batch_axis,
    summary_cells,
    torch_containers,
    torch_row,
    torchinfo_cells,
)
from .totals import CUT, TORCHINFO_FOOTER, TOTAL, footer_of, total_of


def parse_summary(text: str) -> PastedSummary:
    """Read the rows and totals of a pasted summary; raise if none can be found."""
    lines = unwrap(text)
    kind = _kind(lines)
    rows: list[PastedRow] = []
    skipped: list[str] = []
    totals: list[tuple[str, int]] = []
    inputs: list[tuple[str, tuple[int, ...]]] = []
    # torchinfo's rows, each matched once: the containers, the batch axis and the rows are read from the same matches
    torch_rows = torchinfo_cells(lines) if kind == "torchinfo" else []
    containers = torch_containers(torch_rows) if kind == "torchinfo" else set()
    batched = kind != "torchinfo" or has_batch_axis(torch_rows)
    footer: list[tuple[str, str, str]] = []
    wrapped: dict[int, list[str]] = {}  # 'Connected to' references on a row's later lines
    cuts: list[str] = []
    cut_at = -1  # how many rows there were at the last cut
    for number, raw in enumerate(lines, start=1):
        if number in containers:
            continue
        cut = _cut(raw, torch_rows[number - 1] if kind == "torchinfo" else None, kind, bool(rows or totals))
        if cut:
            cuts.append(cut)
            cut_at = len(rows)
            continue
        boxless = unbox(raw)
        line = TORCHINFO_FOOTER.match(boxless) if kind == "torchinfo" else None
        if line:
            footer.append(footer_of(line))
            continue
        total = TOTAL.match(boxless)
        if total:
            label, count = total_of(total)
            if count is not None:
                totals.append((label, count))
            continue
        if kind == "torchinfo":
            torch_row(raw.replace("|", " "), number, rows, skipped, torch_rows[number - 1], batched)
        elif kind == "torchsummary":  # its rows as a Markdown table too ('|Conv2d-1|[-1, 16, 28, 28]|160|')
            torch_row(boxless, number, rows, skipped, summary_cells(boxless))
        else:
            keras_row(boxless, number, rows, inputs, wrapped)
        if cut_at >= 0 and len(rows) > cut_at:
            rows[cut_at] = replace(rows[cut_at], after_cut=True)
            cut_at = -1
    for row, more in wrapped.items():
        rows[row] = replace(rows[row], connections=rows[row].connections + tuple(more))
    if not rows:
        raise CnnCalcError(f"no layer rows found in the pasted summary{_seen(lines)}",
                           "paste the whole table of model.summary() (Keras 1, 2 or 3), torchinfo.summary() or "
                           "torchsummary's summary(): each row needs a name, an output shape and a parameter count")
    outer = [found for found in inputs if not found[0].startswith("└")]  # a nested model's own input is not the paste's
    name, shape = outer[0] if outer else ("", None)
    batch = re.search(r"\[(\d+),", rows[0].text) if kind == "torchinfo" and batched else None
    blocks = [torch_rows[number - 1] for number in sorted(containers)]
    return PastedSummary(kind, tuple(rows), tuple(totals), tuple(skipped), name, shape, tuple(footer),
                         int(batch[1]) if batch else 1, tuple(cuts), sum(map(container_count, blocks)),
                         not any("Layer (type" in line for line in lines[:rows[0].line]),
                         tuple(found for block in blocks if (found := container_shape(block, batched))),
                         _chained(torch_rows, containers) and not cuts, tuple(inputs[1:]),
                         _containers(torch_rows, containers, batched))


def _cut(raw: str, cells: TorchCells | None, kind: str, after_rows: bool) -> str:
    """The line as a cut's mark when it says rows were left out ('...', '（中略）' after the first row or total, or
    torchinfo's tree row abridged by hand: '└─Sequential: 2-5 ... 8'), else ''."""
    if CUT.match(raw) and after_rows:
        return raw.strip()
    if kind == "torchinfo" and cells is None and ELIDED_ROW.match(raw):
        return " ".join(raw.split())
    return ""


def _containers(rows: list[TorchCells | None], containers: set[int], batched: bool) -> tuple[PastedContainer, ...]:
    """torchinfo's container rows, each with the last line of the rows under it (the line before the next row no
    deeper than it)."""
    cells = [(number, row) for number, row in enumerate(rows, start=1) if row is not None]
    found = []
    for position, (number, row) in enumerate(cells):
        if number not in containers:
            continue
        end = next((cells[later - 1][0] for later in range(position + 1, len(cells))
                    if cells[later][1].depth <= row.depth), cells[-1][0])
        found.append(PastedContainer(number, f"{row.type}: {row.depth}-{row.index}" if row.index else row.type,
                                     row.depth, container_shape(row, batched), container_count(row), end))
    return tuple(found)


def _chained(rows: list[TorchCells | None], containers: set[int]) -> bool:
    """Whether a torchinfo table is one nn.Sequential and its children only (its first row the only container)."""
    cells = [(number, row) for number, row in enumerate(rows, start=1) if row is not None]
    if len(containers) != 1 or not cells or cells[0][0] not in containers or cells[0][1].type != "Sequential":
        return False
    depth = cells[0][1].depth
    return all(row.depth == depth + 1 for _, row in cells[1:])


def _kind(lines: list[str]) -> str:
    """Whose summary it is: "torchsummary", "torchinfo" or "keras"."""
    if any(SUMMARY_ROW.match(unbox(line)) for line in lines):
        return "torchsummary"
    if any(TORCH_ROW.match(line.replace("|", " ")) for line in lines) or \
            any(cells is not None for cells in torchinfo_cells(lines)):
        return "torchinfo"
    return "keras"


def _seen(lines: list[str]) -> str:
    """What the paste looked like, for the error when no row could be read."""
    text = "\n".join(lines)
    if not text.strip():
        return ": it is empty"
    for marks, what in ((("Layer (type)", "Param #"), "a Keras summary's header"),
                        (("Layer (type:depth-idx)",), "a torchinfo header"),
                        (("Estimated Total Size",), "torchsummary's footer"),
                        (("Total params",), "a 'Total params' line")):
        if all(mark in text for mark in marks):
            return f": it has {what}, but no row with a name, an output shape and a parameter count"
    return ""

