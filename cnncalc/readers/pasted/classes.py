"""The classes a pasted summary names: Keras' (1, 2 and 3), PyTorch's as Keras' terms, and Keras' auto-names.

Keras 2 cuts long type cells short ('(BatchNo'); a cut name is read as the first class it begins, or as the
class the row's auto-name gives away ('batch_normalization_3').
"""

from __future__ import annotations

import re

#: Keras 1's names for Keras' classes.
KERAS1_CLASSES = {"Convolution2D": "Conv2D", "Convolution1D": "Conv1D", "Deconvolution2D": "Conv2DTranspose",
                  "AtrousConvolution2D": "Conv2D", "SeparableConvolution2D": "SeparableConv2D"}
#: Keras' class names, the common ones first: Keras 2 truncates long type names ('(BatchNo'), and a
#: truncated name is read as the first class it begins.
KERAS_CLASSES = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
                 "Flatten", "Dense", "Dropout", "BatchNormalization", "Activation", "InputLayer",
                 "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "ZeroPadding2D", "Cropping2D",
                 "UpSampling2D", "ReLU", "LeakyReLU", "PReLU", "Reshape", "Permute", "Embedding",
                 "LayerNormalization", "GroupNormalization", "Conv1D", "MaxPooling1D", "AveragePooling1D",
                 "GlobalAveragePooling1D", "GlobalMaxPooling1D", "Conv1DTranspose", "DepthwiseConv1D",
                 "SeparableConv1D", "Conv3D", "MaxPooling3D", "AveragePooling3D", "AdaptiveAveragePooling2D",
                 "AdaptiveMaxPooling2D", "AdaptiveAveragePooling1D", "AdaptiveMaxPooling1D", "Add", "Concatenate",
                 "Multiply", "Average", "Maximum", "Subtract", "ELU", "Softmax", "ThresholdedReLU", "Rescaling",
                 "Normalization", "StochasticDepth", "LayerScale", "GetItem", "ChannelShuffle", "CustomScaleLayer",
                 "Resizing", "MultiHeadAttention", "ClassToken", "PositionEmbedding",
                 "ShiftedWindowAttention", "PatchMerging", "WindowPartition", "WindowDepartition",
                 "RelativePositionalMultiHeadAttention", "RandomFlip", "RandomRotation", "RandomZoom",
                 "RandomTranslation", "RandomContrast", "RandomBrightness", "CenterCrop", "RandomCrop")
TORCH_CLASSES = {
    "Conv2d": "Conv2D", "MaxPool2d": "MaxPooling2D", "AvgPool2d": "AveragePooling2D", "Linear": "Dense",
    "Flatten": "Flatten", "Dropout": "Dropout", "BatchNorm2d": "BatchNormalization",
    "StochasticDepth": "StochasticDepth", "DropPath": "StochasticDepth", "LayerScale": "LayerScale",
    "BatchNorm1d": "BatchNormalization", "BatchNorm3d": "BatchNormalization",
    "AdaptiveAvgPool2d": "GlobalAveragePooling2D", "AdaptiveMaxPool2d": "GlobalMaxPooling2D",
    "ConvTranspose2d": "Conv2DTranspose", "Conv1d": "Conv1D", "ConvTranspose1d": "Conv1DTranspose",
    "MaxPool1d": "MaxPooling1D", "AvgPool1d": "AveragePooling1D", "Conv3d": "Conv3D", "MaxPool3d": "MaxPooling3D",
    "AvgPool3d": "AveragePooling3D", "Upsample": "UpSampling2D", "ZeroPad2d": "ZeroPadding2D",
    "Unflatten": "Reshape", "Embedding": "Embedding", "LayerNorm": "LayerNormalization",
    "GroupNorm": "GroupNormalization", "LocalResponseNorm": "LocalResponseNormalization", "PReLU": "PReLU",
    "AdaptiveAvgPool1d": "GlobalAveragePooling1D", "AdaptiveMaxPool1d": "GlobalMaxPooling1D",
    "ReflectionPad2d": "ReflectionPadding2D", "ReplicationPad2d": "ReplicationPadding2D",
    "PixelShuffle": "PixelShuffle", "InstanceNorm2d": "GroupNormalization", "InstanceNorm1d": "GroupNormalization",
    "ChannelShuffle": "ChannelShuffle", "MultiheadAttention": "MultiHeadAttention", "ClassToken": "ClassToken",
    "PositionEmbedding": "PositionEmbedding",
    "ShiftedWindowAttention": "ShiftedWindowAttention", "ShiftedWindowAttentionV2": "ShiftedWindowAttention",
    "WindowPartition": "WindowPartition", "WindowDepartition": "WindowDepartition",
    "Permute": "Permute",  # torchvision.ops.misc.Permute, as ConvNeXt's
}
#: An adaptive pool to more than 1×1 is not a global pool.
ADAPTIVE = {"AdaptiveAvgPool2d": "AdaptiveAveragePooling2D", "AdaptiveMaxPool2d": "AdaptiveMaxPooling2D",
             "AdaptiveAvgPool1d": "AdaptiveAveragePooling1D", "AdaptiveMaxPool1d": "AdaptiveMaxPooling1D"}
TORCH_ACTIVATIONS = {"ReLU", "Sigmoid", "Tanh", "Softmax", "ELU", "SELU", "GELU", "SiLU", "Identity", "LogSoftmax",
                     "ReLU6", "LeakyReLU", "Hardswish", "Hardsigmoid", "Mish"}
#: Keras layer classes that are activations: a paste's 'elu (ELU)' row is the spec's 'elu' (Activation).
ACTIVATION_CLASSES = frozenset({"Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU"})


def _snake(name: str) -> str:
    """Keras' to_snake_case, which makes its auto-names: 'MaxPooling2D' → 'max_pooling2d', 'ReLU' → 're_lu'."""
    intermediate = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", intermediate).lower()


#: The class behind each auto-name: Keras 2's and 3's snake case ('batch_normalization'), Keras 1's lower
#: case ('batchnormalization', 'convolution2d'), and tf.keras' 'input' of an InputLayer.
_AUTO_NAMES = {**{_snake(name): name for name in KERAS_CLASSES}, **{name.lower(): name for name in KERAS_CLASSES},
               **{old.lower(): new for old, new in KERAS1_CLASSES.items()}, "input": "InputLayer"}
_AUTO_NAME = re.compile(r"(?P<base>[a-z][a-z0-9_]*?)(?:_\d+)?")


def _auto_class(name: str) -> str:
    """The class a Keras auto-name gives away: 'batch_normalization_3' → 'BatchNormalization'; '' for a
    name of the user's own ('block1_conv1')."""
    match = _AUTO_NAME.fullmatch(name)
    return _AUTO_NAMES.get(match["base"], "") if match else ""


def keras_class_of(truncated: str | None, name: str = "") -> str:
    """A row's class from its type cell, which Keras 2 cuts short ('(BatchNo', '(Batc') or a paste may have
    lost, and its auto-name, which gives the class away when the cell cannot ('batch_normalization_3')."""
    auto = _auto_class(name)
    if not truncated:
        return auto
    if auto.startswith(truncated):  # before an exact match: '(Average' may be AveragePooling2D cut short
        return auto
    if truncated in KERAS1_CLASSES:
        return KERAS1_CLASSES[truncated]
    if truncated in KERAS_CLASSES:
        return truncated
    starting = [known for known in KERAS_CLASSES if known.startswith(truncated)]
    if starting and (len(truncated) >= 6 or len(starting) == 1):
        return starting[0]
    return truncated
