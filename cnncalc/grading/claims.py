"""What every graded claim shares: the fields and totals a claim may name, the verdict it gets, and the layer it
names. ``answers`` grades numbers and shapes, ``named_answers`` sizes written with the input's names; both build on
this."""

from __future__ import annotations

from ..errors import CnnCalcError
from ..graph.network import Network, ResolvedLayer
from ..model.records import record

__all__ = ["FIELDS", "TOTALS", "Verdict"]

FIELDS = ("output", "params", "weights", "biases", "rf", "macs", "flops")
TOTALS = {"total": "total_params", "trainable": "trainable_params", "non_trainable": "non_trainable_params",
          "macs": "macs", "total_macs": "macs", "flops": "flops", "total_flops": "flops"}


@record
class Verdict:
    """One graded claim: what was given, what is correct, and why."""

    claim: str
    given: str
    correct: str
    status: str  # "correct", "rounded" or "wrong"
    arithmetic: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "wrong"


def _layer(net: Network, key: str, claim: str) -> ResolvedLayer:
    layer = net.find(key)
    if layer is None:
        names = ", ".join(f"{layer.index} {layer.name}" for layer in net.layers)
        raise CnnCalcError(f"{claim}: there is no layer '{key}'", f"the layers are: {names}")
    return layer


_PARAM_OF = {"total": "total", "trainable": "trainable", "non_trainable": "non_trainable"}
