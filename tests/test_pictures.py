"""Pictures: ``--format svg`` (a chain as volumes, a graph as a layered graph) and ``--format html``, read back
with the standard library's XML parser; every expected label is written here from the JSON document, which other
tests hold to the frameworks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from click.testing import CliRunner

import cnncalc
from cnncalc.cli.commands import main
from cnncalc.model.records import replace

SVG = "{http://www.w3.org/2000/svg}"
CHAINS = ["input 28x28x1, conv32x3 relu, maxpool2, flatten, dense10", "examples/lenet5.cnn", "vgg16",
          "input 100x64, conv1d16x5 relu, gap1d, dense4",
          "input 32x32x3, " + ", ".join(["conv8x3 same, bn, relu"] * 40) + ", flatten, dense10",  # rows wrap
          "input RxCx3, conv8x3, relu"]
GRAPHS = ["input 8x8x3, conv4x3 same, add(id | conv4x3 same, bn), relu", "examples/graphs/inception3a.cnn",
          "examples/graphs/unet_small.cnn", "resnet18", "densenet121"]


def svg_of(spec: str, *options: str) -> tuple[ET.Element, dict[str, object]]:
    result = CliRunner().invoke(main, ["summary", spec, "--format", "svg", *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    document = json.loads(CliRunner().invoke(main, ["summary", spec, "--format", "json", *options]).output)
    return ET.fromstring(result.output), document  # well-formed XML, or this raises


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def boxes(root: ET.Element, css: str) -> list[tuple[float, float, float, float]]:
    return [(float(rect.get("x", 0)), float(rect.get("y", 0)), float(rect.get("width", 0)),
             float(rect.get("height", 0))) for rect in root.iter(f"{SVG}rect") if css in rect.get("class", "").split()]


def overlapping(rects: list[tuple[float, float, float, float]]) -> list[tuple[object, object]]:
    """The pairs of rectangles whose insides meet (found by a sweep over x, so a thousand labels are cheap)."""
    found, ordered = [], sorted(rects)
    for number, (x, y, w, h) in enumerate(ordered):
        for other in ordered[number + 1:]:
            if other[0] >= x + w:
                break
            if other[1] < y + h and y < other[1] + other[3]:
                found.append(((x, y, w, h), other))
    return found


def test_the_overlap_finder_finds_overlaps() -> None:
    assert overlapping([(0, 0, 10, 10), (20, 0, 10, 10), (5, 5, 10, 10)]) == [((0, 0, 10, 10), (5, 5, 10, 10))]
    assert overlapping([(0, 0, 10, 10), (10, 0, 10, 10), (0, 10, 10, 10)]) == []


@pytest.mark.parametrize("spec", CHAINS)
def test_a_chain_is_volumes_labelled_with_names_sizes_and_params(spec: str) -> None:
    root, document = svg_of(spec)
    shown = texts(root)
    layers = document["layers"]
    assert isinstance(layers, list)
    for layer in layers:
        assert layer["name"] in shown
        shape = layer["torch_shape"][1:] if "torch_shape" in layer else layer["output_shape"]  # as the table
        if all(isinstance(size, int) for size in shape):  # sizes with names: below
            assert "×".join(map(str, shape)) in shown
    params = [f"{layer['params']:,} params" for layer in layers if layer["params"]]
    assert sorted(text for text in shown if text.endswith(" params")) == sorted(params)
    labels = boxes(root, "label")
    assert len(labels) == len(layers) + 1  # the input's too
    assert overlapping(labels) == []
    assert not [path for path in root.iter(f"{SVG}path") if path.get("class") == "edge"]  # no graph drawn


def test_a_size_with_names_is_bracketed_so_that_it_reads_one_way() -> None:
    # by hand: a 3×3 conv without padding takes 2 from each side, R−2; with stride 2, ⌊(R − 3)/2⌋ + 1
    assert texts(svg_of("input RxCx3, conv8x3, relu")[0])[:4] == ["input", "R×C×3", "conv2d", "(R−2)×(C−2)×8"]
    assert "(⌊(R − 3)/2⌋ + 1)×(⌊(C − 3)/2⌋ + 1)×8" in texts(svg_of("input RxCx3, conv8x3 s2")[0])


@pytest.mark.parametrize("spec", GRAPHS)
def test_a_graph_is_a_box_per_layer_and_an_edge_per_connection(spec: str) -> None:
    root, document = svg_of(spec)
    layers = document["layers"]
    assert isinstance(layers, list)
    groups = {group.get("id"): group for group in root.iter(f"{SVG}g") if group.get("id")}
    assert len(groups) == len(layers) + 1
    nodes = {}
    for key, group in groups.items():
        (rect,) = boxes(group, "node")
        nodes[key] = rect
    assert overlapping(list(nodes.values())) == []
    for number, layer in enumerate(layers, 1):
        lines = texts(groups[f"n{number}"])
        shape = (f"[{', '.join(map(str, layer['torch_shape']))}]" if "torch_shape" in layer
                 else "(None, " + ", ".join(map(str, layer["output_shape"])) + ")")
        assert lines[:3] == [layer["name"], layer["type"], shape]
        assert lines[3] == f"{layer['params']:,} params"
    edges = [path for path in root.iter(f"{SVG}path") if path.get("class") == "edge"]
    assert len(edges) == sum(len(set(layer["inputs"])) for layer in layers)
    names = {layer["name"]: f"n{number}" for number, layer in enumerate(layers, 1)}
    drawn = set()
    for edge in edges:
        source, target = nodes[edge.get("data-from", "")], nodes[edge.get("data-to", "")]
        points = [float(value) for value in edge.get("d", "").replace("M", " ").replace("L", " ").split()]
        (x1, y1), (x2, y2) = points[:2], points[-2:]
        assert source[0] <= x1 <= source[0] + source[2] and y1 == pytest.approx(source[1] + source[3], abs=0.1)
        assert target[0] <= x2 <= target[0] + target[2] and y2 == pytest.approx(target[1], abs=0.1)
        assert y2 > y1  # every edge goes down, from a layer to a later one
        drawn.add((edge.get("data-from"), edge.get("data-to")))
        if len(layers) < 200:  # and it crosses no other box (sampled along each segment)
            others = [box for key, box in nodes.items() if key not in (edge.get("data-from"), edge.get("data-to"))]
            pairs = list(zip(points[0::2], points[1::2]))
            for (ax, ay), (bx, by) in pairwise(pairs):
                for step in range(21):
                    x, y = ax + (bx - ax) * step / 20, ay + (by - ay) * step / 20
                    assert not [b for b in others if b[0] < x < b[0] + b[2] and b[1] < y < b[1] + b[3]], edge.attrib
    assert drawn == {(names.get(source, "n0"), names[layer["name"]]) for layer in layers for source in layer["inputs"]}


def test_a_fork_puts_its_branches_side_by_side() -> None:
    root, _ = svg_of("input 8x8x3, conv4x3 same, add(conv4x3 same | conv4x3 same, bn), relu")
    groups = {group.get("id"): boxes(group, "node")[0] for group in root.iter(f"{SVG}g") if group.get("id")}
    assert groups["n2"][1] == groups["n3"][1]  # the two branches' first convolutions on one level
    assert groups["n2"][0] != groups["n3"][0]


def test_torch_shapes_and_names_in_a_graph() -> None:
    root, document = svg_of(GRAPHS[0], "--conventions", "torch")
    shown = texts(root)
    for layer in document["layers"]:  # type: ignore[union-attr]
        assert layer["name"] in shown and f"[{', '.join(map(str, layer['torch_shape']))}]" in shown


HOSTILE = ['<script>alert("x")</script>', "a & b", "it's \"quoted\"", "]]>", "bad\x00char"]


@pytest.mark.parametrize("spec", [CHAINS[0], GRAPHS[0]])
def test_hostile_names_are_escaped(spec: str) -> None:
    s = cnncalc.summary(spec)
    layers = tuple(replace(layer, name=HOSTILE[number % len(HOSTILE)]) for number, layer in enumerate(s.network.layers))
    net = replace(s.network, layers=layers)
    if net.graph:  # the merge reads its inputs by their new names
        names = {old.name: new.name for old, new in zip(s.network.layers, layers)}
        net = replace(net, layers=tuple(replace(layer, inputs=tuple(names.get(n, n) for n in layer.inputs))
                                        for layer in net.layers))
    hostile = cnncalc.Summary(net, None, s.analysis)
    for page in (hostile.to_svg(), hostile._repr_svg_()):
        assert "<script" not in page and "\x00" not in page
        shown = texts(ET.fromstring(page))
        for layer in net.layers:
            assert layer.name.replace("\x00", "\ufffd") in shown
    page = hostile.to_html()
    assert "<script" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)


@pytest.mark.parametrize("spec", [CHAINS[0], GRAPHS[1]])
def test_html_is_one_page_that_loads_nothing(spec: str) -> None:
    result = CliRunner().invoke(main, ["summary", spec, "--format", "html", "--columns", "macs"])
    assert result.exit_code == 0
    page = result.output
    document = json.loads(CliRunner().invoke(main, ["summary", spec, "--format", "json"]).output)
    tags = Tags()
    tags.feed(page)
    assert tags.tags.count("html") == 1 and tags.tags.count("svg") == 1 and tags.tags.count("table") == 1
    assert not {"script", "link", "img", "iframe", "object"} & set(tags.tags)
    assert not [value for name, value in tags.attributes if name in ("src", "href")]
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for layer in document["layers"]:
        assert f"<td>{layer['name']} ({layer['type']})</td>" in page
    assert f"Total params: {document['total_params']:,}" in page
    assert "MACs" in page


def test_notebook_forms() -> None:
    s = cnncalc.summary(CHAINS[0])
    assert s._repr_svg_() == s.to_svg() == CliRunner().invoke(main, ["summary", CHAINS[0], "--format", "svg"]).output
    fragment = s._repr_html_()
    assert fragment.startswith('<div class="cnncalc">') and "<svg" in fragment and "<table>" in fragment


#: the README's quick-start network, whose picture docs/quickstart.svg is
QUICK_START = "input 28x28x1, conv32x3 relu, pool2, conv64x3 relu, pool2, flatten, dropout0.5, dense10 softmax"


def test_the_quick_start_picture_is_cnncalcs_own(request: pytest.FixtureRequest) -> None:
    """docs/quickstart.svg is what `cnncalc summary QUICK_START --format svg` writes (--update-golden rewrites it)."""
    from .conftest import ROOT, check_golden

    root, document = svg_of(QUICK_START)
    assert [layer["name"] for layer in document["layers"]] == [  # type: ignore[index]
        "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense"]
    assert {"26×26×32", "5×5×64", "320 params", "18,496 params", "16,010 params"} <= set(texts(root))  # by hand
    picture = CliRunner().invoke(main, ["summary", QUICK_START, "--format", "svg"]).output
    check_golden(ROOT / "docs" / "quickstart.svg", picture, bool(request.config.getoption("--update-golden")))
