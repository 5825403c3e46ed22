"""``summary --rf ROW,COL``: the rows and columns of every map that one cell of a chain's last map reads, drawn on
the volumes. The regions are worked out by hand here, and checked against PyTorch: with all weights 1 and a
positive input, the cells of a map whose gradient from the chosen cell is not 0 are exactly those it reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

import cnncalc
from cnncalc.analysis.cell_field import cell_field
from cnncalc.cli.commands import main

from .conftest import oracle
from .test_pictures import SVG, boxes, overlapping, texts

#: every kind of step: asymmetric padding, a strided padded conv, a pool, a dilated 'same' conv, cropping, a strided
#: 'same' conv (Keras puts its odd padding row at the bottom), an activation, and layers after the last map
SPEC = ("input 20x20x1, zeropad t1 l2, conv2x3 s2 p1, avgpool2, conv2x3 d2 same, crop t1 l1, conv2x3 s2 same, relu, "
        "flatten, dense3")


def test_a_cells_field_worked_by_hand() -> None:
    # maps: 20×20 → zeropad 21×22 → conv 11×11 → pool 5×5 → conv 5×5 (pad 2) → crop 4×4 → conv 2×2 (pad 0 top,
    # 1 bottom) → relu 2×2. Row 1 of the last map, backwards: rows 2..4 of the crop's 4 (so 2..3), rows 3..4 of the
    # dilated conv's, rows 1..6 of the pool's 5 (1..4), rows 2..9 of the first conv's, rows 3..19 of the padded
    # map, rows 2..18 of the input. Column 1: the same to the pool, then 3..19 of 22 padded columns, 1..17.
    field = cell_field(cnncalc.summary(SPEC).network, 1, 1)
    assert field.target == 7  # the relu, the last layer with a map
    assert field.regions == ((2, 18, 1, 17), (3, 19, 3, 19), (2, 9, 2, 9), (1, 4, 1, 4), (3, 4, 3, 4), (2, 3, 2, 3),
                             (1, 1, 1, 1), (1, 1, 1, 1))
    # r = 3 (conv, jump 2), 3 + 1·2 = 5 (pool, jump 4), 5 + 4·4 = 21 (dilated span 5), 21 + 2·4 = 29
    assert field.size == (29, 29)


@pytest.mark.oracle
def test_the_fields_are_the_cells_pytorch_differentiates() -> None:
    torch = oracle("torch")
    functional = torch.nn.functional
    net = cnncalc.summary(SPEC).network
    ones = torch.ones(1, 1, 3, 3, dtype=torch.float64)
    for row in range(2):
        for col in range(2):
            x = torch.rand(1, 1, 20, 20, dtype=torch.float64) + 0.5
            x.requires_grad_(True)
            maps = [x]
            maps.append(functional.pad(maps[-1], (2, 0, 1, 0)))  # left 2, top 1
            maps.append(functional.conv2d(maps[-1], ones, stride=2, padding=1))
            maps.append(functional.avg_pool2d(maps[-1], 2))
            maps.append(functional.conv2d(maps[-1], ones, dilation=2, padding=2))
            maps.append(maps[-1][:, :, 1:, 1:])
            maps.append(functional.conv2d(functional.pad(maps[-1], (0, 1, 0, 1)), ones, stride=2))
            maps.append(torch.relu(maps[-1]))
            for tensor in maps[1:]:
                tensor.retain_grad()
            maps[-1][0, 0, row, col].backward()
            expected = []
            for tensor in maps:
                rows, cols = torch.nonzero(tensor.grad[0, 0], as_tuple=True)
                expected.append((int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())))
            assert cell_field(net, row, col).regions == tuple(expected), (row, col)


def run(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["summary", *arguments])
    return result.exit_code, result.output


def test_the_picture_marks_every_map_and_says_where_the_field_falls() -> None:
    code, output = run(SPEC, "--format", "svg", "--rf", "1,1")
    assert code == 0
    root = ET.fromstring(output)
    shown = texts(root)
    assert shown[0] == "Receptive field of activation's cell 1,1: 29×29, of which 17×17 in the input (input rows " \
                       "2–18, cols 1–17), the rest padding"
    assert "rows 2–18, cols 1–17" in shown and "rows 3–19, cols 3–19" in shown and "cell 1,1" in shown
    assert "rows 1–4, cols 1–4" in shown  # the dilated conv's input, the pool's output
    patches = [polygon for polygon in root.iter(f"{SVG}polygon") if polygon.get("class") == "field"]
    assert len(patches) == 8  # the input and the seven layers up to the relu; none on flatten and dense
    assert overlapping(boxes(root, "label")) == []


def test_a_field_over_the_whole_map_covers_the_whole_face() -> None:
    code, output = run("input 4x4x1, conv2x3, conv2x2", "--format", "svg", "--rf", "0,0")
    assert code == 0
    root = ET.fromstring(output)
    groups = [group for group in root.iter(f"{SVG}g") if group.find(f"{SVG}title") is not None]
    input_group = groups[0]
    face = input_group.findall(f"{SVG}g/{SVG}polygon")[1].get("points", "").split()  # the box's side: its H×W face
    (patch,) = [polygon for polygon in input_group.iter(f"{SVG}polygon") if polygon.get("class") == "field"]
    # rows 0..3, cols 0..3: the whole 4×4 input; the face's corners are drawn top near, top far, bottom far, bottom
    # near; the patch's first column then last, first row then last
    corners = patch.get("points", "").split()
    assert corners == [face[0], face[1], face[2], face[3]]


@pytest.mark.parametrize(("spec", "options", "message"), [
    ("input 8x8x3, conv4x3 same, add(id | conv4x3 same)", ["--format", "svg", "--rf", "0,0"], "has branches"),
    ("input 28x28x1, conv8x3", ["--rf", "0,0"], "--format svg or --format html"),
    ("input 28x28x1, conv8x3", ["--format", "svg", "--rf", "26,0"], "outside conv2d's 26×26 map"),
    ("input 28x28x1, conv8x3", ["--format", "svg", "--rf", "-1,0"], "two whole numbers from 0"),
    ("input 28x28x1, conv8x3", ["--format", "svg", "--rf", "1,2,3"], "two whole numbers from 0"),
    ("input 8x8x1, conv4x3, up2, conv4x3", ["--format", "svg", "--rf", "0,0"], "up_sampling2d (UpSampling2D)"),
    ("input 8x8x1, flatten, dense4", ["--format", "svg", "--rf", "0,0"], "no layer of this network outputs one"),
    ("input RxCx1, conv4x3", ["--format", "svg", "--rf", "0,0"], "written with names"),
    ("input 100x8, conv1d4x3", ["--format", "svg", "--rf", "0,0"], "H×W×C"),
])
def test_a_field_that_cannot_be_drawn_is_refused(spec: str, options: list[str], message: str) -> None:
    code, output = run(spec, *options)
    assert code == 2 and message in output and "Traceback" not in output, output


def test_the_api_draws_the_same_field() -> None:
    s = cnncalc.summary(SPEC)
    assert s.to_svg(rf=(1, 1)) == run(SPEC, "--format", "svg", "--rf", "1,1")[1]
    assert s.to_svg(rf=(1, 1)) in s.to_html(rf=(1, 1))
    with pytest.raises(cnncalc.CnnCalcError, match="two whole numbers"):
        s.to_svg(rf=(1, -1))  # type: ignore[arg-type]
