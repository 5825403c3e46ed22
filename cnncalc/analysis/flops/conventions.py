"""The conventions by name: each one's headline and the rule that counts a module under it."""

from __future__ import annotations

from .fvcore import fvcore_rule
from .own import cnncalc_rule, macs_rule
from .ptflops import ptflops_rule
from .thop import thop_rule

__all__ = ["CONVENTIONS", "HEADLINES", "RULES"]

CONVENTIONS = ("cnncalc", "macs", "fvcore", "ptflops", "thop")
#: what each convention's number is, for the column title, the footer and --by-op's header
HEADLINES = {
    "cnncalc": "2·MACs + bias additions, conv and dense",
    "macs": "multiply-accumulates of conv and dense, bias excluded: torchvision's GFLOPS",
    "fvcore": "as fvcore 0.1.5's FlopCountAnalysis counts, model in eval()",
    "ptflops": "as ptflops 0.7.5's get_model_complexity_info counts: module hooks + functional patches",
    "thop": "as thop 0.1.1's profile counts: registered modules only",
}

#: each convention's rule: from an Op to (count, how)
RULES = {"cnncalc": cnncalc_rule, "macs": macs_rule, "fvcore": fvcore_rule, "ptflops": ptflops_rule,
         "thop": thop_rule}
