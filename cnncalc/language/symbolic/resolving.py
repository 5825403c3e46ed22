"""A network built with numbers standing in for the names, each size and count then written in the names by
the first form that reproduces every build."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...errors import CnnCalcError, ShapeError, SpecError
from ...model.layers import Params
from ..expression import symbols_for
from .sizes import Size, _sympy, sized

if TYPE_CHECKING:
    from ..spec import Spec


#: The numbers that stand in for the names, one build each: odd, far apart, of different residues.
_STAND_INS = (1031, 1297, 2053, 1543, 1187)


def _runs(names: list[str]) -> list[dict[str, int]]:
    """The stand-in numbers of each build: every name its own, and different in every build."""
    return [{name: _STAND_INS[(run + i) % len(_STAND_INS)] + 2 * i for i, name in enumerate(names)}
            for run in range(len(_STAND_INS))]


def symbolic_network(spec: Spec, resolve_at: Callable[[tuple[int, ...]], Any]) -> Any:
    """The network of a spec whose input is written with names, each size and count in those names.

    ``resolve_at`` resolves the parsed spec with numbers for its input (the ordinary rules); the spec is parsed
    once, so every error points into the text as written."""
    from ...model.records import replace

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
