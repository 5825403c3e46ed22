"""Pasted model summaries: Keras 2's ASCII table, Keras 3's box table and torchinfo's tree.

Rows are read leniently (OCR'd lecture slides included): a name, a type in parentheses (Keras
2 truncates long ones: ``(MaxPooling2``), a shape and a parameter count.  torchinfo's shapes
are channels-first with the batch axis, and its types are torch classes; both are turned into
Keras' terms.  :func:`align` pairs pasted rows with the spec's layers by type, so one missing
or extra row is named instead of shifting every row after it.
"""

from __future__ import annotations

import difflib
import re

from .answers import Verdict
from .errors import CnnCalcError
from .network import Network, ResolvedLayer
from .records import record
from .render import keras_shape

__all__ = ["PastedRow", "PastedSummary", "align", "parse_summary"]

KERAS_CLASSES = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
                 "Flatten", "Dense", "Dropout", "BatchNormalization", "Activation", "InputLayer")
TORCH_CLASSES = {
    "Conv2d": "Conv2D", "MaxPool2d": "MaxPooling2D", "AvgPool2d": "AveragePooling2D", "Linear": "Dense",
    "Flatten": "Flatten", "Dropout": "Dropout", "BatchNorm2d": "BatchNormalization",
    "BatchNorm1d": "BatchNormalization", "AdaptiveAvgPool2d": "GlobalAveragePooling2D",
    "AdaptiveMaxPool2d": "GlobalMaxPooling2D",
}
TORCH_ACTIVATIONS = {"ReLU", "Sigmoid", "Tanh", "Softmax", "ELU", "SELU", "GELU", "SiLU", "Identity", "LogSoftmax"}

_BOX = str.maketrans(dict.fromkeys("│┃|║", " "))
#: Rows are read with patterns that cannot backtrack more than linearly, and lines longer than
#: this are not rows of any summary: they are skipped, so a pasted 3,000-space line costs nothing.
MAX_LINE = 1000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_SHAPE = re.compile(r"\(([^()]*)\)")
_SHAPE_PART = re.compile(r"\s*(None|\?|-1|\d+(?: \d+)*)\s*\Z")
_COUNT_START = re.compile(r"\s*(\d[\d,.'_\u00a0\u202f\u2009]*(?: \d{3}(?!\d))*)")
_TORCH_ROW = re.compile(
    r"^[\s│├└─|]*(?P<type>[A-Za-z_][A-Za-z0-9_]*): (?P<depth>\d+)-(?P<index>\d+)\s+"
    r"(?P<shape>\[[\d ,-]*\])\s+(?P<params>\d[\d,]*|--)"
)
_CONTINUED_TYPE = re.compile(r"^\s*\((?P<type>[A-Za-z_][A-Za-z0-9_]*)\)\s*$")
_TOTAL = re.compile(r"^\s*(?P<label>Total|Trainable|Non-trainable) params:(?P<count>[^(]*)", re.I)


def _clean(line: str) -> str:
    """A pasted line without terminal colours, or '' when it is too long to be a summary row."""
    return "" if len(line) > MAX_LINE else _ANSI.sub("", line)


def _count(text: str) -> int | None:
    """The count at the start of ``text``, in any thousands style (see :func:`~cnncalc.literals.read_count`)."""
    from .literals import read_count

    match = _COUNT_START.match(text)
    if not match:
        return None
    try:
        return read_count(match[1].rstrip(",.'_ "))
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


@record
class PastedSummary:
    kind: str  # "keras" or "torchinfo"
    rows: tuple[PastedRow, ...]
    totals: tuple[tuple[str, int], ...]
    skipped: tuple[str, ...]  # torchinfo's activation rows, which Keras fuses into their layer


def _keras_class(truncated: str | None) -> str:
    if not truncated:
        return ""
    for name in KERAS_CLASSES:
        if name == truncated or (len(truncated) >= 6 and name.startswith(truncated)):
            return name
    return truncated


def _shape(text: str, channels_first: bool) -> tuple[int, ...] | None:
    """The sizes of a pasted shape without its batch axis; None if it is not a shape.

    OCR'd slides split digits (``(None, 2 6, 26, 32)``): spaces inside one size are dropped.
    """
    from .literals import TooLargeError, read_int

    parts = [p for p in text.strip("()[]").split(",") if p.strip()]
    found = [_SHAPE_PART.match(part) for part in parts]
    if not parts or not all(found):
        return None
    try:
        dims = tuple(read_int(m[1].replace(" ", "")) for m in found[1:] if m and m[1] not in ("None", "?", "-1"))
    except TooLargeError:
        return None
    if channels_first and len(dims) == 3:
        dims = (dims[1], dims[2], dims[0])
    return dims


def parse_summary(text: str) -> PastedSummary:
    """Read the rows and totals of a pasted summary; raise if none can be found."""
    lines = [_clean(line) for line in text.splitlines()]
    kind = "torchinfo" if any(_TORCH_ROW.match(line) for line in lines) else "keras"
    rows: list[PastedRow] = []
    skipped: list[str] = []
    totals: list[tuple[str, int]] = []
    for number, raw in enumerate(lines, start=1):
        total = _TOTAL.match(raw.translate(_BOX))
        if total:
            count = _count(total["count"])
            if count is not None:
                totals.append((total["label"].lower().replace("-", "_"), count))
            continue
        if kind == "torchinfo":
            _torch_row(raw, number, rows, skipped)
        else:
            _keras_row(raw, number, rows)
    if not rows:
        raise CnnCalcError("no layer rows found in the pasted summary",
                           "paste the whole table of model.summary() (Keras 2 or 3) or torchinfo.summary()")
    return PastedSummary(kind, tuple(rows), tuple(totals), tuple(skipped))


def _keras_row(raw: str, number: int, rows: list[PastedRow]) -> None:
    line = raw.translate(_BOX)
    continued = _CONTINUED_TYPE.match(line)
    if continued and rows and not rows[-1].keras_class:  # Keras 3 wraps "(BatchNormalization)"
        last = rows[-1]
        rows[-1] = PastedRow(last.line, last.name, _keras_class(continued["type"]), last.shape, last.params, last.text)
        return
    for shape_match in _SHAPE.finditer(line):  # the first parenthesis that is a shape followed by a count
        shape = _shape(shape_match[0], False)
        params = _count(line[shape_match.end():]) if shape is not None else None
        if shape is None or params is None:
            continue
        name, keras_type = _name_and_type(line[: shape_match.start()])
        if name and not name.lower().startswith(("layer (type)", "input")):
            rows.append(PastedRow(number, name, _keras_class(keras_type), shape, params, raw.strip()))
        return


def _name_and_type(head: str) -> tuple[str, str | None]:
    """``conv2d_1 (Conv2D)`` or Keras 2's truncated ``max_pooling2d (MaxPooling2`` as (name, type)."""
    head = head.strip()
    opening = head.rfind("(")
    if opening < 0:
        return head, None
    keras_type = head[opening + 1 :].strip().rstrip(")").strip()
    valid = keras_type.replace("_", "a").isalnum() and not keras_type[:1].isdigit()
    return head[:opening].strip(), keras_type if valid else None


def _torch_row(raw: str, number: int, rows: list[PastedRow], skipped: list[str]) -> None:
    match = _TORCH_ROW.match(raw)
    if not match:
        return
    torch_type = match["type"]
    if torch_type in TORCH_ACTIVATIONS:
        skipped.append(torch_type)
        return
    shape = _shape(match["shape"], True)
    if shape is None:
        return
    keras_class = TORCH_CLASSES.get(torch_type, torch_type)
    if keras_class == "Flatten" and rows and rows[-1].keras_class.startswith("Global"):
        skipped.append(torch_type)  # Keras' global pool is torch's adaptive pool followed by Flatten
        return
    if keras_class.startswith("Global") and len(shape) == 3:
        shape = (shape[2],)  # AdaptiveAvgPool2d(1) keeps 1×1 spatial axes that Keras drops
    params = 0 if match["params"] == "--" else _count(match["params"]) or 0
    rows.append(PastedRow(number, f"{torch_type}: {match['depth']}-{match['index']}", keras_class, shape, params,
                          raw.strip()))


def _row_verdicts(layer: ResolvedLayer, row: PastedRow, kind: str) -> list[Verdict]:
    claim = f"{layer.index} {layer.name}"
    verdicts = []
    if row.keras_class and row.keras_class != layer.keras_class:
        verdicts.append(Verdict(f"{claim} type", row.keras_class, layer.keras_class, "wrong",
                                note=f"line {row.line} of the paste"))
    shape_ok = row.shape == layer.output_shape
    verdicts.append(Verdict(f"{claim} output", keras_shape(row.shape), keras_shape(layer.output_shape),
                            "correct" if shape_ok else "wrong", "" if shape_ok else layer.explain("output") or ""))
    expected = layer.params.trainable if kind == "torchinfo" else layer.params.total
    note = ""
    if kind == "torchinfo" and layer.params.non_trainable:
        note = "torch counts only gamma and beta; the moving statistics are buffers"
    params_ok = row.params == expected
    verdicts.append(Verdict(f"{claim} params", f"{row.params:,}", f"{expected:,}", "correct" if params_ok else "wrong",
                            "" if params_ok else layer.explain("params") or "", note if not params_ok else ""))
    return verdicts


def align(net: Network, pasted: PastedSummary) -> list[Verdict]:
    """Row-by-row verdicts for a pasted summary, then its totals; missing and extra rows are named."""
    layers = [layer for layer in net.layers
              if pasted.kind == "keras" or layer.keras_class != "Activation"]  # torchinfo: rows skipped too
    expected = [layer.keras_class for layer in layers]
    given = [row.keras_class or "?" for row in pasted.rows]
    verdicts: list[Verdict] = []
    matcher = difflib.SequenceMatcher(None, expected, given, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        paired = min(a1 - a0, b1 - b0) if tag in ("equal", "replace") else 0
        for offset in range(paired):
            verdicts += _row_verdicts(layers[a0 + offset], pasted.rows[b0 + offset], pasted.kind)
        for layer in layers[a0 + paired : a1]:
            verdicts.append(Verdict(f"{layer.index} {layer.name}", "(missing)",
                                    f"{keras_shape(layer.output_shape)}, {layer.params.total:,} params", "wrong",
                                    note=f"the paste has no row for {layer.name} ({layer.keras_class})"))
        for row in pasted.rows[b0 + paired : b1]:
            verdicts.append(Verdict(f"line {row.line}", row.text, "(no such layer)", "wrong",
                                    note="an extra row: the spec has no layer here"))
    return verdicts + _total_verdicts(net, pasted)


def _total_verdicts(net: Network, pasted: PastedSummary) -> list[Verdict]:
    verdicts = []
    for label, count in pasted.totals:
        correct = {"total": net.total_params, "trainable": net.trainable_params,
                   "non_trainable": net.non_trainable_params}[label]
        note = ""
        if pasted.kind == "torchinfo" and label == "total":
            correct = net.trainable_params  # BatchNormalization's moving statistics are torch buffers
            note = "torch does not count BatchNormalization's moving statistics" if net.non_trainable_params else ""
        if pasted.kind == "torchinfo" and label == "non_trainable":
            correct = 0
        terms = " + ".join(f"{layer.params.total:,}" for layer in net.layers if layer.params.total)
        ok = count == correct
        verdicts.append(Verdict(label, f"{count:,}", f"{correct:,}", "correct" if ok else "wrong",
                                "" if ok else f"{terms} = {net.total_params:,}", note))
    return verdicts
