"""`cnncalc check`: claims, answer files, pasted summaries and feature-map answers."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError
from cnncalc.grading.answers import grade, parse_count, parse_shape
from cnncalc.grading.homework import FileReport, grade_file
from cnncalc.grading.pastes import align
from cnncalc.graph.network import build
from cnncalc.readers.pasted import parse_summary

from .conftest import ROOT

SUMMARIES = Path(__file__).resolve().parent / "fixtures" / "summaries"
HOMEWORK = ROOT / "examples" / "homework"
SEED002 = str(ROOT / "examples" / "lectures" / "mnist_4_layer.cnn")


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


@pytest.mark.parametrize("text", ["18,496", "18496", "18_496", " 18496 "])
def test_counts_as_people_write_them(text: str) -> None:
    assert parse_count(text, "x") == 18496


@pytest.mark.parametrize("text", ["26x26x5", "26×26×5", "(None, 26, 26, 5)", "(26, 26, 5)", "26,26,5", "[26, 26, 5]"])
def test_shapes_as_people_write_them(text: str) -> None:
    assert parse_shape(text, "x") == (26, 26, 5)


def test_a_flat_size_is_a_vector() -> None:
    assert parse_shape("9216", "x") == parse_shape("9,216", "x") == parse_shape("(None, 9216)", "x") == (9216,)


def test_seed004_weights_and_params_are_different_fields() -> None:
    net = build((ROOT / "examples" / "lectures" / "exam_128x128x3.cnn").read_text(encoding="utf-8"))
    assert grade(net, "1.weights", "135").ok
    wrong = grade(net, "1.params", "135")
    assert not wrong.ok
    assert wrong.note == "135 is the weight count; with the 5 biases the layer has 140 parameters"
    assert grade(net, "conv2d_1.weights", "378").note == "378 counts the 3 biases too; the layer has 375 weights"


def test_expect_grades_and_shows_the_arithmetic() -> None:
    result = run("check", SEED002, "--expect", "2.params=18494", "--expect", "conv2d.params=320",
                 "--expect", "4.output=9216", "--expect", "total=1,199,882", "--format", "json")
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["score"] == "3/4"
    wrong = report["details"][0]
    assert (wrong["claim"], wrong["given"], wrong["correct"]) == ("2.params", "18494", "18,496")
    assert wrong["status"] == "wrong"
    assert wrong["arithmetic"] == "(3·3·32 + 1)·64 = 18,496"


def test_output_arithmetic_is_the_window_formula() -> None:
    net = build((ROOT / "examples" / "lectures" / "exam_128x128x3.cnn").read_text(encoding="utf-8"))
    assert grade(net, "3.output", "6x6x3").arithmetic == "(13 + 2·2 − 5)/2 + 1 = 7; 3 channels"


def test_all_correct_exits_zero_and_bad_input_exits_two() -> None:
    assert run("check", SEED002, "--expect", "2.params=18,496", "--expect", "total=1199882").exit_code == 0
    for args in (("--expect", "9.params=1"), ("--expect", "conv9.params=1"), ("--expect", "2.params=lots"),
                 ("--expect", "2.shape=1"), ("--expect", "2.params"), ("--answers", "missing.toml"),
                 ("--summary", "missing.txt")):
        result = run("check", SEED002, *args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert "there is no layer '9'" in run("check", SEED002, "--expect", "9.params=1").stderr
    assert run("check").exit_code == 2


def render(report: FileReport) -> str:
    from rich.console import Console

    from cnncalc.views.report import report_renderable

    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(report_renderable(report))
    return out.getvalue()


def test_golden_report(golden: Any) -> None:
    golden("check_mnist_4_layer.txt", render(grade_file(str(HOMEWORK / "mnist_4_layer.toml"))))
    golden("check_binary_image_maps.txt", render(grade_file(str(HOMEWORK / "binary_image_maps.toml"))))


# ----- answer files -----

FLAGGED = {
    # The lecture misprints issue #5 names:
    "mnist_keras.toml": ["1.weights"],                      # seed 000's 278
    "mnist_4_layer.toml": ["2.params"],                       # seed 002's 18494
    "ann_nodes.toml": ["1.output"],                   # seed 002's 21,631
    "binary_image_maps.toml": ["stride 1 (summary slide)",  # seed 002's stride-1 map
                                  "padding 1",                 # found here too: its padding-1 map
                                  "max pool"],                 # seed 002's 167
    # More slips the frameworks disagree with:
    "ann_weights.toml": ["1.weights"],                # 784 × 21,631, the misprint carried on
    "fully_connected_256x256.toml": ["2.params"],                         # "+ 1" bias for 10 units
}


def test_every_homework_file_grades_as_its_comment_says() -> None:
    files = sorted(HOMEWORK.glob("*.toml"))
    assert len(files) >= 15
    for path in files:
        report = grade_file(str(path))
        flagged = [v.claim for v in report.verdicts if not v.ok]
        assert flagged == FLAGGED.get(path.name, []), path.name
        comment = path.read_text(encoding="utf-8")
        count = len(flagged)
        expected = "reports all correct" if not count else f"reports {count} wrong"
        assert expected in comment, f"{path.name}'s comment does not say '{expected}'"


def test_rounded_answers_are_reported_as_rounded() -> None:
    report = grade_file(str(HOMEWORK / "flip_and_pool_practice.toml"))
    assert [v.status for v in report.verdicts] == ["correct", "correct", "rounded"]


def test_a_class_of_answer_files_as_csv() -> None:
    names = ["ann_nodes", "ann_weights", "alexnet_output_size", "binary_image_maps", "fully_connected_256x256",
             "mnist_4_layer", "output_size_251x151"]
    result = run("check", *(str(HOMEWORK / f"{name}.toml") for name in names), "--format", "csv")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("name,score,")
    assert any(line.startswith("mnist_4_layer.toml,10/11,") for line in lines)
    assert run("check", "--answers", str(HOMEWORK / "exam_128x128x3.toml")).exit_code == 0


def test_answer_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("spec = [", encoding="utf-8")
    with pytest.raises(CnnCalcError, match="cannot read the answer file"):
        grade_file(str(bad))
    empty = tmp_path / "empty.toml"
    empty.write_text('spec = "input 8x8x1, conv2x3"\n', encoding="utf-8")
    with pytest.raises(CnnCalcError, match="holds no answers"):
        grade_file(str(empty))
    dotted = tmp_path / "dotted.toml"
    dotted.write_text('spec = "input 8x8x1, conv2x3"\n[answers]\nconv2d.params = 20\n', encoding="utf-8")
    assert [v.claim for v in grade_file(str(dotted)).verdicts] == ["conv2d.params"]


# ----- pasted summaries -----

PASTES = {
    "keras2_truncated.txt": "examples/mnist_keras.cnn",
    "lecture_mnist_keras2.txt": "examples/mnist_keras.cnn",
    "lecture_convnet_keras2.txt": "examples/lectures/convnet.cnn",
    "lecture_no_max_pool_keras2.txt": "examples/lectures/convnet_no_max_pool.cnn",
    "lecture_mnist_dropout_keras2.txt": "examples/lectures/mnist_4_layer_dropout.cnn",
    "keras3_mnist.txt": "examples/mnist_keras.cnn",
    "torchinfo_mnist.txt": "examples/mnist_keras.cnn",
    "keras3_bn.txt": "input 32x32x3, conv16x3 same, bn, relu, gap, dense10",
    "torchinfo_bn.txt": "input 32x32x3, conv16x3 same, bn, relu, gap, dense10",
}


def spec_of(name: str) -> str:
    spec = PASTES[name]
    return (ROOT / spec).read_text(encoding="utf-8") if spec.endswith(".cnn") else spec


@pytest.mark.parametrize("name", sorted(PASTES))
def test_real_summaries_parse_and_agree(name: str) -> None:
    pasted = parse_summary((SUMMARIES / name).read_text(encoding="utf-8"))
    net = build(spec_of(name))
    verdicts = align(net, pasted)
    assert all(v.ok for v in verdicts), [v for v in verdicts if not v.ok]
    assert pasted.kind == ("torchinfo" if name.startswith("torchinfo") else "keras")


def test_keras2_truncated_types_and_torchinfo_channels_first() -> None:
    truncated = parse_summary((SUMMARIES / "keras2_truncated.txt").read_text(encoding="utf-8"))
    assert truncated.rows[1].keras_class == "MaxPooling2D"  # "(MaxPooling2" in the paste
    torchinfo = parse_summary((SUMMARIES / "torchinfo_mnist.txt").read_text(encoding="utf-8"))
    assert torchinfo.rows[0].shape == (26, 26, 32)  # [1, 32, 26, 26] channels-first
    assert torchinfo.skipped == ("ReLU", "ReLU", "Softmax")
    keras3 = parse_summary((SUMMARIES / "keras3_bn.txt").read_text(encoding="utf-8"))
    assert [row.keras_class for row in keras3.rows][3] == "GlobalAveragePooling2D"  # wrapped onto two lines
    assert dict(keras3.totals) == {"total": 682, "trainable": 650, "non_trainable": 32}


def test_a_missing_row_is_named_and_the_rest_still_align() -> None:
    lines = (SUMMARIES / "keras3_mnist.txt").read_text(encoding="utf-8").splitlines()
    without_pool = "\n".join(line for line in lines if "max_pooling2d (" not in line)
    verdicts = align(build(spec_of("keras3_mnist.txt")), parse_summary(without_pool))
    wrong = [v for v in verdicts if not v.ok]
    assert [(v.claim, v.given) for v in wrong] == [("2 max_pooling2d", "(missing)")]


def test_an_extra_row_is_named() -> None:
    text = (SUMMARIES / "lecture_convnet_keras2.txt").read_text(encoding="utf-8")
    text = text.replace("conv2d_3 (Conv2D)", "dropout_9 (Dropout)\t(None, 5, 5, 64)\t0\nconv2d_3 (Conv2D)")
    wrong = [v for v in align(build(spec_of("lecture_convnet_keras2.txt")), parse_summary(text)) if not v.ok]
    assert len(wrong) == 1 and wrong[0].note == "an extra row: the spec has no layer here"


def test_a_wrong_pasted_count_is_caught_with_its_arithmetic() -> None:
    text = (SUMMARIES / "lecture_mnist_dropout_keras2.txt").read_text(encoding="utf-8").replace("18496", "18494")
    result = run("check", "examples/lectures/mnist_4_layer_dropout.cnn", "--summary", "-", "--format", "json",
                 stdin=text)
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    [wrong] = [d for d in report["details"] if d["status"] == "wrong"]
    assert (wrong["claim"], wrong["given"], wrong["arithmetic"]) == (
        "2 conv2d_1 params", "18,494", "(3·3·32 + 1)·64 = 18,496")


def test_nothing_to_read_in_a_paste() -> None:
    with pytest.raises(CnnCalcError, match="no layer rows"):
        parse_summary("hello")


# ----- feature-map answers on conv and pool -----

def test_conv_expect_marks_the_wrong_cells_and_explains_the_first() -> None:
    args = ["conv", "--matrix", str(ROOT / "examples/matrices/binary_image_5x5.txt"), "--kernel",
            str(ROOT / "examples/matrices/kernel_3x3.txt"), "--expect", "2 -1 1; 2 1 0; 1 -1 1"]
    result = run(*args)
    assert result.exit_code == 1
    assert "✗ 6 of 9 cells differ" in result.stdout
    assert "result(1,2) = 0×0 + 1×1 + 0×0" in result.stdout  # the first wrong cell, explained
    assert "[ 1]" in result.stdout  # and marked in the grid
    document = json.loads(run(*args, "--format", "json").stdout)
    assert document["status"] == "wrong" and document["wrong"][0] == [1, 2]


def test_pool_expect_with_tolerance_and_round() -> None:
    args = ["pool", "--matrix", str(ROOT / "examples/matrices/pool_4x4.txt"), "--size", "2", "--mode", "avg"]
    assert run(*args, "--expect", "13 8; 79 20").exit_code == 1
    rounded = run(*args, "--expect", "13 8; 79 20", "--round", "0")
    assert rounded.exit_code == 0 and "(1 rounded)" in rounded.stdout
    assert run(*args, "--expect", "13 8; 79 19.55", "--tolerance", "0.005").exit_code == 0
    assert run(*args, "--expect", "13 8; 79").exit_code == 2  # ragged answer
    assert run(*args, "--expect", "13 8 1; 79 19.5 1").exit_code == 1  # wrong size: a wrong answer


def test_a_row_cnncalc_does_not_model_is_unchecked_not_wrong(tmp_path: Path) -> None:
    """Issue 13: an LSTM row in a paste is reported as unchecked, never as wrong or as an extra row, and its
    parameters still count toward the totals (Keras 2's layout)."""
    paste = tmp_path / "lstm.txt"
    paste.write_text("""_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
conv1d (Conv1D)              (None, 98, 8)             32
_________________________________________________________________
lstm (LSTM)                  (None, 16)                1,600
_________________________________________________________________
dense (Dense)                (None, 4)                 68
=================================================================
Total params: 1,700
Trainable params: 1,700
Non-trainable params: 0
_________________________________________________________________
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "input 100x1, conv1d8x3, gap1d, dense4", "--summary", str(paste),
                                       "--format", "json"])
    details = json.loads(result.stdout)[0]["details"]
    lstm = [d for d in details if "lstm" in d["claim"]]
    assert lstm and all(d["status"] == "unchecked" and "LSTM" in d["note"] for d in lstm)
    assert not any("extra row" in d["note"] for d in details)
    alone = json.loads(CliRunner().invoke(main, ["check", "--summary", str(paste), "--format", "json"]).stdout)
    assert [d["status"] for d in alone[0]["details"] if d["claim"] == "total"] == ["correct"]


def test_a_markdown_paste_grades_as_the_table(tmp_path: Path) -> None:
    paste = tmp_path / "paste.md"
    paste.write_text("| Layer (type) | Output Shape | Param # |\n|---|---|---:|\n"
                     "| conv2d (Conv2D) | (None, 26, 26, 32) | 320 |\n"
                     "| max_pooling2d (MaxPooling2D) | (None, 13, 13, 32) | 0 |\n"
                     "| flatten (Flatten) | (None, 5408) | 0 |\n| dense (Dense) | (None, 10) | 54,090 |\n\n"
                     "**Total params:** 54,410\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "input 28x28x1, conv32x3, pool2, flatten, dense10", "--summary",
                                       str(paste)])
    assert result.exit_code == 0 and "9/9 correct" in result.stdout


def test_nothing_readable_says_what_was_seen(tmp_path: Path) -> None:
    paste = tmp_path / "header.txt"
    paste.write_text("Model: \"sequential\"\nLayer (type)      Output Shape      Param #\nTotal params: 10\n",
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--summary", str(paste)])
    assert result.exit_code == 2
    assert "it has a Keras summary's header, but no row" in result.stderr
    missing = CliRunner().invoke(main, ["check", "--summary", str(tmp_path / "nowhere.txt")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_an_unbatched_torchinfo_table_keeps_its_channels() -> None:
    """torchinfo.summary(model, input_size=(1, 28, 28)) prints shapes without a batch axis: [32, 26, 26] is
    C×H×W there, which a one-axis Linear row ([10]) gives away."""
    from cnncalc.grading.selfcheck import self_check

    text = ("Layer (type:depth-idx)                   Output Shape              Param #\n"
            "├─Conv2d: 1-1                            [32, 26, 26]              320\n"
            "├─ReLU: 1-2                              [32, 26, 26]              --\n"
            "├─MaxPool2d: 1-3                         [32, 13, 13]              --\n"
            "├─Flatten: 1-4                           [5408]                    --\n"
            "├─Linear: 1-5                            [10]                      54,090\n"
            "Total params: 54,410\nTrainable params: 54,410\nNon-trainable params: 0\n")
    pasted = parse_summary(text)
    assert [row.shape for row in pasted.rows] == [(26, 26, 32), (13, 13, 32), (5408,), (10,)]
    net = build("input 1x28x28 nchw, conv32x3 relu, pool2, flatten, dense10")
    assert [v for v in align(net, pasted) if not v.ok] == [] and [v for v in self_check(pasted) if not v.ok] == []


def test_old_keras_fixtures_read_whole() -> None:
    """Keras 1 on Theano (channels first) and tf.keras 2.5+'s wrapped types, printed from models Keras 3 built
    (tests/fixtures/summaries/make_summaries.py): every row read as its class, clean with and without the spec.

    The tables come from this project's imitation printers (tests/summary_printers.py), so this is a change
    detector: a misreading shared by printer and reader would pass here. tests/test_real_pastes.py holds the
    reader to summaries the real Keras 1, Keras 2 and tf.keras printed, every number checked by hand."""
    from cnncalc.grading.selfcheck import self_check

    theano = parse_summary((SUMMARIES / "keras1_theano.txt").read_text(encoding="utf-8"))
    assert [row.keras_class for row in theano.rows] == ["Conv2D", "Conv2D", "MaxPooling2D", "Dropout", "Flatten",
                                                         "Dense", "Dropout", "Dense"]
    alone = self_check(theano)
    assert [v.status for v in alone].count("wrong") == 0 and "read channels-first" in alone[0].note
    seed004 = build((ROOT / "examples" / "lectures" / "mnist_4_layer_dropout.cnn").read_text(encoding="utf-8"))
    against = align(seed004, theano)  # seed 004's network, written channels-last: the paste is read channels-first
    assert [v.claim for v in against if v.status == "wrong"] == [] and "channels-first" in against[0].note
    wrapped = parse_summary((SUMMARIES / "tf_keras_wrapped.txt").read_text(encoding="utf-8"))
    assert [row.keras_class for row in wrapped.rows] == [
        "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Conv2D", "BatchNormalization", "Activation",
        "GlobalAveragePooling2D", "Dense"]
    assert [v.claim for v in self_check(wrapped) if v.status == "wrong"] == []


@pytest.mark.parametrize(("line", "name", "keras_class"), [
    ("batch_normalization_12 (Bat (None, 8, 8, 64)   256", "batch_normalization_12", "BatchNormalization"),
    ("activation_1 (None, 10) 0 dense_1[0][0]", "activation_1", "Activation"),  # a type cell lost
    ("maxpooling2d_3 (MaxPooling2D) (None, 5, 5, 64) 0", "maxpooling2d_3", "MaxPooling2D"),  # Keras 1's name
    ("average_pooling2d_1 (Average (None, 4, 4, 8)   0", "average_pooling2d_1", "AveragePooling2D"),  # not Average
    ("conv2d ( Conv2D)  ( None, 24, 24, 24)  1176", "conv2d", "Conv2D"),  # a translated page's spaces
    ("block1_conv1 (Conv2D)  (None, 224, 224, 64)  1792", "block1_conv1", "Conv2D"),  # a name of its own
])
def test_a_rows_class_comes_from_its_type_or_its_auto_name(line: str, name: str, keras_class: str) -> None:
    row = parse_summary(f"Layer (type)  Output Shape  Param #\n{line}\nTotal params: 1").rows[0]
    assert (row.name, row.keras_class) == (name, keras_class)


def test_an_input_layer_printed_as_a_list_gives_the_first_rows_input() -> None:
    """tf.keras prints an InputLayer's shape as a list, '[(None, 32, 32, 3)]': the first conv is then checkable."""
    from cnncalc.grading.selfcheck import self_check

    text = """ Layer (type)                   Output Shape         Param #     Connected to
 input_1 (InputLayer)           [(None, 32, 32, 3)]  0           []
 conv2d (Conv2D)                (None, 32, 32, 16)   448         ['input_1[0][0]']
 conv2d_1 (Conv2D)              (None, 32, 32, 16)   2320        ['conv2d[0][0]']
 add (Add)                      (None, 32, 32, 16)   0           ['conv2d[0][0]',
                                                                  'conv2d_1[0][0]']
Total params: 2,768
Trainable params: 2,768
Non-trainable params: 0"""
    pasted = parse_summary(text)
    assert (pasted.input_name, pasted.input_shape) == ("input_1", (32, 32, 3))
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert verdicts["1 conv2d params"].status == "correct"
    assert verdicts["1 conv2d params"].note == "a 3×3 kernel on 3 channels"
    assert verdicts["3 add output"].status == "correct"
    broken = {v.claim: v.status for v in self_check(parse_summary(text.replace("448 ", "484 ")))}
    assert broken["1 conv2d params"] == "wrong"


def test_a_malformed_file_in_a_batch_is_its_own_report(tmp_path: Path) -> None:
    """A class's batch: one unreadable answer file is reported as that file's error; the others are graded."""
    bad = tmp_path / "broken.toml"
    bad.write_text('spec = "input 7x7x1"\n[answers]\n"9.params" = 3\n', encoding="utf-8")
    good = ROOT / "examples" / "homework" / "stride_fit_7x7.toml"
    result = CliRunner().invoke(main, ["check", "--answers", str(good), "--answers", str(bad), "--format", "json"])
    reports = json.loads(result.output)
    assert result.exit_code == 1
    assert [(r["name"], r["score"]) for r in reports] == [("stride_fit_7x7.toml", "4/4"), ("broken.toml", "0/1")]
    assert "there is no layer '9'" in reports[1]["details"][0]["note"]
    alone = CliRunner().invoke(main, ["check", "--answers", str(bad)])
    assert alone.exit_code == 2 and "there is no layer '9'" in alone.output


@pytest.mark.parametrize(("answer", "note"), [
    ("24x14", "graded as H×W: the answer gives no channels"),          # seed 002's "24 × 14"
    ("[batch_size, 24, 14, 1]", ""),                                     # seed 001's notation
    ("(N, 1, 24, 14)", "read channels-first, (N, C, H, W) as PyTorch writes it"),
    ("[1, 1, 24, 14]", "read channels-first, (N, C, H, W) as PyTorch writes it"),  # torchinfo's
])
def test_shapes_in_every_notation(answer: str, note: str) -> None:
    net = build("input 251x151x1, conv1x21 s10")
    verdict = grade(net, "1.output", answer)
    assert (verdict.status, verdict.note) == ("correct", note)


def test_costs_and_receptive_fields_are_graded() -> None:
    net = build("input 28x28x1, conv32x3, conv64x3")
    assert grade(net, "1.macs", "194,688").status == "correct"       # 26·26·32 outputs × 9 MACs
    assert grade(net, "1.macs", "194.69K").status == "rounded"
    assert grade(net, "1.macs", "190K").status == "wrong"
    assert grade(net, "2.rf", "5").status == "correct"               # seed 003: a 5×5 window of the input
    assert grade(net, "2.rf", "3").arithmetic == "r = 3 + (3 − 1)·1 = 5"


# ---- issue 21: a space groups thousands in threes only; '2 6' is no number ----

@pytest.mark.parametrize("text", ["2 6", "1 8496", "18 49 6", "18 4960"])
def test_a_space_groups_thousands_in_threes_only(text: str) -> None:
    from cnncalc.language.literals import read_count

    with pytest.raises(ValueError, match="is not a whole count"):
        read_count(text)
    assert read_count("18 496") == 18496 and read_count("1 199 882") == 1199882


SPLIT = ("conv2d (Conv2D)            (None, 26, 26, 32)        320\n"
         "conv2d_1 (Conv2D)   (None, 2 6, 26, 32)   18,496\n"
         "max_pooling2d (MaxPooling2D)  (None, 12, 12, 32)  0\n"
         "flatten (Flatten)  (None, 4 608)  0\n"
         "Total params: 18,816\n")


def verdicts(*args: str, stdin: str) -> dict[str, dict[str, Any]]:
    result = run("check", *args, "--summary", "-", "--format", "json", stdin=stdin)
    assert result.exit_code in (0, 1), result.output
    return {detail["claim"]: detail for detail in json.loads(result.stdout)[0]["details"]}


def test_a_pasted_shape_with_split_digits_is_unchecked_never_read_as_a_number() -> None:
    """(None, 2 6, 26, 32) was read as 26; its count is still graded: (3·3·32 + 1)·32 = 9,248 by hand.
    (None, 4 608) groups thousands and reads as 4,608 = 12·12·32."""
    graded = verdicts("input 28x28x1, conv32x3, conv32x3, pool2, flatten", stdin=SPLIT)
    output = graded["2 conv2d_1 output"]
    assert (output["given"], output["status"]) == ("(None, 2 6, 26, 32)", "unchecked")
    assert "a space inside a size groups thousands, in threes (18 496)" in output["note"]
    assert (graded["2 conv2d_1 params"]["correct"], graded["2 conv2d_1 params"]["status"]) == ("9,248", "wrong")
    assert graded["4 flatten output"]["status"] == "correct"
    alone = verdicts(stdin=SPLIT)
    assert alone["2 conv2d_1 output"]["status"] == "unchecked"
    assert all(v["given"] != "(None, 26, 26, 32)" for claim, v in alone.items() if claim.startswith("2 "))


def test_a_torchinfo_shape_with_split_digits_is_unchecked() -> None:
    paste = ("Layer (type:depth-idx)                   Output Shape              Param #\n"
             "Sequential                               [1, 10]                   --\n"
             "├─Conv2d: 1-1                            [1, 3 2, 26, 26]          320\n"
             "├─Flatten: 1-2                           [1, 21632]                --\n"
             "├─Linear: 1-3                            [1, 10]                   216,330\n"
             "Total params: 216,650\n")
    graded = verdicts("input 1x28x28 nchw, conv32x3, flatten, dense10", stdin=paste)
    assert (graded["1 Conv2d: 1-1 output"]["given"], graded["1 Conv2d: 1-1 output"]["status"]) == \
        ("[1, 3 2, 26, 26]", "unchecked")
    assert graded["1 Conv2d: 1-1 params"]["status"] == "correct"  # (3·3·1 + 1)·32 = 320
