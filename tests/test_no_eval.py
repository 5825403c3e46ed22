"""No text a user supplies is ever evaluated (issue 21).

Sizes, counts and answers written with names are read by cnncalc's own grammar (cnncalc/language/expression.py), which
builds sympy objects itself; model code is read with ``ast`` and never run.  These tests hold that line: the
package calls none of Python's or its libraries' evaluators, sympy never parses a string while cnncalc grades,
and the payload that ran code through sympy's ``parse_expr`` (it did, before: it created the marker file) is now
a clean error that runs nothing, whichever way it arrives.
"""

from __future__ import annotations

import ast
import binascii
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

from .conftest import ROOT

#: Calls that evaluate text or bytes as code, by the name they are called with.
EVALUATORS = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "lambdify", "unsafe_load",
              "import_module", "S"}
#: Modules whose loaders run code from data: any load from them is refused.
UNSAFE_LOADERS = {"pickle": {"load", "loads", "Unpickler"}, "marshal": {"load", "loads"}, "yaml": {"load"},
                  "dill": {"load", "loads"}, "shelve": {"open"}, "cloudpickle": {"load", "loads"}}
#: The one exception, and why it is safe: records.py compiles each record class's __init__ from the names of its
#: own annotated fields (source written in this package), once per class, as dataclasses does; no user text
#: reaches it.
ALLOWED = {
    ("model/records.py", "_compile_init", "exec"),  # the record compiler: it sees field names, never user text
    # a module named in a table in the source, in the one place cnncalc imports by a computed name
    ("lazy.py", "<module>", "importlib.import_module"), ("lazy.py", "attribute", "import_module"),
}


def _calls(path: Path) -> list[tuple[str, str, str, int]]:
    """(file, enclosing function, what it calls, line) of every evaluator call or import in one module."""
    found: list[tuple[str, str, str, int]] = []
    package = ROOT / "cnncalc"
    where = path.relative_to(package).as_posix() if path.is_relative_to(package) else path.name

    def visit(node: ast.AST, owner: str) -> None:
        name = _evaluator(node)
        if name:
            found.append((where, owner, name, getattr(node, "lineno", 0)))
        inner = node.name if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else owner
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


def _evaluator(node: ast.AST) -> str | None:  # noqa: PLR0911 - one return per kind of call
    """The evaluator a node calls or imports, if any."""
    if isinstance(node, ast.ImportFrom) and node.module:
        root = node.module.split(".")[0]
        unsafe = UNSAFE_LOADERS.get(root, set()) | (EVALUATORS - {"S"})
        names = [alias.name for alias in node.names]
        hit = next((n for n in names if n in unsafe), None)
        return f"{node.module}.{hit}" if hit else ("sympy.parsing" if node.module.startswith("sympy.parsing")
                                                    else None)
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if called in ("__import__", "import_module") and node.args and \
            all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args):
        return None  # importing a module named in the source ('numpy'), not one a user names
    if isinstance(func, ast.Name) and func.id in EVALUATORS:
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        if func.attr in UNSAFE_LOADERS.get(owner, set()) or (owner == "builtins" and func.attr in EVALUATORS):
            return f"{owner}.{func.attr}"
        if func.attr in EVALUATORS - {"compile", "eval"}:  # re.compile and an interpreter's own .eval are not
            return func.attr
        if func.attr == "load" and owner in ("np", "numpy", "torch") and not any(
                k.arg == "allow_pickle" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in node.keywords):
            return f"{owner}.load without allow_pickle=False"
    return None


def test_the_package_calls_no_evaluator() -> None:
    found = [call for path in sorted((ROOT / "cnncalc").rglob("*.py")) for call in _calls(path)]
    unexpected = [call for call in found if call[:3] not in ALLOWED]
    assert not unexpected, f"evaluators called on what may be user text: {unexpected}"
    assert {call[:3] for call in found} == ALLOWED, "the allowed exception is gone: remove it from ALLOWED"


@pytest.mark.parametrize("source", [
    "eval(text)", "exec(text)", "compile(text, 'x', 'exec')", "__import__(name)", "sympy.sympify(text)",
    "from sympy.parsing.sympy_parser import parse_expr", "pickle.loads(data)", "yaml.load(stream)",
    "marshal.loads(data)", "np.load(f)", "np.load(f, allow_pickle=True)", "builtins.eval(text)",
    "from pickle import loads", "sympy.S(text)", "importlib.import_module(name)",
])
def test_the_scan_finds_each_evaluator(source: str, tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(f"def f(text, name, data, stream, f):\n    {source}\n", encoding="utf-8")
    assert _calls(module), source


@pytest.mark.parametrize("source", ["re.compile(text)", "self.eval(node, env)", "json.loads(text)",
                                    "__import__('numpy').pad(f)", "importlib.import_module('numpy')",
                                    "np.load(f, allow_pickle=False)", "tomllib.loads(text)"])
def test_the_scan_passes_what_evaluates_nothing(source: str, tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(f"def f(text, node, env, f, self):\n    {source}\n", encoding="utf-8")
    assert not _calls(module), source


SPEC = "input RxCx3, conv5x3, conv7x3, flatten, dense10"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "120"})
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.output


def test_sympy_parses_no_text_while_cnncalc_grades(monkeypatch: pytest.MonkeyPatch) -> None:
    import sympy
    from sympy.parsing import sympy_parser

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("sympy was asked to parse text")

    monkeypatch.setattr(sympy_parser, "parse_expr", refuse)
    with pytest.raises(AssertionError, match="parse text"):  # the patch is where sympify reads strings
        sympy.sympify("R + 1")
    # by hand: (R−4)(C−4)·7·10 = 70RC − 280R − 280C + 1120 weights; 140 + 322 = 462; ⌊R⌋ = R for a whole R;
    # 7RC is not 7(R−4)(C−4), and 2⌊(R−8)/2⌋ + 4 is R − 4 only for even R
    answers = ["2.output=R−4 × C−4 × 7", "3.output=7RC", "3.output=7(R-4)(C-4)", "4.params=((R-4)*(C-4)*7+1)*10",
               "4.weights=70RC - 280R - 280C + 1120", "total=((R-4)*(C-4)*7+1)*10+462", "1.output=⌊R⌋-2 x C-2 x 5",
               "2.output=(None, 2⌊(R−8)/2⌋+4, C-4, 7)"]
    code, out = invoke("check", SPEC, *(arg for answer in answers for arg in ("--expect", answer)))
    assert code == 1 and "6/8 correct" in out, out
    code, out = invoke("check", SPEC, "--expect", "4.params=exec(R)")
    assert code == 2 and "unknown name 'exec'" in out
    assert invoke("summary", SPEC, "--format", "json")[0] == 0


def _payload(marker: Path) -> str:
    """The issue's payload: no quotes, no commas, no brackets; sympy's parse_expr turned the unknown names into
    Symbols whose .name gives the text back, and ran exec(binascii.unhexlify(…)) with it."""
    code = f'__import__("os").system("touch {marker}")'
    hexed = binascii.hexlify(code.encode()).decode()
    return f"exec(__import__(_binascii.name.lstrip(_.name)).unhexlify(_{hexed}.name.lstrip(_.name)))"


def _answer_file(path: Path, payload: str, spec: str = SPEC) -> Path:
    path.write_text(f'spec = "{spec}"\n[answers]\n"3.params" = "{payload}"\n"1.params" = 140\n', encoding="utf-8")
    return path


def test_the_payload_from_the_command_line_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    code, out = invoke("check", SPEC, "--expect", f"3.params={_payload(marker)}")
    assert (code, marker.exists()) == (2, False)
    assert out.startswith("Error: 3.params: cannot read") and "Traceback" not in out


def test_the_payload_in_an_answer_file_with_its_own_spec_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    code, out = invoke("check", str(_answer_file(tmp_path / "student.toml", _payload(marker))))
    assert (code, marker.exists()) == (2, False)
    assert "cannot read" in out and "Traceback" not in out


def test_a_class_of_payloads_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    files = [str(_answer_file(tmp_path / f"student{i}.toml", _payload(marker))) for i in range(3)]
    code, out = invoke("check", "--answers", files[0], "--answers", files[1], "--answers", files[2])
    assert (code, marker.exists()) == (2, False)
    # beside an honest file, each hostile one is its own failed report and the honest one is graded
    honest = tmp_path / "honest.toml"
    honest.write_text(f'spec = "{SPEC}"\n[answers]\n"1.params" = 140\n', encoding="utf-8")
    code, out = invoke("check", "--answers", str(honest), "--answers", files[0], "--format", "json")
    assert (code, marker.exists()) == (1, False)
    assert '"status": "correct"' in out and "cannot read" in out


@pytest.mark.parametrize("answer", [
    "9**9**9**9", "factorial(10**9)", "R**(10**18)", "R.__class__", "R**R**R", "(((9^8)^8)^8)^8", "R^9",
    "((R+C+1)^8)^8", "(" * 40 + "R" + ")" * 40, "R" * 5000, "9" * 5000, "R/C", "R/0", "__import__",
    "lambda: 0", "R if R else C", "[R]", "{R}", "R;R", "R=R", "'R'", "R\\x00", "\U0001f600",
])
def test_hostile_grammar_is_a_clean_error(answer: str, tmp_path: Path) -> None:
    code, out = invoke("check", SPEC, "--expect", f"4.params={answer}")
    assert code == 2 and out.startswith("Error: 4.params: cannot read"), out


def test_a_printed_size_given_to_sympy_is_never_read_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    # a Size is a str (the JSON form, 'R-2'); sympify would read a str as Python source
    import sympy
    from sympy.parsing import sympy_parser

    from cnncalc.graph.network import build

    monkeypatch.setattr(sympy_parser, "parse_expr", lambda *_a, **_k: pytest.fail("sympy parsed a Size's text"))
    total = build(SPEC).layers[-1].params.total
    assert isinstance(total, str) and sympy.sympify(total) is total.expr
