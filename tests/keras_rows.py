"""keras.applications' layers as rows to compare with cnncalc's, through the operations Keras 3 keeps out of
``model.layers`` (``x + 3.0`` in a functional model is an operation, not a layer)."""

from __future__ import annotations

from typing import Any

Row = tuple[str, tuple[int, ...], int, tuple[int, ...]]


def keras_rows(model: Any) -> list[Row]:
    """(class, output shape, parameters, rows read) per layer after the input, as Keras lists them.

    A layer that reads an operation's output reads the layer behind it; MobileNetV3's ``hard_sigmoid``,
    ``layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)``, is a ``ReLU`` between two operations in ``model.layers``, one
    row that cnncalc writes ``hardsigmoid`` (an ``Activation``), and ``layers.ReLU()`` without a maximum is
    cnncalc's ``relu``, ``Activation('relu')``."""
    position = {id(layer): row for row, layer in enumerate(model.layers)}

    def source(tensor: Any) -> tuple[int, bool]:
        """The row of the layer a tensor comes from, and whether operations stand between."""
        operation, through = tensor._keras_history[0], False
        while id(operation) not in position:
            tensors = operation._inbound_nodes[0].input_tensors
            assert len(tensors) == 1, f"{operation.name} reads {len(tensors)} tensors"
            operation, through = tensors[0]._keras_history[0], True
        return position[id(operation)], through

    found = []
    for layer in model.layers[1:]:
        sources = [source(t) for t in layer._inbound_nodes[0].input_tensors]
        kind = type(layer).__name__
        if kind == "ReLU" and (any(through for _, through in sources) or layer.max_value is None):
            kind = "Activation"
        found.append((kind, tuple(layer.output.shape)[1:], layer.count_params(), tuple(row for row, _ in sources)))
    return found
