"""A Keras model called on a tensor, as autoencoders build theirs from an encoder and a decoder:
``autoencoder = Model(inputs, decoder(encoder(inputs)))``. The called model's layers are applied again from the
tensor given, in the order they were applied, each once in the model that calls it; a model whose input shape the
code states takes only a tensor of that shape (Keras refuses another)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...graph.frameworks import keras_model_block
from .keras_shapes import graph_shape, keras_tensor
from .records import Node
from .values import KerasModel, Sequential, Tensor

if TYPE_CHECKING:
    from .calls import Interpreter


def call_model(interpreter: Interpreter, model: KerasModel, args: list[Any], kwargs: dict[str, Any],
               node: ast.AST) -> Tensor:
    """``model(x)``: the model's graph, from its input to its output, applied to ``x``."""
    model.called = True  # a part of the model built from it, even when this call is refused
    given = args[0] if len(args) == 1 and not kwargs else kwargs.get("inputs") if not args and len(kwargs) == 1 \
        else None
    if not isinstance(given, Tensor) or not keras_tensor(interpreter, given):
        raise interpreter.error(node, "a Keras model called on something that is not one Keras tensor",
                                "call it on the output of a layer: model(x)")
    if not isinstance(model.inputs, Tensor) or not isinstance(model.outputs, Tensor):
        raise interpreter.error(node, "a Keras model of several inputs or outputs, called on a tensor",
                                "cnncalc follows a model of one input and one output called on a tensor")
    nodes = interpreter.nodes
    start, end = model.inputs.node, model.outputs.node
    if nodes[start].kind != "input":
        raise interpreter.error(model.node, "a model whose input is not a keras.Input",
                                "make its input keras.Input(shape=…)")
    part = _between(interpreter, start, end, node)
    stated = nodes[start].item  # the sizes keras.Input states ("16", "28x28x1"), or "" for a computed shape
    if stated:
        wanted = tuple(int(size) for size in stated.split("x"))
        found = graph_shape(interpreter, given, node, "keras")
        if wanted != found:
            raise interpreter.error(node, f"a model whose input is shaped {wanted} called on a tensor shaped "
                                    f"{found}, which Keras refuses", "call it on a tensor of its input's shape")
    placed = {start: given.node}
    first = len(nodes)
    for index in part:
        old = nodes[index]
        interpreter.charge(1, node)
        nodes.append(Node(old.kind, [placed[i] for i in old.inputs], old.where, old.item, old.layer, old.requires,
                          old.applied))
        nodes[-1].containers = old.containers  # the models nested in this one
        placed[index] = len(nodes) - 1
    contain(nodes, first, model)
    return Tensor(placed[end])


def contain(nodes: list[Node], first: int, model: KerasModel | Sequential) -> None:
    """The rows made from ``first`` on, by a Keras model called inside another, held by the model's container
    (:func:`~cnncalc.graph.frameworks.keras_model_block`): Keras' summary shows the model as one row, its output
    and the total of its layers' parameters, which a pasted summary's row is graded against."""
    block = (keras_model_block(model.name, "Functional" if isinstance(model, KerasModel) else "Sequential"), first)
    for each in nodes[first:]:
        each.containers = (block, *each.containers)


def _between(interpreter: Interpreter, start: int, end: int, node: ast.AST) -> list[int]:
    """The nodes the model's output is made from, back to its input, in the order they were made; a path to another
    input is refused (Keras, too, refuses a model whose output needs an input it is not given)."""
    nodes = interpreter.nodes
    seen: set[int] = set()
    waiting = [end]
    while waiting:
        index = waiting.pop()
        if index in seen or index == start:
            continue
        seen.add(index)
        interpreter.charge(1, node)
        if nodes[index].kind == "input":
            raise interpreter.error(node, "a model called on a tensor, whose output needs an input other than its own",
                                    "give the model every input its output is made from")
        waiting.extend(nodes[index].inputs)
    return sorted(seen)
