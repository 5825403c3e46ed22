"""A script's command-line arguments (``argparse``), read at their defaults: ``parser.add_argument('--nz',
type=int, default=100)`` then ``opt = parser.parse_args()`` makes ``opt.nz`` 100, and a note says so. An argument
without a default that the script requires (``required=True``, a positional one) is only known when it runs."""

from __future__ import annotations

import ast
from typing import Any

from .values import Builtin, Unknown

#: The longest string default converted by its type= (argparse applies type to a string default).
_MAX_CONVERTED = 100
#: The most arguments one parser declares.
_MAX_ARGUMENTS = 1_000
#: Actions whose default, when none is given, is not None.
_ACTION_DEFAULTS = {"store_true": False, "store_false": True}


class Parser:
    """``argparse.ArgumentParser()``: each argument's destination, its default (or why it has none) and how it is
    written on the command line."""

    def __init__(self) -> None:
        self.defaults: dict[str, tuple[Any, str]] = {}
        self.read: dict[str, str] = {}  # each argument the script reads, as written, and its default shown

    def attribute(self, name: str, node: ast.AST) -> Any:
        if name in ("add_argument",):
            return Builtin(lambda *args, **kwargs: self.add(node, *args, **kwargs), name)
        if name in ("add_argument_group", "add_mutually_exclusive_group"):
            return Builtin(lambda *args, **kwargs: self, name)
        if name in ("parse_args",):
            return Builtin(lambda *args, **kwargs: Arguments(self), name)
        if name in ("parse_known_args",):
            return Builtin(lambda *args, **kwargs: (Arguments(self), []), name)
        if name in ("set_defaults",):
            return Builtin(lambda **kwargs: self.set_defaults(kwargs), name)
        return Unknown(f"the parser's {name}", node)

    def add(self, node: ast.AST, *names: Any, **options: Any) -> None:
        """One add_argument: its destination and default, as argparse sets them."""
        if len(self.defaults) >= _MAX_ARGUMENTS or not names or not all(isinstance(n, str) for n in names):
            return
        long = [n for n in names if n.startswith("--")]
        optional = names[0].startswith("-")
        written = (long or list(names))[0]
        dest = options.get("dest")
        if not isinstance(dest, str):
            dest = (long[0][2:] if long else names[0].lstrip("-")).replace("-", "_") if optional else names[0]
        if "default" in options:
            value = _converted(options["default"], options.get("type"))
        elif optional and not options.get("required"):
            action = options.get("action")
            value = _ACTION_DEFAULTS.get(action) if isinstance(action, str) else None
        else:
            value = Unknown(f"the command-line argument {written}, which the script requires and gives no default",
                            node)
        self.defaults[dest] = (value, written)

    def set_defaults(self, values: dict[str, Any]) -> None:
        for dest, value in values.items():
            self.defaults[dest] = (value, f"--{dest}")


def _converted(default: Any, kind: Any) -> Any:
    """A default as argparse gives it: a string default passes through type= (int, float); any other as it is."""
    if isinstance(default, str) and kind in (int, float) and len(default) <= _MAX_CONVERTED:
        try:
            return kind(default)
        except ValueError:
            return Unknown(f"the default {default[:20]!r}, which {kind.__name__}() refuses")
    if isinstance(default, str) and isinstance(kind, (Builtin, Unknown)):
        return Unknown("a default converted by a function of the script's")
    return default


class Arguments:
    """``parser.parse_args()``: the arguments at their defaults; each one read is named in a note."""

    def __init__(self, parser: Parser) -> None:
        self.parser = parser
        self.attributes: dict[str, Any] = {}  # set by the script (opt.manualSeed = …)

    def attribute(self, name: str, node: ast.AST) -> Any:
        if name in self.attributes:
            return self.attributes[name]
        if name not in self.parser.defaults:
            return Unknown(f"the command-line argument '{name}', which the parser does not declare", node)
        value, written = self.parser.defaults[name]
        if not isinstance(value, Unknown):
            shown = repr(value)
            self.parser.read[written] = shown if len(shown) <= 40 else "its default"
        return value


def defaults_note(parsers: list[Parser]) -> str | None:
    """The note naming the command-line arguments read at their defaults, or None if none was read."""
    read = {written: shown for parser in parsers for written, shown in parser.read.items()}
    if not read:
        return None
    listed = [f"{written} {shown}" for written, shown in list(read.items())[:12]]
    return "the script's command-line arguments are read at their defaults, as when it runs without them: " + \
        ", ".join(listed) + (f" and {len(read) - 12} more" if len(read) > 12 else "")
