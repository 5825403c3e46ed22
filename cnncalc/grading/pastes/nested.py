"""A pasted row of a known network the spec holds as one item, made one row as the spec has it.

Keras may print the nested model under its own class (``resnet (ResNet)``) rather than ``Functional``; torchinfo,
with a depth that shows what is inside, prints the network as a container row (``├─ResNet: 1-1``, ``--``) with its
modules under it.  Each becomes the network's one row: Keras' when its shape and count are the network's,
torchinfo's with the count of every row under it (a container's own parameters included), those rows then being
the network's own, not layers of the spec."""

from __future__ import annotations

from ...graph.network import Network
from ...model.records import replace
from ...readers.pasted.records import PastedContainer, PastedRow, PastedSummary
from .expected import modelled, torch_type


def nested_rows(net: Network, pasted: PastedSummary, nested: frozenset[str]) -> PastedSummary:
    """The paste with each known network's rows made its one row."""
    if pasted.torch:
        return _torch_rows(pasted, nested)
    # summary(expand_nested=True): the rows behind '└' are the nested model's own, its count on its row
    pasted = replace(pasted, rows=tuple(row for row in pasted.rows if not row.inside))
    known = {(layer.output_shape, layer.params.total): layer.keras_class for layer in net.layers
             if layer.inner is not None}
    rows = tuple(replace(row, keras_class=known[row.shape, row.params])
                 if not modelled(row, False, nested) and (row.shape, row.params) in known else row
                 for row in pasted.rows)
    return replace(pasted, rows=rows)


def _torch_rows(pasted: PastedSummary, nested: frozenset[str]) -> PastedSummary:
    """torchinfo's container row of a known network's class, with the rows under it folded into it."""
    rows = list(pasted.rows)
    taken = 0  # the last line folded so far: a container inside one already folded is part of it
    for container in pasted.containers:
        if container.line <= taken or container.name.split(":")[0] not in nested or container.shape is None:
            continue
        inside = [row for row in rows if container.line < row.line <= container.end]
        held = [other.own for other in pasted.containers if container.line < other.line <= container.end]
        count = container.own + sum(held) + sum(row.params for row in inside if not row.recursive)
        rows = [row for row in rows if not container.line < row.line <= container.end]
        rows.append(_row(container, count))
        taken = container.end
    rows.sort(key=lambda row: row.line)
    return replace(pasted, rows=tuple(rows))


def _row(container: PastedContainer, count: int) -> PastedRow:
    assert container.shape is not None
    return PastedRow(container.line, container.name, torch_type(PastedRow(0, container.name, "", (), 0, "")),
                     container.shape, count, f"{container.name} (its {count:,} parameters are the rows under it)")
