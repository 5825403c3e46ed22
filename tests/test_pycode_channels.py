"""Model code that takes a tensor's channels apart and puts them back, as ShuffleNetV2 (torchvision's and
pytorch-cifar's) and pytorch-cifar's DPN write it: slices of the channels, torch.chunk and torch.split, the channel
count x.size(1), and the channel shuffle written with view, transpose or permute, and view or reshape.  Each is read
to PyTorch's (or Keras') own count and output shape, the oracle running the same lines; what is not a slice of the
channels or a shuffle is refused at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnncalc.readers.code import read_model

from .test_pycode import KERAS, TORCH, framework_result, refused, run


def net(init: str, forward: str, head: str = "") -> str:
    """A PyTorch module whose __init__ and forward bodies are given (lines indented by eight spaces)."""
    return (TORCH + head + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n" + init +
            "    def forward(self, x):\n" + forward + "model = Net()\n")


#: torchvision's channel_shuffle, line for line
TORCHVISION_SHUFFLE = (
    "def channel_shuffle(x, groups):\n"
    "    batchsize, num_channels, height, width = x.size()\n"
    "    channels_per_group = num_channels // groups\n"
    "    x = x.view(batchsize, groups, channels_per_group, height, width)\n"
    "    x = torch.transpose(x, 1, 2).contiguous()\n"
    "    x = x.view(batchsize, num_channels, height, width)\n"
    "    return x\n")
#: pytorch-cifar's ShuffleBlock and SplitBlock, line for line
CIFAR_BLOCKS = (
    "class ShuffleBlock(nn.Module):\n    def __init__(self, groups=2):\n        super().__init__()\n"
    "        self.groups = groups\n"
    "    def forward(self, x):\n        N, C, H, W = x.size()\n        g = self.groups\n"
    "        return x.view(N, g, C//g, H, W).permute(0, 2, 1, 3, 4).reshape(N, C, H, W)\n"
    "class SplitBlock(nn.Module):\n    def __init__(self, ratio):\n        super().__init__()\n"
    "        self.ratio = ratio\n"
    "    def forward(self, x):\n        c = int(x.size(1) * self.ratio)\n"
    "        return x[:, :c, :, :], x[:, c:, :, :]\n")

#: (code, input shape, the spec words the channels are read as): each read as PyTorch runs it.
FOLLOWED = [
    # pytorch-cifar's DPN: the first d channels of two tensors added, the rest of each concatenated
    (net("        self.a = nn.Conv2d(3, 12, 1)\n        self.b = nn.Conv2d(3, 10, 3, padding=1)\n",
         "        x, out = self.a(x), self.b(x)\n        d = 8\n"
         "        return torch.cat([x[:,:d,:,:]+out[:,:d,:,:], x[:,d:,:,:], out[:,d:,:,:]], 1)\n"),
     (3, 6, 6), ["slice:8", "slice8:"]),
    # torchvision's ShuffleNetV2 unit of stride 1: x.chunk(2, dim=1), one half convolved, cat, channel_shuffle
    (net("        self.branch2 = nn.Sequential(nn.Conv2d(4, 4, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU())\n",
         "        x1, x2 = x.chunk(2, dim=1)\n        out = torch.cat((x1, self.branch2(x2)), dim=1)\n"
         "        return channel_shuffle(out, 2)\n", TORCHVISION_SHUFFLE),
     (8, 5, 5), ["slice:4", "slice4:8", "shuffle2"]),
    # pytorch-cifar's BasicBlock: a SplitBlock by x.size(1) * ratio, then a ShuffleBlock by permute and reshape
    (net("        self.split = SplitBlock(0.5)\n        self.conv = nn.Conv2d(3, 3, 3, padding=1, groups=3)\n"
         "        self.shuffle = ShuffleBlock(3)\n",
         "        x1, x2 = self.split(x)\n        out = torch.cat([x1, self.conv(x2)], 1)\n"
         "        return self.shuffle(out)\n", CIFAR_BLOCKS),
     (6, 4, 4), ["slice:3", "slice3:", "shuffle3"]),
    # x.data.size(), torch.split by sizes, a negative bound, nn.ChannelShuffle
    (net("        self.c = nn.Conv2d(2, 6, 1)\n        self.shuffle = nn.ChannelShuffle(3)\n",
         "        b, c, h, w = x.data.size()\n        x1, x2 = torch.split(x, [6, 2], dim=1)\n"
         "        y = torch.cat([x1, self.c(x2), x[:, -3:]], 1)\n        return self.shuffle(y)\n"),
     (8, 3, 3), ["slice:6", "slice6:8", "slice-3:", "shuffle3"]),
    # chunks of ⌈8 / 3⌉ = 3 channels, the last of 2; x.split(k, 1) in parts of 5, the last of 3
    (net("", "        a, b, c = torch.chunk(x, 3, dim=1)\n        p, q = x.split(5, 1)\n"
             "        return torch.cat([c, a, q, b, p], dim=1)\n"),
     (8, 2, 2), ["slice:3", "slice3:6", "slice6:8", "slice:5", "slice5:8"]),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("code", "shape", "words"), FOLLOWED)
def test_channels_taken_apart_as_people_write_it_count_as_pytorch_counts(
        tmp_path: Path, code: str, shape: tuple[int, ...], words: list[str]) -> None:
    theirs = framework_result(code, shape)
    assert not isinstance(theirs, str), theirs
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    given = "x".join(map(str, shape))
    status, out = run("summary", str(path), "--input", given, "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs
    spec = read_model(code, str(path), input_shape=given).spec
    assert all(f"{word}," in f"{spec}," or f"{word} " in spec for word in words), spec


def test_a_shuffle_is_read_as_the_shuffle_of_the_groups_written() -> None:
    # 12 channels in 4 groups: torchvision's lines, with its numbers; a function of forward(), so no module row
    code = net("", "        return channel_shuffle(x, 4)\n", TORCHVISION_SHUFFLE)
    assert read_model(code, "net.py", input_shape="12x4x4").spec.endswith("shuffle4 fn")


@pytest.mark.oracle
def test_a_keras_slice_of_the_channels_counts_as_keras_counts(tmp_path: Path) -> None:
    code = KERAS + ("inputs = keras.Input((6, 6, 8))\na = layers.Conv2D(4, 1)(inputs[..., :5])\n"
                    "b = inputs[:, :, :, 5:]\nmodel = keras.Model(inputs, layers.Concatenate()([a, b]))\n")
    theirs = framework_result(code, None)
    assert theirs == (24, "(None, 6, 6, 7)")  # 5·4 + 4 = 24 for the conv; 4 + 3 channels
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], document["layers"][-1]["output_shape"]) == (24, [6, 6, 7])


CONV = "        self.c = nn.Conv2d(3, 8, 3)\n"


@pytest.mark.parametrize(("code", "args", "where", "message"), [
    # a part of the map, of the batch, one channel, every other channel: no slice of the channels
    (net(CONV, "        x = self.c(x)\n        return x[:, :, 1:, :]\n"), ["--input", "3x8x8"], "net.py:10:16",
     "a slice on axis 2 of [1, 8, 6, 6], which is not the channel axis (1)"),
    (net(CONV, "        x = self.c(x)\n        return x[:2]\n"), ["--input", "3x8x8"], "net.py:10:16",
     "cnncalc follows a part of a tensor only as a slice of its channels"),
    (net(CONV, "        x = self.c(x)\n        return x[:, 0]\n"), ["--input", "3x8x8"], "net.py:10:16",
     "cnncalc follows a part of a tensor only as a slice of its channels"),
    (net(CONV, "        x = self.c(x)\n        return x[:, ::2]\n"), ["--input", "3x8x8"], "net.py:10:16",
     "cnncalc follows a part of a tensor only as a slice of its channels"),
    # PyTorch's last axis is the width
    (net(CONV, "        x = self.c(x)\n        return x[..., :2]\n"), ["--input", "3x8x8"], "net.py:10:16",
     "cnncalc follows a part of a tensor only as a slice of its channels"),
    # chunks of another axis; split sizes that do not add up (PyTorch raises when it runs)
    (net(CONV, "        a, b = self.c(x).chunk(2, dim=2)\n        return a\n"), ["--input", "3x8x8"],
     "net.py:9:16", "torch.chunk on dim 2: cnncalc splits the channels only"),
    (net(CONV, "        a, b = torch.split(self.c(x), [3, 3], dim=1)\n        return torch.cat([a, b], 1)\n"),
     ["--input", "3x8x8"], "net.py:9:16", "torch.split into sizes adding up to 6, but the tensor has 8 channels"),
    # chunks need the channel count, which only --input gives PyTorch code
    (net(CONV, "        a, b = self.c(x).chunk(2, dim=1)\n        return a\n"), [], "net.py:9:16",
     "give the input's shape with --input"),
    # a 5-D view that is not ShuffleNet's shuffle: summed, transposed on other axes, viewed back unshuffled
    (net(CONV, "        x = self.c(x)\n        b, c, h, w = x.size()\n"
               "        return x.view(b, 2, c // 2, h, w).sum(1)\n"), ["--input", "3x8x8"], "net.py:11:16",
     "cannot follow sum() on a 5-D view of a tensor's channels"),
    (net(CONV, "        x = self.c(x)\n        b, c, h, w = x.size()\n"
               "        return x.view(b, 2, c // 2, h, w).transpose(3, 4).reshape(b, c, h, w)\n"),
     ["--input", "3x8x8"], "net.py:11:16", "cannot follow transpose() on a 5-D view"),
    (net(CONV, "        x = self.c(x)\n        b, c, h, w = x.size()\n"
               "        return x.view(b, 2, c // 2, h, w).view(b, -1, h, w)\n"),
     ["--input", "3x8x8"], "net.py:11:16", "viewed back without a transpose"),
    (net(CONV, "        x = self.c(x)\n        b, c, h, w = x.size()\n        return x.view(b, 2, 3, h, w)\n"),
     ["--input", "3x8x8"], "net.py:11:16", "a view or reshape cnncalc can read is"),
])
def test_what_is_not_a_slice_of_the_channels_or_a_shuffle_is_refused_at_its_line(
        tmp_path: Path, code: str, args: list[str], where: str, message: str) -> None:
    out = refused(tmp_path, code, args)
    assert where in out and message in out, out


@pytest.mark.oracle
def test_a_side_of_the_map_operated_on_is_that_number_not_the_whole_map(tmp_path: Path) -> None:
    # F.avg_pool2d(x, x.size(2) // 2) on a 6×6 map pools by 3: 2×2 as PyTorch runs it, not the 1×1 of a global pool
    code = net(CONV, "        x = self.c(x)\n        return F.avg_pool2d(x, x.size(2) // 2)\n")
    theirs = framework_result(code, (3, 8, 8))
    assert theirs == (224, "[1, 8, 2, 2]")
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "3x8x8", "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs


def test_a_keras_slice_of_the_height_is_refused_at_its_line(tmp_path: Path) -> None:
    code = KERAS + "inputs = keras.Input((6, 6, 8))\nmodel = keras.Model(inputs, inputs[:, 2:])\n"
    out = refused(tmp_path, code)
    assert "net.py:4:29" in out and "a slice on axis 1 of (None, 6, 6, 8), which is not the channel axis (3)" in out
