"""The totals lines of a paste against the sum of its rows."""

from __future__ import annotations

import re
from math import isqrt

from ...readers.pasted import PastedSummary
from ..answers import Verdict
from .nested import Known


def _counts(text: str) -> list[int]:
    """The counts a verdict's 'correct' names: '16,010 (or 16,000 without a bias)' → [16010, 16000]."""
    return [int(found.replace(",", "")) for found in re.findall(r"\d[\d,]*", text)]


def _explained(verdict: Verdict) -> bool:
    """An unchecked count the paste still accounts for: a first convolution whose count a square kernel on 1 to 4
    input channels gives (an image's), a first dense layer whose count a whole number of inputs gives ((784 + 1)·512),
    or a row of 0 that cnncalc does not model (a block's own row in torchsummary)."""
    if verdict.given == "0" and verdict.note.startswith("cnncalc does not model"):
        return True
    if re.search(r"\d inputs would explain it", verdict.note):
        return True
    taps = re.search(r"kernel taps × input channels = (.*)$", verdict.note)
    products = [int(found.replace(",", "")) for found in re.findall(r"\d[\d,]*", taps[1])] if taps else []
    return any(product % channels == 0 and isqrt(product // channels) ** 2 == product // channels
               for product in products for channels in (1, 2, 3, 4))


def _totals(pasted: PastedSummary, torch: bool, rows: list[Verdict], known: tuple[Known, ...] = ()) -> list[Verdict]:
    totals = dict(pasted.totals)
    verdicts = []
    outer = [row for row in pasted.rows if not row.inside]  # a nested model's rows are in its own row's count
    rows_sum = sum(row.params for row in outer) + pasted.container_params
    terms = " + ".join(f"{row.params:,}" for row in outer if row.params)
    if pasted.container_params:
        terms += f" + {pasted.container_params:,} (the containers' own)"
    optimizer = totals.get("optimizer", 0)
    layers = f" + {optimizer:,} optimizer" if optimizer else ""
    uncounted = not all(row.counted for row in pasted.rows)
    if pasted.cuts or uncounted:  # rows were left out, or their counts: their sum is not the total
        why = "the table has no Param # column, so the rows' counts are not in the paste" if uncounted else \
            f"rows were left out ({', '.join(repr(cut) for cut in pasted.cuts[:3])}): the rows shown sum to " \
            f"{rows_sum:,}, and the rest are not in the paste"
        if "total" in totals:
            verdicts.append(Verdict("total", f"{totals['total']:,}", "?", "unchecked",
                                    "" if uncounted else f"{terms} = {rows_sum:,}", why))
        rows_sum = None
    # a row whose own count is wrong explains the rows' sum: the total line may still be right
    fixes = [(_counts(v.given)[0], _counts(v.correct)) for v in rows
             if v.status == "wrong" and v.claim.endswith("params") and _counts(v.given) and _counts(v.correct)]
    split = totals["trainable"] + totals["non_trainable"] if {"trainable", "non_trainable"} <= totals.keys() else None
    total_wrong = False
    if "total" in totals and rows_sum is not None:
        given = totals["total"]
        corrected = {rows_sum}
        for given_count, alternatives in fixes:  # every way of correcting the wrong rows
            corrected = {total - given_count + value for total in corrected for value in alternatives}
        ok = given - optimizer == rows_sum or (bool(fixes) and given - optimizer in corrected)
        note = f"the rows sum to {rows_sum:,}, and to {given - optimizer:,} with the wrong row corrected" \
            if ok and given - optimizer != rows_sum else ""
        if optimizer:
            note = "; ".join(part for part in (note, f"the layers' {given - optimizer:,} and the optimizer's "
                                                     f"{optimizer:,}") if part)
        unsure = [v.claim.removesuffix(" params") for v in rows if v.claim.endswith(" params") and (
            (v.status == "unchecked" and not _explained(v)) or (v.status == "wrong" and not _counts(v.correct)))]
        if not ok and pasted.headless:
            verdicts.append(Verdict("total", f"{given:,}", "?", "unchecked",
                                    f"{terms}{layers} = {rows_sum + optimizer:,}",
                                    f"the paste starts below the table's header, so rows above its first may have "
                                    f"been left out: the rows shown sum to {rows_sum:,}, not {given - optimizer:,}"))
        elif not ok and unsure and split != rows_sum:  # an unchecked row may be the misprint as well as the total
            verdicts.append(Verdict("total", f"{given:,}", "?", "unchecked",
                                    f"{terms}{layers} = {rows_sum + optimizer:,}",
                                    f"the rows sum to {rows_sum:,}, not {given - optimizer:,}: the total or a row "
                                    f"whose count cannot be known ({', '.join(unsure[:8])}) is misprinted"))
        else:  # the rows and the trainable split agreeing against the total line: the total is the misprint
            total_wrong = not ok
            verdicts.append(Verdict("total", f"{given:,}", f"{given if ok else rows_sum + optimizer:,}",
                                    "correct" if ok else "wrong",
                                    "" if ok else f"{terms}{layers} = {rows_sum + optimizer:,}", note))
    elif pasted.rows and rows_sum is not None:
        verdicts.append(Verdict("total", "(no totals line)", f"{rows_sum:,}", "unchecked",
                                note="rows were read but no 'Total params' line: is the paste cut short?"))
    if split is not None and "total" in totals:
        whole = split + optimizer
        ok = whole == totals["total"] or (total_wrong and rows_sum is not None and split == rows_sum)
        verdicts.append(Verdict(f"trainable + non_trainable{' + optimizer' if optimizer else ''}", f"{whole:,}",
                                f"{whole if ok else totals['total']:,}", "correct" if ok else "wrong",
                                f"{totals['trainable']:,} + {totals['non_trainable']:,}{layers} = {whole:,}"))
        if ok:
            verdicts += _non_trainable(pasted, torch, totals["non_trainable"], known)
    return verdicts


def _non_trainable(pasted: PastedSummary, torch: bool, given: int, known: tuple[Known, ...]) -> list[Verdict]:
    """The non-trainable total: BatchNormalization's moving statistics and Keras' Normalization's mean, variance
    and count (none in PyTorch, where such statistics are buffers), and each known network's frozen count or moving
    statistics; unchecked when nothing explains it."""
    moving = 0 if torch else sum(row.params // 2 if row.keras_class == "BatchNormalization" else row.params
                                 for row in pasted.rows
                                 if row.keras_class in ("BatchNormalization", "Normalization") and not row.inside)
    split = _nested_split(given, moving, known) if known else None
    if split is not None:
        return [split]
    frozen = _frozen_rows(pasted, given)
    if frozen is not None:
        return [frozen]
    if given != moving:
        return [Verdict("non_trainable", f"{given:,}", f"{moving:,}", "unchecked",
                        note="not BatchNormalization's moving statistics (and Normalization's) alone: frozen layers "
                             "or a nested pretrained model could explain it")]
    return []


def _frozen_rows(pasted: PastedSummary, given: int) -> Verdict | None:
    """torchinfo's non-trainable total against the rows it prints in parentheses ('(9,408)'), all of whose
    parameters are frozen; a row printed plain holds at least one trainable parameter, and may hold frozen ones too.
    None when no row is in parentheses, or when rows or their counts are not all in the paste."""
    if pasted.kind != "torchinfo" or pasted.cuts or not all(row.counted for row in pasted.rows):
        return None
    frozen = [row.params for row in pasted.rows if row.frozen]
    if not frozen:
        return None
    count = sum(frozen)
    terms = f"{' + '.join(f'{params:,}' for params in frozen[:12])}{' + …' if len(frozen) > 12 else ''} = {count:,}"
    if count == given:
        return Verdict("non_trainable", f"{given:,}", f"{count:,}", "correct", terms,
                       "the rows printed in parentheses, all of whose parameters are frozen")
    if count > given:
        return Verdict("non_trainable", f"{given:,}", f"{count:,}", "wrong", terms,
                       "the rows printed in parentheses, all of whose parameters are frozen, hold more than that")
    return Verdict("non_trainable", f"{given:,}", "?", "unchecked", terms,
                   f"the rows printed in parentheses hold {count:,} frozen parameters; a row printed without them "
                   f"holds at least one trainable parameter, and may hold frozen ones too")


def _nested_split(given: int, moving: int, known: tuple[Known, ...]) -> Verdict | None:
    """The non-trainable total of a paste with known networks as rows: each one frozen (all its parameters) or
    trained (BatchNormalization's moving statistics alone), with the other rows' moving statistics; None when no
    choice gives the printed count."""
    choices = [(moving, [])] if len(known) <= 4 else []
    for network in known:
        choices = [(count + add, [*how, f"{network.written} {word}"]) for count, how in choices
                   for add, word in ((network.params, "frozen"), (network.moving, "trained"))]
    for count, how in choices:
        if count == given:
            parts = [*(f"{m.params:,}" if "frozen" in h else f"{m.moving:,}" for m, h in zip(known, how))]
            if moving:
                parts.append(f"{moving:,} (the other rows' moving statistics)")
            return Verdict("non_trainable", f"{given:,}", f"{given:,}", "correct", f"{' + '.join(parts)} = {given:,}",
                           "; ".join(how))
    return None
