"""Which pasted row is which layer: the rows and the spec's layers paired in order, so that one missing or extra
row is named instead of shifting every row after it; a 4 MiB paste costs a pass.
"""

from __future__ import annotations

Shape = tuple[int, ...]
#: A layer or a row as it is paired: its class, its shape and its count.
Key = tuple[str, Shape, int]
#: Pastes up to this many (layer, row) cells are paired by one edit distance over all their rows.
_WHOLE_EDIT = 40_000
#: Longer pastes are walked in order: where a row and a layer disagree, the walk looks this many rows ahead on
#: each side for where they agree again (for :data:`_AGREE` rows in a row), and pairs the rows between by edit
#: distance; so a 4 MiB paste costs a pass, not a product of its rows and the spec's.
_LOOKAHEAD = 8
_AGREE = 4


def pairing(expected: list[Key], given: list[Key]) -> list[tuple[int | None, int | None]]:
    """Which pasted row is which layer: (layer, row) index pairs in order, None for a missing or an extra row.

    An edit distance pairs a row of the same class whose shape or count differs (a misprint, 0.5 each) rather
    than call it one missing and one extra (1 each), and pairs rows of different classes only when their shape
    and count agree. Past 200 × 200 rows, rows alike in class, shape and count are paired as the walk meets them,
    and the edit distance pairs the few rows between two places where the paste and the spec agree again.

    >>> pairing([("BatchNormalization", (1, 1, 1), 4)] * 2, [("BatchNormalization", (1, 1, 2), 4),
    ...                                                       ("BatchNormalization", (1, 1, 1), 4)])
    [(0, 0), (1, 1)]
    """
    if len(expected) * len(given) <= _WHOLE_EDIT:
        return _edit_pairs(expected, given)
    n, m = len(expected), len(given)
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if expected[i] == given[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
            continue
        skip_i, skip_j = _agreement(expected, given, i, j)
        pairs += [(None if a is None else i + a, None if b is None else j + b)
                  for a, b in _edit_pairs(expected[i:i + skip_i], given[j:j + skip_j])]
        i, j = i + skip_i, j + skip_j
    return pairs + [(a, None) for a in range(i, n)] + [(None, b) for b in range(j, m)]


def _agreement(expected: list[Key], given: list[Key], i: int, j: int) -> tuple[int, int]:
    """How many layers and rows from (i, j) until the spec and the paste agree again, the fewest first: for
    :data:`_AGREE` rows, or up to both ends. Nowhere within :data:`_LOOKAHEAD`: that many on each side."""
    n, m = len(expected), len(given)
    for total in range(1, 2 * _LOOKAHEAD + 1):
        for skip_i in range(max(0, total - _LOOKAHEAD), min(total, _LOOKAHEAD) + 1):
            a, b = i + skip_i, j + total - skip_i
            if a > n or b > m:
                continue
            run = min(_AGREE, n - a, m - b)
            if (run == _AGREE or (a + run == n and b + run == m)) and expected[a:a + run] == given[b:b + run]:
                return skip_i, total - skip_i
    return min(_LOOKAHEAD, n - i), min(_LOOKAHEAD, m - j)


def _edit_pairs(expected: list[Key], given: list[Key]) -> list[tuple[int | None, int | None]]:
    """The cheapest pairing of two short runs of rows (an edit distance, backtracked)."""
    def cost(a: Key, b: Key) -> float:
        if a[0] == b[0]:
            return 0.5 * (a[1] != b[1]) + 0.5 * (a[2] != b[2])
        return 1.0 if a[1:] == b[1:] else 3.0

    n, m = len(expected), len(given)
    table = [[float(i + j) if not i or not j else 0.0 for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            table[i][j] = min(table[i - 1][j - 1] + cost(expected[i - 1], given[j - 1]), table[i - 1][j] + 1,
                              table[i][j - 1] + 1)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and table[i][j] == table[i - 1][j - 1] + cost(expected[i - 1], given[j - 1]):
            i, j = i - 1, j - 1
            pairs.append((i, j))
        elif i and table[i][j] == table[i - 1][j] + 1:
            i -= 1
            pairs.append((i, None))
        else:
            j -= 1
            pairs.append((None, j))
    return pairs[::-1]
