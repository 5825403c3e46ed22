"""``python -m cnncalc``."""

from .cli.entry import run

run()
