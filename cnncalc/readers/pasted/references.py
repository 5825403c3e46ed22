"""A functional Keras summary's 'Connected to' references: 'conv2d[0][0]', or Keras 3's cut forms."""

from __future__ import annotations

import re

#: A 'Connected to' reference: name[node][tensor], or Keras 3's cut forms 'name[0][0…', 'name[0]…', 'name…'.
# A name starts where no name goes on (the lookbehind), and is taken whole (possessive): a line of 1,000
# underscores then costs one pass, not a retry from every position with every shorter name.
CONNECTION = re.compile(r"(?<![\w.])[A-Za-z_][\w.]*+(?:\[\d+\]\[\d+\]|[\[\]\d]*…)")


def reference_name(token: str) -> tuple[str, bool]:
    """'conv2d[0][0]' → ('conv2d', False); 'batch_normalization[0]…' → ('batch_normalization', False);
    'global_average_pooling…' → ('global_average_pooling', True): a name cut short."""
    name = re.match(r"[A-Za-z_][\w.]*", token)
    text = name[0] if name else token
    return text, token.endswith("…") and "[" not in token
