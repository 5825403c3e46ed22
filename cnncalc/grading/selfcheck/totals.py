"""The totals lines of a paste against the sum of its rows."""

from __future__ import annotations

import re

from ...readers.pasted import PastedSummary
from ..answers import Verdict


def _counts(text: str) -> list[int]:
    """The counts a verdict's 'correct' names: '16,010 (or 16,000 without a bias)' → [16010, 16000]."""
    return [int(found.replace(",", "")) for found in re.findall(r"\d[\d,]*", text)]


def _totals(pasted: PastedSummary, torch: bool, rows: list[Verdict]) -> list[Verdict]:
    totals = dict(pasted.totals)
    verdicts = []
    rows_sum = sum(row.params for row in pasted.rows)
    terms = " + ".join(f"{row.params:,}" for row in pasted.rows if row.params)
    # a row whose own count is wrong explains the rows' sum: the total line may still be right
    fixes = [(_counts(v.given)[0], _counts(v.correct)) for v in rows
             if v.status == "wrong" and v.claim.endswith("params") and _counts(v.given) and _counts(v.correct)]
    corrected = {rows_sum}
    for given_count, alternatives in fixes:  # every way of correcting the wrong rows
        corrected = {total - given_count + value for total in corrected for value in alternatives}
    split = totals["trainable"] + totals["non_trainable"] if {"trainable", "non_trainable"} <= totals.keys() else None
    total_wrong = False
    if "total" in totals:
        given = totals["total"]
        ok = given == rows_sum or (bool(fixes) and given in corrected)
        note = f"the rows sum to {rows_sum:,}, and to {given:,} with the wrong row corrected" \
            if ok and given != rows_sum else ""
        unsure = [v.claim.removesuffix(" params") for v in rows if v.claim.endswith(" params") and (
            v.status == "unchecked" or (v.status == "wrong" and not _counts(v.correct)))]
        if not ok and unsure and split != rows_sum:  # an unchecked row may be the misprint as well as the total
            verdicts.append(Verdict("total", f"{given:,}", "?", "unchecked", f"{terms} = {rows_sum:,}",
                                    f"the rows sum to {rows_sum:,}, not {given:,}: the total or a row whose count "
                                    f"cannot be known ({', '.join(unsure)}) is misprinted"))
        else:  # the rows and the trainable split agreeing against the total line: the total is the misprint
            total_wrong = not ok
            verdicts.append(Verdict("total", f"{given:,}", f"{given if ok else rows_sum:,}",
                                    "correct" if ok else "wrong", "" if ok else f"{terms} = {rows_sum:,}", note))
    elif pasted.rows:
        verdicts.append(Verdict("total", "(no totals line)", f"{rows_sum:,}", "unchecked",
                                note="rows were read but no 'Total params' line: is the paste cut short?"))
    if split is not None and "total" in totals:
        ok = split == totals["total"] or (total_wrong and split == rows_sum)
        verdicts.append(Verdict("trainable + non_trainable", f"{split:,}", f"{split if ok else totals['total']:,}",
                                "correct" if ok else "wrong",
                                f"{totals['trainable']:,} + {totals['non_trainable']:,} = {split:,}"))
        moving = 0 if torch else sum(row.params // 2 for row in pasted.rows if row.keras_class == "BatchNormalization")
        if ok and totals["non_trainable"] != moving:
            verdicts.append(Verdict("non_trainable", f"{totals['non_trainable']:,}", f"{moving:,}", "unchecked",
                                    note="not BatchNormalization's moving statistics alone: frozen layers or a "
                                         "nested pretrained model could explain it"))
    return verdicts
