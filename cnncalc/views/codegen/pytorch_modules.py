"""Each row as the PyTorch modules that compute it: usually one, plus its fused activation and any padding, with
in-channels and in-features from the resolved shapes, and padding made explicit where PyTorch has no ``same`` (a
stride above 1: TensorFlow's uneven split as ``nn.ZeroPad2d``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...model.records import replace
from .frameworks import TORCH_ACTIVATIONS, TORCHVISION_WORDS, tokens_in_torch, unsupported
from .pytorch_held import layer_norm
from .pytorch_sequences import torch_sequence_modules, transposed_padding
from .quoting import literal, number, number_tuple, numbers

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["torch_modules"]


def _torch_activation(layer: ResolvedLayer, name: str) -> str:
    if name not in TORCH_ACTIVATIONS:
        raise unsupported(layer, "PyTorch", f"cnncalc cannot write the activation {name} as PyTorch code yet")
    return TORCH_ACTIVATIONS[name]


def _torch_padding(layer: ResolvedLayer) -> tuple[str, str | None]:
    """Conv2d's padding argument, and a ZeroPad2d for an uneven split ('same' with a stride, as TensorFlow pads)."""
    h, w = layer.axes[:2]
    pads = ((h.pad_before, h.pad_after), (w.pad_before, w.pad_after))
    if all(a == b for a, b in pads):
        value = (pads[0][0], pads[1][0])
        return ("" if value == (0, 0) else f", padding={numbers(value)}"), None
    return "", f"nn.ZeroPad2d(({', '.join(map(number, (*pads[1], *pads[0])))}))"


def _torch_conv(layer: ResolvedLayer, channels: int) -> list[tuple[str, str]]:
    """nn.Conv2d for a Conv2D or DepthwiseConv2D row (groups = channels), with a ZeroPad2d for uneven padding."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    padding, before = _torch_padding(layer)
    out = r.filters if isinstance(r, L.Conv2D) else channels * r.depth_multiplier
    groups = r.groups if isinstance(r, L.Conv2D) else channels
    options = [f"kernel_size={numbers(r.kernel_size)}",
               *([f"stride={numbers(r.strides)}"] if r.strides != (1, 1) else []), *([padding[2:]] if padding else []),
               *([f"dilation={numbers(r.dilation_rate)}"] if r.dilation_rate != (1, 1) else []),
               *([f"groups={number(groups)}"] if groups != 1 else []), *([] if r.use_bias else ["bias=False"])]
    mode = getattr(r, "padding_mode", "zeros")
    options += [] if mode == "zeros" else [f"padding_mode={literal(mode)}"]
    conv = f"nn.Conv2d({number(channels)}, {number(out)}, {', '.join(options)})"
    return [*([("pad", before)] if before else []), ("conv", conv)]


def _torch_deconv(layer: ResolvedLayer, channels: int) -> str:
    """nn.ConvTranspose2d with the padding and output padding that give the row's output size.

    PyTorch's output is (n − 1)·s − 2p + d·(k − 1) + 1 + op, with op below the stride or the dilation; Keras'
    'valid' and 'same' are the p and op that reach the same size (the same values too, except where Keras' 'same'
    crops an odd excess unevenly: PyTorch crops both sides alike, so its map is then one pixel apart)."""
    r: Any = layer.layer
    pads, extras = [], []
    for axis in range(2):
        n, out = layer.input_shape[axis], layer.output_shape[axis]
        k, s, d = r.kernel_size[axis], r.strides[axis], r.dilation_rate[axis]
        if not isinstance(r.padding, str):  # explicit: PyTorch's own numbers
            pads.append(int(r.padding[axis]))
            extras.append((r.output_padding or (0, 0))[axis])
            continue
        pad, extra = transposed_padding(layer, "ConvTranspose2d", n, out, k, s, d)
        pads.append(pad)
        extras.append(extra)
    options = [f"kernel_size={numbers(r.kernel_size)}",
               *([f"stride={numbers(r.strides)}"] if r.strides != (1, 1) else []),
               *([f"padding={numbers(tuple(pads))}"] if any(pads) else []),
               *([f"output_padding={numbers(tuple(extras))}"] if any(extras) else []),
               *([f"groups={number(r.groups)}"] if r.groups != 1 else []),
               *([f"dilation={numbers(r.dilation_rate)}"] if r.dilation_rate != (1, 1) else []),
               *([] if r.use_bias else ["bias=False"])]
    return f"nn.ConvTranspose2d({number(channels)}, {number(r.filters)}, {', '.join(options)})"


def _torch_pool(layer: ResolvedLayer) -> list[tuple[str, str]]:
    """nn.MaxPool2d or nn.AvgPool2d; Keras' 'same' as symmetric padding, where it is symmetric."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    h, w = layer.axes[:2]
    pads = ((h.pad_before, h.pad_after), (w.pad_before, w.pad_after))
    if any(a != b for a, b in pads):
        raise unsupported(layer, "PyTorch", "PyTorch's pools pad both sides alike; this one is padded unevenly")
    padding = (pads[0][0], pads[1][0])
    cls = "nn.MaxPool2d" if isinstance(r, L.MaxPooling2D) else "nn.AvgPool2d"
    stride = "" if r.strides is None or tuple(r.strides) == tuple(r.pool_size) else f", stride={numbers(r.strides)}"
    extra = "" if padding == (0, 0) else f", padding={numbers(padding)}"
    if r.padding == "same" and cls == "nn.AvgPool2d" and padding != (0, 0):
        extra += ", count_include_pad=False"  # Keras' same averages over the input only
    if isinstance(r, L.MaxPooling2D) and r.dilation != (1, 1):
        extra += f", dilation={numbers(r.dilation)}"
    return [("pool", f"{cls}({numbers(r.pool_size)}{stride}{extra}{', ceil_mode=True' if r.ceil else ''})")]


def torch_modules(layer: ResolvedLayer) -> list[tuple[str, str]]:  # noqa: PLR0912, PLR0915 - one branch per kind
    """(attribute stem, module constructor) for a row: usually one, plus its fused activation and any padding."""
    from ...model import layers as L  # noqa: N812

    r = layer.layer
    channels = layer.input_shape[-1] if layer.input_shape else 0
    modules: list[tuple[str, str]] = []
    activation = getattr(r, "activation", None) if not isinstance(r, L.Activation) else None
    if isinstance(r, (L.Conv2D, L.DepthwiseConv2D)):
        modules += _torch_conv(layer, channels)
    elif isinstance(r, L.SeparableConv2D):  # a depthwise conv without bias, then a 1×1 conv to the filters
        middle = channels * r.depth_multiplier
        depthwise = L.DepthwiseConv2D(r.kernel_size, r.strides, r.padding, r.dilation_rate, r.depth_multiplier,
                                      use_bias=False)
        modules += _torch_conv(replace(layer, layer=depthwise), channels)
        bias = "" if r.use_bias else ", bias=False"
        modules.append(("conv", f"nn.Conv2d({number(middle)}, {number(r.filters)}, kernel_size=1{bias})"))
    elif isinstance(r, L.Conv2DTranspose):
        modules.append(("deconv", _torch_deconv(layer, channels)))
    elif isinstance(r, L.Pooling2D):
        modules += _torch_pool(layer)
    elif isinstance(r, L.GlobalPooling):
        kind = "Avg" if isinstance(r, (L.GlobalAveragePooling2D, L.GlobalAveragePooling1D)) else "Max"
        cls = f"nn.Adaptive{kind}Pool{number(r.rank)}d"
        modules += [("pool", f"{cls}(1)"), *([] if r.keepdims else [("flatten", "nn.Flatten()")])]
    elif isinstance(r, L.Flatten):
        modules.append(("flatten", "nn.Flatten()"))
    elif isinstance(r, L.Dense):
        if len(layer.input_shape) > 1:
            raise unsupported(layer, "PyTorch", "a dense layer on a volume: nn.Linear acts on the last axis, which "
                               "channels-first PyTorch makes the width, not the channels")
        bias = "" if r.use_bias else ", bias=False"
        modules.append(("fc", f"nn.Linear({number(channels)}, {number(r.units)}{bias})"))
    elif isinstance(r, L.Dropout):
        modules.append(("dropout", f"nn.Dropout({number(r.rate)})"))
    elif isinstance(r, L.DropPath):
        modules.append(("droppath", f"StochasticDepth({number(r.rate)})"))
    elif isinstance(r, L.LayerScale):
        modules.append(("layerscale", f"LayerScale({number(channels)}, {number(len(layer.input_shape) - 1)})"))
    elif isinstance(r, L.BatchNormalization):
        kind = "nn.BatchNorm2d" if len(layer.input_shape) == 3 else "nn.BatchNorm1d"
        modules.append(("bn", f"{kind}({number(channels)}{'' if r.center and r.scale else ', affine=False'})"))
    elif isinstance(r, L.LeakyReLU):
        modules.append(("leakyrelu", f"nn.LeakyReLU({number(r.alpha if r.alpha is not None else 0.01)})"))
    elif isinstance(r, L.PReLU):
        if not (r.channel or r.torch or math.prod(layer.input_shape) == 1):
            raise unsupported(layer, "PyTorch", "Keras' PReLU learns a slope per value of its input; PyTorch's "
                              "nn.PReLU one in all, or one per channel ('prelu channel')")
        modules.append(("prelu", f"nn.PReLU({number(channels) if r.channel else ''})"))
    elif isinstance(r, L.Activation):
        modules.append((r.activation, _torch_activation(layer, r.activation)))
    elif isinstance(r, L.ZeroPadding2D):
        top, bottom, left, right = r.padding
        modules.append(("pad", f"nn.ZeroPad2d(({', '.join(map(number, (left, right, top, bottom)))}))"))
    elif isinstance(r, L.Cropping2D):  # PyTorch crops on a negative padding
        top, bottom, left, right = r.cropping
        modules.append(("crop", f"nn.ZeroPad2d(({', '.join(number(-side) for side in (left, right, top, bottom))}))"))
    elif isinstance(r, L.UpSampling2D):
        modules.append(("up", f"nn.Upsample(scale_factor={numbers(r.size)})"))
    elif isinstance(r, L.Resizing):
        modules.append(("resize", f"nn.Upsample(size={number_tuple(r.size)}, mode={literal(r.interpolation)})"))
    elif isinstance(r, L.ChannelShuffle):
        modules.append(("shuffle", f"nn.ChannelShuffle({number(r.groups)})"))
    elif isinstance(r, (L.MultiHeadAttention, L.ClassToken, L.PositionEmbedding, L.TokenSelect)):
        raise tokens_in_torch(layer)
    elif not isinstance(r, L.Merge):
        modules += torch_sequence_modules(layer, channels) or _torch_other(layer, channels)
    if activation:
        modules.append((activation, _torch_activation(layer, activation)))
    return modules


def _torch_other(layer: ResolvedLayer, channels: int) -> list[tuple[str, str]]:
    """The padding that mirrors or repeats the edge, the pixel shuffle, instance normalization, and Keras'
    preprocessing layers: Rescaling as arithmetic in forward() (stem ``""``: what follows the tensor there, as
    torchinfo shows no row for it), Normalization as a BatchNorm without affine weights, whose running mean and
    variance in eval mode are the adapted ones (2·C + 1 buffers, as Keras' 2·C + 1 weights)."""
    from ...model import layers as L  # noqa: N812

    r = layer.layer
    if isinstance(r, (L.RandomAugmentation, L.CenterCrop)):
        raise unsupported(layer, "PyTorch", f"PyTorch has no {r.keras_class} module: torchvision's transforms "
                          "augment and crop the data before it reaches the model")
    if isinstance(r, (L.ReflectionPadding2D, L.ReplicationPadding2D)):
        top, bottom, left, right = r.padding
        cls = "nn.ReflectionPad2d" if isinstance(r, L.ReflectionPadding2D) else "nn.ReplicationPad2d"
        return [("pad", f"{cls}(({', '.join(map(number, (left, right, top, bottom)))}))")]
    if isinstance(r, L.PixelShuffle):
        return [("shuffle", f"nn.PixelShuffle({number(r.factor)})")]
    if isinstance(r, L.InstanceNormalization):
        if r.center != r.scale:
            raise unsupported(layer, "PyTorch", "PyTorch's InstanceNorm2d learns gamma and beta together "
                              "(affine=True) or neither")
        if len(layer.input_shape) < 2 or math.prod(layer.input_shape[:-1]) == 1:
            raise unsupported(layer, "PyTorch", "PyTorch's InstanceNorm needs more than one value per channel "
                              "(a map or a sequence)")
        kind = "nn.InstanceNorm2d" if len(layer.input_shape) == 3 else "nn.InstanceNorm1d"
        return [("norm", f"{kind}({number(channels)}{', affine=True' if r.scale else ''})")]
    if isinstance(r, L.Rescaling):
        shift = (f" - {number(-r.offset)}" if r.offset < 0 else f" + {number(r.offset)}") if r.offset else ""
        return [("", f" * {number(r.scale)}{shift}")]
    if isinstance(r, L.Normalization):
        if r.imagenet:
            raise unsupported(layer, "PyTorch", "PyTorch has no layer given ImageNet's mean and variance: "
                              "torchvision normalises in the data's transforms (transforms.Normalize)")
        kind = "nn.BatchNorm2d" if len(layer.input_shape) == 3 else "nn.BatchNorm1d"
        return [("norm", f"{kind}({number(channels)}, affine=False)")]
    word = TORCHVISION_WORDS.get(type(r).__name__)
    if word is not None:
        raise unsupported(layer, "PyTorch", f"cnncalc does not write '{word}' as PyTorch code yet: it is "
                          f"torchvision's {r.torch_class} (torchvision.models), not a torch.nn module")
    return _torch_normalization(layer, channels)


def _torch_normalization(layer: ResolvedLayer, channels: int) -> list[tuple[str, str]]:
    """Group normalization and local response normalization (both on the channels, axis 1), a layer
    normalization of a vector (its last axis is its features), and the adaptive pools."""
    from ...model import layers as L  # noqa: N812

    r = layer.layer
    if isinstance(r, L.GroupNormalization):
        return [("norm", f"nn.GroupNorm({number(r.groups)}, {number(channels)})")]
    if isinstance(r, L.LocalResponseNormalization):
        return [("norm", f"nn.LocalResponseNorm({number(r.size)})")]
    if isinstance(r, L.LayerNormalization):
        if len(layer.input_shape) > 1:
            raise unsupported(layer, "PyTorch", "a layer normalization of a volume's channels: nn.LayerNorm "
                              "normalises the last axis, which channels-first PyTorch makes the width")
        return [("norm", layer_norm(layer, channels))]
    if isinstance(r, L.AdaptivePooling):
        kind = "Avg" if isinstance(r, (L.AdaptiveAveragePooling2D, L.AdaptiveAveragePooling1D)) else "Max"
        size = number(r.output_size[0]) if len(r.output_size) == 1 else number_tuple(r.output_size)
        return [("pool", f"nn.Adaptive{kind}Pool{number(len(r.output_size))}d({size})")]
    raise unsupported(layer, "PyTorch", f"cnncalc cannot write {r.keras_class} as PyTorch code yet")
