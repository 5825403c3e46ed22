"""Model code as people write it: modules registered by name (add_module, setattr, __setattr__), looked up by name
(getattr, __getattr__, hasattr), containers built in loops, and the plain Python that computes their sizes (math,
typing.cast, isinstance over a config list, f-strings). Each construct is written as the real model files write it,
and gives PyTorch's own count and output shape (the oracle runs the same lines), or a refusal at its line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cnncalc.readers.code import read_model

from .test_pycode import TORCH, framework_result, refused, run


def net(init: str, forward: str, head: str = "") -> str:
    """A PyTorch module whose __init__ and forward bodies are given (lines indented by eight spaces)."""
    return (TORCH + head + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n" + init +
            "    def forward(self, x):\n" + forward + "model = Net()\n")


#: (code, input shape): each read as PyTorch runs it.
FOLLOWED = [
    # torchvision's DenseNet: self.features.add_module("denseblock%d" % (i + 1), block) on an nn.Sequential
    (net("        self.features = nn.Sequential(nn.Conv2d(3, 8, 3))\n"
         "        for i in range(2):\n"
         "            self.features.add_module('block%d' % (i + 1), nn.Conv2d(8, 8, 3, padding=1))\n"
         "        self.features.add_module('norm5', nn.BatchNorm2d(8))\n",
         "        return self.features(x)\n"), (3, 8, 8)),
    # add_module under a name already there puts the module in that place, as PyTorch does
    (net("        self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())\n"
         "        self.features.add_module('0', nn.Conv2d(3, 8, 1))\n",
         "        return self.features(x)\n"), (3, 8, 8)),
    # self.add_module(name, m), setattr(self, f'layer{i}', m), self.__setattr__('level_%d' % i, m), read back by
    # getattr(self, …), self.__getattr__(…) and plain attributes
    (net("        self.add_module('stem', nn.Conv2d(3, 8, 3))\n"
         "        for i in range(1, 3):\n"
         "            setattr(self, f'layer{i}', nn.Conv2d(8, 8, 3, padding=1))\n"
         "            self.__setattr__('level_%d' % i, nn.ReLU())\n",
         "        x = self.stem(x)\n"
         "        for i in range(1, 3):\n"
         "            x = getattr(self, f'layer{i}')(x)\n"
         "            x = self.__getattr__('level_%d' % i)(x)\n"
         "        return x\n"), (3, 8, 8)),
    # pytorch-cifar's PreActBlock: a shortcut only some blocks have, asked for with hasattr in forward
    (TORCH + "class Block(nn.Module):\n    def __init__(self, i, o):\n        super().__init__()\n"
     "        self.c = nn.Conv2d(i, o, 3, padding=1)\n        if i != o:\n"
     "            self.shortcut = nn.Conv2d(i, o, 1)\n"
     "    def forward(self, x):\n        s = self.shortcut(x) if hasattr(self, 'shortcut') else x\n"
     "        return self.c(x) + s\n"
     "model = nn.Sequential(Block(3, 8), Block(8, 8))\n", (3, 8, 8)),
    # pytorch-cifar's MobileNet: a config list of ints and (planes, stride) tuples, told apart by isinstance
    (TORCH + "cfg = [8, (16, 2), 16]\nlayers = []\nc = 3\nfor x in cfg:\n"
     "    out = x if isinstance(x, int) else x[0]\n    stride = 1 if isinstance(x, int) else x[1]\n"
     "    layers.append(nn.Conv2d(c, out, 3, stride, 1))\n    c = out\n"
     "model = nn.Sequential(*layers)\n", (3, 8, 8)),
    # pytorch-cifar's DenseNet and torchvision's MobileNetV2 and VGG: sizes computed with math, round and cast
    (TORCH + "import math\nfrom typing import cast\nn = 3 * 5\nout = int(math.floor(n * 0.5))\n"
     "hidden = int(round(out * 6.5))\nw = cast(int, math.ceil(hidden / 4))\nq, r = divmod(w, 3)\n"
     "model = nn.Sequential(nn.Linear(n, out), nn.Linear(out, hidden), nn.Linear(hidden, w),\n"
     "                      nn.Linear(w, max(q, abs(-r), min(4, 9))))\n", (15,)),
    # nn.ModuleList appended to, extended, indexed and iterated in forward; nn.ModuleDict iterated by items()
    (net("        self.blocks = nn.ModuleList([nn.Conv2d(3, 4, 1)])\n"
         "        self.blocks.append(nn.Conv2d(4, 5, 1))\n"
         "        self.blocks.extend([nn.ReLU(), nn.Conv2d(5, 6, 1)])\n"
         "        self.heads = nn.ModuleDict({'a': nn.Conv2d(6, 2, 1)})\n"
         "        self.heads['b'] = nn.Conv2d(2, 3, 1)\n",
         "        x = self.blocks[0](x)\n"
         "        for block in self.blocks[1:]:\n            x = block(x)\n"
         "        for name, head in self.heads.items():\n            x = head(x)\n"
         "        return x\n"), (3, 8, 8)),
    # nn.Sequential(*layers) from a list built in a loop, its last ReLU removed with pop()
    (TORCH + "layers = []\nfor i, o in [(3, 8), (8, 16)]:\n    layers += [nn.Conv2d(i, o, 3), nn.ReLU()]\n"
     "layers.pop()\nmodel = nn.Sequential(*layers)\n", (3, 8, 8)),
    # pytorch-cifar's SENet: a squeeze by F.avg_pool2d over the map's own size, then an excitation by product
    (net("        self.c = nn.Conv2d(3, 8, 3, padding=1)\n        self.fc1 = nn.Conv2d(8, 2, 1)\n"
         "        self.fc2 = nn.Conv2d(2, 8, 1)\n",
         "        out = self.c(x)\n        w = F.avg_pool2d(out, out.size(2))\n"
         "        w = torch.sigmoid(self.fc2(F.relu(self.fc1(w))))\n        v = F.max_pool2d(out, out.shape[3])\n"
         "        return out * w + v\n"), (3, 8, 8)),
    # the same squeeze on a 4×8 map: PyTorch's window of 4 (the height) leaves a 1×2 map, and a window of
    # x.size()[2:] is the whole map; a stride and a padding read from the map's sizes too
    (net("        self.c = nn.Conv2d(3, 8, 3, padding=1)\n",
         "        out = self.c(x)\n        a = F.avg_pool2d(out, out.size(2))\n"
         "        b = F.max_pool2d(out, out.size()[2:])\n"
         "        c = F.avg_pool2d(out, kernel_size=3, stride=out.size(2) // 2, padding=out.shape[2] // 4)\n"
         "        return torch.cat([a.flatten(1), b.flatten(1), c.flatten(1)], 1)\n"), (3, 4, 8)),
    # torchvision's factories: pretrained weights loaded in a block that runs only when weights is not None
    (TORCH + "from torchvision.models import Weights\n"
     "def _load(model, weights):\n    state_dict = weights.get_state_dict()\n"
     "    for key in list(state_dict.keys()):\n        state_dict[key + '_'] = state_dict[key]\n"
     "def make(weights=None):\n    weights = Weights.verify(weights)\n    model = nn.Sequential(nn.Linear(4, 2))\n"
     "    if weights is not None:\n        _load(model, weights)\n    return model\nmodel = make()\n", (4,)),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("code", "shape"), FOLLOWED)
def test_modules_registered_and_sized_as_people_write_them_count_as_pytorch_counts(
        tmp_path: Path, code: str, shape: tuple[int, ...]) -> None:
    if "torchvision" in code:  # the weights module is not there to import: PyTorch's own count of the same model
        theirs = framework_result(TORCH + "model = nn.Sequential(nn.Linear(4, 2))\n", shape)
    else:
        theirs = framework_result(code, shape)
    assert not isinstance(theirs, str), theirs
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "x".join(map(str, shape)), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs


def test_an_f_string_is_formatted_as_python_formats_it() -> None:
    code = net("        for i in range(2):\n            setattr(self, f'conv_{i:02d}', nn.Conv2d(3, 3, 1))\n"
               "        self.fc = nn.Linear(3, int(f'{3}{2:1d}') + len(f\"{'ab'!r}\"))\n",
               "        return self.fc(self.conv_01(self.conv_00(x)))\n")
    # f'{3}{2:1d}' is '32', and repr('ab') is "'ab'", four characters: 36 features
    assert read_model(code, "net.py", "model").spec == "conv3x1x1, conv3x1x1, dense36"


@pytest.mark.parametrize(("code", "where", "message"), [
    # a buffer or a parameter of its own is counted by PyTorch, and cnncalc has no row for it
    (net("        self.c = nn.Conv2d(3, 4, 3)\n        self.register_buffer('mean', torch.zeros(4))\n",
         "        return self.c(x)\n"), "net.py:8:9", "cannot follow .register_buffer() on a module"),
    (net("        self.c = nn.Sequential(nn.Conv2d(3, 4, 3))\n"
         "        self.c.register_parameter('w', None)\n", "        return self.c(x)\n"),
     "net.py:8:9", "cannot follow .register_parameter()"),
    (net("        self.c = nn.Conv2d(3, 4, 3)\n        self.c.register_forward_hook(print)\n",
         "        return self.c(x)\n"), "net.py:8:9", "cannot follow .register_forward_hook()"),
    # a slice of the map, not of the channels, refused where it is taken (not at the merge it feeds)
    (net("        self.c = nn.Conv2d(3, 8, 3)\n",
         "        x = self.c(x)\n        return torch.cat([x[:, :, :4, :], x[:, 4:, :, :]], 1)\n"),
     "net.py:10:27", "a slice on axis 2 of [1, 8, 6, 6], which is not the channel axis (1)"),
    # a list reordered by sort() was left as it was
    (TORCH + "layers = [nn.ReLU(), nn.Linear(4, 2)]\nlayers.sort()\nmodel = nn.Sequential(*layers)\n",
     "net.py:5:1", "does not follow list.sort()"),
    (net("        setattr(self, 3, nn.ReLU())\n", "        return x\n"), "net.py:7:9",
     "setattr's attribute name is a int"),
    (net("        self.add_module(None, nn.ReLU())\n", "        return x\n"), "net.py:7:9",
     "add_module's name is a NoneType"),
    (net("        setattr(self, f'c{1:999999999}', nn.ReLU())\n", "        return x\n"), "net.py:7:23",
     "a format whose width or precision is over 1,000"),
])
def test_what_registers_a_module_in_a_way_not_followed_is_refused_at_its_line(tmp_path: Path, code: str,
                                                                              where: str, message: str) -> None:
    out = refused(tmp_path, code, ["--input", "3x4x8" if "avg_pool2d" in code else "3x8x8"])
    assert where in out and message in out, out


def test_a_run_time_value_is_not_known_to_be_none_or_not() -> None:
    # weights comes from another module: which block runs is not known, so one that changes the model is refused
    code = (TORCH + "from torchvision.models import Weights\nweights = Weights.verify(None)\n"
            "model = nn.Sequential(nn.Linear(4, 2))\nif weights is not None:\n    model.append(nn.Linear(2, 9))\n")
    with pytest.raises(Exception, match=re.escape("this may change the model")):
        read_model(code, "net.py", "model")


# ---- Keras applications: the input's shape computed at run time, the data format asked of the backend ----------

KERAS_APPLICATION = """import keras
from keras.src import backend, layers
from keras.src.models import Functional
{shape}
bn_axis = 3 if backend.image_data_format() == "channels_last" else 1
name = "model_%s_%d" % ("a", 1)
x = layers.Input(shape=input_shape)
y = layers.Conv2D(8, 3, name=f"{{name}}_conv")(x)
y = layers.BatchNormalization(axis=bn_axis)(y)
model = Functional(x, y, name=name)
"""


@pytest.mark.oracle
def test_a_keras_applications_input_shape_is_given_by_input_and_its_data_format_is_keras_default(
        tmp_path: Path) -> None:
    theirs = framework_result(KERAS_APPLICATION.format(shape="input_shape = (16, 16, 3)"), None)
    # the shape keras.applications computes (imagenet_utils.obtain_input_shape) is only known when the code runs
    code = KERAS_APPLICATION.format(shape="from keras.src.applications import imagenet_utils\n"
                                          "input_shape = imagenet_utils.obtain_input_shape(None, default_size=16)")
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "16x16x3", "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str((None, *document["layers"][-1]["output_shape"]))) == theirs
    status, out = run("summary", str(path))
    assert status == 2 and "states no input shape" in out and "--input" in out, out


@pytest.mark.parametrize(("code", "where", "message"), [
    ("import keras\nfrom keras import layers\nx = keras.Input((3, 8, 8))\n"
     "y = layers.Conv2D(4, 3, data_format='channels_first')(x)\nmodel = keras.Model(x, y)\n", "net.py:4:5",
     "a Conv2D given data_format='channels_first'"),
    ("import keras\nfrom keras import backend as K\nK.set_image_data_format('channels_first')\n"
     "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n", "net.py:3:1",
     "a Keras data format other than channels-last"),
])
def test_keras_code_in_another_data_format_is_refused_where_it_says_so(tmp_path: Path, code: str, where: str,
                                                                        message: str) -> None:
    out = refused(tmp_path, code)
    assert where in out and message in out, out


# ---- Keras 1's spellings, as Keras 2 renamed them ----------------------------------------------------------------

KERAS1 = """from keras.models import Sequential, Model
from keras.layers import *
x = Input(shape=(32, 32, 3))
y = Convolution2D(32, 3, 3, border_mode='same', init='he_normal')(x)
y = Activation('relu')(y)
y = Convolution2D(nb_filter=64, nb_row=3, nb_col=3, subsample=(2, 2), bias=False)(y)
y = MaxPooling2D(pool_size=(2, 2), border_mode='same')(y)
y = Dropout(p=0.25)(y)
y = Flatten()(y)
y = Dense(output_dim=10, W_regularizer=None)(y)
model = Model(input=x, output=y)
"""
#: the same network as Keras 2 and 3 write it
KERAS2 = """import keras
from keras import layers
x = keras.Input(shape=(32, 32, 3))
y = layers.Conv2D(32, (3, 3), padding='same')(x)
y = layers.Activation('relu')(y)
y = layers.Conv2D(64, (3, 3), strides=(2, 2), use_bias=False)(y)
y = layers.MaxPooling2D(pool_size=(2, 2), padding='same')(y)
y = layers.Dropout(0.25)(y)
y = layers.Flatten()(y)
y = layers.Dense(10)(y)
model = keras.Model(inputs=x, outputs=y)
"""


@pytest.mark.oracle
def test_keras_1_code_reads_as_keras_2_renamed_it(tmp_path: Path) -> None:
    theirs = framework_result(KERAS2, None)
    # by hand: 3·3·3·32 + 32 = 896, 3·3·32·64 = 18,432, 32 same → 15 at stride 2 → 8 pooled same,
    # 8·8·64 = 4,096 features · 10 + 10 = 40,970: 60,298
    assert theirs == (60298, "(None, 10)")
    path = tmp_path / "net.py"
    path.write_text(KERAS1, encoding="utf-8")
    status, out = run("summary", str(path), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str((None, *document["layers"][-1]["output_shape"]))) == theirs


@pytest.mark.parametrize(("code", "args", "spec"), [
    # Keras 2's examples: input_shape=x_train.shape[1:], which --input gives
    ("from keras.models import Sequential\nfrom keras.layers import Conv2D, Flatten, Dense\nimport data\n"
     "x_train = data.load()\nmodel = Sequential()\n"
     "model.add(Conv2D(32, (3, 3), padding='same', input_shape=x_train.shape[1:]))\nmodel.add(Flatten())\n",
     ["--input", "8x8x3"], "input 8x8x3, conv32x3x3 same, flatten"),
    # torch.nn's names by a star import
    ("import torch\nfrom torch.nn import *\nmodel = Sequential(Linear(4, 8), ReLU())\n", ["--input", "4"],
     "input 4 nchw, dense8, relu"),
])
def test_names_bound_by_star_imports_and_shapes_left_to_input(tmp_path: Path, code: str, args: list[str],
                                                             spec: str) -> None:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), *args, "--emit-spec")
    assert status == 0, out
    assert out.strip() == spec


@pytest.mark.parametrize(("code", "where", "message"), [
    ("from keras.models import Sequential\nfrom keras.layers import *\nmodel = Sequential()\n"
     "model.add(Convolution2D(8, 3, 3, border_mode='full', input_shape=(8, 8, 3)))\n", "net.py:4:11",
     "a Convolution2D given border_mode='full'"),
    ("from keras.models import Sequential\nfrom keras.layers import *\nmodel = Sequential()\n"
     "model.add(Convolution2D(8, 3, 3, dim_ordering='th', input_shape=(3, 8, 8)))\n", "net.py:4:11",
     "a Convolution2D given dim_ordering='th'"),
])
def test_keras_1_arguments_cnncalc_cannot_read_are_refused(tmp_path: Path, code: str, where: str,
                                                           message: str) -> None:
    out = refused(tmp_path, code)
    assert where in out and message in out, out


@pytest.mark.oracle
def test_a_keras_regulariser_or_initialiser_made_at_run_time_changes_no_count(tmp_path: Path) -> None:
    code = ("import keras\nfrom keras.layers import Conv2D, Input\nfrom keras.regularizers import l2\n"
            "from keras.models import Model\nx = Input((8, 8, 3))\n"
            "y = Conv2D(4, 3, kernel_initializer=keras.initializers.HeNormal(), kernel_regularizer=l2(1e-4))(x)\n"
            "model = Model(inputs=x, outputs=y)\n")
    theirs = framework_result(code, None)
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str((None, *document["layers"][-1]["output_shape"]))) == theirs


@pytest.mark.parametrize(("code", "message"), [
    ("s = 'a' * 30000\nt = s.replace('a', 'b' * 20000)\n", "a string of more than 100,000 characters"),
    ("s = ',' * 50000\nt = s.join(['xy'] * 3)\n", "a string of more than 100,000 characters"),
])
def test_a_string_method_that_would_make_a_huge_string_is_refused(tmp_path: Path, code: str, message: str) -> None:
    out = refused(tmp_path, TORCH + code + "model = nn.Sequential(nn.Linear(4, len(t)))\n", ["--input", "4"])
    assert "net.py:5:5" in out and message in out, out
