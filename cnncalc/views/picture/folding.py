"""``--fold``: a chain's long repeats drawn once. A run of layers that repeats, each time with the same spec, class,
output shape and parameters (30 × conv, bn, relu), is drawn as its first time through, each box labelled with its
first and last name and ``× 30``; without ``--fold`` every layer is drawn.

The runs are found greedily from the left: at each layer, the group of at most :data:`LONGEST` layers that repeats
over the most layers (the shortest such group on a tie) is folded if it repeats at least twice. A layer outside
any fold costs about :data:`LONGEST`² comparisons, and a fold's layers each :data:`LONGEST` times their group's
length at most: a 1,000-layer chain folds in milliseconds.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

__all__ = ["LONGEST", "folds"]

#: the longest group of layers a fold repeats
LONGEST = 8


def folds(keys: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """The pieces of a chain whose layers have ``keys`` (equal keys: the same layer again), in order, as (first
    layer, layers in the group, times repeated); a layer not in a fold is a piece of one layer once.

    >>> folds("abcbcbcd")
    [(0, 1, 1), (1, 2, 3), (7, 1, 1)]
    >>> folds("aaab")
    [(0, 1, 3), (3, 1, 1)]
    """
    pieces = []
    place = 0
    while place < len(keys):
        best = (1, 1)  # (group, times)
        for group in range(1, LONGEST + 1):
            pattern = keys[place : place + group]
            if len(pattern) < group:
                break
            times = 1
            while keys[place + times * group : place + (times + 1) * group] == pattern:
                times += 1
            if times > 1 and group * times > best[0] * best[1]:
                best = (group, times)
        pieces.append((place, *best))
        place += best[0] * best[1]
    return pieces
