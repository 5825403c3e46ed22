"""Framework layers as spec items, and a model's graph as spec text (the second half of :mod:`cnncalc.pycode`).

Each Keras or PyTorch layer call is written as the spec word with its numbers and options, exactly as a person
would type it: ``layers.Conv2D(32, (3, 3), strides=2, padding="same", activation="relu")`` is
``conv32x3x3 s2 same relu``, ``nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)`` is ``conv64x7x7 s2 p3
nobias``.  A graph with branches names the tensors it reuses (``as t3``) and merges them by name
(``add(@t3 | @t5)``).  Anything a spec cannot say is an error at the layer's line.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .errors import CnnCalcError, SpecError
from .layers import ACTIVATIONS

if TYPE_CHECKING:
    from .network import Network
    from .pycode import Interpreter, Layer, ModelCode

__all__ = ["build_model", "function_item", "graph_spec", "layer_item"]


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0], value[1]
    raise ValueError(value)


def _one(value: Any) -> Any:
    """A 1-D module's size: an int, or a 1-tuple of one (nn.Conv1d(6, 4, (3,))); a string ('same') as it is."""
    if isinstance(value, (tuple, list)) and len(value) == 1 and isinstance(value[0], int):
        return value[0]
    if isinstance(value, (int, str)):
        return value
    raise ValueError(value)


def _axes(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def _option(key: str, value: Any, default: Any) -> str:
    """' s2', ' p1x2', ' d2', '' for the default."""
    if value is None or value == default:
        return ""
    pair = _pair(value)
    return "" if pair == _pair(default) else f" {key}{_axes(pair)}"


#: Keras' own names for two of the spec's activations (keras.activations.get takes these, not the spec's).
_KERAS_ACTIVATION_NAMES = {"leaky_relu": "leakyrelu", "hard_swish": "hardswish"}


def _activation(name: Any, layer: Layer, interpreter: Interpreter) -> str:
    if name is None or name == "linear":
        return ""
    if isinstance(name, str) and _KERAS_ACTIVATION_NAMES.get(name.lower(), name.lower()) in ACTIVATIONS:
        return f" {_KERAS_ACTIVATION_NAMES.get(name.lower(), name.lower())}"
    raise interpreter.error(layer.node, f"the activation {name!r} is not one cnncalc knows",
                            f"use one of {', '.join(ACTIVATIONS)}, or a separate activation layer")


def layer_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, tuple[str, int] | None]:
    """The spec item of a framework layer, and the size it declares it reads (PyTorch states it)."""
    try:
        return (_keras_item(layer, interpreter), None) if layer.framework == "keras" else \
            _torch_item(layer, interpreter)
    except (ValueError, TypeError, KeyError, IndexError):
        raise interpreter.error(layer.node, f"cnncalc cannot read this {layer.name}'s arguments as constants",
                                "give its sizes as numbers or tuples of numbers") from None


def _keras_conv(word: str, layer: Layer, interpreter: Interpreter, filters: bool = True) -> str:
    a, k = layer.arg, layer.kwargs
    offset = 1 if filters else 0
    kernel = _pair(a(offset, "kernel_size"))
    head = f"{word}{a(0, 'filters')}x{kernel[0]}x{kernel[1]}" if filters else f"{word}{kernel[0]}x{kernel[1]}"
    padding = a(offset + 2, "padding", "valid")
    text = head + _option("s", a(offset + 1, "strides", 1), 1) + (" same" if str(padding).lower() == "same" else "")
    text += _option("d", k.get("dilation_rate", 1), 1)
    if k.get("groups", 1) != 1:
        text += f" g{k['groups']}"
    if k.get("depth_multiplier", 1) != 1:
        text += f" m{k['depth_multiplier']}"
    if "output_padding" in k and k["output_padding"] is not None:
        text += f" op{_axes(_pair(k['output_padding']))}"
    text += _activation(k.get("activation"), layer, interpreter)
    return text + ("" if k.get("use_bias", True) else " nobias")


def _keras_item(layer: Layer, interpreter: Interpreter) -> str | None:  # noqa: PLR0911, PLR0912 - one per class
    n, a, k = layer.name, layer.arg, layer.kwargs
    if n in ("Conv2D", "Convolution2D"):
        return _keras_conv("conv", layer, interpreter)
    if n in ("Conv2DTranspose", "Deconvolution2D"):
        return _keras_conv("deconv", layer, interpreter)
    if n == "SeparableConv2D":
        return _keras_conv("sepconv", layer, interpreter)
    if n == "DepthwiseConv2D":
        return _keras_conv("dwconv", layer, interpreter, filters=False)
    if n in ("Conv1D", "Convolution1D"):
        kernel = a(1, "kernel_size")
        kernel = kernel[0] if isinstance(kernel, (tuple, list)) else kernel
        padding = str(a(3, "padding", "valid")).lower()
        return (f"conv1d{a(0, 'filters')}x{kernel}" + _option("s", a(2, "strides", 1), 1) +
                (f" {padding}" if padding in ("same", "causal") else "") + _option("d", k.get("dilation_rate", 1), 1) +
                _activation(k.get("activation"), layer, interpreter) + ("" if k.get("use_bias", True) else " nobias"))
    if n == "Dense":
        return f"dense{a(0, 'units')}" + _activation(a(1, "activation"), layer, interpreter) + \
            ("" if k.get("use_bias", True) else " nobias")
    if n == "Flatten":
        return "flatten"
    if n in ("Dropout", "SpatialDropout2D"):
        return f"dropout{a(0, 'rate')}"
    if n in ("MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D"):
        size = _pair(a(0, "pool_size", 2))
        word = "pool" if n.startswith("Max") else "avgpool"
        strides = a(1, "strides")
        padding = str(a(2, "padding", "valid")).lower()
        return f"{word}{_axes(size)}" + ("" if strides is None else _option("s", strides, size)) + \
            (" same" if padding == "same" else "")
    if n in ("MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D"):
        size = a(0, "pool_size", 2)
        strides = a(1, "strides")
        word = "pool1d" if n.startswith("Max") else "avgpool1d"
        return f"{word}{size}" + ("" if strides in (None, size) else f" s{strides}") + \
            (" same" if str(a(2, "padding", "valid")).lower() == "same" else "")
    if n in ("GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D"):
        return ("gap" if "Average" in n or "Avg" in n else "gmp") + (" keepdims" if k.get("keepdims") else "")
    if n in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        return "gap1d" if "Average" in n else "gmp1d"
    if n == "BatchNormalization":
        if a(0, "axis", -1) not in (-1, 3):
            raise interpreter.error(layer.node, f"BatchNormalization(axis={a(0, 'axis')}) normalises an axis "
                                    "other than the channels", "cnncalc's bn normalises the channels (axis=-1)")
        return "bn" + ("" if k.get("scale", True) else " noscale") + ("" if k.get("center", True) else " nocenter")
    if n == "LayerNormalization":
        return "layernorm"
    if n == "Activation":  # a row of its own, 'linear' (the identity) included
        name = a(0, "activation")
        return "linear" if name in (None, "linear") else _activation(name, layer, interpreter).strip()
    if n == "ReLU":
        return "relu6" if k.get("max_value", a(0, "max_value")) == 6 else "relu"
    if n == "LeakyReLU":
        alpha = k.get("negative_slope", k.get("alpha", a(0, "negative_slope", 0.3)))
        return f"leakyrelu{alpha}"
    if n in ("ELU", "Softmax"):
        return n.lower()
    if n == "PReLU":
        return "prelu channel" if k.get("shared_axes") is None else "prelu"
    if n in ("ZeroPadding2D", "Cropping2D"):
        value = a(0, "padding" if n == "ZeroPadding2D" else "cropping", 1)
        word = "zeropad" if n == "ZeroPadding2D" else "crop"
        if isinstance(value, (tuple, list)) and value and isinstance(value[0], (tuple, list)):
            (top, bottom), (left, right) = value
            return f"{word} t{top} b{bottom} l{left} r{right}"
        return f"{word}{_axes(_pair(value))}"
    if n == "UpSampling2D":
        return f"up{_axes(_pair(a(0, 'size', 2)))}"
    if n in ("Reshape", "Permute"):
        return f"{n.lower()}{'x'.join(map(str, a(0, 'target_shape' if n == 'Reshape' else 'dims')))}"
    if n == "Embedding":
        return f"embedding{a(0, 'input_dim')}x{a(1, 'output_dim')}"
    raise interpreter.error(layer.node, f"cnncalc has no spec word for Keras' {n}",
                            "write this network as a spec, leaving out or replacing this layer")


def _torch_conv(word: str, layer: Layer, transposed: bool = False) -> tuple[str, tuple[str, int]]:
    a = layer.arg
    out = a(1, "out_channels")
    kernel = _pair(a(2, "kernel_size"))
    padding = a(4, "padding", 0)
    text = f"{word}{out}x{kernel[0]}x{kernel[1]}" + _option("s", a(3, "stride", 1), 1)
    if isinstance(padding, str):
        text += " same" if padding == "same" else ""
    else:
        text += _option("p", padding, 0)
    if transposed:
        text += _option("op", a(5, "output_padding", 0), 0)
        groups, bias, dilation = a(6, "groups", 1), a(7, "bias", True), a(8, "dilation", 1)
    else:
        dilation, groups, bias = a(5, "dilation", 1), a(6, "groups", 1), a(7, "bias", True)
        mode = a(8, "padding_mode", "zeros")
        text += "" if mode == "zeros" else f" {mode}"
    text += _option("d", dilation, 1) + (f" g{groups}" if groups != 1 else "") + ("" if bias else " nobias")
    return text, ("channels", a(0, "in_channels"))


_TORCH_ACTIVATIONS = {"ReLU": "relu", "ReLU6": "relu6", "ELU": "elu", "GELU": "gelu", "SiLU": "swish",
                      "Sigmoid": "sigmoid", "Tanh": "tanh", "Softmax": "softmax", "Hardswish": "hardswish",
                      "Mish": "mish", "SELU": "selu", "Identity": "linear"}


def _torch_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, tuple[str, int] | None]:  # noqa: PLR0911, PLR0912 - one branch per class
    n, a = layer.name, layer.arg
    if n == "Conv2d":
        return _torch_conv("conv", layer)
    if n == "ConvTranspose2d":
        return _torch_conv("deconv", layer, transposed=True)
    if n == "Conv1d":
        padding, groups = _one(a(4, "padding", 0)), a(6, "groups", 1)
        written = f" {padding}" if padding in ("same", "valid") else (f" p{padding}" if padding else "")
        return (f"conv1d{a(1, 'out_channels')}x{_one(a(2, 'kernel_size'))}" +
                _option("s", _one(a(3, "stride", 1)), 1) + written + _option("d", _one(a(5, "dilation", 1)), 1) +
                (f" g{groups}" if groups != 1 else "") + ("" if a(7, "bias", True) else " nobias"),
                ("channels", a(0, "in_channels")))
    if n == "Linear":
        return f"dense{a(1, 'out_features')}" + ("" if a(2, "bias", True) else " nobias"), \
            ("features", a(0, "in_features"))
    if n in ("MaxPool2d", "AvgPool2d"):
        size = _pair(a(0, "kernel_size"))
        stride = a(1, "stride")
        text = ("pool" if n == "MaxPool2d" else "avgpool") + _axes(size)
        text += "" if stride is None else _option("s", stride, size)
        text += _option("p", a(2, "padding", 0), 0)
        if n == "MaxPool2d":
            text += _option("d", a(3, "dilation", 1), 1) + (" ceil" if a(5, "ceil_mode", False) else "")
        else:
            text += " ceil" if a(3, "ceil_mode", False) else ""
        return text, None
    if n in ("MaxPool1d", "AvgPool1d"):
        size = a(0, "kernel_size")
        stride = a(1, "stride")
        return (("pool1d" if n == "MaxPool1d" else "avgpool1d") + str(size) +
                ("" if stride in (None, size) else f" s{stride}") + _option("p", a(2, "padding", 0), 0)), None
    if n in ("AdaptiveAvgPool2d", "AdaptiveMaxPool2d"):
        size = a(0, "output_size")
        return ("adaptiveavgpool" if "Avg" in n else "adaptivemaxpool") + _axes(_pair(size)), None
    if n in ("AdaptiveAvgPool1d", "AdaptiveMaxPool1d"):
        return ("adaptiveavgpool1d" if "Avg" in n else "adaptivemaxpool1d") + str(a(0, "output_size")), None
    if n in ("BatchNorm2d", "BatchNorm1d", "BatchNorm3d"):
        affine = a(3, "affine", True)
        return "bn" + ("" if affine else " noscale nocenter"), ("channels", a(0, "num_features"))
    if n in ("Dropout", "Dropout2d"):
        return f"dropout{a(0, 'p', 0.5)}", None
    if n in _TORCH_ACTIVATIONS:
        return _TORCH_ACTIVATIONS[n], None
    if n == "LeakyReLU":
        return f"leakyrelu{a(0, 'negative_slope', 0.01)}", None
    if n == "PReLU":
        return ("prelu channel" if a(0, "num_parameters", 1) > 1 else "prelu"), None
    if n == "Flatten":
        if a(0, "start_dim", 1) != 1:
            raise interpreter.error(layer.node, "a Flatten that keeps no batch axis (start_dim=0)")
        return "flatten", None
    if n == "Upsample":
        if a(1, "scale_factor") is None:
            raise interpreter.error(layer.node, "an Upsample to a fixed size", "give scale_factor=2 instead of size")
        factor = a(1, "scale_factor")
        factors = tuple(factor) if isinstance(factor, (tuple, list)) else (factor, factor)
        if not all(isinstance(f, (int, float)) and float(f).is_integer() and f >= 1 for f in factors):
            raise interpreter.error(layer.node, "an Upsample by a fractional scale_factor",
                                    "cnncalc's up takes whole factors: scale_factor=2 or (2, 3)")
        return f"up{_axes(_pair(tuple(int(f) for f in factors)))}", None
    if n == "ZeroPad2d":
        value = a(0, "padding")
        if isinstance(value, int):
            return f"zeropad{value}", None
        left, right, top, bottom = value
        return f"zeropad t{top} b{bottom} l{left} r{right}", None
    if n == "Embedding":
        return f"embedding{a(0, 'num_embeddings')}x{a(1, 'embedding_dim')}", None
    if n == "LayerNorm":
        return "layernorm", None
    if n == "GroupNorm":
        return f"groupnorm{a(0, 'num_groups')}", ("channels", a(1, "num_channels"))
    if n == "LocalResponseNorm":
        return f"lrn{a(0, 'size')}", None
    raise interpreter.error(layer.node, f"cnncalc has no spec word for PyTorch's {n}",
                            "write this network as a spec, leaving out or replacing this layer")


def function_item(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], interpreter: Interpreter,  # noqa: PLR0911, PLR0912
                  node: ast.AST) -> str | None:
    """A torch function or tensor method on a tensor as a spec item; None for one that changes nothing."""
    from .pycode import TORCH_FUNCTIONS, BatchSize

    rest = args[1:]

    def arg(position: int, key: str, default: Any = None) -> Any:
        return rest[position] if position < len(rest) else kwargs.get(key, default)

    if name in TORCH_FUNCTIONS:
        if name == "leaky_relu":
            return f"leakyrelu{arg(0, 'negative_slope', 0.01)}"
        return TORCH_FUNCTIONS[name]
    if name in ("max_pool2d", "avg_pool2d"):
        size = _pair(arg(0, "kernel_size"))
        stride = arg(1, "stride")
        return ("pool" if name == "max_pool2d" else "avgpool") + _axes(size) + \
            ("" if stride is None else _option("s", stride, size)) + _option("p", arg(2, "padding", 0), 0) + \
            (" ceil" if kwargs.get("ceil_mode") else "")
    if name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        return ("adaptiveavgpool" if "avg" in name else "adaptivemaxpool") + _axes(_pair(arg(0, "output_size")))
    if name in ("dropout", "dropout2d"):
        return f"dropout{arg(0, 'p', 0.5)}"
    if name == "flatten":
        if arg(0, "start_dim", 0) != 1:
            raise interpreter.error(node, "torch.flatten(x) without start_dim=1 flattens the batch too",
                                    "write torch.flatten(x, 1)")
        return "flatten"
    if name == "view":
        shape = [a for a in rest if not isinstance(a, tuple)] if not (rest and isinstance(rest[0], tuple)) \
            else list(rest[0])
        if len(shape) == 2 and (isinstance(shape[0], BatchSize) or shape[0] == -1):
            return "flatten"
        raise interpreter.error(node, "a view or reshape cnncalc can read is x.view(x.size(0), -1) or "
                                "x.view(-1, N): a flatten", "write other reshapes as a spec's reshape layer")
    if name == "mean":
        dims = arg(0, "dim")
        if isinstance(dims, (tuple, list)) and sorted(dims) in ([2, 3], [-2, -1]):
            return "gap keepdims" if kwargs.get("keepdim") else "gap"
        raise interpreter.error(node, "a mean over other axes than the spatial ones (2, 3)")
    if name == "interpolate":
        factor = kwargs.get("scale_factor")
        if factor is None:
            raise interpreter.error(node, "an interpolate to a fixed size", "give scale_factor=2 instead of size")
        return f"up{int(factor)}"
    if name in ("squeeze",):
        return None
    raise interpreter.error(node, f"cnncalc cannot follow {name}() on a tensor",
                            "use a layer cnncalc knows, or write this block as a spec")


# ---- the graph as spec text -----------------------------------------------------------------------------

def graph_spec(interpreter: Interpreter, found: Any, name: str) -> ModelCode:
    """The model's graph written as spec text, with the span of each item."""
    from .pycode import Instance, KerasModel, ModelCode, Node, Sequential, Tensor, Unknown

    conventions = "keras"
    if isinstance(found, KerasModel):
        if not isinstance(found.inputs, Tensor) or not isinstance(found.outputs, Tensor):
            raise interpreter.error(found.node, "a model with several inputs or outputs",
                                    "cnncalc summarises one input and one output")
        output = found.outputs
    elif isinstance(found, Sequential) and found.framework == "keras":
        output = _keras_sequential(interpreter, found)
    elif isinstance(found, (Sequential, Instance)):
        conventions = "torch"
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
    if not isinstance(output, Tensor):
        raise interpreter.error(getattr(found, "node", None), f"the model '{name}' gives no tensor")
    text, items = _write(interpreter.nodes, output.node, conventions)
    return ModelCode(text, conventions, items, interpreter.path, interpreter.lines, name)


def _keras_sequential(interpreter: Interpreter, model: Any) -> Any:
    """A Keras Sequential's layers applied in order, from its Input or its first layer's input_shape."""
    from .pycode import Layer, Node, Sequential, Tensor, Unknown

    layers = list(model.layers)
    shape = None
    if layers and isinstance(layers[0], Tensor):  # keras.Input(shape=…) as the first element
        current = layers.pop(0)
    else:
        if layers and isinstance(layers[0], Layer) and layers[0].name == "InputLayer":
            first = layers.pop(0)
            shape = first.kwargs.get("input_shape", first.kwargs.get("shape"))
        elif layers and isinstance(layers[0], Layer):
            shape = layers[0].kwargs.get("input_shape")
            if shape is None and "input_dim" in layers[0].kwargs:
                shape = (layers[0].kwargs["input_dim"],)
            if shape is None and layers[0].kwargs.get("batch_input_shape"):
                shape = tuple(layers[0].kwargs["batch_input_shape"][1:])
        text = "x".join(str(d) for d in shape if d is not None) if isinstance(shape, (tuple, list)) else ""
        interpreter.nodes.append(Node("input", [], model.node, text))
        current = Tensor(len(interpreter.nodes) - 1)
    for layer in layers:
        if isinstance(layer, Unknown):
            raise interpreter.error(layer.node or model.node, f"a layer of this Sequential is {layer.why}",
                                    "build it with a layer class cnncalc knows")
        if not isinstance(layer, (Layer, Sequential)):
            raise interpreter.error(model.node, "this Sequential holds something that is not a layer")
        current = interpreter.apply(layer, [current], layer.node)
    return current


def _write(nodes: list[Any], output: int,  # noqa: PLR0912 - the three kinds of node, named or not
           conventions: str) -> tuple[str, list[tuple[tuple[int, int], Any]]]:
    """Spec text for the nodes the output depends on, in creation order; tensors used out of order are named."""
    needed = {output}
    for index in range(output, -1, -1):
        if index in needed:
            needed.update(nodes[index].inputs)
    order = sorted(needed)
    following = {order[i]: order[i + 1] for i in range(len(order) - 1)}
    named = set()
    for index in order:
        node = nodes[index]
        for source in node.inputs:
            if node.kind == "merge" or following.get(source) != index:
                named.add(source)
    names = {index: ("input" if nodes[index].kind == "input" else f"t{index}") for index in named}
    parts: list[str] = []
    items: list[tuple[tuple[int, int], Any]] = []
    position = 0
    current = None
    for index in order:
        node = nodes[index]
        prefix = ""
        if node.kind == "input":
            text = f"input {node.item}" + (" nchw" if conventions == "torch" and node.item else "") if node.item else ""
        elif node.kind == "merge":
            text = f"{node.item}({' | '.join('@' + names[s] for s in node.inputs)})"
        else:
            if node.inputs[0] != current:
                prefix = f"@{names[node.inputs[0]]}"
            text = node.item
        if index in named and node.kind != "input":
            text += f" as {names[index]}"
        for piece, is_item in ((prefix, False), (text, True)):
            if not piece:
                continue
            if parts:
                parts.append(", ")
                position += 2
            if is_item:
                items.append(((position, position + len(piece)), node))
            parts.append(piece)
            position += len(piece)
        current = index
    return "".join(parts), items


# ---- building, with errors at the code's own lines ------------------------------------------------------

def build_model(code: ModelCode, input_shape: str | None = None, layout: str | None = None,
                conventions: str | None = None) -> Network:
    """The network a model's code defines: its spec resolved, each error moved to the line that made it, and
    each size the code declares checked against what reaches it."""
    from .network import build

    torch = code.conventions == "torch"
    if torch and input_shape is None and not code.spec.startswith("input "):
        raise CnnCalcError(f"{code.path}: PyTorch code does not state its input's shape",
                           "give it with --input, channels first: --input 3x224x224 (or 1x28x28)")
    if not torch and input_shape is None and not code.spec.startswith("input "):
        raise CnnCalcError(f"{code.path}: the model states no input shape",
                           "add keras.Input(shape=(28, 28, 1)) or input_shape=… to its first layer, or give --input")
    try:
        net = build(code.spec, input_shape, layout or ("nchw" if torch else None), conventions or code.conventions)
    except SpecError as error:
        node = _node_at(code, error.span[0])
        raise code.error_at(getattr(node, "where", None), error.message, error.hint) from None
    _check_declared(code, net)
    return net


def _node_at(code: ModelCode, position: int) -> Any:
    for (start, end), node in code.items:
        if start <= position < max(end, start + 1):
            return node
    return None


def _check_declared(code: ModelCode, net: Network) -> None:
    """nn.Conv2d(32, …), nn.Linear(1600, …), nn.BatchNorm2d(64): the sizes the code says a layer reads."""
    for layer in net.layers:
        node = _node_at(code, layer.span[0])
        if node is None or node.declared is None or not layer.input_shape:
            continue
        what, declared = node.declared
        if not isinstance(declared, int):
            continue
        reads = layer.input_shape[-1]
        if reads != declared:
            noun = "input channels" if what == "channels" else "input features"
            raise code.error_at(node.where, f"{node.layer.name} is written to read {declared} {noun}, but the layer "
                                f"before gives {reads} ({net.shape_text(layer.input_shape)})",
                                f"make it {node.layer.name}({reads}, …), or fix the layer before it")
