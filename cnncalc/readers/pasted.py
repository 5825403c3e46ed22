"""Pasted model summaries: Keras 2's ASCII table, Keras 3's box table and torchinfo's tree.

Rows are read leniently (OCR'd lecture slides included): a name, a type in parentheses (Keras
2 truncates long ones: ``(MaxPooling2``), a shape and a parameter count.  torchinfo's shapes
are channels-first with the batch axis, and its types are torch classes; both are turned into
Keras' terms.  :func:`align` pairs pasted rows with the spec's layers by type, so one missing
or extra row is named instead of shifting every row after it.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable
from functools import lru_cache

from ..errors import CnnCalcError
from ..grading.answers import Verdict
from ..graph.network import Network, ResolvedLayer
from ..language.literals import TooLargeError, read_count, read_int
from ..model.conventions import channels_first as channels_first_shape
from ..model.conventions import channels_last
from ..model.layers import Activation, GlobalPooling, Merge, PReLU, keras_shape
from ..model.records import record, replace

Shape = tuple[int, ...]

__all__ = ["ACTIVATION_CLASSES", "UNREADABLE_SHAPE", "PastedRow", "PastedSummary", "align", "normalised_axis",
           "pairing", "parse_summary", "reference_name"]

#: Keras' class names, the common ones first: Keras 2 truncates long type names ('(BatchNo'), and a
#: truncated name is read as the first class it begins.
#: Keras 1's names for the same classes.
KERAS1_CLASSES = {"Convolution2D": "Conv2D", "Convolution1D": "Conv1D", "Deconvolution2D": "Conv2DTranspose",
                  "AtrousConvolution2D": "Conv2D", "SeparableConvolution2D": "SeparableConv2D"}
KERAS_CLASSES = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
                 "Flatten", "Dense", "Dropout", "BatchNormalization", "Activation", "InputLayer",
                 "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "ZeroPadding2D", "Cropping2D",
                 "UpSampling2D", "ReLU", "LeakyReLU", "PReLU", "Reshape", "Permute", "Embedding",
                 "LayerNormalization", "GroupNormalization", "Conv1D", "MaxPooling1D", "AveragePooling1D",
                 "GlobalAveragePooling1D", "GlobalMaxPooling1D", "Conv1DTranspose", "DepthwiseConv1D",
                 "SeparableConv1D", "Conv3D", "MaxPooling3D", "AveragePooling3D", "AdaptiveAveragePooling2D",
                 "AdaptiveMaxPooling2D", "AdaptiveAveragePooling1D", "AdaptiveMaxPooling1D", "Add", "Concatenate",
                 "Multiply", "Average", "Maximum", "Subtract", "ELU", "Softmax", "ThresholdedReLU")
TORCH_CLASSES = {
    "Conv2d": "Conv2D", "MaxPool2d": "MaxPooling2D", "AvgPool2d": "AveragePooling2D", "Linear": "Dense",
    "Flatten": "Flatten", "Dropout": "Dropout", "BatchNorm2d": "BatchNormalization",
    "BatchNorm1d": "BatchNormalization", "BatchNorm3d": "BatchNormalization",
    "AdaptiveAvgPool2d": "GlobalAveragePooling2D", "AdaptiveMaxPool2d": "GlobalMaxPooling2D",
    "ConvTranspose2d": "Conv2DTranspose", "Conv1d": "Conv1D", "ConvTranspose1d": "Conv1DTranspose",
    "MaxPool1d": "MaxPooling1D", "AvgPool1d": "AveragePooling1D", "Conv3d": "Conv3D", "MaxPool3d": "MaxPooling3D",
    "AvgPool3d": "AveragePooling3D", "Upsample": "UpSampling2D", "ZeroPad2d": "ZeroPadding2D",
    "Unflatten": "Reshape", "Embedding": "Embedding", "LayerNorm": "LayerNormalization",
    "GroupNorm": "GroupNormalization", "LocalResponseNorm": "LocalResponseNormalization", "PReLU": "PReLU",
    "AdaptiveAvgPool1d": "GlobalAveragePooling1D", "AdaptiveMaxPool1d": "GlobalMaxPooling1D",
}
#: An adaptive pool to more than 1×1 is not a global pool.
_ADAPTIVE = {"AdaptiveAvgPool2d": "AdaptiveAveragePooling2D", "AdaptiveMaxPool2d": "AdaptiveMaxPooling2D",
             "AdaptiveAvgPool1d": "AdaptiveAveragePooling1D", "AdaptiveMaxPool1d": "AdaptiveMaxPooling1D"}
TORCH_ACTIVATIONS = {"ReLU", "Sigmoid", "Tanh", "Softmax", "ELU", "SELU", "GELU", "SiLU", "Identity", "LogSoftmax",
                     "ReLU6", "LeakyReLU", "Hardswish", "Mish"}


def _unbox(line: str) -> str:
    """A line with its box-drawing column rules (│ ┃ | ║) as spaces: four C-speed replaces, where str.translate
    would look every character up in a table."""
    return line.replace("│", " ").replace("┃", " ").replace("|", " ").replace("║", " ")


#: Rows are read with patterns that cannot backtrack more than linearly, and lines longer than
#: this are not rows of any summary: they are skipped, so a pasted 3,000-space line costs nothing.
MAX_LINE = 1000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_SHAPE = re.compile(r"\(([^()]*)\)")
#: One size of a pasted shape: a space may group its thousands (18 496), in threes only, as in read_count.
_SHAPE_PART = re.compile(r"\s*(None|\?|-1|\d{1,3}(?: \d{3})+|\d+)\s*\Z")
#: A shape whose digits a space splits otherwise, as OCR does ((None, 2 6, 26, 32)): a shape, but unreadable.
# Possessive: a size's digits and spaces, and the spaces around a comma, are taken whole, so a line that is no
# shape ('(1  , 1  , … x') fails in a pass instead of trying every split of every run of spaces.
_SPLIT_SHAPE = re.compile(r"[(\[]\s*+(?:(?:None|\?|-1|\d[\d ]*+)\s*+,\s*+)*(?:None|\?|-1|\d[\d ]*+)\s*+,?\s*+[)\]]")
#: :data:`_SPLIT_SHAPE` where a count follows it (past a list's ']'), as a row's does: 'conv2d[0][0]' is none.
#: Atomic: the shape is matched as :data:`_SPLIT_SHAPE` matches it, then the count is looked for once.
_SPLIT_SHAPE_COUNTED = re.compile(f"(?>{_SPLIT_SHAPE.pattern})" + r"(?=(?:\s*\])?\s*\d)")
_COUNT_START = re.compile(r"\s*(\d[\d,.'_\u00a0\u202f\u2009]*(?: \d{3}(?!\d))*)")
_TORCH_ROW = re.compile(
    r"^[\s│├└─|]*(?P<type>[A-Za-z_][A-Za-z0-9_]*): (?P<depth>\d+)-(?P<index>\d+)\s+"
    r"(?:\[[\d ,-]*\]\s+)*(?P<shape>\[[\d ,-]*\])\s+(?P<params>\(?\d[\d,]*\)?|--)"
)  # an 'Input Shape' column may come first; frozen parameters are printed '(1,792)'
#: torchsummary's rows: 'Conv2d-1   [-1, 64, 224, 224]   1,792'.
_SUMMARY_ROW = re.compile(r"^\s*(?P<type>[A-Za-z_][A-Za-z0-9_]*)-(?P<index>\d+)\s+(?P<shape>\[[\d ,-]*\])\s+"
                          r"(?P<params>\d[\d,]*)\s*$")
#: What wraps a paste: quotes, comments, a notebook's Out[3]:, Markdown's bold.
_WRAPPING = re.compile(r"^\s*(?:(?:>|#|//|;)\s?)*(?:Out\[\d+\]:\s*)?")
_JSON_LINE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)",?\s*$')
_CONTINUED_TYPE = re.compile(r"^\s*\((?P<type>[A-Za-z_][A-Za-z0-9_]*)\)\s*")
#: A 'Connected to' reference: name[node][tensor], or Keras 3's cut forms 'name[0][0…', 'name[0]…', 'name…'.
# A name starts where no name goes on (the lookbehind), and is taken whole (possessive): a line of 1,000
# underscores then costs one pass, not a retry from every position with every shorter name.
_CONNECTION = re.compile(r"(?<![\w.])[A-Za-z_][\w.]*+(?:\[\d+\]\[\d+\]|[\[\]\d]*…)")
_TOTAL = re.compile(r"^\s*(?P<label>Total|Trainable|Non-trainable) params:(?P<count>[^(]*)", re.I)
#: torchinfo's footer: 'Total mult-adds (M): 2.47' (Python 3.11+: '(Units.MEGABYTES)') and the four size lines
_TORCHINFO_FOOTER = re.compile(r"^\s*(?P<label>Total mult-adds|Input size|Forward/backward pass size|Params size|"
                               r"Estimated Total Size) \((?P<unit>[^)]*)\):\s*(?P<value>[\d,]+(?:\.\d+)?)\s*$")
_UNITS = {"Units.MEGABYTES": "M", "Units.GIGABYTES": "G", "Units.TERABYTES": "T", "Units.NONE": ""}


def _clean(line: str) -> str:
    """A pasted line without terminal colours, or '' when it is too long to be a summary row."""
    return "" if len(line) > MAX_LINE else _ANSI.sub("", line) if "\x1b" in line else line


def _count(text: str) -> int | None:
    """The count at the start of ``text``, in any thousands style (see literals.read_count)."""
    match = _COUNT_START.match(text)
    return _read_count(match) if match else None


def _read_count(match: re.Match[str]) -> int | None:
    """The count :data:`_COUNT_START` found, or None when it cannot be read: as in a shape, a space groups
    thousands in threes only, so '3 20' (OCR's split digits) is no count, never 3."""
    if _SPLIT_DIGITS.match(match.string, match.end()):
        return None
    return _written_count(match[1])


#: What follows a count whose digits a space splits other than in threes ('3 20', '18 4960').
_SPLIT_DIGITS = re.compile(r" \d")


@lru_cache(maxsize=4096)  # a paste repeats its counts; each is read once
def _written_count(text: str) -> int | None:
    try:
        return read_count(text.rstrip(",.'_ "))
    except ValueError:
        return None


@record
class PastedRow:
    line: int
    name: str
    keras_class: str
    shape: tuple[int, ...]
    params: int
    text: str
    #: a functional summary's 'Connected to' cell, as written: 'conv2d[0][0]', or cut: 'batch_normalization[0]…'
    connections: tuple[str, ...] = ()
    #: a type cell cut short ('MaxPooling'), whose rest tf.keras 2.5+ wraps onto the next line ('2D)')
    type_text: str = ""
    #: the output shape is 'multiple' (a subclassed model's layer): only the count can be read
    multiple: bool = False
    #: the output shape as written when it cannot be read ('(None, 2 6, 26, 32)': a space splits a size where
    #: it groups no thousands); the row's output is then unchecked, never read as some other number
    unreadable: str = ""

    @property
    def shapeless(self) -> bool:
        """No output shape to check or pass on: 'multiple', or unreadable."""
        return self.multiple or bool(self.unreadable)


@record
class PastedSummary:
    kind: str  # "keras", "torchinfo" or "torchsummary"

    @property
    def torch(self) -> bool:
        """A PyTorch table: its classes, BatchNorm's 2·C, no activation rows."""
        return self.kind != "keras"
    rows: tuple[PastedRow, ...]
    totals: tuple[tuple[str, int], ...]
    skipped: tuple[str, ...]  # torchinfo's activation rows, which Keras fuses into their layer
    #: the name and shape of the InputLayer row (Keras 3, functional models), which 'Connected to' cells refer to
    input_name: str = ""
    input_shape: tuple[int, ...] | None = None
    #: torchinfo's footer lines, (label, unit, value as written), and the batch its shapes have
    footer: tuple[tuple[str, str, str], ...] = ()
    batch: int = 1


def _snake(name: str) -> str:
    """Keras' to_snake_case, which makes its auto-names: 'MaxPooling2D' → 'max_pooling2d', 'ReLU' → 're_lu'."""
    intermediate = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", intermediate).lower()


#: The class behind each auto-name: Keras 2's and 3's snake case ('batch_normalization'), Keras 1's lower
#: case ('batchnormalization', 'convolution2d'), and tf.keras' 'input' of an InputLayer.
_AUTO_NAMES = {**{_snake(name): name for name in KERAS_CLASSES}, **{name.lower(): name for name in KERAS_CLASSES},
               **{old.lower(): new for old, new in KERAS1_CLASSES.items()}, "input": "InputLayer"}
_AUTO_NAME = re.compile(r"(?P<base>[a-z][a-z0-9_]*?)(?:_\d+)?")


def _auto_class(name: str) -> str:
    """The class a Keras auto-name gives away: 'batch_normalization_3' → 'BatchNormalization'; '' for a
    name of the user's own ('block1_conv1')."""
    match = _AUTO_NAME.fullmatch(name)
    return _AUTO_NAMES.get(match["base"], "") if match else ""


def _keras_class(truncated: str | None, name: str = "") -> str:
    """A row's class from its type cell, which Keras 2 cuts short ('(BatchNo', '(Batc') or a paste may have
    lost, and its auto-name, which gives the class away when the cell cannot ('batch_normalization_3')."""
    auto = _auto_class(name)
    if not truncated:
        return auto
    if auto.startswith(truncated):  # before an exact match: '(Average' may be AveragePooling2D cut short
        return auto
    if truncated in KERAS1_CLASSES:
        return KERAS1_CLASSES[truncated]
    if truncated in KERAS_CLASSES:
        return truncated
    starting = [known for known in KERAS_CLASSES if known.startswith(truncated)]
    if starting and (len(truncated) >= 6 or len(starting) == 1):
        return starting[0]
    return truncated


@lru_cache(maxsize=4096)  # a paste repeats its shapes (and its '(Conv2D)'); each is read once
def _shape(text: str, channels_first: bool, batched: bool = True) -> tuple[int, ...] | None:
    """The sizes of a pasted shape without its batch axis; None if it is not a shape.

    A space inside a size groups its thousands (``(None, 18 496)``), in threes only: ``(None, 2 6, 26, 32)``, as
    OCR splits digits, is not a shape that can be read (:data:`_SPLIT_SHAPE` tells it apart).
    ``batched=False``: a torchinfo table of an unbatched input ([64, 112, 112]) has no batch axis to drop.
    """
    inner = text.strip("()[]")
    first = inner.lstrip(" ,")[:4]
    if not first or not (first[0].isdigit() or first.startswith(("None", "?", "-1"))):
        return None  # '(Conv2D)': the common parenthesis that is no shape, turned away at once
    sizes = []
    for part in inner.split(","):
        size = part.strip()
        if not size:
            continue
        if not (size.isdigit() and size.isascii()):  # the common plain size needs no pattern
            found = _SHAPE_PART.match(part)
            if not found:
                return None
            size = found[1].replace(" ", "")
        sizes.append(size)
    if not sizes:
        return None
    try:
        dims = tuple(read_int(size) for size in sizes[0 if not batched else 1:] if size not in ("None", "?", "-1"))
    except TooLargeError:
        return None
    if channels_first and len(dims) >= 2:
        dims = (*dims[1:], dims[0])
    return dims


def _unwrap(text: str) -> list[str]:
    """The paste's lines without what wraps them: a notebook's JSON strings ('"│ conv2d … │\\n",'), quote and
    comment marks, 'Out[3]:', Markdown's '**', tabs; and a Keras 3 box table's wrapped cells joined into one
    line per row."""
    import json

    lines: list[str] = []
    for raw in text.splitlines():
        line = raw
        quoted = _JSON_LINE.match(raw)
        if quoted:
            with contextlib.suppress(ValueError):
                line = json.loads(f'"{quoted[1]}"').rstrip("\n")
        lines += _WRAPPING.sub("", _clean(line)).replace("**", "").expandtabs(8).split("\n")
    return _join_box_rows(lines)


_BOX_RULE = re.compile(r"^\s*[├┡└┏┗╞╘]")


def _join_box_rows(lines: list[str]) -> list[str]:
    """Keras 3 wraps a long cell ('(None, 26, 26,' / '32)', 'batch_normalization' / '(BatchNormalization)') onto
    the next lines of its row; join each row's lines cell by cell, so a row is one line again."""
    joined: list[str] = []
    group: list[list[str]] = []

    def flush() -> None:
        if group:
            width = max(len(cells) for cells in group)
            merged = [" ".join(cells[i].strip() for cells in group if i < len(cells) and cells[i].strip())
                      for i in range(width)]
            row = " │ ".join(merged)
            joined.append(row if len(row) <= MAX_LINE else "")  # no row of a summary: skipped, as a long line is
            group.clear()

    for line in lines:
        if line.lstrip().startswith(("│", "┃")) and line.count("│") + line.count("┃") >= 3:
            group.append(re.split("[│┃]", line))
            continue
        flush()
        joined.append(line)
    flush()
    return joined


def parse_summary(text: str) -> PastedSummary:
    """Read the rows and totals of a pasted summary; raise if none can be found."""
    lines = _unwrap(text)
    kind = _kind(lines)
    rows: list[PastedRow] = []
    skipped: list[str] = []
    totals: list[tuple[str, int]] = []
    inputs: list[tuple[str, tuple[int, ...]]] = []
    # torchinfo's rows, each matched once: the containers, the batch axis and the rows are read from the same matches
    torch_rows = [_TORCH_ROW.match(line.replace("|", " ")) for line in lines] if kind == "torchinfo" else []
    containers = _torch_containers(lines, torch_rows) if kind == "torchinfo" else set()
    batched = kind != "torchinfo" or _batched(torch_rows)
    footer: list[tuple[str, str, str]] = []
    wrapped: dict[int, list[str]] = {}  # 'Connected to' references on a row's later lines
    for number, raw in enumerate(lines, start=1):
        if number in containers:
            continue
        boxless = _unbox(raw)
        line = _TORCHINFO_FOOTER.match(boxless) if kind == "torchinfo" else None
        if line:
            footer.append((line["label"], _UNITS.get(line["unit"], line["unit"]), line["value"].replace(",", "")))
            continue
        total = _TOTAL.match(boxless)
        if total:
            count = _count(total["count"])
            if count is not None:
                totals.append((total["label"].lower().replace("-", "_"), count))
            continue
        if kind == "torchinfo":
            _torch_row(raw.replace("|", " "), number, rows, skipped, torch_rows[number - 1], batched)
        elif kind == "torchsummary":
            _torch_row(raw, number, rows, skipped, _SUMMARY_ROW.match(raw))
        else:
            _keras_row(boxless, number, rows, inputs, wrapped)
    for row, more in wrapped.items():
        rows[row] = replace(rows[row], connections=rows[row].connections + tuple(more))
    if not rows:
        raise CnnCalcError(f"no layer rows found in the pasted summary{_seen(lines)}",
                           "paste the whole table of model.summary() (Keras 1, 2 or 3), torchinfo.summary() or "
                           "torchsummary's summary(): each row needs a name, an output shape and a parameter count")
    name, shape = inputs[0] if inputs else ("", None)
    batch = re.search(r"\[(\d+),", rows[0].text) if kind == "torchinfo" and batched else None
    return PastedSummary(kind, tuple(rows), tuple(totals), tuple(skipped), name, shape, tuple(footer),
                         int(batch[1]) if batch else 1)


def _kind(lines: list[str]) -> str:
    """Whose summary it is: "torchsummary", "torchinfo" or "keras"."""
    if any(_SUMMARY_ROW.match(line) for line in lines):
        return "torchsummary"
    if any(_TORCH_ROW.match(line.replace("|", " ")) for line in lines):
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


def _keras_row(line: str, number: int, rows: list[PastedRow], inputs: list[tuple[str, tuple[int, ...]]],
               wrapped: dict[int, list[str]]) -> None:
    """A Keras row from a line whose column rules are spaces already (:func:`_unbox`)."""
    for shape_match in _SHAPE.finditer(line):  # the first parenthesis that is a shape followed by a count
        shape = _shape(shape_match[0], False)
        after = _counted_after(line, shape_match.end()) if shape is not None else None
        if after is not None and _keras_cells(line, number, shape_match.start(), after, shape, rows, inputs):
            return
    multiple = _MULTIPLE.search(line)  # a subclassed model's layers have no output shape to print
    if multiple and _keras_cells(line, number, multiple.start(), line[multiple.end():], None, rows, inputs):
        return
    for split in _SPLIT_SHAPE_COUNTED.finditer(line):  # a shape whose digits are split: a row, its output unreadable
        after = _counted_after(line, split.end())
        if after is not None and _keras_cells(line, number, split.start(), after, None, rows, inputs, split[0]):
            return
    if rows:
        _continued(line, rows, wrapped)


_LIST_END = re.compile(r"\s*\]")


def _counted_after(line: str, end: int) -> str | None:
    """The rest of ``line`` after a shape that ends at ``end`` (and its list's ']': tf.keras prints an input's shape
    as a list), when a count starts it; None when none does, so that a line of many '[0][0]' costs a match at each,
    not a copy of the rest of the line."""
    closing = _LIST_END.match(line, end)
    start = closing.end() if closing else end
    return line[start:] if _COUNT_START.match(line, start) else None


#: Why a row's output is unchecked when its shape cannot be read.
UNREADABLE_SHAPE = ("the shape cannot be read: a space inside a size groups thousands, in threes (18 496), so "
                    "'2 6' is no number; the output is not checked")
_MULTIPLE = re.compile(r"\smultiple\s")


def _keras_cells(line: str, number: int, start: int, after: str, shape: tuple[int, ...] | None,
                 rows: list[PastedRow], inputs: list[tuple[str, tuple[int, ...]]], unreadable: str = "") -> bool:
    """A Keras row from its cells: name and type before the shape, then the count and 'Connected to';
    False when no count follows the shape (the parenthesis was not the shape).  ``shape`` is None for
    'multiple', or for a shape that cannot be read (``unreadable``, as written)."""
    counted = _COUNT_START.match(after)
    params = _read_count(counted) if counted is not None else None
    if counted is None or params is None:
        return False
    name, keras_type = _name_and_type(line[:start])
    keras_class = _keras_class(keras_type, name)
    cut = keras_type if keras_type and not line[:start].rstrip().endswith(")") else ""  # continued below?
    if keras_class == "InputLayer":
        if shape is not None:
            inputs.append((name, shape))
    elif name and not name.lower().startswith(("layer (type)", "input")):
        connections = tuple(_CONNECTION.findall(after[counted.end():]))  # the 'Connected to' cell
        rows.append(PastedRow(number, name, keras_class, shape or (), params, line.strip(), connections, cut,
                              shape is None and not unreadable, unreadable))
    return True


def _continued(line: str, rows: list[PastedRow], wrapped: dict[int, list[str]]) -> None:
    """A row's next line: Keras 3 wraps '(BatchNormalization)' and tf.keras 2.5+ wraps the rest of a type cut
    at its column ('max_pooling1d (MaxPooling' then '1D)'); both wrap long 'Connected to' cells, whose
    references are gathered in ``wrapped`` (by row) and added once: a row's tuple is not copied for each line."""
    last = rows[-1]
    typed, end = last.type_text, 0
    if (continued := _CONTINUED_TYPE.match(line)) and not last.keras_class:
        typed, end = continued["type"], continued.end()
    elif last.type_text and (rest := _REST_OF_TYPE.match(line)):
        typed, end = last.type_text + rest["rest"], rest.end()
    more = _CONNECTION.findall(line[end:])
    if end:
        rows[-1] = replace(last, keras_class=_keras_class(typed, last.name), type_text="")
    elif more and last.type_text:  # the cut type did not go on: it stays as it was read
        rows[-1] = replace(last, type_text="")
    if more:
        wrapped.setdefault(len(rows) - 1, []).extend(more)


_REST_OF_TYPE = re.compile(r"^\s*(?P<rest>[A-Za-z0-9_]*)\)")


def _name_and_type(head: str) -> tuple[str, str | None]:
    """``conv2d_1 (Conv2D)`` or Keras 2's truncated ``max_pooling2d (MaxPooling2`` as (name, type)."""
    head = head.strip()
    opening = head.rfind("(")
    if opening < 0:
        return head, None
    keras_type = head[opening + 1 :].strip().rstrip(")").strip()
    valid = keras_type.replace("_", "a").isalnum() and not keras_type[:1].isdigit()
    return head[:opening].strip(), keras_type if valid else None


def _batched(matches: list[re.Match[str] | None]) -> bool:
    """Whether a torchinfo table's shapes have a batch axis: a Linear or Flatten output of one axis ([10]) says
    the input was given unbatched, so [64, 112, 112] is C×H×W, not a batch of 64.  ``matches``: each line's
    :data:`_TORCH_ROW` match (with '|' read as a space), or None."""
    for match in matches:
        if match and match["type"] in ("Linear", "Flatten") and match["shape"].count(",") == 0:
            return False
    return True


def _torch_containers(lines: list[str], matches: list[re.Match[str] | None]) -> set[int]:
    """Line numbers of torchinfo's container rows (Sequential, a block class): structure, not layers.

    A row is a container when the next row is one level deeper (its child).  ``matches`` are the lines'
    :data:`_TORCH_ROW` matches with '|' read as a space; a line with a '|' is matched again as written."""
    found = [(number, int(match["depth"])) for number, (line, read) in enumerate(zip(lines, matches), start=1)
             if (match := read if "|" not in line else _TORCH_ROW.match(line))]
    return {number for (number, depth), (_, following) in itertools.pairwise(found) if following > depth}


def _torch_row(raw: str, number: int, rows: list[PastedRow], skipped: list[str], match: re.Match[str] | None,
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
    shape = _shape(match["shape"], True, batched)
    unreadable = match["shape"] if shape is None and _SPLIT_SHAPE.fullmatch(match["shape"]) else ""
    if shape is None and not unreadable:
        return
    shape = shape or ()
    keras_class = TORCH_CLASSES.get(torch_type, torch_type)
    if torch_type in _ADAPTIVE and any(size != 1 for size in shape[:-1]):
        keras_class = _ADAPTIVE[torch_type]
    params = 0 if match["params"] == "--" else _count(match["params"].strip("()")) or 0
    depth = match.groupdict().get("depth") or "1"
    rows.append(PastedRow(number, f"{torch_type}: {depth}-{match['index']}", keras_class, shape, params, raw.strip(),
                          unreadable=unreadable))


@record
class _Expected:
    """A row the paste should have: its layer, and the class, shape and parameters the paste should show."""

    layer: ResolvedLayer
    kind: str
    shape: tuple[int, ...]
    params: int


#: Keras layer classes that are activations: a paste's 'elu (ELU)' row is the spec's 'elu' (Activation).
ACTIVATION_CLASSES = frozenset({"Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU"})


def _keras_family(keras_class: str) -> str:
    return "Activation" if keras_class in ACTIVATION_CLASSES else keras_class


def _expected_rows(net: Network, torchinfo: bool) -> list[_Expected]:
    """The rows a paste of this network has: Keras' rows, or torchinfo's modules.

    torchinfo lists no activations (the paste's activation rows are skipped too) and no merges (`+` and
    torch.cat run in forward()), and a global pool is PyTorch's AdaptiveAvgPool2d(1) then a Flatten.
    """
    if not torchinfo:
        return [_Expected(layer, _keras_family(layer.keras_class), layer.output_shape, layer.params.total)
                for layer in net.layers]
    rows = []
    for layer in net.layers:
        if not _torch_module(layer):
            continue
        shape = layer.output_shape
        if isinstance(layer.layer, GlobalPooling) and not layer.layer.keepdims:
            rows.append(_Expected(layer, _torch_class(layer), (*(1,) * layer.layer.rank, shape[-1]), 0))
            rows.append(_Expected(layer, "Flatten", shape, 0))
            continue
        rows.append(_Expected(layer, _torch_class(layer), shape, layer.params.trainable))
    return rows


def normalised_axis(row: PastedRow, channels_first: bool = False) -> tuple[int, int] | None:
    """(Keras axis, its size) of the axis whose 4·n (or 3·n, 2·n) a BatchNormalization row's count is, as the paste
    numbers its axes (the batch is 0); the last axis first, as Keras' default axis=-1 is."""
    written = (row.shape[-1], *row.shape[:-1]) if channels_first and len(row.shape) > 1 else row.shape
    for index in range(len(written), 0, -1):
        size = written[index - 1]
        if size and row.params in (4 * size, 3 * size, 2 * size):
            return index, size
    return None


def _row_verdicts(expected: _Expected, row: PastedRow, kind: str, show: Callable[[Shape], str]) -> list[Verdict]:
    layer = expected.layer
    claim = f"{layer.index} {layer.name}"
    verdicts = []
    given = _torch_type(row) if kind != "keras" else row.keras_class
    if given and (given if kind != "keras" else _keras_family(given)) != expected.kind:
        verdicts.append(Verdict(f"{claim} type", given, expected.kind, "wrong", note=f"line {row.line} of the paste"))
    shape_ok = row.shape == expected.shape
    if row.multiple:
        verdicts.append(Verdict(f"{claim} output", "multiple", show(expected.shape), "unchecked",
                                note="a subclassed model's summary prints 'multiple' for the shape"))
    elif row.unreadable:
        verdicts.append(Verdict(f"{claim} output", row.unreadable, show(expected.shape), "unchecked",
                                note=UNREADABLE_SHAPE))
    else:
        verdicts.append(Verdict(f"{claim} output", show(row.shape), show(expected.shape),
                                "correct" if shape_ok else "wrong", "" if shape_ok else layer.explain("output") or ""))
    expected_params = expected.params
    note = ""
    if kind != "keras" and layer.params.non_trainable:
        note = "torch counts only gamma and beta; the moving statistics are buffers"
    params_ok = row.params == expected_params
    axis = normalised_axis(row, show is not keras_shape) if expected.kind == "BatchNormalization" and \
        kind == "keras" and not params_ok else None
    if axis is not None:
        note = f"the paste's layer normalises axis {axis[0]} ({axis[1]}): BatchNormalization(axis={axis[0]}), " \
               f"where the spec's bn normalises the {expected.shape[-1]} channels"
    verdicts.append(Verdict(f"{claim} params", f"{row.params:,}", f"{expected_params:,}",
                            "correct" if params_ok else "wrong",
                            "" if params_ok else layer.explain("params") or "", note if not params_ok else ""))
    return verdicts


#: PyTorch classes a torchinfo or torchsummary row may have that cnncalc models.
_TORCH_MODELLED = frozenset({*TORCH_CLASSES, *_ADAPTIVE, "DepthwiseConv2d"})


def _modelled(row: PastedRow, torch: bool) -> bool:
    """A row of a kind cnncalc models (an LSTM, a Lambda, Rescaling or a nested model is not)."""
    if torch:
        return _torch_type(row) in _TORCH_MODELLED
    return not row.keras_class or row.keras_class in KERAS_CLASSES or row.keras_class in KERAS1_CLASSES


def _torch_module(layer: ResolvedLayer) -> bool:
    """A layer torchinfo lists: not an activation (its rows are skipped on both sides), not a merge (`+` and
    torch.cat are operations in forward(), not modules)."""
    if isinstance(layer.layer, Merge):
        return False
    return not isinstance(layer.layer, Activation) or isinstance(layer.layer, PReLU)


def _torch_class(layer: ResolvedLayer) -> str:
    return layer.layer.torch_class_for(layer.input_shape)


def _torch_type(row: PastedRow) -> str:
    """A torchinfo row's class: 'Conv2d' of 'Conv2d: 3-1'."""
    return row.name.split(":")[0]


def align(net: Network, pasted: PastedSummary) -> list[Verdict]:
    """Row-by-row verdicts for a pasted summary, then its totals; missing and extra rows are named.

    A Keras paste is read in the spec's layout, or channels-first when that pairs more of its rows (Keras 1 on
    Theano, ``data_format='channels_first'``); a torchinfo or torchsummary table is always channels-first."""
    verdicts = _aligned(net, pasted, net.layout == "nchw" and pasted.kind == "keras")
    if pasted.kind != "keras" or not any(len(row.shape) > 1 for row in pasted.rows):
        return verdicts
    other = _aligned(net, pasted, net.layout != "nchw")
    if sum(v.status == "wrong" for v in other) >= sum(v.status == "wrong" for v in verdicts):
        return verdicts
    written = "channels-first" if net.layout != "nchw" else "channels-last"
    note = f"the paste's shapes are read {written}, unlike the spec's: write the spec's input " + \
        ("'… nchw'" if written == "channels-first" else "without nchw") + " to match them"
    return [replace(other[0], note=f"{other[0].note}; {note}" if other[0].note else note), *other[1:]]


def _aligned(net: Network, pasted: PastedSummary, channels_first: bool) -> list[Verdict]:
    """:func:`align` with the Keras paste's shapes read channels-first or not."""
    if channels_first:
        pasted = replace(pasted, rows=tuple(replace(row, shape=channels_last(row.shape)) for row in pasted.rows))

    show = keras_shape if not channels_first else lambda shape: keras_shape(channels_first_shape(shape))

    torchinfo = pasted.torch
    layers = _expected_rows(net, torchinfo)  # PyTorch's classes for torchinfo: a depthwise conv is a Conv2d there
    verdicts = [Verdict(f"line {row.line} {row.name}", f"{row.params:,}", "?", "unchecked",
                        note=f"cnncalc does not model {row.keras_class or 'this layer'}: its row is not checked, "
                             "its parameters still count toward the totals")
                for row in pasted.rows if not _modelled(row, torchinfo)]
    rows = [row for row in pasted.rows if _modelled(row, torchinfo)]
    # rows are paired by what they are (class, shape and count), so one odd row cannot shift the rest
    by_class = any(row.multiple for row in rows)  # a subclassed model's rows have no shape to pair them by
    expected = [(row.kind, () if by_class else row.shape, row.params) for row in layers]
    given = [((_torch_type(row) if torchinfo else _keras_family(row.keras_class)) or "?",
              () if by_class else row.shape, row.params) for row in rows]
    pairs: list[tuple[ResolvedLayer, PastedRow]] = []
    for a, b in pairing(expected, given):
        if a is not None and b is not None:
            verdicts += _row_verdicts(layers[a], rows[b], pasted.kind, show)
            pairs.append((layers[a].layer, rows[b]))
        elif a is not None:
            missing = layers[a]
            layer = missing.layer
            verdicts.append(Verdict(f"{layer.index} {layer.name}", "(missing)",
                                    f"{show(missing.shape)}, {missing.params:,} params", "wrong",
                                    note=f"the paste has no row for {layer.name} ({missing.kind})"))
        elif b is not None:
            row = rows[b]
            verdicts.append(Verdict(f"line {row.line}", row.text, "(no such layer)", "wrong",
                                    note="an extra row: the spec has no layer here"))
    return verdicts + _connection_verdicts(pairs, pasted.input_name) + _total_verdicts(net, pasted) + \
        _footer_verdicts(net, pasted)


Key = tuple[str, Shape, int]
#: Pastes up to this many (layer, row) cells are paired by one edit distance over all their rows.
_WHOLE_EDIT = 40_000
#: Longer pastes are walked in order: where a row and a layer disagree, the walk looks this many rows ahead on
#: each side for where they agree again (for :data:`_AGREE` rows in a row), and pairs the rows between by edit
#: distance; so a 4 MiB paste costs a pass, not a product of its rows and the spec's.
_LOOKAHEAD = 8
_AGREE = 4


def pairing(expected: list[Key], given: list[Key]) -> list[tuple[int | None, int | None]]:
    """Which pasted row is which layer: (layer, row) index pairs in order, None for a missing or an extra row.

    An edit distance pairs a row of the same class whose shape or count differs (a misprint, 0.5 each) rather
    than call it one missing and one extra (1 each), and pairs rows of different classes only when their shape
    and count agree. Past 200 × 200 rows, rows alike in class, shape and count are paired as the walk meets them,
    and the edit distance pairs the few rows between two places where the paste and the spec agree again.

    >>> pairing([("BatchNormalization", (1, 1, 1), 4)] * 2, [("BatchNormalization", (1, 1, 2), 4),
    ...                                                       ("BatchNormalization", (1, 1, 1), 4)])
    [(0, 0), (1, 1)]
    """
    if len(expected) * len(given) <= _WHOLE_EDIT:
        return _edit_pairs(expected, given)
    n, m = len(expected), len(given)
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if expected[i] == given[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
            continue
        skip_i, skip_j = _agreement(expected, given, i, j)
        pairs += [(None if a is None else i + a, None if b is None else j + b)
                  for a, b in _edit_pairs(expected[i:i + skip_i], given[j:j + skip_j])]
        i, j = i + skip_i, j + skip_j
    return pairs + [(a, None) for a in range(i, n)] + [(None, b) for b in range(j, m)]


def _agreement(expected: list[Key], given: list[Key], i: int, j: int) -> tuple[int, int]:
    """How many layers and rows from (i, j) until the spec and the paste agree again, the fewest first: for
    :data:`_AGREE` rows, or up to both ends. Nowhere within :data:`_LOOKAHEAD`: that many on each side."""
    n, m = len(expected), len(given)
    for total in range(1, 2 * _LOOKAHEAD + 1):
        for skip_i in range(max(0, total - _LOOKAHEAD), min(total, _LOOKAHEAD) + 1):
            a, b = i + skip_i, j + total - skip_i
            if a > n or b > m:
                continue
            run = min(_AGREE, n - a, m - b)
            if (run == _AGREE or (a + run == n and b + run == m)) and expected[a:a + run] == given[b:b + run]:
                return skip_i, total - skip_i
    return min(_LOOKAHEAD, n - i), min(_LOOKAHEAD, m - j)


def _edit_pairs(expected: list[Key], given: list[Key]) -> list[tuple[int | None, int | None]]:
    """The cheapest pairing of two short runs of rows (an edit distance, backtracked)."""
    def cost(a: Key, b: Key) -> float:
        if a[0] == b[0]:
            return 0.5 * (a[1] != b[1]) + 0.5 * (a[2] != b[2])
        return 1.0 if a[1:] == b[1:] else 3.0

    n, m = len(expected), len(given)
    table = [[float(i + j) if not i or not j else 0.0 for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            table[i][j] = min(table[i - 1][j - 1] + cost(expected[i - 1], given[j - 1]), table[i - 1][j] + 1,
                              table[i][j - 1] + 1)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and table[i][j] == table[i - 1][j - 1] + cost(expected[i - 1], given[j - 1]):
            i, j = i - 1, j - 1
            pairs.append((i, j))
        elif i and table[i][j] == table[i - 1][j] + 1:
            i -= 1
            pairs.append((i, None))
        else:
            j -= 1
            pairs.append((None, j))
    return pairs[::-1]


def _connection_verdicts(pairs: list[tuple[ResolvedLayer, PastedRow]], input_name: str) -> list[Verdict]:
    """A functional summary's 'Connected to' cells, against the layers each layer reads.

    The paste's names are its own (keras.applications names its layers), so each of cnncalc's layers is known
    by the name of the row paired with it; a name Keras 3 cut short ('global_average_pooling…') matches by its
    beginning.
    """
    paste_name = {layer.name: row.name for layer, row in pairs}
    paste_name["input_layer"] = input_name
    verdicts = []
    for layer, row in pairs:
        if not row.connections:
            continue
        wanted = [paste_name.get(name) for name in layer.inputs]
        if not all(wanted):
            continue  # a layer it reads has no row in the paste: that row is already reported missing
        given = [reference_name(token) for token in row.connections]
        ok = len(given) == len(wanted) and all(
            name == want or (cut and want.startswith(name))  # type: ignore[union-attr]
            for (name, cut), want in zip(given, wanted))
        verdicts.append(Verdict(f"{layer.index} {layer.name} connected to", ", ".join(row.connections),
                                ", ".join(f"{name}[0][0]" for name in wanted), "correct" if ok else "wrong",
                                note="" if ok else f"line {row.line} of the paste: {layer.name} reads "
                                                   f"{', '.join(layer.inputs)}"))
    return verdicts


def reference_name(token: str) -> tuple[str, bool]:
    """'conv2d[0][0]' → ('conv2d', False); 'batch_normalization[0]…' → ('batch_normalization', False);
    'global_average_pooling…' → ('global_average_pooling', True): a name cut short."""
    name = re.match(r"[A-Za-z_][\w.]*", token)
    text = name[0] if name else token
    return text, token.endswith("…") and "[" not in token


def _footer_verdicts(net: Network, pasted: PastedSummary) -> list[Verdict]:
    """torchinfo's footer against its own rules (cnncalc.analysis.costs.torchinfo) on the spec, at the paste's batch."""
    if not pasted.footer:
        return []
    from ..analysis.costs import torchinfo

    info = torchinfo(net, "float32", pasted.batch)
    expected = {label: (unit, value.replace(",", "")) for label, unit, value in info.fields()}
    why = {"Total mult-adds": f"{info.mult_adds:,} (each module's parameters × batch {pasted.batch}, a conv's also "
                              "× its output positions)",
           "Input size": f"{info.input_bytes:,} bytes (the input's, + 64 for its Python object)",
           "Forward/backward pass size": f"{info.pass_bytes:,} bytes (2 × the outputs of modules with parameters)",
           "Params size": f"{info.param_bytes:,} bytes (4 per parameter; running statistics are buffers)",
           "Estimated Total Size": f"{info.total_bytes:,} bytes (input + forward/backward pass + params)"}
    verdicts = []
    for label, unit, value in pasted.footer:
        right_unit, correct = expected[label]
        ok = value == correct and unit == right_unit
        short = {"Total mult-adds": "mult-adds", "Forward/backward pass size": "pass size",
                 "Estimated Total Size": "total size"}.get(label, label.lower())
        verdicts.append(Verdict(f"torchinfo {short} ({unit})", value, f"{correct} ({right_unit})",
                                "correct" if ok else "wrong", "" if ok else why[label],
                                "" if pasted.batch == 1 else f"batch {pasted.batch}, from the paste's shapes"))
    return verdicts


def _total_verdicts(net: Network, pasted: PastedSummary) -> list[Verdict]:
    verdicts = []
    if not pasted.totals:
        verdicts.append(Verdict("total", "(no totals line)", f"{net.total_params:,}", "unchecked",
                                note="rows were read but no 'Total params' line: is the paste cut short?"))
    unmodelled = sum(row.params for row in pasted.rows if not _modelled(row, pasted.torch))
    for label, count in pasted.totals:
        correct = {"total": net.total_params, "trainable": net.trainable_params,
                   "non_trainable": net.non_trainable_params}[label]
        note = ""
        if pasted.torch and label == "total":
            correct = net.trainable_params  # BatchNormalization's moving statistics are torch buffers
            note = "torch does not count BatchNormalization's moving statistics" if net.non_trainable_params else ""
        if pasted.torch and label == "non_trainable":
            correct = 0
        if label in ("total", "trainable"):
            correct += unmodelled  # rows cnncalc does not model still count
        terms = " + ".join(f"{layer.params.total:,}" for layer in net.layers if layer.params.total)
        ok = count == correct
        totals = dict(pasted.totals)
        if not ok and label != "total" and totals.get("total") == (net.trainable_params if pasted.torch else
                                                                   net.total_params) + unmodelled \
                and totals.get("trainable", 0) + totals.get("non_trainable", 0) == totals["total"]:
            verdicts.append(Verdict(label, f"{count:,}", f"{correct:,}", "unchecked",
                                    note="the total is right and the split adds up: frozen layers (or a nested "
                                         "pretrained model) would move parameters to non-trainable"))
            continue
        verdicts.append(Verdict(label, f"{count:,}", f"{correct:,}", "correct" if ok else "wrong",
                                "" if ok else f"{terms} = {net.total_params:,}", note))
    return verdicts
