"""A pasted row against the layer it is paired with: its class, its output shape and its parameter count."""

from __future__ import annotations

from collections.abc import Callable

from ...model.layers import keras_shape
from ...readers.pasted.numbers import UNREADABLE_SHAPE
from ...readers.pasted.records import PastedRow, normalised_axis
from ..claims import Verdict
from .expected import ExpectedRow, keras_family, torch_type

Shape = tuple[int, ...]


def row_verdicts(expected: ExpectedRow, row: PastedRow, kind: str, show: Callable[[Shape], str]) -> list[Verdict]:
    """The verdicts on one pasted row: its type (when wrong), its output and its parameters; ``show`` writes a
    shape as the paste does."""
    layer = expected.layer
    claim = f"{layer.index} {layer.name}"
    verdicts = []
    given = torch_type(row) if kind != "keras" else row.keras_class
    if given and (given if kind != "keras" else keras_family(given)) != expected.kind:
        verdicts.append(Verdict(f"{claim} type", given, expected.kind, "wrong", note=f"line {row.line} of the paste"))
    shape_ok = row.shape == expected.shape
    if row.multiple:
        verdicts.append(Verdict(f"{claim} output", "multiple", show(expected.shape), "unchecked",
                                note="a subclassed model's summary prints 'multiple' for the shape"))
    elif row.unshown:
        verdicts.append(Verdict(f"{claim} output", "(not in the paste)", show(expected.shape), "unchecked",
                                note=row.unshown))
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
