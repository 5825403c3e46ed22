"""PyTorch's tables: torchinfo's tree ('Conv2d: 1-1  [1, 64, 224, 224]  1,792') and torchsummary's rows
('Conv2d-1  [-1, 64, 224, 224]  1,792'), read in Keras' terms: channels-last shapes, Keras' classes.

torchinfo's container rows (Sequential, a block class) are structure, not layers, and are passed over; activation
rows are skipped, as Keras fuses activations into their layer.
"""

from __future__ import annotations

import itertools
import re

from .classes import ADAPTIVE, TORCH_ACTIVATIONS, TORCH_CLASSES
from .numbers import SPLIT_SHAPE, leading_count, read_shape
from .records import PastedRow

#: torchinfo's rows.
TORCH_ROW = re.compile(
    r"^[\s│├└─|]*(?P<type>[A-Za-z_][A-Za-z0-9_]*): (?P<depth>\d+)-(?P<index>\d+)\s+"
    r"(?:\[[\d ,-]*\]\s+)*(?P<shape>\[[\d ,-]*\])\s+(?P<params>\(?\d[\d,]*\)?|--)"
)  # an 'Input Shape' column may come first; frozen parameters are printed '(1,792)'
#: torchsummary's rows: 'Conv2d-1   [-1, 64, 224, 224]   1,792'.
SUMMARY_ROW = re.compile(r"^\s*(?P<type>[A-Za-z_][A-Za-z0-9_]*)-(?P<index>\d+)\s+(?P<shape>\[[\d ,-]*\])\s+"
                         r"(?P<params>\d[\d,]*)\s*$")


def has_batch_axis(matches: list[re.Match[str] | None]) -> bool:
    """Whether a torchinfo table's shapes have a batch axis: a Linear or Flatten output of one axis ([10]) says
    the input was given unbatched, so [64, 112, 112] is C×H×W, not a batch of 64.  ``matches``: each line's
    :data:`TORCH_ROW` match (with '|' read as a space), or None."""
    for match in matches:
        if match and match["type"] in ("Linear", "Flatten") and match["shape"].count(",") == 0:
            return False
    return True


def torch_containers(lines: list[str], matches: list[re.Match[str] | None]) -> set[int]:
    """Line numbers of torchinfo's container rows (Sequential, a block class): structure, not layers.

    A row is a container when the next row is one level deeper (its child).  ``matches`` are the lines'
    :data:`TORCH_ROW` matches with '|' read as a space; a line with a '|' is matched again as written."""
    found = [(number, int(match["depth"])) for number, (line, read) in enumerate(zip(lines, matches), start=1)
             if (match := read if "|" not in line else TORCH_ROW.match(line))]
    return {number for (number, depth), (_, following) in itertools.pairwise(found) if following > depth}


def torch_row(raw: str, number: int, rows: list[PastedRow], skipped: list[str], match: re.Match[str] | None,
              batched: bool = True) -> None:
    """A torchinfo row ('Conv2d: 1-1  [1, 64, 224, 224]  1,792') or a torchsummary one ('Conv2d-1  [-1, 64, 224,
    224]  1,792'), from ``raw``'s match of its pattern; activations are skipped, as Keras fuses them into their
    layer."""
    if not match:
        return
    torch_type = match["type"]
    if torch_type in TORCH_ACTIVATIONS:
        skipped.append(torch_type)
        return
    shape = read_shape(match["shape"], True, batched)
    unreadable = match["shape"] if shape is None and SPLIT_SHAPE.fullmatch(match["shape"]) else ""
    if shape is None and not unreadable:
        return
    shape = shape or ()
    keras_class = TORCH_CLASSES.get(torch_type, torch_type)
    if torch_type in ADAPTIVE and any(size != 1 for size in shape[:-1]):
        keras_class = ADAPTIVE[torch_type]
    params = 0 if match["params"] == "--" else leading_count(match["params"].strip("()")) or 0
    depth = match.groupdict().get("depth") or "1"
    rows.append(PastedRow(number, f"{torch_type}: {depth}-{match['index']}", keras_class, shape, params, raw.strip(),
                          unreadable=unreadable))
