"""Reading model code: `cnncalc summary model.py` against the 9-layer spec summary, in one run.

    python benchmarks/bench_pycode.py [--runs 15]

Times, as fresh processes (median of --runs):
  * the 9-layer spec summary, `cnncalc summary examples/mnist_keras.cnn` (the baseline);
  * a 300-line training script as people write one: imports, constants, data loading and augmentation helpers,
    a training loop, plotting, and the lectures' 9-layer Keras model (target, issue 15: ≤ 1.3× the baseline);
  * tests/models/torch_resnet.py (170 lines, torchvision's ResNet-50 with _make_layer), --model resnet50, and the
    same network as a spec (its --emit-spec), which isolates what reading the code costs over the rows themselves;
  * a 300-line file of 280 `model.add(layers.…)` lines (425 layers), against its own spec likewise.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_summary import wall

ROOT = Path(__file__).resolve().parent.parent
CNNCALC = [sys.executable, "-m", "cnncalc"]


def keras_file(lines: int) -> str:
    head = ["# A long Keras model file: one layer a line, as notebooks grow them.", "import numpy as np",
            "from tensorflow import keras", "from tensorflow.keras import layers", "",
            "num_classes = 10", "width = 32", "", "def block(model, filters):",
            "    model.add(layers.Conv2D(filters, 3, padding='same', activation='relu'))",
            "    model.add(layers.BatchNormalization())", "", "model = keras.Sequential()",
            "model.add(keras.Input(shape=(32, 32, 3)))"]
    body = []
    while len(head) + len(body) < lines - 4:
        body.append("model.add(layers.Conv2D(width, 3, padding='same', activation='relu'))")
        body.append("block(model, width)")
    tail = ["model.add(layers.GlobalAveragePooling2D())", "model.add(layers.Dense(num_classes, activation='softmax'))",
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')", ""]
    return "\n".join(head + body + tail)


def training_script(lines: int) -> str:
    """A realistic script around a small model: most of its lines are not the model."""
    model = (ROOT / "tests" / "models" / "lecture_keras_cnn_mnist.py").read_text(encoding="utf-8").splitlines()
    helpers = []
    number = 0
    while len(model) + len(helpers) < lines - 6:
        number += 1
        helpers += [f"def augment_{number}(images, labels, seed={number}):",
                    "    rng = np.random.default_rng(seed)",
                    "    flipped = images[:, :, ::-1] if rng.random() > 0.5 else images",
                    "    noise = rng.normal(0, 0.01, size=flipped.shape)",
                    "    return np.clip(flipped + noise, 0, 1), labels", "",
                    f"def report_{number}(history, name='run{number}'):",
                    "    for epoch, loss in enumerate(history.history['loss']):",
                    "        print(f'{name} epoch {epoch}: {loss:.4f}')", ""]
    tail = ["history = model.fit(np.zeros((8, 28, 28, 1)), np.zeros(8), epochs=1, verbose=0)",
            "for number in range(3):", "    report_1(history)", ""]
    return "\n".join(model + helpers + tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    resnet_args = ["tests/models/torch_resnet.py", "--input", "3x224x224", "--model", "resnet50"]
    with tempfile.TemporaryDirectory() as folder:
        script, long = Path(folder) / "train.py", Path(folder) / "long_model.py"
        script.write_text(training_script(300), encoding="utf-8")
        long.write_text(keras_file(300), encoding="utf-8")
        specs = {}
        for name, args in (("resnet", resnet_args), ("long", [str(long)])):
            spec = subprocess.run([*CNNCALC, "summary", *args, "--emit-spec"], check=True, capture_output=True,
                                  text=True, cwd=ROOT).stdout.strip()
            specs[name] = Path(folder) / f"{name}.cnn"
            specs[name].write_text(spec, encoding="utf-8")
        base = wall([*CNNCALC, "summary", "examples/mnist_keras.cnn"], runs)
        read = wall([*CNNCALC, "summary", str(script)], runs)
        resnet = wall([*CNNCALC, "summary", *resnet_args], runs)
        resnet_spec = wall([*CNNCALC, "summary", str(specs["resnet"]), "--conventions", "torch"], runs)
        many = wall([*CNNCALC, "summary", str(long)], runs)
        many_spec = wall([*CNNCALC, "summary", str(specs["long"])], runs)
        lines = len(script.read_text(encoding="utf-8").splitlines())
    print(f"python {sys.version.split()[0]}, median of {runs} runs each")
    print(f"cnncalc summary mnist_keras.cnn (9 layers)          {base * 1000:7.1f} ms   (baseline)")
    verdict = "ok" if read / base <= 1.3 else "MISSED"
    print(f"cnncalc summary {lines}-line training script (9 layers) {read * 1000:7.1f} ms   {read / base:.2f}× "
          f"baseline   target ≤ 1.30×  {verdict}")
    print(f"cnncalc summary torch_resnet.py (ResNet-50)         {resnet * 1000:7.1f} ms   {resnet / base:.2f}× "
          f"baseline; {resnet / resnet_spec:.2f}× its own spec")
    print(f"cnncalc summary 300-line file of 425 layers         {many * 1000:7.1f} ms   {many / base:.2f}× baseline; "
          f"{many / many_spec:.2f}× its own spec")


if __name__ == "__main__":
    main()
