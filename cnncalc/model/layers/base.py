"""What every layer record shares: shapes, parameter counts, findings, the rule error, and the inputs a
layer kind needs (an image, a sequence, a volume with depth)."""

from __future__ import annotations

from typing import ClassVar

from ...errors import CnnCalcError
from ..arithmetic import AxisWindows
from ..records import record

Shape = tuple[int, ...]
Pair = tuple[int, int]
#: "valid", "same", or explicit symmetric zero padding (rows, columns) as in PyTorch.
Padding = str | Pair
Triple = tuple[int, int, int]


class RuleError(CnnCalcError):
    """A layer rule's complaint about its input; the network adds which layer it was."""


@record
class Params:
    """Parameter counts of one layer, as exact Python ints.

    ``weights + biases`` is every parameter Keras counts; ``non_trainable`` is the part of
    them that training does not update (BatchNormalization's moving statistics).
    """

    weights: int = 0
    biases: int = 0
    non_trainable: int = 0
    #: PyTorch's buffers, which are not parameters (BatchNorm's running statistics under torch conventions)
    buffers: int = 0

    @property
    def total(self) -> int:
        return self.weights + self.biases

    @property
    def trainable(self) -> int:
        return self.total - self.non_trainable


@record
class Finding:
    """Something the summary should say about a layer: a ``warning`` or an informational ``note``."""

    level: str
    text: str


@record
class Resolution:
    """What a layer makes of its input: output shape, parameters, findings and window axes."""

    output_shape: Shape
    params: Params = Params()
    findings: tuple[Finding, ...] = ()
    axes: tuple[AxisWindows, ...] = ()
    #: (field, text) pairs: how "output", "params", "weights" and "biases" come about.
    arithmetic: tuple[tuple[str, str], ...] = ()
    #: multiply-accumulates without the bias (the fvcore/thop convention), and the bias additions.
    macs: int = 0
    bias_adds: int = 0


class Layer:
    """Base of every layer record: its Keras class name and auto-name stem, and PyTorch's class name."""

    keras_class: ClassVar[str]
    auto_name: ClassVar[str]
    #: PyTorch's module class, where it differs from Keras' name (torchinfo's row label)
    torch_name: ClassVar[str] = ""
    #: it acts on each position alone, so an embedding's L×D output keeps its order through it
    per_token: ClassVar[bool] = False
    #: a known network standing as one layer (:mod:`.nested`), resolved by the graph from the zoo's spec of it
    whole_network: ClassVar[bool] = False
    #: PyTorch has no module for it: a module holds its weights as an ``nn.Parameter`` of its own and uses them in
    #: ``forward()`` (torchvision's class token, position embedding, layer scale), so ``fn`` may write it
    parameter_only: ClassVar[bool] = False

    def resolve(self, shape: Shape) -> Resolution:
        raise NotImplementedError

    @property
    def torch_class(self) -> str:
        return self.torch_name or self.keras_class

    def torch_class_for(self, shape: Shape) -> str:
        """PyTorch's class for this layer on an input of ``shape`` (BatchNorm1d/2d/3d differ by rank)."""
        return self.torch_class

    def for_torch(self) -> Layer:
        """This layer under PyTorch's conventions: its own record if nothing differs.

        Raises :class:`RuleError` for what PyTorch refuses (``same`` padding on a strided conv).
        """
        return self


def dims_text(shape: Shape) -> str:
    return "×".join(map(str, shape))


def require_volume(layer: Layer, shape: Shape) -> tuple[int, int, int]:
    """Unpack an H×W×C input, or explain which input a 2-D layer needs."""
    if len(shape) == 3:
        return shape[0], shape[1], shape[2]
    if len(shape) == 2:
        hint = (f"did you mean 'input {shape[0]}x{shape[1]}x1'? A grayscale image still needs its channel axis "
                "(for a sequence of length × channels, use conv1d or pool1d)")
    else:
        hint = "2-D layers need an image-shaped input such as 'input 28x28x1'; put them before flatten and dense"
    raise RuleError(
        f"{layer.keras_class} needs an H×W×C input, but it receives {describe(shape)}", hint
    )


def describe(shape: Shape) -> str:
    if len(shape) == 1:
        return f"a vector of {shape[0]:,}"
    return f"a {len(shape)}-D input of {dims_text(shape)}"


def require_sequence(layer: Layer, shape: Shape) -> tuple[int, int]:
    """Unpack an L×C input for a 1-D layer."""
    if len(shape) == 2:
        return shape[0], shape[1]
    hint = ("1-D layers take a sequence: 'input LxC', as in 'input 100x16'"
            if len(shape) != 1 else f"did you mean 'input {shape[0]}x1'?")
    raise RuleError(f"{layer.keras_class} needs an L×C input, but it receives {describe(shape)}", hint)


def require_volume3d(layer: Layer, shape: Shape) -> tuple[int, int, int, int]:
    if len(shape) == 4:
        return shape[0], shape[1], shape[2], shape[3]
    raise RuleError(f"{layer.keras_class} needs a D×H×W×C input, but it receives {describe(shape)}",
                    "3-D layers take a volume with depth: 'input 16x112x112x3'")


def keras_shape(shape: Shape) -> str:
    """A shape as Keras prints it, with the batch axis (the summary, the grader and merge errors all use it).

    >>> keras_shape((26, 26, 32))
    '(None, 26, 26, 32)'
    """
    return "(" + ", ".join(["None", *map(str, shape)]) + ")"
