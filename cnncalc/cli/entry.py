"""The process entry, ``cnncalc`` and ``python -m cnncalc``: a JSON summary straight to the core, the rest to click.

``cnncalc summary SPEC --format json`` (with ``--input``, ``--layout``, ``--conventions`` and ``--strict``) is what
scripts call, often once per network, so it takes a lean path: neither click nor rich is imported, and the process
costs little more than Python's own start-up.  The lean path runs inside the same boundary as every command
(:func:`cnncalc.cli.boundary.guarded`) and calls the same functions as ``summary``, so its output, errors and exit
codes are the full command line's.  Any other command line, or one the lean path does not read exactly as click
would (an unknown or repeated option, a value that starts with '-', ``--help``, shell completion), goes to click.
"""

from __future__ import annotations

import os
import sys

__all__ = ["lean_summary", "run"]

#: The options the lean path reads, each with its values (None: any value); all else goes to click.
LEAN_OPTIONS: dict[str, tuple[str, ...] | None] = {
    "--format": ("json",),
    "--input": None,
    "--layout": ("nhwc", "nchw"),
    "--conventions": ("keras", "torch"),
}
LEAN_FLAGS = ("--strict",)


def run() -> None:
    """Run the command line in ``sys.argv``."""
    import gc

    # A short-lived process that builds many small records and no cycles worth finding: the cyclic collector's
    # passes would make a 100,000-layer spec superlinear, and during start-up they only walk the modules' objects.
    gc.set_threshold(100_000, 50, 50)
    from . import loading

    loading.KEEP_FIRST_MODEL_FILE = True  # this process ends with its command: a model file read is never freed
    lean = lean_summary(sys.argv[1:]) if "_CNNCALC_COMPLETE" not in os.environ else None
    if lean is None:
        from .commands import main

        main(prog_name="cnncalc")
        return
    from ..views.glyphs import fit_streams
    from .boundary import guarded

    fit_streams()
    guarded(lambda: _summary_json(**lean))


def lean_summary(args: list[str]) -> dict[str, str | bool | None] | None:
    """The arguments of ``summary SPEC --format json …`` when the lean path reads them exactly as click would,
    else None.

    >>> lean_summary(["summary", "model.cnn", "--format", "json", "--strict"])
    {'spec': 'model.cnn', 'input_shape': None, 'layout': None, 'conventions': None, 'strict': True}
    >>> lean_summary(["summary", "model.cnn", "--format", "csv"]) is None
    True
    """
    if not args or args[0] != "summary":
        return None
    values: dict[str, str] = {}
    flags: set[str] = set()
    spec = None
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-" or not arg.startswith("-"):
            if spec is not None:
                return None  # click's error, not ours
            spec = arg
            continue
        name, equals, value = arg.partition("=")
        if name in LEAN_FLAGS and not equals and name not in flags:
            flags.add(name)
            continue
        if not equals:
            value = next(rest, "-")  # a missing value, or an option click would take as the value, starts with '-'
        choices = LEAN_OPTIONS.get(name, ())
        if name in values or (value.startswith("-") and not equals) or (choices is not None and value not in choices):
            return None
        values[name] = value
    if spec is None or values.get("--format") != "json":
        return None
    return {"spec": spec, "input_shape": values.get("--input"), "layout": values.get("--layout"),
            "conventions": values.get("--conventions"), "strict": "--strict" in flags}


def _summary_json(spec: str, input_shape: str | None, layout: str | None, conventions: str | None,
                  strict: bool) -> None:
    """``cnncalc summary SPEC --format json``: what the ``summary`` command does with these options alone."""
    from ..analysis.pipeline import analyse
    from ..views.json_view import to_json
    from .boundary import EXIT_NO
    from .loading import load_network

    net = load_network(spec, input_shape, layout, conventions)
    sys.stdout.write(to_json(net, None, analyse(net)) + "\n")
    if strict and net.warnings:
        sys.exit(EXIT_NO)
