"""Normalization layers: batch, layer, group, instance and local response normalization."""

from __future__ import annotations

from functools import lru_cache
from math import prod
from typing import ClassVar

from ..records import record, replace
from .base import Layer, Params, Resolution, RuleError, Shape, dims_text


@record
class BatchNormalization(Layer):
    """``BatchNormalization`` on the channel axis.

    Keras counts 4C parameters, 2C of them non-trainable: weights are gamma and the moving mean
    and variance, biases are beta (``noscale``/``nocenter`` drop gamma/beta, as InceptionV3's
    ``scale=False``).  PyTorch (``torch``) counts gamma and beta only: its running statistics are
    buffers, not parameters.
    """

    keras_class: ClassVar[str] = "BatchNormalization"
    auto_name: ClassVar[str] = "batch_normalization"
    per_token: ClassVar[bool] = True

    center: bool = True
    scale: bool = True
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def torch_class_for(self, shape: Shape) -> str:
        return f"BatchNorm{max(1, len(shape) - 1)}d"

    def resolve(self, shape: Shape) -> Resolution:
        params, arithmetic = _batch_norm_counts(shape[-1], self.center, self.scale, self.torch)
        return Resolution(shape, params, arithmetic=arithmetic)


@lru_cache(maxsize=256)
def _batch_norm_counts(channels: int, center: bool, scale: bool,
                       torch: bool) -> tuple[Params, tuple[tuple[str, str], ...]]:
    """A BatchNormalization's counts and their arithmetic, once per width: a ResNet repeats a few widths many times."""
    gamma = channels if scale else 0
    beta = channels if center else 0
    learned = " + ".join(name for name, used in (("gamma", gamma), ("beta", beta)) if used) or "nothing"
    if torch:
        return Params(gamma, beta, 0, 2 * channels + 1), (
            ("params", f"{(gamma + beta) // channels}·{channels} = {gamma + beta:,} ({learned}); the running "
                       f"mean and variance and the batch count, 2·{channels} + 1 = {2 * channels + 1:,}, "
                       "are buffers, not parameters"),
            ("weights", f"{gamma:,} (gamma)"),
            ("biases", f"{beta:,} (beta)"),
        )
    return Params(gamma + 2 * channels, beta, 2 * channels), (
        ("params", f"{(gamma + beta) // channels + 2}·{channels} = {gamma + beta + 2 * channels:,} "
                   f"({learned} trainable; moving mean, variance not)"),
        ("weights", f"{gamma // channels + 2}·{channels} = {gamma + 2 * channels:,} "
                    f"({'gamma, ' if gamma else ''}moving mean, moving variance)"),
        ("biases", f"{beta:,} (beta)"),
    )


@record
class LayerNormalization(Layer):
    """Keras ``LayerNormalization`` on the last (channel) axis: gamma and beta, 2C (PyTorch: ``LayerNorm(C)``)."""

    keras_class: ClassVar[str] = "LayerNormalization"
    auto_name: ClassVar[str] = "layer_normalization"
    per_token: ClassVar[bool] = True
    torch_name: ClassVar[str] = "LayerNorm"

    center: bool = True
    scale: bool = True

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        gamma, beta = channels if self.scale else 0, channels if self.center else 0
        return Resolution(shape, Params(gamma, beta),
                          arithmetic=(("params", f"gamma {gamma:,} + beta {beta:,} = {gamma + beta:,}"),))


@record
class GroupNormalization(Layer):
    """Keras ``GroupNormalization`` / PyTorch ``GroupNorm``: G groups of channels, gamma and beta per channel."""

    keras_class: ClassVar[str] = "GroupNormalization"
    auto_name: ClassVar[str] = "group_normalization"
    torch_name: ClassVar[str] = "GroupNorm"

    groups: int = 32
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        if self.groups > channels or channels % self.groups:
            raise RuleError(f"Number of groups ({self.groups}) must divide the number of channels ({channels})",
                            f"use a group count that divides {channels}")
        if self.torch and channels // self.groups * prod(shape[:-1]) == 1:
            raise RuleError("Expected more than 1 value per group: PyTorch's GroupNorm normalizes each group of "
                            f"{channels // self.groups} channel(s) of {dims_text(shape[:-1])} by its own mean and "
                            "variance",
                            "use fewer groups, or a larger input")
        return Resolution(shape, Params(channels, channels),
                          arithmetic=(("params", f"2·{channels} = {2 * channels:,} (gamma, beta)"),))


@record
class LocalResponseNormalization(Layer):
    """PyTorch's ``LocalResponseNorm(size)`` (AlexNet's LRN; TensorFlow's tf.nn.local_response_normalization)."""

    keras_class: ClassVar[str] = "LocalResponseNormalization"
    auto_name: ClassVar[str] = "local_response_normalization"
    torch_name: ClassVar[str] = "LocalResponseNorm"

    size: int = 5

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(shape)


@record
class InstanceNormalization(Layer):
    """PyTorch's ``InstanceNorm2d(C, affine=True)``: each channel of each example normalised over its own map,
    then gamma and beta, 2C (``noscale nocenter``: ``affine=False``, 0); no running statistics, PyTorch's default.
    Keras' equivalent is ``GroupNormalization(groups=-1)``, one group per channel, which its summary names."""

    keras_class: ClassVar[str] = "GroupNormalization"
    auto_name: ClassVar[str] = "group_normalization"
    torch_name: ClassVar[str] = "InstanceNorm2d"

    center: bool = True
    scale: bool = True
    torch: bool = False

    def for_torch(self) -> Layer:
        return replace(self, torch=True)

    def torch_class_for(self, shape: Shape) -> str:
        return f"InstanceNorm{max(1, len(shape) - 1)}d"

    def resolve(self, shape: Shape) -> Resolution:
        channels = shape[-1]
        if self.torch and len(shape) < 2:
            raise RuleError(f"PyTorch's InstanceNorm needs a map or a sequence per channel, but it receives a "
                            f"vector of {channels:,}", "put it before flatten and dense")
        if self.torch and prod(shape[:-1]) == 1:
            raise RuleError(f"Expected more than 1 spatial element when training, got a map of "
                            f"{dims_text(shape[:-1])}: PyTorch's InstanceNorm normalizes each channel by its own "
                            "mean and variance", "use it on a larger map")
        gamma, beta = channels if self.scale else 0, channels if self.center else 0
        return Resolution(shape, Params(gamma, beta),
                          arithmetic=(("params", f"gamma {gamma:,} + beta {beta:,} = {gamma + beta:,}"),))
