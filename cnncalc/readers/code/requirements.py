"""What a layer's code requires of the resolved network: the size it says it reads, the axis it acts on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .arguments import Built, Requirement, _int
from .values import Layer, Unknown

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer


# ---- what a layer requires of the resolved network ------------------------------------------------------

def _reads(layer: Layer, what: str, declared: str) -> Requirement:
    """nn.Conv2d(32, …), nn.Linear(1600, …), nn.BatchNorm2d(64): the size the code says a layer reads."""
    size = int(declared)

    def reads(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        net = built.net
        if not resolved.input_shape or resolved.input_shape[-1] == size:
            return None
        noun = "input channels" if what == "channels" else "input features"
        return (f"{layer.name} is written to read {size} {noun}, but the layer before gives "
                f"{resolved.input_shape[-1]} ({net.shape_text(resolved.input_shape)})",
                f"make it {layer.name}({resolved.input_shape[-1]}, …), or fix the layer before it")

    return reads


def _flattens_to(size: Any) -> Requirement | None:
    """x.view(x.size(0), N) or x.view(-1, N): a flatten only when N is what it gives (or -1, or computed from the
    tensor's own sizes, as the PyTorch tutorial's num_flat_features(x) does)."""

    if isinstance(size, Unknown) or size == -1:
        return None
    features = int(_int(size, "size", 1))

    def gives(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        if resolved.output_shape == (features,):
            return None
        return (f"this view asks for {features} features a row, but flattening gives {resolved.output_shape[-1]}",
                "write x.view(x.size(0), -1), or fix the layers before it")

    return gives


def _channel_axis(name: str, axis: Any, key: str) -> Requirement:
    """The axis a Keras normalisation or a concatenation acts on must be the channels: cnncalc's bn, layernorm and
    cat act on no other (Keras' axis=1 on (None, 8, 8, 3) is the height)."""
    def on_channels(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        net = built.net
        if axis == -1 and not net.torch:  # the last axis, which Keras' conventions make the channels at any rank
            return None
        shapes = resolved.input_shapes or (resolved.input_shape,)
        rank = len(shapes[0]) + 1  # with the batch
        tokens = resolved.tokens or any(name in built.tokens for name in resolved.inputs)
        channels = 1 if net.torch and rank > 2 and not tokens else rank - 1  # PyTorch: N, C, …
        if -rank <= axis < rank and axis % rank == channels:
            return None
        return (f"{name} on {key} {axis}, which is not the channel axis ({channels}, or {channels - rank}) of "
                f"{net.shape_text(shapes[0], tokens=tokens)}",
                "cnncalc's bn, layernorm and concatenation act on the channels only: write the model as a spec")

    return on_channels


def concat_axis(axis: Any, framework: str) -> Requirement:
    """The requirement of a concatenation (layers.Concatenate(axis=…), torch.cat(…, dim=…)): on the channels."""
    name, key = ("torch.cat", "dim") if framework == "torch" else ("Concatenate", "axis")
    return _channel_axis(name, int(_int(axis, key)), key)
