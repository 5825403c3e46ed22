"""PyTorch's tables: torchinfo's tree ('Conv2d: 1-1  [1, 64, 224, 224]  1,792') and torchsummary's rows
('Conv2d-1  [-1, 64, 224, 224]  1,792'), read in Keras' terms: channels-last shapes, Keras' classes.

torchinfo's columns are read by its header, in any order and any subset ('Input Shape', 'Output Shape', 'Param #',
'Param %', 'Kernel Shape', 'Mult-Adds', 'Trainable'; 'Param #' alone when summary() was given no input), and its rows
may carry a variable name ('Conv2d (conv1): 1-1').
Container rows (Sequential, a block class) are structure, not layers, and are passed over (their own parameters still
count toward the totals); activation rows are skipped, as Keras fuses activations into their layer; a module used
again is printed '(recursive)', its parameters counted on its first row.
"""

from __future__ import annotations

import itertools
import re

from ...model.records import record
from .classes import ADAPTIVE, KERAS_CLASSES, TORCH_ACTIVATIONS, TORCH_CLASSES
from .numbers import SPLIT_SHAPE, leading_count, read_shape
from .records import PastedRow

_SHAPE = r"\[[\d ,-]*\]"
#: a module that returns several tensors: '[[-1, 64, 64, 64], [-1, 64, 128, 128]]'
_SHAPES = rf"\[{_SHAPE}(?:, {_SHAPE})*\]"
_NO_COLUMN = "the table has no Output Shape column (torchinfo's summary() given no input)"
#: torchinfo's rows, read by position when the paste has no header: an 'Input Shape' column may come first; frozen
#: parameters are printed '(1,792)', a module used again '(recursive)'.
TORCH_ROW = re.compile(
    r"^[\s│├└─|]*(?P<type>[A-Za-z_][A-Za-z0-9_]*)(?: \((?P<var>[^()]*)\))?: (?P<depth>\d+)-(?P<index>\d+)\s+"
    rf"(?:{_SHAPE}\s+)*(?P<shape>{_SHAPE})\s+(?P<params>\(?\d[\d,]*\)?|--|\(recursive\))"
)
#: A torchinfo row's name cell under a header: the class, its variable name, and 'depth-idx' (or 'depth' alone, or
#: nothing, as row_settings choose); the cells follow after two spaces or more.
_NAME = re.compile(r"^[\s│├└─|+]*(?P<type>[A-Za-z_][A-Za-z0-9_]*)(?: \((?P<var>[^():]*)\))?"
                   r"(?:: (?P<depth>\d+)(?:-(?P<index>\d+))?)?(?=\s{2,}\S)")
_HEADER = re.compile(r"^[\s|]*Layer \(type(?: \(var_name\))?(?::depth-idx|:depth)?\)")
#: One cell of a torchinfo row: a shape ('[1, 64, 32, 32]') or a list of them ('[[1, 3], [1, 4]]'), '(recursive)',
#: or a word ('1,792', '--', '2', 'True', '0.05%'). A cell that fills its column is followed by one space only
#: ('[1, 128, 32, 32] 2'), so the cells are told apart by what they are, not by runs of spaces.
_CELL = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]|\(recursive\)|[^\s\[]+")
#: A torchinfo tree row its author abridged ('│    └─Sequential: 2-5 ... 8', '└─BasicBlock: ...   [1, ..., ...]
#: (...,...)', '└─Sequential: 3-...'): rows were left out there, so the rows shown do not sum to the total.
ELIDED_ROW = re.compile(r"^[\s│|]*(?:├─|└─|\+ |\+--|\|--)\s*[A-Za-z_][A-Za-z0-9_]*\b.*?(?:\.{3}|…)")
#: torchsummary's rows: 'Conv2d-1   [-1, 64, 224, 224]   1,792'.
SUMMARY_ROW = re.compile(rf"^\s*(?P<type>[A-Za-z_][A-Za-z0-9_]*)-(?P<index>\d+)\s+(?P<shape>{_SHAPE}|{_SHAPES})\s+"
                         r"(?P<params>\d[\d,]*)\s*$")
#: The number of axes, with the batch, of what a module of this class returns for a batched input.
_BATCHED_RANK = {"Conv1d": 3, "Conv2d": 4, "Conv3d": 5, "ConvTranspose1d": 3, "ConvTranspose2d": 4,
                 "MaxPool1d": 3, "MaxPool2d": 4, "AvgPool1d": 3, "AvgPool2d": 4, "MaxPool3d": 5, "AvgPool3d": 5}


@record
class TorchCells:
    """One row of a PyTorch table, as written: its class, its depth and index, its output shape and its count."""

    type: str
    depth: int
    index: str
    shape: str
    params: str
    #: the 'Input Shape' cell, when the table has that column ('' when not)
    input: str = ""


def torchinfo_cells(lines: list[str]) -> list[TorchCells | None]:
    """Each line's torchinfo row (None for a line that is none), its columns read by the header when the paste has
    one, else by position."""
    columns: list[str] | None = None
    found: list[TorchCells | None] = []
    for line in lines:
        plain = line.replace("|", " ")
        if (header := _HEADER.match(line)):  # every title after the layer's, known or not ('Groups')
            columns = [title.strip() for title in re.split(r"\s{2,}", line[header.end():].replace("|", " ").strip())
                       if title.strip()]
            found.append(None)
            continue
        cells = _by_header(plain, columns) if columns and {"Output Shape", "Param #"} & set(columns) else None
        if cells is None and (match := TORCH_ROW.match(plain)):
            cells = TorchCells(match["type"], int(match["depth"]), match["index"], match["shape"], match["params"])
        found.append(cells)
    return found


def _by_header(line: str, columns: list[str]) -> TorchCells | None:
    """A row read cell by cell under its header's columns."""
    name = _NAME.match(line)
    if not name:
        return None
    cells = _CELL.findall(line[name.end():])
    if len(cells) < len(columns):
        return None
    values = dict(zip(columns, cells))
    # '' when the table has no such column: no Param # (the counts are not in the paste), or no Output Shape
    # (summary() without an input: no row's output is)
    shape, params = values.get("Output Shape", ""), values.get("Param #", "")
    if ("Output Shape" in columns and not (shape == "--" or re.fullmatch(_SHAPE, shape))) or \
            not re.fullmatch(r"\(?\d[\d,]*\)?|--|\(recursive\)|", params):
        return None
    # without 'depth-idx' (row_settings without "depth"), the indentation orders the rows as depth would
    depth = int(name["depth"]) if name["depth"] else name.start("type")
    given = values.get("Input Shape", "")
    return TorchCells(name["type"], depth, name["index"] or "", shape, params,
                      given if re.fullmatch(_SHAPE, given) else "")


def summary_cells(line: str) -> TorchCells | None:
    """A torchsummary row."""
    match = SUMMARY_ROW.match(line)
    return TorchCells(match["type"], 1, match["index"], match["shape"], match["params"]) if match else None


def has_batch_axis(rows: list[TorchCells | None]) -> bool:
    """Whether a torchinfo table's shapes have a batch axis: a Linear or Flatten output of one axis ([10]), or a
    convolution's or pool's of one axis fewer than a batch gives it (Conv2d: [32, 26, 26]), says the input was given
    unbatched, so [64, 112, 112] is C×H×W, not a batch of 64. A convolution's or pool's rank decides first: a
    Linear that forward() hands a tensor without its batch (x.view(-1)) prints one axis in a batched table too."""
    flat = False
    for row in rows:
        if row is None or row.shape in ("--", ""):
            continue
        axes = row.shape.count(",") + 1
        if row.type in _BATCHED_RANK and axes in (_BATCHED_RANK[row.type], _BATCHED_RANK[row.type] - 1):
            return axes == _BATCHED_RANK[row.type]
        flat = flat or (row.type in ("Linear", "Flatten") and axes == 1)
    return not flat


def torch_containers(rows: list[TorchCells | None]) -> set[int]:
    """Line numbers of torchinfo's container rows (the model, Sequential, a block class): structure, not layers.
    A row is a container when the next row is one level deeper (its child)."""
    found = [(number, row.depth) for number, row in enumerate(rows, start=1) if row is not None]
    return {number for (number, depth), (_, following) in itertools.pairwise(found) if following > depth}


def container_count(row: TorchCells | None) -> int:
    """The parameters a container row prints of its own (a module's nn.Parameter, as a ViT's class token): 0 for
    '--'."""
    if row is None or not row.params[:1].isdigit():
        return 0
    return leading_count(row.params) or 0


def container_shape(row: TorchCells | None, batched: bool) -> tuple[int, ...] | None:
    """A container row's output, channels last, or None."""
    if row is None or row.shape in ("--", ""):
        return None
    return read_shape(row.shape, True, batched)


def torch_row(raw: str, number: int, rows: list[PastedRow], skipped: list[str], cells: TorchCells | None,
              batched: bool = True) -> None:
    """A torchinfo or torchsummary row from its cells; activations are skipped, as Keras fuses them into their
    layer."""
    if cells is None or (cells.shape == "--" and cells.params in ("--", "")):
        return  # a container whose rows follow; a ModuleList at the depth limit (its count, or '(recursive)' when
        # torchinfo draws it again) stands for the rows it holds, which are not in the paste
    torch_type = cells.type
    if torch_type in TORCH_ACTIVATIONS:
        skipped.append(torch_type)
        return
    # only the count is in the paste: a table without an Output Shape column, or a module's several outputs
    unshown = _NO_COLUMN if cells.shape == "" else "torchinfo prints no output for a module forward() never " \
        "calls" if cells.shape == "--" else \
        f"the module returns several tensors ({cells.shape})" if cells.shape.startswith("[[") else ""
    if unshown and cells.shape and cells.params == "0":
        return  # a block's several outputs, its parameters on its modules' rows: the rows after it read on
    # nn.Embedding's output [N, L, D] has its features last already, as Keras' (None, L, D)
    shape = () if unshown else read_shape(cells.shape, torch_type != "Embedding", batched)
    unreadable = cells.shape if shape is None and SPLIT_SHAPE.fullmatch(cells.shape) else ""
    if shape is None and not unreadable:
        return
    shape = shape or ()
    # a module of the model's own that bears a Keras class's name (a ViT's MultiHeadAttention block of a LayerNorm
    # and nn.MultiheadAttention) is not that layer: PyTorch's own classes are named as TORCH_CLASSES names them
    keras_class = TORCH_CLASSES.get(torch_type) or \
        (f"{torch_type} (the model's own module)" if torch_type in KERAS_CLASSES else torch_type)
    if torch_type in ADAPTIVE and any(size != 1 for size in shape[:-1]):
        keras_class = ADAPTIVE[torch_type]
    recursive = cells.params == "(recursive)"
    params = 0 if cells.params in ("--", "") or recursive else leading_count(cells.params.strip("()")) or 0
    # torchinfo prints a module's count in parentheses when none of its parameters trains: '(9,408)'
    frozen = not recursive and cells.params.startswith("(")
    name = f"{torch_type}: {cells.depth or 1}-{cells.index}" if cells.index else f"{torch_type}: {number}"
    given = read_shape(cells.input, True, batched) if cells.input else None
    rows.append(PastedRow(number, name, keras_class, shape, params, raw.strip(), unreadable=unreadable,
                          recursive=recursive, input=given, counted=cells.params != "", unshown=unshown,
                          frozen=frozen))
