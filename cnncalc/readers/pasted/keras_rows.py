"""Keras' rows (Keras 1, 2 and 3; ASCII or box tables): a name, a type in parentheses, a shape and a count, then a
functional model's 'Connected to' references; and a row's next lines, onto which Keras wraps a long cell.
"""

from __future__ import annotations

import re

from ...model.records import replace
from .classes import keras_class_of
from .numbers import COUNT_START, PARENTHESES, SPLIT_SHAPE_COUNTED, counted_after, matched_count, read_shape
from .records import PastedRow
from .references import CONNECTION

Shape = tuple[int, ...]
#: how Keras 3's summary(expand_nested=True) starts the name of a row inside a nested model
INSIDE = "└"
#: a type on the row's next line: '(BatchNormalization)', or cut by Keras 3 at its column: '(BatchNormalizatio…'
_CONTINUED_TYPE = re.compile(r"^\s*\((?P<type>[A-Za-z_][A-Za-z0-9_]*)(?:\)|…)\s*")
_MULTIPLE = re.compile(r"\smultiple\s")
_REST_OF_TYPE = re.compile(r"^\s*(?P<rest>[A-Za-z0-9_]*)\)")


def keras_row(line: str, number: int, rows: list[PastedRow], inputs: list[tuple[str, tuple[int, ...]]],
              wrapped: dict[int, list[str]]) -> None:
    """A Keras row from a line whose column rules are spaces already (:func:`.lines.unbox`)."""
    for shape_match in PARENTHESES.finditer(line):  # the first parenthesis that is a shape followed by a count
        shape = read_shape(shape_match[0], False)
        after = counted_after(line, shape_match.end()) if shape is not None else None
        if after is not None and _keras_cells(line, number, shape_match.start(), after, shape, rows, inputs):
            return
    multiple = _MULTIPLE.search(line)  # a subclassed model's layers have no output shape to print
    if multiple and _keras_cells(line, number, multiple.start(), line[multiple.end():], None, rows, inputs):
        return
    for split in SPLIT_SHAPE_COUNTED.finditer(line):  # a shape whose digits are split: a row, its output unreadable
        after = counted_after(line, split.end())
        if after is not None and _keras_cells(line, number, split.start(), after, None, rows, inputs, split[0]):
            return
    if rows:
        _continued(line, rows, wrapped)


def _keras_cells(line: str, number: int, start: int, after: str, shape: tuple[int, ...] | None,
                 rows: list[PastedRow], inputs: list[tuple[str, tuple[int, ...]]], unreadable: str = "") -> bool:
    """A Keras row from its cells: name and type before the shape, then the count and 'Connected to';
    False when no count follows the shape (the parenthesis was not the shape).  ``shape`` is None for
    'multiple', or for a shape that cannot be read (``unreadable``, as written)."""
    counted = COUNT_START.match(after)
    params = matched_count(counted) if counted is not None else None
    if counted is None or params is None:
        return False
    name, keras_type = _name_and_type(line[:start])
    keras_class = keras_class_of(keras_type, name)
    cut = keras_type if keras_type and not line[:start].rstrip().endswith((")", "…")) else ""  # continued below?
    if keras_class == "InputLayer":
        if shape is not None:
            inputs.append((name, shape))
    elif name and not name.lower().startswith(("layer (type)", "input")):
        connections = tuple(CONNECTION.findall(after[counted.end():]))  # the 'Connected to' cell
        rows.append(PastedRow(number, name, keras_class, shape or (), params, line.strip(), connections, cut,
                              shape is None and not unreadable, unreadable, input=_nested_input(name, rows, inputs)))
    return True


def _nested_input(name: str, rows: list[PastedRow], inputs: list[tuple[str, tuple[int, ...]]]) -> Shape | None:
    """What the first row inside a nested model reads (``summary(expand_nested=True)`` writes the model's rows
    behind ``└``, its own InputLayer first): that InputLayer's shape, not the nested model's output above it."""
    if not name.startswith(INSIDE) or (rows and rows[-1].name.startswith(INSIDE)):
        return None
    return inputs[-1][1] if inputs and inputs[-1][0].startswith(INSIDE) else None


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
    more = CONNECTION.findall(line[end:])
    if end:
        rows[-1] = replace(last, keras_class=keras_class_of(typed, last.name), type_text="")
    elif more and last.type_text:  # the cut type did not go on: it stays as it was read
        rows[-1] = replace(last, type_text="")
    if more:
        wrapped.setdefault(len(rows) - 1, []).extend(more)


def _name_and_type(head: str) -> tuple[str, str | None]:
    """``conv2d_1 (Conv2D)``, Keras 2's truncated ``max_pooling2d (MaxPooling2`` or Keras 3's
    ``conv2_block1_1_bn (BatchNormalizatio…`` as (name, type)."""
    head = head.strip()
    opening = head.rfind("(")
    if opening < 0:
        return head, None
    keras_type = head[opening + 1 :].strip().rstrip(")").strip().removesuffix("…")
    valid = keras_type.replace("_", "a").isalnum() and not keras_type[:1].isdigit()
    return head[:opening].strip(), keras_type if valid else None

