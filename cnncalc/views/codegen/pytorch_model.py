"""A network as a PyTorch ``nn.Module``: ``__init__`` builds one module per row and ``forward`` applies them
(``+`` and ``torch.cat(…, dim=1)`` for merges, an operation for a row written ``fn``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...errors import CnnCalcError
from .frameworks import TORCH_MERGES, unsupported
from .helpers import TORCH_HELPERS, helpers_used
from .pytorch_functions import broadcast, torch_function
from .pytorch_held import held_function, held_modules, parameters_in_forward, require_held_kept
from .pytorch_modules import torch_modules
from .quoting import Names, docstring, number, slice_code, spec_line

if TYPE_CHECKING:
    from ...graph.network import Network, ResolvedLayer

__all__ = ["pytorch_code"]


def _merged(layer: ResolvedLayer, sources: list[str], held: list[bool]) -> str:
    """A merge in forward(): an SE block's vector broadcast over the maps, as Keras broadcasts it; a scaled sum.
    ``held``: each input held with its features last (an nchw input's tensor after a permute)."""
    from ...model.layers import ScaledAdd

    sources = broadcast(layer, sources, held)
    merge = layer.layer
    if isinstance(merge, ScaledAdd):
        return f"{sources[0]} + {number(merge.scale)} * {sources[1]}"
    if merge.word == "cat":  # type: ignore[attr-defined]
        return f"torch.cat([{', '.join(sources)}], dim={'-1' if held[0] and len(layer.output_shape) > 1 else '1'})"
    if merge.word in TORCH_MERGES:  # type: ignore[attr-defined]
        return TORCH_MERGES[merge.word].join(sources)  # type: ignore[attr-defined]
    if merge.word == "avg":  # type: ignore[attr-defined]  # Keras' Average: the sum over the branches' count
        return f"({' + '.join(sources)}) / {number(len(sources))}"
    if merge.word == "max":  # type: ignore[attr-defined]  # Keras' Maximum: elementwise, pairwise
        written = sources[0]
        for source in sources[1:]:
            written = f"torch.maximum({written}, {source})"
        return written
    raise unsupported(layer, "PyTorch", f"PyTorch code for a '{merge.word}' merge is not written")  # type: ignore[attr-defined]


def _operation(layer: ResolvedLayer, sources: list[str], held: list[bool] | None, held_in: bool,
               take: Callable[[str], str]) -> tuple[list[str], str] | None:
    """The operation in forward() a row is written as, with no module: a merge, a slice of the channels, a
    channel padding (PyTorch has no module for it) or a row written ``fn``; and the ``nn.Parameter`` attributes
    (``self.NAME = …`` lines) of a row written ``fn`` with parameters. None for a row written as modules.
    ``held``: each input held with its features last, under an nchw input (None for an input written
    channels-last); ``held_in``: the first one is, and is of rank 2 or more."""
    from ...model.layers import ChannelPad, ChannelSlice, Merge

    if isinstance(layer.layer, Merge):
        return [], _merged(layer, sources, held or [False] * len(sources))
    if isinstance(layer.layer, ChannelSlice):  # x[:, A:B], as torchinfo shows it: no module
        return [], f"{sources[0]}[{'..., ' if held_in else ':, '}{slice_code(layer.layer.start, layer.layer.stop)}]"
    if layer.functional and (written := parameters_in_forward(layer, held_in, take, sources[0])):
        return written  # the parameters of a row written 'fn': the model's own, used by the operation
    if not (layer.functional or isinstance(layer.layer, ChannelPad)):
        return None
    if held_in and isinstance(layer.layer, ChannelPad):
        raise unsupported(layer, "PyTorch", "a channel padding of a tensor held with its features last")
    before, after = (held is not None and held_function(layer, held_in)) or torch_function(layer)
    return [], f"{before}{sources[0]}{after}"


def pytorch_code(net: Network) -> str:
    """The network as a PyTorch nn.Module: one attribute per module, forward() applying them in order."""
    if net.symbolic:
        raise CnnCalcError("--format pytorch writes a network with numeric sizes", "give the input with --input")
    counters: dict[str, int] = {}
    init: list[str] = []
    frozen: list[str] = []  # the modules written with 'frozen': their parameters not trained
    forward: list[str] = []
    names = {"input_layer": "x"}
    nchw = net.layout == "nchw"  # PyTorch's own axes: a tensor may be held with its features last
    held = {"input_layer": False}
    attributes = Names()

    def take(stem: str) -> str:
        counters[stem] = counters.get(stem, 0) + 1
        return attributes.take(f"{stem}{counters[stem]}", "module")

    for layer in net.layers:
        sources = [names[name] for name in layer.inputs]
        held_in = nchw and held[layer.inputs[0]] and len(layer.input_shape) > 1
        held[layer.name] = nchw and layer.tokens
        require_held_kept(layer, held_in)
        result = f"x{number(layer.index)}" if net.graph else "x"  # a chain reads as x = self.conv1(x)
        operation = _operation(layer, sources, [held[name] for name in layer.inputs] if nchw else None, held_in,
                               take)
        if operation is not None:  # an operation in forward(), no module: torchinfo lists no row for it
            lines, written = operation
            init += [f"        {line}" for line in lines]
            if layer.frozen:
                frozen += [f"        {line.split(' = ', 1)[0]}.requires_grad_(False)" for line in lines]
            forward.append(f"        {result} = {written}")
            names[layer.name] = result
            continue
        current = sources[0]
        for stem, constructor in (nchw and held_modules(layer, held_in)) or torch_modules(layer):
            if not stem:  # arithmetic on the tensor in forward(), with no module (Rescaling)
                forward.append(f"        {result} = {current}{constructor}")
                current = result
                continue
            attribute = take(stem)
            init.append(f"        self.{attribute} = {constructor}")
            if layer.frozen:
                frozen.append(f"        self.{attribute}.requires_grad_(False)")
            call = f"({current}, {current}, {current}, need_weights=False)[0]" \
                if constructor.startswith("nn.MultiheadAttention(") else f"({current})"  # self-attention
            forward.append(f"        {result} = self.{attribute}{call}")
            current = result
        names[layer.name] = current
    shape = (1, net.input_shape[-1], *net.input_shape[:-1])
    last = names[net.layers[-1].name] if net.layers else "x"
    batch = f"[{', '.join(map(number, shape))}]"
    helpers = helpers_used(TORCH_HELPERS, [line.split(" = ", 1)[1] for line in init])
    functional = any(" = F." in line for line in forward)  # torch.nn.functional, imported when a row uses it
    return "\n".join([*docstring("Written by cnncalc from the spec:", "", f"    {spec_line(net)}", "",
                                 f"Its input is a batch shaped {batch} (channels first)."), "", "import torch",
                      "from torch import nn", *(["import torch.nn.functional as F"] if functional else []), "", "",
                      *helpers, "class Net(nn.Module):", "    def __init__(self):",
                      "        super().__init__()", *init, *frozen, "", "    def forward(self, x):", *forward,
                      f"        return {last}", "", "", "model = Net()", ""])
