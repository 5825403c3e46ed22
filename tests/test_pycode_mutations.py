"""Never silently wrong: model files with one construct cnncalc does not model put into them are refused at that
construct, never read to another number.

Each PyTorch model file of tests/models (and, where they have been fetched, the real files of tests/corpus that
cnncalc reads exactly) is changed in one way at a time: a line that registers a buffer or a parameter, adds a hook,
builds a layer class cnncalc has no word for, or applies an operation it does not follow is put into every
``__init__`` (after its ``super().__init__()``) or every ``forward``. The file must then be refused (exit 2) at one of
the lines put in, whichever the model runs first; a summary, with whatever number, would be the worst outcome.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_pycode import MODELS, options, run

CORPUS = ROOT / "tests" / "corpus"

#: (what, the line, the names of the file it needs): put after every super().__init__() of the file
IN_INIT = [
    ("a buffer", 'self.register_buffer("cnncalc_mutation", torch.zeros(4))', ("torch",)),
    ("a parameter", 'self.register_parameter("cnncalc_mutation", nn.Parameter(torch.zeros(4)))', ("torch", "nn")),
    ("a forward hook", "self.register_forward_hook(lambda module, given, output: output)", ()),
    ("a recurrent layer", "self.cnncalc_mutation = nn.LSTM(8, 8)", ("nn",)),
    ("an unfold layer", "self.cnncalc_mutation = nn.Unfold(2)", ("nn",)),
]
#: put first in every forward(self, x)
IN_FORWARD = [
    ("a roll", "x = torch.roll(x, 1, 2)", ("torch",)),
    ("an unfold", "x = x.unfold(2, 2, 2)", ()),
    ("a flip", "x = x.flip(3)", ()),
]

#: put after every Keras layer applied to x (x = layers.…(…)(x)), and after every model.add(…) of a Sequential
KERAS_AFTER_APPLIED = [
    ("a Lambda", "x = layers.Lambda(lambda t: t)(x)", ("layers",)),
    ("a recurrent layer", "x = layers.LSTM(8)(x)", ("layers",)),
]
KERAS_AFTER_ADD = [
    ("a Lambda", "model.add(layers.Lambda(lambda t: t))", ("layers",)),
    ("a recurrent layer", "model.add(layers.LSTM(8))", ("layers",)),
]

_SUPER = re.compile(r"^(\s*)super\([^)]*\)\.__init__\(.*\)\s*$")
_FORWARD = re.compile(r"^(\s*)def forward\(self, x\b.*\):\s*$")
_APPLIED = re.compile(r"^(\s*)x = layers\.\w+\(.*\)\(x\)\s*$")
_ADDED = re.compile(r"^(\s*)model\.add\(layers\.\w+\(.*\)\)\s*$")


def _has(text: str, name: str) -> bool:
    """Whether the file binds ``torch`` or ``nn`` at its top level, as the lines put in need."""
    if name == "torch":
        return re.search(r"^import torch\b", text, re.M) is not None
    if name == "layers":
        return re.search(r"^from (tensorflow\.)?keras import (.*\b)?layers\b", text, re.M) is not None
    return re.search(r"^(import torch\.nn as nn|from torch import nn)\b", text, re.M) is not None


def mutated(text: str, line: str, where: re.Pattern[str], inside: bool) -> tuple[str, set[int]]:
    """The file with ``line`` after each line ``where`` matches (indented as the body: as that line when ``inside``
    is False, four more when it is a ``def``), and the numbers of the lines put in."""
    out: list[str] = []
    added: set[int] = set()
    for original in text.splitlines():
        out.append(original)
        match = where.match(original)
        if match:
            out.append(match[1] + ("    " if inside else "") + line)
            added.add(len(out))
    return "\n".join(out) + "\n", added


def cases(text: str) -> list[tuple[str, str, re.Pattern[str], bool]]:
    """(what, the line, where it goes, whether inside a def) of each change the file has a place and names for."""
    lines = text.splitlines()
    found: list[tuple[str, str, re.Pattern[str], bool]] = []
    for changes, where, inside in ((IN_INIT, _SUPER, False), (IN_FORWARD, _FORWARD, True),
                                   (KERAS_AFTER_APPLIED, _APPLIED, False), (KERAS_AFTER_ADD, _ADDED, False)):
        if any(where.match(line) for line in lines):
            found += [(what, line, where, inside) for what, line, needs in changes
                      if all(_has(text, name) for name in needs)]
    return found


def refused_at(path: Path, args: list[str], added: set[int]) -> None:
    status, out = run("summary", str(path), *args, "--format", "json")
    assert status == 2, f"read to a summary instead of refused:\n{out[:600]}"
    lines = {int(m) for m in re.findall(rf"{re.escape(path.name)}:(\d+):\d+", out)}
    assert lines & added, f"refused elsewhere than the lines put in ({sorted(added)}):\n{out[:600]}"


MODEL_CASES = sorted({(path, what) for path in MODELS for what, *_ in cases(path.read_text(encoding="utf-8"))})


@pytest.mark.parametrize(("path", "what"), MODEL_CASES, ids=[f"{p.stem}-{w}" for p, w in MODEL_CASES])
def test_a_model_file_with_an_unmodelled_construct_is_refused_there(path: Path, what: str, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for line, where, inside in [(line, where, inside) for w, line, where, inside in cases(text) if w == what]:
        changed, added = mutated(text, line, where, inside)
        target = tmp_path / path.name
        target.write_text(changed, encoding="utf-8")
        given = options(path) | ({"model": "model"} if path.stem == "lecture_convnet_models" else {})
        args = [*(["--input", given["input"]] if "input" in given else []),
                *(["--model", given["model"]] if "model" in given else [])]
        refused_at(target, args, added)


def _corpus_entries() -> list[dict[str, object]]:
    """The corpus' plain files (not staged as packages) that are here and have the framework's truth."""
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["model"]
    return [entry for entry in manifest if not entry.get("module") and
            (CORPUS / "models" / entry["file"]).exists() and
            "total_params" in json.loads((CORPUS / "truth" / f"{entry['name']}.json").read_text(encoding="utf-8"))]


CORPUS_CASES = [(entry, what) for entry in _corpus_entries()
                for what in dict.fromkeys(w for w, *_ in cases((CORPUS / "models" / entry["file"]).read_text(
                    encoding="utf-8")))]


@pytest.mark.skipif(not CORPUS_CASES, reason="the corpus' model files are not here (tests/corpus/fetch_models.py)")
@pytest.mark.parametrize(("entry", "what"), CORPUS_CASES, ids=[f"{e['name']}-{w}" for e, w in CORPUS_CASES])
def test_a_real_model_file_with_an_unmodelled_construct_is_refused_there(entry: dict, what: str,
                                                                          tmp_path: Path) -> None:
    from .corpus.measure import model_argument

    text = (CORPUS / "models" / str(entry["file"])).read_text(encoding="utf-8")
    args = ["--model", model_argument(entry)] if entry.get("build") else []
    args += ["--input", "x".join(map(str, entry["input"]))] if entry.get("input") else []
    for name, value in dict(entry.get("globals", {})).items():
        args += ["--set", f"{name}={value!r}"]
    if run("summary", str(CORPUS / "models" / str(entry["file"])), *args, "--format", "json")[0] != 0:
        pytest.skip(f"{entry['name']} is refused as it is")
    for line, where, inside in [(line, where, inside) for w, line, where, inside in cases(text) if w == what]:
        changed, added = mutated(text, line, where, inside)
        target = tmp_path / str(entry["file"])
        target.write_text(changed, encoding="utf-8")
        refused_at(target, args, added)
