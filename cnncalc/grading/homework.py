"""Grade homework: claims about a network, feature maps, and TOML answer files.

An answer file (read with the standard library's ``tomllib``)::

    spec = "input 28x28x1, conv32x3 relu, conv64x3 relu, pool2, flatten, dense128 relu, dense10"
    [answers]
    "2.params" = 18494          # or, as TOML dotted keys: conv2d_1.params = 18494
    total = "1,199,882"

    [[conv]]                    # feature-map questions, any number
    name = "stride 1"
    input = "../matrices/binary_image_5x5.txt"   # relative to the answer file
    kernel = "0 1 0; 1 0 -1; 0 1 0"
    stride = 1
    expect = "2 -1 1; 2 1 0; 1 -1 1"

    [[pool]]
    input = "4 123 1 34; …"
    size = 2
    expect = "123 167; 187 165"
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import CnnCalcError, shorten
from ..graph.network import Network, build
from ..model.records import record, replace
from .answers import MapVerdict, Verdict, grade, grade_map, split_claim

__all__ = ["FileReport", "grade_claims", "grade_file", "map_verdict"]


@record
class FileReport:
    """The graded answers of one file (or one command line)."""

    name: str
    verdicts: tuple[Verdict, ...]

    @property
    def score(self) -> tuple[int, int]:
        """Right claims out of the checked ones: an unchecked claim is neither."""
        checked = [v for v in self.verdicts if v.status != "unchecked"]
        return sum(1 for v in checked if v.ok), len(checked)


def grade_claims(net: Network, claims: list[tuple[str, str]]) -> list[Verdict]:
    return [grade(net, key, value) for key, value in claims]


def map_verdict(verdict: MapVerdict, worked: Any, expected: Any) -> Verdict:
    """A feature-map grade as one report row, explaining the first wrong cell."""
    from ..numeric.worked import explain, format_value

    rows = worked.output.shape[0]
    given = f"{len(expected)}×{len(expected[0])} map"
    correct = f"{rows}×{worked.output.shape[1]} map"
    if verdict.problem or not verdict.wrong:
        inexact = [f"{len(cells)} cell(s) {word}" for cells, word in ((verdict.rounded, "rounded"),
                                                                      (verdict.truncated, "truncated")) if cells]
        return Verdict(verdict.claim, given, correct, verdict.status, note=verdict.problem or ", ".join(inexact))
    r, c, k = verdict.wrong[0]
    true = worked.output[r, c] if worked.output.ndim == 2 else worked.output[r, c, k]
    cells = ", ".join(f"({wr + 1},{wc + 1})" for wr, wc, _ in verdict.wrong[:8])
    note = (f"{len(verdict.wrong)} of {verdict.cells} cells differ: {cells}"
            f"{', …' if len(verdict.wrong) > 8 else ''}; ({r + 1},{c + 1}) is {format_value(true)}, "
            f"not {expected[r][c][k].text or format_value(expected[r][c][k].value)}")
    return Verdict(verdict.claim, given, correct, "wrong", "\n".join(explain(worked, r + 1, c + 1)), note)


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """TOML's dotted keys (conv2d_1.params = …) arrive as nested tables; flatten them back."""
    claims: list[tuple[str, str]] = []
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            claims += _flatten(value, name + ".")
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            claims.append((name, str(value)))
        else:
            raise CnnCalcError(f"answer '{name}' is {_kind(value)}",
                               'write a count as 18496 or "18,496" and a shape as "26x26x32"')
    return claims


def _kind(value: Any) -> str:
    """How a TOML value reads in a message: 'the string "false"', 'a list', 'the number 5'."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f'the string "{shorten(value)}"'
    if isinstance(value, (int, float)):
        return f"the number {shorten(str(value))}"
    if isinstance(value, list):
        return "a list"
    return "a table" if isinstance(value, dict) else f"a {type(value).__name__}"


class _Question:
    """One [[conv]] or [[pool]] table, read field by field with the type each field must have."""

    def __init__(self, table: Any, kind: str, number: int) -> None:
        if not isinstance(table, dict):
            raise CnnCalcError(f"[[{kind}]] number {number} is {_kind(table)}, not a table",
                               f"write each question as a [[{kind}]] table")
        self.table = table
        self.name = table.get("name", f"{kind} {number}")
        if not isinstance(self.name, str):
            raise CnnCalcError(f"{kind} {number}: 'name' is {_kind(self.name)}", 'write it as name = "stride 1"')

    def get(self, key: str, types: tuple[type, ...], default: Any, example: str) -> Any:
        value = self.table.get(key, default)
        if value is default:
            return value
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise CnnCalcError(f"{self.name}: '{key}' is {_kind(value)}", f"write it as {example}")
        return value

    def choice(self, key: str, choices: tuple[Any, ...], default: Any) -> Any:
        value = self.get(key, (str,), default, f'{key} = "{next(c for c in choices if c)}"')
        if value not in choices:
            raise CnnCalcError(f"{self.name}: '{key}' is {_kind(value)}",
                               f"{key} is one of: {', '.join(str(c) for c in choices if c)}")
        return value

    def number(self, key: str, default: float) -> float:
        from ..numeric.matrices import MAX_MAGNITUDE

        value = self.get(key, (int, float), default, f"{key} = 0.5")
        if not abs(value) <= MAX_MAGNITUDE:
            raise CnnCalcError(f"{self.name}: '{key}' is not a finite number of at most 1e150 in size")
        return float(value)

    def text(self, key: str, default: Any, example: str) -> str:
        return str(self.get(key, (str, int), default, example))


def _matrix(value: Any, base: str, what: str, cells: bool = False) -> Any:
    """A matrix field of a question: a TOML array of rows, literal text or a file; ``cells`` keeps each value
    as written (an answer, graded at its own precision)."""
    from ..numeric.matrices import read_cells, read_matrix

    if isinstance(value, list):  # a TOML array of rows
        if not value or not all(isinstance(row, list) and row and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in row) for row in value):
            raise CnnCalcError(f"{what} is a list but not a list of rows of numbers",
                               'write it as [[1, 0], [0, 1]] or as text: "1 0; 0 1"')
        value = "; ".join(" ".join(str(v) for v in row) for row in value)
    if not isinstance(value, str):
        raise CnnCalcError(f"{what} is {_kind(value)}", 'write it as "1 0 1; 0 1 0", [[1, 0], [0, 1]] or a file name')
    text = value
    if text.lower().endswith((".txt", ".csv", ".npy", ".json")) and not os.path.isabs(text):
        text = os.path.join(base, text)
    return read_cells(text, what) if cells else read_matrix(text, what)


def grade_map_question(kind: str, table: Any, base: str, number: int) -> Verdict:
    """One [[conv]] or [[pool]] question of an answer file."""
    from ..analysis.stride import parse_padding, parse_pair
    from ..numeric.worked import convolve, pool

    q = _Question(table, kind, number)
    if "expect" not in q.table:
        raise CnnCalcError(f"{q.name}: the question has no 'expect' answer")
    image = _matrix(q.table.get("input", ""), base, f"{q.name}: input")
    padding = parse_padding(q.text("padding", "valid", 'padding = 1 or padding = "same"'))
    if kind == "conv":
        from ..model.layers import ACTIVATIONS

        worked = convolve(image, _matrix(q.table.get("kernel", ""), base, f"{q.name}: kernel"),
                          parse_pair(q.text("stride", 1, "stride = 2"), "stride"), padding,
                          parse_pair(q.text("dilation", 1, "dilation = 2"), "dilation"), q.number("bias", 0.0),
                          q.get("flip", (bool,), False, "flip = true (a TOML boolean, without quotes)"),
                          q.choice("activation", (None, *ACTIVATIONS), None))
    else:
        size = parse_pair(q.text("size", 2, "size = 2"), "size")
        stride = parse_pair(q.text("stride", "", "stride = 2"), "stride") if "stride" in q.table else None
        worked = pool(image, size, stride, q.choice("mode", ("max", "avg", "min"), "max"), padding,
                      q.get("ceil", (bool,), False, "ceil = true (a TOML boolean, without quotes)"))
    expected = _matrix(q.table["expect"], base, f"{q.name}: expect", cells=True)
    decimals = q.get("round", (int,), None, "round = 2")
    if decimals is not None and not 0 <= decimals <= 15:
        raise CnnCalcError(f"{q.name}: 'round' is {decimals}", "round to 0 to 15 decimals")
    tolerance = q.number("tolerance", -1.0)
    verdict = grade_map(q.name, worked.output.tolist(), expected, tolerance if tolerance >= 0 else None, decimals)
    return map_verdict(verdict, worked, expected)


def _load(path: str) -> dict[str, Any]:
    import tomllib

    from ..errors import SourceError
    from ..language.sources import read_bytes

    try:
        text = read_bytes(path, "answer file").decode("utf-8-sig")
        return tomllib.loads(text)
    except SourceError as error:
        if error.message.startswith("no such file"):
            raise CnnCalcError(f"no such answer file: {path}") from None
        raise
    except UnicodeDecodeError:
        raise CnnCalcError(f"the answer file {path} is not UTF-8 text", "save it as UTF-8") from None
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise CnnCalcError(f"cannot read the answer file {path}: {shorten(str(error), 200)}",
                           "write it as TOML: spec = \"…\" and an [answers] table") from None
    except RecursionError:
        raise CnnCalcError(f"cannot read the answer file {path}: it nests arrays or tables too deeply",
                           "an answer file needs at most a matrix's two levels of arrays") from None


def grade_file(path: str, spec_text: str | None = None) -> FileReport:
    """Grade every answer in a TOML answer file: its networks' answers, then its feature-map and stride questions.

    A file may hold one network (``spec`` and ``[answers]``) or several (``[[network]]`` tables, each with its
    ``name``, ``spec`` and ``[network.answers]``); ``naming = "keras2"`` reads layer names as Keras 2 numbered
    them (its first conv is ``conv2d_1``).
    """
    document = _load(path)
    base = os.path.dirname(os.path.abspath(path))
    verdicts: list[Verdict] = []
    networks = document.get("network", [])
    if not isinstance(networks, list) or not all(isinstance(n, dict) for n in networks):
        raise CnnCalcError(f"{path}: 'network' is {_kind(networks)}",
                           'write each network as a [[network]] table with spec = "…" and [network.answers]')
    if "answers" in document or not networks:
        verdicts += _network_verdicts(path, base, document, spec_text, "")
    for number, network in enumerate(networks, start=1):
        name = network.get("name", f"network {number}")
        if not isinstance(name, str):
            raise CnnCalcError(f"{path}: network {number}'s 'name' is {_kind(name)}", 'write it as name = "mnist"')
        verdicts += _network_verdicts(path, base, {**network, "naming": network.get("naming",
                                                                                    document.get("naming"))},
                                      None, f"{name}: ")
    for kind in ("conv", "pool", "stride"):
        questions = document.get(kind, [])
        if not isinstance(questions, list):
            raise CnnCalcError(f"{path}: '{kind}' is {_kind(questions)}",
                               f"write each question as a [[{kind}]] table")
        for number, question in enumerate(questions, start=1):
            verdicts.append(grade_stride_question(question, number) if kind == "stride" else
                            grade_map_question(kind, question, base, number))
    if not verdicts:
        raise CnnCalcError(f"{path} holds no answers",
                           "add an [answers] table, [[network]] tables, or [[conv]] / [[pool]] / [[stride]] questions")
    return FileReport(os.path.basename(path), tuple(verdicts))


def _network_verdicts(path: str, base: str, table: dict[str, Any], spec_text: str | None,
                      prefix: str) -> list[Verdict]:
    """One network's answers: its spec, and each claim graded against it."""
    from ..language.sources import read_text

    answers = table.get("answers", {})
    if not isinstance(answers, dict):
        raise CnnCalcError(f"{path}: {prefix}'answers' is {_kind(answers)}, not a table",
                           'write the answers as a table: [answers] then "2.params" = 18496')
    claims = _flatten(answers)
    spec = table.get("spec", spec_text)
    if spec is not None and not isinstance(spec, str):
        raise CnnCalcError(f"{path}: {prefix}'spec' is {_kind(spec)}", 'write it as spec = "input 28x28x1, conv32x3"')
    if not claims:
        return []
    if spec is None:
        raise CnnCalcError(f"{path}: {prefix}answers but no spec", "add spec = \"input 28x28x1, …\" to the file")
    naming = table.get("naming")
    if naming not in (None, "keras3", "keras2"):
        raise CnnCalcError(f"{path}: naming is {_kind(naming)}", 'naming is "keras3" (the default) or "keras2"')
    spec_path = os.path.join(base, spec) if spec.endswith(".cnn") else spec
    net = build(read_text(spec_path))
    keys = [key for key, _ in claims]  # as written: the report names each claim so
    if naming == "keras2":
        claims = [(keras2_key(net, key), value) for key, value in claims]
    return [replace(v, claim=prefix + key) for key, v in zip(keys, grade_claims(net, claims))]


def keras2_key(net: Network, key: str) -> str:
    """A claim key written with Keras 2's layer names (numbered from 1: conv2d_1 is Keras 3's conv2d) as the
    layer number it means."""
    target, dot, field = key.rpartition(".")
    names = {}
    counters: dict[str, int] = {}
    for layer in net.layers:
        base = layer.name.rsplit("_", 1)[0] if layer.name.rsplit("_", 1)[-1].isdigit() else layer.name
        counters[base] = counters.get(base, 0) + 1
        names[f"{base}_{counters[base]}"] = layer.index
    return f"{names[target]}{dot}{field}" if dot and target in names else key


def grade_stride_question(table: Any, number: int) -> Verdict:
    """A [[stride]] question: does stride s fit kernel f on input n (padding p), and what size comes out?

    ``fits = false`` and ``output = 2.33`` (the unrounded size, as course notes write it) are graded; ``output``
    may also be the size Keras gives (the floor)."""
    from ..analysis.stride import check, parse_padding, parse_pair
    from ..language.precision import grade_number, read_number
    from ..model.arithmetic import format_number

    q = _Question(table, "stride", number)
    if "fits" not in q.table and "output" not in q.table:
        raise CnnCalcError(f"{q.name}: the question has no 'fits' or 'output' answer")
    report = check(parse_pair(q.text("n", "", "n = 7"), "n"), parse_pair(q.text("f", "", "f = 3"), "f"),
                   parse_pair(q.text("s", 1, "s = 3"), "s"), parse_padding(q.text("p", 0, "p = 1")))
    w = report.axes[0].windows
    exact = float(w.exact)
    formula = w.formula()
    if "fits" in q.table:
        fits = q.get("fits", (bool,), None, "fits = false (a TOML boolean)")
        if fits != report.fits:
            return Verdict(q.name, f"fits = {str(fits).lower()}", f"fits = {str(report.fits).lower()}", "wrong",
                           formula)
    if "output" in q.table:
        given = read_number(str(q.get("output", (int, float, str), None, "output = 2.33")))
        status = grade_number(given, exact)
        if status == "wrong" and given.value == w.output:
            status = "correct"  # the size Keras and PyTorch give: the floor
        if status == "wrong":
            return Verdict(q.name, f"output {given.text}", f"output {format_number(w.exact)}", "wrong", formula)
        shown = f"{'fits' if report.fits else 'does not fit'}; output {given.text}"
        return Verdict(q.name, shown, shown, "rounded" if status in ("rounded", "truncated") else "correct",
                       note=formula)
    return Verdict(q.name, f"fits = {str(report.fits).lower()}", f"fits = {str(report.fits).lower()}", "correct",
                   note=formula)


def parse_claims(expects: tuple[str, ...]) -> list[tuple[str, str]]:
    return [split_claim(text) for text in expects]
