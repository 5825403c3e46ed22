"""A functional summary's 'Connected to' cells, against the layers each layer reads."""

from __future__ import annotations

from ...graph.network import ResolvedLayer
from ...model.layers import MultiHeadAttention
from ...readers.pasted.records import PastedRow
from ...readers.pasted.references import reference_name
from ..claims import Verdict


def connection_verdicts(pairs: list[tuple[ResolvedLayer, PastedRow]], input_name: str) -> list[Verdict]:
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
        if isinstance(layer.layer, MultiHeadAttention):  # self-attention: Keras lists the query and the value
            wanted = wanted * 2
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
