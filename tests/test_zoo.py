"""Real architectures, layer by layer, in both conventions: torchvision's (ported to torch here, because the
torchvision wheel that resolves for torch 2.13.0 does not import) and keras.applications' (weights=None).

For a torchvision network, a forward hook on every leaf module records PyTorch's class, output shape,
parameters and buffers; cnncalc's rows under --conventions torch must be the same rows (in order for a
chain; as a multiset for a graph, whose rows cnncalc lists in Keras' order), and under --conventions keras
its total must be PyTorch's parameters plus the BatchNorm running statistics Keras counts.  The ports
follow torchvision's source (torchvision/models/*.py) and are checked against its documented counts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import Network, build
from cnncalc.model.layers import ChannelSlice, Merge

from .conftest import ROOT, ZOO, oracle
from .keras_rows import keras_rows

pytestmark = pytest.mark.oracle
TORCHVISION = ZOO / "torchvision"

Row = tuple[str, tuple[int, ...], int, int]


def torch_rows(torch: Any, model: Any, shape: tuple[int, ...]) -> list[Row]:
    """(class, output shape with the batch, parameters, buffers) of every leaf module, as it runs."""
    rows: list[Row] = []

    def hook(module: Any, _: Any, output: Any) -> None:
        rows.append((type(module).__name__, tuple(output.shape), sum(p.numel() for p in module.parameters()),
                     sum(b.numel() for b in module.buffers())))

    for module in model.modules():
        if not list(module.children()) and module is not model:  # a model whose forward() has no modules is no row
            module.register_forward_hook(hook)
    with torch.no_grad():
        model.eval()(torch.zeros(1, *shape))
    return rows


def our_rows(net: Network) -> list[Row]:
    """cnncalc's rows as PyTorch would see them; merges are `+` and torch.cat in forward(), slices of the
    channels x[:, a:b], and layers written 'fn' operations in forward() too, not modules."""
    return [(layer.layer.torch_class_for(layer.input_shape), (1, *net.shown_shape(layer.output_shape)),
             layer.params.total, layer.params.buffers) for layer in net.layers
            if not isinstance(layer.layer, (Merge, ChannelSlice)) and not layer.functional]


def running_statistics(model: Any) -> int:
    return sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))


def flattening(nn: Any, *modules: Any) -> Any:
    """An nn.Sequential of ``modules`` whose forward() calls ``torch.flatten(x, 1)`` after its last adaptive
    average pooling, as torchvision's AlexNet, VGG, ResNet and SqueezeNet do: a function, so no module and no row."""
    last = max(i for i, module in enumerate(modules) if isinstance(module, nn.AdaptiveAvgPool2d))

    class Flattening(nn.Sequential):  # type: ignore[misc, name-defined]
        def forward(self, x: Any) -> Any:
            for i, module in enumerate(self):
                x = module(x).flatten(1) if i == last else module(x)
            return x

    return Flattening(*modules)


def alexnet(nn: Any) -> Any:
    return flattening(nn,
        nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(384, 256, 3, padding=1),
        nn.ReLU(inplace=True), nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.AdaptiveAvgPool2d((6, 6)),
        nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, 1000))


def vgg(nn: Any, config: list[Any], batch_norm: bool) -> Any:
    layers: list[Any] = []
    channels = 3
    for v in config:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
            continue
        layers.append(nn.Conv2d(channels, v, 3, padding=1))
        layers += [nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else [nn.ReLU(inplace=True)]
        channels = v
    return flattening(nn, *layers, nn.AdaptiveAvgPool2d((7, 7)),
                      nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(0.5),
                      nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(0.5), nn.Linear(4096, 1000))


def squeezenet(torch: Any, version: str) -> Any:
    nn = torch.nn

    class Fire(nn.Module):  # type: ignore[misc]
        def __init__(self, inplanes: int, squeeze: int, e1: int, e3: int) -> None:
            super().__init__()
            self.squeeze, self.squeeze_activation = nn.Conv2d(inplanes, squeeze, 1), nn.ReLU(inplace=True)
            self.expand1x1, self.expand1x1_activation = nn.Conv2d(squeeze, e1, 1), nn.ReLU(inplace=True)
            self.expand3x3, self.expand3x3_activation = nn.Conv2d(squeeze, e3, 3, padding=1), nn.ReLU(inplace=True)

        def forward(self, x: Any) -> Any:
            x = self.squeeze_activation(self.squeeze(x))
            return torch.cat([self.expand1x1_activation(self.expand1x1(x)),
                              self.expand3x3_activation(self.expand3x3(x))], 1)

    def pool() -> Any:
        return nn.MaxPool2d(3, 2, ceil_mode=True)

    if version == "1_0":
        features = [nn.Conv2d(3, 96, 7, 2), nn.ReLU(inplace=True), pool(), Fire(96, 16, 64, 64), Fire(128, 16, 64, 64),
                    Fire(128, 32, 128, 128), pool(), Fire(256, 32, 128, 128), Fire(256, 48, 192, 192),
                    Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), pool(), Fire(512, 64, 256, 256)]
    else:
        features = [nn.Conv2d(3, 64, 3, 2), nn.ReLU(inplace=True), pool(), Fire(64, 16, 64, 64), Fire(128, 16, 64, 64),
                    pool(), Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(), Fire(256, 48, 192, 192),
                    Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256)]
    return flattening(nn, *features, nn.Dropout(0.5), nn.Conv2d(512, 1000, 1), nn.ReLU(inplace=True),
                      nn.AdaptiveAvgPool2d((1, 1)))


def mobilenet_v2(torch: Any) -> Any:
    nn = torch.nn

    def conv_bn_relu(inp: int, out: int, kernel: int = 3, stride: int = 1, groups: int = 1) -> list[Any]:
        return [nn.Conv2d(inp, out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                nn.BatchNorm2d(out), nn.ReLU6(inplace=True)]

    class InvertedResidual(nn.Module):  # type: ignore[misc]
        def __init__(self, inp: int, oup: int, stride: int, expand_ratio: int) -> None:
            super().__init__()
            hidden = inp * expand_ratio
            self.use_res_connect = stride == 1 and inp == oup
            layers = conv_bn_relu(inp, hidden, 1) if expand_ratio != 1 else []
            layers += [*conv_bn_relu(hidden, hidden, 3, stride, hidden), nn.Conv2d(hidden, oup, 1, 1, 0, bias=False),
                       nn.BatchNorm2d(oup)]
            self.conv = nn.Sequential(*layers)

        def forward(self, x: Any) -> Any:
            return x + self.conv(x) if self.use_res_connect else self.conv(x)

    features = conv_bn_relu(3, 32, stride=2)
    channels = 32
    for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2],
                       [6, 320, 1, 1]]:
        for i in range(n):
            features.append(InvertedResidual(channels, c, s if i == 0 else 1, t))
            channels = c
    features += conv_bn_relu(channels, 1280, 1)
    pooled = len(features)

    class MobileNetV2(nn.Sequential):  # type: ignore[misc, name-defined]
        """forward() pools and flattens the features with functions, as torchvision's does: no module, no row."""

        def forward(self, x: Any) -> Any:
            for i, module in enumerate(self):
                if i == pooled:
                    x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, (1, 1)), 1)
                x = module(x)
            return x

    return MobileNetV2(*features, nn.Dropout(0.2), nn.Linear(1280, 1000))


def densenet(torch: Any, growth: int, config: tuple[int, ...], init: int) -> Any:
    """torchvision/models/densenet.py's DenseNet with bn_size 4; a dense layer returns torch.cat([x, new], 1);
    forward() applies F.relu, F.adaptive_avg_pool2d and torch.flatten after `features`."""
    nn = torch.nn

    class DenseLayer(nn.Module):  # type: ignore[misc]
        def __init__(self, inp: int) -> None:
            super().__init__()
            self.norm1, self.relu1 = nn.BatchNorm2d(inp), nn.ReLU(inplace=True)
            self.conv1 = nn.Conv2d(inp, 4 * growth, 1, bias=False)
            self.norm2, self.relu2 = nn.BatchNorm2d(4 * growth), nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False)

        def forward(self, x: Any) -> Any:
            new = self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))
            return torch.cat([x, new], 1)

    layers: list[Any] = [nn.Conv2d(3, init, 7, 2, 3, bias=False), nn.BatchNorm2d(init), nn.ReLU(inplace=True),
                         nn.MaxPool2d(3, 2, 1)]
    channels = init
    for number, blocks in enumerate(config):
        for _ in range(blocks):
            layers.append(DenseLayer(channels))
            channels += growth
        if number != len(config) - 1:
            layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True), nn.Conv2d(channels, channels // 2, 1,
                                                                               bias=False), nn.AvgPool2d(2, 2)]
            channels //= 2

    class DenseNet(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(*layers, nn.BatchNorm2d(channels))
            self.classifier = nn.Linear(channels, 1000)

        def forward(self, x: Any) -> Any:  # F.relu, F.adaptive_avg_pool2d and torch.flatten: functions, no modules
            x = nn.functional.adaptive_avg_pool2d(nn.functional.relu(self.features(x)), (1, 1))
            return self.classifier(torch.flatten(x, 1))

    return DenseNet()


def torchvision_resnet(torch: Any, block: str, layers: list[int], groups: int = 1, width_per_group: int = 64) -> Any:
    """torchvision/models/resnet.py's ResNet, BasicBlock and Bottleneck, ported line for line; ResNeXt and the
    wide ResNets by its groups and width_per_group."""
    nn = torch.nn

    class BasicBlock(nn.Module):  # type: ignore[misc]
        expansion = 1

        def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Any = None) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1, self.relu = nn.BatchNorm2d(planes), nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2, self.downsample = nn.BatchNorm2d(planes), downsample

        def forward(self, x: Any) -> Any:
            out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
            identity = self.downsample(x) if self.downsample is not None else x
            return self.relu(out + identity)

    class Bottleneck(nn.Module):  # type: ignore[misc]
        expansion = 4

        def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Any = None) -> None:
            super().__init__()
            width = int(planes * (width_per_group / 64.0)) * groups
            self.conv1, self.bn1 = nn.Conv2d(inplanes, width, 1, bias=False), nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=groups, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
            self.bn3, self.relu, self.downsample = nn.BatchNorm2d(planes * 4), nn.ReLU(inplace=True), downsample

        def forward(self, x: Any) -> Any:
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.relu(self.bn2(self.conv2(out)))
            out = self.bn3(self.conv3(out))
            identity = self.downsample(x) if self.downsample is not None else x
            return self.relu(out + identity)

    kind = BasicBlock if block == "basic" else Bottleneck
    modules: list[Any] = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                          nn.MaxPool2d(3, 2, 1)]
    inplanes = 64
    for planes, blocks, stride in zip((64, 128, 256, 512), layers, (1, 2, 2, 2)):
        downsample = None
        if stride != 1 or inplanes != planes * kind.expansion:
            downsample = nn.Sequential(nn.Conv2d(inplanes, planes * kind.expansion, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes * kind.expansion))
        modules.append(kind(inplanes, planes, stride, downsample))
        inplanes = planes * kind.expansion
        modules += [kind(inplanes, planes) for _ in range(1, blocks)]
    return flattening(nn, *modules, nn.AdaptiveAvgPool2d((1, 1)), nn.Linear(512 * kind.expansion, 1000))


VGG = {11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
       13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
       16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
       19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]}


def _vgg(depth: int, batch_norm: bool) -> Any:
    return lambda torch: vgg(torch.nn, VGG[depth], batch_norm)


def _resnet(*args: Any) -> Any:
    return lambda torch: torchvision_resnet(torch, *args)


def _densenet(*args: Any) -> Any:
    return lambda torch: densenet(torch, *args)


NETWORKS = [  # (example, port, torchvision's documented parameter count)
    ("alexnet.cnn", lambda torch: alexnet(torch.nn), 61_100_840),
    ("vgg11.cnn", _vgg(11, False), 132_863_336),
    ("vgg11_bn.cnn", _vgg(11, True), 132_868_840),
    ("vgg13.cnn", _vgg(13, False), 133_047_848),
    ("vgg13_bn.cnn", _vgg(13, True), 133_053_736),
    ("vgg16.cnn", _vgg(16, False), 138_357_544),
    ("vgg16_bn.cnn", _vgg(16, True), 138_365_992),
    ("vgg19.cnn", _vgg(19, False), 143_667_240),
    ("vgg19_bn.cnn", _vgg(19, True), 143_678_248),
    ("resnet18.cnn", _resnet("basic", [2, 2, 2, 2]), 11_689_512),
    ("resnet34.cnn", _resnet("basic", [3, 4, 6, 3]), 21_797_672),
    ("resnet50.cnn", _resnet("bottleneck", [3, 4, 6, 3]), 25_557_032),
    ("resnet101.cnn", _resnet("bottleneck", [3, 4, 23, 3]), 44_549_160),
    ("resnet152.cnn", _resnet("bottleneck", [3, 8, 36, 3]), 60_192_808),
    ("resnext50_32x4d.cnn", _resnet("bottleneck", [3, 4, 6, 3], 32, 4), 25_028_904),
    ("wide_resnet50_2.cnn", _resnet("bottleneck", [3, 4, 6, 3], 1, 128), 68_883_240),
    ("resnext101_32x8d.cnn", _resnet("bottleneck", [3, 4, 23, 3], 32, 8), 88_791_336),
    ("resnext101_64x4d.cnn", _resnet("bottleneck", [3, 4, 23, 3], 64, 4), 83_455_272),
    ("wide_resnet101_2.cnn", _resnet("bottleneck", [3, 4, 23, 3], 1, 128), 126_886_696),
    ("squeezenet1_0.cnn", lambda torch: squeezenet(torch, "1_0"), 1_248_424),
    ("squeezenet1_1.cnn", lambda torch: squeezenet(torch, "1_1"), 1_235_496),
    ("mobilenet_v2.cnn", mobilenet_v2, 3_504_872),
    ("densenet121.cnn", _densenet(32, (6, 12, 24, 16), 64), 7_978_856),
    ("densenet161.cnn", _densenet(48, (6, 12, 36, 24), 96), 28_681_000),
    ("densenet169.cnn", _densenet(32, (6, 12, 32, 32), 64), 14_149_480),
    ("densenet201.cnn", _densenet(32, (6, 12, 48, 32), 64), 20_013_928),
]


@pytest.mark.parametrize(("name", "port", "documented"), NETWORKS, ids=[n[0] for n in NETWORKS])
def test_torchvision_network_layer_by_layer(name: str, port: Any, documented: int) -> None:
    torch = oracle("torch")
    model = port(torch)
    assert sum(p.numel() for p in model.parameters()) == documented  # the port is torchvision's network
    text = (TORCHVISION / name).read_text(encoding="utf-8")
    net = build(text)
    assert net.conventions == "torch"
    theirs, mine = torch_rows(torch, model, (3, 224, 224)), our_rows(net)
    if net.graph:
        assert Counter(mine) == Counter(theirs)
    else:
        assert len(mine) == len(theirs)
        for row, (a, b) in enumerate(zip(mine, theirs), start=1):
            assert a == b, f"{name} row {row}: cnncalc {a}, PyTorch {b}"
    assert net.total_params == net.trainable_params == documented
    assert net.buffers == sum(b.numel() for b in model.buffers())
    # the same network under Keras' conventions counts the running statistics as non-trainable parameters
    keras_net = build(text, conventions="keras")
    assert keras_net.trainable_params == documented
    assert keras_net.non_trainable_params == running_statistics(model)
    assert [layer.output_shape for layer in keras_net.layers if layer.layer.keras_class != "Activation"] == \
        [layer.output_shape for layer in net.layers if layer.layer.keras_class != "Activation"]


#: torchvision networks checked against the record of torchvision's own model file run in PyTorch, rather than a port
RECORDED = [
    # mnasnet's forward() pools with x.mean([2, 3]) (its spec's 'gap fn')
    *((f"mnasnet{v}", ("Add",)) for v in ("0_5", "0_75", "1_0", "1_3")),
    # regnet's forward() flattens with x.flatten(start_dim=1) (its spec's 'flatten fn')
    *((f"regnet_x_{v}", ("Add",)) for v in ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf")),
    # mobilenet_v3's squeeze-and-excitation multiplies (scale * input); forward()'s torch.flatten(x, 1) is 'flatten fn'
    *((f"mobilenet_v3_{v}", ("Add", "Multiply")) for v in ("small", "large")),
    # so do efficientnet's; its StochasticDepth is a module, called only in the blocks that add their input
    *((f"efficientnet_{v}", ("Add", "Multiply"))
      for v in ("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "v2_s", "v2_m", "v2_l")),
    # shufflenet's units join with torch.cat; x.chunk(2, dim=1), channel_shuffle() and forward()'s x.mean([2, 3])
    # are functions (its spec's 'slice… fn', 'shuffle2 fn', 'gap fn')
    *((f"shufflenet_v2_{v}", ("Concatenate",))
      for v in ("x0_5", "x1_0", "x1_5", "x2_0")),
    # convnext's blocks add their input with `+=` (their layer scale, an nn.Parameter of the block, is 'layerscale fn')
    *((f"convnext_{v}", ("Add",)) for v in ("tiny", "small", "base", "large")),
    # regnet_y's squeeze-and-excitation returns scale * input; forward()'s x.flatten(start_dim=1) is 'flatten fn'
    *((f"regnet_y_{v}", ("Add", "Multiply"))
      for v in ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf", "128gf")),
    # googlenet's Inception modules torch.cat (its BasicConv2d's F.relu and forward()'s torch.flatten are 'fn')
    ("googlenet", ("Concatenate",)),
    # inception_v3's as well (its Mixed modules' F.avg_pool2d and F.max_pool2d are 'fn', but its stem's pools are
    # modules: see FUNCTIONAL_CALLS)
    ("inception_v3", ("Concatenate",)),
]

#: how many functional calls a network makes of a class that is also a module of its record, from torchvision's
#: source: inception_v3's F.max_pool2d in InceptionB and InceptionD (its stem's two MaxPool2d are modules)
FUNCTIONAL_CALLS = {"inception_v3": Counter({"MaxPool2d": 2})}

#: the parameters and buffers of the modules a network builds but applies only while training, which its spec (the
#: eval network) does not write, by hand from torchvision's source. googlenet's InceptionAux(512) and
#: InceptionAux(528): BasicConv2d(in, 128, 1) (128·in weights; BatchNorm2d: 2·128 parameters, 2·128 + 1 buffers),
#: Linear(2048, 1024) and Linear(1024, 1000). inception_v3's InceptionAux(768): BasicConv2d(768, 128, 1),
#: BasicConv2d(128, 768, 5) (BatchNorm2d: 2·768 parameters, 2·768 + 1 buffers) and Linear(768, 1000).
TRAINING_ONLY = {
    "googlenet": (sum(128 * c + 2 * 128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000 for c in (512, 528)), 2 * 257),
    "inception_v3": (768 * 128 + 2 * 128 + 128 * 768 * 25 + 2 * 768 + 768 * 1000 + 1000, 257 + 1537),
}


#: torchvision modules whose forward() is several rows of cnncalc's: LayerNorm2d is x.permute(0, 2, 3, 1),
#: F.layer_norm and x.permute(0, 3, 1, 2), which a spec writes as a block named after it, of the functions its
#: forward() calls: def LayerNorm2d() = (permute2x3x1 fn, layernorm fn, permute3x1x2 fn)
COMPOSITE = {"LayerNorm2d": lambda n, c, *hw: [("Permute", [n, *hw, c]), ("LayerNorm", [n, *hw, c]),
                                               ("Permute", [n, c, *hw])]}


def recorded_rows(truth: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """The record's leaf modules (class, output shape), a composite module as the rows a spec writes for it."""
    rows: list[tuple[str, list[int]]] = []
    for leaf in truth["layers"]:
        expand = COMPOSITE.get(leaf["class"])
        rows += expand(*leaf["output_shape"]) if expand else [(leaf["class"], leaf["output_shape"])]
    return rows


@pytest.mark.parametrize(("name", "functional"), RECORDED)
def test_a_network_is_torchvisions_layer_by_layer(name: str, functional: tuple[str, ...]) -> None:
    """Against the record of torchvision's own model file run in PyTorch (tests/corpus/truth: every leaf module's
    class and output shape in call order); the block sums and forward()'s functional ops are no modules there."""
    truth = json.loads((ROOT / "tests" / "corpus" / "truth" / f"torchvision__{name}.json").read_text(
        encoding="utf-8"))
    net = build((TORCHVISION / f"{name}.cnn").read_text(encoding="utf-8"))
    def composite(layer: Any) -> bool:  # a row of a composite module's forward(): matched as the module's rows
        return any(block.split("_")[0] in COMPOSITE for block, _ in layer.containers)

    rows = [(layer.layer.torch_class_for(layer.input_shape), [1, *net.shown_shape(layer.output_shape, layer.tokens)])
            for layer in net.layers if not layer.functional or composite(layer)]
    recorded = recorded_rows(truth)
    # any other row written 'fn' is a call in forward() (F.max_pool2d), no module
    calls = Counter(layer.layer.torch_class_for(layer.input_shape) for layer in net.layers
                    if layer.functional and not composite(layer))
    matched = 0
    for number, row in enumerate(rows, start=1):
        if matched < len(recorded) and row == recorded[matched]:
            matched += 1
            continue
        # no module in torchvision's model: only forward()'s functional ops may stand here
        assert row[0] in functional, f"{name} row {number}: cnncalc {row}, PyTorch " + (
            str(recorded[matched]) if matched < len(recorded) else "nothing")
        calls[row[0]] += 1
    assert matched == len(recorded), f"{name}: PyTorch's {recorded[matched]} and later are not in the spec"
    modules = {cls for cls, _ in recorded}
    assert Counter({cls: n for cls, n in calls.items() if cls in modules}) == FUNCTIONAL_CALLS.get(name, Counter())
    unused, unused_buffers = TRAINING_ONLY.get(name, (0, 0))
    assert (net.total_params + unused, net.buffers + unused_buffers) == (truth["total_params"], truth["buffers"])


@pytest.mark.parametrize("name", ["googlenet", "inception_v3"])
def test_a_summary_says_what_the_model_builds_for_training_only(name: str) -> None:
    """The spec is the eval network; its summary's note gives PyTorch's count of the model as recorded, and the
    parameters and buffers of the modules it applies only while training, as worked out by hand above."""
    from cnncalc.cli.loading import load_network

    truth = json.loads((ROOT / "tests" / "corpus" / "truth" / f"torchvision__{name}.json").read_text(
        encoding="utf-8"))
    net = load_network(name, None, None, None)
    (note,) = net.notes
    params, buffers = TRAINING_ONLY[name]
    assert f"({params:,} parameters and {buffers:,} buffers)" in note
    assert f"PyTorch counts {truth['total_params']:,} parameters" in note
    assert net.total_params == truth["total_params"] - params
    assert load_network(str(TORCHVISION / f"{name}.cnn"), None, None, None).notes == ()  # the file is only a spec


def test_the_torchvision_examples_are_all_tested() -> None:
    from .test_zoo_swin import SWIN
    from .vit_port import VIT  # the vision transformers: tests/test_zoo_vit.py

    checked = {name for name, _, _ in NETWORKS} | {f"{name}.cnn" for name, _ in RECORDED} | \
        {f"{name}.cnn" for name in VIT} | {f"{name}.cnn" for name in SWIN} | {"maxvit_t.cnn"}
    assert {path.name for path in TORCHVISION.glob("*.cnn")} == checked


STRIDED_SAME = "padding='same' is not supported for strided convolutions"
KERAS_NETWORKS = [  # (example, keras.applications model, Keras' count, why PyTorch cannot run it as written)
    ("keras/VGG16.cnn", "VGG16", 138_357_544, None),
    ("keras/VGG19.cnn", "VGG19", 143_667_240, None),
    ("keras/ResNet50.cnn", "ResNet50", 25_636_712, None),
    ("keras/ResNet101.cnn", "ResNet101", 44_707_176, None),
    ("keras/ResNet152.cnn", "ResNet152", 60_419_944, None),
    ("keras/DenseNet121.cnn", "DenseNet121", 8_062_504, None),
    ("keras/DenseNet169.cnn", "DenseNet169", 14_307_880, None),
    ("keras/DenseNet201.cnn", "DenseNet201", 20_242_984, None),
    ("keras/InceptionV3.cnn", "InceptionV3", 23_851_784, "PyTorch's AvgPool2d takes no 'same' padding"),
    ("keras/MobileNet.cnn", "MobileNet", 4_253_864, STRIDED_SAME),
    ("keras/MobileNetV2.cnn", "MobileNetV2", 3_538_984, STRIDED_SAME),
    ("keras/Xception.cnn", "Xception", 22_910_480, "PyTorch's MaxPool2d takes no 'same' padding"),
    ("keras/ResNet50V2.cnn", "ResNet50V2", 25_613_800, None),
    ("keras/ResNet101V2.cnn", "ResNet101V2", 44_675_560, None),
    ("keras/ResNet152V2.cnn", "ResNet152V2", 60_380_648, None),
    ("keras/MobileNetV3Small.cnn", "MobileNetV3Small", 2_554_968, STRIDED_SAME),
    ("keras/EfficientNetB0.cnn", "EfficientNetB0", 5_330_571, None),
    ("keras/EfficientNetV2B0.cnn", "EfficientNetV2B0", 7_200_312, STRIDED_SAME),
    ("keras/NASNetMobile.cnn", "NASNetMobile", 5_326_716, "PyTorch's AvgPool2d takes no 'same' padding"),
]
#: keras.applications whose input is left open by default (MobileNetV3's is (None, None, 3)): the spec's input
INPUT_SHAPES = {"MobileNetV3Small": (224, 224, 3), "MobileNetV3Large": (224, 224, 3)}
#: NASNetMobile's own arguments to Keras' NASNet (keras/src/applications/nasnet.py), which NASNetMobile refuses to
#: call under the torch backend ("an outstanding bug"): the same network, built by the same function
NASNET_MOBILE = {"penultimate_filters": 1056, "num_blocks": 4, "stem_block_filters": 32, "skip_reduction": False,
                 "filter_multiplier": 2, "default_size": 224, "name": "nasnet_mobile"}


def build_application(keras: Any, name: str) -> Any:
    """keras.applications' network ``name`` with weights=None, as the test builds it."""
    if name == "NASNetMobile" and keras.backend.backend() == "torch":
        from keras.src.applications.nasnet import NASNet

        return NASNet(None, weights=None, **NASNET_MOBILE)
    return getattr(keras.applications, name)(weights=None, **(
        {"input_shape": INPUT_SHAPES[name]} if name in INPUT_SHAPES else {}))


@pytest.mark.parametrize(("name", "application", "documented", "refusal"), KERAS_NETWORKS,
                         ids=[n[1] for n in KERAS_NETWORKS])
def test_keras_application_layer_by_layer(name: str, application: str, documented: int, refusal: str | None) -> None:
    from .test_graph import ours

    keras = oracle("keras")
    keras.backend.clear_session()
    model = build_application(keras, application)
    assert model.count_params() == documented
    text = (ZOO / name).read_text(encoding="utf-8")
    net, theirs = build(text), keras_rows(model)
    assert len(ours(net)) == len(theirs)
    for row, (a, b) in enumerate(zip(ours(net), theirs), start=1):
        assert a == b, f"row {row}: cnncalc {a}, Keras {b}"
    assert net.total_params == documented
    assert net.trainable_params == sum(int(keras.ops.size(w)) for w in model.trainable_weights)
    # under PyTorch's conventions: the moving statistics become buffers, and 'same' needs stride 1
    batch_norms = sum(1 for layer in model.layers if type(layer).__name__ == "BatchNormalization")
    frozen = sum(int(keras.ops.size(w)) for w in model.non_trainable_weights)
    if refusal is not None:
        with pytest.raises(CnnCalcError, match=re.escape(refusal)):
            build(text, conventions="torch")
        return
    torch_net = build(text, conventions="torch")
    assert torch_net.total_params == documented - frozen
    assert torch_net.buffers == frozen + batch_norms


#: keras.applications too big to build in every run, checked against their record (tests/keras_applications_truth.py
#: writes tests/corpus/truth/keras_applications__NAME.json from Keras itself), with Keras' count_params()
KERAS_RECORDED = [
    ("MobileNetV3Large", 5_507_432),
    ("EfficientNetB1", 7_856_239), ("EfficientNetB2", 9_177_569), ("EfficientNetB3", 12_320_535),
    ("EfficientNetB4", 19_466_823), ("EfficientNetB5", 30_562_527), ("EfficientNetB6", 43_265_143),
    ("EfficientNetB7", 66_658_687),
    ("EfficientNetV2B1", 8_212_124), ("EfficientNetV2B2", 10_178_374), ("EfficientNetV2B3", 14_467_622),
    ("EfficientNetV2S", 21_612_360), ("EfficientNetV2M", 54_431_388), ("EfficientNetV2L", 119_027_848),
    ("ConvNeXtTiny", 28_589_128), ("ConvNeXtSmall", 50_223_688), ("ConvNeXtBase", 88_591_464),
    ("ConvNeXtLarge", 197_767_336), ("ConvNeXtXLarge", 350_196_968),
    ("InceptionResNetV2", 55_873_736), ("NASNetLarge", 88_949_818),
]


@pytest.mark.parametrize(("application", "documented"), KERAS_RECORDED, ids=[n[0] for n in KERAS_RECORDED])
def test_keras_application_is_its_record_layer_by_layer(application: str, documented: int) -> None:
    from .test_graph import ours

    truth = json.loads((ROOT / "tests" / "corpus" / "truth" / f"keras_applications__{application}.json").read_text(
        encoding="utf-8"))
    assert truth["total_params"] == documented
    net = build((ZOO / "keras" / f"{application}.cnn").read_text(encoding="utf-8"))
    theirs = [(row["class"], tuple(row["output_shape"]), row["params"], tuple(row["reads"])) for row in truth["layers"]]
    assert [*net.input_shape] == truth["input_shape"]
    assert len(ours(net)) == len(theirs)
    for row, (a, b) in enumerate(zip(ours(net), theirs), start=1):
        assert a == b, f"row {row}: cnncalc {a}, Keras {b}"
    assert (net.total_params, net.trainable_params) == (truth["total_params"], truth["trainable_params"])


def test_the_keras_examples_are_all_tested() -> None:
    checked = {name for name, _, _, _ in KERAS_NETWORKS} | {f"keras/{name}.cnn" for name, _ in KERAS_RECORDED}
    assert {f"keras/{path.name}" for path in (ZOO / "keras").glob("*.cnn")} == checked


@pytest.mark.parametrize(("name", "port"), [("alexnet.cnn", lambda torch: alexnet(torch.nn)),
                                            ("mobilenet_v2.cnn", mobilenet_v2)])
def test_torchinfo_summaries_of_torchvision_networks_are_graded_correct(name: str, port: Any) -> None:
    """check --summary pairs torchinfo's rows (adaptive pools, ReLU6, depthwise Conv2d) with the spec's."""
    from cnncalc.grading.pastes import align
    from cnncalc.readers.pasted import parse_summary

    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    pasted = str(torchinfo.summary(port(torch), input_size=(1, 3, 224, 224), verbose=0, depth=10))
    verdicts = align(build((TORCHVISION / name).read_text(encoding="utf-8")), parse_summary(pasted))
    assert verdicts and [v for v in verdicts if not v.ok] == []


@pytest.mark.parametrize(("name", "application"), [("keras/MobileNet.cnn", "MobileNet"),
                                                   ("keras/MobileNetV2.cnn", "MobileNetV2")])
def test_keras_summaries_of_applications_are_graded_correct(name: str, application: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from cnncalc.grading.pastes import align
    from cnncalc.readers.pasted import parse_summary

    monkeypatch.setenv("COLUMNS", "140")  # rich, which Keras prints with, would otherwise cut the table at 80
    keras = oracle("keras")
    keras.backend.clear_session()
    lines: list[str] = []
    getattr(keras.applications, application)(weights=None).summary(
        print_fn=lambda line, **kwargs: lines.append(line), line_length=140)
    verdicts = align(build((ZOO / name).read_text(encoding="utf-8")), parse_summary("\n".join(lines)))
    assert verdicts and [v for v in verdicts if not v.ok] == []
