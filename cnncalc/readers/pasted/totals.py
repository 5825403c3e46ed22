"""A summary's totals: the 'Total / Trainable / Non-trainable params' lines, and torchinfo's footer of mult-adds and
sizes, each read as written (the reader matches every line with the patterns, and reads only what they match).
"""

from __future__ import annotations

import re

from .numbers import leading_count

#: 'Total params: 1,234', 'Trainable params: …', 'Non-trainable params: …' and Keras 3's 'Optimizer params: …'; the
#: count as written, up to a '('. A Markdown bullet may open it ('- Total params: …'), and a table row has no colon
#: ('Total params    61,706', '| Total params | 61,706 |' with its rules read as spaces).
TOTAL = re.compile(r"^\s*(?:[-*+•]\s+)?(?P<label>Total|Trainable|Non-trainable|Optimizer) params(?::|\s+(?=\d))"
                   r"(?P<count>[^(]*)", re.I)
#: A line that says rows were left out of the paste: '...', '…', '[...]', '（中略）', '# 40 more layers'.
CUT = re.compile(r"^\s*(?:\.{3,}|…+|\[(?:\.{3}|…)\]|\((?:\.{3}|…)\)|[（(]中略[）)]|"
                 r"\d+ more (?:layers|rows|lines)\b.*)\s*$", re.I)
#: torchinfo's footer: 'Total mult-adds (M): 2.47' (Python 3.11+: '(Units.MEGABYTES)') and the four size lines
TORCHINFO_FOOTER = re.compile(r"^\s*(?P<label>Total mult-adds|Input size|Forward/backward pass size|Params size|"
                              r"Estimated Total Size) \((?P<unit>[^)]*)\):\s*(?P<value>[\d,]+(?:\.\d+)?)\s*$")
_UNITS = {"Units.MEGABYTES": "M", "Units.GIGABYTES": "G", "Units.TERABYTES": "T", "Units.NONE": ""}


def total_of(total: re.Match[str]) -> tuple[str, int | None]:
    """A :data:`TOTAL` line ('Total params: 1,234') as ('total', 1234), its count None when it cannot be read.
    Labels: 'total', 'trainable', 'non_trainable', 'optimizer'."""
    return total["label"].lower().replace("-", "_"), leading_count(total["count"])


def footer_of(footer: re.Match[str]) -> tuple[str, str, str]:
    """A :data:`TORCHINFO_FOOTER` line as (label, unit, value as written without its commas): 'Params size (MB):
    0.22' → ('Params size', 'MB', '0.22'); Python 3.11's '(Units.MEGABYTES)' is read as 'M'."""
    return footer["label"], _UNITS.get(footer["unit"], footer["unit"]), footer["value"].replace(",", "")
