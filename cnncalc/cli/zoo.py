"""``cnncalc zoo``: the networks cnncalc knows by name, each with its input, parameters and MACs."""

from __future__ import annotations

import click

from .options import Command, format_option
from .terminal import console


@click.command("zoo", cls=Command)
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
