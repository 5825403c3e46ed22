"""The zoo's networks counted: each one's input, parameters and MACs, computed from its spec file on every call.

``cnncalc zoo`` shows these.  The counts are not stored anywhere: each network is built and counted as
``cnncalc summary NAME -v`` would count it (parameters under the network's own framework's conventions; MACs
as the ``macs`` column counts them, conv and dense multiply-accumulates).  The MACs are the ones each layer's
rule gives while the network is resolved (``Network.macs``), which :func:`~cnncalc.analysis.flops.costs` under
its ``macs`` convention adds up to as well (tests/test_zoo_names.py holds the two equal for every network); reading
them from the build halves the time of ``cnncalc zoo``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph.network import build
from ..zoo.catalogue import KERAS, TORCHVISION, reason_not_held
from ..zoo.names import FRAMEWORKS, held, shown, spec_text

__all__ = ["Missing", "ZooEntry", "missing", "zoo_entries"]


@dataclass(frozen=True)
class ZooEntry:
    """A network the zoo holds, counted."""

    name: str  # as written on the command line: resnet50, keras:ResNet50
    framework: str
    function: str  # the framework's own name for it
    input_shape: tuple[int, ...]  # as the spec writes it: C×H×W for torchvision's, H×W×C for Keras'
    params: int
    macs: int


@dataclass(frozen=True)
class Missing:
    """A name of a framework's network that the zoo does not hold, and why."""

    name: str
    framework: str
    function: str
    reason: str  # the rest of a sentence that names it: 'is a vision transformer; …'


def zoo_entries() -> list[ZooEntry]:
    """Every network the zoo holds, torchvision's then Keras', each built and counted now."""
    entries = []
    for framework in FRAMEWORKS:
        for function in held(framework):
            net = build(spec_text(framework, function))
            entries.append(ZooEntry(shown(framework, function), framework, function,
                                    tuple(net.shown_shape(net.input_shape)), net.total_params, net.macs))
    return entries


def missing() -> list[Missing]:
    """The frameworks' networks the zoo does not hold, with the reason each is refused."""
    return [Missing(shown(framework, function), framework, function, reason_not_held(framework, function))
            for framework, names in (("torchvision", TORCHVISION), ("keras", KERAS))
            for function in names if function not in held(framework)]
