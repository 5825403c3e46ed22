"""A plain attribute set on a built PyTorch layer, as torchvision's Inception marks the layers its weight
initialisation treats apart (``self.fc.stddev = 0.001``): a number, a string, True, False or None under a name that
no layer of PyTorch reads is the code's own note and changes no shape nor count, so it is kept (``hasattr(m,
"stddev")`` finds it). A name a layer reads (``conv.stride = 2``, ``fc.bias = None``, ``bn.momentum``), a private
one, a value that is not such a constant, and any attribute of a Keras layer (``layer.trainable = False`` changes
its counts) are refused where they are set."""

from __future__ import annotations

from typing import Any

from .values import Layer

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
