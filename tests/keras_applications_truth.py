"""Record keras.applications' networks that are too big to build in every test run.

For each name, a fresh ``keras.applications.NAME(weights=None)`` (MobileNetV3's with ``input_shape=(224, 224,
3)``, its default input being open) is built under Keras 3 and written to
tests/corpus/truth/keras_applications__NAME.json: every layer's row as tests/keras_rows.py reads it (class,
output shape, parameters, the rows it reads), ``count_params()`` and the trainable count. tests/test_zoo.py
compares the zoo's spec with the record.

    PYTHONPATH=$PWD KERAS_BACKEND=torch python tests/keras_applications_truth.py NAME ...
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

TRUTH = Path(__file__).resolve().parent / "corpus" / "truth"
#: keras.applications whose input is left open by default (MobileNetV3's is (None, None, 3)): the spec's input
INPUT_SHAPES = {"MobileNetV3Small": (224, 224, 3), "MobileNetV3Large": (224, 224, 3)}


def record(name: str) -> dict[str, object]:
    """The record of one keras.applications network."""
    import keras

    from tests.keras_rows import keras_rows

    keras.backend.clear_session()
    shape = {"input_shape": INPUT_SHAPES[name]} if name in INPUT_SHAPES else {}
    model = getattr(keras.applications, name)(weights=None, **shape)
    return {"application": name, "keras": keras.__version__, "input_shape": list(model.input_shape[1:]),
            "total_params": model.count_params(),
            "trainable_params": sum(int(keras.ops.size(w)) for w in model.trainable_weights),
            "layers": [{"class": kind, "output_shape": list(shape), "params": params, "reads": list(reads)}
                       for kind, shape, params, reads in keras_rows(model)]}


def main(names: list[str]) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    for name in names:
        document = record(name)
        path = TRUTH / f"keras_applications__{name}.json"
        path.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{path.name}: {document['total_params']:,} parameters, {len(document['layers'])} layers", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
