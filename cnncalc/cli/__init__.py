"""The command line: click commands over the core, a lean entry for JSON summaries, and the boundary that turns
errors into exit codes.

``main`` (the click group) is imported only when it is asked for, so that ``run``, the process entry, can answer a
JSON summary without importing click.
"""

from __future__ import annotations

from typing import Any

from .entry import run

__all__ = ["main", "run"]


def __getattr__(name: str) -> Any:
    if name == "main":
        from .commands import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
