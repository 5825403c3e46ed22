"""PyTorch layers a model builds but never applies as ``model.eval()`` runs it (GoogLeNet's auxiliary heads, used
only in training, or a layer ``forward`` leaves out): PyTorch still counts their parameters and buffers, as
torchinfo's totals do, so they are counted here from the sizes each layer's code declares."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .arguments import _int, _NotConstantError, _unreadable
from .known_values import KnownNetwork
from .own_weights import OwnParameter
from .values import Instance, Layer, ModuleDict, ModuleList, Sequential

if TYPE_CHECKING:
    from .calls import Interpreter

#: PyTorch layers without parameters or buffers.
_FREE = frozenset({
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
    "Hardswish", "Hardsigmoid", "Mish", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "MaxPool1d", "MaxPool2d",
    "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "Flatten", "Identity",
    "Upsample", "ZeroPad2d", "LocalResponseNorm", "ReflectionPad2d", "ReplicationPad2d", "PixelShuffle",
    "StochasticDepth", "ChannelShuffle"})
#: Convolutions, by the number of spatial axes of their kernel.
_CONVOLUTIONS = {"Conv1d": 1, "Conv2d": 2, "Conv3d": 3, "ConvTranspose1d": 1, "ConvTranspose2d": 2,
                 "ConvTranspose3d": 3}
_BATCH_NORMS = frozenset({"BatchNorm1d", "BatchNorm2d", "BatchNorm3d"})


class Unused:
    """The layers of a model that its eval-mode path never applies: their parameters and buffers, and where."""

    def __init__(self) -> None:
        self.params = 0
        self.buffers = 0
        self.lines: list[tuple[str, int]] = []  # where each is made: a file other than the model's, and the line
        #: the parameters each module of the model holds in them (by the module's id: the modules it is inside,
        #: a ModuleList too), which torchinfo counts in that module's row (.module_tree names the same ids)
        self.held: dict[int, int] = {}


def unused_layers(interpreter: Interpreter, model: Any, applied: set[int]) -> Unused:
    """The parameters and buffers of the layers ``model`` holds (its attributes, its Sequentials, ModuleLists and
    ModuleDicts, through its sub-modules) that are not in ``applied`` (the ids of the layers the graph applies).
    A layer whose counts cnncalc cannot tell from its arguments is refused at the line that makes it."""
    found = Unused()
    _registered_only(interpreter, model)
    for layer, owners in held(interpreter, model):
        if isinstance(layer, KnownNetwork):  # a whole network never applied: refused, its count left to the zoo
            if id(layer) not in applied:
                raise interpreter.error(layer.node, f"{layer.name} is made but never applied as model.eval() runs "
                                        "the model", "apply it in forward(), or leave it out")
            continue  # applied: its head (the module that replaced its classifier) is applied with it
        if isinstance(layer, OwnParameter):  # weights of a module's own never used: PyTorch counts them
            if not layer.used:
                found.params += layer.size
                found.lines.append(_where(layer.node, interpreter))
                for owner in owners:
                    found.held[owner] = found.held.get(owner, 0) + layer.size
            continue
        if id(layer) in applied or layer.framework != "torch" or layer.name in _FREE:
            continue
        params, buffers = _counts(layer, interpreter)
        if params or buffers:
            found.params += params
            found.buffers += buffers
            found.lines.append(_where(layer.node, interpreter))
            for owner in owners:
                found.held[owner] = found.held.get(owner, 0) + params
    return found


def _where(node: Any, interpreter: Interpreter) -> tuple[str, int]:
    """Where a layer is made: another file of the model's folder by its name (or ""), and the line."""
    source = getattr(node, "cnncalc_source", None)
    return os.path.basename(source.path) if source else "", interpreter.line_of(node) if node is not None else 0


def held(interpreter: Interpreter, model: Any, plain: bool = True) -> Iterator[
        tuple[Layer | OwnParameter | KnownNetwork, tuple[int, ...]]]:
    """Each layer object a model holds, once, depth first in the order it was assigned, with the ids of the
    modules (and lists, dicts) it is held in below the model; without ``plain``, only through what PyTorch
    registers (a plain list, tuple or dict of modules is not)."""
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[int, ...]]] = [(model, ())]
    while stack:
        value, owners = stack.pop()
        interpreter.charge(1, None)
        if id(value) in seen:
            continue
        seen.add(id(value))
        inner = (*owners, id(value)) if value is not model else owners
        if isinstance(value, (Layer, OwnParameter, KnownNetwork)):
            yield value, owners
        elif isinstance(value, Instance):
            held_values = [*([value.base_layer] if value.base_layer else []), *value.attributes.values()]
            stack.extend((each, inner) for each in reversed(held_values))
        elif isinstance(value, Sequential):
            stack.extend((each, inner) for each in reversed(value.layers))
        elif isinstance(value, (list, tuple, dict)) and (plain or isinstance(value, (ModuleList, ModuleDict))):
            items = list(value.values()) if isinstance(value, dict) else list(value)
            stack.extend((each, inner) for each in reversed(items))


def _registered_only(interpreter: Interpreter, model: Any) -> None:
    """A module with weights held only in a plain list, tuple or dict of a module's attributes (``self.blocks =
    [nn.Linear(4, 4)]``) is refused at the line that makes it: PyTorch registers only modules, ModuleLists and
    ModuleDicts, so such a module's parameters are not the model's (not counted, trained nor saved), though
    forward() may use it. (A ReLU so held changes no count.)"""
    registered = {id(layer) for layer, _ in held(interpreter, model, plain=False)}
    for layer, _ in held(interpreter, model):
        if id(layer) not in registered and not (isinstance(layer, Layer) and layer.name in _FREE):
            name = layer.name if isinstance(layer, (Layer, KnownNetwork)) else "parameter"
            raise interpreter.error(layer.node, f"this {name} is held in a plain Python list, tuple or dict of the "
                                    "model's, which PyTorch does not register: its parameters are not the model's "
                                    "(PyTorch neither counts, trains nor saves them)",
                                    "hold it in nn.ModuleList (nn.ModuleDict for a dict), or in an attribute of "
                                    "its own")


def _counts(layer: Layer, interpreter: Interpreter) -> tuple[int, int]:
    """(parameters, buffers) of one PyTorch layer, from the sizes its code gives, as PyTorch makes them."""
    try:
        return _declared(layer)
    except (_NotConstantError, ValueError, TypeError) as error:
        if isinstance(error, _NotConstantError):
            raise _unreadable(layer.name, error, layer.node, interpreter) from None
        raise interpreter.error(layer.node, f"this {layer.name} is built but not used for the model's output in "
                                "eval mode, and cnncalc cannot count its parameters from its arguments",
                                "give its sizes as whole numbers, or remove it from the model") from None


def _declared(layer: Layer) -> tuple[int, int]:
    name = layer.name
    if name in _CONVOLUTIONS:
        channels_in = int(_int(layer.arg(0, "in_channels"), "in_channels", 1))
        channels_out = int(_int(layer.arg(1, "out_channels"), "out_channels", 1))
        kernel = layer.arg(2, "kernel_size")
        sides = [kernel] * _CONVOLUTIONS[name] if not isinstance(kernel, (tuple, list)) else list(kernel)
        if len(sides) != _CONVOLUTIONS[name]:
            raise ValueError("kernel_size")
        area = math.prod(int(_int(side, "kernel_size", 1)) for side in sides)
        transposed = name.startswith("ConvTranspose")  # (…, output_padding, groups, bias, dilation)
        groups = int(_int(layer.arg(7 if transposed else 6, "groups", 1), "groups", 1))
        if channels_in % groups or channels_out % groups:
            raise ValueError("groups")
        bias = channels_out if _flag(layer.arg(8 if transposed else 7, "bias", True)) else 0
        return channels_in * channels_out // groups * area + bias, 0
    if name == "Linear":
        features_in = int(_int(layer.arg(0, "in_features"), "in_features", 1))
        features_out = int(_int(layer.arg(1, "out_features"), "out_features", 1))
        return features_in * features_out + (features_out if _flag(layer.arg(2, "bias", True)) else 0), 0
    if name in _BATCH_NORMS:
        features = int(_int(layer.arg(0, "num_features"), "num_features", 1))
        affine = _flag(layer.arg(3, "affine", True))
        tracked = _flag(layer.arg(4, "track_running_stats", True))
        return (2 * features if affine else 0), (2 * features + 1 if tracked else 0)
    if name == "GroupNorm":
        channels = int(_int(layer.arg(1, "num_channels"), "num_channels", 1))
        return (2 * channels if _flag(layer.arg(3, "affine", True)) else 0), 0
    if name == "PReLU":
        return int(_int(layer.arg(0, "num_parameters", 1), "num_parameters", 1)), 0
    if name == "Embedding":
        rows = int(_int(layer.arg(0, "num_embeddings"), "num_embeddings", 1))
        return rows * int(_int(layer.arg(1, "embedding_dim"), "embedding_dim", 1)), 0
    raise TypeError(name)


def _flag(value: Any) -> bool:
    """bias=, affine=: True or False, and nothing else (a value known only at run time is refused)."""
    if not isinstance(value, bool):
        raise _NotConstantError(value, "flag")
    return value
