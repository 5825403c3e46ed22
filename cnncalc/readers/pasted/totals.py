"""A summary's totals: the 'Total / Trainable / Non-trainable params' lines, and torchinfo's footer of mult-adds and
sizes, each read as written.
"""

from __future__ import annotations

import re

from .numbers import leading_count

_TOTAL = re.compile(r"^\s*(?P<label>Total|Trainable|Non-trainable) params:(?P<count>[^(]*)", re.I)
#: torchinfo's footer: 'Total mult-adds (M): 2.47' (Python 3.11+: '(Units.MEGABYTES)') and the four size lines
_TORCHINFO_FOOTER = re.compile(r"^\s*(?P<label>Total mult-adds|Input size|Forward/backward pass size|Params size|"
                               r"Estimated Total Size) \((?P<unit>[^)]*)\):\s*(?P<value>[\d,]+(?:\.\d+)?)\s*$")
_UNITS = {"Units.MEGABYTES": "M", "Units.GIGABYTES": "G", "Units.TERABYTES": "T", "Units.NONE": ""}


def total_line(line: str) -> tuple[str, int | None] | None:
    """A 'Total params: 1,234' line as ('total', 1234), its count None when it cannot be read; None for another
    line. Labels: 'total', 'trainable', 'non_trainable'."""
    total = _TOTAL.match(line)
    if not total:
        return None
    return total["label"].lower().replace("-", "_"), leading_count(total["count"])


def footer_line(line: str) -> tuple[str, str, str] | None:
    """A line of torchinfo's footer as (label, unit, value as written without its commas): 'Params size (MB): 0.22'
    → ('Params size', 'MB', '0.22'); Python 3.11's '(Units.MEGABYTES)' is read as 'M'."""
    footer = _TORCHINFO_FOOTER.match(line)
    if not footer:
        return None
    return footer["label"], _UNITS.get(footer["unit"], footer["unit"]), footer["value"].replace(",", "")
