"""The rules of a vision transformer's rows on tokens: self-attention, the class token and the position embedding.

Their tensors are L×D, the features last in PyTorch too, so a torchinfo row ``[1, 197, 768]`` is 197 tokens of 768
features; the rules read each shape as the paste prints it."""

from __future__ import annotations

from math import prod

from ...readers.pasted import PastedRow
from ..answers import Verdict
from .reading import Reading, Shape, _judge, _unchecked


class TokenRules(Reading):
    """Each rule checks one row on tokens from the shape it reads."""

    def printed(self, shape: Shape) -> Shape:
        """A shape as the paste prints it (the rules' channels-last reading undone)."""
        return (shape[-1], *shape[:-1]) if (self.channels_first or self.torch) and len(shape) > 1 else shape

    def attention(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """Multi-head self-attention on D features keeps the shape; 4·D² + 4·D parameters (4·D² without biases),
        in PyTorch's packed in_proj and out_proj as in Keras' per-head kernels."""
        features = self.printed(before)[-1]
        full, bare = 4 * features * features + 4 * features, 4 * features * features
        return [self.output(number, row, before, f"{kind} keeps the shape"),
                _judge(number, row, "params", f"{row.params:,}", f"{full:,}", row.params in (full, bare),
                       f"the query, key, value and output projections of {features} features: "
                       f"4·{features}² + 4·{features} = {full:,} (4·{features}² = {bare:,} without biases)")]

    def class_token(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """A class token put before L tokens of D features: L + 1 tokens; D parameters."""
        tokens = self.printed(before)
        if len(tokens) != 2:
            return [_unchecked(number, row, "output", self.show(row.shape), "a class token joins L×D tokens")]
        length, features = tokens
        expected = self.shape((length + 1, features))
        return [self.output(number, row, expected, f"{length} tokens + the class token = {length + 1}"),
                _judge(number, row, "params", f"{row.params:,}", f"{features:,}", row.params == features,
                       f"one token of {features} features")]

    def position_embedding(self, number: int, row: PastedRow, kind: str, before: Shape) -> list[Verdict]:
        """A learned vector added to each token: the shape kept; L·D parameters."""
        tokens = self.printed(before)
        count = prod(tokens)
        return [self.output(number, row, before, f"{kind} keeps the shape"),
                _judge(number, row, "params", f"{row.params:,}", f"{count:,}", row.params == count,
                       f"one vector per token: {' · '.join(map(str, tokens))} = {count:,}")]
