"""The summaries older Keras versions print, from a model that Keras 3 has built.

Keras 3 prints a box table; the pastes people bring come as often from Keras 1, standalone Keras 2 and
tf.keras 2.x, whose tables differ in ways that break naive readers. These printers follow those versions'
``print_summary`` (keras/utils/layer_utils.py), read from their sources, rule for rule:

* Keras 1.2: four columns at [.33, .55, .67, 1.] of 100 characters, always with 'Connected to' (a
  Sequential model's first layer reads ``convolution2d_input_1[0][0]``); each cell is cut at its column's
  end with no space kept between cells; Keras 1's class names (``Convolution2D``) and auto-names
  (``convolution2d_1``, numbered from 1); '_' * 100 between rows.
* Keras 2.0–2.4 and tf.keras before 2.5: three columns at [.45, .85, 1.] of 65 (four at [.33, .55, .67, 1.]
  of 98 for a functional model), each cell cut at its column's end and the last character replaced by a space,
  so long types read ``(BatchNo`` or ``(MaxPooling2``; auto-names numbered from 1 (``conv2d_1``); extra
  connections on lines of their own.
* tf.keras 2.5 and later: the same columns, but a cell that does not fit wraps onto the row's next lines
  (``max_pooling2d (MaxPooling2D`` then ``)``), a space opens each line, blank lines part the rows, an
  InputLayer's shape is a list (``[(None, 28, 28, 1)]``) and 'Connected to' is a list's repr.

The model's names, classes, shapes, counts and connections are Keras 3's own; only the printing differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: Keras 1's names for Keras 2's classes.
KERAS1_CLASS = {"Conv2D": "Convolution2D", "Conv1D": "Convolution1D", "Conv2DTranspose": "Deconvolution2D",
                "SeparableConv2D": "SeparableConvolution2D"}


def layer_rows(model: Any) -> list[dict[str, Any]]:
    """Each layer's name, class, output shape, count and the layers it reads, as Keras 3 built them."""
    rows = []
    for layer in model.layers:
        reads = [t._keras_history.operation.name for node in layer._inbound_nodes[:1]
                 for t in node.arguments.keras_tensors]
        rows.append({"name": layer.name, "class": type(layer).__name__, "shape": tuple(layer.output.shape),
                     "params": layer.count_params(), "reads": reads})
    return rows


def _snake(name: str) -> str:
    """Keras 2's to_snake_case, which makes its auto-names."""
    intermediate = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", intermediate).lower()


def _renamed(rows: list[dict[str, Any]], name_of: Callable[[dict[str, Any], int], str]) -> list[dict[str, Any]]:
    """The rows under another version's auto-names, numbered per class from 1; 'Connected to' follows."""
    counters: dict[str, int] = {}
    new: dict[str, str] = {}
    for row in rows:
        base = name_of(row, 0)
        counters[base] = counters.get(base, 0) + 1
        new[row["name"]] = f"{base}_{counters[base]}"
    return [{**row, "name": new[row["name"]], "reads": [new.get(r, r) for r in row["reads"]]} for row in rows]


def _shape_text(shape: tuple[Any, ...]) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


def _sequential(model: Any) -> bool:
    return type(model).__name__ == "Sequential"


def _footer(model: Any, rule: str, comma: bool = True) -> list[str]:
    trainable = sum(int(_size(w)) for w in model.trainable_weights)
    frozen = sum(int(_size(w)) for w in model.non_trainable_weights)
    fmt = "{:,}" if comma else "{}"
    return [f"Total params: {fmt.format(trainable + frozen)}", f"Trainable params: {fmt.format(trainable)}",
            f"Non-trainable params: {fmt.format(frozen)}", rule]


def _size(weight: Any) -> int:
    total = 1
    for dim in weight.shape:
        total *= int(dim)
    return total


def _cut_row(fields: list[str], positions: list[int], keep_space: bool) -> str:
    """Keras 1's and 2's print_row: each cell cut at its column's end (Keras 2 keeps one space before the next)."""
    line = ""
    for i, field in enumerate(fields):
        if i > 0 and keep_space:
            line = line[:-1] + " "
        line += field
        line = line[: positions[i]]
        line += " " * (positions[i] - len(line))
    return line


def _wrap_row(fields: list[str], positions: list[int]) -> list[str]:
    """tf.keras 2.5+'s print_row: a cell that does not fit continues on the next lines, broken after '),'
    and similar ends where it can."""
    left = list(fields)
    lines = []
    while any(left):
        line = ""
        for col, text in enumerate(left):
            start = positions[col - 1] if col > 0 else 0
            space = 2 if col != len(positions) - 1 else 0
            cutoff = positions[col] - start - space
            fit = text[:cutoff]
            breaks = [fit.find(end) + len(end) for end in ("),", "},", "],", "',") if fit.find(end) >= 0]
            if breaks:
                cutoff = min(breaks)
                fit = fit[:cutoff]
            if col == 0:
                line += " "
            line += fit + " " * space
            left[col] = text[cutoff:]
            line += " " * (positions[col] - len(line))
        lines.append(line)
    return lines


def keras1(model: Any, rows: list[dict[str, Any]] | None = None) -> str:
    """Keras 1.2's summary of the model (of ``rows``, its layer_rows() with a misprint, when given)."""
    rows = _renamed(rows or layer_rows(model), lambda row, _: KERAS1_CLASS.get(row["class"], row["class"]).lower())
    length, positions = 100, [int(100 * p) for p in (0.33, 0.55, 0.67, 1.0)]
    out = ["_" * length, _cut_row(["Layer (type)", "Output Shape", "Param #", "Connected to"], positions, False),
           "=" * length]
    previous = f"{rows[0]['name'].rsplit('_', 1)[0]}_input_1"
    body = [row for row in rows if row["class"] != "InputLayer"] if _sequential(model) else rows
    for index, row in enumerate(body):
        reads = row["reads"] if not _sequential(model) else [previous]
        connections = [f"{name}[0][0]" for name in reads]
        cls = KERAS1_CLASS.get(row["class"], row["class"])
        fields = [f"{row['name']} ({cls})", _shape_text(row["shape"]), str(row["params"]),
                  connections[0] if connections else ""]
        out.append(_cut_row(fields, positions, False))
        out += [_cut_row(["", "", "", more], positions, False) for more in connections[1:]]
        out.append("=" * length if index == len(body) - 1 else "_" * length)
        previous = row["name"]
    return "\n".join(out + _footer(model, "_" * length))


def keras2(model: Any, rows: list[dict[str, Any]] | None = None) -> str:
    """Standalone Keras 2.0–2.4's (and tf.keras < 2.5's) summary: cells cut at their column's end."""
    rows = _renamed(rows or layer_rows(model), lambda row, _: _snake(row["class"]))
    sequential = _sequential(model)
    length = 65 if sequential else 98
    positions = [int(length * p) for p in ((0.45, 0.85, 1.0) if sequential else (0.33, 0.55, 0.67, 1.0))]
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if sequential else ["Connected to"])
    out = ["_" * length, _cut_row(header, positions, True), "=" * length]
    body = [row for row in rows if row["class"] != "InputLayer"] if sequential else rows
    for index, row in enumerate(body):
        connections = [f"{name}[0][0]" for name in row["reads"]]
        fields = [f"{row['name']} ({row['class']})", _shape_text(row["shape"]), str(row["params"])]
        if not sequential:
            fields.append(connections[0] if connections else "")
        out.append(_cut_row(fields, positions, True))
        if not sequential:
            out += [_cut_row(["", "", "", more], positions, True) for more in connections[1:]]
        out.append("=" * length if index == len(body) - 1 else "_" * length)
    return "\n".join(out + _footer(model, "_" * length))


def tf_keras(model: Any, rows: list[dict[str, Any]] | None = None) -> str:
    """tf.keras 2.5+'s summary: 'Model: "…"', cells wrapped onto the row's next lines, rows parted by blank
    lines, an InputLayer's list shape and 'Connected to' as a list."""
    rows = rows or layer_rows(model)
    sequential = _sequential(model)
    length = 65 if sequential else 98
    positions = [int(length * p) for p in ((0.45, 0.85, 1.0) if sequential else (0.33, 0.55, 0.67, 1.0))]
    header = ["Layer (type)", "Output Shape", "Param #"] + ([] if sequential else ["Connected to"])
    out = [f'Model: "{model.name}"', "_" * length, *_wrap_row(header, positions), "=" * length]
    body = [row for row in rows if row["class"] != "InputLayer"] if sequential else rows
    for index, row in enumerate(body):
        shape = _shape_text(row["shape"])
        fields = [f"{row['name']} ({row['class']})", f"[{shape}]" if row["class"] == "InputLayer" else shape,
                  str(row["params"])]
        if not sequential:
            fields.append(str([f"{name}[0][0]" for name in row["reads"]]))
        out += _wrap_row(fields, positions)
        out.append("=" * length if index == len(body) - 1 else " " * length)
    return "\n".join(out + _footer(model, "_" * length))


def collapsed(text: str) -> str:
    """A table as a web page shows it: runs of spaces become one, rules and blank lines vanish."""
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not set(line) <= set("_= "))


def untyped(text: str) -> str:
    """A table whose type cells were lost (as some pages print Keras 1's 'activation_1 (None, 10) 0'): only the
    auto-names say what each row is."""
    return re.sub(r"^(\s*[a-z][a-z0-9_]*) \([A-Za-z0-9_]+\)?", r"\1", text, flags=re.M)


PRINTERS: dict[str, Callable[..., str]] = {"keras1": keras1, "keras2": keras2, "tf_keras": tf_keras}
#: How the tables reach cnncalc: as printed, from a web page, or with their type cells lost.
REFORMATS: dict[str, Callable[[str], str]] = {"printed": lambda text: text, "collapsed": collapsed,
                                              "untyped": lambda text: untyped(collapsed(text))}
