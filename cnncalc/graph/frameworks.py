"""A record under the chosen framework's conventions: PyTorch's record, its activation split off as a module of
its own, a global pool as PyTorch's ``nn.AdaptiveAvgPool2d(1)`` then ``nn.Flatten()``, a reshape's target in the
input's layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import layers
from ..model.conventions import channels_last
from ..model.layers import Activation, Flatten, Layer, Params, Reshape, RuleError
from ..model.records import replace

if TYPE_CHECKING:
    from .records import Network, ResolvedLayer

__all__ = ["framework_layer", "functional_with_weights", "fused", "keras_model", "keras_model_block", "keras_models",
           "keras_models_in", "keras_nested", "module_block", "split_row"]


def framework_layer(layer: Layer, torch: bool, split: bool, layout: str | None) -> tuple[Layer, Layer | None]:
    """The record under the chosen conventions, and the module split off it into a row of its own (PyTorch writes
    a fused activation apart, and a global pool as ``nn.AdaptiveAvgPool2d(1)`` then ``nn.Flatten()``).

    With an nchw input, a reshape's target is written channels-first too (reshape256x7x7)."""
    if layout == "nchw" and isinstance(layer, Reshape) and len(layer.target_shape) > 1:
        layer = Reshape(channels_last(layer.target_shape))
    if not torch:
        return layer, None
    layer = layer.for_torch()
    if not split:
        return layer, None
    if isinstance(layer, layers.GlobalPooling):
        return replace(layer, keepdims=True), Flatten()
    return replace(layer, activation=None), Activation(layer.activation)  # type: ignore[attr-defined]


def split_row(layer: Layer) -> bool:
    """A layer PyTorch writes as two modules, each a row: one with a fused activation, or a global pool that drops
    the axes it pools (``nn.AdaptiveAvgPool2d(1)``, then ``nn.Flatten()``)."""
    # keepdims first: the pooling family is asked for only for a layer that drops axes, so a spec without a global
    # pool never loads it
    return fused(layer) or (not getattr(layer, "keepdims", True) and isinstance(layer, layers.GlobalPooling))


def fused(layer: Layer) -> bool:
    """A layer with an activation argument, which PyTorch writes as a module of its own."""
    return not isinstance(layer, Activation) and getattr(layer, "activation", None) not in (None, "linear")


def module_block(name: str) -> bool:
    """A block named after a PyTorch module's class, as a torchvision network's spec writes its modules: its name
    starts with a capital letter, or with ``_`` and one (``Sequential_layer1``, ``CNBlock``, ``_DenseLayer_1``); or
    a module a model's code calls, its class and ``:`` (``BasicBlock:``, readers.code.module_tree)."""
    return ((name.lstrip("_")[:1].isupper() and name[:2] != "__") or name.endswith(":")) and keras_model(name) is None


#: the classes Keras' summary gives a model nested in another: its row, ``encoder (Functional)``
KERAS_MODEL_CLASSES = ("Functional", "Sequential")


def keras_model_block(name: str | None, cls: str) -> str:
    """The container of the rows a Keras model nested in another makes (an autoencoder's encoder, called on its
    input), named as Keras' summary names the model's one row: ``encoder (Functional)``; `` (Sequential)`` for a
    model given no name (Keras numbers it among every model of the session)."""
    return f"{name or ''} ({cls})"


def keras_model(block: str) -> tuple[str, str] | None:
    """The name and class of the Keras model a container of :func:`keras_model_block` is; None for any other block."""
    name, bracket, cls = block.rpartition(" (")
    return (name, cls[:-1]) if bracket and cls[:-1] in KERAS_MODEL_CLASSES and cls.endswith(")") else None


def functional_with_weights(layer: Layer, params: Params, containers: tuple[tuple[str, int], ...]) -> None:
    """A layer written ``fn`` (an operation in forward()) that holds weights or buffers: a module holds those, so
    only a module's own ``nn.Parameter`` may be written so: a parameter-only layer (a class token, a layer scale),
    or the parameters of a row inside a block named after a module class (:func:`module_block`), which that module
    holds (torchvision's ``LayerNorm2d`` calls ``F.layer_norm`` with its own weight and bias)."""
    if not (params.buffers or params.non_trainable) and \
            (layer.parameter_only or any(module_block(block) for block, _ in containers)):  # trained weights only
        return
    held = f"{params.total:,} parameters" if params.total else f"{params.buffers:,} buffers"
    raise RuleError(f"'fn' writes a layer as an operation in forward(), with no module; this one holds {held}, "
                    "which only a module holds", "drop 'fn': PyTorch writes a layer with weights as a module "
                    "(a block named after a module class, such as 'def CNBlock(c) = (…)', may hold parameters "
                    "that its rows written 'fn' use)")


def keras_models_in(row: ResolvedLayer) -> tuple[tuple[str, int], ...]:
    """The Keras models nested in the model that a row is made inside, outermost first."""
    return tuple(use for use in row.containers if keras_model(use[0]) is not None)


def keras_nested(net: Network) -> bool:
    """Whether some of a Keras network's rows are made by a model nested in it (readers.code.keras_nested)."""
    return not net.torch and any(row.containers and keras_models_in(row) for row in net.layers)


def keras_models(rows: tuple[ResolvedLayer, ...] | list[ResolvedLayer],
                 every_level: bool = False) -> dict[tuple[str, int], list[ResolvedLayer]]:
    """The Keras models nested in a network, each with the rows it holds, in order (its last row is its output):
    the outermost when models nest, or ``every_level``, a model before those nested in it."""
    models: dict[tuple[str, int], list[ResolvedLayer]] = {}
    for row in rows:
        for use in keras_models_in(row)[:None if every_level else 1]:
            models.setdefault(use, []).append(row)
    return models
