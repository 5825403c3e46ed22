"""What solve is asked and what it answers: the target, what one value gives, the values that meet it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import CnnCalcError
from ...model.layers import keras_shape
from ...model.records import record

if TYPE_CHECKING:
    from ...language.counts import WrittenCount

Shape = tuple[int, ...]


@record
class Outcome:
    """What the network gives for one value: its input, its output, the output --layer speaks of, its parameters,
    and the parameters of the layer --layer names (the network's, without --layer)."""

    input: Shape
    output: Shape
    layer_output: Shape
    params: int
    layer_params: int


@record
class Target:
    """What the network must give: an output shape (all of it, or its spatial sizes), or a parameter count (the
    network's, or with --layer that layer's), exact or written with a unit ('15.8 million', met at its precision)."""

    shape: tuple[int, ...] | None = None
    spatial: bool = False  # the shape is H×W (spatial sizes only): the channels may be anything
    params: WrittenCount | None = None
    minimum: bool = False  # --min: the smallest value that builds at all (and meets the target, if any)
    #: the layer whose output is meant (a 1-based index or a Keras name); the last layer by default
    layer: str | None = None

    def output(self, outcome: Outcome) -> tuple[int, ...]:
        """The output the target speaks of: the named layer's, or the network's (its spatial sizes for H×W)."""
        return outcome.layer_output[:-1] if self.spatial else outcome.layer_output

    def count(self, outcome: Outcome) -> int:
        """The count the target speaks of: the named layer's parameters, or the network's."""
        return outcome.layer_params if self.layer is not None else outcome.params

    def met(self, outcome: Outcome) -> bool:
        if self.params is not None and not self.params.meets(self.count(outcome)):
            return False
        return self.shape is None or self.output(outcome) == self.shape

    def distance(self, outcome: Outcome) -> int:
        """How far a network is from the target, for the nearest values when none meets it."""
        if self.params is not None:
            return round(abs(self.count(outcome) - self.params.value))
        given = self.output(outcome)
        return sum(abs(a - b) for a, b in zip(given, self.shape or ()))

    def passed(self, outcome: Outcome) -> bool:
        """The count, or the output, is past the target: with a growing unknown, no larger value can meet it."""
        if self.params is not None:
            count = self.count(outcome)
            return count > self.params.value and not self.params.meets(count)
        return self.shape is not None and any(a > b for a, b in zip(self.output(outcome), self.shape))

    def require_axes(self, outcome: Outcome) -> None:
        """An output of another rank can never be the target: say so at once instead of searching."""
        if self.shape is None:
            return
        given = self.output(outcome)
        if len(given) != len(self.shape):
            whose = f"layer {self.layer}'s output" if self.layer is not None else "the network's output"
            axes = f"{len(given)} spatial" if self.spatial else str(len(given))
            raise CnnCalcError(f"{whose} is {keras_shape(outcome.layer_output)}, with {axes} "
                               f"ax{'i' if len(given) == 1 else 'e'}s; {'×'.join(map(str, self.shape))} has "
                               f"{len(self.shape)}", "give a shape of that rank, or --layer N for the output of "
                                                     "another layer")


@record
class Candidate:
    value: int
    #: the network's output (its last layer's, or its input's) and parameter count for this value
    output: Shape
    params: int
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
