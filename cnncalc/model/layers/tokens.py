"""Layers of a vision transformer's token map (L×D, features on the last axis): the learned class token put
before the tokens, the learned position embedding added to them, and the one token the head reads."""

from __future__ import annotations

from typing import ClassVar

from ..records import record
from .base import Layer, Params, Resolution, RuleError, Shape, describe


def _tokens(layer: Layer, shape: Shape) -> tuple[int, int]:
    """Unpack an L×D token map, or explain what the layer needs."""
    if len(shape) == 2:
        return shape[0], shape[1]
    raise RuleError(f"{layer.keras_class} needs L×D tokens (features last), but it receives {describe(shape)}",
                    "make the map a sequence of tokens first, as a vision transformer does: "
                    "reshape{D}x{H*W}, permute2x1 after its patch convolution (nchw), or reshape{H*W}x{D}")


@record
class ClassToken(Layer):
    """``clstoken``: one learned token of D features put before the L tokens, L×D to (L + 1)×D; D parameters.

    torchvision's ``VisionTransformer.class_token`` (``nn.Parameter(torch.zeros(1, 1, D))``) joined with
    ``torch.cat([class_token.expand(n, -1, -1), x], dim=1)`` in ``forward()``: a parameter of the model, no module.
    Keras has no such layer; ``--format keras`` writes a small one."""

    per_token: ClassVar[bool] = True  # a token map stays a token map through it (features last, L×D order kept)

    keras_class: ClassVar[str] = "ClassToken"
    parameter_only: ClassVar[bool] = True
    auto_name: ClassVar[str] = "class_token"

    def resolve(self, shape: Shape) -> Resolution:
        length, features = _tokens(self, shape)
        return Resolution((length + 1, features), Params(features), arithmetic=(
            ("output", f"{length} tokens + the class token = {length + 1}"),
            ("params", f"one token of {features:,} features: {features:,}"), ("weights", f"{features:,}"),
            ("biases", "none: 0")))


@record
class PositionEmbedding(Layer):
    """``posembed``: a learned L×D tensor added to the L×D tokens, the shape kept; L·D parameters.

    torchvision's ``Encoder.pos_embedding`` (``nn.Parameter(torch.empty(1, L, D))``), added in ``forward()``: a
    parameter of the encoder, no module. keras_hub's ``PositionEmbedding`` holds the same L·D numbers; Keras 3 itself
    has no such layer, and ``--format keras`` writes a small one."""

    per_token: ClassVar[bool] = True  # a token map stays a token map through it (features last, L×D order kept)

    keras_class: ClassVar[str] = "PositionEmbedding"
    parameter_only: ClassVar[bool] = True
    auto_name: ClassVar[str] = "position_embedding"

    def resolve(self, shape: Shape) -> Resolution:
        length, features = _tokens(self, shape)
        params = length * features
        return Resolution(shape, Params(params), arithmetic=(
            ("params", f"one vector per token: {length}·{features} = {params:,}"), ("weights", f"{params:,}"),
            ("biases", "none: 0")))


@record
class TokenSelect(Layer):
    """``token{I}``: token I of the L×D tokens (a negative I counts from the end), a vector of D; nothing learned.

    A vision transformer's head reads the class token: torchvision's ``x[:, 0]`` in ``forward()`` (no module, no
    torchinfo row), Keras' ``x[:, 0]`` (a ``GetItem`` row)."""

    keras_class: ClassVar[str] = "GetItem"
    auto_name: ClassVar[str] = "get_item"

    index: int = 0

    def resolve(self, shape: Shape) -> Resolution:
        length, features = _tokens(self, shape)
        if not -length <= self.index < length:
            raise RuleError(f"token {self.index} is past the {length} tokens",
                            f"a token's index lies within -{length}..{length - 1}, as in token0")
        return Resolution((features,))
