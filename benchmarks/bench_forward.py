"""The NumPy forward pass behind `summary --check`, against PyTorch CPU on the same network.

    python benchmarks/bench_forward.py [--runs 5]      (needs the numpy and oracle extras)

For the seed MNIST network (examples/mnist_keras.cnn) at batch 64 and VGG16 at 224×224, batch 1,
it builds cnncalc's NumPy twins and an equivalent torch.nn.Sequential (channels-first, as torch
is fastest), times the forward pass alone (weights built beforehand; torch under no_grad, with its
default threads), and prints the ratio NumPy / torch from the same run, median of --runs.
Target: within 3× of torch CPU.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from cnncalc.graph.network import build  # noqa: E402
from cnncalc.numeric.twins import TWINS  # noqa: E402


def torch_model(net: Any) -> Any:
    """The same network in torch, channels-first; Dense after Flatten sees the same sizes."""
    layers: list[Any] = []
    for layer in net.layers:
        record, name = layer.layer, type(layer.layer).__name__
        if name == "Conv2D":
            pad = "same" if record.padding == "same" else 0
            layers += [torch.nn.Conv2d(layer.input_shape[-1], record.filters, record.kernel_size, record.strides,
                                       pad), torch.nn.ReLU()]
        elif name == "MaxPooling2D":
            layers.append(torch.nn.MaxPool2d(record.pool_size, record.effective_strides))
        elif name == "Flatten":
            layers.append(torch.nn.Flatten())
        elif name == "Dense":
            layers += [torch.nn.Linear(layer.input_shape[-1], record.units), torch.nn.ReLU()]
        elif name == "Dropout":
            layers.append(torch.nn.Identity())
    return torch.nn.Sequential(*layers).eval()


def median_time(function: Any, runs: int) -> float:
    function()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(name: str, path: str, batch: int, runs: int) -> None:
    net = build((ROOT / "examples" / path).read_text(encoding="utf-8"))
    rng = np.random.default_rng(0)
    twins = [TWINS[type(layer.layer)](layer.layer, layer.input_shape, rng) for layer in net.layers]
    x = rng.standard_normal((batch, *net.input_shape)).astype("float32")

    def numpy_pass() -> None:
        y = x
        for twin in twins:
            y = twin(y)

    model = torch_model(net)
    tx = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()

    def torch_pass() -> None:
        with torch.no_grad():
            model(tx)

    ours, theirs = median_time(numpy_pass, runs), median_time(torch_pass, runs)
    verdict = "ok" if ours / theirs <= 3 else "MISSED"
    print(f"{name:<26} numpy {ours * 1000:8.1f} ms   torch {theirs * 1000:8.1f} ms   "
          f"ratio {ours / theirs:5.2f}×   target ≤ 3×  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), median of {runs}")
    compare("MNIST (mnist_keras.cnn), batch 64", "mnist_keras.cnn", 64, runs)
    compare("VGG16 224×224, batch 1", "vgg16.cnn", 1, runs)


if __name__ == "__main__":
    main()
