"""The code ``summary --format keras|pytorch`` writes holds no user text except as a quoted literal or an escaped
docstring, and every file it writes parses.

Hostile specs (payloads in comments, in ``as NAME``s, in layer words, every character that ends a line somewhere,
quotes, triple quotes, backslashes, NUL, braces, ``%``) are built; the spec reader refuses some of them, and the
rest are written as both Keras and PyTorch code (and as PyTorch code of the spec read with an nchw input), parsed,
and run against stub ``keras`` and ``torch`` modules (any attribute, any call).  Each payload tries to create a
marker file; it must never exist.  A static audit holds every f-string placeholder of the code writers
(cnncalc/views/codegen/) to the quoting helpers.  The definition of a line is held against Python's own
``str.splitlines()`` and, for model code, against the line numbers Python's parser gives.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError, SpecError
from cnncalc.graph.network import build
from cnncalc.language.sources import OTHER_LINE_BREAKS, lines, python_lines
from cnncalc.model.layers import ACTIVATIONS
from cnncalc.views.codegen import Names, docstring, is_name, keras_code, literal, pytorch_code, spec_line
from cnncalc.views.codegen.helpers import KERAS_HELPERS, TORCH_HELPERS

from .conftest import ROOT

EXAMPLES = int(os.environ.get("CNNCALC_EMITTED_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
MARKER = "pwned"  # created in the working directory by every payload, if one ever runs

# ---- payloads: each tries, in its own way, to leave the docstring, a string, a comment or a format string ----

_RUN = f"(open({MARKER!r}, 'w').close() or '')"  # a str, so a concatenation goes on
PAYLOADS = [
    f'"""+{_RUN}+"""', f'"""\n{_RUN}\n"""', f"'''+{_RUN}+'''", f'"+{_RUN}+"', f"'+{_RUN}+'",
    f'\\"""+{_RUN}#', f"\\\n{_RUN}", f"\r{_RUN}", f"\r\n{_RUN}", f"\n{_RUN}\n", f"{{{_RUN}}}", "{0.__class__}",
    f"%s%(x)s%%{_RUN}", '"""\\', f"\x00{_RUN}", f'\u202e"""+{_RUN}+"""', f'\udc80"""+{_RUN}+"""',
    *(f'{brk}"""+{_RUN}+"""' for brk in OTHER_LINE_BREAKS), *(f"{brk}{_RUN}" for brk in OTHER_LINE_BREAKS),
]
#: Single characters that end lines, strings or comments somewhere, and characters formatting reads.
SPECIALS = ["\n", *OTHER_LINE_BREAKS, '"', "'", '"""', "\\", "\x00", "{", "}", "%", "#", "\t", "\u202e", "\udc80"]
#: Names the reader accepts after 'as' that are dangerous as Python names: keywords, the code's own names.
VALID_NAMES = [k for k in keyword.kwlist if k.islower()] + [
    "__debug__", "__import__", "keras", "layers", "inputs", "model", "torch", "nn", "self", "x", "x1", "super",
    "exec", "open", "conv2d", "conv2d_1", "input_layer", "_"]

_BREAKS = ("\n", *OTHER_LINE_BREAKS)


def _text(breaks: bool) -> st.SearchStrategy[str]:
    """Payloads, special characters and random text glued together; with ``breaks``, line breaks of every kind."""
    def keep(piece: str) -> bool:
        return breaks or not any(c in piece for c in _BREAKS)

    pieces = st.sampled_from([p for p in PAYLOADS if keep(p)]) | st.sampled_from([c for c in SPECIALS if keep(c)]) \
        | st.text(st.characters(blacklist_characters=[] if breaks else list(_BREAKS)), max_size=4)
    return st.lists(pieces, min_size=1, max_size=5).map("".join)


inline_text, hostile_text = _text(breaks=False), _text(breaks=True)


@st.composite
def hostile_specs(draw: st.DrawFn) -> tuple[str, bool]:
    """A spec both frameworks can write, with hostile text in its comments, names and words; and whether the
    reader must accept it (comments free of line breaks, names of the grammar, no hostile layer words).  Two
    draws in three put no line break in a comment and no bad name or word, so most examples write and run code."""
    must_read, breaking = True, draw(st.integers(0, 2)) == 0
    items = ["input 8x8x4"]
    for _ in range(draw(st.integers(1, 6))):
        items.append(draw(st.sampled_from(
            ["conv4x3 same", "conv4x3 same relu", "conv4x1", "batchnorm", "relu", "dropout0.25", "leakyrelu0.1",
             "conv4x3 same leakyrelu", "conv4x3 same hardswish",
             "conv4x3 same hardsigmoid", "conv4x3 same, droppath0.1, layerscale", "zeropad1, conv4x3",
             "add(id | conv4x3 same)",
             "cat(id | conv2x1) , conv4x1"])))
        if draw(st.integers(0, 3)) == 0:  # a named tensor, used again by a merge
            name = draw(hostile_text) if breaking and draw(st.booleans()) else draw(st.sampled_from(VALID_NAMES))
            must_read &= name in VALID_NAMES
            items[-1] += f" as {name}, relu, add(@{name} | id)"
            break  # one name: a second would be a clash the reader refuses, rightly
    items += ["flatten", "dense3"]
    text = ""
    for item in items:
        where = draw(st.sampled_from(["plain", "comment", "comment", "line", "line", "word"]))
        if where == "plain":
            text += f"{item},\n"
        elif where == "word" and breaking and draw(st.booleans()):  # hostile text as a layer of its own: refused
            text += f"{item}, {draw(hostile_text)},\n"
            must_read = False
        else:
            payload = draw(hostile_text) if breaking and draw(st.booleans()) else draw(inline_text)
            text += f"{item} # {payload}\n" if where == "comment" else f"# {payload}\n{item}\n"
            must_read &= not any(c in payload for c in _BREAKS)
    return text, must_read


# ---- stub frameworks: every attribute exists, every call succeeds, nothing is computed ----

class Anything:
    """A stand-in for any framework object: a class to subclass, a callable, a tensor to add."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Anything:
        return Anything()

    def __getattr__(self, name: str) -> Anything:
        return Anything()

    def __add__(self, other: Any) -> Anything:
        return Anything()

    __mul__ = __sub__ = __radd__ = __add__


def stub_module(name: str) -> types.ModuleType:
    """A module whose every public attribute is a stand-in (``layers`` and ``nn`` are modules of their own)."""
    stub = types.ModuleType(name)

    def attribute(wanted: str) -> Any:
        if wanted.startswith("__"):
            raise AttributeError(wanted)  # __file__, __path__…: what importers and tools ask modules
        if wanted in ("layers", "nn"):
            return stub_module(f"{name}.{wanted}")
        return Anything if wanted in ("Module", "Sequential", "Model", "Layer") else Anything()

    stub.__getattr__ = attribute  # type: ignore[method-assign]
    return stub


def run_with_stubs(code: str) -> None:
    """Run written code in a fresh namespace against stub keras and torch; call a PyTorch model's forward()."""
    namespace: dict[str, Any] = {"__name__": "written_by_cnncalc", "__builtins__": builtins}
    with mock.patch.dict(sys.modules, {"keras": stub_module("keras"), "torch": stub_module("torch")}):
        exec(compile(code, "<written by cnncalc>", "exec"), namespace)  # the point: hostile specs, written, run
        if "Net" in namespace:
            namespace["model"].forward(Anything())


# ---- what the written code may hold ----

#: Every string the code itself may hold, besides its docstring: the framework arguments cnncalc writes.
KNOWN_STRINGS = {"same", "valid", "reflect", "replicate", "circular", *ACTIVATIONS, "leaky_relu", "hard_swish",
                 "hard_sigmoid", "rate", "init_values",
                 *(ast.get_docstring(ast.parse(code).body[0], clean=False)  # the layers the code defines itself
                   for code in [*KERAS_HELPERS.values(), *TORCH_HELPERS.values()])}


def check_structure(code: str, net: Any) -> None:
    """The file parses; its docstring reads back as the spec; its only other strings are cnncalc's own words;
    every name it reads is one it binds (no __import__, open or exec reaches it)."""
    tree = ast.parse(code)
    assert ast.get_docstring(tree, clean=False).split("\n")[2] == f"    {spec_line(net)}"
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
               and isinstance(node.value, str)} - {ast.get_docstring(tree, clean=False)}
    assert strings <= KNOWN_STRINGS, code
    bound = {"super"}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            bound |= {node.name, *(a.arg for a in [*node.args.args, *filter(None, [node.args.kwarg])])} \
                if isinstance(node, ast.FunctionDef) \
                else {node.name}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    assert read <= bound, (read - bound, code)


@SETTINGS
@given(spec=hostile_specs())
def test_hostile_specs_write_inert_code(spec: tuple[str, bool], tmp_path_factory: pytest.TempPathFactory,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    text, must_read = spec
    monkeypatch.chdir(tmp_path_factory.mktemp("emitted"))
    try:
        net = build(text)
    except CnnCalcError:
        assert not must_read, f"a valid spec was refused: {text!r}"
        event("refused by the reader")
        return
    event("written and run")
    # and the spec read the PyTorch way, its input given channels-first (--input "4x8x8 nchw")
    for write, read in ((keras_code, net), (pytorch_code, net), (pytorch_code, build(text, "4x8x8 nchw"))):
        code = write(read)
        check_structure(code, read)
        run_with_stubs(code)
        assert not Path(MARKER).exists(), f"{write.__name__} ran a payload of {text!r}:\n{code}"


def test_the_stubs_would_see_a_payload_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the check can fail: code that breaks out of its docstring, run as above, makes the marker
    monkeypatch.chdir(tmp_path)
    run_with_stubs(f'"""Written by cnncalc:\n\n    relu, """+{_RUN}+"""\n"""\nimport torch\n')
    assert Path(MARKER).exists()


#: The helpers through which codegen writes anything it read (codegen/quoting.py's docstring names them), and the
#: Keras writer's activation argument, which writes its name through literal().
HELPERS = {"number", "literal", "escaped", "numbers", "number_tuple", "slice_code", "_activation", "spec_line"}
#: Calls whose f-strings are messages to the user, not code.
MESSAGES = {"unsupported", "CnnCalcError", "TypeError", "ValueError"}
#: Every module that writes code: the package of the code writers, each of its files.
WRITERS = sorted((ROOT / "cnncalc" / "views" / "codegen").glob("*.py"))


def _raw_reads(node: ast.AST) -> list[str]:
    """Attributes an expression reads outside a helper's arguments and outside a condition."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in HELPERS:
        return []
    if isinstance(node, ast.IfExp):
        return _raw_reads(node.body) + _raw_reads(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):  # a method: ", ".join(options)
        return [read for part in (node.func.value, *node.args) for read in _raw_reads(part)]
    if isinstance(node, ast.Subscript) and getattr(node.value, "id", "").lstrip("_").isupper():
        return []  # a table of cnncalc's own code, such as _MERGE_CODE[word]
    if isinstance(node, ast.Attribute) and node.attr != "keras_class":  # a class constant of cnncalc's own
        return [ast.unparse(node)]
    return [read for child in ast.iter_child_nodes(node) for read in _raw_reads(child)]


def test_codegen_formats_nothing_it_read_except_through_the_helpers() -> None:
    # the audit of every f-string of the code writers, kept: a placeholder such as {layer.name} or {r.padding} in code
    assert {path.name for path in WRITERS} >= {"quoting.py", "keras_layers.py", "pytorch_modules.py"}
    raw = []
    for path in WRITERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        messages = {id(inner) for call in ast.walk(tree) if isinstance(call, ast.Call)
                    and getattr(call.func, "id", None) in MESSAGES for inner in ast.walk(call)}
        raw += [(path.name, value.lineno, read) for value in ast.walk(tree) if isinstance(value, ast.FormattedValue)
                and id(value) not in messages for read in _raw_reads(value.value)]
    assert raw == []


# ---- the issue's example, through the command line, as the project's hook runs it ----

ISSUE_SPEC = 'input 8x8x4, relu # \u2028"""+__import__("os").system("touch pwned")+"""\n'


@pytest.mark.parametrize("fmt", ["keras", "pytorch"])
def test_a_line_separator_in_a_comment_is_refused_not_written(fmt: str, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "cnncalc", "summary", "-", "--format", fmt],
                            input=ISSUE_SPEC.encode(), capture_output=True, cwd=tmp_path, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (2, b""), stderr
    assert "U+2028 LINE SEPARATOR" in stderr
    caret = stderr.splitlines()[2]
    assert caret.index("^") == stderr.splitlines()[1].index("\N{SYMBOL FOR NEWLINE}")
    assert not (tmp_path / MARKER).exists()


def test_the_hook_pipeline_passes(tmp_path: Path) -> None:
    command = (f"printf 'input 8x8x4, relu # \\xe2\\x80\\xa8 \"\"\"\\n' | {sys.executable} -m cnncalc summary - "
               f"--format pytorch | {sys.executable} -c 'import ast,sys; ast.parse(sys.stdin.read())'")
    result = subprocess.run(["bash", "-c", command], capture_output=True, cwd=tmp_path, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 0, result.stderr.decode()


def test_the_same_payload_on_its_own_line_stays_a_comment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the comment runs to the newline in the reader and in the writer: the payload is never written at all
    monkeypatch.chdir(tmp_path)
    net = build(ISSUE_SPEC.replace("\u2028", " "))
    assert [layer.keras_class for layer in net.layers] == ["Activation"]
    for write in (keras_code, pytorch_code):
        code = write(net)
        assert "__import__" not in code and "relu #" not in code
        run_with_stubs(code)
    assert not (tmp_path / MARKER).exists()


_NAMES = ['"""+' + _RUN + '+"""', "\u2028\r" + _RUN, "{0}%s\\", "x\n" + _RUN, '"""']
HOSTILE_MODEL = "\n".join([
    '"""A model whose names and comments try to get into the code written from it."""', "import keras",
    "from keras import layers", f'# a comment \u2028"""+{_RUN}+"""\x0c{_RUN}\x85',
    f"inputs = keras.Input(shape=(8, 8, 4), name={_NAMES[0]!r})",
    f'y = layers.Conv2D(4, 3, padding="same", name={_NAMES[1]!r})(inputs)  # \u2029{_RUN}',
    f"y = layers.Add(name={_NAMES[2]!r})([y, inputs])", "y = layers.Flatten()(y)",
    f"model = keras.Model(inputs, layers.Dense(3, name={_NAMES[3]!r})(y), name={_NAMES[4]!r})", ""])


@pytest.mark.parametrize("fmt", ["keras", "pytorch"])
def test_model_code_with_hostile_names_and_file_name(fmt: str, tmp_path: Path) -> None:
    # the model file is read, never run; its names, comments and its own file name never reach the code written
    path = tmp_path / 'm"""\u2028{x}.py'
    path.write_text(HOSTILE_MODEL, encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", str(path), "--format", fmt], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    code = result.output
    tree = ast.parse(code)
    assert not any(piece in code for piece in ("pwned", "{0}", "%s", "{x}")), code  # not even escaped
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        run_with_stubs(code)
    finally:
        os.chdir(cwd)
    assert not (tmp_path / MARKER).exists()
    assert "os" not in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


# ---- one definition of a line ----

def test_the_other_line_breaks_are_every_break_python_knows_but_newline() -> None:
    # Python's own str.splitlines() is the outside authority: every code point, one call
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    ends = {piece[-1] for piece in everything.splitlines(keepends=True)[:-1]}
    assert ends == {"\n", *OTHER_LINE_BREAKS}


@pytest.mark.parametrize("char", list(OTHER_LINE_BREAKS))
@pytest.mark.parametrize("template", ["input 8x8x1, relu # a{}b", "input 8x8x1,{}relu", "input 8x8x1\n# a{}b\nrelu",
                                      "input RxCx3, conv8x3 # a{}b"])
def test_every_other_line_break_is_refused_at_its_place(char: str, template: str) -> None:
    text = template.format(char)
    with pytest.raises(SpecError) as caught:
        build(text)
    assert caught.value.span == (text.index(char), text.index(char) + 1)
    assert f"U+{ord(char):04X}" in caught.value.message


def test_a_windows_line_end_is_one_newline() -> None:
    net = build("input 8x8x1\r\nrelu # a comment\r\n\r\nconv2x3 # \"\"\"\r\n")
    assert [layer.keras_class for layer in net.layers] == ["Activation", "Conv2D"]
    assert lines("a\r\nb\n") == ["a", "b", ""]
    assert spec_line(net) == "input 8x8x1, relu, conv2x3"


_IN_A_COMMENT = ["a", " ", '"', *(c for c in OTHER_LINE_BREAKS if c != "\r")]  # "\r" ends a Python line


@given(junk=st.lists(st.text(st.sampled_from(_IN_A_COMMENT), max_size=4), min_size=1, max_size=6),
       ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=6, max_size=6))
def test_model_code_lines_are_the_lines_python_numbers(junk: list[str], ends: list[str]) -> None:
    # Python's own parser is the authority: each statement's lineno indexes python_lines() to that statement
    source = "".join(f"v{i} = {i}  # {text}{end}" for i, (text, end) in enumerate(zip(junk, ends)))
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign)
        assert python_lines(source)[node.lineno - 1].startswith(f"{node.targets[0].id} = ")  # type: ignore[attr-defined]


def test_a_model_code_error_shows_the_line_python_means(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text("import keras\n# a note \u2028 and more\nfrom keras import layers\n"
                    "model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Bogus(3)])\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", str(path)])
    assert result.exit_code == 2
    assert "  4 | model = keras.Sequential(" in result.output


# ---- the helpers that keep the promise ----

every_character = st.text(st.characters(blacklist_categories=()), max_size=30)


@given(text=every_character)
def test_a_literal_reads_back_as_its_text(text: str) -> None:
    written = literal(text)
    assert written.isprintable() and "\n" not in written
    assert ast.literal_eval(written) == text


@given(paragraph=st.lists(every_character, min_size=1, max_size=4))
def test_a_docstring_is_one_string_of_its_lines(paragraph: list[str]) -> None:
    written = docstring(*paragraph)
    tree = ast.parse("\n".join([*written, "x = 1"]))
    assert len(tree.body) == 2
    assert ast.get_docstring(tree, clean=False) == "\n".join([*paragraph, ""])
    assert all(line.isprintable() for line in written)


@given(wanted=st.lists(st.sampled_from(VALID_NAMES) | every_character, max_size=8))
def test_names_are_plain_distinct_python_names(wanted: list[str]) -> None:
    names = Names("keras", "layers", "inputs", "model")
    taken = [names.take(name) for name in wanted]
    assert len(set(taken)) == len(taken)
    assert not {"keras", "layers", "inputs", "model"} & set(taken)
    for name in taken:
        assert is_name(name)
        compile(f"{name} = 1", "<name>", "exec")  # Python itself agrees it can be assigned
