"""--depth against torchinfo on torchvision's own model files: each file of tests/corpus/torchinfo holds torchinfo's
rows of a torchvision network cut (``notop``), frozen and under a new head, at several depths, printed by
tests/corpus/torchinfo_truth.py from the network torchvision's own source builds. cnncalc's table must be
torchinfo's, row for row: name with its depth-idx, output shape and Param # cell, and the totals."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .test_nested_views import markdown_rows, summary

TRUTH = Path(__file__).parent / "corpus" / "torchinfo"
FILES = sorted(TRUTH.glob("*.json"))

#: a torchinfo row: its name (with the tree drawn before it), output shape and Param # cell
ROW = re.compile(r"^(?P<name>.*?\S)\s{2,}(?P<shape>\[[\d, ]*\])\s{2,}(?P<params>\S+)$")


def torchinfo_rows(lines: list[str]) -> list[tuple[str, str, str]]:
    """The rows under the model's own (depth 0, the ``Sequential`` of base and head, which cnncalc does not draw)."""
    rows = []
    for line in lines[1:]:
        match = ROW.match(line)
        assert match is not None, line
        rows.append((match["name"], match["shape"], match["params"]))
    return rows


def ours(spec: str, depth: str) -> tuple[list[tuple[str, ...]], list[str]]:
    text = summary(spec, "--depth", depth, "--format", "markdown")
    totals = [line.replace("**", "").split(" (")[0] for line in text.splitlines()
              if line.startswith(("**Total params", "**Trainable params", "**Non-trainable params"))]
    return [tuple(row) for row in markdown_rows(text)], totals


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_depth_is_torchinfos_table(path: Path) -> None:
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for depth, printed in truth["depths"].items():
        rows, totals = ours(truth["spec"], depth)
        theirs = torchinfo_rows(printed["rows"])
        assert len(rows) == len(theirs), (depth, [row[0] for row in rows], [row[0] for row in theirs])
        for number, (mine, their) in enumerate(zip(rows, theirs), start=1):
            assert mine == their, f"{path.stem} --depth {depth} row {number}"
        assert totals == printed["totals"], depth


def test_every_family_is_held() -> None:
    """The corpus covers the families whose containers cnncalc draws."""
    assert {"resnet18", "resnet50", "alexnet", "vgg11"} <= {path.stem for path in FILES}
    assert {"convnext_tiny", "convnext_small", "convnext_base", "convnext_large", "vit_b_16", "vit_b_32", "vit_l_16",
            "vit_l_32", "vit_h_14"} <= {path.stem for path in FILES}
