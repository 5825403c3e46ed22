"""The conventions' names and what each one's number is: data only, so that listing them loads no rule."""

from __future__ import annotations

__all__ = ["CONVENTIONS", "HEADLINES"]

CONVENTIONS = ("cnncalc", "macs", "fvcore", "ptflops", "thop")
#: what each convention's number is, for the column title, the footer and --by-op's header
HEADLINES = {
    "cnncalc": "2·MACs + bias additions, conv and dense",
    "macs": "multiply-accumulates of conv and dense, bias excluded: torchvision's GFLOPS",
    "fvcore": "as fvcore 0.1.5's FlopCountAnalysis counts, model in eval()",
    "ptflops": "as ptflops 0.7.5's get_model_complexity_info counts: module hooks + functional patches",
    "thop": "as thop 0.1.1's profile counts: registered modules only",
}
