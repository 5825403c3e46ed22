"""The command line: the click group, and every command registered on it.

Each command, in a module of its own (``summary``, ``check``, ``check_stride``, ``solve``, ``worked`` for conv,
pool and dense, ``zoo``), reads its arguments, calls the core, renders, and maps the outcome to an exit code: 0 ok,
1 "the answer is no" (a stride that does not fit, a wrong answer, ``--strict`` warnings), 2 bad input.
:class:`~cnncalc.errors.CnnCalcError` is caught at the boundary (:mod:`cnncalc.cli.boundary`) and nowhere else.
A command's module is imported only when that command runs (or ``--help`` lists them all), and each imports its
heavy dependencies when it runs, so that ``summary`` starts quickly.
"""

from __future__ import annotations

import gc
from typing import Any

import click

from .. import __version__
from ..lazy import attribute
from .boundary import guarded
from .loading import load_network
from .options import Command
from .terminal import MIN_WIDTH, console

__all__ = ["COMMANDS", "GUESSED_COMMANDS", "MIN_WIDTH", "Boundary", "console", "load_network", "main"]

#: each command, in the order ``--help`` lists them: its module in this package, and its function there
COMMANDS = {
    "summary": ("summary", "summary"), "solve": ("solve", "solve_command"),
    "check-stride": ("check_stride", "check_stride"), "conv": ("worked", "conv"), "pool": ("worked", "pool_command"),
    "dense": ("worked", "dense_command"), "zoo": ("zoo", "zoo_command"), "check": ("check", "check_command"),
}

#: names importable from here, as before the commands had modules of their own: the module each lives in (every
#: command's function, and the constants tests and docs import)
_MOVED = {function: module for module, function in COMMANDS.values()} | {
    "PASTE_SUFFIXES": "check", "SPEC_ONLY": "check_stride", "SPEC_OPTIONS": "check_stride", "parse_size": "preparing",
    "THEN_HELP": "worked_steps"}


def __getattr__(name: str) -> Any:
    """A command's function, or a name its module defines, imported when first asked for (PEP 562)."""
    return attribute(__package__, _MOVED, name)


#: commands people guess, and the command that answers them
GUESSED_COMMANDS = {
    **dict.fromkeys(("flops", "macs", "cost", "costs", "memory"),
                    "costs are columns of a summary: cnncalc summary SPEC -v (MACs, FLOPs, memory), or "
                    "--flops-convention fvcore|ptflops|thop|macs for a tool's count"),
    **dict.fromkeys(("rf", "receptive", "receptive-field"),
                    "receptive fields are a column of a summary: cnncalc summary SPEC -v"),
    **dict.fromkeys(("params", "parameters", "count", "shape", "shapes"),
                    "cnncalc summary SPEC prints every layer's output shape and parameters"),
    **dict.fromkeys(("stride", "checkstride"), "cnncalc check-stride N F S [P] answers whether a stride fits"),
    **dict.fromkeys(("grade", "homework", "paste"),
                    "cnncalc check grades answers (--expect, --answers) and pasted summaries (--summary)"),
}


class Boundary(click.Group):
    """The click group: every command runs inside the CLI boundary (:func:`cnncalc.cli.boundary.guarded`), the one
    place where every outcome becomes an exit code; click's own usage errors exit 2 through click.  Streams that
    cannot encode cnncalc's glyphs get ASCII stand-ins (see :mod:`cnncalc.views.glyphs`) before anything is printed,
    ``--help`` included.
    """

    command_class = Command  # "did you mean" names an option as --help shows it

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """A command by name, its module imported now: running ``summary`` loads none of the others."""
        if name not in COMMANDS:
            return None
        module, function = COMMANDS[name]
        command: click.Command = attribute(__package__, {name: module}, name, function)
        return command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from ..views.glyphs import fit_streams

        fit_streams()
        return super().main(*args, **kwargs)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        """click's own lookup, with a pointer to the command that does the job for words people guess."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            where = GUESSED_COMMANDS.get(args[0].lower()) if args else None
            if where is None:
                raise
            raise click.UsageError(f"No such command {args[0]!r}: {where}", ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        return guarded(lambda: super(Boundary, self).invoke(ctx),
                       (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort))


@click.group(cls=Boundary, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cnncalc")
def main() -> None:
    """Exact shapes, parameter counts and stride checks for CNNs, from one line of text.

    \b
      cnncalc summary "input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10"
      cnncalc check-stride 7 3 3
    """
    # A short-lived process that builds many small records: the cyclic collector's full
    # passes would make a 100,000-layer spec superlinear, and there are no cycles to find.
    gc.set_threshold(100_000, 50, 50)

