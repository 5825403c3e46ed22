"""The conventions by name: each one's headline and the rule that counts a module under it."""

from __future__ import annotations

from .fvcore import fvcore_rule
from .names import CONVENTIONS, HEADLINES
from .own import cnncalc_rule, macs_rule
from .ptflops import ptflops_rule
from .thop import thop_rule

__all__ = ["CONVENTIONS", "HEADLINES", "RULES"]

#: each convention's rule: from an Op to (count, how)
RULES = {"cnncalc": cnncalc_rule, "macs": macs_rule, "fvcore": fvcore_rule, "ptflops": ptflops_rule,
         "thop": thop_rule}
