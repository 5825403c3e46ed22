"""Grade homework: claims about a network, feature maps, and TOML answer files.

An answer file (read with the standard library's ``tomllib``)::

    spec = "input 28x28x1, conv32x3 relu, conv64x3 relu, pool2, flatten, dense128 relu, dense10"
    [answers]
    "2.params" = 18494          # or, as TOML dotted keys: conv2d_1.params = 18494
    total = "1,199,882"

    [[conv]]                    # feature-map questions, any number
    name = "stride 1"
    input = "../matrices/seed002_image_5x5.txt"   # relative to the answer file
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

from .answers import MapVerdict, Verdict, grade, grade_map, split_claim
from .errors import CnnCalcError
from .network import Network, build
from .records import record

__all__ = ["FileReport", "grade_claims", "grade_file", "map_verdict"]


@record
class FileReport:
    """The graded answers of one file (or one command line)."""

    name: str
    verdicts: tuple[Verdict, ...]

    @property
    def score(self) -> tuple[int, int]:
        return sum(1 for v in self.verdicts if v.ok), len(self.verdicts)


def grade_claims(net: Network, claims: list[tuple[str, str]]) -> list[Verdict]:
    return [grade(net, key, value) for key, value in claims]


def map_verdict(verdict: MapVerdict, worked: Any, expected: Any) -> Verdict:
    """A feature-map grade as one report row, explaining the first wrong cell."""
    from .numeric import explain, format_value

    rows = worked.output.shape[0]
    given = f"{len(expected)}×{len(expected[0])} map"
    correct = f"{rows}×{worked.output.shape[1]} map"
    if verdict.problem or not verdict.wrong:
        note = verdict.problem or (f"{len(verdict.rounded)} cell(s) rounded" if verdict.rounded else "")
        return Verdict(verdict.claim, given, correct, verdict.status, note=note)
    r, c, k = verdict.wrong[0]
    true = worked.output[r, c] if worked.output.ndim == 2 else worked.output[r, c, k]
    cells = ", ".join(f"({wr + 1},{wc + 1})" for wr, wc, _ in verdict.wrong[:8])
    note = (f"{len(verdict.wrong)} of {verdict.cells} cells differ: {cells}"
            f"{', …' if len(verdict.wrong) > 8 else ''}; ({r + 1},{c + 1}) is {format_value(true)}, "
            f"not {format_value(expected[r][c][k])}")
    return Verdict(verdict.claim, given, correct, "wrong", "\n".join(explain(worked, r + 1, c + 1)), note)


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """TOML's dotted keys (conv2d_1.params = …) arrive as nested tables; flatten them back."""
    claims: list[tuple[str, str]] = []
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            claims += _flatten(value, name + ".")
        else:
            claims.append((name, str(value)))
    return claims


def _matrix(value: Any, base: str, what: str) -> Any:
    from .matrices import read_matrix

    if isinstance(value, list):  # a TOML array of rows
        value = "; ".join(" ".join(str(v) for v in row) for row in value)
    text = str(value)
    if text.lower().endswith((".txt", ".csv", ".npy")) and not os.path.isabs(text):
        text = os.path.join(base, text)
    return read_matrix(text, what)


def grade_map_question(kind: str, question: dict[str, Any], base: str, number: int) -> Verdict:
    """One [[conv]] or [[pool]] question of an answer file."""
    from .numeric import convolve, pool
    from .stride import parse_padding, parse_pair

    name = str(question.get("name", f"{kind} {number}"))
    if "expect" not in question:
        raise CnnCalcError(f"{name}: the question has no 'expect' answer")
    image = _matrix(question.get("input", ""), base, f"{name}: input")
    padding = parse_padding(str(question.get("padding", "valid")))
    if kind == "conv":
        worked = convolve(image, _matrix(question.get("kernel", ""), base, f"{name}: kernel"),
                          parse_pair(str(question.get("stride", 1)), "stride"), padding,
                          parse_pair(str(question.get("dilation", 1)), "dilation"), float(question.get("bias", 0)),
                          bool(question.get("flip", False)), question.get("activation"))
    else:
        size = parse_pair(str(question.get("size", 2)), "size")
        stride = parse_pair(str(question["stride"]), "stride") if "stride" in question else None
        worked = pool(image, size, stride, str(question.get("mode", "max")), padding, bool(question.get("ceil", False)))
    expected = _matrix(question["expect"], base, f"{name}: expect")
    decimals = question.get("round")
    verdict = grade_map(name, worked.output.tolist(), expected, float(question.get("tolerance", 0.005)),
                        None if decimals is None else int(decimals))
    return map_verdict(verdict, worked, expected)


def grade_file(path: str, spec_text: str | None = None) -> FileReport:
    """Grade every answer in a TOML answer file."""
    import tomllib

    from .sources import read_text

    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise CnnCalcError(f"no such answer file: {path}") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CnnCalcError(f"cannot read the answer file {path}: {error}",
                           "write it as TOML: spec = \"…\" and an [answers] table") from None
    base = os.path.dirname(os.path.abspath(path))
    verdicts: list[Verdict] = []
    claims = _flatten(document.get("answers", {}))
    spec = document.get("spec", spec_text)
    if claims:
        if spec is None:
            raise CnnCalcError(f"{path}: answers but no spec", "add spec = \"input 28x28x1, …\" to the file")
        spec_path = os.path.join(base, spec) if str(spec).endswith(".cnn") else str(spec)
        verdicts += grade_claims(build(read_text(spec_path)), claims)
    for kind in ("conv", "pool"):
        for number, question in enumerate(document.get(kind, []), start=1):
            verdicts.append(grade_map_question(kind, question, base, number))
    if not verdicts:
        raise CnnCalcError(f"{path} holds no answers", "add an [answers] table, or [[conv]] / [[pool]] questions")
    return FileReport(os.path.basename(path), tuple(verdicts))


def parse_claims(expects: tuple[str, ...]) -> list[tuple[str, str]]:
    return [split_claim(text) for text in expects]
