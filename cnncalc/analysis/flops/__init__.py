"""FLOP conventions: how each tool people compare against counts a layer, rule by rule from its source.

A row of the summary is first split into the PyTorch modules it is (:mod:`.ops`); each convention then prices
each module, a module per tool: cnncalc's own ``cnncalc`` and ``macs`` (:mod:`.own`), :mod:`.fvcore`,
:mod:`.ptflops` and :mod:`.thop`, each module's docstring quoting the tool's rules.  :mod:`.conventions` names
them, and :mod:`.totals` adds a row's modules up (``layer_cost``, the only place a convention is applied), every
row's, and ``--by-op``'s operator types.

Counts are for one input, times ``batch``.  ptflops itself always reports one input.
"""

from __future__ import annotations

from .conventions import CONVENTIONS, HEADLINES, RULES
from .ops import Op, modules
from .totals import GROUPS, LayerCost, Part, by_op, costs, layer_cost

__all__ = ["CONVENTIONS", "GROUPS", "HEADLINES", "RULES", "LayerCost", "Op", "Part", "by_op", "costs", "layer_cost",
           "modules"]
