"""A small layered layout for a directed acyclic graph, as plot_model draws a network: each node on the layer of
its longest path from a source, the nodes of a layer ordered by the barycentre of their neighbours (a few sweeps
down and up), then placed left to right, each as near the mean of its predecessors as its left neighbour allows.

Nodes are numbers 0..n−1 with their widths; the result is each node's layer and the x of its left edge. Linear in
nodes plus edges per sweep.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["GAP", "layering", "place"]

#: the least horizontal space between two nodes of a layer, in pixels
GAP = 24.0
#: how many barycentre sweeps (each down, then up) order the layers
SWEEPS = 4


def layering(count: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Each node's layer: 0 for a node with no predecessor, else one more than its deepest predecessor's.

    >>> layering(4, [(0, 1), (1, 2), (0, 2), (2, 3)])
    [0, 1, 2, 3]
    """
    successors: list[list[int]] = [[] for _ in range(count)]
    waiting = [0] * count
    for source, target in edges:
        successors[source].append(target)
        waiting[target] += 1
    layer = [0] * count
    ready = [node for node in range(count) if not waiting[node]]
    while ready:
        node = ready.pop()
        for target in successors[node]:
            layer[target] = max(layer[target], layer[node] + 1)
            waiting[target] -= 1
            if not waiting[target]:
                ready.append(target)
    if any(waiting):
        raise ValueError("the graph has a cycle")
    return layer


def _orders(count: int, edges: Sequence[tuple[int, int]], layer: list[int]) -> list[list[int]]:
    """The nodes of each layer, in the order the barycentre sweeps leave them (ties kept in node order)."""
    rows: list[list[int]] = [[] for _ in range(max(layer, default=-1) + 1)]
    for node in range(count):
        rows[layer[node]].append(node)
    before: list[list[int]] = [[] for _ in range(count)]
    after: list[list[int]] = [[] for _ in range(count)]
    for source, target in edges:
        before[target].append(source)
        after[source].append(target)
    position = [0.0] * count
    for row in rows:
        for index, node in enumerate(row):
            position[node] = index - (len(row) - 1) / 2  # centred, so that rows of different lengths compare

    def sweep(sequence: list[list[int]], neighbours: list[list[int]]) -> None:
        for row in sequence:
            if len(row) < 2:
                continue
            centre = {node: sum(position[n] for n in neighbours[node]) / len(neighbours[node])
                      for node in row if neighbours[node]}
            row.sort(key=lambda node: centre.get(node, position[node]))
            for index, node in enumerate(row):
                position[node] = index - (len(row) - 1) / 2

    for _ in range(SWEEPS):
        sweep(rows[1:], before)
        sweep(rows[-2::-1], after)
    sweep(rows[1:], before)
    return rows


def place(widths: Sequence[float], edges: Sequence[tuple[int, int]]) -> tuple[list[int], list[float]]:
    """Each node's layer and the x of its left edge: in each layer, in barycentre order, each node's centre as
    near its predecessors' mean as the nodes to its left allow, never closer than :data:`GAP` to them.

    >>> place([10, 10, 10, 10], [(0, 1), (0, 2), (1, 3), (2, 3)])
    ([0, 1, 1, 2], [17.0, 0.0, 34.0, 17.0])
    """
    count = len(widths)
    layer = layering(count, edges)
    rows = _orders(count, edges, layer)
    before: list[list[int]] = [[] for _ in range(count)]
    for source, target in edges:
        before[target].append(source)
    centre = [0.0] * count
    left = [0.0] * count
    for row in rows:
        wanted = [sum(centre[n] for n in before[node]) / len(before[node]) if before[node] else 0.0 for node in row]
        # each node pushed right of its left neighbour, then the row shifted by its mean push: a fork's branches
        # sit on either side of the node they leave
        edge = -float("inf")
        for node, goal in zip(row, wanted):
            left[node] = max(goal - widths[node] / 2, edge + GAP)
            edge = left[node] + widths[node]
        push = sum(left[node] + widths[node] / 2 - goal for node, goal in zip(row, wanted)) / len(row)
        for node in row:
            left[node] -= push
            centre[node] = left[node] + widths[node] / 2
    shift = min(left, default=0.0)
    return layer, [x - shift for x in left]
