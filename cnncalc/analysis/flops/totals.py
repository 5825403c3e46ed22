"""Counts under a convention: a row's (the sum of its modules'), every row's, and --by-op's per operator type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.records import record
from .conventions import RULES
from .ops import Op, modules

if TYPE_CHECKING:
    from ...graph.network import Network, ResolvedLayer

__all__ = ["GROUPS", "LayerCost", "Part", "by_op", "costs", "layer_cost"]

#: --by-op's operator types, in the order they are listed
GROUPS = ("conv", "depthwise conv", "dense", "attention", "batch norm", "activation", "pooling", "merge", "other")


@record
class Part:
    """One module's count under a convention, and how it comes about."""

    op: Op
    flops: int
    text: str


@record
class LayerCost:
    """A row's count under a convention: the sum of its modules'."""

    flops: int
    parts: tuple[Part, ...]

    def explain(self) -> str:
        """How the count comes about; each module named when more than one counts."""
        counted = [part for part in self.parts if part.text]
        if len(counted) == 1:
            return counted[0].text
        return "; ".join(f"{part.op.label}: {part.text}" for part in counted)


def layer_cost(layer: ResolvedLayer, convention: str = "cnncalc", batch: int = 1,
               training: bool = False) -> LayerCost:
    """One row's count under ``convention``, for ``batch`` inputs: the sum over the modules it is.

    This is the only place a convention is applied; ``ResolvedLayer.flops`` (what ``check`` grades as
    ``N.flops``) is this, under ``cnncalc``.

        >>> from cnncalc.graph.network import build
        >>> conv = build("input 28x28x1, conv32x3").layers[0]
        >>> layer_cost(conv).flops == 2 * (26 * 26 * 32 * 9) + 26 * 26 * 32   # 2·MACs + one addition per bias
        True
    """
    rule = RULES[convention]
    parts = []
    for op in modules(layer):
        flops, text = rule(op, training)
        if batch != 1 and text:
            text = f"{batch} × ({text}) = {batch * flops:,}"
        parts.append(Part(op, batch * flops, text))
    return LayerCost(sum(part.flops for part in parts), tuple(parts))


def costs(net: Network, convention: str = "cnncalc", batch: int = 1, training: bool = False) -> tuple[LayerCost, ...]:
    """Every row's count under ``convention``, for ``batch`` inputs."""
    return tuple(layer_cost(layer, convention, batch, training) for layer in net.layers)


def by_op(rows: tuple[LayerCost, ...]) -> list[tuple[str, int, int]]:
    """(operator type, modules, count) for each type present, in GROUPS' order."""
    modules_of: dict[str, int] = {}
    counts: dict[str, int] = {}
    for row in rows:
        for part in row.parts:
            modules_of[part.op.group] = modules_of.get(part.op.group, 0) + 1
            counts[part.op.group] = counts.get(part.op.group, 0) + part.flops
    return [(group, modules_of[group], counts[group]) for group in GROUPS if group in modules_of]
