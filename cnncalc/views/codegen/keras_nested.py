"""A known network standing as one item, written as Keras code: the application built before the model
(``keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=…)``), frozen with
``base.trainable = False``, then used as a layer of the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .frameworks import unsupported
from .quoting import Names, is_name, number_tuple

if TYPE_CHECKING:
    from ...graph.network import Network, ResolvedLayer

__all__ = ["application", "keras_bases"]


def keras_bases(net: Network, variables: Names) -> tuple[list[str], dict[str, str]]:
    """The lines that build each known network of ``net`` before the model, and its variable by row name."""
    from ...model.layers import Nested

    lines: list[str] = []
    found: dict[str, str] = {}
    for layer in net.layers:
        if not isinstance(layer.layer, Nested):
            continue
        variable = variables.take("base")
        found[layer.name] = variable
        lines.append(f"{variable} = {application(layer)}")
        if layer.frozen:
            lines.append(f"{variable}.trainable = False")
    return ([*lines, ""] if lines else []), found


def application(layer: ResolvedLayer) -> str:
    """``keras.applications.NAME(include_top=…, weights=None, input_shape=…)`` on the tensor the item receives:
    weights never change a count."""
    nested = layer.layer
    network: str = nested.network  # type: ignore[attr-defined]
    if nested.framework != "keras" or not is_name(network):  # type: ignore[attr-defined]
        raise unsupported(layer, "Keras", f"{nested.written} is torchvision's network: Keras code builds Keras' "  # type: ignore[attr-defined]
                          "applications (keras:NAME)")
    top = "False" if nested.notop else "True"  # type: ignore[attr-defined]
    # the name is one of the zoo's, a plain identifier (checked above): keras.applications' own attribute
    shape = number_tuple(layer.input_shape)
    return f"keras.applications.{network}(include_top={top}, weights=None, input_shape={shape})"
