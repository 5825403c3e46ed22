"""Model code written as a training script: the model's input sized from the data set
(``input_shape=x_train.shape[1:]``), models built from models, module-level names a command line decides. The
expected counts are the framework's (the oracle builds the same lines) or written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import framework_result, refused, run

CIFAR_SCRIPT = """import keras
from keras.datasets import cifar10
from keras.models import Sequential
from keras.layers import Dense, Conv2D, Flatten

batch_size = 32
(x_train, y_train), (x_test, y_test) = cifar10.load_data()
print('x_train shape:', x_train.shape)
model = Sequential()
model.add(Conv2D(32, (3, 3), padding='same', input_shape=x_train.shape[1:]))
model.add(Flatten())
model.add(Dense(10))
model.compile(loss='categorical_crossentropy', optimizer='adam')
model.fit(x_train, y_train, batch_size=batch_size)
"""


def test_a_scripts_input_sized_from_its_data_is_given_by_input(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(CIFAR_SCRIPT, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "32x32x3", "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    # by hand: 3·3·3·32 + 32 = 896; 32·32·32 = 32,768 features · 10 + 10 = 327,690
    assert (document["total_params"], document["layers"][-1]["output_shape"]) == (896 + 327_690, [10])
    out = refused(tmp_path, CIFAR_SCRIPT)
    assert "states no input shape" in out and "x_train.shape[1:]" in out and "--input HxWxC" in out, out


AUTOENCODER = """import keras
from keras.layers import Dense, Input, Conv2D, Flatten, Reshape, Conv2DTranspose
from keras.models import Model

inputs = Input(shape={shape}, name='encoder_input')
x = Conv2D(8, 3, strides=2, activation='relu', padding='same')(inputs)
shape = x.shape
x = Flatten()(x)
latent = Dense(4, name='latent_vector')(x)
encoder = Model(inputs, latent, name='encoder')

latent_inputs = Input(shape=({latent},), name='decoder_input')
x = Dense(shape[1] * shape[2] * shape[3])(latent_inputs)
x = Reshape((shape[1], shape[2], shape[3]))(x)
outputs = Conv2DTranspose(1, 3, strides=2, padding='same')(x)
decoder = Model(latent_inputs, outputs, name='decoder')

model = Model(inputs, decoder(encoder(inputs)), name='autoencoder')
"""

#: a script's tail, computing with the data and drawing it: nothing the model depends on
SCRIPT_TAIL = """import numpy as np
import matplotlib.pyplot as plt
x_test = np.zeros((4, 8, 8, 1))
model.compile(loss='mse', optimizer='adam')
model.fit(x_test, x_test, epochs=1)
x_decoded = model.predict(x_test)
imgs = np.concatenate([x_test, x_decoded])
imgs = np.vstack([np.hstack(i) for i in imgs])
plt.imshow(imgs, interpolation='none', cmap='gray')
plt.show()
"""


@pytest.mark.oracle
def test_a_model_built_from_models_called_on_tensors_counts_as_keras_does(tmp_path: Path) -> None:
    theirs = framework_result(AUTOENCODER.format(shape="(8, 8, 1)", latent=4), None)
    # by hand: 3·3·8 + 8 = 80; 4·4·8 = 128 features · 4 + 4 = 516; 4·128 + 128 = 640; 3·3·8 + 1 = 73
    assert theirs == (80 + 516 + 640 + 73, "(None, 8, 8, 1)")
    path = tmp_path / "net.py"
    path.write_text(AUTOENCODER.format(shape="(8, 8, 1)", latent=4) + SCRIPT_TAIL, encoding="utf-8")
    status, out = run("summary", str(path), "--format", "json")
    assert status == 0, out  # the encoder and the decoder are parts of the model, not models of their own
    document = json.loads(out)
    assert (document["total_params"], str((None, *document["layers"][-1]["output_shape"]))) == theirs
    status, out = run("summary", str(path), "--model", "encoder", "--format", "json")
    assert status == 0 and json.loads(out)["total_params"] == 80 + 516, out


def test_a_model_called_on_a_tensor_of_another_shape_is_refused_as_keras_refuses_it(tmp_path: Path) -> None:
    code = AUTOENCODER.format(shape="(8, 8, 1)", latent=5)
    assert framework_result(code, None) == "ValueError"
    out = refused(tmp_path, code)
    assert "net.py:18:" in out and "a model whose input is shaped (5,) called on a tensor shaped (4,)" in out, out


def test_a_nested_model_whose_input_is_computed_asks_for_input(tmp_path: Path) -> None:
    code = AUTOENCODER.format(shape="(x_train.shape[1], x_train.shape[2], 1)", latent=4)
    out = refused(tmp_path, "from keras.datasets import mnist\n(x_train, _), _ = mnist.load_data()\n" + code)
    # the encoder and decoder are parts of the model whose assignment failed, not models of their own: the error is
    # the model's, at its line
    assert "net.py:16:14: this needs a tensor's shape, which depends on the input's shape" in out, out
    assert "--input HxWxC" in out, out
    path = tmp_path / "net.py"
    status, out = run("summary", str(path), "--input", "8x8x1", "--format", "json")
    assert status == 0 and json.loads(out)["total_params"] == 80 + 516 + 640 + 73, out


DCGAN = """import argparse
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument('--dataset', required=True, help='cifar10 | lsun | mnist')
parser.add_argument('--ngf', type=int, default=8)
opt = parser.parse_args()
ngf = int(opt.ngf)
if opt.dataset in ['cifar10', 'lsun']:
    nc = 3
elif opt.dataset == 'mnist':
    nc = 1


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(4, ngf, 4, 1, 0, bias=False), nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, x):
        return self.main(x)
"""


@pytest.mark.parametrize(("value", "params", "shape"), [
    ("3", 4 * 8 * 16 + 8 * 3 * 16, [1, 3, 8, 8]),  # by hand: 4·8·4·4 = 512 and 8·3·4·4 = 384, no biases
    ("1", 4 * 8 * 16 + 8 * 1 * 16, [1, 1, 8, 8]),
])
def test_a_name_the_run_decides_is_fixed_with_set(tmp_path: Path, value: str, params: int,
                                                   shape: list[int]) -> None:
    out = refused(tmp_path, DCGAN, ["--input", "4x1x1"])
    assert "net.py:20:13" in out and "the name 'nc', set at line 12" in out and \
        "--set nc=3 or --set nc=1" in out, out
    path = tmp_path / "net.py"
    status, out = run("summary", str(path), "--input", "4x1x1", "--set", f"nc={value}", "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], document["layers"][-1]["torch_shape"]) == (params, shape)
    status, out = run("summary", str(path), "--input", "4x1x1", "--set", f"nc={value}")
    assert status == 0 and f"read with the names --set fixes: nc = {value}" in out, out


@pytest.mark.parametrize(("setting", "message"), [
    ("nk=3", "--set nk: the file sets no name 'nk' at its top level"),
    ("nc=__import__('os')", "is not a literal"),
    ("nc=3 + 1", "is not a literal"),
    ("nc", "--set nc: not NAME=VALUE"),
    ("3=nc", "not NAME=VALUE"),
])
def test_set_takes_a_name_of_the_file_and_a_literal(tmp_path: Path, setting: str, message: str) -> None:
    out = refused(tmp_path, DCGAN, ["--input", "4x1x1", "--set", setting])
    assert message in out, out


def test_set_is_for_model_code_only() -> None:
    status, out = run("summary", "input 8x8x1, conv4x3", "--set", "nc=3")
    assert status == 2 and "--set is for a model's .py file" in out, out
