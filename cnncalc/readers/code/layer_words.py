"""The layers of the spec's padding, shuffling, normalising, log-softmax and augmenting words, from either
framework: PyTorch's ``ReflectionPad2d``, ``ReplicationPad2d``, ``PixelShuffle``, ``InstanceNorm2d`` and
``LogSoftmax``; Keras' ``Rescaling``, ``Normalization``, ``GroupNormalization``, ``Resizing``, its crops
(``CenterCrop``, ``RandomCrop``) and its random augmentation layers (``RandomFlip``, ``RandomRotation``…)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .arguments import Requirement, _int, _NotConstantError, _real, _shown
from .requirements import _channel_axis, _reads
from .values import Layer

if TYPE_CHECKING:
    from .calls import Interpreter

#: PyTorch's classes read here, and Keras'.
TORCH_WORDS = frozenset({"ReflectionPad2d", "ReplicationPad2d", "PixelShuffle", "InstanceNorm2d", "LogSoftmax"})
#: Keras' random augmentation layers, each with the name of the first argument its spec word writes (RandomFlip:
#: its mode)
AUGMENTATIONS = {"RandomFlip": "mode", "RandomRotation": "factor", "RandomZoom": "height_factor",
                 "RandomTranslation": "height_factor", "RandomContrast": "factor", "RandomBrightness": "factor"}
#: Keras' layers that bring the map to a size given as (height, width)
TO_A_SIZE = frozenset({"Resizing", "CenterCrop", "RandomCrop"})
KERAS_WORDS = frozenset({"Rescaling", "Normalization", "GroupNormalization", *TO_A_SIZE, *AUGMENTATIONS})


def torch_word(layer: Layer, interpreter: Interpreter) -> tuple[str, Requirement | None]:
    """One of :data:`TORCH_WORDS` as its spec item."""
    n, a = layer.name, layer.arg
    if n in ("ReflectionPad2d", "ReplicationPad2d"):
        word = "reflectpad" if n == "ReflectionPad2d" else "replicatepad"
        value = a(0, "padding")
        if isinstance(value, (tuple, list)) and len(value) == 4:
            left, right, top, bottom = (_int(side, "padding", 0) for side in value)
            return f"{word} t{top} b{bottom} l{left} r{right}", None
        return f"{word}{_int(value, 'padding', 0)}", None
    if n == "PixelShuffle":
        return f"pixelshuffle{_int(a(0, 'upscale_factor'), 'upscale_factor', 1)}", None
    if n == "InstanceNorm2d":
        if a(4, "track_running_stats", False) is not False:
            raise interpreter.error(layer.node, "an InstanceNorm2d with track_running_stats=True",
                                    "cnncalc's instancenorm keeps no running statistics, PyTorch's default: "
                                    "write the model as a spec without it")
        affine = a(3, "affine", False)
        if not isinstance(affine, bool):
            raise _NotConstantError(affine, "affine")
        return "instancenorm" + ("" if affine else " noscale nocenter"), \
            _reads(layer, "channels", _int(a(0, "num_features"), "num_features", 1))
    dim = a(0, "dim")  # LogSoftmax
    return "logsoftmax", None if dim is None else softmax_axis(n, dim)


def softmax_axis(name: str, dim: Any) -> Requirement:
    """A softmax's or log-softmax's dim must be the channels (the spec's act on the last, channel axis)."""
    return _channel_axis(name, int(_int(dim, "dim")), "dim")


def _imagenet(mean: Any, variance: Any) -> int | None:
    """The top of the pixels' range (1 or 255) when a Normalization's given mean and variance are ImageNet's, as
    keras.applications' EfficientNetV2 (``variance=[0.229**2, …]``) and ConvNeXt (``[(0.229 * 255) ** 2, …]``)
    give them; None for any other."""
    from ...model.layers.preprocessing import IMAGENET_MEAN, IMAGENET_VARIANCE

    def close(values: Any, expected: tuple[float, ...]) -> bool:
        return isinstance(values, (list, tuple)) and len(values) == len(expected) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v - e) <= 1e-9 * abs(e)
            for v, e in zip(values, expected))

    for top in (1, 255):
        if close(mean, tuple(m * top for m in IMAGENET_MEAN)) and close(
                variance, tuple(v * top * top for v in IMAGENET_VARIANCE)):
            return top
    return None


def keras_word(layer: Layer, interpreter: Interpreter) -> tuple[str, Requirement | None]:
    """One of :data:`KERAS_WORDS` as its spec item."""
    n, a, k = layer.name, layer.arg, layer.kwargs
    if n in AUGMENTATIONS or n in TO_A_SIZE:  # these require nothing of the resolved network
        return (_augmentation if n in AUGMENTATIONS else _to_a_size)(layer, interpreter), None
    if n == "Rescaling":
        scale, offset = a(0, "scale"), a(1, "offset", 0.0)
        _real(scale, "scale")
        shifted = _real(offset, "offset") not in ("0", "0.0", "-0.0")
        if scale <= 0:
            raise interpreter.error(layer.node, f"a Rescaling by {_shown(scale)}",
                                    "cnncalc's rescaling takes a scale above 0")
        from decimal import Decimal  # only here: a model file without a Rescaling does not load it

        word = "rescaling" if scale == 1 / 255 else f"rescaling{Decimal(repr(float(scale))):f}"
        return word + (f" offset{Decimal(repr(float(offset))).normalize():f}" if shifted else ""), None
    axis = a(0, "axis", -1) if n == "Normalization" else a(1, "axis", -1)  # GroupNormalization(groups, axis)
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    if n == "Normalization":
        given = [key for position, key in ((1, "mean"), (2, "variance")) if a(position, key) is not None]
        given += ["invert=True"] if a(3, "invert", False) is not False else []
        top = _imagenet(a(1, "mean"), a(2, "variance")) if given == ["mean", "variance"] else None
        if top is not None and axis in (-1, 3):
            return "normalization imagenet" + ("" if top == 1 else "255"), None
        if given:
            raise interpreter.error(layer.node, f"a Normalization given {given[0]}",
                                    "cnncalc's normalization is one adapted to the data: its mean, variance and "
                                    "count are 2·C + 1 weights; write the model as a spec")
        if axis is None:
            raise interpreter.error(layer.node, "a Normalization over every axis (axis=None)",
                                    "cnncalc's normalization is per channel (axis=-1)")
        return "normalization", _channel_axis(n, int(_int(axis, "axis")), "axis")
    groups = a(0, "groups", 32)  # GroupNormalization
    norm = ("" if k.get("scale", True) else " noscale") + ("" if k.get("center", True) else " nocenter")
    if groups == -1:
        return "instancenorm" + norm, _channel_axis(n, int(_int(axis, "axis")), "axis")
    if norm:
        raise interpreter.error(layer.node, "a GroupNormalization without gamma or beta",
                                "cnncalc's groupnorm has both: write the model as a spec")
    return f"groupnorm{_int(groups, 'groups', 1)}", _channel_axis(n, int(_int(axis, "axis")), "axis")


def _augmentation(layer: Layer, interpreter: Interpreter) -> str:
    """A random augmentation layer as its word: the identity at inference, whatever its arguments; the word writes
    its factor when one number says it all (``RandomRotation(0.1)``: ``randomrotation0.1``; a zoom or translation
    given its width's factor apart, or a range (-0.2, 0.3), writes none), and RandomFlip its mode."""
    n, a = layer.name, layer.arg
    if n == "RandomFlip":
        mode = a(0, "mode", "horizontal_and_vertical")
        if mode not in ("horizontal", "vertical", "horizontal_and_vertical"):  # Keras refuses another
            raise interpreter.error(layer.node, f"a RandomFlip of mode {_shown(mode)}",
                                    "Keras' modes are 'horizontal', 'vertical' and 'horizontal_and_vertical'")
        return "randomflip" + ("" if mode == "horizontal_and_vertical" else f" {mode}")
    factor = a(0, AUGMENTATIONS[n])
    apart = n in ("RandomZoom", "RandomTranslation") and a(1, "width_factor") not in (None, factor)
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor < float("inf") or apart:
        return n.lower()
    from decimal import Decimal  # only here: a model file without one does not load it

    return f"{n.lower()}{Decimal(repr(float(factor))).normalize():f}"


def _to_a_size(layer: Layer, interpreter: Interpreter) -> str:
    """One of :data:`TO_A_SIZE` as its word. ``Resizing(height, width)`` is the spec's ``resize{H}x{W}``, bilinear
    (Keras' default) or nearest; what the spec's resize does not compute (another interpolation, a crop or pad to the
    aspect ratio) is refused. ``CenterCrop(height, width)`` and ``RandomCrop`` are ``centercrop{H}x{W}`` and
    ``randomcrop{H}x{W}``."""
    a = layer.arg
    height, width = _int(a(0, "height"), "height", 1), _int(a(1, "width"), "width", 1)
    if layer.name != "Resizing":
        return f"{layer.name.lower()}{height}x{width}"
    interpolation = a(2, "interpolation", "bilinear")
    if interpolation not in ("bilinear", "nearest"):
        raise interpreter.error(layer.node, f"a Resizing with interpolation {_shown(interpolation)}",
                                "cnncalc's resize is bilinear or nearest: write the model as a spec")
    for position, name in ((3, "crop_to_aspect_ratio"), (4, "pad_to_aspect_ratio")):
        if a(position, name, False) is not False:
            raise interpreter.error(layer.node, f"a Resizing with {name}",
                                    "cnncalc's resize scales the whole map: write the model as a spec")
    return f"resize{height}x{width}" + (" nearest" if interpolation == "nearest" else "")
