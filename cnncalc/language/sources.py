r"""Where input comes from: the argument itself, ``-`` for stdin, or a file.  The one place input is read.

Every byte cnncalc reads from outside (a spec, a pasted summary, a TOML answer file, a matrix
file) comes through :func:`read_text` or :func:`read_bytes`, which keep the reading promises:

* at most :data:`MAX_INPUT_BYTES`, so ``/dev/zero`` on stdin or a 10 MB paste cannot exhaust memory;
* regular files only, so a FIFO named ``x.cnn`` or a device cannot block or stream forever;
* UTF-8, with or without a byte-order mark; anything else is a clear error, never a traceback.

It also says what a line is, once for every reader and writer (:func:`lines`): a line ends at ``\n``, and
``\r\n`` is one line end.  ``str.splitlines()`` also ends lines at ``\r``, ``\v``, ``\f``, ``\x1c``–``\x1e``,
``\x85``, U+2028 and U+2029 (:data:`OTHER_LINE_BREAKS`); the spec reader refuses those, so no writer can see a
line end where the reader saw a comment go on.  Model code keeps Python's own lines (:func:`python_lines`), so an
error's ``file:line`` shows the line Python numbered.
"""

from __future__ import annotations

import os
import re
import stat
import sys

from ..errors import SourceError

__all__ = ["MAX_INPUT_BYTES", "OTHER_LINE_BREAK", "OTHER_LINE_BREAKS", "lines", "other_line_break", "python_lines",
           "read_bytes", "read_text"]

#: 4 MiB: a 100,000-layer spec is about 2 MB, and no lecture matrix or summary comes near it.
MAX_INPUT_BYTES = 4 * 1024 * 1024
_LIMIT_HINT = "cnncalc reads at most 4 MiB of input; write repeated layers as [ … ]xN"

#: The characters other than ``\n`` at which ``str.splitlines()`` ends a line, with their names.
OTHER_LINE_BREAKS = {"\r": "CARRIAGE RETURN", "\x0b": "LINE TABULATION", "\x0c": "FORM FEED",
                     "\x1c": "FILE SEPARATOR", "\x1d": "GROUP SEPARATOR", "\x1e": "RECORD SEPARATOR",
                     "\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}
#: One of them where :func:`lines` does not end a line: all but a ``\r`` before ``\n`` (a pattern, compiled
#: only for a text that holds one of the characters).
OTHER_LINE_BREAK = "\r(?!\n)|[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"


def lines(text: str) -> list[str]:
    r"""The lines of ``text`` as cnncalc reads them: ended by ``\n`` alone, a ``\r`` before it dropped.

    >>> lines("input 8x8x1 # a\u2028b\r\nrelu")
    ['input 8x8x1 # a\u2028b', 'relu']
    """
    return [line.removesuffix("\r") for line in text.split("\n")]


def python_lines(text: str) -> list[str]:
    r"""The lines of Python source as Python numbers them (``ast``'s ``lineno``): ended by ``\n``, ``\r\n`` or a
    lone ``\r``, never by the other breaks ``str.splitlines()`` knows, which Python reads inside a comment or string.

    >>> python_lines("x = 1  # a\u2028b\ry = 2\r\nz = 3")
    ['x = 1  # a\u2028b', 'y = 2', 'z = 3']
    """
    return _PYTHON_LINE_END.split(text)


_PYTHON_LINE_END = re.compile("\r\n|\r|\n")


def other_line_break(text: str) -> int:
    r"""Where ``text`` holds a line break that :func:`lines` does not end a line at, or -1.

    >>> other_line_break("relu # \u2028 x"), other_line_break("relu\r\nrelu")
    (7, -1)
    """
    if not any(char in text for char in OTHER_LINE_BREAKS):  # most texts: no regex to compile
        return -1
    found = re.search(OTHER_LINE_BREAK, text)
    return -1 if found is None else found.start()


def read_text(argument: str, suffixes: tuple[str, ...] = (".cnn",), what: str = "spec") -> str:
    """The text an argument stands for.

    ``-`` reads standard input; an existing file, or a name ending in one of ``suffixes``,
    is read as a file; anything else is the text itself.
    """
    if argument == "-":
        return _decode(_read_stdin(what), "standard input")
    if len(argument) > MAX_INPUT_BYTES:
        raise SourceError(f"the {what} is {len(argument):,} characters long, over the 4 MiB limit", _LIMIT_HINT)
    looks_like_file = argument.lower().endswith(suffixes) and "\n" not in argument
    if looks_like_file or (len(argument) < 4096 and _exists(argument)):
        return _decode(read_bytes(argument, what), argument)
    return argument.removeprefix("\ufeff")


def read_bytes(path: str, what: str = "file") -> bytes:
    """The bytes of a regular file, at most :data:`MAX_INPUT_BYTES` of them."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SourceError(f"no such file: {path}",
                          "give a path to an existing file, '-' for stdin, or the text itself") from None
    except (OSError, ValueError) as error:
        raise SourceError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a pipe" if stat.S_ISFIFO(info.st_mode) else \
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a regular file"
        raise SourceError(f"cannot read {path} as the {what}: it is {kind}",
                          "give a regular file, or '-' to read standard input")
    if info.st_size > MAX_INPUT_BYTES:
        raise SourceError(f"{path} is {info.st_size:,} bytes, over the 4 MiB limit for the {what}", _LIMIT_HINT)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise SourceError(f"{path} grew past the 4 MiB limit for the {what} while being read", _LIMIT_HINT)
    return data


def _exists(path: str) -> bool:
    try:
        return os.path.exists(path)
    except (OSError, ValueError):  # a NUL byte, or a name the file system refuses
        return False


def _read_stdin(what: str) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if sys.stdin is None:
        raise SourceError("'-' reads standard input, but there is none")
    data = stream.read(MAX_INPUT_BYTES + 1) if stream is not None else \
        sys.stdin.read(MAX_INPUT_BYTES + 1).encode("utf-8", "surrogatepass")
    if len(data) > MAX_INPUT_BYTES:
        raise SourceError(f"standard input holds more than 4 MiB, the limit for the {what}", _LIMIT_HINT)
    return data


def _decode(data: bytes, where: str) -> str:
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")  # "utf-8-sig", without loading its codec
    except UnicodeDecodeError as error:
        raise SourceError(f"{where} is not UTF-8 text: byte {error.start + 1} is 0x{data[error.start]:02x}",
                          "save it as UTF-8") from None
