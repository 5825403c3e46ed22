"""A network as a PyTorch ``nn.Module``: ``__init__`` builds one module per row and ``forward`` applies them
(``+`` and ``torch.cat(…, dim=1)`` for merges)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import CnnCalcError
from .frameworks import TORCH_MERGES, unsupported
from .helpers import TORCH_HELPERS, helpers_used
from .pytorch_modules import torch_modules
from .quoting import Names, docstring, number, slice_code, spec_line

if TYPE_CHECKING:
    from ...graph.network import Network

__all__ = ["pytorch_code"]


def pytorch_code(net: Network) -> str:
    """The network as a PyTorch nn.Module: one attribute per module, forward() applying them in order."""
    if net.symbolic:
        raise CnnCalcError("--format pytorch writes a network with numeric sizes", "give the input with --input")
    if net.torch:
        raise CnnCalcError("--format pytorch writes the spec's layers under Keras' reading of them",
                           "drop --conventions torch: the code written is PyTorch's either way")
    counters: dict[str, int] = {}
    init: list[str] = []
    frozen: list[str] = []  # the modules written with 'frozen': their parameters not trained
    forward: list[str] = []
    names = {"input_layer": "x"}
    attributes = Names()
    from ...model.layers import ChannelSlice, Merge

    for layer in net.layers:
        sources = [names[name] for name in layer.inputs]
        result = f"x{number(layer.index)}" if net.graph else "x"  # a chain reads as x = self.conv1(x)
        if isinstance(layer.layer, Merge):
            if len({len(shape) for shape in layer.input_shapes}) > 1:
                raise unsupported(layer, "PyTorch", "a merge of tensors of different ranks: PyTorch broadcasts "
                                   "from the last axis, which channels-first makes the width")
            if layer.layer.word == "cat":
                forward.append(f"        {result} = torch.cat([{', '.join(sources)}], dim=1)")
            elif layer.layer.word in TORCH_MERGES:
                forward.append(f"        {result} = {TORCH_MERGES[layer.layer.word].join(sources)}")
            else:
                raise unsupported(layer, "PyTorch", f"PyTorch code for a '{layer.layer.word}' merge is not written")
            names[layer.name] = result
            continue
        if isinstance(layer.layer, ChannelSlice):  # an operation in forward(), as torchinfo shows it: no module
            forward.append(f"        {result} = {sources[0]}[:, {slice_code(layer.layer.start, layer.layer.stop)}]")
            names[layer.name] = result
            continue
        current = sources[0]
        for stem, constructor in torch_modules(layer):
            if not stem:  # arithmetic on the tensor in forward(), with no module (Rescaling)
                forward.append(f"        {result} = {current}{constructor}")
                current = result
                continue
            counters[stem] = counters.get(stem, 0) + 1
            attribute = attributes.take(f"{stem}{counters[stem]}", "module")
            init.append(f"        self.{attribute} = {constructor}")
            if layer.frozen:
                frozen.append(f"        self.{attribute}.requires_grad_(False)")
            forward.append(f"        {result} = self.{attribute}({current})")
            current = result
        names[layer.name] = current
    shape = (1, net.input_shape[-1], *net.input_shape[:-1])
    last = names[net.layers[-1].name] if net.layers else "x"
    batch = f"[{', '.join(map(number, shape))}]"
    helpers = helpers_used(TORCH_HELPERS, [line.split(" = ", 1)[1] for line in init])
    return "\n".join([*docstring("Written by cnncalc from the spec:", "", f"    {spec_line(net)}", "",
                                 f"Its input is a batch shaped {batch} (channels first)."), "", "import torch",
                      "from torch import nn", "", "", *helpers, "class Net(nn.Module):", "    def __init__(self):",
                      "        super().__init__()", *init, *frozen, "", "    def forward(self, x):", *forward,
                      f"        return {last}", "", "", "model = Net()", ""])
