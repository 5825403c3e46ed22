"""A plain attribute set on a built PyTorch layer, as torchvision's Inception marks the layers its weight
initialisation treats apart (``self.fc.stddev = 0.001``): a number, a string, True, False or None under a name that
no layer of PyTorch reads is the code's own note and changes no shape nor count, so it is kept (``hasattr(m,
"stddev")`` finds it). A name a layer reads (``conv.stride = 2``, ``fc.bias = None``, ``bn.momentum``), a private
one, a value that is not such a constant, and any attribute of a Keras layer (``layer.trainable = False`` changes
its counts) are refused where they are set."""

from __future__ import annotations

from typing import Any

from .values import Layer, Unknown

#: What PyTorch's layers read or hold: their constructor's arguments, their weights and buffers, and the module's own
#: state. Setting one of these changes the layer (or what cnncalc would have to know of it).
_LAYER_ATTRIBUTES = frozenset({
    "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "padding_mode",
    "output_padding", "transposed", "weight", "in_features", "out_features", "num_features", "eps", "momentum",
    "affine", "track_running_stats", "running_mean", "running_var", "num_batches_tracked", "p", "inplace",
    "negative_slope", "scale_factor", "size", "mode", "align_corners", "recompute_scale_factor", "output_size",
    "ceil_mode", "return_indices", "count_include_pad", "divisor_override", "num_embeddings", "embedding_dim",
    "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse", "normalized_shape",
    "elementwise_affine", "num_groups", "num_channels", "start_dim", "end_dim", "dim", "training", "num_parameters",
    "init", "alpha", "beta", "k", "lambd", "threshold", "value", "approximate", "upscale_factor",
    "downscale_factor", "forward", "extra_repr", "device", "dtype"})


def plain_attribute(layer: Layer, name: str, value: Any) -> bool:
    """Whether ``layer.name = value`` is a plain attribute kept beside the layer (then it is kept)."""
    if layer.framework != "torch" or name.startswith("_") or name in _LAYER_ATTRIBUTES or \
            not isinstance(value, (int, float, str, type(None))):
        return False
    layer.extras[name] = value
    return True


#: A convolution's arguments PyTorch keeps as one number per spatial axis (Conv2d(3, 8, 16).kernel_size is (16, 16)),
#: by position in its constructor and with their defaults.
_CONV_TUPLES = {"kernel_size": (2, None), "stride": (3, 1), "padding": (4, 0), "dilation": (5, 1)}
_CONV_RANKS = {"Conv1d": 1, "Conv2d": 2, "Conv3d": 3}
_CONV_NUMBERS = {"in_channels": (0, None), "out_channels": (1, None), "groups": (6, 1)}
#: the sizes other layers keep, by position in their constructor (nn.Linear(768, 10).in_features is 768)
_SIZES = {"Linear": {"in_features": 0, "out_features": 1}, "BatchNorm1d": {"num_features": 0},
          "BatchNorm2d": {"num_features": 0}}


def layer_attribute(layer: Layer, name: str, node: Any) -> Any:
    """``conv.kernel_size``, ``conv.in_channels``: what a built layer holds, as PyTorch keeps it (a convolution's
    sizes as one number per axis); a plain attribute the code set on it; any other is the argument the layer was
    given under that name, or unknown."""
    if name in layer.extras:
        return layer.extras[name]
    rank = _CONV_RANKS.get(layer.name) if layer.framework == "torch" else None
    if rank is not None and name in _CONV_TUPLES:
        position, default = _CONV_TUPLES[name]
        value = layer.arg(position, name, default)
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,) * rank
        return tuple(value) if isinstance(value, (tuple, list)) else value if isinstance(value, str) else \
            Unknown(f"the attribute '{name}'", node)
    if rank is not None and name in _CONV_NUMBERS:
        position, default = _CONV_NUMBERS[name]
        value = layer.arg(position, name, default)
        return value if value is not None else Unknown(f"the attribute '{name}'", node)
    position = _SIZES.get(layer.name, {}).get(name) if layer.framework == "torch" else None
    if position is not None:
        value = layer.arg(position, name)
        return value if value is not None else Unknown(f"the attribute '{name}'", node)
    return layer.kwargs.get(name, Unknown(f"the attribute '{name}'", node))
