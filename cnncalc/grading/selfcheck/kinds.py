"""Which rule checks a pasted row's layer kind (row classes are Keras', as the paste reader names them)."""

from __future__ import annotations

from ...readers.pasted import ACTIVATION_CLASSES

# Row classes are Keras' (pasted.py reads Keras 1's names and PyTorch's classes as Keras' classes).
_KEEPS_SHAPE = ACTIVATION_CLASSES | {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                                     "GaussianNoise", "GaussianDropout", "AlphaDropout", "LayerNormalization",
                                     "GroupNormalization", "LocalResponseNormalization", "Rescaling",
                                     "Normalization", "StochasticDepth", "LayerScale", "ShiftedWindowAttention",
                                     "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
                                     "RandomContrast", "RandomBrightness"}
_CONV = frozenset({"Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D", "DepthwiseConv1D",
                   "SeparableConv1D"})
_TRANSPOSED = frozenset({"Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"})
_POOL = frozenset({"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                   "AveragePooling3D"})
_GLOBAL = frozenset({"GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
                     "GlobalAveragePooling3D", "GlobalMaxPooling3D"})
_RESAMPLE = frozenset({"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
                       "UpSampling1D", "UpSampling2D", "UpSampling3D", "ReflectionPadding2D",
                       "ReplicationPadding2D", "Resizing", "CenterCrop", "RandomCrop"})
#: PyTorch's adaptive pools to more than 1×1 (AdaptiveAvgPool2d((7, 7))): any output size, the channels kept.
_ADAPTIVE = frozenset({"AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveMaxPooling1D",
                       "AdaptiveMaxPooling2D"})
_MERGES = frozenset({"Add", "Multiply", "Average", "Maximum", "Subtract", "Minimum", "CustomScaleLayer"})
#: Kinds that keep the shape but learn: their parameter count is not checked against 0.
_LEARNED = frozenset({"PReLU", "LayerNormalization", "GroupNormalization", "Normalization", "LayerScale",
                      "ShiftedWindowAttention"})
#: Which rule checks a layer kind; a kind in none of them is one cnncalc does not model.
_FAMILIES = (({"Dense"}, "dense"), (_CONV, "conv"), (_TRANSPOSED, "transposed"), (_POOL, "pool"),
             (_GLOBAL, "global_pool"), (_ADAPTIVE, "adaptive"), ({"Flatten"}, "flatten"),
             (_KEEPS_SHAPE | {"PReLU"}, "same"), (_RESAMPLE, "resample"),
             ({"Reshape", "WindowPartition", "WindowDepartition"}, "reshape"),
             ({"Permute"}, "permute"), ({"PixelShuffle"}, "pixel_shuffle"), ({"GetItem"}, "slice"),
             ({"ChannelShuffle"}, "shuffle"), ({"MultiHeadAttention"}, "attention"), ({"ClassToken"}, "class_token"),
             ({"PositionEmbedding"}, "position_embedding"),
             ({"Embedding"}, "embedding"))


def _family(kind: str) -> str | None:
    """Which rule checks a layer kind; None for a kind cnncalc does not model."""
    return _FAMILY.get(kind)


#: :func:`_family` of each kind the families name, the first family that names it
_FAMILY = {kind: family for kinds, family in reversed(_FAMILIES) for kind in kinds}
