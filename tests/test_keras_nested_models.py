"""Keras models nested in a model: an autoencoder built as ``Model(inputs, decoder(encoder(inputs)))``, or a
functional model around Sequential models called as layers. Keras' summary shows each nested model as one row,
``encoder (Functional)``, with its output and the total of its layers' parameters, and with
``expand_nested=True`` its layers behind ``└`` as well.

Model code read by cnncalc keeps which layers each nested model makes, so a pasted Keras summary is graded row for
row against the file: before, each nested row was unchecked, every layer was "missing", and the correct total was
given as twice the network's. The summaries under tests/fixtures/summaries are the real Keras 3's, of the files in
tests/models (make_summaries.py); every count below is worked out by hand from the layers' arguments, and the oracle
test prints Keras' summary of generated nested models live.
"""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

from .conftest import ROOT, oracle

SUMMARIES = ROOT / "tests" / "fixtures" / "summaries"
AUTOENCODER = str(ROOT / "tests" / "models" / "keras_nested_autoencoder.py")
SEQUENTIALS = str(ROOT / "tests" / "models" / "keras_nested_sequential.py")

# by hand: Conv2D(16, 3) on 1 channel (3·3·1 + 1)·16 = 160, Conv2D(8, 3) on 16: (3·3·16 + 1)·8 = 1,160;
# the decoder's Conv2D(1, 3) on 8: (3·3·8 + 1)·1 = 73
ENCODER, DECODER = 160 + 1_160, 73
# Conv2D(8, 3) on 1 channel: 80, 26 → pool 13; BatchNormalization of 8: 4·8 = 32, 16 of them moving statistics;
# Flatten 13·13·8 = 1,352, Dense(10): (1,352 + 1)·10 = 13,530
FEATURES, NORM, HEAD = 80, 32, 13_530


def graded(*args: str, paste: str) -> tuple[int, dict[str, dict[str, Any]]]:
    result = CliRunner().invoke(main, ["check", *args, "--summary", "-", "--format", "json"], input=paste,
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, {detail["claim"]: detail for detail in json.loads(result.stdout)[0]["details"]}


def recorded(name: str) -> str:
    return (SUMMARIES / f"keras3_{name}.txt").read_text(encoding="utf-8")


def test_the_autoencoder_keras_printed_is_graded_right_row_for_row() -> None:
    status, details = graded(AUTOENCODER, paste=recorded("nested_autoencoder"))
    assert status == 0, [d for d in details.values() if d["status"] != "correct"]
    assert details["line 7 encoder (Functional) params"]["correct"] == f"{ENCODER:,}"
    assert details["line 7 encoder (Functional) output"]["correct"] == "(None, 14, 14, 8)"
    assert details["line 9 decoder (Functional) params"]["correct"] == f"{DECODER:,}"
    assert details["line 9 decoder (Functional) output"]["correct"] == "(None, 28, 28, 1)"
    assert details["total"]["correct"] == f"{ENCODER + DECODER:,}"  # was twice it: the nested rows added again


def test_expanded_nested_models_grade_their_own_rows_too() -> None:
    status, details = graded(AUTOENCODER, paste=recorded("nested_autoencoder_expanded"))
    assert status == 0, [d for d in details.values() if d["status"] != "correct"]
    assert details["1 conv2d params"]["correct"] == "160"
    assert details["3 conv2d_1 params"]["correct"] == "1,160"
    assert details["5 conv2d_2 params"]["correct"] == "73"
    assert {claim for claim in details if "(Functional)" in claim} == {
        f"line {line} {name} (Functional) {what}" for line, name in ((7, "encoder"), (17, "decoder"))
        for what in ("output", "params")}


def test_sequential_models_named_or_not_are_paired_with_their_rows() -> None:
    status, details = graded(SEQUENTIALS, paste=recorded("nested_sequential"))
    assert status == 0, [d for d in details.values() if d["status"] != "correct"]
    assert details["line 7 sequential (Sequential) params"]["correct"] == f"{FEATURES:,}"
    assert details["line 11 head (Sequential) params"]["correct"] == f"{HEAD:,}"
    assert details["total"]["correct"] == f"{FEATURES + NORM + HEAD:,}"
    assert details["non_trainable"]["correct"] == "16"


@pytest.mark.parametrize(("old", "new", "claim", "correct"), [
    ("1,320", "1,230", "line 7 encoder (Functional) params", f"{ENCODER:,}"),
    ("│                73 │", "│                72 │", "line 9 decoder (Functional) params", "73"),
    ("(None, 14, 14, 8) ", "(None, 14, 14, 16)", "line 7 encoder (Functional) output", "(None, 14, 14, 8)"),
])
def test_a_wrong_nested_row_is_caught_with_its_arithmetic(old: str, new: str, claim: str, correct: str) -> None:
    paste = recorded("nested_autoencoder")
    assert paste.count(old) == 1
    status, details = graded(AUTOENCODER, paste=paste.replace(old, new))
    assert status == 1
    assert details[claim]["status"] == "wrong"
    assert details[claim]["correct"] == correct
    if claim.endswith("params") and claim.startswith("line 7"):
        assert details[claim]["arithmetic"] == f"160 + 1,160 = {ENCODER:,}"
    assert [c for c, d in details.items() if d["status"] == "wrong"] == [claim]


def test_the_file_reads_the_model_built_from_the_parts_not_a_part() -> None:
    for path, name in ((AUTOENCODER, "autoencoder"), (SEQUENTIALS, "model")):
        result = CliRunner().invoke(main, ["summary", path, "--format", "json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["total_params"] == \
            {"autoencoder": ENCODER + DECODER, "model": FEATURES + NORM + HEAD}[name]


def test_the_summary_says_what_keras_shows_of_each_nested_model() -> None:
    """cnncalc lists the nested models' layers; a note gives each model's one row as Keras' summary prints it."""
    for path, rows in ((AUTOENCODER, [f"encoder (Functional): (None, 14, 14, 8), {ENCODER:,} parameters",
                                      f"decoder (Functional): (None, 28, 28, 1), {DECODER:,} parameters"]),
                       (SEQUENTIALS, [f"a Sequential given no name: (None, 13, 13, 8), {FEATURES:,} parameters",
                                      f"head (Sequential): (None, 10), {HEAD:,} parameters"])):
        result = CliRunner().invoke(main, ["summary", path, "--format", "json"], catch_exceptions=False)
        [note] = [note for note in json.loads(result.stdout)["notes"] if "nested" in note]
        assert f"({'; '.join(rows)})" in note


def _rows(text: str) -> list[tuple[str, str, tuple[int, ...], int]]:
    """A summary table's rows as the paste reader reads them (InputLayer rows are its inputs, not rows)."""
    from cnncalc.readers.pasted import parse_summary

    return [(row.name, row.keras_class, row.shape, row.params) for row in parse_summary(text).rows]


@pytest.mark.parametrize(("path", "depth", "recorded_name"), [
    (AUTOENCODER, 1, "nested_autoencoder"), (AUTOENCODER, 2, "nested_autoencoder_expanded"),
    (SEQUENTIALS, 1, "nested_sequential"),
    (str(ROOT / "tests" / "models" / "keras_data_augmentation.py"), 1, "data_augmentation"),
    (str(ROOT / "tests" / "models" / "keras_data_augmentation.py"), 2, "data_augmentation_expanded"),
])
def test_depth_draws_the_nested_models_as_keras_summary_does(path: str, depth: int, recorded_name: str) -> None:
    """--depth 1 is Keras' summary(), each nested model one row; --depth 2 its summary(expand_nested=True): row for
    row the same names, classes, shapes and counts as Keras' own tables."""
    result = CliRunner().invoke(main, ["summary", path, "--depth", str(depth)], terminal_width=120,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _rows(result.stdout) == _rows(recorded(recorded_name))


# ---- live: Keras' own summary of generated models with nested models ---------------------------------------

def _nested_file(seed: int) -> tuple[str, str]:
    """A functional model of 2–3 nested models (a Model from its own keras.Input, or a Sequential; named or not)
    with layers between them, and the name of the model; sizes are small, so Keras builds it in a moment."""
    rng = random.Random(seed)
    lines = ["import keras", "from keras import layers", "", "inputs = keras.Input(shape=(16, 16, 3))"]
    shape, channels, current = (16, 16), 3, "inputs"
    for part in range(rng.randint(2, 3)):
        filters = rng.choice((4, 8))
        named = rng.random() < 0.5
        name = f", name=\"part{part}\"" if named else ""
        inner = [f"layers.Conv2D({filters}, 3, padding=\"same\", activation=\"relu\")", "layers.BatchNormalization()"]
        given = shape
        if shape[0] >= 8 and rng.random() < 0.5:
            inner.append("layers.MaxPooling2D(2)")
            shape = (shape[0] // 2, shape[1] // 2)
        if rng.random() < 0.5:
            lines.append(f"part{part} = keras.Sequential([{', '.join(inner)}]{name})")
        else:
            lines.append(f"start{part} = keras.Input(shape=({given[0]}, {given[1]}, {channels}))")
            body = f"start{part}"
            for layer in inner:
                body = f"{layer}({body})"
            lines.append(f"part{part} = keras.Model(start{part}, {body}{name})")
        channels = filters
        lines.append(f"x{part} = part{part}({current})")
        current = f"x{part}"
        if rng.random() < 0.5:
            lines.append(f"x{part} = layers.ReLU()({current})")
    lines += [f"y = layers.GlobalAveragePooling2D()({current})", "y = layers.Dense(3)(y)",
              "model = keras.Model(inputs, y)", ""]
    return "\n".join(lines), "model"


@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("expand", [False, True])
def test_keras_own_summary_of_nested_models_grades_with_no_false_alarm(tmp_path: Path, monkeypatch: Any, seed: int,
                                                                       expand: bool) -> None:
    keras = oracle("keras")
    monkeypatch.setenv("COLUMNS", "120")  # rich, which Keras prints with, would cut the table at 80 columns
    text, name = _nested_file(seed)
    path = tmp_path / "nested.py"
    path.write_text(text, encoding="utf-8")
    keras.backend.clear_session()
    namespace: dict[str, Any] = {}
    exec(compile(text, str(path), "exec"), namespace)  # the test's own generated file, not user input
    out = io.StringIO()
    namespace[name].summary(print_fn=lambda line, **kwargs: out.write(line + "\n"), line_length=100,
                            expand_nested=expand)
    status, details = graded(str(path), paste=out.getvalue())
    assert status == 0, (text, out.getvalue(), [d for d in details.values() if d["status"] != "correct"])
    nested = [claim for claim in details if re.search(r"\((Functional|Sequential)\) params$", claim)]
    assert len(nested) == len(re.findall(r"^part\d = keras\.", text, re.MULTILINE))  # every nested row graded
    assert details["total"]["correct"] == f"{namespace[name].count_params():,}"
    # cnncalc's own table at the same depth has Keras' rows (a model given no name is numbered among all of the
    # session's by Keras, so names are not compared; layers.ReLU() is the relu activation, as the grader reads it)
    from cnncalc.grading.pastes.expected import keras_family

    drawn = CliRunner().invoke(main, ["summary", str(path), "--depth", "2" if expand else "1"], terminal_width=120,
                               catch_exceptions=False)
    assert [(keras_family(kind), shape, count) for _, kind, shape, count in _rows(drawn.stdout)] == \
        [(keras_family(kind), shape, count) for _, kind, shape, count in _rows(out.getvalue())]


def test_a_flat_spec_against_the_nested_paste_counts_each_layer_once() -> None:
    """The autoencoder's layers written one by one: the nested rows cannot be paired, and are unchecked; the total is
    still the network's, never the nested rows' counts added to it (it was 2,786)."""
    spec = "input 28x28x1, conv16x3x3 same relu, pool2, conv8x3x3 same relu, up2, conv1x3x3 same sigmoid"
    status, details = graded(spec, paste=recorded("nested_autoencoder"))
    assert status == 1  # the paste shows no row of the spec's layers one by one: each is missing
    assert details["total"]["correct"] == details["total"]["given"] == f"{ENCODER + DECODER:,}"
    assert details["line 7 encoder"]["status"] == details["line 9 decoder"]["status"] == "unchecked"
    assert ".py file" in details["line 7 encoder"]["note"]


def test_json_rows_name_the_nested_model_they_are_in() -> None:
    result = CliRunner().invoke(main, ["summary", SEQUENTIALS, "--format", "json"], catch_exceptions=False)
    rows = json.loads(result.stdout)["layers"]
    assert [row.get("containers") for row in rows] == [["sequential (Sequential)"]] * 2 + [None] + \
        [["head (Sequential)"]] * 2


NESTED_TWICE = """import keras
from keras import layers

block = keras.Sequential([layers.Conv2D(4, 3, padding="same"), layers.ReLU()], name="block")
inner_in = keras.Input(shape=(16, 16, 3))
inner = keras.Model(inner_in, layers.MaxPooling2D()(block(inner_in)), name="inner")
outer_in = keras.Input(shape=(16, 16, 3))
outer = keras.Model(outer_in, layers.Conv2D(2, 1)(inner(outer_in)), name="outer")
x = keras.Input(shape=(16, 16, 3))
model = keras.Model(x, layers.Flatten()(outer(x)))
"""


@pytest.mark.oracle
@pytest.mark.parametrize("expand", [False, True])
def test_models_nested_in_nested_models(tmp_path: Path, monkeypatch: Any, expand: bool) -> None:
    """A Sequential in a model in a model: Keras' summary shows the outermost (122 = Conv2D(4, 3) on 3 channels,
    (27 + 1)·4 = 112, and Conv2D(2, 1) on 4, (4 + 1)·2 = 10), and expanded every level, each graded against its
    own layers (before, the inner rows were unchecked and added to the correct total again: 346); cnncalc's table
    at each depth has Keras' rows."""
    keras = oracle("keras")
    monkeypatch.setenv("COLUMNS", "120")
    path = tmp_path / "nested.py"
    path.write_text(NESTED_TWICE, encoding="utf-8")
    keras.backend.clear_session()
    namespace: dict[str, Any] = {}
    exec(compile(NESTED_TWICE, str(path), "exec"), namespace)  # the test's own code, not user input
    out = io.StringIO()
    namespace["model"].summary(print_fn=lambda line, **kwargs: out.write(line + "\n"), line_length=100,
                               expand_nested=expand)
    status, details = graded(str(path), paste=out.getvalue())
    assert status == 0, [d for d in details.values() if d["status"] != "correct"]
    assert details["total"]["correct"] == "122"
    graded_models = {claim for claim in details if claim.endswith(("(Functional) params", "(Sequential) params"))}
    assert len(graded_models) == (3 if expand else 1)
    drawn = CliRunner().invoke(main, ["summary", str(path), *(["--expand-nested"] if expand else ["--depth", "1"])],
                               terminal_width=120, catch_exceptions=False)
    from cnncalc.grading.pastes.expected import keras_family

    assert [(keras_family(kind), shape, count) for _, kind, shape, count in _rows(drawn.stdout)] == \
        [(keras_family(kind), shape, count) for _, kind, shape, count in _rows(out.getvalue())]
