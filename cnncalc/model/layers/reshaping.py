"""Layers that change the shape and learn nothing: padding (zeros, reflected, replicated), cropping, upsampling,
pixel shuffle, flatten, reshape, permute."""

from __future__ import annotations

from math import prod
from typing import ClassVar

from ..records import record
from .base import Layer, Pair, Resolution, RuleError, Shape, dims_text, require_volume


@record
class UpSampling2D(Layer):
    keras_class: ClassVar[str] = "UpSampling2D"
    auto_name: ClassVar[str] = "up_sampling2d"
    torch_name: ClassVar[str] = "Upsample"

    size: Pair = (2, 2)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        return Resolution((h * self.size[0], w * self.size[1], c))


@record
class Resizing(Layer):
    """Keras ``Resizing(H, W)``, PyTorch's ``F.interpolate(x, size=(H, W))``: the map to H×W whatever its size,
    bilinear (align_corners=False) or nearest."""
    keras_class: ClassVar[str] = "Resizing"
    auto_name: ClassVar[str] = "resizing"
    torch_name: ClassVar[str] = "Upsample"

    size: Pair = (1, 1)
    interpolation: str = "bilinear"

    def resolve(self, shape: Shape) -> Resolution:
        _, _, c = require_volume(self, shape)
        return Resolution((self.size[0], self.size[1], c))


#: Top, bottom, left and right, as Keras' ((top, bottom), (left, right)).
Sides = tuple[int, int, int, int]


def sides_text(sides: Sides) -> str:
    """'1' for symmetric 1, '1x2' for rows and columns, else 't0 b1 l0 r1'."""
    top, bottom, left, right = sides
    if top == bottom and left == right:
        return f"{top}" if top == left else f"{top}x{left}"
    return " ".join(f"{key}{value}" for key, value in zip("tblr", sides) if value)


def _padded(shape: Shape, sides: Sides) -> Shape:
    """A map grown by its (top, bottom, left, right) padding, its channels kept."""
    h, w, c = shape
    top, bottom, left, right = sides
    return h + top + bottom, w + left + right, c


@record
class ZeroPadding2D(Layer):
    """Keras ``ZeroPadding2D``; the sides may differ, as ``((0, 1), (0, 1))`` in Keras' MobileNet."""

    keras_class: ClassVar[str] = "ZeroPadding2D"
    auto_name: ClassVar[str] = "zero_padding2d"
    torch_name: ClassVar[str] = "ZeroPad2d"

    padding: Sides = (1, 1, 1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(_padded(require_volume(self, shape), self.padding))


@record
class Cropping2D(Layer):
    """Keras ``Cropping2D``; PyTorch crops with ``nn.ZeroPad2d`` by negative amounts (its row, as torchinfo's)."""

    keras_class: ClassVar[str] = "Cropping2D"
    auto_name: ClassVar[str] = "cropping2d"
    torch_name: ClassVar[str] = "ZeroPad2d"

    cropping: Sides = (1, 1, 1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        top, bottom, left, right = self.cropping
        if top + bottom >= h or left + right >= w:
            raise RuleError(f"Values in `cropping` argument should be smaller than the corresponding spatial "
                            f"dimension of the input. Received: input {h}×{w}, cropping {top} top, {bottom} "
                            f"bottom, {left} left, {right} right", f"crop at most {h - 1} rows and {w - 1} columns")
        return Resolution((h - top - bottom, w - left - right, c))


@record
class Flatten(Layer):
    """Keras ``Flatten``: everything but the batch axis into one; a vector stays as it is."""

    keras_class: ClassVar[str] = "Flatten"
    auto_name: ClassVar[str] = "flatten"

    def resolve(self, shape: Shape) -> Resolution:
        arithmetic = (("output", f"{' × '.join(map(str, shape))} = {prod(shape):,}"),) if len(shape) > 1 else ()
        return Resolution((prod(shape),), arithmetic=arithmetic)


@record
class Reshape(Layer):
    """Keras ``Reshape`` (PyTorch: ``nn.Unflatten`` or ``view``): the same values, a new shape."""

    keras_class: ClassVar[str] = "Reshape"
    auto_name: ClassVar[str] = "reshape"
    torch_name: ClassVar[str] = "Unflatten"

    target_shape: Shape

    def resolve(self, shape: Shape) -> Resolution:
        if prod(self.target_shape) != prod(shape):
            raise RuleError(f"total size of new array must be unchanged: the input {dims_text(shape)} has "
                            f"{prod(shape):,} values and the target {dims_text(self.target_shape)} has "
                            f"{prod(self.target_shape):,}",
                            f"choose a target with {prod(shape):,} values, as {_reshape_hint(shape)}")
        arithmetic = (("output", f"{' × '.join(map(str, shape))} = {' × '.join(map(str, self.target_shape))}"),)
        return Resolution(self.target_shape, arithmetic=arithmetic)


def _reshape_hint(shape: Shape) -> str:
    total = prod(shape)
    side = next((s for s in range(int(total ** 0.5) + 1, 0, -1) if total % (s * s) == 0), 1)
    return f"reshape{side}x{side}x{total // (side * side)}"


@record
class Permute(Layer):
    """Keras ``Permute``: reorders the axes after the batch, numbered from 1."""

    keras_class: ClassVar[str] = "Permute"
    auto_name: ClassVar[str] = "permute"

    dims: Shape

    def resolve(self, shape: Shape) -> Resolution:
        if sorted(self.dims) != list(range(1, len(shape) + 1)):
            raise RuleError(f"Invalid permutation argument `dims` for Permute layer: {dims_text(self.dims)} must "
                            f"number the input's {len(shape)} axes from 1 to {len(shape)}, each once",
                            f"write permute{'x'.join(map(str, range(len(shape), 0, -1)))} to reverse them")
        return Resolution(tuple(shape[d - 1] for d in self.dims))


@record
class ReflectionPadding2D(Layer):
    """PyTorch's ``ReflectionPad2d``: the border rows and columns mirrored outwards, the edge not repeated; each
    side's padding must be smaller than the axis it pads (Keras has no such layer)."""

    keras_class: ClassVar[str] = "ReflectionPadding2D"
    auto_name: ClassVar[str] = "reflection_padding2d"
    torch_name: ClassVar[str] = "ReflectionPad2d"

    padding: Sides = (1, 1, 1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        top, bottom, left, right = self.padding
        for size, before, after, axis in ((h, top, bottom, "height"), (w, left, right, "width")):
            if max(before, after) >= size:
                raise RuleError(f"Padding size should be less than the corresponding input dimension, but got: "
                                f"padding ({before}, {after}) on the {axis} of {size}: a reflection mirrors the "
                                "rows inside the edge, and there are not that many",
                                f"pad at most {size - 1} on the {axis}, or use replicatepad or zeropad")
        return Resolution(_padded((h, w, c), self.padding))


@record
class ReplicationPadding2D(Layer):
    """PyTorch's ``ReplicationPad2d``: the edge row or column repeated outwards (Keras has no such layer)."""

    keras_class: ClassVar[str] = "ReplicationPadding2D"
    auto_name: ClassVar[str] = "replication_padding2d"
    torch_name: ClassVar[str] = "ReplicationPad2d"

    padding: Sides = (1, 1, 1, 1)

    def resolve(self, shape: Shape) -> Resolution:
        return Resolution(_padded(require_volume(self, shape), self.padding))


@record
class PixelShuffle(Layer):
    """PyTorch's ``PixelShuffle(R)``: C·R² channels become C channels on a map R times taller and wider; channel
    c·R² + i·R + j of a cell goes to row i and column j of its R×R block (Keras has no such layer)."""

    keras_class: ClassVar[str] = "PixelShuffle"
    auto_name: ClassVar[str] = "pixel_shuffle"

    factor: int = 2

    def resolve(self, shape: Shape) -> Resolution:
        h, w, c = require_volume(self, shape)
        r = self.factor
        if c % (r * r):
            below = c - c % (r * r)
            raise RuleError(f"pixel_shuffle expects its input's channel dimension to be divisible by the square of "
                            f"upscale_factor, but {c} channels are not divisible by {r}·{r} = {r * r}",
                            f"give it a multiple of {r * r} channels, as {below or r * r} or {below + r * r}")
        return Resolution((h * r, w * r, c // (r * r)),
                          arithmetic=(("output", f"{h}·{r} × {w}·{r} × {c}/{r * r}"),))
