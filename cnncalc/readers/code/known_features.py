"""A torchvision network's ``features`` frozen, as fine-tuning code freezes the base and trains the classifier:
``model.features.requires_grad_(False)`` or ``for p in model.features.parameters(): p.requires_grad = False``.

Where ``features`` holds every parameter but the classifier's last Linear (DenseNet: ``features``, then the
``classifier`` Linear; MobileNetV2 and EfficientNet: ``features``, then Dropout and the Linear), freezing it is
the network frozen with its classifier cut off (``notop frozen``), the classifier's Linear, or the module that
replaced it, still trained.  Other networks keep parameters between the two (VGG's and AlexNet's first fully
connected layers, MobileNetV3's, ConvNeXt's layer norm), and their ``features`` is refused where it is read."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .known_freezing import Parameter, shown
from .values import Builtin, Layer

if TYPE_CHECKING:
    from .calls import Interpreter
    from .known_values import KnownNetwork

#: the torchvision families whose ``features`` holds every parameter but the classifier's last Linear
FEATURES_ALONE = ("densenet", "mobilenet_v2", "efficientnet")


class Features:
    """``model.features`` of a network of :data:`FEATURES_ALONE`."""

    def __init__(self, network: KnownNetwork) -> None:
        self.network = network


def features_held(network: KnownNetwork) -> bool:
    return network.framework == "torchvision" and network.network.startswith(FEATURES_ALONE)


def freeze_features(interpreter: Interpreter, network: KnownNetwork, requires_grad: Any, node: ast.AST) -> None:
    """The features frozen (or trained again): the network without its classifier's last Linear, which stays as
    it was (the module that replaced it, or torchvision's own Linear, applied after the network's row)."""
    from .known_heads import in_features

    if not isinstance(requires_grad, bool):
        raise interpreter.error(node, f"requires_grad set to {shown(requires_grad)}",
                                "set it to False (frozen) or True")
    if not network.notop:  # the classifier kept: its Linear, 1000 classes, becomes the head, trained or not as before
        network.notop = True
        network.head = Layer("torch", "Linear", [in_features(network.network), 1000], {}, node)
        network.head_frozen = network.frozen
    network.frozen = not requires_grad


def features_attribute(interpreter: Interpreter, features: Features, name: str, node: ast.AST) -> Any:
    """``requires_grad_`` and ``parameters`` of ``model.features``; any other use of it is refused."""
    network = features.network
    if name == "requires_grad_":
        def call(requires_grad: Any = True) -> Features:
            freeze_features(interpreter, network, requires_grad, node)
            return features
        return Builtin(call, name)
    if name in ("parameters", "named_parameters"):
        one = Parameter(network, lambda value, where: freeze_features(interpreter, network, value, where))
        return Builtin(lambda *args, **kwargs: [one] if name == "parameters" else [("features", one)], name)
    raise interpreter.error(node, f"cnncalc reads {network.network} as one whole network: its .features"
                            f".{name[:40]} is not followed",
                            "freeze its features whole (model.features.requires_grad_(False)), or write the model "
                            "as a spec")
