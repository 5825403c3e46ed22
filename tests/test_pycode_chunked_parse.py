"""A long model file is parsed a hundred lines at a time: the tree, and the error of a file that is not Python, must
be exactly what Python's parser gives for the whole file. The expected value of every case is Python's own
``ast.parse`` of the whole text, compared with its line numbers and columns."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.readers.code import files

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


def _outcome(parse: object, text: str) -> tuple[str, object]:
    try:
        return "tree", _dump(parse(text, "model.py"))  # type: ignore[operator]
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
    assert _dump(tree) == _dump(real(text))
    assert tree.body[-1].lineno == 2_504


def test_a_syntax_error_late_in_a_long_file_is_python_s_own(small_chunks: None) -> None:
    text = "a = 1\n" * 20 + "b = (\n" + "c = 2\n" * 20
    assert _outcome(files._parsed, text) == _outcome(ast.parse, text)
    assert _outcome(files._parsed, text)[0] == "error"
