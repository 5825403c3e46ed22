"""A shape as a paste reader reads it (channels last) and in PyTorch's order (channels first), and how a PyTorch
flatten merges a run of its axes."""

from __future__ import annotations

from math import prod

from .reading import Shape


def merged_run(before: Shape, after: Shape) -> str:
    """How ``after`` merges one run of ``before``'s axes into one, both in PyTorch's order ('14 × 14 = 196'), or ''
    when it does not."""
    for start in range(len(after)):
        end = start + len(before) - len(after) + 1
        if end > start + 1 and before[:start] == after[:start] and before[end:] == after[start + 1:] and \
                prod(before[start:end]) == after[start]:
            return f"{' × '.join(map(str, before[start:end]))} = {after[start]:,}"
    return ""


def torch_order(shape: Shape) -> Shape:
    """A shape read channels-last, in PyTorch's order again (channels first)."""
    return (shape[-1], *shape[:-1]) if len(shape) > 1 else shape


def read_order(shape: Shape) -> Shape:
    """A shape in PyTorch's order, as the paste reader reads it (channels last)."""
    return (*shape[1:], shape[0]) if len(shape) > 1 else shape
