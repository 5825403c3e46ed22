"""The graph the code built, written as the network's spec."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ...errors import CnnCalcError
from .arguments import _int, _NotConstantError, _shown
from .known_values import KnownNetwork
from .module_tree import containers_of
from .records import ModelCode, Node, Placed
from .values import Instance, KerasModel, Layer, Sequential, Tensor, Unknown

if TYPE_CHECKING:
    from .calls import Interpreter


# ---- the graph as spec text -----------------------------------------------------------------------------

def input_text(shape: Any, node: ast.AST, interpreter: Interpreter) -> str:
    """An input's shape as the spec's 'input' sizes: whole numbers (a size of None, which Keras leaves to run time,
    leaves the input to --input; True or 2.5 is refused)."""
    if isinstance(shape, Unknown) or (isinstance(shape, (tuple, list)) and any(isinstance(size, Unknown)
                                                                                for size in shape)):
        return ""  # a shape computed at run time (imagenet_utils.obtain_input_shape): --input gives it
    if not isinstance(shape, (tuple, list)) or not shape:
        raise interpreter.error(node, f"the input's shape {_shown(shape)} is not a constant tuple",
                                "write it as keras.Input(shape=(28, 28, 1))")
    if any(size is None for size in shape):
        return ""
    try:
        return "x".join(_int(size, "shape", 1) for size in shape)
    except _NotConstantError as error:
        raise interpreter.error(node, f"the input's shape holds {_shown(error.value)}, which is not a size",
                                "give every size as a whole number: keras.Input(shape=(28, 28, 1))") from None


def graph_spec(interpreter: Interpreter, found: Any, name: str) -> ModelCode:
    """The model's graph written as spec text, with the span of each item."""

    conventions = "keras"
    if isinstance(found, KerasModel):
        if not isinstance(found.inputs, Tensor) or not isinstance(found.outputs, Tensor):
            raise interpreter.error(found.node, "a model with several inputs or outputs",
                                    "cnncalc summarises one input and one output")
        output = found.outputs
    elif isinstance(found, Sequential) and found.framework == "keras":
        output = _keras_sequential(interpreter, found)
    elif isinstance(found, KnownNetwork) and found.framework == "keras":  # model = keras.applications.X(…)
        output = _keras_sequential(interpreter, Sequential("keras", [found], found.node))
    elif isinstance(found, KnownNetwork):  # model = torchvision.models.resnet50(…)
        conventions = "torch"
        interpreter.nodes.append(Node("input", [], None, ""))
        output = interpreter.apply_known(found, Tensor(len(interpreter.nodes) - 1))
    elif isinstance(found, (Sequential, Instance)):
        conventions = "torch"
        interpreter.module_tree.root = found  # the model: torchinfo's row of depth 0, not a container
        interpreter.nodes.append(Node("input", [], None, ""))
        source = Tensor(len(interpreter.nodes) - 1)
        interpreter.inside_model += 1
        output = interpreter.apply(found, [source], found.node) if isinstance(found, Sequential) else \
            interpreter.module_call(found, source, found.cls.node)
        interpreter.inside_model -= 1
    elif isinstance(found, Unknown):
        raise interpreter.error(found.node, f"the model '{name}' is {found.why}, which cnncalc cannot follow")
    else:
        raise CnnCalcError(f"'{name}' is not a model cnncalc can read")
    if isinstance(output, (tuple, list)) and any(isinstance(item, Tensor) for item in output):
        forward = found.cls.lookup("forward") if isinstance(found, Instance) else None
        raise interpreter.error(getattr(forward, "node", None) or getattr(found, "node", None),
                                f"the model '{name}' gives {len(output)} values, not one tensor (its forward "
                                "returns a tuple)", "cnncalc summarises a model with one output")
    if not isinstance(output, Tensor):
        raise interpreter.error(getattr(found, "node", None), f"the model '{name}' gives no tensor")
    _frozen(interpreter)
    if conventions == "torch":
        containers_of(interpreter.module_tree, interpreter.nodes)
    text, items, placed, graph = _write(interpreter.nodes, output.node, conventions)
    return ModelCode(text, conventions, items, interpreter.path, interpreter.lines, name, placed, graph)


def _frozen(interpreter: Interpreter) -> None:
    """Each known network's item as the code left it (``base.trainable = False`` may come after the model is
    built, as Keras reads it when the model is compiled or summarised), and ``frozen`` after the layers of a module
    frozen with the network whose classifier it replaced, and after those of a module frozen whole."""
    for index, node in enumerate(interpreter.nodes):
        if isinstance(node.layer, KnownNetwork):
            node.item = node.layer.item()
        elif node.kind == "layer" and node.item and not node.item.endswith(" frozen") and \
                (index in interpreter.frozen_nodes or id(node.layer) in interpreter.frozen_layers):
            node.item += " frozen"


def _keras_sequential(interpreter: Interpreter, model: Any) -> Any:
    """A Keras Sequential's layers applied in order, from its Input or its first layer's input_shape."""

    layers = list(model.layers)
    shape = None
    if layers and isinstance(layers[0], Tensor):  # keras.Input(shape=…) as the first element
        current = layers.pop(0)
    else:
        if layers and isinstance(layers[0], Layer) and layers[0].name == "InputLayer":
            first = layers.pop(0)
            shape = first.kwargs.get("input_shape", first.kwargs.get("shape"))
        elif layers and isinstance(layers[0], KnownNetwork):  # keras.Sequential([base, …]): base's input_shape
            shape = layers[0].input_shape
        elif layers and isinstance(layers[0], Layer):
            shape = layers[0].kwargs.get("input_shape")
            if shape is None and "input_dim" in layers[0].kwargs:
                shape = (layers[0].kwargs["input_dim"],)
            batch_shape = layers[0].kwargs.get("batch_input_shape")
            if shape is None and isinstance(batch_shape, (tuple, list)):
                shape = tuple(batch_shape[1:])
        text = input_text(shape, getattr(layers[0], "node", model.node), interpreter) if shape is not None else ""
        interpreter.nodes.append(Node("input", [], model.node, text))
        current = Tensor(len(interpreter.nodes) - 1)
    for layer in layers:
        if isinstance(layer, Unknown):
            raise interpreter.error(layer.node or model.node, f"a layer of this Sequential is {layer.why}",
                                    "build it with a layer class cnncalc knows")
        if isinstance(layer, KnownNetwork):
            current = interpreter.apply_known(layer, current)
            continue
        if not isinstance(layer, (Layer, Sequential)):
            raise interpreter.error(model.node, "this Sequential holds something that is not a layer")
        current = interpreter.apply(layer, [current], layer.node)
    return current


def _write(nodes: list[Any], output: int,  # noqa: PLR0912, PLR0915 - the three kinds of node, named or not
           conventions: str) -> tuple[str, list[tuple[tuple[int, int], Any]], list[Placed], bool]:
    """Spec text for the nodes the output depends on, in creation order (tensors used out of order are named), and
    each node placed as the spec's parser places it: its item's own text and start, and what it reads, numbered
    as the spec numbers its layers (0 is the input, n the n-th layer written); and whether the text is a graph
    (it names, references or merges a tensor)."""
    needed = {output}
    for index in range(output, -1, -1):
        if index in needed:
            needed.update(nodes[index].inputs)
    order = sorted(needed)
    named = set()
    previous = None  # the node written just before: the one a layer reads without naming it
    for index in order:
        node = nodes[index]
        for source in node.inputs:
            if source != previous or node.kind == "merge":
                named.add(source)
        previous = index
    names = {index: ("input" if nodes[index].kind == "input" else f"t{index}") for index in named}
    parts: list[str] = []
    items: list[tuple[tuple[int, int], Any]] = []
    placed: list[Placed] = []
    number: dict[int, int] = {}  # a node's number in the spec: 0 for the input, n for the n-th layer written
    layers = 0
    position = 0
    current = None
    graph = False
    for index in order:
        node = nodes[index]
        if node.kind == "layer" and node.inputs[0] == current and node.item and index not in named:
            # the most common: a layer that reads the one written before it, and is read by the one after it
            if parts:
                position += 2
            reads = (number[current],)
            layers += 1
            number[index] = layers
            items.append(((position, position + len(node.item)), node))
            placed.append(Placed(node, node.item, position, reads))
            parts.append(node.item)
            position += len(node.item)
            current = index
            continue
        prefix, name, branches = "", "", ()
        if node.kind == "input":
            text = f"input {node.item}" + (" nchw" if conventions == "torch" and node.item else "") if node.item else ""
            number[index] = 0
            reads: tuple[int, ...] = ()
        else:
            if node.kind == "merge":
                text = f"{node.item}({' | '.join('@' + names[s] for s in node.inputs)})"
                reads = tuple(number[s] for s in node.inputs)
                graph = True
            else:
                if node.inputs[0] != current:
                    prefix = f"@{names[node.inputs[0]]}"
                    graph = True
                text = node.item
                reads = (number[node.inputs[0]],)
            layers += 1
            number[index] = layers
        if index in named and node.kind != "input":
            name = f" as {names[index]}"
            graph = True
        for piece, is_item in ((prefix, False), (text + name, True)):
            if not piece:
                continue
            if parts:
                position += 2  # ', ' between this piece and the one before
            if is_item:
                items.append(((position, position + len(piece)), node))
                if node.kind == "merge":
                    branches = _branches(position + len(node.item) + 1, [len(names[s]) + 1 for s in node.inputs])
                placed.append(Placed(node, text, position, reads, branches))
            parts.append(piece)
            position += len(piece)
        current = index
    return ", ".join(parts), items, placed, graph


def _branches(start: int, lengths: list[int]) -> tuple[tuple[int, int], ...]:
    """Where each of a merge's branches ('@t3 | @t5') is written, from the first's start."""
    spans = []
    for length in lengths:
        spans.append((start, start + length))
        start += length + 3  # ' | '
    return tuple(spans)
