"""The rows a summary shows when a known network's own rows are expanded (``--expand-nested``, ``--depth N``): each
nested row followed by its network's rows, named as each framework prints them.

Keras (``summary(expand_nested=True)``, keras/src/utils/summary_utils.py): an inner row is its name and class behind
``"   " * level + "└ "``, and a nested Functional model lists its own ``input_layer (InputLayer)`` first.
torchinfo: a row at depth ``d`` is drawn behind ``├─`` (depth 1) or ``"│    " * (d - 1) + "└─"``, and named
``Class: d-i``, ``i`` counting the rows of depth ``d`` in order over the whole summary (``set_children_layers``);
``depth`` hides the rows deeper than it, which changes no number of a row it shows (a depth's count runs over
that depth's rows alone).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph.network import Network, ResolvedLayer
from ..model.records import record

__all__ = ["ShownRow", "deepest", "shown_rows"]


@record
class ShownRow:
    """One row as the expanded summary shows it: its ``depth`` (1 for the network's own rows), the row itself
    (None for a nested Keras model's own input row), the network it belongs to, whether it is frozen with the
    item that holds it, its ``number`` among the network's own rows (None for an inner row) and its name cell."""

    depth: int
    layer: ResolvedLayer | None
    owner: Network
    frozen: bool
    number: int | None
    name: str


def deepest(net: Network) -> int:
    """How deep the network's rows go: 1 without a known network as an item, 2 with one."""
    return 1 + max((deepest(layer.inner) for layer in net.layers if layer.inner is not None), default=0)


def shown_rows(net: Network, depth: int) -> list[ShownRow]:
    """The rows down to ``depth`` (1: the network's own rows, as without expansion), each nested row followed by
    its network's rows.  Under PyTorch's conventions, every row is drawn as torchinfo draws it once a deeper row is
    shown."""
    glyphs = net.torch and depth > 1 and deepest(net) > 1
    counters: dict[int, int] = {}
    return list(_rows(net, 1, depth, False, glyphs, counters))


def _rows(net: Network, level: int, depth: int, frozen: bool, glyphs: bool,
          counters: dict[int, int]) -> Iterator[ShownRow]:
    if level > 1 and not net.torch:  # a nested Functional model lists its input layer first
        yield ShownRow(level, None, net, frozen, None, _keras_name(level, "input_layer (InputLayer)"))
    for number, layer in enumerate(net.layers):
        counters[level] = counters.get(level, 0) + 1
        if net.torch:
            kind = layer.name.rsplit(": ", 1)[0]
            name = f"{_torch_start(level) if glyphs else ''}{kind}: {level}-{counters[level]}"
        else:
            name = _keras_name(level, f"{layer.name} ({layer.keras_class})")
        held = frozen or layer.frozen
        yield ShownRow(level, layer, net, held, number if level == 1 else None, name)
        if layer.inner is not None and level < depth:  # the rows deeper than ``depth``: not shown, not counted
            yield from _rows(layer.inner, level + 1, depth, held, glyphs, counters)


def _keras_name(level: int, name: str) -> str:
    """Keras' prefix for a row ``level - 1`` models deep: ``   └ conv2d (Conv2D)``."""
    return f"{'   ' * (level - 1)}└ {name}" if level > 1 else name


def _torch_start(level: int) -> str:
    """torchinfo's ``get_start_str``: ``├─`` at depth 1, ``│    └─`` at depth 2."""
    return "├─" if level == 1 else "│    " * (level - 1) + "└─"
