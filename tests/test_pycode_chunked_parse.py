"""A long model file is parsed a hundred lines at a time: the tree, and the error of a file that is not Python, must
be exactly what Python's parser gives for the whole file, each node's line as the reader finds it (each part is
numbered from its own first line). The expected value of every case is Python's own ``ast.parse`` of the whole text,
compared with its line numbers and columns."""

from __future__ import annotations

import ast
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.readers.code import files
from cnncalc.readers.code.records import Lines

#: Lines as model files hold them, and the ones where a chunk could begin inside a statement: a line at column 0
#: inside brackets, inside a triple-quoted string, after a backslash, a decorator, else:, a form feed or a \x85 in
#: a comment (str.splitlines() would end a line there, Python does not).
PIECES = [
    "y = layers.Conv2D(8, 3, padding='same')(y)\n",
    "model = keras.Sequential([\n",
    "layers.Dense(10),\n",
    "])\n",
    'doc = """\n',
    "text inside a string\n",
    '"""\n',
    "x = 1 + \\\n",
    "y\n",
    "@decorator\n",
    "def f(x):\n",
    "    return x\n",
    "if width > 2:\n",
    "    width = 2\n",
    "else:\n",
    "    width = 3\n",
    "try:\n",
    "    import torch\n",
    "except ImportError:\n",
    "    torch = None\n",
    "# a comment\x85more = 1\n",
    "\x0cz = 3\n",
    "\n",
    "    indented = 1\n",
    "class Net:\n",
    "    pass\n",
    "w = (1,\n",
    "2)\n",
]


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


def _in_the_file(tree: ast.Module, text: str) -> ast.Module:
    """The tree with each node's lines as the reader shows them: its part's numbers shifted to the file's by
    Lines.line, which finds the part of each node by itself (the way an error finds it)."""
    lines = Lines(text)
    lines.chunks = getattr(tree, "cnncalc_chunks", [])
    nodes = [node for node in ast.walk(tree) if "lineno" in node._attributes and hasattr(node, "lineno")]
    shifts = [lines.line(node) - node.lineno for node in nodes]
    for node, shift in zip(nodes, shifts):
        node.lineno += shift
        if getattr(node, "end_lineno", None) is not None:
            node.end_lineno += shift
    return tree


def _outcome(parse: object, text: str) -> tuple[str, object]:
    try:
        return "tree", _dump(_in_the_file(parse(text, "model.py"), text))  # type: ignore[operator]
    except SyntaxError as error:
        return "error", (error.msg, error.lineno, error.offset, error.end_lineno, error.end_offset)


@pytest.fixture()
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of three lines from a file of five, so that a short text crosses many chunk boundaries."""
    monkeypatch.setattr(files, "_CHUNK_LINES", 3)
    monkeypatch.setattr(files, "_CHUNKED_FROM", 5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=5, max_size=40))
def test_chunks_give_python_s_own_tree_or_error(pieces: list[str]) -> None:
    text = "".join(pieces)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "_CHUNK_LINES", 3)
        patch.setattr(files, "_CHUNKED_FROM", 5)
        assert _outcome(files._parsed, text) == _outcome(ast.parse, text)


def test_a_long_file_of_layers_is_parsed_in_chunks_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "import keras\nx = keras.Input(shape=(8, 8, 3))\ny = x\n" + \
        "y = keras.layers.ReLU()(y)\n" * 2_500 + "model = keras.Model(x, y)\n"
    calls = []
    real = ast.parse
    monkeypatch.setattr(files.ast, "parse", lambda source, **kw: calls.append(source) or real(source, **kw))
    tree = files._parsed(text, "model.py")
    assert len(calls) > 20  # parsed in chunks, not whole
    assert max(node.lineno for node in ast.walk(tree) if hasattr(node, "lineno")) <= 200  # numbered by part
    assert _dump(_in_the_file(tree, text)) == _dump(real(text))
    assert tree.body[-1].lineno == 2_504


def test_a_syntax_error_late_in_a_long_file_is_python_s_own(small_chunks: None) -> None:
    text = "a = 1\n" * 20 + "b = (\n" + "c = 2\n" * 20
    assert _outcome(files._parsed, text) == _outcome(ast.parse, text)
    assert _outcome(files._parsed, text)[0] == "error"


PAD = "".join(f"pad_{i} = {i}\n" for i in range(1_200))  # past the length from which a file is parsed in parts
TORCH = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
#: (model code, --input): each refused, or noted, at lines far into a long file, in a function defined early and
#: called late, a lambda, a dataclass's __init__, a decorated class, a run-dependent block, a layer made but unused
LATE = [
    (TORCH + PAD + "def make(c):\n    return nn.Conv2d(3, c, 3, padding='abc')\n" + PAD +
     "model = nn.Sequential(make(4))\n", "3x8x8"),
    (TORCH + PAD + "act = lambda x: x.undefined_method()\n" + PAD +
     "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = nn.Conv2d(3, 4, 3)\n"
     "    def forward(self, x):\n        return act(self.c(x))\n" + PAD + "model = Net()\n", "3x8x8"),
    (TORCH + "from dataclasses import dataclass\n" + PAD + "@dataclass\nclass Cfg:\n    c: int = 'x'\n" + PAD +
     "cfg = Cfg()\nmodel = nn.Sequential(nn.Conv2d(3, cfg.c, 3))\n", "3x8x8"),
    (TORCH + PAD + "import random\nif random.random() > 0.5:\n    width = 8\nelse:\n    width = 4\n" + PAD +
     "model = nn.Sequential(nn.Conv2d(3, width, 3))\n", "3x8x8"),
    (TORCH + PAD + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        self.c = nn.Conv2d(3, 4, 3)\n" + PAD.replace("pad_", "        self.p_").replace(" = ", " = ") +
     "        self.unused = nn.Linear(5, 5)\n    def forward(self, x):\n        return self.c(x)\n" + PAD +
     "model = Net()\n", "3x8x8"),
    (TORCH + PAD + "model = nn.Sequential(\n" + "".join("    nn.ReLU(),\n" for _ in range(50)) +
     "    nn.Linear(7, 2),\n)\n" + PAD, "3x8x8"),
]


@pytest.mark.parametrize(("code", "shape"), LATE, ids=["function", "lambda", "dataclass", "run-dependent", "unused",
                                                        "sequential"])
def test_a_long_files_errors_and_notes_name_the_lines_a_short_reading_names(
        tmp_path: pytest.TempPathFactory, code: str, shape: str) -> None:
    from click.testing import CliRunner

    from cnncalc.cli import main

    path = tmp_path / "net.py"  # type: ignore[operator]
    path.write_text(code, encoding="utf-8")

    def shown() -> str:
        result = CliRunner().invoke(main, ["summary", str(path), "--input", shape])
        return result.output

    parts = shown()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "_CHUNKED_FROM", 10**9)  # the whole file at once, numbered as the file is
        whole = shown()
    assert parts == whole
    assert re.search(r"net\.py:1[2-9]\d\d:|net\.py:2\d\d\d:|line 2\d\d\d", parts), parts  # lines past the first part
