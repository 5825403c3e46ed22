"""A known network resolved as one item of a spec: the zoo's spec of it, its classifier cut off for ``notop``, run
on the tensor the item receives, under the spec's conventions; the whole is one row, its inner rows kept."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ..errors import CnnCalcError
from ..language.spec import ParsedLayer, Spec, parse
from ..model.conventions import channels_first
from ..model.layers import (
    Activation,
    Dense,
    Flatten,
    GlobalAveragePooling2D,
    LayerNormalization,
    Nested,
    Params,
    Resolution,
    RuleError,
    Shape,
)
from ..model.records import replace
from ..zoo.names import spec_text
from .records import Network

__all__ = ["KERAS_MIN_SIZE", "nested_network", "nested_resolution", "top_cut"]

#: the smallest rows and columns Keras' application accepts (``obtain_input_shape``'s ``min_size``); 32 otherwise
KERAS_MIN_SIZE = {"InceptionV3": 75, "Xception": 71}


#: resolves a spec on an input written as the spec writes it, under conventions (the walk's own resolution)
Resolver = Callable[[Spec, str, str], Network]


def nested_resolution(layer: Nested, shape: Shape, conventions: str,
                      resolver: Resolver) -> tuple[Resolution, Network]:
    """What the network makes of ``shape`` (channels last), as one row, and the network itself."""
    inner = nested_network(layer, shape, conventions, resolver)
    weights = sum(row.params.weights for row in inner.layers) + inner.unused_params
    biases = sum(row.params.biases for row in inner.layers)
    params = Params(weights, biases, inner.non_trainable_params, inner.buffers)
    what = "its classifier cut off" if layer.notop else "with its classifier"
    arithmetic = (("params", f"{layer.written}, {what}: {inner.total_params:,} "
                             f"({inner.trainable_params:,} trainable)"),)
    return Resolution(inner.layers[-1].output_shape, params, arithmetic=arithmetic, macs=inner.macs,
                      bias_adds=sum(row.bias_adds for row in inner.layers)), inner


def nested_network(layer: Nested, shape: Shape, conventions: str, resolver: Resolver) -> Network:
    """The network an item names, resolved on ``shape``; refused with the framework's reason where it refuses."""
    if len(shape) != 3:
        raise RuleError(f"{layer.written} takes an image, H×W×C, and receives {'×'.join(map(str, shape))}",
                        "put the network first, after 'input 224x224x3'")
    least = KERAS_MIN_SIZE.get(layer.network, 32)
    if layer.framework == "keras" and min(shape[:2]) < least:
        raise RuleError(f"Input size must be at least {least}x{least}; Received: input_shape={tuple(shape)}",
                        f"Keras' {layer.network} refuses an input smaller than {least}×{least}")
    if layer.framework == "torchvision" and layer.network.startswith("vit_"):
        _fixed_size(layer, shape)
    return _resolved(layer, shape, conventions, resolver)


def _fixed_size(layer: Nested, shape: Shape) -> None:
    """torchvision's VisionTransformer takes only its ``image_size`` (``_process_input``'s asserts, height first)."""
    spec = parse(spec_text(layer.framework, layer.network))
    size = spec.input.shape[-1] if spec.input is not None else None
    for side, got in (("height", shape[0]), ("width", shape[1])):
        if size is not None and got != size:
            raise RuleError(f"Wrong image {side}! Expected {size} but got {got}!",
                            f"torchvision's VisionTransformer takes {size}×{size} images only")


@lru_cache(maxsize=64)
def _resolved(layer: Nested, shape: Shape, conventions: str, resolver: Resolver) -> Network:
    spec = parse(spec_text(layer.framework, layer.network))
    if layer.notop:
        spec = Spec(spec.text, spec.input, _kept(layer, spec), spec.graph)
    nchw = spec.input is not None and spec.input.layout == "nchw"
    written = "x".join(map(str, channels_first(shape) if nchw else shape)) + (" nchw" if nchw else "")
    try:
        return resolver(spec, written, conventions)
    except CnnCalcError as error:
        raise RuleError(f"{layer.written} on {'×'.join(map(str, shape))}: {error.message}", error.hint) from None


def _kept(layer: Nested, spec: Spec) -> tuple[ParsedLayer, ...]:
    """The spec's layers without the classifier.  Keras' ConvNeXt keeps its head's LayerNormalization without
    its top, applied to the map (keras/src/applications/convnext.py: ``x = layers.LayerNormalization(
    epsilon=1e-6)(x)`` when ``include_top`` is False, ``pooling`` None): the layer norm after the pooling stays,
    reading what the pooling read.  torchvision's cut Linear becomes ``nn.Identity()``, which torchinfo lists as
    a row in the Linear's place (in ``classifier`` where the Linear was)."""
    cut = top_cut(layer, spec)
    kept = spec.layers[:cut]
    if layer.framework == "torchvision":
        return (*kept, replace(spec.layers[cut], layer=Activation(activation="linear"), frozen=False))
    after = spec.layers[cut + 1] if cut + 1 < len(spec.layers) else None
    if (layer.framework == "keras" and layer.network.startswith("ConvNeXt") and after is not None
            and isinstance(after.layer, LayerNormalization)):
        kept += (replace(after, inputs=spec.layers[cut].inputs),)
    return kept


def top_cut(layer: Nested, spec: Spec) -> int:
    """How many of the spec's layers stay when the classifier is cut off.

    Keras (``include_top=False``): everything from the global pooling or the flatten before the classifier on
    (the pooling and the dense head; VGG's flatten and its three fully connected layers; MobileNet's pooling,
    dropout, 1×1 convolution, reshape and softmax; MobileNetV3's pooling, 1×1 convolutions and flatten).
    torchvision: the last Linear, which becomes ``nn.Identity()``.
    """
    layers = spec.layers
    if layer.framework == "keras":  # the last global pooling (MobileNetV3's head flattens after its 1×1 logits),
        for kind in (GlobalAveragePooling2D, Flatten):  # else the last flatten (VGG's)
            for position in range(len(layers) - 1, -1, -1):
                if isinstance(layers[position].layer, kind):
                    return position
    elif isinstance(layers[-1].layer, Dense):
        return len(layers) - 1
    raise RuleError(f"{layer.written}'s classifier has no Linear to cut off: 'notop' is not modelled for it",
                    f"write {layer.written} without 'notop', or its layers as a spec")
