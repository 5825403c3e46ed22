"""What a summary loads: only the machinery its spec uses.

A spec without blocks loads no block machinery, one without a known network no nested-network code, and the
command line never loads the Python API; the layer families a spec does not use stay unloaded. Each command runs
in a fresh process, which then lists the modules it loaded. A second spec that uses each of them shows the probe
sees them when they are loaded. The speed itself is measured by benchmarks/bench_summary.py, not here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from cnncalc.language.spec.words import _WORD, WORDS
from cnncalc.model.records import COMPILE_AFTER, record

from .conftest import ROOT

#: the example of `cnncalc --help`'s own kind: 9 layers' worth of the common words, nothing else
PLAIN = "input 28x28x1, conv32x3x3 s1 valid, pool2, flatten, dense10"
#: the machinery a plain summary must not load
UNUSED = {
    "cnncalc.cli.api",  # the Python API: never loaded by the command line
    "cnncalc.language.spec.blocks", "cnncalc.language.spec.braces", "cnncalc.language.spec.filling",
    "cnncalc.language.spec.uses",  # blocks: only for a spec with a 'def'
    "cnncalc.graph.nested", "cnncalc.model.layers.nested", "cnncalc.zoo.names",  # a known network as one item
    "cnncalc.graph.held",  # tensors PyTorch holds features-last, under an nchw input
    "cnncalc.model.layers.scaling", "cnncalc.model.layers.channels", "cnncalc.model.layers.preprocessing",
    "cnncalc.model.layers.normalization", "cnncalc.model.layers.transposed", "cnncalc.model.layers.convolution1d",
    "cnncalc.model.layers.global_pooling",
    "cnncalc.analysis.costs",  # the memory column and torchinfo's footer, asked for by -v or --columns
    "numpy", "sympy",
}
#: a spec (and its --input) that uses each piece of it but the API, the 1-D layers, NumPy and SymPy
USES = ("def unit(c) = (conv{c}x3 p1, relu), unit(8), bn, droppath0.1, layerscale, slice:4, shuffle2, rescaling, "
        "deconv4x3, add(id | conv4x1), resnet18 notop", "3x32x32 nchw")
PROBE = ("import sys, runpy\nsys.argv = ['cnncalc', *sys.argv[1:]]\n"
         "try:\n  runpy.run_module('cnncalc', run_name='__main__')\nexcept SystemExit: pass\n"
         "sys.stderr.write('\\nLOADED ' + ' '.join(sorted(sys.modules)))")


def loaded(*args: str) -> set[str]:
    """The modules a fresh ``cnncalc ARGS`` process has loaded when it ends."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout, done.stderr
    return set(done.stderr.rpartition("\nLOADED ")[2].split())


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_plain_summary_loads_none_of_the_machinery_it_does_not_use(fmt: str) -> None:
    modules = loaded("summary", PLAIN, "--format", fmt)
    assert "cnncalc.graph.walk" in modules  # the probe sees cnncalc's own modules
    assert not modules & UNUSED, sorted(modules & UNUSED)


def test_a_spec_that_uses_the_machinery_loads_it() -> None:
    modules = loaded("summary", USES[0], "--input", USES[1])
    wanted = UNUSED - {"cnncalc.cli.api", "cnncalc.model.layers.convolution1d", "cnncalc.analysis.costs", "numpy",
                       "sympy"}
    assert wanted <= modules, sorted(wanted - modules)
    assert "conv1d" not in USES[0] and "cnncalc.model.layers.convolution1d" in loaded("summary", "input 8x4, conv1d2x3")


def test_the_layer_word_is_found_as_the_grammar_s_regex_finds_it() -> None:
    # the grammar as one regex, longest words first (docs/spec-language.md): the word and its glued numbers
    words = sorted([*WORDS, "input"], key=len, reverse=True)
    grammar = re.compile("(" + "|".join(words) + r")([\d.][\d.xX×*·]*|-?\d*:-?\d*)?\Z")
    tails = ["", "1", "32x3", "1d", "1d32x3", "3d2", "6", "66", ":58", "-8:", "10:20", "0.5", "x", "1dx", "٣",
             "2*2", "t32x3", "·", "3x", "abc", "1d:"]
    texts = {word[:cut] + tail for word in words for cut in range(len(word) + 1) for tail in tails}
    for text in texts | {"", "x", "input"}:
        expected = grammar.match(text)
        assert _WORD.match(text) == (None if expected is None else (text, expected[1], expected[2])), text


def test_a_record_is_the_same_before_and_after_its_init_is_compiled() -> None:
    @record
    class Point:
        x: int
        y: int = 0
        label: str = "p"

    calls = [((1,), {}), ((1, 2), {}), ((1,), {"label": "q"}), ((), {"y": 3, "x": 4}), ((1, 2, "r"), {})]
    early = [Point(*args, **kwargs) for args, kwargs in calls]
    while len(early) <= COMPILE_AFTER:  # past the generic __init__'s share
        early.append(Point(0))
    late = [Point(*args, **kwargs) for args, kwargs in calls]
    assert [vars(point) for point in late] == [vars(point) for point in early[:len(calls)]] == [
        {"x": 1, "y": 0, "label": "p"}, {"x": 1, "y": 2, "label": "p"}, {"x": 1, "y": 0, "label": "q"},
        {"x": 4, "y": 3, "label": "p"}, {"x": 1, "y": 2, "label": "r"}]
    assert [list(vars(point)) for point in late] == [["x", "y", "label"]] * len(calls)


@pytest.mark.parametrize(("args", "kwargs"), [((), {}), ((1, 2, 3, 4), {}), ((1,), {"x": 2}), ((1,), {"z": 2}),
                                              ((), {"y": 2})])
def test_a_record_refuses_a_call_that_does_not_bind_as_python_does(args: tuple[int, ...],
                                                                   kwargs: dict[str, int]) -> None:
    @record
    class Point:
        x: int
        y: int = 0
        label: str = "p"

    def init(self: object, x: int, y: int = 0, label: str = "p") -> None:  # the signature, by hand
        pass

    with pytest.raises(TypeError) as python:
        init(None, *args, **kwargs)
    with pytest.raises(TypeError) as refused:
        Point(*args, **kwargs)  # the first record of its class: the generic __init__'s
    assert str(refused.value).partition("()")[2] == str(python.value).partition("()")[2]
