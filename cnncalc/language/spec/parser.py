"""The reader of one layer's tokens: its word, its numbers and its options into a record (each distinct layer read
once), or the input's shape and layout."""

from __future__ import annotations

import re

from ...errors import CnnCalcError, SpecError, closest, shorten
from ...lazy import attribute
from ...model import layers
from ...model.layers import Layer
from .arguments import _ArgumentReader
from .options import _OPTION_WORDS, _PAIR_OPTION, _OptionReader
from .records import ParsedInput, ParsedLayer, Token
from .sizes import _DIMS, _NUMBER, LAYOUTS, _dims, _named_dims
from .words import _WORD, WORDS, _word_list

#: The trailing option that writes a layer as an operation in PyTorch's forward(), not a module: ``gap fn``.
FUNCTIONAL = "fn"


class _Parser(_ArgumentReader, _OptionReader):
    """Reads each layer's tokens into a :class:`ParsedLayer`, and the input's into :attr:`input`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.input: ParsedInput | None = None
        self.layers: list[ParsedLayer] = []
        self._last_span = (0, 0)
        #: each distinct layer's words, read once: its record and its source text
        self._known: dict[tuple[str, ...], tuple[Layer, str] | tuple[Layer, str, bool]] = {}

    def fail(self, message: str, token: Token | tuple[int, int], hint: str | None = None) -> SpecError:
        span = token if isinstance(token, tuple) else (token.start, token.end)
        return SpecError(message, self.text, span, len(self.layers) + 1, hint)

    def add(self, parsed: ParsedLayer) -> None:
        self.layers.append(parsed)

    def layer(self, tokens: list[Token], inputs: tuple[int, ...] = (),
              uses: tuple[tuple[str, tuple[int, int]], ...] = ()) -> None:
        first = tokens[0]
        span = self._last_span = (first.start, tokens[-1].end)
        if self.input is None and not self.layers and _DIMS.match(first.text):
            self._input(tokens[1:], first)
            return
        # A layer's record depends on its words alone, and a spec repeats its layers (blocks, [ … ]xN): each
        # distinct layer is read once, and its record (frozen) shared.  A layer that cannot be read raises the
        # first time, so nothing is cached for it.
        key = tuple([t.text for t in tokens])
        known = self._known.get(key)
        if known is None:
            functional = len(tokens) > 1 and tokens[-1].lower == FUNCTIONAL
            known = self._read(tokens[:-1] if functional else tokens)
            if known is None:  # the input
                if functional:
                    raise self.fail("'fn' marks a layer written as a function; the input is none", tokens[-1])
                return
            if functional:
                known = (*known[:2], True)
            self._known[key] = known
        if len(known) > 2:
            self.layers.append(ParsedLayer(known[0], span, " ".join([t.text for t in tokens]), inputs, (), uses,
                                           True))
            return
        self.layers.append(ParsedLayer(known[0], span, known[1], inputs, (), uses) if uses else
                           ParsedLayer(known[0], span, known[1], inputs))

    def _read(self, tokens: list[Token]) -> tuple[Layer, str] | None:
        """A layer's record and its source text, or None for 'input …', which sets the input."""
        first = tokens[0]
        for token in tokens:
            if "{" in token.text or "}" in token.text:
                raise self.fail(f"'{shorten(token.text)}': '{{…}}' is a block's arithmetic, written only in the "
                                "body of a 'def'", token,
                                "define a block, as in 'def unit(c) = (conv{c}x3 same, relu)', and use it as unit(32)")
        if _WORD.match(first.lower) is None:  # no layer's word: perhaps a network known by name
            network = self._network(tokens)
            if network is not None:
                return network
        word, args, rest = self._word(tokens)
        if word == "input":
            if self.input is not None or self.layers:
                raise self.fail("'input' must come first, and only once", first,
                                "put 'input HxWxC' at the start of the spec, or use --input")
            self._input(rest, args)
            return None
        grammar = WORDS[word]
        value = self._args(word, grammar, args, first)
        options = self._options(word, grammar, rest)
        return grammar.build(value, options), " ".join([t.text for t in tokens])

    def _network(self, tokens: list[Token]) -> tuple[Layer, str] | None:
        """``keras:MobileNetV2 notop``: a network of the zoo as one item, or None if the word names none."""
        first = tokens[0]
        try:  # the zoo sits above the language: its one function asked for by name, when a word is no layer's
            found = attribute("cnncalc.zoo", {"item": "names"}, "item")(first.text)
        except CnnCalcError as error:
            raise self.fail(error.message, first, error.hint) from None
        if found is None:
            return None
        rest = [token for token in tokens[1:] if token.lower != "notop"]
        if rest:
            raise self.fail(f"unexpected '{rest[0].text}' after the network '{first.text}'", rest[0],
                            "a known network takes 'notop' (its classifier cut off) and 'frozen' only, as in "
                            "'keras:MobileNetV2 notop frozen'")
        return layers.Nested(found[0], found[1], len(tokens) > 1), " ".join([t.text for t in tokens])

    def _input(self, rest: list[Token], dims: Token | None) -> None:
        if dims is None:
            if not rest:
                raise SpecError("'input' needs a shape", self.text, self._last_span, 0,
                                "write it as 'input 28x28x1', 'input 28x28' or 'input 784'")
            dims, rest = rest[0], rest[1:]
        layout = None
        if rest and rest[0].lower in LAYOUTS:
            layout, rest = LAYOUTS[rest[0].lower], rest[1:]
        if rest:
            raise SpecError(f"unexpected '{rest[0].text}' after the input shape", self.text,
                            (rest[0].start, rest[-1].end), 0,
                            "separate layers with ',' or ';'; after the shape only a layout may follow, "
                            "as in 'input 3x224x224 nchw'")
        named = _named_dims(dims, self.text)
        if named is not None:
            self.input = ParsedInput(named[0], (dims.start, dims.end), layout, named[1])
            return
        shape = _dims(dims, self.text, 0, "input shape", 4)
        self.input = ParsedInput(shape, (dims.start, dims.end), layout)

    def _word(self, tokens: list[Token]) -> tuple[str, Token | None, list[Token]]:
        """Split the layer word from its numbers: 'conv32x3' → ('conv', '32x3')."""
        first = tokens[0]
        match = _WORD.match(first.lower)
        if not match:
            raise self._unknown_word(first)
        word = match[1]
        if match[2]:
            return word, Token(first.text[len(word):], first.start + len(word), first.end), tokens[1:]
        takes_numbers = word == "input" or WORDS[word].args
        if takes_numbers and len(tokens) > 1 and (_NUMBER.match(tokens[1].text) or
                                                  (word == "slice" and ":" in tokens[1].text)):
            return word, tokens[1], tokens[2:]
        return word, None, tokens[1:]

    def _unknown_word(self, token: Token) -> SpecError:
        lower = token.lower
        if _PAIR_OPTION.match(lower) or (lower in _OPTION_WORDS and lower not in WORDS):
            return self.fail(f"'{token.text}' is an option, not a layer", token,
                             "options follow their layer, as in 'conv32x3 s2 same'; "
                             "separate layers with ',' or ';'")
        match = re.match(r"[a-z_]+", lower)
        stem = match.group() if match else lower
        guess = closest(stem, list(WORDS))
        if guess == stem or (guess and f"{guess}{token.text[len(stem):]}".lower() == lower):
            # the word is right and what follows it is not: show the form, not the same text back
            hint = f"'{guess}' is written as {WORDS[guess].example}"
            if not WORDS[guess].args:
                hint += "; it takes no numbers"
        else:
            hint = f"did you mean '{guess}{token.text[len(stem):]}'?" if guess else _word_list()
            # a misspelt network of the zoo (the zoo sits above the language: asked for by name)
            networks = attribute("cnncalc.zoo", {"near": "names"}, "near")(token.text)
            if networks:
                hint = f"did you mean {' or '.join(networks)}? (a network cnncalc zoo lists)"
        return self.fail(f"unknown layer '{token.text}'", token, hint)
