"""Blocks with parameters: ``def mb(c, e, s) = (conv{c*e}x1 nobias, bn, relu6, …)`` defines one, ``mb(16, 6, 1)``
uses it, and each use is the block's body with its arithmetic filled in (:mod:`.braces`), exactly as if it were
written out.

A block is defined at the top level of the spec, before it is used, so no block can use itself; its structure
(how many layers, how deeply nested) does not depend on its numbers, so each use is held to the spec's
expansion limit by its size before it is built.  Errors inside a block point at the use and at the definition.
"""

from __future__ import annotations

import re
from typing import Any

from ...errors import SpecError, closest, shorten
from ...model.layers import MERGES
from ...model.records import record
from .braces import MAX_VALUE, BracesError, Tree, compute, names, read
from .filling import Filling
from .records import BlockUse, Item, MergeItem, Scope, Token
from .words import _WORD, WORDS

#: A ``{expr}`` inside a word or an option.
BRACES = re.compile(r"\{([^{}\n]*)\}")
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_INTEGER = re.compile(r"[+\-\u2212]?\d{1,16}\Z")
#: The most work filling in the blocks of one spec may take (a second or two): each ``{expr}`` filled in is one,
#: and one more for each 16 characters of it computed (each use computes each distinct ``{expr}`` once).  A spec
#: of 100,000 layers with a ``{c}`` or two in each is well within it.
MAX_WORK = 500_000
#: Words that cannot name a block: they already mean something where a block's name stands.
RESERVED = frozenset({"def", "id", "as", "input", *MERGES})


@record
class Definition:
    """A block: its name, its parameters, where its head is written, its body (items with ``{expr}`` unfilled),
    how many layers it expands to and how deeply it nests."""

    name: Token
    params: tuple[str, ...]
    head: tuple[int, int]
    body: tuple[Item, ...]
    size: int
    depth: int
    #: the first ``{expr}`` of the body that does not read, raised where the block is first used
    problem: SpecError | None = None


def integer_problem(text: str) -> str | None:
    """Why an argument as written is not an integer a block takes, or None."""
    if _INTEGER.match(text) and abs(int(text.replace("\u2212", "-"))) <= MAX_VALUE:
        return None
    if _INTEGER.match(text) or re.fullmatch(r"[+\-\u2212]?\d+", text):
        return f"the argument {shorten(text, 24)} is beyond 10^15"
    return f"the argument '{shorten(text, 24)}' is not an integer"


class Blocks:
    """The blocks a spec defines as it is read, and each use filled in.  ``text`` is the spec with its comments
    blanked out, so an ``{expr}`` in a comment is never read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.defined: dict[str, Definition] = {}
        #: the name of the block whose body is being read
        self.defining: Token | None = None
        #: the deepest nesting reached in the body being read
        self.deepest = 0
        self.used: set[str] = set()
        self._trees: dict[str, Tree | BracesError] = {}
        #: how many characters of arithmetic have been computed, held to :data:`MAX_WORK`
        self.work = 0

    # --- definitions -------------------------------------------------------------------------------------------

    def check_head(self, name: Token, params: list[Token]) -> None:
        """Refuse a block's name or parameters that cannot be."""
        lower = name.lower
        hint = "name a block with letters, digits and '_', not as a layer or a merge, as in 'def mb(c, e, s) = (…)'"
        if not _NAME.match(lower):
            raise self.fail(f"'{shorten(name.text)}' cannot name a block", name, hint)
        if lower in RESERVED or lower in WORDS or _WORD.match(lower):
            raise self.fail(f"'{name.text}' is a word of the spec language and cannot name a block", name, hint)
        if lower in self.defined:
            raise self.fail(f"the block '{name.text}' is already defined", name,
                            "give each block its own name").at("its first definition", self.defined[lower].head)
        seen: set[str] = set()
        for param in params:
            if not _NAME.match(param.lower):
                raise self.fail(f"'{shorten(param.text)}' cannot name a parameter", param,
                                "parameters are names, as in 'def mb(c, e, s) = (…)'")
            if param.lower in seen:
                raise self.fail(f"the parameter '{param.text}' is named twice", param, "give each its own name")
            seen.add(param.lower)

    def define(self, name: Token, params: list[Token], head: tuple[int, int], body: list[Item], size: int) -> None:
        """Add a block read in full; an ``{expr}`` of its body that does not read is kept for its first use."""
        if not body:
            raise self.fail(f"the block '{name.text}' has no layers", head,
                            "give it at least one layer, or 'id' for a block that passes its input on")
        lowered = tuple(p.lower for p in params)
        problem = None
        for token, start in _braced(body):
            for match in BRACES.finditer(token):
                tree = self.tree(match[1])
                span = (start + match.start(), start + match.end())
                if isinstance(tree, BracesError):
                    problem = self.fail(tree.message, span, tree.hint)
                else:
                    unknown = [n for n in names(tree) if n not in lowered]
                    if unknown:
                        known = ", ".join(p.text for p in params) or "none"
                        problem = self.fail(f"unknown parameter '{unknown[0]}' in '{{{shorten(match[1], 30)}}}'",
                                            span, f"the parameters of '{name.text}' are: {known}")
                if problem is not None:
                    break
            if problem is not None:
                break
        self.defined[name.lower] = Definition(name, lowered, head, tuple(body), size, max(self.deepest, 1), problem)

    def unused_problem(self) -> None:
        """Raise the problem of a block never used: it is still wrong."""
        for definition in self.defined.values():
            if definition.problem is not None and definition.name.lower not in self.used:
                raise definition.problem

    def tree(self, text: str) -> Tree | BracesError:
        """An expression's tree, read once; or why it does not read."""
        known = self._trees.get(text)
        if known is None:
            try:
                known = read(text)
            except BracesError as problem:
                known = problem
            self._trees[text] = known
        return known

    # --- uses --------------------------------------------------------------------------------------------------

    def unknown(self, name: Token, position: int) -> SpecError | None:
        """The error for ``name(`` where no block of that name is defined, or None when it is not meant as a
        block (a layer word, or no block defined anywhere)."""
        lower = name.lower
        defining = self.defining
        if defining is not None and lower == defining.lower:
            return self.fail(f"the block '{name.text}' uses itself", name,
                             "a block cannot use itself, directly or through other blocks: write the layers out, "
                             "or repeat them with [ … ]xN").at(f"the definition of '{defining.text}'",
                                                               (defining.start, defining.end))
        later = re.compile(r"(?<![A-Za-z0-9_])def\s+" + re.escape(lower) + r"\s*\(", re.IGNORECASE)
        found = later.search(self.text, position)
        if found is not None:
            where = "the block being defined" if defining is None else f"'{defining.text}'"
            error = self.fail(f"'{name.text}' is used before its definition", name,
                              f"define a block before {where} uses it; so no block can use itself, "
                              "directly or through other blocks")
            return error.at(f"the definition of '{name.text}'", (found.start(), found.end() - 1))
        known = [*self.defined, *([defining.lower] if defining is not None else [])]
        if not known or _WORD.match(lower) or lower in WORDS:
            return None
        import difflib  # only on the error path

        guess = closest(lower, known) or next(iter(difflib.get_close_matches(lower, known, n=1, cutoff=0.5)), None)
        hint = f"did you mean '{guess}'?" if guess else f"the blocks defined are: {', '.join(known)}"
        error = self.fail(f"unknown block '{shorten(name.text)}'", name, hint)
        return error if defining is None else error.at(f"in the definition of '{defining.text}'",
                                                       (defining.start, defining.end))

    def use_size(self, name: Token) -> int:
        self.used.add(name.lower)
        return self.defined[name.lower].size

    def expand(self, use: BlockUse, values: dict[str, int] | None = None,
               outer: tuple[tuple[str, tuple[int, int]], ...] = ()) -> Scope:
        """A use filled in: the block's body with each ``{expr}`` replaced by its value, as one scope."""
        definition = self.defined[use.name.lower]
        here = ((f"where '{use.name.text}' is used", use.span), *outer)
        if definition.problem is not None:
            raise _placed(definition.problem, here)
        if len(use.args) != len(definition.params):
            takes = ", ".join(definition.params)
            raise self.fail(f"'{use.name.text}' takes {len(definition.params)} argument"
                            f"{'' if len(definition.params) == 1 else 's'} ({takes}), got {len(use.args)}", use.span,
                            f"write it as {use.name.text}({takes})", also=outer).at(
                f"the definition of '{definition.name.text}'", definition.head)
        given = {}
        for param, token in zip(definition.params, use.args):
            text = self.fill(token.text, token.start, values or {}, outer) if "{" in token.text else token.text
            problem = integer_problem(text)
            if problem is not None:
                hint = f"write {{{token.text}}} to pass the parameter '{token.text}' on" if values and \
                    token.lower in values else "arguments are integers, as in mb(16, 6, 1); inside a block, " \
                    "{expr} computes one from its parameters, as in mb({c*2}, 6, 1)"
                raise self.fail(f"{problem} ('{use.name.text}' takes integers)", token, hint,
                                also=outer).at(f"the definition of '{definition.name.text}'", definition.head)
            given[param] = int(text.replace("\u2212", "-"))
        return Scope(Filling(self, given, here).items(definition.body), use)

    def fill(self, text: str, start: int, values: dict[str, int], here: tuple[tuple[str, tuple[int, int]], ...],
             known: dict[str, str] | None = None) -> str:
        """``text`` (at ``start`` in the spec) with each ``{expr}`` replaced by its value (``known``: the values
        already computed with these ``values``)."""
        def value(match: re.Match[str]) -> str:
            expression = match[1]
            self.work += 1
            if known is not None and expression in known and self.work <= MAX_WORK:
                return known[expression]
            span = (start + match.start(), start + match.end())
            self.work += len(expression) // 16
            if self.work > MAX_WORK:
                raise self.fail(f"the blocks' uses fill in more than {MAX_WORK:,} '{{…}}'", span,
                                "use fewer {…} in a block that is used many times, or write its numbers out",
                                also=here)
            tree = self.tree(expression)
            try:
                if isinstance(tree, BracesError):
                    raise tree
                result = str(compute(tree, values))
                if known is not None:
                    known[expression] = result
                return result
            except BracesError as problem:
                raise self.fail(f"{problem.message} in '{{{shorten(match[1], 30)}}}'", span, problem.hint,
                                also=here) from None

        filled = BRACES.sub(value, text)
        if "{" in filled or "}" in filled:
            raise self.fail("an unmatched '{' or '}'", (start, start + len(text)),
                            "write a block's arithmetic on one line between '{' and '}', as in conv{c*e}x1",
                            also=here)
        return filled

    def fail(self, message: str, where: Token | tuple[int, int], hint: str | None = None,
             also: tuple[tuple[str, tuple[int, int]], ...] = ()) -> SpecError:
        span = where if isinstance(where, tuple) else (where.start, where.end)
        return SpecError(message, self.text, span, None, hint, also)


def _placed(error: SpecError, here: tuple[tuple[str, tuple[int, int]], ...]) -> SpecError:
    """A copy of a definition's error that also points at this use."""
    return SpecError(error.message, error.text, error.span, error.layer, error.hint, (*error.also, *here))


def _braced(items: Any) -> list[tuple[str, int]]:
    """Each piece of text of a body that holds a ``{``, with where it starts: tokens, and block uses' arguments."""
    found: list[tuple[str, int]] = []
    seen: set[int] = set()
    stack = list(items)
    while stack:
        item = stack.pop()
        if type(item) is list:
            found += [(t.text, t.start) for t in item if "{" in t.text]
        elif isinstance(item, Scope):
            if id(item) not in seen:  # a repeat's copies are one object
                seen.add(id(item))
                stack += item.items
        elif isinstance(item, MergeItem):
            stack += [sub for branch in item.branches for sub in branch]
            found += [(t.text, t.start) for t in item.trailing if "{" in t.text]
        elif isinstance(item, BlockUse):
            found += [(t.text, t.start) for t in (*item.args, *item.trailing) if "{" in t.text]
    found.sort(key=lambda piece: piece[1])
    return found
