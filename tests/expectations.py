"""Read the ``# expect KEY = VALUE`` lines: lecture numbers in examples/*.cnn, framework counts in tests/models."""

from __future__ import annotations

import re
from pathlib import Path


def expectations(path: Path) -> list[tuple[str, str, str]]:
    """(layer key or total, field, value) for each ``# expect`` line of a file."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*expect\s+([\w.]+)\s*=\s*(\S+)\s*$", line)
        if match:
            key, value = match.groups()
            layer, _, field = key.rpartition(".")
            found.append((layer, field, value))
    return found


def parse_value(value: str) -> int | tuple[int, ...]:
    """``1199882`` or ``1,199,882`` as an int; ``26x26x32`` as a shape tuple."""
    if "x" in value:
        return tuple(int(part) for part in value.split("x"))
    return int(value.replace(",", "").replace("_", ""))
