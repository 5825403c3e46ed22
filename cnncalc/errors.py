"""cnncalc's exceptions: one root, and errors that can point at what the user typed.

Every error a user can cause is a :class:`CnnCalcError`.  The CLI catches that one type at
its boundary, prints :meth:`CnnCalcError.render` to stderr and exits 2.
"""

from __future__ import annotations

__all__ = ["CnnCalcError", "ShapeError", "SourceError", "SpecError", "closest"]


class CnnCalcError(Exception):
    """The root of every error cnncalc reports to a user.

    ``hint`` is a sentence saying what would work instead.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The full message, as printed after ``Error: ``."""
        lines = [self.message]
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


class SourceError(CnnCalcError):
    """A file or stream that cannot be read."""


class SpecError(CnnCalcError):
    """Text that does not parse, carrying where in the text it went wrong.

    ``span`` is a (start, end) character range of ``text``; ``layer`` is the 1-based layer
    index (0 for the input) when the error belongs to one layer.
    """

    def __init__(
        self,
        message: str,
        text: str,
        span: tuple[int, int],
        layer: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.text = text
        self.span = span
        self.layer = layer

    def headline(self) -> str:
        if self.layer is None:
            return self.message
        where = "input" if self.layer == 0 else f"layer {self.layer}"
        return f"{self.message} ({where})"

    def render(self) -> str:
        """The message, the line of the spec with a caret under the bad token, the hint.

        >>> print(SpecError("unknown layer 'dens10'", "input 28x28x1, dens10", (15, 21), 1,
        ...                 "did you mean 'dense10'?").render())
        unknown layer 'dens10' (layer 1)
          input 28x28x1, dens10
                         ^^^^^^
        did you mean 'dense10'?
        """
        lines = [self.headline(), *caret_lines(self.text, self.span)]
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


class ShapeError(SpecError):
    """A layer whose shapes do not work out, named by index, Keras name and the user's text."""

    def __init__(
        self,
        message: str,
        text: str,
        span: tuple[int, int],
        layer: int,
        name: str,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, text, span, layer, hint)
        self.name = name

    def headline(self) -> str:
        source = " ".join(self.text[self.span[0] : self.span[1]].split())
        return f"layer {self.layer} {self.name} ({source}): {self.message}"


def caret_lines(text: str, span: tuple[int, int]) -> list[str]:
    """The line of ``text`` holding ``span``, and a caret line under the span.

    A spec from a file shows its line number; a long line is cut around the span.
    """
    start, end = span
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].expandtabs(1)
    column = start - line_start
    width = max(1, min(end, line_end) - start)
    prefix = "  "
    if "\n" in text.rstrip("\n"):
        prefix = f"  line {text.count(chr(10), 0, start) + 1}: "
    if len(line) > 90 and column > 60:
        cut = column - 40
        line = "…" + line[cut:]
        column = column - cut + 1
    if len(line) > 100:
        line = line[: max(100, column + width + 10)] + "…"
    return [prefix + line, " " * (len(prefix) + column) + "^" * width]


def closest(word: str, choices: list[str]) -> str | None:
    """The known word nearest a mistyped one, for "did you mean".

    >>> closest("dens", ["dense", "dropout", "flatten"])
    'dense'
    """
    import difflib  # only on the error path

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None
