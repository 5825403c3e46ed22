"""A torchvision network's classifier replaced, as fine-tuning code replaces it: ``model.fc = nn.Linear(
model.fc.in_features, 10)``, ``model.classifier[-1] = nn.Linear(…)``, ``model.classifier = nn.Linear(…)``
(DenseNet), ``self.backbone.fc = nn.Identity()``. The last Linear becomes the module given, which is the spec's
``notop`` followed by that module's layers (nothing for ``nn.Identity()``); the module is trainable unless the
network is frozen after it is set. Another part of the network (``model.features``, ``model.layer4``,
``model.classifier[0]``) is refused where the code reads it."""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .values import Layer, Sequential, Tensor

if TYPE_CHECKING:
    from .calls import Interpreter
    from .known_values import KnownNetwork

#: where each torchvision family keeps its last Linear: the attribute, and for an nn.Sequential its length (the
#: Linear is its last item); by the start of the builder's name
_HEADS = (("resnet", "fc", 0), ("resnext", "fc", 0), ("wide_resnet", "fc", 0), ("regnet", "fc", 0),
          ("shufflenet", "fc", 0), ("googlenet", "fc", 0), ("inception_v3", "fc", 0), ("densenet", "classifier", 0),
          ("alexnet", "classifier", 7), ("vgg", "classifier", 7), ("mobilenet_v2", "classifier", 2),
          ("mobilenet_v3", "classifier", 4), ("efficientnet", "classifier", 2), ("mnasnet", "classifier", 2),
          ("convnext", "classifier", 3))


class HeadPart:
    """``model.fc``, ``model.classifier`` or ``model.classifier[-1]`` as torchvision builds it: ``index`` is the
    item of a classifier that is an nn.Sequential (None for the attribute itself)."""

    def __init__(self, network: KnownNetwork, name: str, index: int | None = None) -> None:
        self.network, self.name, self.index = network, name, index


def _head(network: KnownNetwork) -> tuple[str, int] | None:
    return next(((name, length) for prefix, name, length in _HEADS if network.network.startswith(prefix)), None)


def _refused(interpreter: Interpreter, network: KnownNetwork, what: str, node: ast.AST) -> Exception:
    head = _head(network)
    where = "" if head is None else f"model.{head[0]}" + ("[-1]" if head[1] else "")
    return interpreter.error(node, f"cnncalc reads {network.network} as one whole network: {what} is not followed",
                             (f"replace its last Linear ({where} = nn.Linear({where}.in_features, 10)) and freeze "
                              "the whole network (model.requires_grad_(False))") if head else
                             f"{network.network}'s classifier ends in no Linear: write the model as a spec")


def head_part(interpreter: Interpreter, network: KnownNetwork, name: str, node: ast.AST) -> Any:
    """``model.fc`` or ``model.classifier``: the module that replaced it, or the part torchvision built."""
    head = _head(network)
    if head is None or name != head[0]:
        raise _refused(interpreter, network, f"its .{name[:40]}", node)
    if network.notop and not head[1]:
        return network.head if network.head is not None else Layer("torch", "Identity", [], {}, node)
    return HeadPart(network, name)


def part_item(interpreter: Interpreter, part: HeadPart, index: Any, node: ast.AST) -> Any:
    """``model.classifier[-1]`` (or its last index, ``classifier[6]`` of VGG): the Linear, or what replaced it."""
    length = _head(part.network)[1]  # type: ignore[index]
    if not length or part.index is not None or index not in (-1, length - 1) or isinstance(index, bool):
        raise _refused(interpreter, part.network, f"{part.name}[{index!r}]"[:60], node)
    if part.network.notop:
        return part.network.head if part.network.head is not None else Layer("torch", "Identity", [], {}, node)
    return HeadPart(part.network, part.name, -1)


def part_attribute(interpreter: Interpreter, part: HeadPart, name: str, node: ast.AST) -> Any:
    """``model.fc.in_features``: what reaches the last Linear, as the zoo's network has it."""
    length = _head(part.network)[1]  # type: ignore[index]
    if name != "in_features" or (length and part.index is None):
        raise _refused(interpreter, part.network, f"{part.name}.{name[:40]}", node)
    return in_features(part.network.network)


@lru_cache(maxsize=64)
def in_features(network: str) -> int:
    """The features the network's last Linear reads: its output without the classifier (on 299×299, which every
    torchvision network takes; the features do not depend on the size after the global pooling)."""
    from ...graph.network import build

    return int(build(f"input 3x299x299 nchw, {network} notop").layers[0].output_shape[-1])


def replace_head(interpreter: Interpreter, network: KnownNetwork, name: str, index: Any, value: Any,
                 node: ast.AST) -> None:
    """``model.fc = module`` (index None) or ``model.classifier[-1] = module``."""
    head = _head(network)
    if head is None or name != head[0] or (index is None) != (head[1] == 0) or \
            (index is not None and (isinstance(index, bool) or index not in (-1, head[1] - 1))):
        shown = f"{name}[{index!r}]" if index is not None else name
        raise _refused(interpreter, network, f"a change to its .{shown[:40]}", node)
    if not (isinstance(value, (Layer, Sequential)) and value.framework == "torch"):
        raise interpreter.error(node, f"{network.network}'s classifier replaced by something that is not a PyTorch "
                                "layer cnncalc knows", "replace it by nn.Linear(…), nn.Sequential(…) or "
                                "nn.Identity()")
    network.notop = True
    network.head = None if isinstance(value, Layer) and value.name == "Identity" else value
    network.head_frozen = False  # a new module's parameters require gradients


def apply_head(interpreter: Interpreter, network: KnownNetwork, tensor: Tensor, node: ast.AST) -> Tensor:
    """The module that replaced the network's classifier, applied after its row, frozen if the network was frozen
    after it was set."""
    if network.head is None:
        return tensor
    start = len(interpreter.nodes)
    result = interpreter.apply(network.head, [tensor], node)
    if network.head_frozen:
        interpreter.frozen_nodes.update(range(start, len(interpreter.nodes)))
    return result  # type: ignore[no-any-return]
