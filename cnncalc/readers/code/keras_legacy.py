"""Keras 1's spellings of a layer's arguments, as Keras 2 renamed them: ``Convolution2D(32, 3, 3,
border_mode='same', subsample=(2, 2))`` is ``Conv2D(32, (3, 3), padding='same', strides=(2, 2))``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .arguments import _shown
from .values import Layer

if TYPE_CHECKING:
    from .calls import Interpreter

#: Keras 1's keywords and the Keras 2 ones they became (Dropout's p is its rate).
_RENAMED = {"border_mode": "padding", "subsample": "strides", "nb_filter": "filters", "bias": "use_bias",
            "subsample_length": "strides", "filter_length": "kernel_size"}
#: Keras 1's keywords that change no shape nor count: initialisers, regularisers, constraints.
_DROPPED = frozenset({"init", "W_regularizer", "b_regularizer", "activity_regularizer", "W_constraint",
                      "b_constraint", "weights"})
#: The keywords only Keras 1 takes: a call with one of them is read as Keras 1 wrote it.
_KERAS1 = frozenset({*_RENAMED, *_DROPPED, "nb_row", "nb_col", "dim_ordering"}) - {"weights"}
_CONVOLUTIONS = frozenset({"Convolution2D", "Conv2D", "Deconvolution2D", "Conv2DTranspose", "SeparableConv2D"})


def modern(layer: Layer, interpreter: Interpreter) -> Layer:
    """The layer with Keras 2's arguments when its call is written in Keras 1's (the layer itself otherwise)."""
    k = layer.kwargs
    keras1 = not _KERAS1.isdisjoint(k) or (layer.name == "Dense" and "output_dim" in k) or \
        (layer.name == "Dropout" and "p" in k) or \
        (layer.name == "Convolution2D" and len(layer.args) >= 3 and all(_whole(v) for v in layer.args[1:3]))
    if not keras1:
        return layer
    if k.get("dim_ordering", "default") not in ("default", "tf"):
        raise interpreter.error(layer.node, f"a {layer.name} given dim_ordering={_shown(k['dim_ordering'])}",
                                "cnncalc reads Keras layers channels-last ('tf'): leave dim_ordering out")
    if k.get("border_mode", "valid") not in ("valid", "same"):
        raise interpreter.error(layer.node, f"a {layer.name} given border_mode={_shown(k['border_mode'])}",
                                "cnncalc reads border_mode 'valid' and 'same' (Keras 2's padding)")
    kwargs = {_RENAMED.get(key, key): value for key, value in k.items()
              if key not in _DROPPED and key not in ("nb_row", "nb_col", "dim_ordering")}
    if layer.name == "Dropout" and "p" in kwargs:
        kwargs["rate"] = kwargs.pop("p")
    if layer.name == "Dense" and "output_dim" in kwargs:  # Embedding keeps its output_dim
        kwargs["units"] = kwargs.pop("output_dim")
    if layer.name == "Deconvolution2D":  # Keras 1's is given the output_shape it must make
        raise interpreter.error(layer.node, "a Keras 1 Deconvolution2D",
                                "write it as Keras 2's Conv2DTranspose(filters, kernel_size, strides, padding)")
    args = list(layer.args)
    if layer.name in _CONVOLUTIONS:  # Convolution2D(nb_filter, nb_row, nb_col, …)
        if len(args) > 3:
            raise interpreter.error(layer.node, f"a Keras 1 {layer.name} with more than three positional arguments",
                                    "give init, activation and the rest by keyword")
        filters = args[0] if args else kwargs.pop("filters", None)
        rows = args[1] if len(args) > 1 else k.get("nb_row")
        columns = args[2] if len(args) > 2 else k.get("nb_col")
        args = [filters, (rows, columns)]
        kwargs.pop("filters", None)
    return Layer(layer.framework, layer.name, args, kwargs, layer.node)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
