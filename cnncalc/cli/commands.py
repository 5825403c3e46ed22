"""The command line: thin click commands over the core.

Each command reads its arguments, calls the core, renders, and maps the outcome to an exit
code: 0 ok, 1 "the answer is no" (a stride that does not fit, a wrong answer, ``--strict``
warnings), 2 bad input.  :class:`~cnncalc.errors.CnnCalcError` is caught at the boundary
(:mod:`cnncalc.cli.boundary`) and nowhere else.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import __version__
from ..analysis.costs import DTYPES, OPTIMIZERS
from ..analysis.flops import CONVENTIONS as FLOPS_CONVENTIONS
from ..errors import CnnCalcError, shorten
from ..model.layers import ACTIVATIONS
from .boundary import EXIT_NO, EXIT_OK, guarded
from .loading import load_network
from .options import (
    EXPECT_OPTIONS,
    FRAMEWORK_OPTIONS,
    MODEL_OPTIONS,
    Aliased,
    Command,
    format_option,
    framework_options,
    input_option,
    model_option,
)

F = TypeVar("F", bound=Callable[..., Any])

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




@main.command()
@click.argument("spec", metavar="SPEC")
@input_option()
@format_option("markdown", "csv", "keras", "pytorch",
               help="Output format; keras and pytorch write a runnable model definition of the network.")
@click.option("--strict", is_flag=True, help="Exit 1 if any warning was raised (e.g. an uneven stride).")
@click.option("--explain", is_flag=True,
              help="Show the arithmetic under each row: output-size formula, parameter count (and, with rf, the "
                   "receptive-field recurrence).")
@click.option("--check", is_flag=True,
              help="Run a real forward pass with NumPy twins of every layer and confirm each shape. Average "
                   "pooling with explicit padding counts the padded zeros (PyTorch's count_include_pad=True); "
                   "with 'same' it does not (Keras/TensorFlow).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, 2**32 - 1),
              help="--check: seed of the random weights and input.")
@click.option("--batch", default=1, show_default=True, type=click.IntRange(1, 10**9),
              help="Batch size, for --check and the memory column.")
@click.option("--max-memory", default="2GiB", show_default=True, metavar="SIZE",
              help="--check: refuse, before allocating, a pass estimated above this (weights, plus the largest "
                   "layer's input, output and im2col copy).")
@click.option("--columns", metavar="LIST",
              help="Extra columns, comma-separated: macs (multiply-accumulates, bias excluded), flops (2·MACs + "
                   "bias additions), memory (activation bytes), rf (receptive field: size, jump, start).")
@click.option("--verbose", "-v", is_flag=True, help="All extra columns: --columns macs,flops,memory,rf.")
@click.option("--dtype", type=click.Choice(list(DTYPES)), default="float32",
              show_default=True, help="Bytes per value for the sizes and the memory column.")
@click.option("--flops-convention", "convention", type=click.Choice(FLOPS_CONVENTIONS), default=None,
              help="How the flops column counts (shown when this is given): cnncalc (2·MACs + bias additions, the "
                   "default), macs (conv and dense multiply-accumulates, torchvision's GFLOPS), or as fvcore, ptflops "
                   "or thop count, rule for rule from their source.")
@click.option("--by-op", is_flag=True,
              help="Under the table, the FLOPs by operator type (conv, depthwise conv, dense, batch norm, activation, "
                   "pooling, merge, other) with each one's share, in the --flops-convention.")
@click.option("--training", is_flag=True,
              help="Add what a training step keeps: activations for backward, gradients and the optimizer's state "
                   "(and fvcore's count of batch norm in train()).")
@click.option("--optimizer", type=click.Choice(list(OPTIMIZERS)), default="adam", show_default=True,
              help="--training: the optimizer whose state is counted (momentum: 1 buffer per parameter, adam: 2).")
@click.option("--emit-spec", is_flag=True, help="With a .py SPEC: print the equivalent spec instead of the summary.")
@FRAMEWORK_OPTIONS
@MODEL_OPTIONS
def summary(spec: str, input_shape: str | None, fmt: str, strict: bool, explain: bool, check: bool, seed: int,
            batch: int, max_memory: str, columns: str | None, verbose: bool, dtype: str, convention: str | None,
            by_op: bool, training: bool, optimizer: str, emit_spec: bool, layout: str | None,
            conventions: str | None, model: str | None) -> None:
    """A Keras-style summary of SPEC: layer names, output shapes, parameters and totals.

    SPEC is the network as text, a .cnn file, - for stdin, or a known network's name (resnet50,
    keras:ResNet50: cnncalc zoo lists them).  Strides that do not divide
    evenly are computed exactly as Keras and PyTorch floor them, marked ⚠, and explained
    below the table.  A table of more than 2,000 rows is printed as plain fixed-width lines.
    """
    from ..analysis.pipeline import analyse
    from ..views.render import print_table, to_csv, to_json, to_markdown

    if emit_spec:
        _emit_spec(spec, input_shape, layout, conventions, model)
        return
    net = load_network(spec, input_shape, layout, conventions, model)
    extra = _columns(columns, verbose)
    if convention is not None and "flops" not in extra:  # asking for a convention is asking for its column
        extra = tuple(c for c in ("macs", "flops", "memory", "rf") if c in (*extra, "flops"))
    if (check or extra or explain or by_op or training) and net.symbolic:
        raise CnnCalcError("--check, --explain and the extra columns need numbers, and this input is written with "
                           "names", "give the sizes with --input, e.g. --input 28x28x3: the summary is then exact")
    checked = None
    if check:
        from ..numeric.twins import forward

        checked = forward(net, batch, seed, parse_size(max_memory))
    if fmt in ("keras", "pytorch"):
        from ..views.codegen import keras_code, pytorch_code

        click.echo((keras_code if fmt == "keras" else pytorch_code)(net), nl=False)
        return
    analysis = analyse(net, extra, dtype, batch, convention or "cnncalc", by_op, training, optimizer)
    if fmt == "text":
        print_table(console(), net, explain, checked, analysis)
    else:
        click.echo({"json": to_json, "markdown": to_markdown, "csv": to_csv}[fmt](net, checked, analysis))
    if checked is not None and any(layer.output_shape != shape for layer, shape in zip(net.layers, checked.shapes)):
        sys.exit(EXIT_NO)
    if strict and net.warnings:
        sys.exit(EXIT_NO)


def _emit_spec(spec: str, input_shape: str | None, layout: str | None, conventions: str | None,
               model: str | None) -> None:
    """--emit-spec: the spec a model's code is (checked by building it first)."""
    from ..language.sources import read_text
    from ..readers.code import build_model, read_model

    if not spec.lower().endswith(".py"):
        raise click.UsageError("--emit-spec writes the spec of a model's .py file; this SPEC is one already")
    code = read_model(read_text(spec, suffixes=(".py",), what="model file"), spec, model)
    build_model(code, input_shape, layout, conventions)  # the spec is printed once it builds
    if input_shape is None or code.spec.startswith("input "):
        click.echo(code.spec)
        return
    from ..language.spec import parse_input

    given = parse_input(input_shape)
    layout = layout or given.layout or ("nchw" if code.conventions == "torch" else None)
    click.echo(f"input {'x'.join(map(str, given.shape))}{f' {layout}' if layout else ''}, {code.spec}")


def _columns(text: str | None, verbose: bool) -> tuple[str, ...]:
    from ..analysis.pipeline import COLUMNS

    if verbose:
        return COLUMNS
    if not text:
        return ()
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise CnnCalcError(f"unknown column '{unknown[0]}'", f"columns are: {', '.join(COLUMNS)}")
    return names


def parse_size(text: str) -> int:
    """'2GiB', '512MiB', '1.5GB' or a byte count.

    >>> parse_size("2GiB"), parse_size("1.5 kB"), parse_size("512")
    (2147483648, 1500, 512)
    """
    import re

    match = re.fullmatch(r"\s*(\d{1,20})(?:\.(\d{1,20}))?\s*([kmgtpe]?)(i?b?)\s*", text.lower())
    if not match:
        raise CnnCalcError(f"cannot read the size '{shorten(text)}'",
                           "write it as 2GiB, 512MiB or a number of bytes, at most 20 digits")
    from fractions import Fraction

    base = 1024 if match[4].startswith("i") or not match[4] else 1000
    number = Fraction(f"{match[1]}.{match[2] or 0}")
    return int(number * base ** "bkmgtpe".index(match[3] or "b"))


@main.command("solve")
@click.argument("spec_text", metavar="SPEC")
@click.option("--output", "output", metavar="SHAPE",
              help="The output the network must give: HxW (spatial sizes; any channels), HxWxC, or a flat N.")
@click.option("--params", "params", metavar="N", help="The total parameter count the network must have.")
@click.option("--min", "minimum", is_flag=True,
              help="The smallest value the network accepts (with --output or --params: the smallest solution).")
@click.option("--layer", "layer", metavar="N", help="Whose output --output means: a layer number or Keras name "
                                                     "(the last layer by default).")
@format_option()
def solve_command(spec_text: str, output: str | None, params: str | None, minimum: bool, layer: str | None,
                  fmt: str) -> None:
    """Solve for the '?' in SPEC: every value that gives the output or count asked for, with its arithmetic.

    Every '?' is the same value: a kernel, stride, padding, dilation, filters, units or the input's size.
    The layers before the first '?' are resolved once; a search resolves at most 200,000 layers in all (the
    values tried × the layers from the '?' on), and a larger one is refused.
    Exit 0 with solutions, 1 with none (the nearest values are shown), 2 for bad input.

    \b
      cnncalc solve "input 227x227x3, conv96x11 s?" --output 55x55
      cnncalc solve "input 32x32x3, conv16x5 p?" --output 32x32
      cnncalc solve "input 13x13x32, conv?x3" --params 18,496
      cnncalc solve "input ?x?x3, conv64x7 s2 p3, pool3 s2 p1, conv192x3 p1, pool3 s2 p1" --min
    """
    from ..analysis.solve import Target, solve
    from ..grading.answers import parse_count, parse_shape
    from ..views.solve_view import solved_json, solved_lines
    from ..zoo.names import read_spec

    shape = parse_shape(output, "--output") if output else None
    spatial = shape is not None and len(shape) == 2 and "none" not in output.lower()  # type: ignore[union-attr]
    target = Target(shape, spatial, parse_count(params, "--params") if params else None, minimum, layer)
    solved = solve(read_spec(spec_text), target)
    if fmt == "json":
        import json

        click.echo(json.dumps(solved_json(solved, target), ensure_ascii=False))
    else:
        for line in solved_lines(solved, target):
            click.echo(line)
    sys.exit(EXIT_OK if solved.solutions else EXIT_NO)


#: how check-stride's help marks the options that apply with --spec alone, and their names
SPEC_ONLY, SPEC_OPTIONS = "With --spec: ", ("input_shape", "layout", "conventions", "model")


@main.command("check-stride", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, metavar="N F S [P]")
@click.option("--dilation", default="1", metavar="D",
              help="Dilation D or DHxDW: the kernel spans d(f−1)+1. Not with --spec: each layer has its own.")
@click.option("--ceil", is_flag=True,
              help="Use PyTorch's ceil_mode for the output size. Not with --spec: each layer has its own.")
@click.option("--spec", "spec", metavar="SPEC", help="Check every conv and pool layer of a network instead.")
@format_option()
@input_option(SPEC_ONLY)
@framework_options(SPEC_ONLY)
@model_option(SPEC_ONLY)
@click.pass_context
def check_stride(ctx: click.Context, args: tuple[str, ...], dilation: str, ceil: bool, spec: str | None, fmt: str,
                 input_shape: str | None, layout: str | None, conventions: str | None, model: str | None) -> None:
    """Does stride S fit kernel F on input N (padding P)?  Exit 0 if it fits, 1 if not.

    \b
    N is H or HxW; F and S are K or KHxKW; P is an int, PHxPW, valid or same
    (default 0).  For each axis: the formula (n + 2p − d(f−1) − 1)/s + 1 with your
    numbers, the verdict, the size Keras and PyTorch give (floor) and with ceil_mode,
    the rows or columns no window reads, a picture, and the nearest strides,
    paddings, input sizes and kernel sizes that fit.

    \b
      cnncalc check-stride 7 3 3          # 2.33: does not fit
      cnncalc check-stride 251x151 21 10  # 24 × 14: fits
      cnncalc check-stride 28 3 2 same    # where does same put the extra row?
      cnncalc check-stride --spec examples/mnist_keras.cnn
    """
    from ..analysis.stride import check, parse_padding, parse_pair

    _options_apply(ctx, spec is not None)
    if spec is not None:
        if args:
            raise click.UsageError("give either N F S [P] or --spec, not both")
        return _check_spec(spec, fmt, input_shape, layout, conventions, model)
    if len(args) not in (3, 4):
        raise click.UsageError("expected N F S [P], e.g. 'cnncalc check-stride 7 3 3' or '… 32 5 1 2'")
    f, s = parse_pair(args[1], "kernel F"), parse_pair(args[2], "stride S")
    padding = parse_padding(args[3]) if len(args) == 4 else (0, 0)
    names = [part for part in re.split("[xX×]", args[0]) if part]
    if names and all(re.fullmatch(r"[A-WYZa-wyz_][A-WYZa-wyz0-9_]*", part) for part in names):
        return _stride_condition(names * 2 if len(names) == 1 else names, f, s, padding,
                                 parse_pair(dilation, "dilation"), fmt)
    n = parse_pair(args[0], "input size N")
    report = check(n, f, s, padding, parse_pair(dilation, "dilation"), ceil)
    if fmt == "json":
        import json

        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        from ..views.stride_view import report_renderable

        out = console()
        out.print(report_renderable(report, out.width))
    sys.exit(EXIT_OK if report.fits else EXIT_NO)


def _options_apply(ctx: click.Context, with_spec: bool) -> None:
    """check-stride's options that apply with --spec alone, refused without it, and those of N F S [P] with it:
    an option is never taken and then ignored."""
    from click.core import ParameterSource

    given = [param for param in ctx.command.params if isinstance(param, click.Option)
             and ctx.get_parameter_source(param.name or "") not in (ParameterSource.DEFAULT, None)]
    for param in given:
        if param.name in SPEC_OPTIONS and not with_spec:
            raise click.UsageError(f"{param.opts[0]} applies only with --spec (checking a network's layers)", ctx)
        if with_spec and param.name in ("dilation", "ceil"):
            raise click.UsageError(f"{param.opts[0]} applies only to N F S [P]; with --spec each layer's own "
                                   f"{param.name} is used", ctx)


def _stride_condition(names: list[str], f: tuple[int, int], s: tuple[int, int], padding: tuple[Any, Any],
                      dilation: tuple[int, int], fmt: str) -> None:
    """check-stride with a name for N: for which N the stride fits, on each axis."""
    from ..analysis.stride import fit_condition

    if len(names) != 2:
        raise click.UsageError("N is one name (N), or H×W names (HxW)")
    conditions = [fit_condition(names[i], f[i], s[i], padding[i], dilation[i]) for i in range(2)]
    if fmt == "json":
        import json

        click.echo(json.dumps({"axes": [c.as_json() for c in conditions]}, ensure_ascii=False))
        sys.exit(EXIT_OK)
    shown = conditions[:1] if conditions[0] == conditions[1] else conditions
    for axis, c in zip(("H and W" if len(shown) == 1 else "H", "W"), shown):
        span = c.dilation * (c.kernel - 1) + 1
        pad = "same" if c.padding == "same" else 0 if c.padding == "valid" else c.padding
        if c.padding == "same":
            click.echo(f"{axis}: same gives ⌈{c.name}/{c.stride}⌉; it divides evenly when {c.name} ≡ 0 (mod "
                       f"{c.stride}): {c.name} = {', '.join(map(str, c.sizes()))}, …")
            continue
        click.echo(f"{axis}: ({c.name} + 2·{pad} − {span})/{c.stride} + 1 is whole when {c.name} ≡ {c.residue} "
                   f"(mod {c.modulus}), and the window fits when {c.name} ≥ {c.minimum}")
        click.echo(f"  fits when {c.name} ≡ {c.residue} mod {c.modulus}: {c.name} = "
                   f"{', '.join(map(str, c.sizes()))}, …")
    sys.exit(EXIT_OK)


def _check_spec(spec: str, fmt: str, input_shape: str | None, layout: str | None, conventions: str | None,
                model: str | None) -> None:
    from ..analysis.stride import check_network
    from ..views.stride_view import spec_line

    net = load_network(spec, input_shape, layout, conventions, model)
    if net.symbolic:
        raise CnnCalcError("check-stride --spec needs numbers, and this input is written with names",
                           "give them with --input (cnncalc check-stride --spec SPEC --input 32x32x3), or ask "
                           "one layer with a name for N: cnncalc check-stride N 3 2")
    rows = check_network(net)
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


def _claim_reports(spec: str | None, expects: tuple[str, ...], pastes: tuple[str, ...], input_shape: str | None,
                   layout: str | None, conventions: str | None, model: str | None = None) -> list[Any]:
    """Reports for --expect and --summary: against SPEC (one report, or one per paste for a class's pastes), or,
    without a SPEC, each paste against itself."""
    from ..grading.homework import FileReport, grade_claims, parse_claims
    from ..grading.pastes import align
    from ..language.sources import read_text
    from ..readers.pasted import parse_summary

    if pastes and spec is None and not expects:
        from ..grading.selfcheck import self_check

        return [FileReport(pasted if pasted != "-" else "stdin",
                           tuple(self_check(parse_summary(read_text(pasted, suffixes=PASTE_SUFFIXES)))))
                for pasted in pastes]
    if not (expects or pastes):
        return []
    if spec is None:
        raise click.UsageError("--expect needs a SPEC to check against")
    net = load_network(spec, input_shape, layout, conventions, model)
    verdicts = grade_claims(net, parse_claims(expects))
    name = spec if spec.endswith(".cnn") else "command line"
    if len(pastes) == 1:
        verdicts += align(net, parse_summary(read_text(pastes[0], suffixes=PASTE_SUFFIXES)))
        return [FileReport(name, tuple(verdicts))]
    reports = [FileReport(name, tuple(verdicts))] if verdicts else []
    return reports + [FileReport(pasted, tuple(align(net, parse_summary(read_text(pasted, suffixes=PASTE_SUFFIXES)))))
                      for pasted in pastes]


#: What a pasted summary's file may be called (so that a shell glob can pass many).
PASTE_SUFFIXES = (".txt", ".log", ".md")


def _cell(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    from ..analysis.stride import parse_pair

    row, col = parse_pair(text.replace(",", "x"), "--explain cell R,C")
    return row, col


def _emit_worked(steps: list[tuple[str, Any]], cell: tuple[int, int] | None, fmt: str, expect: str | None = None,
                 tolerance: float | None = None, decimals: int | None = None) -> None:
    """Show worked steps (a convolution or pooling, then each --then step), grade the last against --expect."""
    from ..numeric.worked import explain, warnings

    worked = steps[-1][1]
    graded = None
    if expect is not None:
        from ..grading.answers import grade_map
        from ..model.records import replace
        from ..numeric.matrices import read_cells
        from ..numeric.worked import ceil_note

        expected = read_cells(expect, "--expect")
        graded = grade_map("--expect", worked.output.tolist(), expected, tolerance, decimals)
        if graded.problem:
            graded = replace(graded, problem=graded.problem + ceil_note(worked, (len(expected), len(expected[0]))))
        if cell is None and graded.wrong:
            cell = (graded.wrong[0][0] + 1, graded.wrong[0][1] + 1)

    def fits(step: Any) -> bool:
        return cell is not None and cell[0] <= step.output.shape[0] and cell[1] <= step.output.shape[1]

    if cell is not None and not any(fits(step) for _, step in steps):
        explain(worked, *cell)  # outside every step's map: its error says which cells there are

    if fmt == "json":
        import json

        click.echo(json.dumps(_worked_document(steps, cell, fits, graded), ensure_ascii=False))
    else:
        from ..views.numeric_view import worked_renderable

        out = console()
        for number, (title, step) in enumerate(steps, start=1):
            last = number == len(steps)
            marks = {(r, c) for r, c, _ in graded.wrong} if graded is not None and last else None
            if number > 1:
                out.print()
            out.print(worked_renderable(step, title, cell if fits(step) else None, marks, out.width))
            for text in warnings(step):
                out.print(f"⚠ {text}", style="yellow", highlight=False)
        if graded is not None:
            out.print(graded.summary(), style="bold green" if graded.ok else "bold red")
    if graded is not None and not graded.ok:
        sys.exit(EXIT_NO)


def _worked_document(steps: list[tuple[str, Any]], cell: tuple[int, int] | None, fits: Any,
                     graded: Any) -> dict[str, Any]:
    """--format json: the last map as "output" (what conv and pool read back), each step when there are several."""
    from ..numeric.worked import explain, format_value, warnings

    def number(value: float) -> float | int:
        return int(value) if float(value).is_integer() else float(format_value(value))

    def rows(worked: Any) -> list[Any]:
        return [[number(v) if not isinstance(v, list) else [number(x) for x in v] for v in row]
                for row in worked.output.tolist()]

    worked = steps[-1][1]
    document: dict[str, Any] = {"output": rows(worked)}
    if cell is not None and fits(worked):
        document["explain"] = explain(worked, *cell)
    if warnings(worked):
        document["warnings"] = warnings(worked)
    if len(steps) > 1:
        document["steps"] = [{"step": title, "output": rows(step), **({"explain": explain(step, *cell)}
                                                                      if cell is not None and fits(step) else {})}
                             for title, step in steps]
    if graded is not None:
        document["status"] = graded.status
        document["wrong"] = [[r + 1, c + 1] for r, c, _ in graded.wrong]
        document["rounded"] = [[r + 1, c + 1] for r, c, _ in graded.rounded]
        document["truncated"] = [[r + 1, c + 1] for r, c, _ in graded.truncated]
        if graded.problem:
            document["problem"] = graded.problem
    return document


def _then(steps: list[tuple[str, Any]], then: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Each --then step applied to the map before it."""
    from ..numeric.worked import step

    for text in then:
        output = steps[-1][1].output
        matrix = output[..., None] if output.ndim == 2 else output
        steps.append(step(matrix.tolist(), text))
    return steps


THEN_HELP = ("A next worked step on the result, written as a spec layer: relu (or another activation), pool2, "
             "avgpool2 s1, pool3 s2 p1, pool2 ceil. Repeat for a chain; each step is shown, and --explain and "
             "--expect apply to it as they do to the first.")


@main.command()
@click.option("--matrix", "--input", "image", cls=Aliased, aliases=("--input",), required=True, metavar="M",
              help="The input matrix: '1 0 1; 0 1 0', '… | …' per channel, '-' for stdin, a .txt/.csv/.json/.npy file "
                   "(the --format json of conv or pool included).")
@click.option("--kernel", "kernels", required=True, multiple=True, metavar="M",
              help="The kernel, one block per input channel; values may be fractions (1/9) and the kernel may "
                   "carry a factor: '1/9 * (1 1 1; 1 1 1; 1 1 1)'. Repeat for several kernels: one output channel "
                   "each, as a layer of filters.")
@click.option("--stride", default="1", show_default=True, metavar="S", help="S or SHxSW.")
@click.option("--padding", default="valid", show_default=True, metavar="P",
              help="P, PHxPW, valid or same (Keras' split).")
@click.option("--dilation", default="1", show_default=True, metavar="D", help="D or DHxDW.")
@click.option("--bias", default=0.0, show_default=True, help="Added to every output cell.")
@click.option("--flip", is_flag=True,
              help="True convolution: rotate the kernel 180° first. Without it, cross-correlation, "
                   "as Keras and PyTorch compute.")
@click.option("--activation", type=click.Choice(ACTIVATIONS), help="Applied after the bias.")
@click.option("--then", "then", multiple=True, metavar="STEP", help=THEN_HELP)
@click.option("--explain", metavar="R,C", help="Show the sum of products of output cell R,C (1-based) and its window.")
@format_option()
@EXPECT_OPTIONS
def conv(image: str, kernels: tuple[str, ...], stride: str, padding: str, dilation: str, bias: float, flip: bool,
         activation: str | None, then: tuple[str, ...], explain: str | None, fmt: str, expect: str | None,
         tolerance: float | None, decimals: int | None) -> None:
    """Compute a feature map by hand, as a worked example does: kernels over a (multi-channel) input.

    \b
      cnncalc conv --matrix "1 0 1 0 1; 1 0 0 1 1; 0 1 1 0 0; 1 0 0 1 0; 0 0 1 1 0" \\
                   --kernel "0 1 0; 1 0 -1; 0 1 0" --explain 1,1
      cnncalc conv --matrix x.txt --kernel "1/9 * (1 -1 -1; -1 1 -1; -1 -1 1)" --then relu --then "pool2 ceil"
    """
    from ..analysis.stride import parse_padding, parse_pair
    from ..numeric.matrices import read_matrix, shape_of
    from ..numeric.worked import convolve

    image_m = read_matrix(image, "--matrix")
    kernel_ms = [read_matrix(kernel, "--kernel" if len(kernels) == 1 else f"--kernel {number}")
                 for number, kernel in enumerate(kernels, start=1)]
    strides, dilations = parse_pair(stride, "--stride"), parse_pair(dilation, "--dilation")
    worked = convolve(image_m, kernel_ms if len(kernel_ms) > 1 else kernel_ms[0], strides, parse_padding(padding),
                      dilations, bias, flip, activation)
    h, w, c = shape_of(image_m)
    kh, kw, _ = shape_of(kernel_ms[0])
    out_h, out_w = worked.output.shape[:2]
    operation = "convolution (kernel flipped)" if flip else "cross-correlation"
    many = f"{len(kernels)} kernels of " if len(kernels) > 1 else ""
    title = (f"{operation}: {h}×{w}×{c} input, {many}{kh}×{kw}×{c}{'' if many else ' kernel'}, stride {stride}, "
             f"padding {padding}{f', dilation {dilation}' if dilation != '1' else ''} → {out_h}×{out_w}"
             f"{f'×{len(kernels)}' if many else ''}")
    _emit_worked(_then([(title, worked)], then), _cell(explain), fmt, expect, tolerance, decimals)


@main.command("pool")
@click.option("--matrix", "--input", "image", cls=Aliased, aliases=("--input",), required=True, metavar="M",
              help="The input matrix: '1 2; 3 4', '… | …' per channel, '-' for stdin, or a file (the --format json "
                   "of conv or pool included).")
@click.option("--size", required=True, metavar="K", help="Pool size K or KHxKW.")
@click.option("--stride", metavar="S", help="S or SHxSW; the pool size by default, as in Keras.")
@click.option("--mode", type=click.Choice(["max", "avg", "min"]), default="max", show_default=True)
@click.option("--padding", default="valid", show_default=True, metavar="P",
              help="P (PyTorch: at most half the pool size; averages count the padded zeros, count_include_pad=True), "
                   "PHxPW, valid, or same (Keras: averages exclude padding).")
@click.option("--ceil", is_flag=True, help="PyTorch's ceil_mode: keep a last window that hangs over the edge.")
@click.option("--then", "then", multiple=True, metavar="STEP", help=THEN_HELP)
@click.option("--explain", metavar="R,C", help="Show the arithmetic of output cell R,C (1-based) and its window.")
@format_option()
@EXPECT_OPTIONS
def pool_command(image: str, size: str, stride: str | None, mode: str, padding: str, ceil: bool,
                 then: tuple[str, ...], explain: str | None, fmt: str, expect: str | None, tolerance: float | None,
                 decimals: int | None) -> None:
    """Pool a matrix by hand: max, average or min over each window, channel by channel.

    \b
      cnncalc pool --matrix "12 20 30 0; 8 12 2 0; 34 70 37 4; 112 100 25 12" --size 2 --mode avg
    """
    from ..analysis.stride import parse_padding, parse_pair
    from ..numeric.matrices import read_matrix, shape_of
    from ..numeric.worked import pool

    image_m = read_matrix(image, "--matrix")
    sizes = parse_pair(size, "--size")
    strides = parse_pair(stride, "--stride") if stride else None
    worked = pool(image_m, sizes, strides, mode, parse_padding(padding), ceil)
    h, w, c = shape_of(image_m)
    out_h, out_w = worked.output.shape[:2]
    title = (f"{mode} pooling: {h}×{w}{f'×{c}' if c > 1 else ''} input, {size} pool, stride {stride or size}, "
             f"padding {padding}{', ceil' if ceil else ''} → {out_h}×{out_w}")
    _emit_worked(_then([(title, worked)], then), _cell(explain), fmt, expect, tolerance, decimals)


@main.command("dense")
@click.option("--vector", "--input", "inputs", cls=Aliased, aliases=("--input",), required=True, metavar="V",
              help="The input vector, '0.5 1 -2' (or a one-row matrix, stdin '-', a file).")
@click.option("--weights", metavar="M", help="One row per input value, one column per unit (the weight matrix W). "
                                             "Without it the inputs are the layer's sums (logits).")
@click.option("--bias", metavar="V", help="One bias per unit.")
@click.option("--activation", type=click.Choice(ACTIVATIONS), help="Applied to each unit's sum: softmax for "
                                                                    "class probabilities.")
@click.option("--explain", metavar="J", help="Show unit J's weighted sum (1-based) and its activation.")
@format_option()
@EXPECT_OPTIONS
def dense_command(inputs: str, weights: str | None, bias: str | None, activation: str | None, explain: str | None,
                  fmt: str, expect: str | None, tolerance: float | None, decimals: int | None) -> None:
    """A fully connected layer by hand: each unit's weighted sum plus its bias, then the activation.

    \b
      cnncalc dense --vector "1 2" --weights "0.5 -1; 0.25 1" --bias "0 1" --explain 2
      cnncalc dense --vector "2 1 0.1" --activation softmax --explain 1
    """
    from ..numeric.matrices import read_matrix
    from ..numeric.worked import fully_connected

    def vector(text: str, what: str) -> list[float]:
        matrix = read_matrix(text, what)
        return [value for row in matrix for cell in row for value in cell]

    x = vector(inputs, "--vector")
    worked = fully_connected(x, read_matrix(weights, "--weights") if weights else None,
                             vector(bias, "--bias") if bias else None, activation)
    units = worked.output.shape[1]
    title = (f"fully connected: {len(x)} inputs → {units} units" if weights else f"{units} logits") + \
        (f", {activation}" if activation else "")
    cell = None
    if explain is not None:
        from ..analysis.stride import parse_pair

        cell = (1, parse_pair(explain.split(",")[-1], "--explain unit J")[0])
    _emit_worked([(title, worked)], cell, fmt, expect, tolerance, decimals)


@main.command("zoo")
@format_option()
@click.option("--not-held", "not_held", is_flag=True,
              help="Also list, with the reason, the frameworks' networks that cnncalc recognises but does not hold.")
def zoo_command(fmt: str, not_held: bool) -> None:
    """The networks cnncalc knows by name: torchvision's and keras.applications' classification networks, each
    with its input, parameters and MACs (counted now from its spec, as summary -v counts them).

    Use a name wherever a SPEC goes: torchvision's bare or with torchvision:, Keras' with keras: or in its own
    spelling.  A file of the same name in the current folder wins over the zoo.

    \b
      cnncalc summary resnet50
      cnncalc summary keras:ResNet50 --input 160x160x3
      cnncalc check vgg16_bn --expect total=138,365,992
    """
    from ..analysis.zoo_counts import missing, zoo_entries
    from ..views.zoo_view import print_zoo, zoo_json

    if fmt == "json":
        click.echo(zoo_json(zoo_entries(), missing()))
    else:
        print_zoo(console(), zoo_entries(), missing(), not_held)


@main.command("check")
@click.argument("arguments", nargs=-1, metavar="[SPEC] [ANSWER_FILES.toml…] [PASTES.txt…]")
@click.option("--expect", "expects", multiple=True, metavar="KEY=VALUE",
              help="A claim: N.output, N.params, N.weights or N.biases (N a layer number or Keras name), "
                   "total, trainable or non_trainable. Repeat for more.")
@click.option("--answers", "answer_files", multiple=True, metavar="FILE",
              help="A TOML answer file (spec = \"…\" and an [answers] table). Repeat, or use a shell glob, "
                   "to grade a class.")
@click.option("--summary", "pastes", multiple=True, metavar="FILE",
              help="A pasted model summary (Keras 1-3, torchinfo, torchsummary), or - for stdin: checked row by row "
                   "against SPEC, or, without a SPEC, against itself (each row re-derived from the rows around it). "
                   "Repeat, or use a shell glob, to grade many.")
@input_option()
@format_option("csv")
@FRAMEWORK_OPTIONS
@MODEL_OPTIONS
def check_command(arguments: tuple[str, ...], expects: tuple[str, ...], answer_files: tuple[str, ...],
                  pastes: tuple[str, ...], input_shape: str | None, fmt: str, layout: str | None,
                  conventions: str | None, model: str | None) -> None:
    """Grade answers about a network and show the arithmetic for each wrong one.

    Exit 0 if every answer is right, 1 if any is wrong, 2 for bad input.  Values are read
    the way people write them: 18,496 or 18496; 26x26x5, (None, 26, 26, 5) or 26,26,5.

    \b
      cnncalc check examples/lectures/mnist_4_layer.cnn --expect 2.params=18494 --expect total=1,199,882
      cnncalc check --answers examples/homework/*.toml --format csv
      cnncalc check examples/mnist_keras.cnn --summary pasted.txt
    """
    from ..grading.answers import Verdict
    from ..grading.homework import FileReport, grade_file
    from ..views.report import print_report, to_csv, to_json
    from ..zoo.names import read_spec

    answer_files += tuple(a for a in arguments if a.lower().endswith(".toml"))  # --answers *.toml, globbed
    pastes += tuple(a for a in arguments if a.lower().endswith(PASTE_SUFFIXES))  # --summary *.txt, globbed
    specs = [a for a in arguments if not a.lower().endswith((".toml", *PASTE_SUFFIXES))]
    if len(specs) > 1:
        raise click.UsageError(f"one SPEC at most, got {len(specs)}: {', '.join(specs)}")
    spec = specs[0] if specs else None
    reports = _claim_reports(spec, expects, pastes, input_shape, layout, conventions, model)
    failed: list[CnnCalcError] = []
    for path in answer_files:
        try:
            reports.append(grade_file(path, read_spec(spec) if spec else None))
        except CnnCalcError as error:  # in a class's batch, one bad file is its own report, not the end
            if len(answer_files) == 1:
                raise
            failed.append(error)
            reports.append(FileReport(os.path.basename(path), (Verdict(
                "file", path, "a readable answer file", "wrong", note=error.message +
                (f"; {error.hint}" if error.hint else "")),)))
    if failed and len(failed) == len(reports):
        raise failed[0]
    if not reports:
        raise click.UsageError("give --expect KEY=VALUE, --summary FILE or --answers FILE")
    if fmt == "json":
        click.echo(to_json(reports))
    elif fmt == "csv":
        click.echo(to_csv(reports))
    else:
        out = console()
        for report in reports:
            print_report(out, report, report.name if len(reports) > 1 or answer_files or len(pastes) > 1 else None)
    sys.exit(EXIT_OK if all(v.ok for report in reports for v in report.verdicts) else EXIT_NO)
