"""The command line: thin click commands over the core.

Each command reads its arguments, calls the core, renders, and maps the outcome to an exit
code: 0 ok, 1 "the answer is no" (a stride that does not fit, a wrong answer, ``--strict``
warnings), 2 bad input.  :class:`~cnncalc.errors.CnnCalcError` is caught here and nowhere
else.
"""

from __future__ import annotations

import functools
import gc
import sys
from typing import Any, Callable, NoReturn, TypeVar

import click

from . import __version__
from .errors import CnnCalcError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_NO, EXIT_BAD_INPUT = 0, 1, 2


def fail(error: CnnCalcError) -> NoReturn:
    click.echo(f"Error: {error.render()}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def reports_errors(command: F) -> F:
    """Turn the project's own errors into a message on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CnnCalcError as error:
            fail(error)

    return wrapper  # type: ignore[return-value]


def console() -> Any:
    """A rich console for stdout: plain when piped, and NO_COLOR is honoured by rich."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


SPEC_HELP = "A spec such as 'input 28x28x1, conv32x3, pool2, flatten, dense10', a .cnn file, or - for stdin."


@main.command()
@click.argument("spec", metavar="SPEC")
@click.option("--input", "input_shape", metavar="HxWxC",
              help="Input shape; replaces the spec's input layer, or supplies one.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "csv"]),
              default="table", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Exit 1 if any warning was raised (e.g. an uneven stride).")
@click.option("--explain", is_flag=True, help="Show the arithmetic behind each row's parameter count.")
@reports_errors
def summary(spec: str, input_shape: str | None, fmt: str, strict: bool, explain: bool) -> None:
    """A Keras-style summary of SPEC: layer names, output shapes, parameters and totals.

    SPEC is the network as text, a .cnn file, or - for stdin.  Strides that do not divide
    evenly are computed exactly as Keras and PyTorch floor them, marked ⚠, and explained
    below the table.
    """
    from .network import build
    from .render import print_table, to_csv, to_json, to_markdown
    from .sources import read_text

    net = build(read_text(spec), input_shape)
    if fmt == "table":
        print_table(console(), net, explain=explain)
    else:
        click.echo({"json": to_json, "markdown": to_markdown, "csv": to_csv}[fmt](net))
    if strict and net.warnings:
        sys.exit(EXIT_NO)


@main.command("check-stride", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, metavar="N F S [P]")
@click.option("--dilation", default="1", metavar="D", help="Dilation D or DHxDW: the kernel spans d(f−1)+1.")
@click.option("--ceil", is_flag=True, help="Use PyTorch's ceil_mode for the output size.")
@click.option("--spec", "spec", metavar="SPEC", help="Check every conv and pool layer of a network instead.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def check_stride(args: tuple[str, ...], dilation: str, ceil: bool, spec: str | None, fmt: str) -> None:
    """Does stride S fit kernel F on input N (padding P)?  Exit 0 if it fits, 1 if not.

    \b
    N is H or HxW; F and S are K or KHxKW; P is an int, PHxPW, valid or same
    (default 0).  For each axis: the formula (n + 2p − d(f−1) − 1)/s + 1 with your
    numbers, the verdict, the size Keras and PyTorch give (floor) and with ceil_mode,
    the rows or columns no window reads, a picture, and the nearest strides,
    paddings, input sizes and kernel sizes that fit.

    \b
      cnncalc check-stride 7 3 3          # seed 004: 2.33, does not fit
      cnncalc check-stride 251x151 21 10  # seed 002: 24 × 14
      cnncalc check-stride 28 3 2 same    # where does same put the extra row?
      cnncalc check-stride --spec examples/mnist_keras.cnn
    """
    from .stride import check, check_network, parse_padding, parse_pair

    if spec is not None:
        if args:
            raise click.UsageError("give either N F S [P] or --spec, not both")
        return _check_spec(spec, fmt)
    if len(args) not in (3, 4):
        raise click.UsageError("expected N F S [P], e.g. 'cnncalc check-stride 7 3 3' or '… 32 5 1 2'")
    n, f, s = parse_pair(args[0], "input size N"), parse_pair(args[1], "kernel F"), parse_pair(args[2], "stride S")
    padding = parse_padding(args[3]) if len(args) == 4 else (0, 0)
    report = check(n, f, s, padding, parse_pair(dilation, "dilation"), ceil)
    if fmt == "json":
        import json

        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        from .stride_view import report_renderable

        console().print(report_renderable(report))
    sys.exit(EXIT_OK if report.fits else EXIT_NO)


def _check_spec(spec: str, fmt: str) -> None:
    from .network import build
    from .sources import read_text
    from .stride import check_network
    from .stride_view import spec_line

    rows = check_network(build(read_text(spec)))
    fits = all(report.fits for _, report in rows)
    if fmt == "json":
        import json

        document = {"fits": fits, "layers": [
            {"index": layer.index, "name": layer.name, "spec": layer.source, **report.as_json()}
            for layer, report in rows]}
        click.echo(json.dumps(document, ensure_ascii=False))
    else:
        for layer, report in rows:
            click.echo(spec_line(layer, report))
        if not rows:
            click.echo("no conv or pool layers to check")
    sys.exit(EXIT_OK if fits else EXIT_NO)
