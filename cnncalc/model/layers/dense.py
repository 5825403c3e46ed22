"""The layers on the last axis: Dense and Embedding, and Dropout, which changes nothing of the shape."""

from __future__ import annotations

from math import prod
from typing import ClassVar

from ..records import record
from .base import Finding, Layer, Params, Resolution, Shape, dims_text


@record
class Embedding(Layer):
    """Keras ``Embedding``: each of L token ids becomes a learned D-vector; V·D parameters."""

    keras_class: ClassVar[str] = "Embedding"
    auto_name: ClassVar[str] = "embedding"

    vocabulary: int
    dimension: int

    def resolve(self, shape: Shape) -> Resolution:
        weights = self.vocabulary * self.dimension
        return Resolution((*shape, self.dimension), Params(weights),
                          arithmetic=(("params", f"{self.vocabulary}·{self.dimension} = {weights:,}"),
                                      ("weights", f"{self.vocabulary}·{self.dimension} = {weights:,} "
                                                  "(one vector per token of the vocabulary)"),
                                      ("biases", "none: 0")))


#: the end of the warning about a dense layer on a volume
FLATTEN_FIRST = "acts on the last axis only; did you mean to flatten first?"


@record
class Dense(Layer):
    """Keras ``Dense``: acts on the last axis, so on a volume it keeps the leading axes."""

    keras_class: ClassVar[str] = "Dense"
    auto_name: ClassVar[str] = "dense"
    per_token: ClassVar[bool] = True
    torch_name: ClassVar[str] = "Linear"

    units: int
    activation: str | None = None
    use_bias: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        inputs = shape[-1]
        findings: tuple[Finding, ...] = ()
        if len(shape) > 2:  # on a volume; on a sequence (tokens, conv1d positions) it is the usual per-position layer
            findings = (Finding(
                "warning",
                f"dense on a {len(shape)}-D {'volume' if len(shape) == 3 else 'input'} "
                f"({dims_text(shape)}) {FLATTEN_FIRST}",
            ),)
        biases = self.units if self.use_bias else 0
        arithmetic = (
            ("params", f"({inputs}{' + 1' if self.use_bias else ''})·{self.units} = {inputs * self.units + biases:,}"),
            ("weights", f"{inputs}·{self.units} = {inputs * self.units:,}"),
            ("biases", f"one per unit: {biases:,}" if self.use_bias else "nobias: 0"),
            ("unit", f"each unit: {inputs:,} weights{' + 1 bias' if self.use_bias else ''} (fan-in {inputs:,})"),
        )
        positions = prod(shape[:-1])  # a dense layer on a volume runs once per position
        return Resolution((*shape[:-1], self.units), Params(inputs * self.units, biases), findings,
                          arithmetic=arithmetic, macs=positions * inputs * self.units, bias_adds=positions * biases)


@record
class Dropout(Layer):
    keras_class: ClassVar[str] = "Dropout"
    auto_name: ClassVar[str] = "dropout"
    per_token: ClassVar[bool] = True

    rate: float

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)
