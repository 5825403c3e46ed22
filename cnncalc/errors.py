"""cnncalc's exceptions: one root, and errors that can point at what the user typed.

Every error a user can cause is a :class:`CnnCalcError`.  The CLI catches that one type at
its boundary, prints :meth:`CnnCalcError.render` to stderr and exits 2.
"""

from __future__ import annotations

__all__ = ["CnnCalcError", "CodeError", "ShapeError", "SourceError", "SpecError", "closest", "shorten"]

#: The longest line an error message prints: a 10 MB bad token must not become a 30 MB message.
MAX_LINE = 300


class CnnCalcError(Exception):
    """The root of every error cnncalc reports to a user.

    ``hint`` is a sentence saying what would work instead.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The full message, as printed after ``Error: ``, each line cut to :data:`MAX_LINE` characters."""
        return "\n".join(shorten(line, MAX_LINE) for text in self.lines() for line in text.split("\n"))

    def lines(self) -> list[str]:
        return [self.message, *(self.hint.split("\n") if self.hint else [])]


class SourceError(CnnCalcError):
    """A file or stream that cannot be read."""


class SpecError(CnnCalcError):
    """Text that does not parse, carrying where in the text it went wrong.

    ``span`` is a (start, end) character range of ``text``; ``layer`` is the 1-based layer
    index (0 for the input) when the error belongs to one layer.  ``also`` are other places of ``text`` the error
    concerns, each with what it is (a block's definition, where the block is used), shown with carets too.
    """

    def __init__(
        self,
        message: str,
        text: str,
        span: tuple[int, int],
        layer: int | None = None,
        hint: str | None = None,
        also: tuple[tuple[str, tuple[int, int]], ...] = (),
    ) -> None:
        super().__init__(message, hint)
        self.text = text
        self.span = span
        self.layer = layer
        self.also = also

    def at(self, label: str, span: tuple[int, int]) -> SpecError:
        """This error, also pointing at ``span`` (said to be ``label``) unless it already does."""
        if (label, span) not in self.also and span != self.span:
            self.also = (*self.also, (label, span))
        return self

    def headline(self) -> str:
        if self.layer is None:
            return self.message
        where = "input" if self.layer == 0 else f"layer {self.layer}"
        return f"{self.message} ({where})"

    def lines(self) -> list[str]:
        """The message, the line of the spec with a caret under the bad token, the hint.

        >>> print(SpecError("unknown layer 'dens10'", "input 28x28x1, dens10", (15, 21), 1,
        ...                 "did you mean 'dense10'?").render())
        unknown layer 'dens10' (layer 1)
          input 28x28x1, dens10
                         ^^^^^^
        did you mean 'dense10'?
        """
        places = [line for label, span in self.also[:_MAX_PLACES]
                  for line in (f"  {label}:", *caret_lines(self.text, span))]
        if len(self.also) > _MAX_PLACES:
            places.append(f"  … and {len(self.also) - _MAX_PLACES} more")
        return [self.headline(), *caret_lines(self.text, self.span), *places,
                *(self.hint.split("\n") if self.hint else [])]


#: The most other places an error shows: a block used in a block used in a block… shows the innermost uses.
_MAX_PLACES = 4


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
        also: tuple[tuple[str, tuple[int, int]], ...] = (),
        source: str | None = None,
    ) -> None:
        super().__init__(message, text, span, layer, hint, also)
        self.name = name
        #: the layer as read, when it differs from the text at ``span`` (a block's body, its numbers filled in)
        self.source = source

    def headline(self) -> str:
        source = self.source or " ".join(self.text[self.span[0] : self.span[1]].split())
        return f"layer {self.layer} {self.name} ({source}): {self.message}"


class CodeError(CnnCalcError):
    """Model code cnncalc cannot follow statically, pointing at ``file:line:col`` with a caret under the construct.

    >>> print(CodeError("a data-dependent branch", "model.py", "    if x.sum() > 0:", 12, 4, 19,
    ...                 "write this block as a spec").render())
    model.py:12:5: a data-dependent branch
      12 |     if x.sum() > 0:
         |     ^^^^^^^^^^^^^^^
    write this block as a spec
    """

    def __init__(self, message: str, path: str, source: str, line: int, column: int, end: int,
                 hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.path, self.source, self.line, self.column, self.end = path, source, line, column, end

    def headline(self) -> str:
        return f"{self.path}:{self.line}:{self.column + 1}: {self.message}"

    def lines(self) -> list[str]:
        number = str(self.line)
        shown = self.source.expandtabs(4)[:200]
        width = max(1, min(self.end, len(shown)) - self.column) if self.end > self.column else 1
        return [self.headline(), f"  {number} | {shown}", f"  {' ' * len(number)} | {' ' * self.column}{'^' * width}",
                *(self.hint.split("\n") if self.hint else [])]


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
    width = min(max(1, min(end, line_end) - start), 60)  # a 10 MB token gets 60 carets, not 10 million
    prefix = "  "
    if "\n" in text.rstrip("\n"):
        prefix = f"  line {text.count(chr(10), 0, start) + 1}: "
    if len(line) > 90 and column > 60:  # cut before the span, at a space if there is one near
        cut = column - 40
        space = line.find(" ", cut, cut + 20)
        cut = space if space >= 0 else cut
        line = "…" + line[cut:]
        column = column - cut + 1
    if len(line) > 100:  # and after it
        end = max(100, column + width + 10)
        space = line.rfind(" ", max(column + width, end - 20), end)
        line = line[:space] + " …" if space >= 0 else line[:end] + "…"
    return [prefix + line, " " * (len(prefix) + column) + "^" * width]


def shorten(text: str, limit: int = 40) -> str:
    """Cut a long piece of user text for a message, keeping both ends: between words when it has words, so no
    word is cut in two, else in the middle.

    >>> shorten("a" * 100, 11)
    'aaaaa…aaaaa'
    >>> shorten("conv, pool, maxpool, avgpool, adaptiveavgpool, flatten, dense", 40)
    'conv, pool, … flatten, dense'
    """
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    head, tail = _word_start(text[: half - 1]), _word_end(text[len(text) - half + 1:])
    if head and tail:
        return f"{head} … {tail}"
    return text[:half] + "…" + text[len(text) - half:]


def _word_start(text: str) -> str:
    """``text`` up to its last whole word (a word cut at its end is dropped), or '' if that keeps under half."""
    cut = text.rstrip()
    if len(cut) == len(text):  # the cut fell inside a word
        cut = cut[: max(cut.rfind(" "), 0)].rstrip()
    return cut if 2 * len(cut) >= len(text) else ""


def _word_end(text: str) -> str:
    """``text`` from its first whole word, or '' if that keeps under half."""
    cut = text.lstrip()
    if len(cut) == len(text):
        space = cut.find(" ")
        cut = cut[space:].lstrip() if space >= 0 else ""
    return cut if 2 * len(cut) >= len(text) else ""


def closest(word: str, choices: list[str]) -> str | None:
    """The known word nearest a mistyped one, for "did you mean".

    >>> closest("dens", ["dense", "dropout", "flatten"])
    'dense'
    """
    import difflib  # only on the error path

    if len(word) > 40:
        return None  # difflib is quadratic, and nothing that long is a typo of a short word
    # a typo rarely changes the first letter: 'drop' is nearer 'dropout' than 'crop', and 'attention' is no
    # 'flatten'; a word of another first letter is suggested only when it is much nearer
    found = difflib.get_close_matches(word, [c for c in choices if c[:1] == word[:1]], n=1, cutoff=0.6) or \
        difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return found[0] if found else None
