"""The CLI boundary: the one place where every outcome of a command becomes an exit code.

0 ok, 1 "the answer is no" (the commands exit 1 themselves), 2 bad input or usage (a
:class:`~cnncalc.errors.CnnCalcError`, click's usage errors, output that cannot be written), 3 an
internal error (a bug: a short message, never a traceback), 130 interrupted, 141 a reader that closed
the pipe, as ``| head -1`` does.  Both ways into a command run through :func:`guarded`: the click
group (:class:`cnncalc.cli.commands.Boundary`) and the lean entry (:mod:`cnncalc.cli.entry`), which
never imports click unless there is a message to print.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

from ..errors import CnnCalcError

__all__ = ["EXIT_BAD_INPUT", "EXIT_BROKEN_PIPE", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_NO", "EXIT_OK",
           "fail", "guarded", "say"]

T = TypeVar("T")

EXIT_OK, EXIT_NO, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_BROKEN_PIPE, EXIT_INTERRUPTED = 141, 130  # as a shell reports a process ended by SIGPIPE or Ctrl-C


def say(message: str) -> None:
    """A message on stderr, written as click writes it (its stream handling, its ANSI stripping)."""
    from click import echo  # a message is the rare case: the lean path does not import click otherwise

    echo(message, err=True)


def fail(error: CnnCalcError) -> NoReturn:
    say(f"Error: {error.render()}")
    sys.exit(EXIT_BAD_INPUT)


def guarded(action: Callable[[], T], passthrough: tuple[type[BaseException], ...] = ()) -> T:
    """Run a command's ``action`` and turn whatever it raises into a message and an exit code.

    ``passthrough``: exceptions the caller handles itself (click's usage errors and exits, which click's own
    ``main`` turns into exit codes).  stdout is flushed here, so that a closed pipe or a full disk surfaces
    here, not at interpreter exit."""
    try:
        try:
            return action()
        finally:
            sys.stdout.flush()
    except passthrough:
        raise
    except CnnCalcError as error:
        fail(error)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except KeyboardInterrupt:
        say("Interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except OSError as error:  # stdout on a full or broken device; reading errors are SourceErrors
        _silence_stdout()
        say(f"Error: cannot write the output: {error.strerror or error}")
        sys.exit(EXIT_BAD_INPUT)
    except MemoryError:
        say("Error: out of memory. Internal error: cnncalc should have refused this input before "
            "allocating; please report it with the command line.")
        sys.exit(EXIT_INTERNAL)
    except Exception as error:  # the last line of defence: a bug, reported briefly
        from .. import __version__

        frame = error.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next
        where = f" in {frame.tb_frame.f_code.co_name}()" if frame is not None else ""
        say(f"Internal error{where}: {type(error).__name__}: {str(error)[:200]}\n"
            f"This is a bug in cnncalc {__version__}; please report it with the command line.")
        sys.exit(EXIT_INTERNAL)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test runner's buffer): nothing is flushed at exit
