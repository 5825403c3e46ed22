"""``python -m cnncalc``."""

from .cli import main

main(prog_name="cnncalc")
