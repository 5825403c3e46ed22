"""Symbolic sizes: a spec whose input is written with names, as the lectures write R×C×3.

    cnncalc summary "input RxCx3, conv5x3, conv7x3, flatten, dense10"
    (None, R−2, C−2, 5)   (None, R−4, C−4, 7)   (None, (R−4)·(C−4)·7)   ((R−4)·(C−4)·7 + 1)·10 parameters

No rule is written twice.  The network is built by the ordinary rules several times, each time with
other numbers standing in for the names (odd, far apart, of different residues), and each output size
and count is then written in the names by the first form that reproduces every one of those builds:
a number that never changes; the window formula ⌊(n + p_before + p_after − d(k − 1) − 1)/s⌋ + 1 of the
layer's own axes (⌈n/s⌉ for 'same', ⌈…⌉ + 1 for ceil mode); a·n + b of the same axis (padding,
cropping, upsampling, a transposed convolution, any layer that keeps the size); the product of every
input size (a flatten); the sum of the inputs' sizes (a concatenation); an input size moved to another
axis (a permute).  A count is a number or a·F + b in the input's last size F (a dense layer reading a
symbolic flatten).  A size no form reproduces is an error that asks for numbers, never a guess.

The spec is parsed once (the parser reads the names, :attr:`cnncalc.language.spec.ParsedInput.names`), so every error
points into the text as written; an error met with stand-in numbers never shows them (:func:`_unfollowable`).

sympy does the algebra, and is imported only when a spec has a name in it: numeric summaries never
load it.  Sizes print as the lectures write them (``R−2``, ``⌊(R − 3)/2⌋ + 1``, ``(R−4)·(C−4)·7``) and
as plain ASCII in JSON (``"R-2"``, ``"floor((R-3)/2)+1"``).  Answers in the names are read by
:mod:`cnncalc.language.expression` (never by sympy, which would evaluate them), and :func:`compare` decides exactly
whether an answer equals the size for every value of the names.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import CnnCalcError, ShapeError, SpecError, shorten
from ..model.layers import Params
from ..model.records import record
from .expression import symbols_for

if TYPE_CHECKING:
    from .spec import Spec

__all__ = ["Comparison", "Size", "compare", "symbolic_network"]

#: The numbers that stand in for the names, one build each: odd, far apart, of different residues.
_STAND_INS = (1031, 1297, 2053, 1543, 1187)


class Size(str):
    """A size or count written in the input's names.

    As a string it is the ASCII form JSON writes (``R-2``); ``str()`` and formatting give the form the
    table prints (``R−2``); arithmetic works on the sympy expression behind it, so totals add up.
    """

    expr: Any
    text: str
    order: tuple[str, ...]

    def __new__(cls, expr: Any, order: tuple[str, ...]) -> Size:
        instance = super().__new__(cls, _print(expr, order, ascii_form=True))
        instance.expr = expr
        instance.text = _print(expr, order, ascii_form=False)
        instance.order = order
        return instance

    def __str__(self) -> str:
        return self.text

    def _sympy_(self) -> Any:
        """sympy reads a str as Python source (sympify is eval): a Size given to sympy is its expression instead."""
        return self.expr

    def __format__(self, spec: str) -> str:
        return self.text

    def _combine(self, other: Any, sign: int, swap: bool = False) -> Any:
        """A sum kept as written (a total reads '((R−4)·(C−4)·7 + 1)·10 + 320', its layers' counts)."""
        import sympy

        if isinstance(other, int) and other == 0:
            return self if not swap or sign > 0 else sized(-self.expr, self.order)
        theirs = other.expr if isinstance(other, Size) else sympy.Integer(other) if isinstance(other, int) else None
        if theirs is None:
            return NotImplemented
        mine = self.expr
        if swap:
            mine, theirs = theirs, mine
        return Size(sympy.Add(mine, sign * theirs, evaluate=False), self.order)

    def __add__(self, other: Any) -> Any:
        return self._combine(other, 1)

    def __radd__(self, other: Any) -> Any:
        return self._combine(other, 1, swap=True)

    def __sub__(self, other: Any) -> Any:
        return self._combine(other, -1)

    def __rsub__(self, other: Any) -> Any:
        return self._combine(other, -1, swap=True)

    __hash__ = str.__hash__


def sized(expr: Any, order: tuple[str, ...]) -> Any:
    """An int when the expression is a number, a :class:`Size` otherwise."""
    if expr.is_Integer:
        return int(expr)
    return Size(expr, order)


# ---- printing ---------------------------------------------------------------------------------------------

def _print(expr: Any, order: tuple[str, ...], ascii_form: bool) -> str:
    return _Printer(order, ascii_form).top(expr)


class _Printer:
    """Sizes as the lectures write them: symbolic terms first in the input's order, numbers last."""

    def __init__(self, order: tuple[str, ...], ascii_form: bool) -> None:
        self.order = order
        self.ascii = ascii_form
        self.minus = "-" if ascii_form else "−"
        self.times = "*" if ascii_form else "·"

    def rank(self, expr: Any) -> tuple[int, str]:
        names = sorted((self.order.index(s.name) if s.name in self.order else 99) for s in expr.free_symbols)
        return (names[0] if names else 100, str(expr))

    def top(self, expr: Any) -> str:
        return self.expr(expr, tight=True)

    def expr(self, expr: Any, tight: bool) -> str:  # noqa: PLR0911 - one return per kind of expression
        import sympy

        if expr.is_Integer:
            return str(int(expr)) if expr >= 0 else f"{self.minus}{-int(expr)}"
        if expr.is_Rational:
            return f"{expr.p}/{expr.q}"
        if expr.is_Symbol:
            return str(expr.name)
        if isinstance(expr, sympy.floor | sympy.ceiling):
            inner = self.fraction(expr.args[0])
            if self.ascii:
                return f"{'floor' if isinstance(expr, sympy.floor) else 'ceil'}({inner})"
            return f"⌊{inner}⌋" if isinstance(expr, sympy.floor) else f"⌈{inner}⌉"
        if expr.is_Add:
            return self.sum(expr, tight)
        if expr.is_Mul:
            return self.product(expr)
        if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
            base = self.factor(expr.base)
            return f"{base}^{int(expr.exp)}" if self.ascii else f"{base}{str(int(expr.exp)).translate(_SUPERSCRIPTS)}"
        return str(expr)

    def sum(self, expr: Any, tight: bool) -> str:
        terms = sorted(expr.args, key=lambda t: (t.is_number, self.rank(t)))
        simple = tight and len(terms) == 2 and terms[0].is_Symbol and terms[1].is_Integer
        gap = "" if simple or self.ascii else " "
        text = self.expr(terms[0], tight=False)
        for term in terms[1:]:
            negative = term.could_extract_minus_sign()
            body = self.expr(-term if negative else term, tight=False)
            text += f"{gap}{self.minus if negative else '+'}{gap}{body}"
        return text

    def product(self, expr: Any) -> str:
        coefficient, factors = expr.as_coeff_mul()
        if coefficient < 0:
            return f"{self.minus}{self.product(-expr)}"
        ordered = sorted(factors, key=self.rank)
        parts = [self.factor(f) for f in ordered]
        if coefficient != 1:
            parts.append(self.expr(coefficient, tight=True))
        return self.times.join(parts)

    def factor(self, expr: Any) -> str:
        text = self.expr(expr, tight=True)
        return f"({text})" if expr.is_Add else text

    def fraction(self, expr: Any) -> str:
        """A floor's argument as (numerator)/denominator: ⌊(R − 3)/2⌋, never ⌊R/2 − 3/2⌋."""
        import sympy

        expanded = sympy.expand(expr)
        places = [sympy.Rational(c).q for c in expanded.as_coefficients_dict().values()]
        denominator = sympy.Integer(sympy.ilcm(1, *places))
        numerator = sympy.expand(expanded * denominator)
        if denominator == 1:
            return self.expr(numerator, tight=False)
        top = self.expr(numerator, tight=False)
        top = f"({top})" if numerator.is_Add or numerator.is_Mul else top
        return f"{top}/{self.expr(denominator, tight=True)}"


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


# ---- resolving --------------------------------------------------------------------------------------------

def _sympy(value: Any) -> Any:
    """A sympy number or expression for a size: ints become Integers; nothing is ever read from text."""
    import sympy

    return value if isinstance(value, sympy.Basic) else sympy.Integer(value)


def _runs(names: list[str]) -> list[dict[str, int]]:
    """The stand-in numbers of each build: every name its own, and different in every build."""
    return [{name: _STAND_INS[(run + i) % len(_STAND_INS)] + 2 * i for i, name in enumerate(names)}
            for run in range(len(_STAND_INS))]


def symbolic_network(spec: Spec, resolve_at: Callable[[tuple[int, ...]], Any]) -> Any:
    """The network of a spec whose input is written with names, each size and count in those names.

    ``resolve_at`` resolves the parsed spec with numbers for its input (the ordinary rules); the spec is parsed
    once, so every error points into the text as written."""
    from ..model.records import replace

    assert spec.input is not None and spec.input.names
    written = spec.input.names
    names = list(dict.fromkeys(name for name in written if name))
    symbols = symbols_for(names)
    order = tuple(names)
    runs = _runs(names)
    nets = _builds(spec, resolve_at, runs, names)
    first = nets[0]
    dims = [symbols[name] if name else size for name, size in zip(written, spec.input.shape)]
    if first.layout == "nchw" and len(dims) > 1:
        dims = [*dims[1:], dims[0]]
    shapes: dict[str, tuple[Any, ...]] = {"input_layer": tuple(dims)}
    layers = []
    for row, layer in enumerate(first.layers):
        inputs = [shapes[name] for name in layer.inputs] if layer.inputs else [tuple(dims)]
        numeric = [net.layers[row] for net in nets]
        sizes = tuple(_size(spec.text, layer, axis, inputs, numeric, runs, symbols)
                      for axis in range(len(layer.output_shape)))
        shapes[layer.name] = sizes
        params = _params(spec.text, layer, inputs[0], numeric, runs, symbols)
        shown = tuple(sized(d, order) if not isinstance(d, int) else d for d in sizes)
        layers.append(replace(layer, output_shape=shown,
                              input_shape=tuple(sized(d, order) if not isinstance(d, int) else d for d in inputs[0]),
                              input_shapes=(), params=params, axes=(), arithmetic=(),
                              warnings=tuple(w for w in layer.warnings if all(w in n.warnings for n in numeric)),
                              notes=tuple(n for n in layer.notes if all(n in m.notes for m in numeric)),
                              macs=0, bias_adds=0))
    shown_input = tuple(sized(d, order) if not isinstance(d, int) else d for d in dims)
    return replace(first, layers=tuple(layers), input_shape=shown_input, input_warnings=())


def _builds(spec: Spec, resolve_at: Callable[[tuple[int, ...]], Any], runs: list[dict[str, int]],
            names: list[str]) -> list[Any]:
    """The network resolved once per run, with that run's numbers for the names."""
    assert spec.input is not None
    nets, failures = [], []
    for run in runs:
        shape = tuple(run[name] if name else size for name, size in zip(spec.input.names, spec.input.shape))
        try:
            nets.append(resolve_at(shape))
        except CnnCalcError as error:
            failures.append(error)
    if failures:
        raise _unfollowable(spec, failures, len(failures) == len(runs), names)
    return nets


def _unfollowable(spec: Spec, failures: list[CnnCalcError], every_run: bool, names: list[str]) -> CnnCalcError:
    """The error of a spec that fails with numbers standing in for its names, never showing those numbers.

    An error that is the same whatever the names stand for is the spec's own.  One that differs only in its
    numbers is said for some values of the names, with '…' for each number that changes with them; any other is
    said at its layer, in the names."""
    first = failures[0]
    if every_run and all(error.render() == first.render() for error in failures):
        return first
    said = ", ".join(names)
    masked = _masked([f"{error.message}\0{error.hint or ''}" for error in failures]) \
        if all(_place(error) == _place(first) for error in failures) else None
    if masked is not None:
        message, _, hint = masked.partition("\0")
        message = f"for some values of {said}: {message}"
        hint = (f"{hint}; " if hint else "") + f"… is a size that depends on {said}; give numbers with --input HxWxC " \
            "to see them"
    else:
        message = f"cnncalc cannot follow {said} through this layer: it fails for some values of them"
        hint = ("cnncalc follows names through a network only where every size is defined for every large value "
                "of them; give numbers with --input HxWxC to see the sizes")
    if isinstance(first, ShapeError):
        return ShapeError(message, spec.text, first.span, first.layer or 0, first.name, hint)
    if isinstance(first, SpecError) and first.text == spec.text:
        return SpecError(message, spec.text, first.span, first.layer, hint)
    assert spec.input is not None
    return SpecError(message if masked is not None else f"cnncalc cannot follow {said} through this network: it "
                     "fails for some values of them", spec.text, spec.input.span, 0, hint)


def _place(error: CnnCalcError) -> tuple[Any, ...]:
    """Where an error points: its kind, span and layer."""
    return type(error), getattr(error, "span", None), getattr(error, "layer", None), getattr(error, "name", None)


#: A number in a message, with its thousands commas: 4,017,807.
_NUMBER = re.compile(r"\d+(?:,\d{3})*")


def _masked(messages: list[str]) -> str | None:
    """The messages as one, each number that is not the same in all of them written '…'; None if they differ in
    more than their numbers."""
    words = [_NUMBER.split(message) for message in messages]
    if any(w != words[0] for w in words):
        return None
    numbers = [_NUMBER.findall(message) for message in messages]
    shown = [values[0] if len(set(values)) == 1 else "…" for values in zip(*numbers)]
    return "".join(word + number for word, number in zip(words[0], [*shown, ""]))


def _value(expr: Any, symbols: dict[str, Any], run: dict[str, int]) -> Any:
    return expr.subs({symbols[name]: value for name, value in run.items()}) if hasattr(expr, "subs") else expr


def _fits(expr: Any, wanted: list[int], symbols: dict[str, Any], runs: list[dict[str, int]]) -> bool:
    return all(_value(expr, symbols, run) == value for run, value in zip(runs, wanted))


def _cannot(text: str, layer: Any, what: str, symbols: dict[str, Any]) -> ShapeError:
    """A layer whose size or count no form reproduces: said at the layer, in the names, never with numbers."""
    return ShapeError(f"cnncalc cannot write its {what} in terms of {', '.join(symbols)}", text, layer.span,
                      layer.index, layer.name, "give numbers with --input HxWxC (the summary is then exact)")


def _size(text: str, layer: Any, axis: int, inputs: list[tuple[Any, ...]], numeric: list[Any],
          runs: list[dict[str, int]], symbols: dict[str, Any]) -> Any:
    """One output size in the names: the first form that reproduces every build."""
    import sympy

    wanted = [n.output_shape[axis] for n in numeric]
    if len(set(wanted)) == 1:
        return wanted[0]
    source = inputs[0]
    candidates: list[Any] = []
    if axis < len(source) and axis < len(numeric[0].axes) and len(source) == len(numeric[0].output_shape):
        candidates.append(_window(numeric[0].axes[axis], source[axis]))
    if axis < len(source):
        fitted = _affine(source[axis], [n.input_shape[axis] if len(n.input_shape) > axis else 0 for n in numeric],
                         wanted)
        if fitted is not None:
            candidates.append(fitted)
        candidates += list(source)  # a permute moves sizes between axes
    if len(numeric[0].output_shape) == 1:
        candidates.append(sympy.Mul(*map(_sympy, source)))
    if len(inputs) > 1 and all(len(s) > axis for s in inputs):
        candidates.append(sympy.Add(*(_sympy(s[axis]) for s in inputs)))
    for candidate in candidates:
        expr = _sympy(candidate)
        if _fits(expr, wanted, symbols, runs):
            return expr
    raise _cannot(text, layer, f"output's axis {axis + 1}", symbols)


def _window(windows: Any, n: Any) -> Any:
    """The window formula of one axis, with a symbolic input size (the same formula window_axis computes)."""
    import sympy

    if windows.mode == "same":
        return _rounded(sympy.ceiling, n, windows.stride)
    offset = windows.pad_before + windows.pad_after - windows.span
    return _rounded(sympy.ceiling if windows.ceil else sympy.floor, n + offset, windows.stride) + 1


def _rounded(rounding: Any, numerator: Any, stride: int) -> Any:
    """⌊numerator/stride⌋ (or ⌈…⌉), with a floor inside folded in: ⌊(⌊x⌋ + m)/n⌋ = ⌊(x + m)/n⌋ for integers m
    and n > 0 (and so for ceilings), so a chain of strides reads ⌊(R − 5)/4⌋ + 1, not a floor of floors."""
    import sympy

    if stride == 1:  # an integer needs no rounding: ⌊(R − 3)/2⌋ − 1 stays so
        return _sympy(numerator)
    constant, rest = _sympy(numerator).as_coeff_Add()
    if isinstance(rest, rounding) and constant.is_Integer:
        return rounding((rest.args[0] + constant) / stride)
    return rounding(sympy.Rational(1) * numerator / stride)


def _affine(source: Any, inputs: list[int], outputs: list[int]) -> Any:
    """a·source + b through the builds' (input, output) pairs, or None."""
    import sympy

    if len(set(inputs)) < 2:
        return None
    (x0, y0), (x1, y1) = next(((a, b), (c, d)) for (a, b), (c, d) in zip(zip(inputs, outputs),
                                                                         zip(inputs[1:], outputs[1:])) if a != c)
    slope = sympy.Rational(y1 - y0, x1 - x0)
    return slope * source + (y0 - slope * x0)


def _params(text: str, layer: Any, source: tuple[Any, ...], numeric: list[Any], runs: list[dict[str, int]],
            symbols: dict[str, Any]) -> Any:
    """The layer's counts: numbers, or a·F + b in the last size F it reads (a dense layer on a symbolic flatten)."""
    fields = {}
    for field in ("weights", "biases", "non_trainable", "buffers"):
        wanted = [getattr(n.params, field) for n in numeric]
        if len(set(wanted)) == 1:
            fields[field] = wanted[0]
            continue
        features = [n.input_shape[-1] if n.input_shape else 0 for n in numeric]
        expr = _affine(source[-1], features, wanted) if source else None
        if expr is None or not _fits(expr, wanted, symbols, runs):
            raise _cannot(text, layer, field, symbols)
        fields[field] = sized(expr, tuple(symbols))
    return Counted(fields["weights"], fields["biases"], fields["non_trainable"], fields["buffers"])


class Counted(Params):
    """A layer's counts in the names: its total factored as a lecture writes it, ((R−4)·(C−4)·7 + 1)·10."""

    @property
    def total(self) -> Any:
        import sympy

        weights, biases = self.weights, self.biases
        if isinstance(weights, int) and isinstance(biases, int):
            return weights + biases
        order = next(v.order for v in (weights, biases) if isinstance(v, Size))
        expr = sympy.factor_terms(_sympy(getattr(weights, "expr", weights)) + _sympy(getattr(biases, "expr", biases)))
        return sized(expr, order)


# ---- grading ----------------------------------------------------------------------------------------------
#
# Two sizes are equal for every value of the names when their difference D is zero everywhere.  D is made of
# + − ×, division by numbers, integer powers, floors and ceilings of the names, so it is a quasi-polynomial: on
# each residue class of the names modulo a period P it is a polynomial, of degree at most d_v in a name v.  Such a
# function is zero everywhere exactly when it is zero on P·(d_v + 1) consecutive values of each name (d_v + 1
# values in every class).  Written as a sum of products of factors, each factor a function of one group of names
# (a group: names that share a floor), D is zero exactly when its coefficients on a basis of each group's
# factors are zero, and each group's basis is found on that group's grid alone: a few dozen values for the
# lectures' sizes, where the product of the grids would be thousands.  Every step is exact (fractions), and
# bounded: a group whose grid is too large is not compared exactly.

#: The most values (factors × grid points) one group of names may need for the exact comparison.
MAX_EVALUATIONS = 10_000
#: The most distinct factors one group may have.
MAX_FACTORS = 64


@record
class Comparison:
    """Two sizes compared for every value of the names: equal, or where they differ and with which values."""

    equal: bool
    point: tuple[tuple[str, int], ...] = ()
    given: Fraction = Fraction(0)
    true: Fraction = Fraction(0)

    def why(self) -> str:
        """'for R = 8, C = 8: 1, not 2' (the correct value, then the given one)."""
        where = ", ".join(f"{name} = {value}" for name, value in self.point)
        return f"for {where}: {_number(self.true)}, not {_number(self.given)}"


def compare(given: Any, true: Any, names: tuple[str, ...]) -> Comparison:
    """Whether ``given`` equals ``true`` for every value of the names, or a point where they differ.

    Raises :class:`~cnncalc.errors.CnnCalcError` when the sizes are too irregular to compare exactly (floors that
    repeat only every million values) and no difference is found at the values tried.

    >>> from cnncalc.language.expression import read_size
    >>> compare(read_size("floor((R-1)/2)", ("R",)), read_size("⌊(R − 3)/2⌋ + 1", ("R",)), ("R",)).equal
    True
    >>> compare(read_size("R - 2 + floor(R/1000)", ("R",)), read_size("R - 2", ("R",)), ("R",)).why()
    'for R = 1000: 998, not 999'
    """
    import sympy

    symbols = symbols_for(names)
    true_expr, given_expr = _sympy(getattr(true, "expr", true)), _sympy(given)
    difference = sympy.expand(given_expr - true_expr)
    if difference == 0:
        return Comparison(True)
    for point in _first_points(names):
        found = _differs(given_expr, true_expr, symbols, point)
        if found is not None:
            return found
    try:
        nonzero = _nonzero_point(difference, symbols)
    except _TooIrregularError:
        return _sampled(given_expr, true_expr, symbols)
    if nonzero is None:
        return Comparison(True)
    found = _differs(given_expr, true_expr, symbols, {name: nonzero.get(symbols[name], 8) for name in names})
    assert found is not None, "the exact comparison found a point where the sizes agree"
    return found


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _first_points(names: tuple[str, ...]) -> Iterator[dict[str, int]]:
    """Small values first (from 8, where the lectures' networks are defined), so a difference reads simply."""
    import itertools

    side = max(2, round(64 ** (1 / len(names))))
    for values in itertools.product(range(8, 8 + side), repeat=len(names)):
        yield dict(zip(names, values))


def _differs(given: Any, true: Any, symbols: dict[str, Any], point: dict[str, int]) -> Comparison | None:
    at = {symbols[name]: value for name, value in point.items()}
    right, wrong = _evaluate(true, at), _evaluate(given, at)
    if right == wrong:
        return None
    return Comparison(False, tuple(point.items()), wrong, right)


def _evaluate(expr: Any, point: dict[Any, int]) -> Fraction:
    """An expression's exact value with numbers for its names (no substitution in sympy, which is slow)."""
    numerator, denominator = _run(_compiled(expr), point)
    return Fraction(numerator, denominator)


@functools.lru_cache(maxsize=4096)
def _compiled(expr: Any) -> tuple[Any, ...]:
    """An expression as nested tuples that :func:`_run` walks quickly: ("q", p, q), ("s", symbol), ("+", parts),
    ("*", parts), ("^", part, power), ("floor", part) or ("ceiling", part)."""
    import sympy

    if expr.is_Rational:
        return ("q", int(expr.p), int(expr.q))
    if expr.is_Symbol:
        return ("s", expr)
    if expr.is_Add or expr.is_Mul:
        return ("+" if expr.is_Add else "*", tuple(_compiled(arg) for arg in expr.args))
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        return ("^", _compiled(expr.base), int(expr.exp))
    if isinstance(expr, sympy.floor | sympy.ceiling):
        return ("floor" if isinstance(expr, sympy.floor) else "ceiling", _compiled(expr.args[0]))
    raise CnnCalcError(f"cnncalc cannot evaluate the size {shorten(str(expr), 80)}")


def _run(program: tuple[Any, ...], point: dict[Any, int]) -> tuple[int, int]:
    """A compiled expression's value as (numerator, denominator > 0), in Python integers."""
    kind = program[0]
    if kind == "q":
        return program[1], program[2]
    if kind == "s":
        return point[program[1]], 1
    if kind == "+":
        numerator, denominator = 0, 1
        for part in program[1]:
            top, bottom = _run(part, point)
            numerator, denominator = (numerator + top, 1) if bottom == denominator == 1 else \
                (numerator * bottom + top * denominator, denominator * bottom)
        return numerator, denominator
    if kind == "*":
        numerator, denominator = 1, 1
        for part in program[1]:
            top, bottom = _run(part, point)
            numerator, denominator = numerator * top, denominator * bottom
        return numerator, denominator
    top, bottom = _run(program[1], point)
    if kind == "^":
        return top ** program[2], bottom ** program[2]
    return (top // bottom if kind == "floor" else -(-top // bottom)), 1


class _TooIrregularError(Exception):
    """A group of names whose exact comparison would need more than MAX_EVALUATIONS values."""


def _nonzero_point(difference: Any, symbols: dict[str, Any]) -> dict[Any, int] | None:
    """A point (symbol → value) where the expanded difference is not zero, or None if it is zero everywhere."""
    monomials = _monomials(difference, set(symbols.values()))
    groups = _groups(monomials)
    return _solve_groups(monomials, groups)


def _monomials(difference: Any, names: set[Any]) -> list[tuple[Fraction, dict[Any, int]]]:
    """The difference as (coefficient, {factor: power}) terms; a factor is a name, a floor or a ceiling."""
    terms = []
    for monomial, coefficient in difference.as_coefficients_dict().items():
        value = Fraction(int(coefficient.p), int(coefficient.q))
        powers = {} if monomial == 1 else dict(monomial.as_powers_dict())
        for factor in [f for f in powers if not (f.free_symbols & names)]:  # a constant factor: a number
            value *= _evaluate(factor, {}) ** int(powers.pop(factor))
        terms.append((value, powers))
    return terms


def _groups(monomials: list[tuple[Fraction, dict[Any, int]]]) -> list[tuple[Any, ...]]:
    """The names in groups that no factor spans: a floor of R + C puts R and C in one group."""
    groups: list[set[Any]] = []
    for _, powers in monomials:
        for factor in powers:
            joined = set(factor.free_symbols)
            for group in [g for g in groups if g & joined]:
                joined |= group
                groups.remove(group)
            groups.append(joined)
    return [tuple(sorted(group, key=str)) for group in groups]


def _solve_groups(monomials: list[tuple[Fraction, dict[Any, int]]], groups: list[tuple[Any, ...]]
                  ) -> dict[Any, int] | None:
    """A point where the sum of monomials is nonzero, or None: one group of names at a time.

    With the group's factors written on a basis β of functions independent on its grid (so everywhere), the sum
    is Σ_a β_a(group) · D_a(other names); it is zero exactly when every D_a is, and where some D_a is not, a
    point of the grid makes the whole sum nonzero."""
    if not groups:
        return {} if sum((c for c, _ in monomials), Fraction(0)) else None
    group, rest = set(groups[0]), groups[1:]
    split = [(c, _part(powers, group), {f: p for f, p in powers.items() if not f.free_symbols <= group})
             for c, powers in monomials]
    factors = list(dict.fromkeys(here for _, here, _ in split))
    grid = _grid(factors, groups[0])
    basis = _Basis([[_evaluate(_product(factor), point) for point in grid] for factor in factors])
    coordinates = dict(zip(factors, basis.coordinates))

    def on(a: int) -> list[tuple[Fraction, dict[Any, int]]]:  # D_a, as monomials in the other names
        return [(c * coordinates[here].get(a, Fraction(0)), there) for c, here, there in split
                if coordinates[here].get(a)]

    for a in range(len(basis.rows)):
        point = _solve_groups(on(a), rest)
        if point is None:
            continue
        weights = [sum((c * _evaluate(_product(tuple(there.items())), point) for c, there in on(b)), Fraction(0))
                   for b in range(len(basis.rows))]
        column = next(j for j in range(len(grid)) if sum(w * row[j] for w, row in zip(weights, basis.rows)))
        return {**point, **grid[column]}
    return None


def _part(powers: dict[Any, int], group: set[Any]) -> tuple[tuple[Any, int], ...]:
    """The factors of a monomial over one group of names, as a canonical key."""
    return tuple(sorted(((f, p) for f, p in powers.items() if f.free_symbols <= group), key=lambda item: str(item[0])))


def _product(part: tuple[tuple[Any, int], ...]) -> Any:
    import sympy

    return sympy.Mul(*(sympy.Pow(f, p) for f, p in part)) if part else sympy.Integer(1)


def _grid(factors: list[tuple[tuple[Any, int], ...]], group: tuple[Any, ...]) -> list[dict[Any, int]]:
    """P·(d + 1) consecutive values of each name of the group (from 8), all combinations: enough to tell apart
    quasi-polynomials of period P and degree d in each name."""
    import itertools

    period, degrees = 1, dict.fromkeys(group, 0)
    for factor in factors:
        shape = _shape(_product(factor))
        period = math.lcm(period, shape.period)
        for name, degree in shape.degrees.items():
            degrees[name] = max(degrees[name], degree)
    sides = [period * (degrees[name] + 1) for name in group]
    if len(factors) > MAX_FACTORS or math.prod(sides) * len(factors) > MAX_EVALUATIONS:
        raise _TooIrregularError
    return [dict(zip(group, values)) for values in itertools.product(*(range(8, 8 + side) for side in sides))]


@record
class _Shape:
    """A quasi-polynomial's period (it is a polynomial on each residue class), the common denominator of its
    coefficients there, and its degree in each name."""

    period: int
    denominator: int
    degrees: dict[Any, int]


def _shape(expr: Any) -> _Shape:
    import sympy

    if expr.is_Rational:
        return _Shape(1, int(expr.q), {})
    if expr.is_Symbol:
        return _Shape(1, 1, {expr: 1})
    parts = [_shape(arg) for arg in expr.args]
    period = math.lcm(*(p.period for p in parts))
    if expr.is_Add:
        return _Shape(period, math.lcm(*(p.denominator for p in parts)), _degrees(parts, max))
    if expr.is_Mul:
        return _Shape(period, math.prod(p.denominator for p in parts), _degrees(parts, sum))
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        power = int(expr.exp)
        return _Shape(parts[0].period, parts[0].denominator ** power,
                      {name: degree * power for name, degree in parts[0].degrees.items()})
    if isinstance(expr, sympy.floor | sympy.ceiling):  # ⌊f⌋ = f − (its fraction), which repeats every denominator
        inner = parts[0]
        return _Shape(math.lcm(inner.period, inner.denominator), inner.denominator, inner.degrees)
    raise _TooIrregularError


def _degrees(parts: list[_Shape], combine: Callable[[list[int]], int]) -> dict[Any, int]:
    names = {name for part in parts for name in part.degrees}
    return {name: combine([part.degrees.get(name, 0) for part in parts]) for name in names}


class _Basis:
    """Independent rows among value rows (Gaussian elimination over fractions), and each row's coordinates."""

    def __init__(self, rows: list[list[Fraction]]) -> None:
        self.rows: list[list[Fraction]] = []
        self.pivots: list[int] = []
        self.coordinates: list[dict[int, Fraction]] = [self._add(row) for row in rows]

    def _add(self, row: list[Fraction]) -> dict[int, Fraction]:
        residual, coordinates = list(row), {}
        for index, (basis, pivot) in enumerate(zip(self.rows, self.pivots)):
            if residual[pivot]:
                scale = residual[pivot] / basis[pivot]
                residual = [r - scale * b for r, b in zip(residual, basis)]
                coordinates[index] = scale
        found = next((j for j, value in enumerate(residual) if value), None)
        if found is not None:
            coordinates[len(self.rows)] = Fraction(1)
            self.rows.append(residual)
            self.pivots.append(found)
        return coordinates


def _sampled(given: Any, true: Any, symbols: dict[str, Any]) -> Comparison:
    """Sizes too irregular to compare exactly: a difference at a few far-apart values, or a refusal."""
    names = tuple(symbols)
    for scale in (10**3, 10**6, 10**9, 10**12, 10**18):
        for shift in range(7):
            found = _differs(given, true, symbols, {name: scale + shift + 3 * i for i, name in enumerate(names)})
            if found is not None:
                return found
    raise CnnCalcError(f"cannot tell whether {shorten(str(given), 60)} equals {shorten(str(true), 60)} for every "
                       f"value of {', '.join(names)}",
                       "its floors repeat only over very many values; write the size as the lectures do, with the "
                       "window formula ⌊(n + 2p − k)/s⌋ + 1")
