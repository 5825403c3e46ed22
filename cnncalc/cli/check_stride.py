"""``cnncalc check-stride``: does a stride fit a kernel on an input (N F S [P]), for which sizes N it fits when N
is a name, and whether every conv and pool layer of a network fits (``--spec``)."""

from __future__ import annotations

import re
import sys
from typing import Any

import click

from ..errors import CnnCalcError
from .boundary import EXIT_NO, EXIT_OK
from .loading import load_network
from .options import Command, format_option, framework_options, input_option, model_option
from .terminal import console

#: how check-stride's help marks the options that apply with --spec alone, and their names
SPEC_ONLY, SPEC_OPTIONS = "With --spec: ", ("input_shape", "layout", "conventions", "model", "settings")


@click.command("check-stride", cls=Command, context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, metavar="N F S [P]")
@click.option("--dilation", default="1", metavar="D",
              help="Dilation D or DHxDW: the kernel spans d(f−1)+1. Not with --spec: each layer has its own.")
@click.option("--ceil", is_flag=True,
              help="Use PyTorch's ceil_mode for the output size. Not with --spec: each layer has its own.")
@click.option("--spec", "spec", metavar="SPEC", help="Check every conv and pool layer of a network instead.")
@format_option("svg", help="Output format: text to read, json for a program, svg the window picture of N F S [P] "
                           "(for slides).")
@input_option(SPEC_ONLY)
@framework_options(SPEC_ONLY)
@model_option(SPEC_ONLY)
@click.pass_context
def check_stride(ctx: click.Context, args: tuple[str, ...], dilation: str, ceil: bool, spec: str | None, fmt: str,
                 input_shape: str | None, layout: str | None, conventions: str | None, model: str | None,
                 settings: tuple[str, ...]) -> None:
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
    if fmt == "svg" and spec is not None:
        raise click.UsageError("--format svg draws the windows of N F S [P]; with --spec, use text or json", ctx)
    if spec is not None:
        if args:
            raise click.UsageError("give either N F S [P] or --spec, not both")
        return _check_spec(spec, fmt, input_shape, layout, conventions, model, settings)
    if len(args) not in (3, 4):
        raise click.UsageError("expected N F S [P], e.g. 'cnncalc check-stride 7 3 3' or '… 32 5 1 2'")
    f, s = parse_pair(args[1], "kernel F"), parse_pair(args[2], "stride S")
    padding = parse_padding(args[3]) if len(args) == 4 else (0, 0)
    names = [part for part in re.split("[xX×]", args[0]) if part]
    if names and all(re.fullmatch(r"[A-WYZa-wyz_][A-WYZa-wyz0-9_]*", part) for part in names):
        if fmt == "svg":
            raise click.UsageError("--format svg draws the windows of a size given as a number; N here is a name",
                                   ctx)
        return _stride_condition(names * 2 if len(names) == 1 else names, f, s, padding,
                                 parse_pair(dilation, "dilation"), fmt)
    n = parse_pair(args[0], "input size N")
    report = check(n, f, s, padding, parse_pair(dilation, "dilation"), ceil)
    if fmt == "json":
        import json

        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    elif fmt == "svg":
        click.echo(_svg(report), nl=False)
    else:
        from ..views.stride_view import report_renderable

        out = console()
        out.print(report_renderable(report, out.width))
    sys.exit(EXIT_OK if report.fits else EXIT_NO)


def _svg(report: Any) -> str:
    """The window picture as SVG, each axis (both at once when they are the same) under its words."""
    from ..views.picture.windows import MOST_CELLS, stride_svg
    from ..views.stride_view import axis_lines

    h, w = report.axes
    groups = [(h, "HW")] if h.windows == w.windows else [(h, "H"), (w, "W")]
    for axis, _ in groups:
        if axis.windows.padded > MOST_CELLS:
            raise CnnCalcError(f"--format svg draws at most {MOST_CELLS} cells an axis, and this one has "
                               f"{axis.windows.padded:,} with its padding", "use the text answer, which says where "
                               "the windows fall in words")
    return stride_svg(report, [(axis.windows, axis_lines(axis, noun)) for axis, noun in groups])


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
                model: str | None, settings: tuple[str, ...] = ()) -> None:
    from ..analysis.stride import check_network
    from ..views.stride_view import spec_line

    net = load_network(spec, input_shape, layout, conventions, model, settings)
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
