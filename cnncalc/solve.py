"""Solving for the unknown: which value of one ``?`` in a spec gives the output shape (or the count) asked for.

    cnncalc solve "input 227x227x3, conv96x11 s?" --output 55x55           # the stride: 4
    cnncalc solve "input 32x32x3, conv16x5 p?" --output 32x32              # the padding that keeps 32×32: 2
    cnncalc solve "input 13x13x32, conv?x3" --params 18496                 # the filters: 64
    cnncalc solve "input ?x?x3, conv64x7 s2 p3, pool3 s2 …" --min          # the smallest square input

Every ``?`` stands for the same value.  What it is (a kernel, a stride, a padding, filters, units, the input's
size) is found by substituting two values and seeing which field of which layer changes; each candidate in
that field's sensible range is then built as a whole network with the same rules as ``summary``, so a
solution is exactly what ``summary`` would print.  The scans are bounded and stop early where the answer can
only grow (more filters, more units or a larger input never give fewer parameters or a smaller output).
"""

from __future__ import annotations

from .errors import CnnCalcError
from .layers import keras_shape
from .network import Network, ResolvedLayer, build
from .records import record, replace

__all__ = ["Candidate", "Solved", "Target", "solve"]

#: The values each kind of unknown is searched over: wide enough for any network in practice.
RANGES = {"filters": (1, 8192), "units": (1, 8192), "kernel_size": (1, 64), "pool_size": (1, 64),
          "strides": (1, 64), "padding": (0, 64), "dilation_rate": (1, 32), "dilation": (1, 32),
          "groups": (1, 1024), "multiplier": (1, 64), "input": (1, 4096)}
#: What each field is called in a sentence.
WORDS = {"filters": "number of filters", "units": "number of units", "kernel_size": "kernel size",
         "pool_size": "pool size", "strides": "stride", "padding": "padding", "dilation_rate": "dilation",
         "dilation": "dilation", "groups": "number of groups", "multiplier": "depth multiplier",
         "input": "input size"}
#: Unknowns for which a larger value never gives a smaller count or a smaller output.
GROWING = frozenset({"filters", "units", "input"})


@record
class Target:
    """What the network must give: an output shape (all of it, or its spatial sizes), or a parameter count."""

    shape: tuple[int, ...] | None = None
    spatial: bool = False  # the shape is H×W (spatial sizes only): the channels may be anything
    params: int | None = None
    minimum: bool = False  # --min: the smallest value that builds at all (and meets the target, if any)
    #: the layer whose output is meant (a 1-based index or a Keras name); the last layer by default
    layer: str | None = None

    def output(self, net: Network) -> tuple[int, ...]:
        """The output the target speaks of: the named layer's, or the network's."""
        if self.layer is not None:
            found = net.find(self.layer)
            if found is None:
                raise CnnCalcError(f"--layer {self.layer}: the network has no such layer",
                                   f"give a number from 1 to {len(net.layers)} or a name such as "
                                   f"{net.layers[-1].name if net.layers else 'conv2d'}")
            out = found.output_shape
        else:
            out = net.layers[-1].output_shape if net.layers else net.input_shape
        return out[:-1] if self.spatial else out

    def met(self, net: Network) -> bool:
        if self.params is not None and net.total_params != self.params:
            return False
        return self.shape is None or self.output(net) == self.shape

    def distance(self, net: Network) -> int:
        """How far a network is from the target, for the nearest values when none meets it."""
        if self.params is not None:
            return abs(net.total_params - self.params)
        given = self.output(net)
        return sum(abs(a - b) for a, b in zip(given, self.shape or ()))

    def passed(self, net: Network) -> bool:
        """The count, or the output, is past the target: with a growing unknown, no larger value can meet it."""
        if self.params is not None:
            return net.total_params > self.params
        return self.shape is not None and any(a > b for a, b in zip(self.output(net), self.shape))

    def require_axes(self, net: Network) -> None:
        """An output of another rank can never be the target: say so at once instead of searching."""
        if self.shape is None:
            return
        given = self.output(net)
        if len(given) != len(self.shape):
            whose = f"layer {self.layer}'s output" if self.layer is not None else "the network's output"
            full = replace(self, spatial=False).output(net)
            axes = f"{len(given)} spatial" if self.spatial else str(len(given))
            raise CnnCalcError(f"{whose} is {keras_shape(full)}, with {axes} ax{'i' if len(given) == 1 else 'e'}s; "
                               f"{'×'.join(map(str, self.shape))} has {len(self.shape)}",
                               "give a shape of that rank, or --layer N for the output of another layer")


@record
class Candidate:
    value: int
    net: Network
    #: how the value gives the answer: the unknown layer's arithmetic (or the input's path to the output)
    arithmetic: str


@record
class Solved:
    unknown: str  # "the stride of layer 1 (conv96x11 s?)"
    field: str
    searched: tuple[int, int]
    solutions: tuple[Candidate, ...]
    nearest: tuple[Candidate, ...]
    #: the largest value searched when a growing unknown stopped early
    stopped: int | None = None
    #: with --min: why the value just below the smallest one is refused
    refusal: str = ""


def _substitute(text: str, value: int) -> str:
    return text.replace("?", str(value))


def _role(text: str) -> tuple[str, int | None, str]:
    """(field, layer position or None for the input, the layer's text): which field the '?' is."""
    from .spec import parse

    specs = []
    for value in (1, 2, 3, 5):
        try:
            specs.append(parse(_substitute(text, value)))
        except CnnCalcError:
            continue
        if len(specs) == 2:
            break
    if len(specs) < 2:
        parse(_substitute(text, 7))  # raises the spec's own error, with its caret
        raise CnnCalcError("cannot find what '?' stands for: the spec reads with too few values in its place")
    first, second = specs
    if first.input is not None and second.input is not None and first.input.shape != second.input.shape:
        return "input", None, "input"
    for position, (a, b) in enumerate(zip(first.layers, second.layers)):
        if a.layer != b.layer:
            changed = [name for name in a.layer.__record_fields__  # type: ignore[attr-defined]
                       if getattr(a.layer, name) != getattr(b.layer, name)]
            written = text[a.span[0]:a.span[1]] if len(first.text) == len(text) else a.source  # '?' is one wide
            return (changed[0] if changed else "value"), position, written
    raise CnnCalcError("the '?' changes nothing the network depends on",
                       "put '?' where a number goes: conv32x?, s?, p?, dense?, input ?x?x3")


def _describe(field: str, position: int | None, source: str) -> str:
    if position is None:
        return "the input size"
    return f"the {WORDS.get(field, field.replace('_', ' '))} of layer {position + 1} ({source})"


def _arithmetic(net: Network, position: int | None, target: Target) -> str:
    if position is None or position >= len(net.layers):
        last = replace(target, spatial=False).output(net)
        where = f" at layer {target.layer}" if target.layer is not None else ""
        return f"{'×'.join(map(str, net.input_shape))} → {'×'.join(map(str, last))}{where}"
    layer: ResolvedLayer = net.layers[position]
    if target.params is not None:
        return layer.explain("params") or f"{net.total_params:,} parameters"
    return layer.explain("output") or f"{layer.keras_class} gives {'×'.join(map(str, layer.output_shape))}"


def solve(text: str, target: Target) -> Solved:
    """Every value of the spec's '?' in its field's range that meets ``target``, with the nearest when none does."""
    if "?" not in text:
        raise CnnCalcError("the spec has no '?' to solve for",
                           "write '?' where the unknown number goes: conv32x?, s?, p?, dense?, input ?x?x3")
    if target.shape is None and target.params is None and not target.minimum:
        raise CnnCalcError("nothing to solve for", "give --output HxW (or HxWxC), --params N, or --min")
    field, position, source = _role(text)
    low, high = RANGES.get(field, (0, 1024))
    solutions: list[Candidate] = []
    tried: list[Candidate] = []
    stopped = None
    refusal = ""
    for value in range(low, high + 1):
        try:
            net = build(_substitute(text, value))
        except CnnCalcError as error:
            refusal = f"? = {value}: {error.headline() if hasattr(error, 'headline') else error.message}"
            continue
        if not solutions and not tried:
            target.require_axes(net)
        candidate = Candidate(value, net, _arithmetic(net, position, target))
        if target.met(net):
            solutions.append(candidate)
            if target.minimum:
                break
        elif target.shape is not None or target.params is not None:
            tried.append(candidate)
        if field in GROWING and target.passed(net):
            stopped = value
            break
    nearest = sorted(tried, key=lambda c: (target.distance(c.net), c.value))[:2] if not solutions else []
    if not (target.minimum and solutions and solutions[0].value == refusal_value(refusal) + 1):
        refusal = ""
    return Solved(_describe(field, position, source), field, (low, high), tuple(solutions),
                  tuple(sorted(nearest, key=lambda c: c.value)), stopped, refusal)


def refusal_value(refusal: str) -> int:
    """The value a refusal was for ('? = 14: …' → 14), or -2 for none."""
    return int(refusal[4:refusal.index(":")]) if refusal.startswith("? = ") else -2
