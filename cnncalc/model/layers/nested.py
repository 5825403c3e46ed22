"""A network known by name standing as one item of a spec (transfer learning): ``keras:MobileNetV2 notop``.

The record says which network and whether its classifier is cut off; what it makes of its input is the whole
network resolved on that input (``cnncalc.graph.nested``), shown as one row, as a framework prints a nested model:
Keras' ``mobilenetv2_1.00_224 (Functional)``, torchinfo's ``ResNet: 1-1``."""

from __future__ import annotations

from typing import ClassVar

from ..records import record
from .base import Layer, Resolution, RuleError, Shape

__all__ = ["Nested", "keras_model_name"]

#: torchvision's model class for each builder, by the start of its name (longest first wins)
_TORCH_CLASSES = (("mobilenet_v2", "MobileNetV2"), ("mobilenet_v3", "MobileNetV3"), ("wide_resnet", "ResNet"),
                  ("resnext", "ResNet"), ("resnet", "ResNet"), ("vgg", "VGG"), ("alexnet", "AlexNet"),
                  ("densenet", "DenseNet"), ("efficientnet", "EfficientNet"), ("mnasnet", "MNASNet"),
                  ("regnet", "RegNet"), ("shufflenet", "ShuffleNetV2"), ("squeezenet", "SqueezeNet"),
                  ("convnext", "ConvNeXt"), ("googlenet", "GoogLeNet"), ("inception_v3", "Inception3"),
                  ("vit_", "VisionTransformer"), ("swin_", "SwinTransformer"), ("maxvit", "MaxVit"))


def keras_model_name(network: str, shape: Shape) -> str:
    """The ``name=`` Keras' application gives its model (keras/src/applications): MobileNets name theirs after
    the width multiplier and the input's rows (without ImageNet weights, the rows as given).

    >>> keras_model_name("MobileNetV2", (224, 224, 3)), keras_model_name("InceptionV3", (299, 299, 3))
    ('mobilenetv2_1.00_224', 'inception_v3')
    >>> keras_model_name("ResNet50V2", (224, 224, 3)), keras_model_name("MobileNet", (160, 160, 3))
    ('resnet50v2', 'mobilenet_1.00_160')
    >>> keras_model_name("MobileNetV3Small", (64, 64, 3)), keras_model_name("EfficientNetV2B0", (224, 224, 3))
    ('MobileNetV3Small', 'efficientnetv2-b0')
    >>> keras_model_name("ConvNeXtTiny", (224, 224, 3)), keras_model_name("NASNetMobile", (224, 224, 3))
    ('convnext_tiny', 'nasnet_mobile')
    """
    if network in ("MobileNet", "MobileNetV2"):
        return f"{network.lower()}_1.00_{shape[0]}"
    if network.startswith("EfficientNetV2"):  # efficientnetv2-b0, efficientnetv2-s
        return f"efficientnetv2-{network[14:].lower()}"
    if network.startswith("ConvNeXt"):  # convnext_tiny
        return f"convnext_{network[8:].lower()}"
    return _KERAS_NAMES.get(network, network.lower())


#: the names keras.applications gives that are not the builder's in lower case (keras/src/applications' name=)
_KERAS_NAMES = {"InceptionV3": "inception_v3", "InceptionResNetV2": "inception_resnet_v2",
                "MobileNetV3Small": "MobileNetV3Small", "MobileNetV3Large": "MobileNetV3Large",
                "NASNetMobile": "nasnet_mobile", "NASNetLarge": "nasnet_large"}


@record
class Nested(Layer):
    """A known network as one layer: ``framework`` ("keras" or "torchvision"), its ``network`` name, and
    ``notop``: its classifier cut off (Keras' ``include_top=False``; torchvision's last Linear an ``nn.Identity``)."""

    keras_class: ClassVar[str] = "Functional"
    auto_name: ClassVar[str] = "functional"
    whole_network: ClassVar[bool] = True

    framework: str
    network: str
    notop: bool = False

    @property
    def torch_class(self) -> str:
        if self.framework == "keras":
            return "Functional"
        return next(cls for prefix, cls in _TORCH_CLASSES if self.network.startswith(prefix))

    @property
    def written(self) -> str:
        """The network as the spec names it: ``keras:MobileNetV2``, ``resnet50``."""
        return f"keras:{self.network}" if self.framework == "keras" else self.network

    def resolve(self, shape: Shape) -> Resolution:
        # the whole network is resolved by the graph (cnncalc.graph.nested), which knows the zoo
        raise RuleError(f"{self.written} is a whole network, resolved with the network it stands in")
