"""The order of a network's rows: Keras' order for a functional model (by depth), and PyTorch's (torchinfo's), in
which a layer's fused activation, or a global pool's flatten, takes a row of its own."""

from __future__ import annotations

from ..language.spec import Spec
from .frameworks import split_row

__all__ = ["framework_rows", "keras_order"]


def framework_rows(spec: Spec, torch: bool) -> tuple[list[int], list[bool], int]:
    """Each layer's row (1-based, in the framework's order), whether a second module of it (its activation, a global
    pool's flatten) gets a row of its own, and the row count."""
    count = len(spec.layers)
    # Keras lists a functional model's layers by depth; PyTorch (torchinfo) in the order forward() runs them
    order = keras_order(spec) if spec.graph and not torch else range(1, count + 1)
    split = [False] * (count + 1)  # under torch: a fused activation or a pool's flatten gets a row
    if torch:
        for node, parsed in enumerate(spec.layers, start=1):
            split[node] = split_row(parsed.layer) and not parsed.functional  # one function
    row_of = [0] * (count + 1)
    row = 0
    for node in order:
        row += 1
        row_of[node] = row
        row += split[node]
    return row_of, split, row


def keras_order(spec: Spec) -> list[int]:
    """The layers (1-based, in creation order) in the order Keras 3 lists a functional model's.

    Keras' ``map_graph`` walks back from the output depth first, numbering each layer when it
    first meets it, gives each layer the longest distance to the output as its depth, and sorts
    by depth, deepest first, then by that number.  The input has the greatest depth; it is row 0.
    """
    inputs = [(), *((p.inputs or (n - 1,)) for n, p in enumerate(spec.layers, start=1))]
    output = len(spec.layers)
    first_seen = [-1] * (output + 1)
    seen = 0
    finished: list[int] = []  # post-order: from the input towards the output
    stack: list[tuple[int, int]] = [(output, 0)]
    while stack:  # an explicit stack: a 100,000-layer chain would overflow Python's recursion
        node, next_input = stack.pop()
        if next_input == 0:
            if first_seen[node] >= 0:
                continue
            first_seen[node], seen = seen, seen + 1
        if next_input < len(inputs[node]):
            stack.append((node, next_input + 1))
            parent = inputs[node][next_input]
            if first_seen[parent] < 0:
                stack.append((parent, 0))
        else:
            finished.append(node)
    depth = [0] * (output + 1)
    for node in reversed(finished):
        below = depth[node] + 1
        for parent in inputs[node]:
            depth[parent] = max(depth[parent], below)
    return sorted((n for n in finished if n != 0), key=lambda n: (-depth[n], first_seen[n]))
