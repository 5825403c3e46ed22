"""The command line: click commands over the core, and the boundary that turns errors into exit codes."""

from .commands import main

__all__ = ["main"]
