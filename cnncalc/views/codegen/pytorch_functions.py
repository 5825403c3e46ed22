"""Each row written ``fn`` as the operation PyTorch's forward() applies to the tensor, with no module (torchinfo
lists no row for it): ``x.mean((2, 3))`` for a global average pool, ``F.relu(x)`` for an activation, ``F.pad`` for
padding and cropping (the channels' too); and a vector broadcast over a map in a merge, ``s.view(-1, C, 1, 1)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .frameworks import tokens_in_torch, unsupported
from .quoting import literal, number, number_tuple, numbers

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["broadcast", "torch_function"]

#: torch.nn.functional's activations, by the spec's word (the softmaxes take the channels, dim=1).
_ACTIVATIONS = {"relu": "F.relu(", "relu6": "F.relu6(", "elu": "F.elu(", "selu": "F.selu(", "gelu": "F.gelu(",
                "swish": "F.silu(", "sigmoid": "torch.sigmoid(", "tanh": "torch.tanh(", "hardswish": "F.hardswish(",
                "hardsigmoid": "F.hardsigmoid(", "mish": "F.mish(", "softmax": "F.softmax(",
                "logsoftmax": "F.log_softmax("}


def torch_function(layer: ResolvedLayer) -> tuple[str, str]:  # noqa: PLR0911, PLR0912 - one form per kind
    """(what comes before the tensor, what comes after it) in forward(): ``F.relu(`` and ``)``."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    if isinstance(r, L.Activation) and r.activation in _ACTIVATIONS:
        return _ACTIVATIONS[r.activation], ", dim=1)" if r.activation in ("softmax", "logsoftmax") else ")"
    if isinstance(r, L.LeakyReLU):
        return "F.leaky_relu(", f", {number(r.alpha if r.alpha is not None else 0.01)})"
    if isinstance(r, (L.GlobalAveragePooling2D, L.GlobalMaxPooling2D)):
        method = ".mean" if isinstance(r, L.GlobalAveragePooling2D) else ".amax"
        return "", f"{method}((2, 3){', keepdim=True' if r.keepdims else ''})"
    if isinstance(r, L.Flatten):
        return "torch.flatten(", ", 1)"
    if isinstance(r, L.Dropout):
        return "F.dropout(", f", {number(r.rate)}, self.training)"
    if isinstance(r, (L.ZeroPadding2D, L.Cropping2D)):
        top, bottom, left, right = r.padding if isinstance(r, L.ZeroPadding2D) else \
            tuple(-side for side in r.cropping)
        return "F.pad(", f", ({', '.join(map(number, (left, right, top, bottom)))}))"
    if isinstance(r, L.ChannelPad):  # the last two pairs pad the height and the channels (N, C, H, W)
        return "F.pad(", f", (0, 0, 0, 0, {number(r.before)}, {number(r.after)}))"
    if isinstance(r, L.UpSampling2D):
        return "F.interpolate(", f", scale_factor={numbers(r.size)})"
    if isinstance(r, L.Resizing):
        return "F.interpolate(", f", size={number_tuple(r.size)}, mode={literal(r.interpolation)})"
    if isinstance(r, L.Pooling2D) and r.padding != "same":  # Keras' 'same' averages without the padding
        return _pool_function(layer)
    if isinstance(r, L.Rescaling):
        return "", f" * {number(r.scale)}" + (f" + {number(r.offset)}" if r.offset else "")
    if isinstance(r, L.AdaptivePooling):
        kind = "avg" if isinstance(r, (L.AdaptiveAveragePooling2D, L.AdaptiveAveragePooling1D)) else "max"
        size = number(r.output_size[0]) if len(r.output_size) == 1 else number_tuple(r.output_size)
        return f"F.adaptive_{kind}_pool{number(len(r.output_size))}d(", f", {size})"
    if isinstance(r, L.ChannelShuffle):
        return "F.channel_shuffle(", f", {number(r.groups)})"
    if isinstance(r, L.TokenSelect):
        raise tokens_in_torch(layer)
    raise unsupported(layer, "PyTorch", f"cnncalc cannot write {r.keras_class} written 'fn' as a PyTorch "
                                        "function yet")


def _pool_function(layer: ResolvedLayer) -> tuple[str, str]:
    """F.max_pool2d or F.avg_pool2d, with PyTorch's padding (both sides alike), dilation and ceil mode."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    pads = [(axis.pad_before, axis.pad_after) for axis in layer.axes[:2]]
    if any(a != b for a, b in pads):
        raise unsupported(layer, "PyTorch", "PyTorch's pools pad both sides alike; this one is padded unevenly")
    name = "F.max_pool2d(" if isinstance(r, L.MaxPooling2D) else "F.avg_pool2d("
    stride = "" if r.strides is None or tuple(r.strides) == tuple(r.pool_size) else f", stride={numbers(r.strides)}"
    padding = "" if not any(a for a, _ in pads) else f", padding={numbers(tuple(a for a, _ in pads))}"
    dilation = f", dilation={numbers(r.dilation)}" if isinstance(r, L.MaxPooling2D) and r.dilation != (1, 1) else ""
    return name, f", {numbers(r.pool_size)}{stride}{padding}{dilation}{', ceil_mode=True' if r.ceil else ''})"


def broadcast(layer: ResolvedLayer, sources: list[str], held: list[bool]) -> list[str]:
    """A merge's inputs in forward(), a vector of C features broadcast over the others' maps as
    ``s.view(-1, C, 1, 1)`` (Keras broadcasts a vector from the last axis, the channels; channels-first PyTorch
    needs the map's axes), or as it is over a map ``held`` with its features last; tensors of other ranks are
    refused."""
    from .frameworks import TORCH_MERGES

    shapes = layer.input_shapes
    ranks = {len(shape) for shape in shapes}
    if len(ranks) == 1:
        return sources
    rank = max(ranks)
    if layer.layer.word not in TORCH_MERGES or ranks - {1, rank}:  # type: ignore[attr-defined]
        raise unsupported(layer, "PyTorch", "a merge of tensors of different ranks: PyTorch broadcasts from the "
                          "last axis, which channels-first makes the width")
    if any(on for on, shape in zip(held, shapes) if len(shape) > 1):
        return sources  # a vector broadcasts from the last axis, where a held map has its features
    return [f"{source}.view(-1, {number(shape[0])}{', 1' * (rank - 1)})" if len(shape) == 1 else source
            for source, shape in zip(sources, shapes)]
