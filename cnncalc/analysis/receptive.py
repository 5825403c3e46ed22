"""Receptive fields: how much of the input each layer's units see, and where.

The recurrence of Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks" (Distill, 2019), per axis, with the effective (dilated) kernel k_eff = d(k − 1) + 1:

    r_out = r_in + (k_eff − 1)·j_in           size
    j_out = j_in·s                            jump: input pixels between neighbouring units
    start_out = start_in + ((k_eff − 1)/2 − p)·j_in   centre of the first unit's field

starting from r = 1, j = 1, start = 0 (input pixel centres at 0, 1, 2, …); p is the padding
before the axis (Keras' ``same`` split included).  Layers without windows keep their input's
field; after flatten, a global pool or a dense layer on a vector every unit sees the whole input.

>>> from cnncalc.graph.network import build
>>> fields = receptive_fields(build("input 28x28x1, conv8x3, conv8x3"))
>>> fields[1].size, fields[1].explain()
((5, 5), 'r = 3 + (3 − 1)·1 = 5')
"""

from __future__ import annotations

from fractions import Fraction

from ..graph.network import Network
from ..model.layers import Cropping2D, ReflectionPadding2D, ReplicationPadding2D, ZeroPadding2D
from ..model.records import record

__all__ = ["ReceptiveField", "receptive_fields"]


@record
class ReceptiveField:
    """Per axis (H, W): size, jump and start; ``whole`` once the layer mixes every position."""

    size: tuple[int, int]
    jump: tuple[int, int]
    start: tuple[Fraction, Fraction]
    whole: bool = False
    previous: tuple[int, int] = (1, 1)
    kernel: tuple[int, int] = (1, 1)
    previous_jump: tuple[int, int] = (1, 1)
    #: set after upsampling or a transposed convolution, where this recurrence does not apply
    undefined: bool = False

    def explain(self) -> str:
        """The size recurrence with numbers, for the H axis (and W when it differs)."""
        parts = []
        for axis in range(1 if self.size[0] == self.size[1] and self.kernel[0] == self.kernel[1] else 2):
            parts.append(f"r = {self.previous[axis]} + ({self.kernel[axis]} − 1)·{self.previous_jump[axis]} "
                         f"= {self.size[axis]}")
        return "; ".join(parts)

    def text(self) -> str:
        """Size, jump, start, with H×W only where the axes differ: '196, 16, 7.5'."""
        if self.undefined:
            return "n/a (upsampled)"
        if self.whole:
            return "whole input"
        size = f"{self.size[0]}" if self.size[0] == self.size[1] else f"{self.size[0]}×{self.size[1]}"
        jump = f"{self.jump[0]}" if self.jump[0] == self.jump[1] else f"{self.jump[0]}×{self.jump[1]}"
        start = _number(self.start[0]) if self.start[0] == self.start[1] else "×".join(map(_number, self.start))
        return f"{size}, {jump}, {start}"


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def merged(fields: list[ReceptiveField]) -> ReceptiveField:
    """The field of a merge: the largest over its branches, as google-research/receptive_field takes it.

    The branches must agree on jump and start (their units must sit on the same grid and
    centres); where they do not, the field is undefined rather than a guess.
    """
    if any(f.undefined for f in fields):
        return ReceptiveField(fields[0].size, fields[0].jump, fields[0].start, False, undefined=True)
    if any(f.whole for f in fields):
        return ReceptiveField(fields[0].size, fields[0].jump, fields[0].start, True)
    first = fields[0]
    if any(f.jump != first.jump or f.start != first.start for f in fields):
        return ReceptiveField(first.size, first.jump, first.start, False, undefined=True)
    largest = max(fields, key=lambda f: f.size)
    return ReceptiveField((max(f.size[0] for f in fields), max(f.size[1] for f in fields)), first.jump, first.start,
                          False, largest.previous, largest.kernel, largest.previous_jump)


#: Layers whose units do not see a fixed window of the input: upsampling and transposed convolutions
#: spread one input over several outputs, adaptive pools' windows vary, reshapes move the axes, a class token
#: shifts the tokens.
_UNDEFINED = frozenset({"UpSampling2D", "Conv2DTranspose", "Conv1DTranspose", "AdaptiveAveragePooling2D",
                        "AdaptiveMaxPooling2D", "AdaptiveAveragePooling1D", "AdaptiveMaxPooling1D", "Reshape",
                        "Permute", "Embedding", "PixelShuffle", "ClassToken"})
#: Layers each of whose units sees every position of their input: global pooling, and attention.
_WHOLE = ("Global", "MultiHeadAttention")


def _through(field: ReceptiveField, inner: ReceptiveField) -> ReceptiveField:
    """A field followed by a known network whose own last field, on its input, is ``inner``."""
    if inner.undefined or inner.whole:
        return ReceptiveField(field.size, field.jump, field.start, inner.whole, undefined=inner.undefined)
    sizes = tuple(field.size[i] + (inner.size[i] - 1) * field.jump[i] for i in range(2))
    jumps = tuple(field.jump[i] * inner.jump[i] for i in range(2))
    starts = tuple(field.start[i] + inner.start[i] * field.jump[i] for i in range(2))
    return ReceptiveField((sizes[0], sizes[1]), (jumps[0], jumps[1]), (starts[0], starts[1]), False, field.size,
                          inner.size, field.jump)


def receptive_fields(net: Network) -> list[ReceptiveField]:
    """The receptive field of every layer's units, in input pixels; through a merge, the largest over its paths."""
    origin = ReceptiveField((1, 1), (1, 1), (Fraction(0), Fraction(0)))
    by_name = {"input_layer": origin}
    fields: list[ReceptiveField] = []
    for layer in net.layers:
        inputs = [by_name[name] for name in layer.inputs] or [fields[-1] if fields else origin]
        field = merged(inputs) if len(inputs) > 1 else inputs[0]
        kind = layer.keras_class
        if layer.inner is not None and not field.undefined and not field.whole:
            field = _through(field, receptive_fields(layer.inner)[-1])
        elif field.undefined or kind in _UNDEFINED or len(layer.axes) > 2 or len(net.input_shape) > 3:
            field = ReceptiveField(field.size, field.jump, field.start, False, undefined=True)
        elif field.whole or len(layer.output_shape) < len(net.input_shape) or len(layer.output_shape) == 1 \
                or kind.startswith(_WHOLE):
            field = ReceptiveField(field.size, field.jump, field.start, True)
        elif isinstance(layer.layer, (ZeroPadding2D, ReflectionPadding2D, ReplicationPadding2D, Cropping2D)):
            # padding (zeros, or the edge mirrored or repeated) moves the first unit's centre back into the
            # padding; cropping moves it on
            sign, sides = ((1, layer.layer.cropping) if isinstance(layer.layer, Cropping2D)
                           else (-1, layer.layer.padding))
            amounts = (sides[0], sides[2])  # top and left
            shifted = [field.start[i] + sign * amounts[i] * field.jump[i] for i in range(2)]
            field = ReceptiveField(field.size, field.jump, (shifted[0], shifted[1]))
        elif layer.axes:
            sizes: list[int] = []
            jumps: list[int] = []
            starts: list[Fraction] = []
            windows_per_axis = layer.axes if len(layer.axes) == 2 else layer.axes * 2  # 1-D: one axis
            for axis, windows in enumerate(windows_per_axis):
                r, j, start = field.size[axis], field.jump[axis], field.start[axis]
                sizes.append(r + (windows.span - 1) * j)
                jumps.append(j * windows.stride)
                starts.append(start + (Fraction(windows.span - 1, 2) - windows.pad_before) * j)
            field = ReceptiveField((sizes[0], sizes[1]), (jumps[0], jumps[1]), (starts[0], starts[1]), False,
                                   field.size, (windows_per_axis[0].span, windows_per_axis[1].span), field.jump)
        fields.append(field)
        by_name[layer.name] = field
    return fields
