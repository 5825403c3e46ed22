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
from .answers import Verdict, grade, split_claim
from .questions import _kind, grade_map_question, grade_stride_question, map_verdict

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


def parse_claims(expects: tuple[str, ...]) -> list[tuple[str, str]]:
    return [split_claim(text) for text in expects]
