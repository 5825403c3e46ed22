"""A pasted nested model's row checked without a spec: the known network its name says it is.

Keras prints a model inside a model as one row named as the application names it (``mobilenetv2_1.00_224
(Functional)``, ``vgg16 (Functional)``, ``resnet50 (Model)`` in older versions); torchinfo prints the module's
class (``├─ResNet: 1-1``).  A Keras name identifies the application (with a width multiplier of 1.00, the one
the zoo holds), its output whether its top was cut off (a map: ``include_top=False``; the last channels alone:
``include_top=False`` with ``pooling='avg'`` or ``'max'``; 1000: the whole network), so its count is a check.
A torchinfo class names a family (``ResNet``: resnet18 to resnet152, the ResNeXts, the wide ResNets): the member
whose count, with its classifier or without it (``fc = nn.Identity()``), is the row's is the network, and its
output shape is the check.  The network is resolved on the row's input when the paste shows it; on a Keras
summary that does not, on the square inputs an output of that size comes from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ...errors import CnnCalcError
from ...graph.network import build
from ...model.layers import keras_model_name
from ...model.records import record
from ...readers.pasted import PastedRow
from ...zoo.names import held, spec_text
from ..answers import Verdict
from .reading import _judge, _unchecked

__all__ = ["KERAS_NESTED", "Known", "known_network", "nested_verdicts"]

#: the classes Keras prints on a nested model's row (Keras 2 and 3: Functional; earlier tf.keras: Model)
KERAS_NESTED = frozenset({"Functional", "Model"})

Shape = tuple[int, ...]


@record
class Known:
    """A known network a pasted row is: its name as the command line writes it, whether its top is cut off,
    what it makes of its input, its count and BatchNormalization's moving statistics among them."""

    written: str
    notop: bool
    #: its output, None when the paste does not show its input and no input gives the printed output
    output: Shape | None
    params: int
    moving: int
    #: the input it was resolved on (None with ``output``)
    input: Shape | None
    #: pooling='avg' or 'max' after the cut-off top: the output is the last channels alone
    pooled: bool = False
    #: the input is not in the paste: it is the smallest square one that gives the printed output
    searched: bool = False


def known_network(row: PastedRow, before: Shape | None, torch: bool) -> Known | None:
    """The known network a nested row is, or None when its name or class names none the zoo holds (or none of
    a torchinfo class's family has its count)."""
    if torch:
        return _torch_network(row)
    network = _keras_application(row.name)
    top = _top(network, row.shape) if network is not None and row.keras_class in KERAS_NESTED else None
    if network is None or top is None:
        return None
    notop, pooled = top
    for shape, searched in _inputs(row, before, network, notop, pooled):
        found = _keras(network, shape, notop)
        if found is not None and _shown(found.output, pooled) == row.shape:
            return Known(found.written, notop, row.shape, found.params, found.moving, shape, pooled, searched)
    shown = before is not None and len(before) == 3
    found = _keras(network, before if before is not None and shown else _default_input("keras", network), notop)
    if found is None:
        return None
    # on the input the paste shows, the output is the network's; without it, no input explains the printed one
    return Known(found.written, notop, _shown(found.output, pooled) if shown else None, found.params, found.moving,
                 found.input if shown else None, pooled)


def nested_verdicts(number: int, row: PastedRow, known: Known, show: Callable[[Shape], str]) -> list[Verdict]:
    """The row's output and count against the known network's (a torchinfo row's count is what identified it)."""
    what = f"{known.written}{' notop' if known.notop else ''}"
    if known.pooled:
        what += ", pooling='avg' or 'max'"
    if known.output is None:
        output = _unchecked(number, row, "output", show(row.shape),
                            f"the paste does not show {what}'s input, and no square input gives this output")
    else:
        size = "×".join(map(str, known.input or ()))
        on = f"on {size}, the smallest square input that gives it" if known.searched else f"on {size}"
        output = _judge(number, row, "output", show(row.shape), show(known.output), row.shape == known.output,
                        f"{what} {on}")
    note = "identified by its class and count" if known.written[:6] != "keras:" else ""
    return [output, _judge(number, row, "params", f"{row.params:,}", f"{known.params:,}",
                           row.params == known.params, f"{what}: {known.params:,}", note)]


def _top(network: str, shape: Shape) -> tuple[bool, bool] | None:
    """(notop, pooled) as the nested row's output says: a map is the network without its top, a vector of the
    whole network's classes the whole, another vector the top cut off and the map pooled; None for another rank."""
    if len(shape) == 3:
        return True, False
    whole = _keras(network, _default_input("keras", network), False) if len(shape) == 1 else None
    if whole is None:
        return None
    return shape != whole.output, shape != whole.output


def _shown(output: Shape, pooled: bool) -> Shape:
    return output[-1:] if pooled else output


def _keras_application(name: str) -> str | None:
    """The Keras application a nested model's name is: ``mobilenetv2_1.00_224`` → MobileNetV2, ``resnet50_1``
    (a second one in the session) → ResNet50, ``inception_v3`` → InceptionV3, ``efficientnetv2-b0`` →
    EfficientNetV2B0; None for another name.

    >>> _keras_application("mobilenetv2_1.00_160"), _keras_application("efficientnetv2-b0")
    ('MobileNetV2', 'EfficientNetV2B0')
    >>> _keras_application("mobilenetv2_0.35_96"), _keras_application("model")
    (None, None)
    """
    match = re.fullmatch(r"(mobilenet(?:v2)?)_1\.00_\d+(?:_\d+)?", name)
    plain = match[1] if match else re.sub(r"_\d+$", "", name) if name not in _keras_names() else name
    return _keras_names().get(plain) or _keras_names().get(plain.replace("_", "").replace("-", ""))


@lru_cache(maxsize=1)
def _keras_names() -> dict[str, str]:
    """Each application by its model's name, and by its own name in lower case without underscores."""
    names: dict[str, str] = {}
    for network in held("keras"):
        names.setdefault(network.lower(), network)
        names.setdefault(keras_model_name(network, (224, 224, 3)).replace("_", ""), network)
    names["mobilenetv2"], names["mobilenet"] = "MobileNetV2", "MobileNet"
    return names


def _inputs(row: PastedRow, before: Shape | None, network: str, notop: bool,
            pooled: bool) -> list[tuple[Shape, bool]]:
    """The inputs to resolve the network on: the row's own input when the paste shows it; else the rows of a
    MobileNet's name, the application's default, then the square sizes (searched by halves, the output growing
    with the input) whose output has the row's rows; each with whether it was searched for."""
    if before is not None:
        return [(before, False)] if len(before) == 3 else []
    found: list[tuple[Shape, bool]] = []
    named = re.fullmatch(r"mobilenet(?:v2)?_1\.00_(\d+)(?:_\d+)?", row.name)
    if named:
        found.append(((int(named[1]), int(named[1]), 3), False))
    found.append((_default_input("keras", network), False))
    if notop and not pooled and row.shape[0] == row.shape[1]:
        size = _square_for(network, row.shape[0])
        if size is not None:
            found.append(((size, size, 3), True))
    return found


def _square_for(network: str, rows: int) -> int | None:
    """The smallest square input whose cut-off network's output has ``rows`` rows, if one does."""
    low, high = 32, 2048
    while low < high:
        middle = (low + high) // 2
        found = _keras(network, (middle, middle, 3), True)
        if found is None or found.output[0] < rows:
            low = middle + 1
        else:
            high = middle
    found = _keras(network, (low, low, 3), True)
    return low if found is not None and found.output[0] == rows else None


@lru_cache(maxsize=256)
def _keras(network: str, shape: Shape, notop: bool) -> Known | None:
    """The application on ``shape`` (H×W×C), without its top when ``notop``; None where Keras refuses it."""
    text = f"input {'x'.join(map(str, shape))}, keras:{network}{' notop' if notop else ''}"
    try:
        row = build(text).layers[0]
    except CnnCalcError:
        return None
    assert row.inner is not None
    return Known(f"keras:{network}", notop, row.output_shape, row.params.total, row.inner.non_trainable_params,
                 shape)


def _default_input(framework: str, network: str) -> Shape:
    """The input the zoo's spec of the network is written on, channels last; torchvision's, whose specs take any
    input, 224×224×3 (299×299×3 for Inception v3), as their weights' transforms crop."""
    if framework == "keras":
        return tuple(int(size) for size in build(spec_text("keras", network)).input_shape)
    return (299, 299, 3) if network == "inception_v3" else (224, 224, 3)


def _torch_network(row: PastedRow) -> Known | None:
    """The torchvision network of the row's class whose count, with its classifier or without it, is the row's
    (the members are built one at a time, the first that has the count ending the search)."""
    for network in _torch_family(row.keras_class):
        for notop in (True, False):
            found = _torch_member(network, notop)
            if found is not None and found.params == row.params:
                return found
    return None


@lru_cache(maxsize=8)
def _torch_family(kind: str) -> tuple[str, ...]:
    """The torchvision networks whose model is of class ``kind`` (``ResNet``: resnet18 … wide_resnet101_2)."""
    from ...model.layers import Nested

    members = []
    for network in held("torchvision"):
        try:
            if Nested("torchvision", network).torch_class == kind:
                members.append(network)
        except StopIteration:  # a builder of no class the table knows
            continue
    return tuple(members)


@lru_cache(maxsize=64)
def _torch_member(network: str, notop: bool) -> Known | None:
    """A torchvision network, whole or without its classifier, on its usual input; None where it cannot be."""
    shape = _default_input("torchvision", network)
    text = f"input {shape[2]}x{shape[0]}x{shape[1]} nchw, {network}{' notop' if notop else ''}"
    try:
        row = build(text).layers[0]
    except CnnCalcError:
        return None
    return Known(network, notop, row.output_shape, row.params.total, 0, shape)
