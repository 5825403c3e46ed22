"""`check --summary` without a spec on tables torchsummary and torchinfo print themselves, of networks whose
forward() does part of the work with functions (F.max_pool2d, torch.flatten, F.relu) that the tables list no row for.

Property: the table PyTorch prints checks with no ✗; with one parameter count changed, exactly one claim is ✗, and it
names that row or the total the change breaks (a count that some other kernel, bias or input explains is seen only
in the rows' sum); a row the paste cannot check at all (torchsummary's first, whose input it does not print) leaves
the total unchecked instead, never a ✗ elsewhere.
"""

from __future__ import annotations

import io
import os
import re
from contextlib import redirect_stdout
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.grading.selfcheck import self_check
from cnncalc.readers.pasted import parse_summary

from .conftest import oracle

pytestmark = pytest.mark.oracle

EXAMPLES = int(os.environ.get("CNNCALC_SELFCHECK_EXAMPLES", "25"))

#: one step of forward(): a module ('conv', 'bn', 'pool') or a function the tables cannot show ('fpool', 'relu')
STEP = st.one_of(
    st.tuples(st.just("conv"), st.sampled_from([4, 8, 12]), st.sampled_from([1, 3, 5]), st.sampled_from([1, 2]),
              st.booleans(), st.booleans()),
    st.tuples(st.sampled_from(["bn", "pool", "fpool", "relu"])),
)


def network(torch: Any, channels: int, size: int, steps: list[tuple[Any, ...]], units: int) -> Any | None:
    """An nn.Module of the steps, then torch.flatten in forward() and two Linear layers; None when a step would
    shrink the map below 1×1."""
    nn, functional = torch.nn, torch.nn.functional
    modules: list[Any] = []
    plan: list[Any] = []
    for step in steps:
        if step[0] == "conv":
            _, filters, kernel, stride, padded, bias = step
            padding = kernel // 2 if padded else 0
            size = (size + 2 * padding - kernel) // stride + 1
            modules.append(nn.Conv2d(channels, filters, kernel, stride, padding, bias=bias))
            channels = filters
            plan.append(modules[-1])
        elif step[0] == "bn":
            modules.append(nn.BatchNorm2d(channels))
            plan.append(modules[-1])
        elif step[0] == "pool":
            size //= 2
            modules.append(nn.MaxPool2d(2))
            plan.append(modules[-1])
        elif step[0] == "fpool":
            size //= 2
            plan.append(lambda x: functional.max_pool2d(x, 2))
        else:
            plan.append(functional.relu)
        if size < 1:
            return None
    modules += [nn.Linear(channels * size * size, units), nn.Linear(units, 10)]

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(modules)

        def forward(self, x: Any) -> Any:
            for step in plan:
                x = step(x)
            x = torch.flatten(x, 1)
            return self.layers[-1](functional.relu(self.layers[-2](x)))

    return Net().eval()


def printed(printer: str, model: Any, shape: tuple[int, int, int]) -> str:
    if printer == "torchinfo":
        return str(oracle("torchinfo").summary(model, input_size=(1, *shape), verbose=0, depth=3))
    out = io.StringIO()
    with redirect_stdout(out):
        oracle("torchsummary").summary(model, shape, device="cpu")
    return out.getvalue()


def wrong(text: str) -> list[str]:
    return [v.claim for v in self_check(parse_summary(text)) if v.status == "wrong"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(printer=st.sampled_from(["torchsummary", "torchinfo"]), channels=st.sampled_from([1, 3]),
       size=st.sampled_from([16, 28, 32]), steps=st.lists(STEP, min_size=1, max_size=6),
       units=st.sampled_from([16, 50]), data=st.data())
def test_a_pytorch_table_checks_clean_and_one_misprint_is_found(printer: str, channels: int, size: int,
                                                                steps: list[tuple[Any, ...]], units: int,
                                                                data: st.DataObject) -> None:
    torch = oracle("torch")
    model = network(torch, channels, size, steps, units)
    if model is None:
        return
    text = printed(printer, model, (channels, size, size))
    assert wrong(text) == [], text
    # one row's count, made larger
    pattern = r"^\s*(?:[│├└─ ]*)(\w+)(?::\s\d+-\d+|-\d+)\s.*?\s(\d[\d,]*)\s*$"
    counts = [(m.start(2), m.end(2)) for m in re.finditer(pattern, text, re.M)
              if m[1] not in ("ReLU", "Net", "ModuleList") and int(m[2].replace(",", "")) > 0]
    if not counts:
        return
    start, end = counts[data.draw(st.integers(0, len(counts) - 1))]
    value = int(text[start:end].replace(",", ""))
    misprint = f"{value + data.draw(st.integers(1, 9)) * 10 ** data.draw(st.integers(0, 2)):,}"
    changed = text[:start] + misprint + text[end:]
    verdicts = self_check(parse_summary(changed))
    found = [v.claim for v in verdicts if v.status == "wrong"]
    line = changed[:start].count("\n") + 1
    row = next(i for i, r in enumerate(parse_summary(changed).rows, start=1) if r.line == line)
    claim = next(v for v in verdicts if v.claim.startswith(f"{row} ") and v.claim.endswith(" params"))
    total = next(v for v in verdicts if v.claim == "total")
    if found == []:  # only a row the paste cannot check: the total is in doubt, and says the rows' sum
        assert claim.status == "unchecked" and total.status == "unchecked", changed
        assert re.search(r"the rows sum to [\d,]+, not ", total.note), (total, changed)
    else:
        assert found in ([claim.claim], ["total"]), (found, changed)
