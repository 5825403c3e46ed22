"""Resolve a parsed spec into a network: each layer's Keras name, output shape and parameters; an input that looks
channels-first is said so, with what each reading gives.

The records are in :mod:`~cnncalc.graph.records`, the walk through the nodes in :mod:`~cnncalc.graph.walk`, the
rows' order in :mod:`~cnncalc.graph.order`; their names are importable from here too.

>>> net = build("input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10")
>>> [(layer.name, layer.output_shape, layer.params.total) for layer in net.layers]
[('conv2d', (26, 26, 32), 320), ('max_pooling2d', (13, 13, 32), 0), ('flatten', (5408,), 0), ('dense', (10,), 54090)]
>>> net.total_params
54410
"""

from __future__ import annotations

from ..errors import SpecError
from ..language.spec import Spec, parse
from ..model.conventions import looks_channels_first
from ..model.layers import Shape
from .inputs import INPUT_NAME
from .order import keras_order
from .records import Network, ResolvedLayer
from .walk import Walk

__all__ = ["INPUT_NAME", "Network", "ResolvedLayer", "Walk", "build", "keras_order", "resolve"]


def build(text: str, input_shape: str | Shape | None = None, layout: str | None = None,
          conventions: str | None = None) -> Network:
    """Parse and resolve spec text; ``input_shape`` replaces or supplies the input layer.

    ``layout`` ("nhwc"/"nchw") says how the input is written, overriding the spec's; ``conventions``
    ("keras"/"torch") whose rules apply; an nchw input implies torch.

    An input written with names (``input RxCx3``) gives sizes and counts in those names
    (:mod:`cnncalc.language.symbolic`); with ``input_shape`` the names are replaced by those numbers.
    """
    spec = parse(text)
    if spec.input is not None and spec.input.names and input_shape is None:
        from ..language.symbolic import symbolic_network

        return symbolic_network(spec, lambda numbers: resolve(spec, numbers, layout, conventions))  # type: ignore[no-any-return]
    return resolve(spec, input_shape, layout, conventions)


def resolve(spec: Spec, input_shape: str | Shape | None = None, layout: str | None = None,
            conventions: str | None = None) -> Network:
    """Run the shape rules through the network, naming each layer as its framework would.

    Layers are resolved in creation order (which also gives Keras' auto names) and listed in
    Keras' row order, which for a chain is the same.  Under PyTorch's conventions each record
    is first made PyTorch's (:meth:`~cnncalc.model.layers.Layer.for_torch`), a fused activation becomes
    a row of its own, as ``nn.ReLU`` is, and rows are named as torchinfo names them.
    """
    walk = Walk(spec, input_shape, layout, conventions)
    try:
        walk.resume(spec.layers)
    except SpecError as error:
        if walk.given_input is not None and walk.given_input.layout is None and walk.layout != "nchw":
            _channels_first_hint(error, walk.given_input.shape)
        raise
    return walk.network(_layout_warnings(spec, input_shape, walk.written, walk.layout, conventions))


def _channels_first_hint(error: SpecError, shape: Shape) -> None:
    """A network that fails on an --input read channels-last that looks channels-first (3x32x32) says how to
    write either reading; it only says so, and never reads the input another way."""
    if len(shape) != 3 or shape[0] not in (1, 3, 4) or shape[-1] <= 4:
        return
    written, last = "x".join(map(str, shape)), "x".join(map(str, (*shape[1:], shape[0])))
    hint = (f"{written} looks channels-first; write --input {last}, or --input \"{written} nchw\" for "
            "PyTorch's layout")
    error.hint = f"{error.hint}\n{hint}" if error.hint else hint


def _layout_warnings(spec: Spec, override: str | Shape | None, written: Shape, layout: str | None,
                     conventions: str | None) -> tuple[str, ...]:
    """Warn when an input read channels-last looks channels-first, with what each reading gives."""
    if layout is not None or not looks_channels_first(written):
        return ()
    h, w, c = written
    ours = f"read as H={h}, W={w}, C={c} (channels last, as Keras writes it)"
    dims = "x".join(map(str, written))
    try:
        theirs = resolve(spec, override, "nchw", conventions)
        other = f"gives {theirs.total_params:,} params"
    except SpecError as error:
        other = f"fails: {error.message}"
    return (f"the input {h}×{w}×{c} looks channels-first: it is {ours}. Read as C={h}, H={w}, W={c} "
            f"(channels first, as PyTorch writes it) with 'input {dims} nchw' or --layout nchw, the network "
            f"{other}",)

