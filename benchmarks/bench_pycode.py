"""Reading model code: `cnncalc summary model.py` against the 9-layer spec summary, in one run.

    python benchmarks/bench_pycode.py [--runs 15]

Times, as fresh processes (median of --runs):
  * the 9-layer spec summary, `cnncalc summary examples/mnist_keras.cnn` (the baseline);
  * a 300-line training script as people write one: imports, constants, data loading and augmentation helpers,
    a training loop, plotting, and the lectures' 9-layer Keras model (target, issue 15: ≤ 1.3× the baseline);
  * tests/models/torch_resnet.py (170 lines, torchvision's ResNet-50 with _make_layer), --model resnet50, and the
    same network as a spec (its --emit-spec), which isolates what reading the code costs over the rows themselves;
  * a 300-line file of 280 `model.add(layers.…)` lines (425 layers), against its own spec likewise;
  * model files of 10,000 layers against their own specs, as JSON (target, issue 21: ≤ 2×): a Keras functional
    model written one layer a line (`y = layers.Conv2D(…)(y)`, BatchNormalization, Dropout, ReLU in turn), a
    PyTorch `nn.Sequential` of as many modules one a line, and the same Keras layers made by a loop. Reading is
    linear: each layer costs a few statements of the interpreter, a binary search from its spec position back to
    its line, and the same rows as the spec; the network's records are built from the graph, each distinct layer
    item read once by the spec's parser, never the whole spec text written and read back. Written one a line,
    Python's own parser (and freeing its syntax tree) costs about half of what the whole spec costs; each file is
    run right after its spec, so that both meet the same load, and the verdict is on CPU time, which that load
    disturbs less than wall time;
  * torchvision's own resnet.py (985 lines: weights enums, docstrings, eighteen factories), --model resnet50,
    against its own spec, paired likewise (target: ≤ 1.3×). The file is third-party and never committed: the
    case runs when tests/corpus/fetch_models.py has brought it into tests/corpus/models/.

The package is byte-compiled first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set, an edited checkout
would otherwise be compiled from source on every run, and a model file loads some 35 modules more than a spec.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CNNCALC = [sys.executable, "-m", "cnncalc"]
#: torchvision's resnet.py, as tests/corpus/fetch_models.py brings it (third-party code, never committed)
TORCHVISION_RESNET = ROOT / "tests" / "corpus" / "models" / "torchvision__resnet.py"


def wall(command: list[str], runs: int) -> float:
    """The median wall time of ``runs`` fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(command: list[str], baseline: list[str], runs: int) -> tuple[float, float, float, float]:
    """A command against its baseline, each run right after the other so that both meet the same load on a shared
    machine: the median wall times of each, the median of the pairs' wall-time ratios, and the median of their
    CPU-time ratios (user + system time of the process, which other processes' load disturbs far less)."""
    def once(argv: list[str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    pairs = [(once(command), once(baseline)) for _ in range(runs)]
    return (statistics.median(a[0] for a, _ in pairs), statistics.median(b[0] for _, b in pairs),
            statistics.median(a[0] / b[0] for a, b in pairs), statistics.median(a[1] / b[1] for a, b in pairs))


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


KERAS_LAYERS = ["layers.Conv2D(8, 3, padding='same', activation='relu')", "layers.BatchNormalization()",
                "layers.Dropout(0.1)", "layers.ReLU()"]
TORCH_LAYERS = ["nn.Conv2d(8, 8, 3, padding=1),", "nn.BatchNorm2d(8),", "nn.Dropout(0.1),", "nn.ReLU(),"]


def functional_file(layers: int) -> str:
    """A Keras functional model of ``layers`` layers, one a line, as a generated or a very long notebook writes it."""
    body = [f"y = {KERAS_LAYERS[i % len(KERAS_LAYERS)]}(y)" for i in range(layers)]
    return "\n".join(["import keras", "from keras import layers", "", "x = keras.Input(shape=(32, 32, 8))", "y = x",
                      *body, "model = keras.Model(x, y)", ""])


def loop_file(layers: int) -> str:
    """The same Keras layers made by a loop over blocks, as most model code makes a deep network."""
    return "\n".join(["import keras", "from keras import layers", "", "def block(y):",
                      *(f"    y = {layer}(y)" for layer in KERAS_LAYERS), "    return y", "",
                      "x = keras.Input(shape=(32, 32, 8))", "y = x", f"for _ in range({layers // len(KERAS_LAYERS)}):",
                      "    y = block(y)", "model = keras.Model(x, y)", ""])


def torch_sequential_file(layers: int) -> str:
    """A PyTorch nn.Sequential of ``layers`` modules, one a line."""
    body = [f"    {TORCH_LAYERS[i % len(TORCH_LAYERS)]}" for i in range(layers)]
    return "\n".join(["import torch.nn as nn", "", "model = nn.Sequential(", *body, ")", ""])


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


def torchvision_line(times: tuple[float, float, float, float] | None, runs: int) -> str:
    """The line for torchvision's resnet.py against its spec, or why it was not measured."""
    if times is None:
        return ("torchvision's resnet.py: not measured, tests/corpus/models/ does not hold it (run "
                "python tests/corpus/fetch_models.py to bring it)")
    read, spec, ratio, cpu = times
    verdict = "ok" if cpu <= 1.3 else "MISSED"
    return (f"cnncalc summary torchvision's resnet.py --model resnet50 ({runs} pairs)  {read * 1000:7.1f} ms   "
            f"its spec {spec * 1000:7.1f} ms   {ratio:.2f}× its own spec (CPU {cpu:.2f}×)   target ≤ 1.3×  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-f", str(ROOT / "cnncalc")], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    resnet_args = ["tests/models/torch_resnet.py", "--input", "3x224x224", "--model", "resnet50"]
    with tempfile.TemporaryDirectory() as folder:
        script, long = Path(folder) / "train.py", Path(folder) / "long_model.py"
        functional, sequential = Path(folder) / "functional_10k.py", Path(folder) / "sequential_10k.py"
        looped = Path(folder) / "loop_10k.py"
        looped.write_text(loop_file(10_000), encoding="utf-8")
        script.write_text(training_script(300), encoding="utf-8")
        long.write_text(keras_file(300), encoding="utf-8")
        functional.write_text(functional_file(10_000), encoding="utf-8")
        sequential.write_text(torch_sequential_file(10_000), encoding="utf-8")
        specs = {}
        torchvision = [str(TORCHVISION_RESNET), "--input", "3x224x224", "--model", "resnet50"]
        cases = [("resnet", resnet_args), ("long", [str(long)]), ("functional", [str(functional)]),
                 ("sequential", [str(sequential), "--input", "8x32x32"]), ("looped", [str(looped)])]
        for name, args in cases + ([("torchvision", torchvision)] if TORCHVISION_RESNET.exists() else []):
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
        large = max(1, runs * 2 // 3)  # the 10,000-layer runs take a second or two each: 10 pairs by default
        json = ["--format", "json"]
        functional_times = paired([*CNNCALC, "summary", str(functional), *json],
                                  [*CNNCALC, "summary", str(specs["functional"]), *json], large)
        sequential_times = paired([*CNNCALC, "summary", str(sequential), "--input", "8x32x32", *json],
                                  [*CNNCALC, "summary", str(specs["sequential"]), "--conventions", "torch", *json],
                                  large)
        looped_times = paired([*CNNCALC, "summary", str(looped), *json],
                              [*CNNCALC, "summary", str(specs["looped"]), *json], large)
        parse_only = [sys.executable, "-c", "import ast, gc, sys; gc.disable(); "
                      "ast.parse(open(sys.argv[1], encoding='utf-8').read())", str(functional)]
        parse_times = paired(parse_only, [*CNNCALC, "summary", str(specs["functional"]), *json], large)
        torchvision_times = paired([*CNNCALC, "summary", *torchvision],
                                   [*CNNCALC, "summary", str(specs["torchvision"]), "--conventions", "torch"],
                                   runs) if TORCHVISION_RESNET.exists() else None
        sizes = functional.stat().st_size // 1024, sequential.stat().st_size // 1024, looped.stat().st_size
    print(f"python {sys.version.split()[0]}, median of {runs} runs each")
    print(f"cnncalc summary mnist_keras.cnn (9 layers)          {base * 1000:7.1f} ms   (baseline)")
    verdict = "ok" if read / base <= 1.3 else "MISSED"
    print(f"cnncalc summary {lines}-line training script (9 layers) {read * 1000:7.1f} ms   {read / base:.2f}× "
          f"baseline   target ≤ 1.30×  {verdict}")
    print(f"cnncalc summary torch_resnet.py (ResNet-50)         {resnet * 1000:7.1f} ms   {resnet / base:.2f}× "
          f"baseline; {resnet / resnet_spec:.2f}× its own spec")
    print(f"cnncalc summary 300-line file of 425 layers         {many * 1000:7.1f} ms   {many / base:.2f}× baseline; "
          f"{many / many_spec:.2f}× its own spec")
    print(f"(below: {large} pairs, each file run right after its spec: median wall times, and the medians of the "
          "pairs' wall-time and CPU-time ratios)")
    for label, (read, spec, ratio, cpu) in (
            (f"Keras functional, 10,000 layers one a line ({sizes[0]} KiB)", functional_times),
            (f"nn.Sequential, 10,000 layers one a line ({sizes[1]} KiB)   ", sequential_times),
            (f"Keras, 10,000 layers from a loop ({sizes[2]} bytes)         ", looped_times)):
        verdict = "ok" if cpu <= 2 else "MISSED"
        print(f"cnncalc summary {label} --format json  {read * 1000:7.1f} ms   its spec {spec * 1000:7.1f} ms   "
              f"{ratio:.2f}× its own spec (CPU {cpu:.2f}×)   target ≤ 2×  {verdict}")
    print(torchvision_line(torchvision_times, runs))
    print(f"  the floor: Python's own ast.parse of the functional file, in a process of its own, costs "
          f"{parse_times[3]:.2f}× the CPU of its whole spec summary")


if __name__ == "__main__":
    main()
