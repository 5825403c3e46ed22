"""``summary --rf ROW,COL``: the rows and columns of every map that one cell of a chain's last map reads, drawn on
the volumes. The regions are worked out by hand here, and checked against PyTorch: with all weights 1 and a
positive input, the cells of a map whose gradient from the chosen cell is not 0 are exactly those it reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

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
    # (The dilated conv's taps from rows 3 and 4, at 1, 3, 5 and 2, 4, 6, leave no row out.)
    field = cell_field(cnncalc.summary(SPEC).network, 1, 1)
    assert field.target == 7  # the relu, the last layer with a map
    assert field.regions == tuple((span(*rows), span(*cols)) for rows, cols in [
        ((2, 18), (1, 17)), ((3, 19), (3, 19)), ((2, 9), (2, 9)), ((1, 4), (1, 4)), ((3, 4), (3, 4)), ((2, 3), (2, 3)),
        ((1, 1), (1, 1)), ((1, 1), (1, 1))])
    # r = 3 (conv, jump 2), 3 + 1·2 = 5 (pool, jump 4), 5 + 4·4 = 21 (dilated span 5), 21 + 2·4 = 29
    assert field.size == (29, 29)


def span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


def test_a_dilated_or_gappy_window_leaves_rows_out() -> None:
    # conv k1 s2 p1 on 6 rows: 4 outputs at padded rows 0, 2, 4, 6, input rows −1 (padding), 1, 3, 5; a conv k2 over
    # its rows 0..1 reads input row 1 alone (row 0 lies between two windows)
    field = cell_field(cnncalc.summary("input 6x6x1, conv2x1 s2 p1, conv2x2").network, 0, 0)
    assert field.regions[0] == ((1,), (1,)) and field.reach == (-1, 1, -1, 1)
    # a 3-tap window dilated by 3 reads rows 0, 3 and 6 of 7
    field = cell_field(cnncalc.summary("input 7x7x1, conv2x3 d3").network, 0, 0)
    assert field.regions[0] == ((0, 3, 6), (0, 3, 6)) and field.size == (7, 7)
    # mirrored padding reads the row it copies: the padded row −1 is row 1, the replicated one row 0
    assert cell_field(cnncalc.summary("input 6x6x1, reflectpad1, conv2x2").network, 0, 0).regions[0] == ((0, 1),) * 2
    assert cell_field(cnncalc.summary("input 6x6x1, reflectpad2, conv2x1").network, 0, 0).regions[0] == ((2,),) * 2
    assert cell_field(cnncalc.summary("input 6x6x1, replicatepad2, conv2x1").network, 0, 0).regions[0] == ((0,),) * 2
    assert cell_field(cnncalc.summary("input 6x6x1, zeropad2, conv2x1").network, 0, 0).regions[0] is None


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
            regions = cell_field(net, row, col).regions
            for tensor, region in zip(maps, regions, strict=True):
                assert region is not None and read(torch, tensor) == cells(region), (row, col)


@st.composite
def chains(draw: st.DrawFn) -> tuple[str, list[tuple[str, tuple[int, ...]]]]:
    """A chain of window and padding layers as spec text, and each step as PyTorch computes it: (kind, numbers)."""
    steps, words = [], []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "avgpool", "zeropad", "crop", "reflectpad", "replicatepad"]))
        if kind in ("zeropad", "crop", "reflectpad", "replicatepad"):
            sides = tuple(draw(st.integers(0, 2)) for _ in range(4))  # top, bottom, left, right
            assume(any(sides))
            words.append(f"{kind} t{sides[0]} b{sides[1]} l{sides[2]} r{sides[3]}")
            steps.append((kind, sides))
            continue
        k, s = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        d = draw(st.integers(1, 2)) if kind == "conv" and s == 1 else 1
        padding = draw(st.sampled_from(["valid", "same", "p1"]) if kind == "conv" else st.sampled_from(["", " same"]))
        if kind == "conv":
            words.append(f"conv2x{k} s{s} d{d} {padding}")
        else:
            words.append(f"avgpool{k} s{s}{padding}")
        steps.append((kind, (k, s, d, {"valid": 0, "": 0, "p1": 1}.get(padding.strip(), -1))))
    height, width = draw(st.integers(6, 20)), draw(st.integers(6, 20))
    return f"input {height}x{width}x1, " + ", ".join(words), steps


def torch_regions(torch: object, shape: tuple[int, int], steps: list[tuple[str, tuple[int, ...]]],
                  cell: tuple[int, int]) -> list[set[tuple[int, int]]]:
    """The rows and columns of every map whose gradient from ``cell`` of the last is not 0 (weights 1, input > 0).
    Keras' 'same' pads (out − 1)·s + d(k − 1) + 1 − n in all, the smaller half before (TensorFlow's rule)."""
    functional = torch.nn.functional  # type: ignore[attr-defined]
    x = torch.rand(1, 1, *shape, dtype=torch.float64) + 0.5  # type: ignore[attr-defined]
    x.requires_grad_(True)
    maps = [x]
    for kind, numbers in steps:
        t = maps[-1]
        if kind.endswith("pad"):
            top, bottom, left, right = numbers
            mode = {"zeropad": "constant", "reflectpad": "reflect", "replicatepad": "replicate"}[kind]
            t = functional.pad(t, (left, right, top, bottom), mode=mode)
        elif kind == "crop":
            top, bottom, left, right = numbers
            t = t[:, :, top : t.shape[2] - bottom, left : t.shape[3] - right]
        else:
            k, s, d, p = numbers
            span = d * (k - 1) + 1
            if p < 0:  # same
                pads = []
                for n in (t.shape[3], t.shape[2]):  # F.pad takes the last axis first
                    total = max((-(-n // s) - 1) * s + span - n, 0)
                    pads += [total // 2, total - total // 2]
                t = functional.pad(t, tuple(pads))
            elif p:
                t = functional.pad(t, (p, p, p, p))
            ones = torch.ones(1, 1, k, k, dtype=torch.float64)  # type: ignore[attr-defined]
            t = functional.conv2d(t, ones, stride=s, dilation=d) if kind == "conv" else functional.avg_pool2d(t, k, s)
        t.retain_grad()
        maps.append(t)
    maps[-1][0, 0, cell[0], cell[1]].backward()
    return [read(torch, tensor) for tensor in maps]


def read(torch: object, tensor: object) -> set[tuple[int, int]]:
    """The cells of a map whose gradient is not 0."""
    return {(int(r), int(c)) for r, c in torch.nonzero(tensor.grad[0, 0]).tolist()}  # type: ignore[attr-defined]


def cells(region: tuple[tuple[int, ...], tuple[int, ...]] | None) -> set[tuple[int, int]]:
    return set() if region is None else {(r, c) for r in region[0] for c in region[1]}


@pytest.mark.oracle
@settings(max_examples=40, deadline=None)
@given(chains(), st.integers(0, 50), st.integers(0, 50))
def test_any_chains_fields_are_the_cells_pytorch_differentiates(chain: tuple[str, list[tuple[str, tuple[int, ...]]]],
                                                               row: int, col: int) -> None:
    torch = oracle("torch")
    spec, steps = chain
    try:
        net = cnncalc.summary(spec).network
    except cnncalc.CnnCalcError:
        assume(False)  # a map that shrinks to nothing
        raise
    height, width = net.layers[-1].output_shape[:2]
    cell = (row % height, col % width)
    regions = cell_field(net, *cell).regions
    assert [cells(region) for region in regions] == torch_regions(torch, net.input_shape[:2], steps, cell), spec


def run(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["summary", *arguments])
    return result.exit_code, result.output


def test_the_picture_marks_every_map_and_says_where_the_field_falls() -> None:
    code, output = run(SPEC, "--format", "svg", "--rf", "1,1")
    assert code == 0
    root = ET.fromstring(output)
    shown = texts(root)
    assert shown[0] == "Receptive field of activation's cell 1,1: 29×29; it reads input rows 2–18, cols 1–17, and " \
                       "reaches into the padding"
    assert "rows 2–18, cols 1–17" in shown and "rows 3–19, cols 3–19" in shown and "cell 1,1" in shown
    assert "rows 1–4, cols 1–4" in shown  # the dilated conv's input, the pool's output
    patches = [group for group in root.iter(f"{SVG}g") if group.get("class") == "field"]
    assert len(patches) == 8  # the input and the seven layers up to the relu; none on flatten and dense
    assert overlapping(boxes(root, "label")) == []


def test_a_field_over_the_whole_map_covers_the_whole_face() -> None:
    code, output = run("input 4x4x1, conv2x3, conv2x2", "--format", "svg", "--rf", "0,0")
    assert code == 0
    root = ET.fromstring(output)
    groups = [group for group in root.iter(f"{SVG}g") if group.find(f"{SVG}title") is not None]
    input_group = groups[0]
    face = input_group.findall(f"{SVG}g/{SVG}polygon")[1].get("points", "").split()  # the box's side: its H×W face
    (patch,) = [group.find(f"{SVG}polygon") for group in input_group.iter(f"{SVG}g") if group.get("class") == "field"]
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
