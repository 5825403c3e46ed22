"""One small frozen record per layer kind, each knowing its own shape rule and parameters.

A record holds what the user asked for (filters, kernel, stride…).  Given the shape that
flows into it, :meth:`Layer.resolve` returns the output shape, the weight and bias counts and
any findings.  Shapes are channels-last tuples without the batch axis, as Keras prints them
after its ``None``.  Rules raise :class:`RuleError`; the network adds the layer's name.

>>> Conv2D(32, (3, 3)).resolve((28, 28, 1)).params.total
320
>>> Dense(10).resolve((1600,)).params.total
16010

The kinds live in families, one module each: ``convolution`` (2-D and 3-D), ``convolution1d``,
``transposed``, ``pooling``, ``global_pooling`` (global and adaptive), ``reshaping`` (pad, crop, upsample,
pixel shuffle, flatten, reshape, permute), ``channels`` (slice, shuffle, chanpad),
``dense`` (dense, embedding, dropout),
``scaling`` (drop path, layer scale), ``tokens`` (class token, position embedding, token select),
``attention`` (multi-head self-attention), ``normalization``, ``preprocessing`` (Keras' rescaling,
normalization and random augmentation), ``activations``, ``merges``, ``windows_attention`` (Swin's shifted-window
attention and patch merging) and ``grid_attention`` (MaxViT's window partition and departition, and its relative
attention); ``base`` holds what they share and ``windows`` the sliding windows of conv and pool layers.
Every name is importable from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...lazy import attribute
from .activations import (
    ACTIVATIONS,
    TORCH_ACTIVATIONS,
    Activation,
    LeakyReLU,
    PReLU,
    ReLU,
)
from .base import (
    Finding,
    Layer,
    Padding,
    Pair,
    Params,
    Resolution,
    RuleError,
    Shape,
    Triple,
    describe,
    dims_text,
    keras_shape,
    require_sequence,
    require_volume,
    require_volume3d,
)
from .convolution import (
    Conv2D,
    Conv3D,
    DepthwiseConv2D,
    SeparableConv2D,
    TorchSamePadding,
    conv_arithmetic,
    keras_strides_with_dilation,
    padding_mode_findings,
    require_groups,
    require_torch_same,
)
from .dense import (
    Dense,
    Dropout,
    Embedding,
)
from .merges import (
    MERGES,
    Add,
    Average,
    Concatenate,
    ElementwiseMerge,
    Maximum,
    Merge,
    Multiply,
    ScaledAdd,
    Subtract,
    branch_list,
    broadcast_shape,
    merge_hint,
)
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    Pooling1D,
    Pooling2D,
    Pooling3D,
    require_pool_padding,
    require_torch_pool_padding,
)
from .reshaping import (
    Cropping2D,
    Flatten,
    Permute,
    PixelShuffle,
    ReflectionPadding2D,
    ReplicationPadding2D,
    Reshape,
    Resizing,
    Sides,
    UpSampling2D,
    ZeroPadding2D,
    sides_text,
)
from .windows import (
    Windowed,
    one_axis,
    padding_text,
    sequence_findings,
    stride_findings,
    volume_findings,
    window_axes,
)

if TYPE_CHECKING:  # imported when first asked for: see _LAZY
    from .attention import MultiHeadAttention
    from .channels import ChannelPad, ChannelShuffle, ChannelSlice, channel_range, slice_text
    from .convolution1d import Conv1D, DepthwiseConv1D, SeparableConv1D
    from .global_pooling import (
        AdaptiveAveragePooling1D,
        AdaptiveAveragePooling2D,
        AdaptiveMaxPooling1D,
        AdaptiveMaxPooling2D,
        AdaptivePooling,
        GlobalAveragePooling1D,
        GlobalAveragePooling2D,
        GlobalMaxPooling1D,
        GlobalMaxPooling2D,
        GlobalPooling,
    )
    from .grid_attention import RelativeAttention, WindowDepartition, WindowPartition
    from .nested import Nested, keras_model_name
    from .normalization import (
        BatchNormalization,
        GroupNormalization,
        InstanceNormalization,
        LayerNormalization,
        LocalResponseNormalization,
    )
    from .preprocessing import (
        CenterCrop,
        Normalization,
        RandomAugmentation,
        RandomBrightness,
        RandomContrast,
        RandomCrop,
        RandomFlip,
        RandomRotation,
        RandomTranslation,
        RandomZoom,
        Rescaling,
    )
    from .scaling import DropPath, LayerScale
    from .tokens import ClassToken, PositionEmbedding, TokenSelect
    from .transposed import (
        Conv1DTranspose,
        Conv2DTranspose,
        require_output_padding,
        torch_transposed_padding,
        transposed_length,
    )
    from .windows_attention import CPB_HIDDEN, PatchMerging, WindowAttention

__all__ = [
    "ACTIVATIONS", "CPB_HIDDEN", "MERGES", "TORCH_ACTIVATIONS", "Activation", "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptivePooling", "Add", "Average",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BatchNormalization", "CenterCrop", "ChannelPad",
    "ChannelShuffle",
    "ChannelSlice", "ClassToken", "Concatenate", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D",
    "Cropping2D", "Dense", "DepthwiseConv1D", "DepthwiseConv2D", "DropPath", "Dropout", "ElementwiseMerge",
    "Embedding", "Finding", "Flatten", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
    "GlobalMaxPooling2D", "GlobalPooling", "GroupNormalization", "InstanceNormalization", "Layer",
    "LayerNormalization", "LayerScale", "LeakyReLU", "LocalResponseNormalization", "MaxPooling1D", "MaxPooling2D",
    "MaxPooling3D", "Maximum", "Merge", "MultiHeadAttention", "Multiply", "Nested", "Normalization", "PReLU",
    "Padding", "Pair", "Params", "PatchMerging", "Permute", "PixelShuffle", "Pooling1D", "Pooling2D", "Pooling3D",
    "PositionEmbedding", "RandomAugmentation", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip",
    "RandomRotation", "RandomTranslation", "RandomZoom", "ReLU", "ReflectionPadding2D", "RelativeAttention",
    "ReplicationPadding2D", "Rescaling",
    "Reshape", "Resizing", "Resolution", "RuleError", "ScaledAdd", "SeparableConv1D", "SeparableConv2D", "Shape",
    "Sides", "Subtract", "TokenSelect", "TorchSamePadding", "Triple", "UpSampling2D", "WindowAttention",
    "WindowDepartition", "WindowPartition", "Windowed", "ZeroPadding2D", "branch_list", "broadcast_shape",
    "channel_range", "conv_arithmetic", "describe", "dims_text", "keras_model_name", "keras_shape",
    "keras_strides_with_dilation", "merge_hint", "one_axis", "padding_mode_findings", "padding_text",
    "require_groups", "require_output_padding", "require_pool_padding", "require_sequence",
    "require_torch_pool_padding", "require_torch_same", "require_volume", "require_volume3d", "sequence_findings",
    "sides_text", "slice_text", "stride_findings", "torch_transposed_padding", "transposed_length", "volume_findings",
    "window_axes"
]


#: the families a spec rarely uses, each imported when one of its names is first asked for (PEP 562), so that a
#: summary loads only the families its layers are: each name, and its module
_LAZY = {
    "MultiHeadAttention": "attention",
    "RelativeAttention": "grid_attention",
    "WindowDepartition": "grid_attention",
    "WindowPartition": "grid_attention",
    "ClassToken": "tokens",
    "PositionEmbedding": "tokens",
    "TokenSelect": "tokens",
    "CPB_HIDDEN": "windows_attention",
    "PatchMerging": "windows_attention",
    "WindowAttention": "windows_attention",
    "ChannelPad": "channels", "ChannelShuffle": "channels", "ChannelSlice": "channels", "channel_range": "channels",
    "slice_text": "channels",
    "Conv1D": "convolution1d", "DepthwiseConv1D": "convolution1d", "SeparableConv1D": "convolution1d",
    "AdaptiveAveragePooling1D": "global_pooling", "AdaptiveAveragePooling2D": "global_pooling",
    "AdaptiveMaxPooling1D": "global_pooling", "AdaptiveMaxPooling2D": "global_pooling",
    "AdaptivePooling": "global_pooling", "GlobalAveragePooling1D": "global_pooling",
    "GlobalAveragePooling2D": "global_pooling", "GlobalMaxPooling1D": "global_pooling",
    "GlobalMaxPooling2D": "global_pooling", "GlobalPooling": "global_pooling",
    "Nested": "nested", "keras_model_name": "nested",
    "BatchNormalization": "normalization", "GroupNormalization": "normalization",
    "InstanceNormalization": "normalization", "LayerNormalization": "normalization",
    "LocalResponseNormalization": "normalization",
    "Normalization": "preprocessing", "Rescaling": "preprocessing", "RandomAugmentation": "preprocessing",
    "RandomBrightness": "preprocessing", "RandomContrast": "preprocessing", "RandomFlip": "preprocessing",
    "RandomRotation": "preprocessing", "RandomTranslation": "preprocessing", "RandomZoom": "preprocessing",
    "CenterCrop": "preprocessing", "RandomCrop": "preprocessing",
    "DropPath": "scaling", "LayerScale": "scaling",
    "Conv1DTranspose": "transposed", "Conv2DTranspose": "transposed", "require_output_padding": "transposed",
    "torch_transposed_padding": "transposed", "transposed_length": "transposed",
}


def __getattr__(name: str) -> Any:
    value = attribute(__name__, _LAZY, name)
    globals()[name] = value  # asked for once: from now on a plain attribute
    return value
