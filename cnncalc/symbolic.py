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

sympy does the algebra, and is imported only when a spec has a name in it: numeric summaries never
load it.  Sizes print as the lectures write them (``R−2``, ``⌊(R − 3)/2⌋ + 1``, ``(R−4)·(C−4)·7``) and
as plain ASCII in JSON (``"R-2"``, ``"floor((R-3)/2)+1"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from tokenize import TokenError
from typing import Any

from .errors import CnnCalcError
from .layers import Params

__all__ = ["Size", "has_symbols", "parse_size", "same_size", "substitute", "symbolic_network"]

#: An input item whose sizes are names: 'input RxCx3', 'input NxN', 'input (R, C, 3)'.
_INPUT = re.compile(r"(?P<head>(?:^|[,;\n])\s*input\s*)(?P<dims>\(?[A-Za-z0-9_?, xX×]+?\)?)(?=\s*(?:[,;\n#]|"
                    r"\s+(?:nchw|nhwc|ncl|nlc|ncdhw|ndhwc|channels_first|channels_last)\b|$))", re.I)
_NAME = re.compile(r"[A-Za-wyzA-WYZ_][A-Za-wyzA-WYZ0-9_]*\Z")
_LAYOUT_WORDS = frozenset({"nchw", "nhwc", "ncl", "nlc", "ncdhw", "ndhwc", "channels_first", "channels_last"})
#: The numbers that stand in for the names, one build each: odd, far apart, of different residues.
_STAND_INS = (1031, 1297, 2053, 1543, 1187)


def _input_dims(text: str) -> tuple[re.Match[str], list[str]] | None:
    match = _INPUT.search(text)
    if not match:
        return None
    dims = [d.strip() for d in re.split(r"[xX×,]", match["dims"].strip().strip("()")) if d.strip()]
    return match, dims


def has_symbols(text: str) -> list[str]:
    """The names the spec's input is written with, in the order written ([] for a numeric spec).

    >>> has_symbols("input RxCx3, conv5x3"), has_symbols("input 28x28x1, conv32x3"), has_symbols("input NxN")
    (['R', 'C'], [], ['N'])
    """
    found = _input_dims(text)
    if found is None:
        return []
    names: list[str] = []
    for dim in found[1]:
        if _NAME.match(dim) and dim.lower() not in _LAYOUT_WORDS and dim not in names:
            names.append(dim)
    return names


def substitute(text: str, values: dict[str, int]) -> str:
    """The spec with its input's names replaced by numbers."""
    found = _input_dims(text)
    if found is None:
        return text
    match, dims = found
    written = "x".join(str(values.get(dim, dim)) for dim in dims)
    return text[:match.start("dims")] + written + text[match.end("dims"):]


def with_input(text: str, dims: str) -> str:
    """The spec with its input's sizes replaced by ``dims`` (``--input 28x28x3`` for a symbolic spec)."""
    found = _input_dims(text)
    if found is None:
        return text
    match, _ = found
    return text[:match.start("dims")] + dims + text[match.end("dims"):]


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

def _symbols(names: list[str]) -> dict[str, Any]:
    import sympy

    return {name: sympy.Symbol(name, integer=True, positive=True) for name in names}


def _runs(names: list[str]) -> list[dict[str, int]]:
    """The stand-in numbers of each build: every name its own, and different in every build."""
    return [{name: _STAND_INS[(run + i) % len(_STAND_INS)] + 2 * i for i, name in enumerate(names)}
            for run in range(len(_STAND_INS))]


def symbolic_network(text: str, build: Callable[[str], Any]) -> Any:
    """The network of a spec written with names, each size and count in those names.

    ``build`` turns numeric spec text into a :class:`~cnncalc.network.Network` (the ordinary rules)."""
    from .records import replace

    names = has_symbols(text)
    symbols = _symbols(names)
    order = tuple(names)
    runs = _runs(names)
    nets = []
    for run in runs:
        try:
            nets.append(build(substitute(text, run)))
        except CnnCalcError as error:
            standing = ", ".join(f"{name} = {value}" for name, value in run.items())
            said = error.headline() if hasattr(error, "headline") else error.message
            raise CnnCalcError(f"with {standing}: {said}",
                               "cnncalc follows names through a network only where every size is defined for "
                               "large values of them; give numbers with --input HxWxC") from None
    first = nets[0]
    found = _input_dims(text)
    assert found is not None
    dims = [symbols[d] if d in symbols else int(d) for d in found[1]]
    if first.layout == "nchw" and len(dims) > 1:
        dims = [*dims[1:], dims[0]]
    shapes: dict[str, tuple[Any, ...]] = {"input_layer": tuple(dims)}
    layers = []
    for row, layer in enumerate(first.layers):
        inputs = [shapes[name] for name in layer.inputs] if layer.inputs else [tuple(dims)]
        numeric = [net.layers[row] for net in nets]
        sizes = tuple(_size(layer, axis, inputs, numeric, runs, symbols) for axis in range(len(layer.output_shape)))
        shapes[layer.name] = sizes
        params = _params(layer, inputs[0], numeric, runs, symbols)
        shown = tuple(sized(d, order) if not isinstance(d, int) else d for d in sizes)
        layers.append(replace(layer, output_shape=shown,
                              input_shape=tuple(sized(d, order) if not isinstance(d, int) else d for d in inputs[0]),
                              input_shapes=(), params=params, axes=(), arithmetic=(),
                              warnings=tuple(w for w in layer.warnings if all(w in n.warnings for n in numeric)),
                              notes=tuple(n for n in layer.notes if all(n in m.notes for m in numeric)),
                              macs=0, bias_adds=0))
    shown_input = tuple(sized(d, order) if not isinstance(d, int) else d for d in dims)
    return replace(first, layers=tuple(layers), input_shape=shown_input, input_warnings=())


def _value(expr: Any, symbols: dict[str, Any], run: dict[str, int]) -> Any:
    return expr.subs({symbols[name]: value for name, value in run.items()}) if hasattr(expr, "subs") else expr


def _fits(expr: Any, wanted: list[int], symbols: dict[str, Any], runs: list[dict[str, int]]) -> bool:
    return all(_value(expr, symbols, run) == value for run, value in zip(runs, wanted))


def _size(layer: Any, axis: int, inputs: list[tuple[Any, ...]], numeric: list[Any], runs: list[dict[str, int]],
          symbols: dict[str, Any]) -> Any:
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
        candidates.append(sympy.Mul(*source))
    if len(inputs) > 1 and all(len(s) > axis for s in inputs):
        candidates.append(sympy.Add(*(s[axis] for s in inputs)))
    for candidate in candidates:
        expr = sympy.sympify(candidate)
        if _fits(expr, wanted, symbols, runs):
            return expr
    raise CnnCalcError(f"layer {layer.index} {layer.name} ({layer.source}): cnncalc cannot write its output's axis "
                       f"{axis + 1} in terms of {', '.join(symbols)}",
                       "give numbers with --input HxWxC (the summary is then exact)")


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
        return sympy.sympify(numerator)
    constant, rest = sympy.sympify(numerator).as_coeff_Add()
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


def _params(layer: Any, source: tuple[Any, ...], numeric: list[Any], runs: list[dict[str, int]],
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
            raise CnnCalcError(f"layer {layer.index} {layer.name} ({layer.source}): cnncalc cannot write its "
                               f"{field} in terms of {', '.join(symbols)}", "give numbers with --input HxWxC")
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
        expr = sympy.factor_terms(sympy.sympify(getattr(weights, "expr", weights)) +
                                  sympy.sympify(getattr(biases, "expr", biases)))
        return sized(expr, order)


# ---- grading ----------------------------------------------------------------------------------------------

def parse_size(text: str, names: tuple[str, ...]) -> Any:
    """An answer's size or count in the names: 'R−2', '(R-4)*(C-4)*7', '⌊(R − 3)/2⌋ + 1', 'floor((R-3)/2)+1'."""
    import sympy

    cleaned = (text.replace("−", "-").replace("·", "*").replace("×", "*").replace("⌊", "floor(").replace("⌋", ")")
               .replace("⌈", "ceiling(").replace("⌉", ")").replace("^", "**").replace(",", ""))
    cleaned = re.sub(r"\bceil\(", "ceiling(", cleaned)
    if not re.fullmatch(r"[\w\s+\-*/().]*", cleaned) or len(cleaned) > 400:
        raise ValueError(text)
    from sympy.parsing import sympy_parser as parser

    local = {**_symbols(list(names)), "floor": sympy.floor, "ceiling": sympy.ceiling}
    # RC is R·C when every name is one letter; 7R and 2(R − 1) are products
    split = (parser.split_symbols,) if all(len(name) == 1 for name in names) else ()
    steps = (*parser.standard_transformations, *split, parser.implicit_multiplication)
    try:
        expr = parser.parse_expr(cleaned, local_dict=local, transformations=steps)
    except (sympy.SympifyError, SyntaxError, TypeError, ValueError, ZeroDivisionError, TokenError):
        raise ValueError(text) from None
    if not hasattr(expr, "free_symbols") or not expr.free_symbols <= {local[name] for name in names}:
        raise ValueError(text)
    return expr


def same_size(given: Any, true: Any, names: tuple[str, ...]) -> bool:
    """Whether two sizes are equal for every value of the names: by algebra, then on 1 to 300 for each name
    (floors defeat algebra, and two such sizes that agree on 300 consecutive values agree everywhere)."""
    import sympy

    true_expr = true.expr if isinstance(true, Size) else sympy.Integer(true)
    if sympy.simplify(given - true_expr) == 0:
        return True
    symbols = _symbols(list(names))
    free = [symbols[name] for name in names if symbols[name] in (given - true_expr).free_symbols]
    if len(free) != 1:
        return False
    return all(given.subs(free[0], value) == true_expr.subs(free[0], value) for value in range(1, 301))


def counterexample(given: Any, true: Any, names: tuple[str, ...]) -> str:
    """Values of the names where two sizes differ, said as 'for R = 8, C = 8: 3, not 2' ('' if none is found)."""
    import itertools

    symbols = _symbols(list(names))
    true_expr = true.expr if isinstance(true, Size) else true
    for values in itertools.product(range(8, 40), repeat=len(names)):
        point = dict(zip((symbols[name] for name in names), values))
        right, wrong = sympy_value(true_expr, point), sympy_value(given, point)
        if right != wrong:
            where = ", ".join(f"{name} = {value}" for name, value in zip(names, values))
            return f"for {where}: {right}, not {wrong}"
    return ""


def sympy_value(expr: Any, point: dict[Any, int]) -> Any:
    return expr.subs(point) if hasattr(expr, "subs") else expr
