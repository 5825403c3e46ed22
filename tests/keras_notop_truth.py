"""Record what keras.applications' networks are without their top, for the transfer-learning tests.

For each name, a fresh ``keras.applications.NAME(include_top=False, weights=None, input_shape=…)`` on the zoo's
default input is built under Keras 3, and its model name, output shape, ``count_params()`` and trainable count
are written to tests/corpus/truth/keras_applications_notop.json (one entry per network, the others kept).
tests/test_transfer_zoo.py compares each ``keras:NAME notop`` item with its record.

    PYTHONPATH=$PWD KERAS_BACKEND=torch python tests/keras_notop_truth.py [NAME ...]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

TRUTH = Path(__file__).resolve().parent / "corpus" / "truth" / "keras_applications_notop.json"
ZOO = Path(__file__).resolve().parent.parent / "cnncalc" / "zoo" / "keras"
#: NASNetMobile's own arguments to Keras' NASNet (keras/src/applications/nasnet.py), as tests/test_zoo.py gives them
NASNET_MOBILE = {"penultimate_filters": 1056, "num_blocks": 4, "stem_block_filters": 32, "skip_reduction": False,
                 "filter_multiplier": 2, "default_size": 224, "name": "nasnet_mobile"}


def default_input(name: str) -> tuple[int, ...]:
    """The input the zoo's spec of the network starts with (its 'input HxWxC' line), read as plain text."""
    for line in (ZOO / f"{name}.cnn").read_text(encoding="utf-8").splitlines():
        if line.startswith("input "):
            return tuple(int(n) for n in line.split()[1].split("x"))
    raise SystemExit(f"{name}: no input line")


def record(name: str) -> dict[str, object]:
    """One network without its top, as Keras builds it."""
    import keras

    keras.backend.clear_session()
    shape = default_input(name)
    if name == "NASNetMobile" and keras.backend.backend() == "torch":  # refused there ("an outstanding bug"):
        from keras.src.applications.nasnet import NASNet  # the same network, built by the same function

        model = NASNet(shape, include_top=False, weights=None, **NASNET_MOBILE)
    else:
        model = getattr(keras.applications, name)(include_top=False, weights=None, input_shape=shape)
    return {"keras": keras.__version__, "input_shape": list(shape), "name": model.name,
            "output_shape": list(model.output.shape[1:]), "total_params": model.count_params(),
            "trainable_params": sum(int(keras.ops.size(w)) for w in model.trainable_weights),
            "last_class": type(model.layers[-1]).__name__}


def main(names: list[str]) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    document = json.loads(TRUTH.read_text(encoding="utf-8")) if TRUTH.exists() else {}
    for name in names or sorted(path.stem for path in ZOO.glob("*.cnn")):
        document[name] = record(name)
        TRUTH.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(name, document[name], flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
