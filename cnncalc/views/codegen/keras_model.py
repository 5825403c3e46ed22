"""A network as a Keras 3 model: ``keras.Sequential`` for a chain, the functional API for a graph, written as the
Keras documentation writes models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import CnnCalcError
from .helpers import KERAS_HELPERS, helpers_used
from .keras_layers import keras_after, keras_layer
from .keras_nested import keras_bases
from .quoting import Names, docstring, number, slice_code, spec_line

if TYPE_CHECKING:
    from ...graph.network import Network, ResolvedLayer

__all__ = ["keras_code"]


def keras_code(net: Network) -> str:
    """The network as a Keras 3 model definition: Sequential for a chain, functional for a graph."""
    if net.symbolic or net.torch or net.layout == "nchw":
        raise CnnCalcError("--format keras writes a channels-last network with numeric sizes",
                           "give the spec's input as H×W×C numbers, under Keras conventions")
    shape = ", ".join(map(number, net.input_shape)) + ("," if len(net.input_shape) == 1 else "")
    from ...model.layers import ChannelSlice, MultiHeadAttention, TokenSelect

    helpers = helpers_used(KERAS_HELPERS, [keras_layer(layer)[1] for layer in net.layers
                                           if not isinstance(layer.layer, (ChannelSlice, TokenSelect))])
    head = [*docstring("Written by cnncalc from the spec:", "", f"    {spec_line(net)}"), "", "import keras",
            "from keras import layers", "", *(["", *helpers] if helpers else [])]

    variables = Names("keras", "layers", "inputs", "model")
    bases, base_of = keras_bases(net, variables)  # the known networks, built before the model
    head += bases
    # a slice of the channels is Keras' x[..., a:b] (a GetItem row), a token x[:, i], and self-attention is called
    # on (x, x): only the functional API writes them
    if not net.graph and not any(isinstance(layer.layer, (ChannelSlice, TokenSelect, MultiHeadAttention))
                                 for layer in net.layers):
        rows = [f"    keras.Input(shape=({shape})),"]
        for layer in net.layers:
            if layer.name in base_of:
                base = base_of[layer.name]  # the network built before the model
                rows.append(f"    {base},")
                continue
            before, call = _keras_layer(layer)
            rows += [f"    {b}," for b in before] + [f"    {call},"] + [f"    {a}," for a in keras_after(layer)]
        return "\n".join([*head, "model = keras.Sequential([", *rows, "])", "model.summary()", ""])
    return "\n".join([*head, *_keras_functional(net, shape, variables, base_of), "model.summary()", ""])


def _keras_layer(layer: ResolvedLayer) -> tuple[list[str], str]:
    """A row's Keras layer, with ``trainable=False`` when it is frozen."""
    before, call = keras_layer(layer)
    if layer.frozen:
        call = f"{call[:-1]}trainable=False)" if call.endswith("()") else f"{call[:-1]}, trainable=False)"
    return before, call


def _keras_functional(net: Network, shape: str, variables: Names, base_of: dict[str, str]) -> list[str]:
    """A graph in Keras' functional API, one variable per layer, named as Keras names the layer where it can be;
    a known network is its variable (``base``) called on its input."""
    names = {"input_layer": "inputs"}
    code = [f"inputs = keras.Input(shape=({shape}))"]
    from ...model.layers import ChannelSlice, MultiHeadAttention, TokenSelect

    for layer in sorted(net.layers, key=lambda row: row.created):  # created in the spec's order: the same names
        sources = [names[name] for name in layer.inputs]
        argument = f"[{', '.join(sources)}]" if len(sources) > 1 else sources[0]
        variable = variables.take(layer.name)
        names[layer.name] = variable
        if isinstance(layer.layer, ChannelSlice):  # no layer class: Keras records the operation as GetItem
            code.append(f"{variable} = {argument}[..., {slice_code(layer.layer.start, layer.layer.stop)}]")
            continue
        if isinstance(layer.layer, TokenSelect):  # Keras records x[:, i] as GetItem too
            code.append(f"{variable} = {argument}[:, {number(layer.layer.index)}]")
            continue
        if layer.name in base_of:
            base = base_of[layer.name]
            code.append(f"{variable} = {base}({argument})")
            continue
        before, call = _keras_layer(layer)
        for count, b in enumerate(before):
            padded = variables.take(f"{variable}_pad{count or ''}")
            code.append(f"{padded} = {b}({argument})")
            argument = padded
        # self-attention: the query and the value are the same tensor
        called = f"{argument}, {argument}" if isinstance(layer.layer, MultiHeadAttention) else argument
        code.append(f"{variable} = {call}({called})")
        for after in keras_after(layer):
            code.append(f"{variable} = {after}({variable})")
    output = names[max(net.layers, key=lambda row: row.created).name] if net.layers else "inputs"
    return [*code, f"model = keras.Model(inputs, {output})"]
