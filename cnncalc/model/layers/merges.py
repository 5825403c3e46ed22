"""Merges: layers with several inputs (add, multiply, average, maximum, subtract, concatenate), and the hints
that say what would make their branches agree."""

from __future__ import annotations

from typing import ClassVar

from ..records import record
from .base import Layer, Resolution, RuleError, Shape, keras_shape


class Merge(Layer):
    """Base of Keras' merge layers: several branches in, one tensor out, no parameters.

    :meth:`resolve_many` takes every branch's shape, in branch order.
    """

    #: The spec word, as in 'add(A | B)'.
    word: ClassVar[str]
    #: How many branches it takes at least, and at most (None: any number).
    arity: ClassVar[tuple[int, int | None]] = (2, None)

    def resolve(self, shape: Shape) -> Resolution:
        return self.resolve_many([shape])

    def resolve_many(self, shapes: list[Shape], labels: tuple[str, ...] = ()) -> Resolution:
        """The merged shape; ``labels`` (the branches' spec text) name the branches in errors."""
        raise NotImplementedError

    def explain_output(self, shapes: tuple[Shape, ...], output: Shape) -> str:
        """How the output shape comes about, for --explain and the grader."""
        raise NotImplementedError


def branch_list(shapes: list[Shape], labels: tuple[str, ...]) -> str:
    """'branch 1 (id): (None, 4, 4, 4); branch 2 (@e1): (None, 8, 8, 4)'."""
    named = [f" ({labels[i]})" if i < len(labels) else "" for i in range(len(shapes))]
    return "; ".join(f"branch {i + 1}{named[i]}: {keras_shape(shape)}" for i, shape in enumerate(shapes))


def broadcast_shape(shapes: list[Shape]) -> Shape | None:
    """Keras' elementwise merge shape: right-aligned, a size of 1 stretches; None if they disagree.

    >>> broadcast_shape([(8, 8, 64), (1, 1, 64)]), broadcast_shape([(8, 8, 64), (64,)])
    ((8, 8, 64), (8, 8, 64))
    >>> broadcast_shape([(8, 8, 64), (4, 4, 64)]) is None
    True
    """
    result = shapes[0]
    for shape in shapes[1:]:
        longer, shorter = (result, shape) if len(result) >= len(shape) else (shape, result)
        merged = list(longer[: len(longer) - len(shorter)])
        for a, b in zip(longer[len(longer) - len(shorter):], shorter):
            if a != b and 1 not in (a, b):
                return None
            merged.append(b if a == 1 else a)
        result = tuple(merged)
    return result


@record
class ElementwiseMerge(Merge):
    """Add, Multiply, Average, Maximum, Subtract: identical shapes, or Keras' broadcasting of size 1."""

    def resolve_many(self, shapes: list[Shape], labels: tuple[str, ...] = ()) -> Resolution:
        shape = broadcast_shape(shapes)
        if shape is None:
            raise RuleError(f"{self.keras_class} needs branches of one shape (or of size 1 where they differ), "
                            f"but they are {branch_list(shapes, labels)}", merge_hint(shapes))
        return Resolution(shape)

    def explain_output(self, shapes: tuple[Shape, ...], output: Shape) -> str:
        """'(None, 4, 4, 2) + (None, 4, 4, 2) = (None, 4, 4, 2), elementwise' (built only when asked for)."""
        sign = {"Add": "+", "Subtract": "−", "Multiply": "·", "Average": "mean", "Maximum": "max"}[self.keras_class]
        terms = f" {sign} ".join(keras_shape(s) for s in shapes) if len(sign) == 1 else \
            f"{sign}({', '.join(keras_shape(s) for s in shapes)})"
        return f"{terms} = {keras_shape(output)}, elementwise"


@record
class Add(ElementwiseMerge):
    keras_class: ClassVar[str] = "Add"
    auto_name: ClassVar[str] = "add"
    word: ClassVar[str] = "add"


@record
class ScaledAdd(Add):
    """``add(A | B) scale{F}``: A + F·B, the scaled residual sum of Inception-ResNet (keras.applications'
    ``CustomScaleLayer(F)([x, up])``, which computes ``inputs[0] + inputs[1] * scale``); no parameters. PyTorch
    writes it as arithmetic in forward(), no module."""

    keras_class: ClassVar[str] = "CustomScaleLayer"
    auto_name: ClassVar[str] = "custom_scale_layer"
    arity: ClassVar[tuple[int, int | None]] = (2, 2)

    scale: float = 1.0

    def explain_output(self, shapes: tuple[Shape, ...], output: Shape) -> str:
        """'(None, 4, 4, 2) + 0.17 · (None, 4, 4, 2) = (None, 4, 4, 2), elementwise'."""
        return (f"{keras_shape(shapes[0])} + {self.scale:g} · {keras_shape(shapes[1])} = {keras_shape(output)}, "
                f"elementwise")


@record
class Multiply(ElementwiseMerge):
    keras_class: ClassVar[str] = "Multiply"
    auto_name: ClassVar[str] = "multiply"
    word: ClassVar[str] = "mul"


@record
class Average(ElementwiseMerge):
    keras_class: ClassVar[str] = "Average"
    auto_name: ClassVar[str] = "average"
    word: ClassVar[str] = "avg"


@record
class Maximum(ElementwiseMerge):
    keras_class: ClassVar[str] = "Maximum"
    auto_name: ClassVar[str] = "maximum"
    word: ClassVar[str] = "max"


@record
class Subtract(ElementwiseMerge):
    keras_class: ClassVar[str] = "Subtract"
    auto_name: ClassVar[str] = "subtract"
    word: ClassVar[str] = "sub"
    arity: ClassVar[tuple[int, int | None]] = (2, 2)


@record
class Concatenate(Merge):
    """Keras' ``Concatenate`` on the channel axis: every other axis must agree."""

    keras_class: ClassVar[str] = "Concatenate"
    auto_name: ClassVar[str] = "concatenate"
    word: ClassVar[str] = "cat"

    def resolve_many(self, shapes: list[Shape], labels: tuple[str, ...] = ()) -> Resolution:
        first = shapes[0]
        if any(len(s) != len(first) or s[:-1] != first[:-1] for s in shapes):
            raise RuleError(f"Concatenate needs branches that agree on every axis but the channels, but they are "
                            f"{branch_list(shapes, labels)}", merge_hint(shapes, concatenate=True))
        return Resolution((*first[:-1], sum(s[-1] for s in shapes)))

    def explain_output(self, shapes: tuple[Shape, ...], output: Shape) -> str:
        """'64 + 128 + 32 + 32 = 256 channels'."""
        return f"{' + '.join(str(s[-1]) for s in shapes)} = {output[-1]} channels"


MERGES: dict[str, type[Merge]] = {cls.word: cls for cls in (Add, Concatenate, Multiply, Average, Maximum, Subtract)}


def merge_hint(shapes: list[Shape], concatenate: bool = False) -> str:
    """What would make the branches agree: a strided 1×1 projection, or a crop or pad by k."""
    target = shapes[0]
    for shape in shapes[1:]:
        if len(shape) != len(target) or len(shape) != 3:
            return "give every branch the same rank: flatten or pool them all, or none"
        if shape[:2] != target[:2]:
            return _size_hint(target, shape, concatenate)
        if not concatenate and shape[2] != target[2]:
            return f"give every branch {target[2]} channels: a 1×1 projection conv{target[2]}x1 on the others"
    return "make every branch end in the same shape"


def _size_hint(target: Shape, shape: Shape, concatenate: bool) -> str:
    (h0, w0), (h1, w1) = target[:2], shape[:2]
    for big, small, which, filters in (((h1, w1), (h0, w0), "the larger branch", target[2]),
                                       ((h0, w0), (h1, w1), "the first branch", shape[2])):
        if big[0] > small[0] and big[1] > small[1] and big[0] % small[0] == 0 and big[1] % small[1] == 0 \
                and big[0] // small[0] == big[1] // small[1]:
            stride = big[0] // small[0]
            what = "" if concatenate else f" and {filters} filters"
            return f"project {which} with a 1×1 convolution of stride {stride}{what}, e.g. conv{filters}x1 s{stride}"
    dh, dw = h1 - h0, w1 - w0
    if dh >= 0 and dw >= 0:
        return f"crop the larger branch by {dh}×{dw} in all (crop{dh // 2}x{dw // 2} if even), or zero-pad the other"
    return f"zero-pad the smaller branch by {-dh}×{-dw} in all, or crop the other"
