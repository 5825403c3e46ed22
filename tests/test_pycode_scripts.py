"""Model code written as a training script: the model's input sized from the data set
(``input_shape=x_train.shape[1:]``), models built from models, module-level names a command line decides. The
expected counts are the framework's (the oracle builds the same lines) or written by hand."""

from __future__ import annotations

import json
from pathlib import Path

from .test_pycode import refused, run

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
