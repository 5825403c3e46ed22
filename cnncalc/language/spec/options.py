"""A layer's options: the option words (``same``, ``nobias``, an activation…) and the numbered ones (``s2``,
``p1x2``, ``g2``, ``t1``), read against what its word takes, with their names for errors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...errors import SpecError, closest
from ...model.layers import ACTIVATIONS
from .records import ParsedLayer, Token
from .sizes import _NUMBER, _numbers
from .words import WORDS, Word

_PAIR_OPTION = re.compile(r"(?P<key>op|[spdgmtblr])(?P<a>\d+)(?:[xX×](?P<b>\d+))?(?:[xX×](?P<c>\d+))?\Z")
#: Rescaling's offset, added after the scale: 'offset-1', 'offset0.5' (a pattern, compiled where one is written)
_OFFSET = r"offset([-−]?(?:\d+(?:\.\d*)?|\.\d+))\Z"
_OPTION_KEYS = {"s": "stride", "p": "padding", "d": "dilation", "g": "groups", "m": "multiplier",
                "op": "output_padding", "t": "top", "b": "bottom", "l": "left", "r": "right"}
#: Options that take one number; the others take one number per axis, or one for all.
_SINGLE = frozenset({"groups", "multiplier", "top", "bottom", "left", "right"})

_OPTION_WORDS = {
    "valid": ("padding", "valid"),
    "same": ("padding", "same"),
    "ceil": ("ceil", True),
    "nobias": ("bias", False),
    "causal": ("causal", True),
    "noscale": ("scale", False),
    "nocenter": ("center", False),
    "keepdims": ("keepdims", True),
    "channel": ("channel", True),
    "nearest": ("interpolation", "nearest"),
    "imagenet": ("imagenet", 1.0),
    "imagenet255": ("imagenet", 255.0),
    "shifted": ("shifted", True),
    "v2": ("v2", True),
    "horizontal": ("mode", "horizontal"),
    "vertical": ("mode", "vertical"),
    **{mode: ("padding_mode", mode) for mode in ("zeros", "reflect", "replicate", "circular")},
    **{name: ("activation", name) for name in ACTIVATIONS},
}
_OPTION_NAMES = {
    "stride": "a stride 's2'",
    "padding": "padding ('valid', 'same' or 'p1')",
    "dilation": "a dilation 'd2'",
    "ceil": "'ceil'",
    "activation": "an activation",
    "bias": "'nobias'",
    "groups": "groups 'g2'",
    "multiplier": "a depth multiplier 'm2'",
    "output_padding": "output padding 'op1'",
    "causal": "'causal' padding",
    "padding_mode": "a padding mode ('reflect', 'replicate', 'circular')",
    "scale": "'noscale'",
    "center": "'nocenter'",
    "keepdims": "'keepdims'",
    "channel": "'channel'",
    "interpolation": "'nearest'",
    "imagenet": "'imagenet' or 'imagenet255'",
    "offset": "an offset 'offset-1'",
    "top": "sides ('t1 b1 l1 r1')",
    "bottom": "sides ('t1 b1 l1 r1')",
    "left": "sides ('t1 b1 l1 r1')",
    "right": "sides ('t1 b1 l1 r1')",
    "shifted": "'shifted' windows",
    "v2": "'v2' (Swin v2's form)",
    "mode": "a flip's 'horizontal' or 'vertical'",
}
_LONG_FORMS = {"stride": "s", "strides": "s", "pad": "p", "padding": "p", "dilation": "d", "dilation_rate": "d"}


def _applies_to(key: str) -> str:
    users = sorted({w for w, g in WORDS.items() if key in g.options and w not in ("maxpool", "fc")})
    return f"{_OPTION_NAMES[key]} applies to: {', '.join(users)}"



class _OptionReader:
    """The parser's reading of a layer's options (a part of :class:`~cnncalc.language.spec.parser._Parser`)."""

    text: str
    layers: list[ParsedLayer]

    if TYPE_CHECKING:
        def fail(self, message: str, token: Token | tuple[int, int], hint: str | None = None) -> SpecError: ...

    def _options(self, word: str, grammar: Word, tokens: list[Token]) -> dict[str, Any]:
        options: dict[str, Any] = {}
        seen: dict[str, Token] = {}
        for token in tokens:
            key, value = self._option(word, token)
            if key not in grammar.options:
                raise self.fail(f"'{word}' does not take {_OPTION_NAMES[key]}", token,
                                _applies_to(key))
            if key in seen:
                raise self.fail(f"{_OPTION_NAMES[key]} is given twice ('{seen[key].text}' and "
                                f"'{token.text}')", token, "keep one of them")
            seen[key] = token
            options[key] = self._per_axis(word, grammar, key, value, token)
        if "causal" in seen and "padding" in seen:
            raise self.fail("'causal' is a padding, and a padding is given too", seen["padding"],
                            "keep one of them")
        return options

    def _per_axis(self, word: str, grammar: Word, key: str, value: Any, token: Token) -> Any:
        """An option's numbers as the layer needs them: one per axis (s2 → (2, 2)), or one number."""
        if not isinstance(value, tuple):
            return value
        if key in _SINGLE:
            if len(value) > 1:
                raise self.fail(f"{key} takes one number, got '{token.text}'", token)
            return value[0]
        rank = grammar.rank
        if len(value) == 1:
            return value * rank
        if len(value) != rank:
            axes = {1: "one number", 2: "one number, or two (rows x columns)",
                    3: "one number, or three (depth x rows x columns)"}[rank]
            raise self.fail(f"'{word}' has {rank} {'axes' if rank > 1 else 'axis'}, so its {key} takes {axes}; "
                            f"got '{token.text}'", token)
        return value

    def _option(self, word: str, token: Token) -> tuple[str, Any]:
        lower = token.lower
        if lower in _OPTION_WORDS:
            return _OPTION_WORDS[lower]
        offset = re.match(_OFFSET, lower) if lower.startswith("offset") else None
        if offset:
            return "offset", float(offset[1].replace("−", "-"))
        match = _PAIR_OPTION.match(lower)
        if match:
            numbers = tuple(_numbers(Token(match[group], token.start, token.end), self.text, len(self.layers) + 1)[0]
                            for group in "abc" if match[group])
            key = _OPTION_KEYS[match["key"]]
            if key not in ("padding", "output_padding") and key not in _SINGLE - {"groups", "multiplier"} \
                    and min(numbers) < 1:
                raise self.fail(f"{key} must be at least 1, got '{token.text}'", token)
            return key, numbers
        raise self._unknown_option(word, token)

    def _unknown_option(self, word: str, token: Token) -> SpecError:
        lower = token.lower
        long_form = re.match(r"([a-z_]+)=?(\d+(?:[xX×]\d+)?)\Z", lower)
        if long_form and long_form[1] in _LONG_FORMS:
            hint = f"did you mean '{_LONG_FORMS[long_form[1]]}{long_form[2]}'?"
        else:
            guess = closest(lower, list(_OPTION_WORDS))
            hint = f"did you mean '{guess}'?" if guess else (
                f"'{word}' takes {', '.join(_OPTION_NAMES[k] for k in sorted(WORDS[word].options)) or 'no options'}")
        message = f"unknown option '{token.text}' for '{word}'"
        if lower == "fn":  # the parser takes it off the end of the layer: anywhere else, or twice, it is misplaced
            message, hint = f"'fn' comes once, last, after the options of '{word}'", f"write it as '{word} … fn'"
        if _NUMBER.match(token.text):
            message = f"unexpected number '{token.text}' after '{word}'"
            hint = f"write the layer as {WORDS[word].example}"
        return self.fail(message, token, hint)
