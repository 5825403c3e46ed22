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
#: torchinfo's rows of torchvision networks summarised themselves, whole (tests/corpus/torchinfo_truth.py --top)
TOP = sorted((TRUTH.parent / "torchinfo_top").glob("*.json"))

#: a torchinfo row: its name (with the tree drawn before it), output shape (`--` for a module never called, such as a
#: ModuleList) and Param # cell
ROW = re.compile(r"^(?P<name>.*?\S)\s{2,}(?P<shape>\[[\d, ]*\]|--)\s{2,}(?P<params>\S+)$")


def torchinfo_rows(lines: list[str]) -> list[tuple[str, str, str]]:
    """The rows under the model's own (depth 0, the ``Sequential`` of base and head, which cnncalc does not draw)."""
    rows = []
    for line in lines[1:]:
        match = ROW.match(line)
        assert match is not None, line
        rows.append((match["name"], match["shape"], match["params"]))
    return rows


def ours(spec: str, depth: str, *more: str) -> tuple[list[tuple[str, ...]], list[str]]:
    text = summary(spec, *more, "--depth", depth, "--format", "markdown")
    totals = [line.replace("**", "").split(" (")[0] for line in text.splitlines()
              if line.startswith(("**Total params", "**Trainable params", "**Non-trainable params"))]
    return [tuple(row) for row in markdown_rows(text)], totals


#: depths recorded but not compared, each for a torchvision module that cnncalc writes as one word, or has no word
#: for, where torchinfo draws the module's children (the depths above are compared): Swin's PatchMerging and
#: PatchMergingV2 (their LayerNorm and Linear, depth 4) are the word `patchmerging`, and ShiftedWindowAttentionV2's
#: cpb_mlp (a Sequential at depth 6) is inside `windowattention … v2`; ShiftedWindowAttention (v1) holds qkv and proj
#: Linears that forward() never calls, so torchinfo prints its count at depth 6 as a leftover, not in parentheses.
#: MaxViT's grid attention swaps two axes with its own SwapAxes module (depth 8), which the spec writes as a permute
#: (`permute2x1x3`, a Permute row), and RelativePositionalMultiHeadAttention's to_qkv and merge Linears (depth 10)
#: are inside the word `relmha`.
UNCOMPARED = {"swin_t": {"6"}, "swin_s": {"6"}, "swin_b": {"6"}, "swin_v2_t": {"7"}, "swin_v2_s": {"7"},
              "swin_v2_b": {"7"}, "maxvit_t": {"10"}}


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_depth_is_torchinfos_table(path: Path) -> None:
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for depth, printed in truth["depths"].items():
        if depth in UNCOMPARED.get(path.stem, set()):
            continue
        rows, totals = ours(truth["spec"], depth)
        theirs = torchinfo_rows(printed["rows"])
        assert len(rows) == len(theirs), (depth, [row[0] for row in rows], [row[0] for row in theirs])
        for number, (mine, their) in enumerate(zip(rows, theirs), start=1):
            assert mine == their, f"{path.stem} --depth {depth} row {number}"
        assert totals == printed["totals"], depth


#: as UNCOMPARED, one depth less than under a new head: Swin's PatchMerging holds its LayerNorm and Linear at depth
#: 3 already, which the item case does not record
TOP_UNCOMPARED = {"swin_t": {"3", "5"}, "maxvit_t": {"9"}}


@pytest.mark.parametrize("path", TOP, ids=[path.stem for path in TOP])
def test_a_networks_own_rows_at_each_depth_are_torchinfos_table(path: Path) -> None:
    """``cnncalc summary resnet18 --depth 2``: the network's own rows inside its containers (layer1 a Sequential
    of BasicBlocks), as ``torchinfo.summary(resnet18(), depth=2)`` draws them, from depth 1 on."""
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    name, *more = truth["command"]
    for depth, printed in truth["depths"].items():
        if depth in TOP_UNCOMPARED.get(path.stem, set()):
            continue
        rows, totals = ours(name, depth, *more)
        theirs = torchinfo_rows(printed["rows"])
        assert len(rows) == len(theirs), (depth, [row[0] for row in rows], [row[0] for row in theirs])
        for number, (mine, their) in enumerate(zip(rows, theirs), start=1):
            assert mine == their, f"{path.stem} --depth {depth} row {number}"
        assert totals == printed["totals"], depth


def test_every_family_is_held() -> None:
    """The corpus covers every torchvision network of the zoo."""
    zoo = Path(__file__).parent.parent / "cnncalc" / "zoo" / "torchvision"
    assert {path.stem for path in zoo.glob("*.cnn")} == {path.stem for path in FILES}
    assert {"resnet18", "resnet50", "alexnet", "vgg11"} <= {path.stem for path in FILES}
    assert {"regnet_x_400mf", "regnet_y_400mf", "regnet_y_128gf", "shufflenet_v2_x1_0"} <= \
        {path.stem for path in FILES}
    assert {f"efficientnet_b{n}" for n in range(8)} | {f"efficientnet_v2_{s}" for s in "sml"} <= {p.stem for p in FILES}
    assert {f"swin_{s}" for s in ("t", "s", "b", "v2_t", "v2_s", "v2_b")} | {"maxvit_t"} <= {p.stem for p in FILES}
    assert {"mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0",
            "mnasnet1_3"} <= {path.stem for path in FILES}
    assert {"densenet121", "densenet161", "densenet169", "densenet201", "squeezenet1_0", "squeezenet1_1", "googlenet",
            "inception_v3"} <= {path.stem for path in FILES}
    assert {"convnext_tiny", "convnext_small", "convnext_base", "convnext_large", "vit_b_16", "vit_b_32", "vit_l_16",
            "vit_l_32", "vit_h_14"} <= {path.stem for path in FILES}


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2", "efficientnet_b0", "densenet121", "vit_b_16"])
def test_json_names_each_rows_containers_as_torchinfo_does(name: str) -> None:
    """--format json gives each row of the known network the containers it sits in: together, exactly the rows of
    torchinfo's deepest table that hold deeper rows (the known network's own row aside)."""
    truth: dict[str, Any] = json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))
    deepest = max(truth["depths"], key=int)
    rows = torchinfo_rows(truth["depths"][deepest]["rows"])
    depth = [row[0].count("│") + 1 if "└─" in row[0] else 1 for row in rows]
    holding = {row[0].rsplit("─", 1)[-1] for row, level, after in zip(rows, depth, depth[1:]) if after > level > 1}
    document = json.loads(summary(truth["spec"], "--format", "json"))
    named = {container for layer in document["layers"][0]["layers"] for container in layer.get("containers", [])}
    assert named == holding
