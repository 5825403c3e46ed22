"""The values of transfer learning in model code: a builder of a network the zoo holds, and the network it made
(:mod:`.known_networks` follows what the code does with them)."""

from __future__ import annotations

import ast
from typing import Any

from .values import Layer, Sequential, Tensor


class KnownClass:
    """A builder of a network the zoo holds: ``keras.applications.MobileNetV2``, ``torchvision.models.resnet50``."""

    def __init__(self, framework: str, network: str) -> None:
        self.framework, self.network = framework, network


class KnownNetwork:
    """A network its framework's builder made: the zoo's ``network``, its classifier cut off or not, frozen or not,
    and (PyTorch) the module its classifier was replaced by, frozen or not."""

    def __init__(self, framework: str, network: str, notop: bool, input_shape: Any, node: ast.AST) -> None:
        self.framework, self.network, self.notop, self.node = framework, network, notop, node
        self.name = network  # as a layer is named in an error
        self.input_shape = input_shape  # Keras' input_shape=, or None
        self.frozen = False
        self.head: Layer | Sequential | None = None  # PyTorch: what replaced the classifier's last Linear
        self.head_frozen = False
        self.output: Tensor | None = None  # Keras' base.output, applied once to base.input
        self.applied = False  # applied to a tensor: a part of the model that applies it, not a model of its own

    def item(self) -> str:
        """The spec item: ``keras:MobileNetV2 notop frozen``, ``resnet50 notop``."""
        written = f"keras:{self.network}" if self.framework == "keras" else self.network
        return written + (" notop" if self.notop else "") + (" frozen" if self.frozen else "")
