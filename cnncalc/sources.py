"""Where spec text comes from: the argument itself, ``-`` for stdin, or a ``.cnn`` file."""

from __future__ import annotations

import os
import sys

from .errors import SourceError

__all__ = ["read_text"]


def read_text(argument: str, suffixes: tuple[str, ...] = (".cnn",)) -> str:
    """The text an argument stands for.

    ``-`` reads standard input; an existing file, or a name ending in one of ``suffixes``,
    is read as a file; anything else is the text itself.
    """
    if argument == "-":
        return sys.stdin.read()
    looks_like_file = argument.lower().endswith(suffixes) and "\n" not in argument
    if looks_like_file or (len(argument) < 4096 and os.path.isfile(argument)):
        try:
            with open(argument, encoding="utf-8") as handle:
                return handle.read()
        except FileNotFoundError:
            raise SourceError(f"no such file: {argument}",
                              "give a path to an existing file, '-' for stdin, or the text itself") from None
        except (OSError, UnicodeDecodeError) as error:
            raise SourceError(f"cannot read {argument}: {error}") from None
    return argument
