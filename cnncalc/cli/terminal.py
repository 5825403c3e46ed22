"""The terminal: the one rich console every command prints through, plain when piped and reading no markup."""

from __future__ import annotations

from typing import Any


def console() -> Any:
    """A rich console for stdout: plain when piped, and NO_COLOR is honoured by rich.

    The one place where text becomes terminal output, and it reads no markup: a layer name, an answer such as
    '[batch_size, 26, 26, 33]' or a pasted line with '[bold]' or '[/]' is printed as written.  Styles are
    given as styles (``Text(…, style=…)``, ``style=``), never as markup in a string."""
    from rich.console import Console

    class PipedConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError  # rich would exit 1 ("no"); the boundary exits 141, as a shell tool does

    out = PipedConsole(highlight=False, soft_wrap=False, emoji=False, markup=False)  # ":ok:", "[b]" stay text
    out.width = max(out.width, MIN_WIDTH)  # COLUMNS=0 would print nothing at all, and 1 a column of letters
    return out


#: The narrowest console cnncalc draws for; a narrower COLUMNS (even 0) gets this width.
MIN_WIDTH = 40
