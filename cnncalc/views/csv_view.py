"""The summary as CSV: one row per layer, as a spreadsheet wants it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.network import Network
from .json_view import cost_fields, layer_record

if TYPE_CHECKING:
    from ..numeric.twins import ForwardPass

__all__ = ["CSV_FIELDS", "to_csv"]


CSV_FIELDS = ["index", "name", "type", "spec", "output_shape", "params", "weights", "biases",
              "trainable", "non_trainable", "warnings"]


def to_csv(net: Network, checked: ForwardPass | None = None, analysis: Analysis = NO_ANALYSIS) -> str:
    """One row per layer; ``output_shape`` as Keras prints it, warnings joined by ' | '."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    per_layer, _ = cost_fields(net, analysis)
    cost_names = list(per_layer[0]) if per_layer else []
    columns = [name for name in cost_names if name != "receptive_field"]
    if "receptive_field" in cost_names:
        columns += ["rf_size", "rf_jump", "rf_start"]
    fields = CSV_FIELDS + (["inputs"] if net.graph else []) + columns + \
        (["checked_shape"] if checked is not None else [])
    writer.writerow(fields)
    for number, layer in enumerate(net.layers):
        record = {**layer_record(net, layer, analysis.batch, net.torch), **per_layer[number]}
        record["output_shape"] = net.shape_text(layer.output_shape, analysis.batch, layer.tokens)
        record["warnings"] = " | ".join(layer.warnings)
        record["inputs"] = ", ".join(layer.inputs)
        field = record.pop("receptive_field", None)
        if "receptive_field" in cost_names:  # three plain columns, as a spreadsheet wants them: 7x7, 2x2, 1.5x1.5
            record.update(rf_size=_pair_text(field["size"]) if field else "", rf_jump=_pair_text(field["jump"])
                          if field else "", rf_start=_pair_text(field["start"]) if field else "")
        if checked is not None:
            record["checked_shape"] = net.shape_text(checked.shapes[number], analysis.batch)
        writer.writerow([record[field] for field in fields])
    return out.getvalue().rstrip("\n")


def _pair_text(values: list[Any]) -> str:
    """[7, 7] as '7x7'; [1.5, 1.5] as '1.5x1.5' (an integral float without its '.0')."""
    return "x".join(f"{value:g}" if isinstance(value, float) else str(value) for value in values)

