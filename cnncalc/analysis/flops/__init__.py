"""FLOP conventions: how each tool people compare against counts a layer, rule by rule from its source.

A row of the summary is first split into the PyTorch modules it is (:mod:`.ops`); each convention then prices
each module, a module per tool: cnncalc's own ``cnncalc`` and ``macs`` (:mod:`.own`), :mod:`.fvcore`,
:mod:`.ptflops` and :mod:`.thop`, each module's docstring quoting the tool's rules.  :mod:`.conventions` names
them, and :mod:`.totals` adds a row's modules up (``layer_cost``, the only place a convention is applied), every
row's, and ``--by-op``'s operator types.

Counts are for one input, times ``batch``.  ptflops itself always reports one input.
"""

from __future__ import annotations

from typing import Any

from ...lazy import attribute
from .names import CONVENTIONS, HEADLINES

__all__ = ["CONVENTIONS", "HEADLINES"]


#: the names importable from here, by the module that defines them: imported when first asked for (PEP 562), so that
#: a command that only lists the conventions' names (summary's --flops-convention) loads none of the rules
_LAZY = {"RULES": "conventions", "Op": "ops", "modules": "ops", "GROUPS": "totals", "LayerCost": "totals",
         "Part": "totals", "by_op": "totals", "costs": "totals", "layer_cost": "totals"}


def __getattr__(name: str) -> Any:
    return attribute(__name__, _LAZY, name)
