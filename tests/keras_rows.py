"""keras.applications' layers as rows to compare with cnncalc's, through the operations Keras 3 keeps out of
``model.layers`` (``x + 3.0`` or ``inputs + x`` in a functional model is an operation, not a layer) and into the
nested ``Sequential`` models some applications build (ConvNeXt's stem and downsampling blocks)."""

from __future__ import annotations

from typing import Any

Row = tuple[str, tuple[int, ...], int, tuple[int, ...]]


def keras_rows(model: Any) -> list[Row]:
    """(class, output shape, parameters, rows read) per layer after the input, in Keras' order of operations.

    An operation on one tensor and constants (``x + 3.0``) is no row: what reads it reads the layer behind it.
    An operation on two tensors (``inputs + x``) is a row, cnncalc's merge (``Add``). A nested ``Sequential``
    is its layers, one row each. MobileNetV3's ``hard_sigmoid``, ``layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)``,
    is a ``ReLU`` between two operations, one row that cnncalc writes ``hardsigmoid`` (an ``Activation``), and
    ``layers.ReLU()`` without a maximum is cnncalc's ``relu``, ``Activation('relu')``."""
    from keras import Layer, Sequential

    found: list[Row] = []
    position: dict[int, tuple[int, bool]] = {id(model.operations[0]): (0, False)}  # (row, through an operation)

    def source(tensor: Any) -> tuple[int, bool]:
        return position[id(tensor._keras_history[0])]

    for operation in model.operations[1:]:
        node = operation._inbound_nodes[0]
        sources = [source(t) for t in node.input_tensors]
        reads = tuple(row for row, _ in sources)
        if isinstance(operation, Sequential):
            for layer in operation.layers:
                found.append((type(layer).__name__, tuple(layer.output.shape)[1:], layer.count_params(), reads))
                reads = (len(found),)
            position[id(operation)] = (len(found), False)
        elif isinstance(operation, Layer):
            kind = type(operation).__name__
            if kind == "ReLU" and (any(through for _, through in sources) or operation.max_value is None):
                kind = "Activation"
            found.append((kind, tuple(operation.output.shape)[1:], operation.count_params(), reads))
            position[id(operation)] = (len(found), False)
        elif len(sources) > 1:
            found.append((type(operation).__name__, tuple(node.output_tensors[0].shape)[1:], 0, reads))
            position[id(operation)] = (len(found), False)
        else:
            position[id(operation)] = (sources[0][0], True)
    return found
