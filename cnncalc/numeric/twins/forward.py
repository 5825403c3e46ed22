"""The forward pass: the network's twins run on a seeded random input, refused up front past the memory limit."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ...errors import CnnCalcError
from ...model.layers import Merge, Shape
from ...model.records import record
from .base import Array, require_numpy
from .memory import memory_estimate
from .merges import merge
from .registry import TWINS

if TYPE_CHECKING:
    from ...graph.network import Network


@record
class ForwardPass:
    """The real output shape of every layer, and how long the pass took."""

    shapes: tuple[Shape, ...]
    seconds: float
    batch: int
    seed: int


def forward(net: Network, batch: int = 1, seed: int = 0, max_memory: int = 2 * 1024**3) -> ForwardPass:
    """Run the network's NumPy twins on a seeded random input of ``batch`` examples.

    Refused before anything is allocated when :func:`memory_estimate` is over ``max_memory``.
    """
    np = require_numpy("--check")
    nested = next((layer for layer in net.layers if layer.inner is not None), None)
    if nested is not None:
        raise CnnCalcError(f"--check does not run a known network standing as one item ({nested.source})",
                           "check the network alone, as in cnncalc summary keras:MobileNetV2 --check, and the "
                           "head on the shape it gives")
    needed = memory_estimate(net, batch)
    if needed > max_memory:
        raise CnnCalcError(
            f"the forward pass would need about {_gib(needed)} (the largest layer's weights, input, output "
            f"and scratch arrays at batch {batch}), over --max-memory {_gib(max_memory)}",
            "raise --max-memory, lower --batch, or check a smaller input with --input",
        )
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *net.input_shape), dtype="float32")
    shapes: list[Shape] = []
    start = time.perf_counter()
    with np.errstate(all="ignore"):  # random weights may overflow an exp; only the shapes matter here
        if net.graph:
            tensors = {"input_layer": x}
            del x  # the graph pass frees the input after its last reader; no name here may keep it alive
            shapes = _forward_graph(net, tensors, rng)
        else:
            for layer in net.layers:
                x = TWINS[type(layer.layer)](layer.layer, layer.input_shape, rng)(x)
                shapes.append(tuple(int(d) for d in x.shape[1:]))
    return ForwardPass(tuple(shapes), time.perf_counter() - start, batch, seed)


def _forward_graph(net: Network, tensors: dict[str, Array], rng: Any) -> list[Shape]:
    """Run a graph in Keras' row order, keeping each tensor until its last reader has run."""
    last_read = net.last_reads()
    shapes: list[Shape] = []
    for number, layer in enumerate(net.layers):
        xs = [tensors[name] for name in layer.inputs]
        if isinstance(layer.layer, Merge):
            y = merge(layer.layer, xs)
        else:
            y = TWINS[type(layer.layer)](layer.layer, layer.input_shape, rng)(xs[0])
        del xs
        for name in layer.inputs:
            if last_read.get(name) == number:
                tensors.pop(name, None)
        tensors[layer.name] = y
        shapes.append(tuple(int(d) for d in y.shape[1:]))
    return shapes


def _gib(count: int) -> str:
    """A byte count in binary units: '1.49 GiB', '10.00 MiB'."""
    if count >= 1024**6:
        return f"about 10^{len(str(count)) - 1} bytes"
    size, unit = float(count), "bytes"
    for name in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if size < 1024:
            break
        size, unit = size / 1024, name
    return f"{size:.2f} {unit}" if unit != "bytes" else f"{count} bytes"
