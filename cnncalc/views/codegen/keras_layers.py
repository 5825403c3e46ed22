"""Each row as the Keras layer that builds it: its constructor, and any layer to put before it (explicit padding
as ``ZeroPadding2D``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .frameworks import KERAS_ACTIVATIONS, TORCHVISION_WORDS, unsupported
from .keras_sequences import keras_sequence_after, keras_sequence_layer
from .keras_shapes import keras_shape_layer
from .quoting import literal, number, number_tuple, numbers

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["keras_after", "keras_layer"]


def _keras_padding(layer: ResolvedLayer, padding: Any) -> tuple[str, str | None]:
    """Keras' padding argument, and a ZeroPadding2D to put before the layer for explicit padding."""
    if isinstance(padding, str):
        return ("" if padding == "valid" else f", padding={literal(padding)}"), None
    if not any(padding):
        return "", None
    return "", f"layers.ZeroPadding2D({numbers(padding)})"



def _activation(name: str | None) -> str:
    return f", activation={literal(KERAS_ACTIVATIONS.get(name, name))}" if name else ""


def _keras_conv(layer: ResolvedLayer) -> tuple[list[str], str]:
    """Conv2D, DepthwiseConv2D and SeparableConv2D, with a ZeroPadding2D before for explicit padding."""
    from ...model import layers as L  # noqa: N812 - the records read as Keras' own classes

    r: Any = layer.layer
    padding, before = _keras_padding(layer, r.padding)
    options = [*([f"strides={numbers(r.strides)}"] if r.strides != (1, 1) else []), *([padding[2:]] if padding else [])]
    if isinstance(r, L.Conv2D):
        if r.padding_mode != "zeros":
            raise unsupported(layer, "Keras", f"Keras has no {r.padding_mode} padding")
        head = f"layers.Conv2D({number(r.filters)}, {numbers(r.kernel_size)}"
        options += [f"groups={number(r.groups)}"] if r.groups != 1 else []
    else:
        cls = "DepthwiseConv2D" if isinstance(r, L.DepthwiseConv2D) else "SeparableConv2D"
        head = f"layers.{cls}({'' if cls == 'DepthwiseConv2D' else f'{number(r.filters)}, '}{numbers(r.kernel_size)}"
        options += [f"depth_multiplier={number(r.depth_multiplier)}"] if r.depth_multiplier != 1 else []
    options += [f"dilation_rate={numbers(r.dilation_rate)}"] if r.dilation_rate != (1, 1) else []
    options += [_activation(r.activation)[2:]] if r.activation else []
    options += ["use_bias=False"] if not r.use_bias else []
    return ([before] if before else []), head + "".join(f", {o}" for o in options) + ")"


def _keras_deconv(layer: ResolvedLayer) -> tuple[list[str], str]:
    """Conv2DTranspose; PyTorch's explicit padding p is Keras' 'valid' with the output padding given (0 too, which
    makes Keras' length (n − 1)·s + d·(k − 1) + 1 + op, PyTorch's before its padding), then p cropped from each side
    (:func:`keras_after`)."""
    r: Any = layer.layer
    if r.groups != 1:
        raise unsupported(layer, "Keras", "Keras has no grouped transposed convolution")
    if r.dilation_rate != (1, 1) and r.strides != (1, 1):
        raise unsupported(layer, "Keras", "Keras has no transposed convolution both strided and dilated")
    explicit = not isinstance(r.padding, str)
    strides = "" if r.strides == (1, 1) else f", strides={numbers(r.strides)}"
    extra = r.output_padding if r.output_padding is not None else ((0, 0) if explicit else None)
    op = "" if extra is None else f", output_padding={numbers(extra)}"
    padding = "" if explicit or r.padding == "valid" else f", padding={literal(r.padding)}"
    dilation = "" if r.dilation_rate == (1, 1) else f", dilation_rate={numbers(r.dilation_rate)}"
    bias = "" if r.use_bias else ", use_bias=False"
    return [], (f"layers.Conv2DTranspose({number(r.filters)}, {numbers(r.kernel_size)}{strides}{padding}{op}"
                f"{dilation}{_activation(r.activation)}{bias})")


def keras_after(layer: ResolvedLayer) -> list[str]:
    """The layers to put after a row's layer: the Cropping2D that takes a transposed convolution's explicit
    padding off each side, as PyTorch's ConvTranspose2d does."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    if isinstance(r, L.Conv2DTranspose) and not isinstance(r.padding, str) and any(r.padding):
        return [f"layers.Cropping2D({numbers(tuple(int(side) for side in r.padding))})"]
    return keras_sequence_after(layer)


def keras_layer(layer: ResolvedLayer) -> tuple[list[str], str]:  # noqa: PLR0911, PLR0912 - one branch per kind
    """(layers to put before it, the layer's constructor); :func:`keras_after` gives the layers to put after it."""
    from ...model import layers as L  # noqa: N812 - the records read as Keras' own classes

    r = layer.layer
    if isinstance(r, (L.Conv2D, L.DepthwiseConv2D, L.SeparableConv2D)):
        return _keras_conv(layer)
    if isinstance(r, L.Nested):  # built before the model (keras_nested): its constructor
        from .keras_nested import application

        return [], application(layer)
    if isinstance(r, L.Conv2DTranspose):
        return _keras_deconv(layer)
    if isinstance(r, L.Pooling2D):
        if r.ceil:
            raise unsupported(layer, "Keras", "Keras' pools have no ceil_mode")
        cls = "MaxPooling2D" if isinstance(r, L.MaxPooling2D) else "AveragePooling2D"
        padding, before = _keras_padding(layer, r.padding)
        if before and cls == "MaxPooling2D":
            raise unsupported(layer, "Keras", "Keras pads a max pool with zeros only through ZeroPadding2D, which "
                               "changes its result; PyTorch pads with −∞")
        strides = "" if r.strides is None else f", strides={numbers(r.strides)}"
        return ([before] if before else []), f"layers.{cls}({numbers(r.pool_size)}{strides}{padding})"
    if isinstance(r, (L.GlobalAveragePooling2D, L.GlobalMaxPooling2D)):
        return [], f"layers.{r.keras_class}({'keepdims=True' if r.keepdims else ''})"
    if isinstance(r, L.Flatten):
        return [], "layers.Flatten()"
    if isinstance(r, L.Dense):
        bias = "" if r.use_bias else ", use_bias=False"
        return [], f"layers.Dense({number(r.units)}{_activation(r.activation)}{bias})"
    if isinstance(r, L.Dropout):
        return [], f"layers.Dropout({number(r.rate)})"
    if isinstance(r, L.DropPath):
        return [], f"StochasticDepth({number(r.rate)})"
    if isinstance(r, L.LayerScale):
        return [], "LayerScale()"
    if isinstance(r, L.MultiHeadAttention):  # self-attention: called on (x, x) by the functional model
        size = layer.input_shape[-1] // r.heads
        bias = "" if r.use_bias else ", use_bias=False"
        return [], f"layers.MultiHeadAttention(num_heads={number(r.heads)}, key_dim={number(size)}{bias})"
    if isinstance(r, (L.ClassToken, L.PositionEmbedding)):
        return [], f"{r.keras_class}()"
    if isinstance(r, (L.BatchNormalization, L.LayerNormalization)):  # layer norm: on the last axis, as Keras'
        return [], f"layers.{r.keras_class}(" + ", ".join(
            [*([] if r.center else ["center=False"]), *([] if r.scale else ["scale=False"])]) + ")"
    if isinstance(r, L.LeakyReLU):
        return [], f"layers.LeakyReLU({number(r.alpha if r.alpha is not None else 0.3)})"
    if isinstance(r, L.ReLU):
        return [], "layers.ReLU(6.0)"
    if isinstance(r, L.PReLU):
        return [], "layers.PReLU()" if r.channel else "layers.PReLU(shared_axes=[1, 2])"
    if isinstance(r, L.Activation):
        return [], f"layers.Activation({literal(KERAS_ACTIVATIONS.get(r.activation, r.activation))})"
    if isinstance(r, L.ZeroPadding2D):
        top, bottom, left, right = r.padding
        return [], f"layers.ZeroPadding2D((({number(top)}, {number(bottom)}), ({number(left)}, {number(right)})))"
    if isinstance(r, L.Cropping2D):
        top, bottom, left, right = r.cropping
        return [], f"layers.Cropping2D((({number(top)}, {number(bottom)}), ({number(left)}, {number(right)})))"
    if isinstance(r, L.UpSampling2D):
        return [], f"layers.UpSampling2D({numbers(r.size)})"
    if isinstance(r, L.Resizing):
        height, width = r.size
        return [], f"layers.Resizing({number(height)}, {number(width)}, interpolation={literal(r.interpolation)})"
    return keras_sequence_layer(layer) or _keras_other(layer)


def _normalization(imagenet: float) -> str:
    """Keras' Normalization: adapted to the data (0), or given ImageNet's mean and variance for pixels in [0, 1]
    (1, as keras.applications' EfficientNetV2 writes it) or [0, 255] (255, as its ConvNeXt writes it)."""
    if imagenet == 1:
        return "layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2])"
    if imagenet:
        return ("layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255], "
                "variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2])")
    return "layers.Normalization()"


def _preparing(layer: ResolvedLayer) -> str:
    """A crop to its size, or a random augmentation layer with the factor the spec gives it (RandomFlip: its mode);
    Keras requires one."""
    from ...model import layers as L  # noqa: N812

    r = layer.layer
    if isinstance(r, L.CenterCrop):  # RandomCrop too
        return f"layers.{r.keras_class}({number(r.size[0])}, {number(r.size[1])})"
    assert isinstance(r, L.RandomAugmentation)
    if isinstance(r, L.RandomFlip):
        return f"layers.RandomFlip({'' if r.mode == 'horizontal_and_vertical' else literal(r.mode)})"
    if r.factor is None:
        word = r.keras_class.lower()
        raise unsupported(layer, "Keras", f"Keras' {r.keras_class} needs its factor, which the spec leaves out: "
                          f"write the word with it, as {word}0.1")
    factor = number(r.factor)
    return f"layers.{r.keras_class}({factor}, {factor})" if isinstance(r, L.RandomTranslation) else \
        f"layers.{r.keras_class}({factor})"


def _keras_other(layer: ResolvedLayer) -> tuple[list[str], str]:  # noqa: PLR0911 - one form per kind
    """The merges, the channel shuffle, Keras' preprocessing layers, and the PyTorch layers Keras has no class for
    (refused)."""
    from ...model import layers as L  # noqa: N812

    r = layer.layer
    if isinstance(r, (L.RandomAugmentation, L.CenterCrop)):
        return [], _preparing(layer)
    if isinstance(r, L.Rescaling):
        offset = f", offset={number(r.offset)}" if r.offset else ""
        return [], f"layers.Rescaling({number(r.scale)}{offset})"
    if isinstance(r, L.Normalization):
        return [], _normalization(r.imagenet)
    if isinstance(r, L.InstanceNormalization):  # one group per channel: Keras' instance normalization
        options = [*([] if r.center else ["center=False"]), *([] if r.scale else ["scale=False"])]
        return [], f"layers.GroupNormalization({', '.join(['groups=-1', *options])})"
    if isinstance(r, L.PixelShuffle):
        raise unsupported(layer, "Keras", "Keras has no pixel shuffle layer, and keras.ops.depth_to_space orders "
                          "the channels as TensorFlow does (i·R + j before the channel), not as PyTorch's "
                          "PixelShuffle (the channel before i·R + j)")
    if isinstance(r, (L.ReflectionPadding2D, L.ReplicationPadding2D)):
        kind = "reflection" if isinstance(r, L.ReflectionPadding2D) else "replication"
        raise unsupported(layer, "Keras", f"Keras has no {kind} padding layer (only ZeroPadding2D)")
    if isinstance(r, L.ChannelPad):
        raise unsupported(layer, "Keras", "Keras has no layer that pads the channels with zeros (ZeroPadding2D "
                          "pads the map only)")
    if isinstance(r, L.ChannelShuffle):  # the channels as groups, the last two axes swapped, read back
        *spatial, channels = layer.input_shape
        grouped = (*spatial, r.groups, channels // r.groups)
        axes = (*range(1, len(spatial) + 1), len(spatial) + 2, len(spatial) + 1)
        return [f"layers.Reshape({number_tuple(grouped)})", f"layers.Permute({number_tuple(axes)})"], \
            f"layers.Reshape({number_tuple(layer.input_shape)})"
    if isinstance(r, L.ScaledAdd):
        return [], f"CustomScaleLayer({number(r.scale)})"
    shaped = keras_shape_layer(layer)
    if shaped is not None:
        return [], shaped
    if isinstance(r, L.Merge):
        cls = {"add": "Add", "cat": "Concatenate", "mul": "Multiply", "avg": "Average", "max": "Maximum",
               "sub": "Subtract"}[r.word]
        return [], f"layers.{cls}()"
    word = TORCHVISION_WORDS.get(type(r).__name__)
    if word is not None:
        raise unsupported(layer, "Keras", f"Keras has no layer for '{word}' (torchvision's {r.torch_class}), and "
                          "cnncalc does not write one")
    raise unsupported(layer, "Keras", f"cnncalc cannot write {r.keras_class} as Keras code yet")
