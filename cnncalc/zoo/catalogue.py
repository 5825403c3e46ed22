"""The names of the frameworks' classification networks, and why the zoo does not hold some of them yet.

The lists are the frameworks' own: torchvision 0.24's model builders (the functions its ``torchvision/models/*.py``
register with ``@register_model``, detection, segmentation, video and optical flow left out) and Keras 3's
``keras.applications`` functions.  A name the zoo holds has a spec file; every other name of these lists is
refused with the reason below, never read as a layer.
"""

from __future__ import annotations

__all__ = ["KERAS", "TORCHVISION", "reason_not_held", "why_not_held"]

#: torchvision 0.24.1's classification model builders (torchvision/models/*.py, @register_model).
TORCHVISION = (
    "alexnet", "convnext_base", "convnext_large", "convnext_small", "convnext_tiny", "densenet121", "densenet161",
    "densenet169", "densenet201", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_l",
    "efficientnet_v2_m", "efficientnet_v2_s", "googlenet", "inception_v3", "maxvit_t", "mnasnet0_5", "mnasnet0_75",
    "mnasnet1_0", "mnasnet1_3", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "regnet_x_16gf",
    "regnet_x_1_6gf", "regnet_x_32gf", "regnet_x_3_2gf", "regnet_x_400mf", "regnet_x_800mf", "regnet_x_8gf",
    "regnet_y_128gf", "regnet_y_16gf", "regnet_y_1_6gf", "regnet_y_32gf", "regnet_y_3_2gf", "regnet_y_400mf",
    "regnet_y_800mf", "regnet_y_8gf", "resnet101", "resnet152", "resnet18", "resnet34", "resnet50",
    "resnext101_32x8d", "resnext101_64x4d", "resnext50_32x4d", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
    "shufflenet_v2_x1_5", "shufflenet_v2_x2_0", "squeezenet1_0", "squeezenet1_1", "swin_b", "swin_s", "swin_t",
    "swin_v2_b", "swin_v2_s", "swin_v2_t", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
    "vgg19_bn", "vit_b_16", "vit_b_32", "vit_h_14", "vit_l_16", "vit_l_32", "wide_resnet101_2", "wide_resnet50_2",
)

#: Keras 3's keras.applications model functions.
KERAS = (
    "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge", "DenseNet121", "DenseNet169",
    "DenseNet201", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4",
    "EfficientNetB5", "EfficientNetB6", "EfficientNetB7", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
    "EfficientNetV2B3", "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S", "InceptionResNetV2", "InceptionV3",
    "MobileNet", "MobileNetV2", "MobileNetV3Large", "MobileNetV3Small", "NASNetLarge", "NASNetMobile", "ResNet101",
    "ResNet101V2", "ResNet152", "ResNet152V2", "ResNet50", "ResNet50V2", "VGG16", "VGG19", "Xception",
)

_UNWRITTEN = "it needs its spec written and checked against {}"
#: (framework, name prefix, what the network is, or None, and what it needs); the first match wins.
_REASONS: tuple[tuple[str, str, str | None, str], ...] = (
)


def why_not_held(framework: str, name: str) -> tuple[str, str | None]:
    """The refusal of a recognised network the zoo does not hold: (the message, a hint or None).

    >>> why_not_held("keras", "Xception")[0]
    "keras:Xception is not in cnncalc's zoo yet: it needs its spec written and checked against Keras"
    """
    shown = f"torchvision's {name}" if framework == "torchvision" else f"keras:{name}"
    reason = reason_not_held(framework, name)
    return f"{shown} {reason}", None if reason.startswith("is a") else _HINT


def reason_not_held(framework: str, name: str) -> str:
    """Why the zoo does not hold a recognised network, as the rest of a sentence that names it."""
    for owner, prefix, kind, needs in _REASONS:
        if owner == framework and name.startswith(prefix):
            return f"is {kind}; {needs}" if kind is not None else f"is not in cnncalc's zoo yet: it needs {needs}"
    return "is not in cnncalc's zoo yet: " + _UNWRITTEN.format("torchvision" if framework == "torchvision" else "Keras")


_HINT = "cnncalc zoo lists the networks it holds; any other can be written as a spec (docs/spec-language.md)"
