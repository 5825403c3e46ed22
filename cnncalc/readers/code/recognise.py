"""A framework layer as a spec item, by its framework."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .arguments import Requirement, _unreadable
from .keras_layers import _keras_item
from .layer_words import TORCH_WORDS, torch_word
from .torch_layers import _torch_item
from .values import Layer

if TYPE_CHECKING:
    from .calls import Interpreter


def layer_item(layer: Layer, interpreter: Interpreter) -> tuple[str | None, Requirement | None]:
    """The spec item of a framework layer, and what it requires of the resolved network (PyTorch states the size
    a layer reads)."""
    if layer.kwargs.get("trainable", True) is not True:
        raise interpreter.error(layer.node, f"a {layer.name} that is not trainable",
                                "cnncalc counts every weight as trainable: leave trainable out, or write the model "
                                "as a spec")
    try:
        if layer.framework == "keras":
            return _keras_item(layer, interpreter)
        return torch_word(layer, interpreter) if layer.name in TORCH_WORDS else _torch_item(layer, interpreter)
    except (ValueError, TypeError, LookupError) as error:
        raise _unreadable(layer.name, error, layer.node, interpreter) from None
