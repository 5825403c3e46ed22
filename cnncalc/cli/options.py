"""The options several commands share, one vocabulary across commands.

A word means the same thing in every command: ``--input`` is a network's input shape, written as a spec writes
it; ``--conventions`` is whose rules apply; ``--format`` is ``text`` (the readable default) or ``json``, and more
where a command has more.  An old spelling keeps working as a hidden alias (:class:`Aliased`): taken, and never
shown in ``--help``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class Formats(click.Choice):  # type: ignore[type-arg]
    """--format's choices, one vocabulary across commands ('text' is the readable default everywhere); an old
    spelling is still taken, as a hidden alias, and read as the word it stands for."""

    ALIASES: ClassVar[dict[str, str]] = {"table": "text"}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.lower() in self.ALIASES:
            value = self.ALIASES[value.lower()]
        return super().convert(value, param, ctx)


def format_option(*more: str, help: str | None = None) -> Callable[[F], F]:
    """--format text|json (and ``more``), text by default: every command takes it."""
    return click.option("--format", "fmt", type=Formats(["text", "json", *more]), default="text", show_default=True,
                        help=help or "Output format: text to read, json for a program.")


class Aliased(click.Option):
    """An option with old spellings (``aliases``) that still work and are not shown: help and errors name only
    its own spelling."""

    def __init__(self, *args: Any, aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = aliases

    def _shown(self, method: Callable[[click.Context], Any], ctx: click.Context) -> Any:
        opts = self.opts
        self.opts = [opt for opt in opts if opt not in self.aliases]
        try:
            return method(ctx)
        finally:
            self.opts = opts

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        return self._shown(super().get_help_record, ctx)  # type: ignore[no-any-return]

    def get_error_hint(self, ctx: click.Context) -> str:
        return self._shown(super().get_error_hint, ctx)  # type: ignore[no-any-return]


class Command(click.Command):
    """A command whose "did you mean" names options as --help shows them: a hidden old spelling suggested for a
    mistyped option is replaced by its option's own name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            own = {alias: param.opts[0] for param in self.params if isinstance(param, Aliased)
                   for alias in param.aliases}
            if error.possibilities:
                error.possibilities = list(dict.fromkeys(own.get(name, name) for name in error.possibilities))
            raise


#: --input's help: the spec's own input syntax, layout word included
INPUT_HELP = ("The network's input, written as in a spec: 32x32x3, \"3x32x32 nchw\" (channels first, as PyTorch) "
              "or \"input 32x32x3\". Replaces the spec's input, or supplies one.")


def _only(only: str, help_text: str) -> str:
    """A help that applies in one case alone, saying so first: 'With --spec: the network's input, …'."""
    return f"{only}{help_text[0].lower()}{help_text[1:]}" if only else help_text


def input_option(only: str = "") -> Callable[[F], F]:
    """--input SHAPE: a network's input shape (``only`` prefixes a help that applies in one case alone)."""
    return click.option("--input", "input_shape", metavar="SHAPE", help=_only(only, INPUT_HELP))


def framework_options(only: str = "") -> Callable[[F], F]:
    """--layout and --conventions (--style, its old spelling, hidden): how the input is written and whose rules
    apply; ``only`` prefixes each help when they apply in one case alone."""

    def decorate(command: F) -> F:
        command = click.option(
            "--conventions", "--style", "conventions", cls=Aliased, aliases=("--style",),
            type=click.Choice(["keras", "torch"]), default=None,
            help=_only(only, "Framework conventions: BatchNorm's count (torch: 2·C, running statistics are buffers), "
                        "'same' padding (torch: stride 1 only), a fused activation as its own row, names and shapes "
                        "as torchinfo prints them. Default: keras, or torch for an nchw input; for a model read from "
                        "code, the code's own framework."))(command)
        return click.option(
            "--layout", type=click.Choice(["nhwc", "nchw"]), default=None,
            help=_only(only, "How the input shape is written: nhwc (H×W×C, Keras) or nchw (C×H×W, PyTorch; implies "
                        "--conventions torch). Overrides the spec's 'input … nchw'; the same as a layout word in "
                        "--input."))(command)

    return decorate


def model_option(only: str = "") -> Callable[[F], F]:
    """--model NAME: which model of a .py file; --set NAME=VALUE: a module-level name of it, fixed."""
    where = f"{only.rstrip(': ')} FILE.py: " if only else "With a .py SPEC: "

    def decorate(command: F) -> F:
        command = click.option("--set", "settings", metavar="NAME=VALUE", multiple=True,
                               help=where + "fix a module-level name of the file to a literal, as a script's run "
                               "would set it (--set nc=3); repeat for several. Read, never evaluated.")(command)
        return click.option("--model", "model", metavar="NAME",
                            help=where + "the model to read when the file defines several: a name, or a call "
                            "with literal arguments (\"VGG('VGG16')\").")(command)

    return decorate


#: the options of a command that reads a SPEC
FRAMEWORK_OPTIONS = framework_options()
MODEL_OPTIONS = model_option()


def EXPECT_OPTIONS(command: F) -> F:  # noqa: N802 - a decorator shared by conv and pool
    """--expect, --tolerance and --round: grade a whole answer matrix."""
    command = click.option("--round", "decimals", type=click.IntRange(0, 15), metavar="N",
                           help="Accept answers rounded to N decimals even where they are written with fewer "
                                "(reported as 'rounded').")(command)
    command = click.option("--tolerance", type=click.FloatRange(0, 1), metavar="REL",
                           help="Accept answers within this relative tolerance. Without it every cell is graded "
                                "at the precision it is written with: an integer exactly, 0.78 or 0.77 for 7/9 "
                                "(rounded, or cut as course notes often write it), never 0.76.")(command)
    return click.option("--expect", metavar="M", help="An answer matrix to grade: wrong cells are marked, "
                                                      "the first one explained; exit 1 if any is wrong.")(command)
