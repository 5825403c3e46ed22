"""A Keras tensor's shape read while the code builds the graph: ``x.shape[-1]``, ``x.shape[1:3]``,
``backend.int_shape(x)[channel_axis]`` (keras.applications' MobileNetV2 and DenseNet size layers with them). The
graph is built in order, so the tensor's shape is the one the graph made so far resolves to, from the input's shape
the code states or, when it computes it at run time, from --input."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .values import Tensor, _Shape

if TYPE_CHECKING:
    from .calls import Interpreter


def keras_tensor(interpreter: Interpreter, tensor: Tensor) -> bool:
    """Whether the tensor flows from a keras.Input (a PyTorch tensor's shape is its own matter)."""
    index = tensor.node
    nodes = interpreter.nodes
    for _ in range(len(nodes) + 1):  # a chain back to its input; merges keep to one branch: all share the input
        node = nodes[index]
        if node.kind == "input":
            return index in interpreter.keras_inputs
        index = node.inputs[0]
    return False


def resolved_shape(interpreter: Interpreter, shape: _Shape, node: ast.AST) -> tuple[int | None, ...]:
    """The Keras tensor's shape as Keras gives it, (None, height, width, channels): the batch is None."""
    return (None, *graph_shape(interpreter, shape.tensor, node, "keras"))


def graph_shape(interpreter: Interpreter, tensor: Tensor, node: ast.AST, conventions: str) -> tuple[int, ...]:
    """The tensor's shape without its batch, channels last, as the graph built so far resolves it (for PyTorch code
    too, from --input)."""
    known = interpreter.keras_shapes.get(tensor.node)  # the graph before a node never changes: once is enough
    if known is not None:
        return known
    interpreter.charge(10 * len(interpreter.nodes), node)  # the graph so far is resolved again: a real cost
    interpreter.keras_shapes[tensor.node] = resolved = _resolve(interpreter, tensor, node, conventions)
    return resolved


def _resolve(interpreter: Interpreter, tensor: Tensor, node: ast.AST, conventions: str) -> tuple[int, ...]:
    from .builder import _write
    from .network import _node_at, build_model
    from .records import ModelCode

    text, items, placed, graph = _write(interpreter.nodes, tensor.node, conventions)
    input_shape, layout = interpreter.given_input
    if not text.startswith("input ") and input_shape is None:
        raise interpreter.error(node, "this needs a tensor's shape, which depends on the input's shape, and the "
                                + ("code computes that when it runs" if conventions == "keras" else
                                   "PyTorch code does not state it"), "give the input's shape with --input " +
                                ("HxWxC, channels last: --input 28x28x1" if conventions == "keras" else
                                 "CxHxW, channels first: --input 3x224x224"))
    if interpreter.nodes[tensor.node].kind == "input":  # the input itself: a spec of no layers
        if not text:
            from ...language.spec import parse_input

            given = parse_input(input_shape)  # --input's own errors, as the model's build gives them
            layout = layout or given.layout or ("nchw" if conventions == "torch" else None)
            text = f"input {'x'.join(map(str, given.shape))}" + (f" {layout}" if layout else "")
            input_shape = layout = None
        from ...graph.network import build

        return tuple(build(text, input_shape, layout, conventions).input_shape)
    code = ModelCode(text, conventions, items, interpreter.path, interpreter.lines, "", placed, graph)
    net = build_model(code, input_shape, layout, conventions)
    if not net.layers or _node_at(code, net.layers[-1].span[0]) is not interpreter.nodes[tensor.node]:
        raise interpreter.error(node, "cnncalc cannot tell this tensor's shape from the layers before it",
                                "write the size as a number")
    return tuple(net.layers[-1].output_shape)


def shape_item(interpreter: Interpreter, shape: _Shape, index: Any, node: ast.AST) -> Any:
    """``x.shape[i]`` or ``x.shape[a:b]`` of a Keras tensor, as Python indexes the tuple Keras gives."""
    sizes = resolved_shape(interpreter, shape, node)
    if not isinstance(index, (int, slice)) or isinstance(index, bool):
        raise interpreter.error(node, "a tensor's shape indexed by something that is not a whole number")
    try:
        return sizes[index]
    except IndexError:
        raise interpreter.error(node, f"a tensor of shape {sizes} has no axis {index}") from None


def correct_pad(interpreter: Interpreter, node: ast.AST, *args: Any, **kwargs: Any) -> Any:
    """keras.applications' ``imagenet_utils.correct_pad(inputs, kernel_size)`` (Keras 2's keras_applications takes
    the backend first): the ZeroPadding2D sides before a strided 'valid' convolution, as keras/src/applications/
    imagenet_utils.py computes them from the tensor's height and width (channels-last)."""
    given = [*args, *(kwargs[key] for key in ("inputs", "kernel_size") if key in kwargs)]
    if len(given) == 3 and not isinstance(given[0], Tensor):
        given = given[1:]  # keras_applications.correct_pad(backend, inputs, kernel_size)
    if len(given) != 2 or len(kwargs) > 2 or not isinstance(given[0], Tensor) or \
            not keras_tensor(interpreter, given[0]):
        raise interpreter.error(node, "correct_pad() is read as correct_pad(inputs, kernel_size) of a Keras tensor")
    kernel = given[1]
    kernel = (kernel, kernel) if isinstance(kernel, int) and not isinstance(kernel, bool) else kernel
    if not isinstance(kernel, (tuple, list)) or len(kernel) != 2 or \
            not all(isinstance(k, int) and not isinstance(k, bool) for k in kernel):
        raise interpreter.error(node, "correct_pad()'s kernel size is not a whole number or a pair of them")
    sizes = resolved_shape(interpreter, _Shape(given[0]), node)
    if len(sizes) != 4:
        raise interpreter.error(node, f"correct_pad() of a tensor shaped {sizes}, which is not an image's")
    height, width = sizes[1], sizes[2]
    adjust = (1 - height % 2, 1 - width % 2)
    correct = (kernel[0] // 2, kernel[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))
