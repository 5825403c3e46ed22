"""``summary --fold``: a chain's long repeats drawn once, each box naming its first and last layer and ``× N``.
Which layers fold is worked out by hand; every layer is still accounted for exactly once."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

import cnncalc
from cnncalc.cli.commands import main

from .test_pictures import SVG, boxes, overlapping

#: the first conv reads 3 channels (224 params) and the 29 after it 8 (584): it stands alone
REPEATS = "input 32x32x3, " + ", ".join(["conv8x3 same, bn, relu"] * 30) + ", flatten, dense10"


def labels(svg: str) -> list[list[str]]:
    """Each box's label lines, in order."""
    root = ET.fromstring(svg)
    return [[text.text or "" for text in group.iter(f"{SVG}text")] for group in root.iter(f"{SVG}g")
            if group.find(f"{SVG}title") is not None and group.find(f"{SVG}text") is not None]


def test_a_repeated_block_is_drawn_once_with_its_count() -> None:
    result = CliRunner().invoke(main, ["summary", REPEATS, "--format", "svg", "--fold"])
    assert result.exit_code == 0
    # conv2d alone, then (bn, relu, conv) 29 times: batch_normalization to _28, activation to _28, conv2d_1 to
    # conv2d_29, then the last bn and relu, flatten and dense
    assert labels(result.output) == [
        ["input", "32×32×3"], ["conv2d", "32×32×8", "224 params"],
        ["batch_normalization … batch_normalization_28", "32×32×8", "32 params", "× 29"],
        ["activation … activation_28", "32×32×8", "× 29"],
        ["conv2d_1 … conv2d_29", "32×32×8", "584 params", "× 29"],
        ["batch_normalization_29", "32×32×8", "32 params"], ["activation_29", "32×32×8"],
        ["flatten", "8192"], ["dense", "10", "81,930 params"]]
    assert overlapping(boxes(ET.fromstring(result.output), "label")) == []


@pytest.mark.parametrize("spec", [REPEATS, "vgg16", "examples/lenet5.cnn",
                                  "input 64x64x3, " + ", ".join(["conv4x3 same", "relu", "conv4x1"] * 200)])
def test_every_layer_is_counted_once(spec: str) -> None:
    s = cnncalc.summary(spec)
    names = [layer.name for layer in s.layers]
    counted = []
    for lines in labels(s.to_svg(fold=True))[1:]:
        times = int(lines[-1][2:]) if lines[-1].startswith("× ") else 1
        first, _, last = lines[0].partition(" … ")
        counted.append((first, last or first, times))
    place, box = 0, 0  # the boxes walk the layers in order: a fold of g boxes drawn r times stands for g·r layers
    while box < len(counted):
        first, last, times = counted[box]
        assert names[place] == first
        if times == 1:
            assert last == first
            place, box = place + 1, box + 1
            continue
        (group,) = [g for g in range(1, 9) if place + (times - 1) * g < len(names)
                    and names[place + (times - 1) * g] == last]
        for step in range(group):
            assert counted[box + step] == (names[place + step], names[place + step + (times - 1) * group], times)
        place, box = place + group * times, box + group
    assert place == len(names)  # every layer, once


@pytest.mark.parametrize(("spec", "options", "message"), [
    ("resnet18", ["--format", "svg", "--fold"], "has branches or references"),
    (REPEATS, ["--format", "svg", "--fold", "--rf", "0,0"], "--fold and --rf do not go together"),
    (REPEATS, ["--fold"], "--format svg or --format html"),
])
def test_a_fold_that_cannot_be_drawn_is_refused(spec: str, options: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["summary", spec, *options])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output


def test_without_fold_every_layer_is_drawn() -> None:
    s = cnncalc.summary(REPEATS)
    assert len(labels(s.to_svg())) == len(s.layers) + 1
    assert not [line for lines in labels(s.to_svg()) for line in lines if re.fullmatch(r"× \d+", line)]
    assert s.to_svg(fold=True) in s.to_html(fold=True)
