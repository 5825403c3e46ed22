"""Issue 13: `check --summary` without a spec, on summaries Keras 3 prints itself.

Property: for a random chain network, the summary Keras prints checks all ✓ (or unchecked, where the paste
cannot tell); with any one parameter count changed, that claim, and only that one, is ✗. Two cases are
named: a row the paste cannot check (the first layer, whose input Keras 3 does not print) leaves the total in
doubt, and a count that another whole kernel explains exactly (2 = a 1×1 kernel with a bias, where the truth was
1 without) is seen only in the rows' sum, so the total is the one ✗.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.grading.selfcheck import self_check
from cnncalc.readers.pasted import parse_summary

from .conftest import oracle
from .oracle_specs import Desc, structured
from .test_oracle_keras import keras_model

pytestmark = pytest.mark.oracle


def keras_summary(keras: Any, shape: tuple[int, ...], descs: list[Desc]) -> str | None:
    try:
        model = keras_model(keras, shape, descs)
    except (ValueError, TypeError):
        return None  # Keras refuses this network: nothing to paste
    lines: list[str] = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line), line_length=150)
    return "\n".join(lines)


def wrong(text: str) -> list[str]:
    return [v.claim for v in self_check(parse_summary(text)) if v.status == "wrong"]


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # rich, which Keras prints with, would otherwise cut the table


@settings(max_examples=int(os.environ.get("CNNCALC_SELFCHECK_EXAMPLES", "30")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(network=structured(False, 6), data=st.data())
def test_a_real_keras_summary_checks_clean_and_one_misprint_is_found(
        network: tuple[tuple[int, ...], list[Desc]], data: st.DataObject) -> None:
    keras = oracle("keras")
    text = keras_summary(keras, *network)
    if text is None:
        return
    assert wrong(text) == [], text
    # a misprint: one parameter count of a row, made larger
    counts = [(m.start(1), m.end(1)) for m in re.finditer(r"│\s+(\d[\d,]*) │", text)]
    if not counts:
        return
    row = data.draw(st.integers(0, len(counts) - 1))
    start, end = counts[row]
    value = int(text[start:end].replace(",", ""))
    misprint = f"{value + data.draw(st.integers(1, 9)) * 10 ** data.draw(st.integers(0, 2)):,}"
    changed = text[:start] + misprint.rjust(end - start) + text[end:] if len(misprint) <= end - start else \
        text[:start] + misprint + text[end:]
    verdicts = self_check(parse_summary(changed))
    found = [v.claim for v in verdicts if v.status == "wrong"]
    claim = [v for v in verdicts if v.claim.startswith(f"{row + 1} ") and v.claim.endswith(" params")]
    total = next(v for v in verdicts if v.claim == "total")
    if claim and claim[0].status == "unchecked" and found == ["total"]:
        # a first row whose count a whole kernel on an image's 1 to 4 channels explains: every row is accounted
        # for, so the rows' sum against the total is the one ✗, with the sum shown
        assert re.search(r"kernel taps × input channels = \d+", claim[0].note), changed
        assert total.status == "wrong" and total.correct == f"{total_of_rows(changed):,}", changed
    elif claim and claim[0].status == "unchecked":  # a row the paste cannot check: the total is in doubt, not wrong
        assert found == [] and total.status == "unchecked", changed
        assert_the_sum_is_reported(total, changed)
    elif claim[0].status == "wrong" and not re.search(r"\d", claim[0].correct):  # wrong, with no one right count
        assert found == [claim[0].claim], (found, changed)  # so the total is in doubt, not wrong
        assert total.status == "unchecked", changed
        assert_the_sum_is_reported(total, changed)
    elif claim[0].status == "correct" and found == []:  # another whole kernel (or a bias) explains the new count,
        # and a row the paste cannot check could be the misprint as well as the total: never silent about the sum
        assert total.status == "unchecked", changed
        assert_the_sum_is_reported(total, changed)
        assert any(v.status == "unchecked" for v in verdicts if v.claim.endswith(" params")), changed
    elif claim[0].status == "correct":  # explained exactly, every other row checked: only the rows' sum shows it
        assert (found, total.status) == (["total"], "wrong"), changed
    else:
        assert found == [claim[0].claim], (found, changed)


def total_of_rows(paste: str) -> int:
    """The sum of a Keras 3 box table's parameter column, read here apart from the paste reader."""
    return sum(int(m[1].replace(",", "")) for m in re.finditer(r"│\s+(\d[\d,]*) │", paste))


def assert_the_sum_is_reported(total: Any, paste: str) -> None:
    """An unchecked total still says that the rows do not add up to it, with both numbers."""
    assert re.search(rf"the rows sum to [\d,]+, not {re.escape(total.given)}:", total.note), (total, paste)
