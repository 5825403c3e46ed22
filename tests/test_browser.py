"""The pictures as a real browser draws them: headless Chromium lays out the HTML fragment a notebook shows (the
table and the SVG) of a chain, a long chain that wraps, a residual net, an Inception module, a U-Net, a wide fork
and a 200-layer DenseNet, and reports every element's box as its own font and layout measure it. The checks:
no label overlaps another, nothing falls outside the drawing, every label of a graph sits in its box, every edge
joins the two boxes it names, and no label of a chain overlaps a volume. A screenshot of the top left of each
picture is compared with its own golden PNG, tests/golden/pictures/NAME.png, with a tolerance of 1% of its pixels
(``--update-golden`` rewrites them).

Two launches of the browser in all (about a second each). Without Chromium these tests skip, saying why; in CI
(CI set) its absence is a failure: .ci/run installs Debian's ``chromium``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

import cnncalc

from .conftest import GOLDEN

WIDE = "input 16x16x8, cat(" + " | ".join(f"conv{4 + n}x1" for n in range(8)) + "), conv8x1"
#: (name, spec): the networks drawn, chains first
CASES = [("chain", "input 28x28x1, conv32x3 relu, maxpool2, flatten, dense10"),
         ("long_chain", "input 32x32x3, " + ", ".join(["conv8x3 same, bn, relu"] * 30) + ", flatten, dense10"),
         ("resnet50", "resnet50"), ("inception", "examples/graphs/inception3a.cnn"),
         ("unet", "examples/graphs/unet_small.cnn"), ("wide", WIDE), ("densenet201", "densenet201")]
CHAINS = ["chain", "long_chain"]
GRAPHS = [name for name, _ in CASES if name not in CHAINS]
#: pictures drawn with options: a receptive field on a chain, the long chain folded, check-stride's windows (a
#: 224-cell axis numbered every few cells)
RF = ("input 64x64x3, conv8x3 s2 same, relu, maxpool2, conv16x3 same, bn, relu, maxpool2, flatten, dense10", (3, 5))
STRIDES = {"windows": ["7", "3", "3"], "windows_wide": ["224x100", "3", "2", "same"]}
OTHERS = ["rf", "folded", *STRIDES]
#: how far (in pixels) one box may run into another, or out of the drawing, before it counts: anti-aliasing
SLACK = 0.5
#: the screenshot's tiles: each picture's top left, so that one launch shows them all
TILE = (480, 300)
#: the golden screenshots, one per picture (its tile)
PICTURES = GOLDEN / "pictures"

# In the page: every picture's elements, in its own coordinates, as JSON in <pre id="result">.
MEASURE = """
<pre id="result"></pre>
<script>
const box = (b) => [b.x, b.y, b.width, b.height];
const cases = {};
for (const div of document.querySelectorAll("div.case")) {
  const svg = div.querySelector("svg");
  const group = (element) => { const g = element.closest("g[id]"); return g ? g.id : null; };
  cases[div.dataset.name] = {
    size: [svg.width.baseVal.value, svg.height.baseVal.value],
    texts: [...svg.querySelectorAll("text")].map((t) => [t.textContent, box(t.getBBox()), group(t)]),
    shapes: [...svg.querySelectorAll("rect:not(.label), polygon, path")].map((s) => box(s.getBBox())),
    nodes: Object.fromEntries([...svg.querySelectorAll("g[id] > rect.node")].map((r) => [group(r), box(r.getBBox())])),
    volumes: [...svg.querySelectorAll("g[fill]")].map((g) => box(g.getBBox())),
    edges: [...svg.querySelectorAll("path.edge")].map((p) => {
      const a = p.getPointAtLength(0), b = p.getPointAtLength(p.getTotalLength());
      return [p.dataset.from, p.dataset.to, [a.x, a.y], [b.x, b.y]];
    }),
  };
}
document.getElementById("result").textContent = JSON.stringify(cases);
</script>
"""


def chromium() -> str:
    """The browser's command; a skip where it is not installed, a failure in CI."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is missing in CI: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium): the pictures are not drawn in a browser")


def run(tmp: Path, page: str, *options: str) -> str:
    """Load ``page`` headless with ``options``; what the browser prints."""
    path = tmp / "page.html"
    path.write_text(page, encoding="utf-8")
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--force-device-scale-factor=1", f"--user-data-dir={tmp / 'profile'}", *options, path.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def summaries() -> dict[str, cnncalc.Summary]:
    return {name: cnncalc.summary(spec) for name, spec in CASES}


@pytest.fixture(scope="module")
def others() -> dict[str, str]:
    from click.testing import CliRunner

    from cnncalc.cli.commands import main

    drawn = {"rf": cnncalc.summary(RF[0]).to_svg(rf=RF[1]), "folded": cnncalc.summary(dict(CASES)["long_chain"])
             .to_svg(fold=True)}
    for name, arguments in STRIDES.items():
        drawn[name] = CliRunner().invoke(main, ["check-stride", *arguments, "--format", "svg"]).output
    return drawn


@pytest.fixture(scope="module")
def measured(summaries: dict[str, cnncalc.Summary], others: dict[str, str],
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each network's HTML fragment, as a notebook shows it (its table, then its picture), and the other pictures,
    measured."""
    shown = {**{name: s._repr_html_() for name, s in summaries.items()}, **others}
    cases = "\n".join(f'<div class="case" data-name="{name}">{fragment}</div>' for name, fragment in shown.items())
    page = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>{cases}{MEASURE}</body></html>'
    dom = run(tmp_path_factory.mktemp("measure"), page, "--dump-dom")
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert match and match[1], "the page measured nothing"
    return json.loads(html.unescape(match[1]))


def overlap(a: list[float], b: list[float]) -> float:
    """How far the insides of two boxes (x, y, width, height) run into each other: the lesser of the two depths."""
    across = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    down = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return min(across, down)


def inside(inner: list[float], outer: list[float]) -> bool:
    """Whether ``inner`` lies in ``outer``, to :data:`SLACK`."""
    return all(outer[axis] - SLACK <= inner[axis] <= outer[axis] + outer[axis + 2] - inner[axis + 2] + SLACK
               for axis in (0, 1))


def test_the_box_checks_are_checks() -> None:
    assert overlap([0, 0, 10, 10], [5, 5, 10, 10]) == 5 and overlap([0, 0, 10, 10], [10, 0, 10, 10]) == 0
    assert overlap([0, 0, 10, 10], [30, 0, 10, 10]) < 0
    assert inside([1, 1, 5, 5], [0, 0, 10, 10]) and not inside([8, 1, 5, 5], [0, 0, 10, 10])


@pytest.mark.parametrize("name", [*[name for name, _ in CASES], *OTHERS])
def test_in_a_browser_no_label_overlaps_and_nothing_leaves_the_drawing(name: str, measured: dict[str, Any],
                                                                      summaries: dict[str, cnncalc.Summary]) -> None:
    case = measured[name]
    frame = [0.0, 0.0, *case["size"]]
    texts = case["texts"]
    if name in summaries:
        assert len(texts) >= 2 * len(summaries[name].layers)  # every layer's labels were drawn
    outside = [(label, bbox) for label, bbox, _ in texts if not inside(bbox, frame)]
    assert not outside, f"labels outside the {frame[2]}×{frame[3]} drawing: {outside[:5]}"
    assert all(inside(shape, frame) for shape in case["shapes"]), "a shape outside the drawing"
    axis = 0 if frame[2] > frame[3] else 1  # a sweep along the longer side: DenseNet-201's labels stay cheap
    ordered = sorted(texts, key=lambda item: item[1][axis])
    clashes = []
    for number, (label, bbox, _) in enumerate(ordered):
        for other, obox, _ in ordered[number + 1:]:
            if obox[axis] >= bbox[axis] + bbox[axis + 2] - SLACK:
                break
            if overlap(bbox, obox) > SLACK:
                clashes.append((label, other))
    assert not clashes, f"labels that overlap: {clashes[:5]}"


@pytest.mark.parametrize("name", GRAPHS)
def test_in_a_browser_every_label_sits_in_its_box_and_every_edge_joins_two(
        name: str, measured: dict[str, Any], summaries: dict[str, cnncalc.Summary]) -> None:
    case = measured[name]
    nodes = case["nodes"]
    assert len(nodes) == len(summaries[name].layers) + 1
    for label, bbox, group in case["texts"]:
        assert group in nodes and inside(bbox, nodes[group]), (label, bbox, group)
    assert case["edges"]
    for source, target, start, end in case["edges"]:
        x, y, width, height = nodes[source]
        assert x <= start[0] <= x + width and start[1] == pytest.approx(y + height, abs=SLACK), (source, target)
        x, y, width, _ = nodes[target]
        assert x <= end[0] <= x + width and end[1] == pytest.approx(y, abs=SLACK), (source, target)
    assert not [pair for pair in combinations(nodes.values(), 2) if overlap(*pair) > 0]


@pytest.mark.parametrize("name", [*CHAINS, "rf"])
def test_in_a_browser_no_label_of_a_chain_overlaps_a_volume(name: str, measured: dict[str, Any],
                                                            summaries: dict[str, cnncalc.Summary]) -> None:
    case = measured[name]
    volumes = case["volumes"]
    layers = len(summaries[name].layers) if name in summaries else len(RF[0].split(",")) - 1  # less the input
    assert len(volumes) == layers + 1
    assert not [pair for pair in combinations(volumes, 2) if overlap(*pair) > SLACK]
    assert not [(label, bbox) for label, bbox, _ in case["texts"] for volume in volumes if overlap(bbox, volume) > 0]


def test_a_screenshot_of_each_picture_is_as_it_was(summaries: dict[str, cnncalc.Summary], others: dict[str, str],
                                                   tmp_path: Path,
                                                   request: pytest.FixtureRequest) -> None:
    try:
        from PIL import Image, ImageChops
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("Pillow is missing in CI: install the test extra (.[test])")
        pytest.skip("Pillow (the test extra) compares the screenshot, and it is not installed")
    width, height = TILE
    columns = 3
    pictures = {**{name: s.to_svg() for name, s in summaries.items()}, **others}
    rows = -(-len(pictures) // columns)
    tiles = "".join(f'<div style="position:absolute;left:{width * (n % columns)}px;top:{height * (n // columns)}px;'
                    f'width:{width}px;height:{height}px;overflow:hidden">{svg}</div>'
                    for n, svg in enumerate(pictures.values()))  # each picture's top left
    page = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>body {{ margin: 0 }}</style></head>' \
           f'<body style="font-family: monospace">{tiles}</body></html>'
    shot = tmp_path / "shot.png"
    run(tmp_path, page, f"--screenshot={shot}", f"--window-size={width * columns},{height * rows}")
    screen = Image.open(shot).convert("RGB")
    assert screen.size == (width * columns, height * rows)
    update = bool(request.config.getoption("--update-golden"))
    changed: dict[str, str] = {}
    for n, name in enumerate(pictures):  # one golden screenshot per picture, cut from the one launch
        left, top = width * (n % columns), height * (n // columns)
        now = screen.crop((left, top, left + width, top + height))
        golden = PICTURES / f"{name}.png"
        if update:
            PICTURES.mkdir(exist_ok=True)
            now.save(golden)
        if not golden.exists():
            pytest.fail(f"golden file pictures/{name}.png is missing: write it with --update-golden, then look at it")
        then = Image.open(golden).convert("RGB")
        assert now.size == then.size, name
        difference = ImageChops.difference(now, then).convert("L").point(lambda value: 255 if value > 48 else 0)
        share = difference.histogram()[255] / (width * height)
        if share >= 0.01:
            changed[name] = f"{share:.2%}"
    assert not changed, f"pixels that differ from tests/golden/pictures/NAME.png (at most 1% each): {changed}"
    assert sorted(path.stem for path in PICTURES.glob("*.png")) == sorted(pictures)  # none left from a renamed case
