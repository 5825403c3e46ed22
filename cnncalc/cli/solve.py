"""``cnncalc solve``: the value of a spec's '?' that gives the output or parameter count asked for."""

from __future__ import annotations

import sys

import click

from .boundary import EXIT_NO, EXIT_OK
from .options import Command, format_option


@click.command("solve", cls=Command)
@click.argument("spec_text", metavar="SPEC")
@click.option("--output", "output", metavar="SHAPE",
              help="The output the network must give: HxW (spatial sizes; any channels), HxWxC, or a flat N.")
@click.option("--params", "params", metavar="N",
              help="The parameter count the network (with --layer: that layer) must have: 18496, 18,496, or with a "
                   "unit, 15.8M or '15.8 million', met at its precision as check grades it.")
@click.option("--min", "minimum", is_flag=True,
              help="The smallest value the network accepts (with --output or --params: the smallest solution).")
@click.option("--layer", "layer", metavar="N", help="Whose output --output, or whose count --params, means: a layer "
                                                     "number or Keras name (the whole network by default).")
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
    from ..grading.answers import parse_shape
    from ..language.counts import read_written_count
    from ..views.solve_view import solved_json, solved_lines
    from ..zoo.names import read_spec

    shape = parse_shape(output, "--output") if output else None
    spatial = shape is not None and len(shape) == 2 and "none" not in output.lower()  # type: ignore[union-attr]
    target = Target(shape, spatial, read_written_count(params, "--params") if params else None, minimum, layer)
    solved = solve(read_spec(spec_text), target)
    if fmt == "json":
        import json

        click.echo(json.dumps(solved_json(solved, target), ensure_ascii=False))
    else:
        for line in solved_lines(solved, target):
            click.echo(line)
    sys.exit(EXIT_OK if solved.solutions else EXIT_NO)
