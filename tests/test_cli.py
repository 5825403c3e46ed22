"""The summary command through click's CliRunner: exit codes, streams, formats, golden tables."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import build

from .conftest import ROOT, ZOO, render_table

MNIST = "input 28x28x1, conv32x3x3 relu, pool2, conv64x3 relu, pool2, flatten, dropout0.5, dense10 softmax"


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_summary_prints_the_keras_table() -> None:
    result = run("summary", MNIST)
    assert result.exit_code == 0
    assert "│ conv2d_1 (Conv2D)" in result.stdout
    assert "(None, 11, 11, 64)" in result.stdout
    assert "18,496" in result.stdout
    assert " Total params: 34,826 (136.04 KB)" in result.stdout
    assert " Non-trainable params: 0 (0.00 B)" in result.stdout
    assert ("⚠ max_pooling2d_1: (11 − 2)/2 + 1 = 5.5 → 5; the last row and column of the 11×11 input are "
            "never read") in result.stdout


def test_keras_sizes_in_the_footer() -> None:
    # seed 002/004's network: Keras prints "Total params: 1,199,882 (4.58 MB)".
    result = run("summary", str(ROOT / "examples" / "lectures" / "mnist_4_layer.cnn"))
    assert " Total params: 1,199,882 (4.58 MB)" in result.stdout
    assert " Trainable params: 1,199,882 (4.58 MB)" in result.stdout


def test_json_is_the_pinned_document() -> None:
    result = run("summary", "input 28x28x1, conv32x3x3 relu, bn", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["input_shape"] == [28, 28, 1]
    assert document["layers"][0] == {
        "index": 1, "name": "conv2d", "type": "Conv2D", "spec": "conv32x3x3 relu",
        "output_shape": [26, 26, 32], "params": 320, "weights": 288, "biases": 32,
        "trainable": 320, "non_trainable": 0, "warnings": [], "notes": [],
        "inputs": ["input_layer"],  # issue 11: a chain's JSON gains inputs, and nothing else changes
    }
    assert document["layers"][1]["inputs"] == ["conv2d"]
    assert document["layers"][1]["non_trainable"] == 64
    assert (document["total_params"], document["trainable_params"], document["non_trainable_params"]) == (
        448, 384, 64)


def test_csv_and_markdown_carry_the_same_rows() -> None:
    rows = list(csv.DictReader(io.StringIO(run("summary", MNIST, "--format", "csv").stdout)))
    assert [row["name"] for row in rows][:3] == ["conv2d", "max_pooling2d", "conv2d_1"]
    assert rows[2]["params"] == "18496" and rows[2]["output_shape"] == "(None, 11, 11, 64)"
    assert rows[3]["warnings"].startswith("(11 − 2)/2 + 1 = 5.5 → 5")
    markdown = run("summary", MNIST, "--format", "markdown").stdout
    assert "| 3 | conv2d_1 (Conv2D) | (None, 11, 11, 64) | 18,496 |" in markdown
    assert "**Total params:** 34,826 (136.04 KB)" in markdown


def test_input_option_replaces_or_supplies_the_input() -> None:
    supplied = json.loads(run("summary", "conv8x3, flatten", "--input", "10x10x1", "--format", "json").stdout)
    assert supplied["layers"][1]["output_shape"] == [512]
    replaced = json.loads(run("summary", "input 28x28x1, conv8x3", "--input", "32x32x3", "--format", "json").stdout)
    assert replaced["input_shape"] == [32, 32, 3]
    assert replaced["layers"][0]["params"] == 3 * 3 * 3 * 8 + 8


def test_spec_from_stdin_and_from_a_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run("summary", "-", "--format", "json", stdin=MNIST).exit_code == 0
    path = tmp_path / "net.cnn"
    path.write_text("# comment\ninput 28x28x1\nconv8x3 # first\npool2\n", encoding="utf-8")
    document = json.loads(run("summary", str(path), "--format", "json").stdout)
    assert document["layers"][1]["output_shape"] == [13, 13, 8]


def test_strict_exits_one_on_warnings_only() -> None:
    assert run("summary", MNIST, "--strict").exit_code == 1
    assert run("summary", "input 28x28x1, conv8x3, pool2", "--strict").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [("summary", "input 4x4x1, conv8x5"), ("summary", "input 28x28x1, dens10"), ("summary", "conv32x3x3"),
     ("summary", "input 28x28x1, conv0x3"), ("summary", "missing.cnn"), ("summary", "x", "--input", "abc"),
     ("summary", MNIST, "--format", "yaml")],
)
def test_bad_input_exits_two_with_nothing_on_stdout(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_error_text_on_stderr() -> None:
    result = run("summary", "input 28x28x1, conv32x3x3, flatten, dens10")
    assert result.stderr == (
        "Error: unknown layer 'dens10' (layer 3)\n"
        "  input 28x28x1, conv32x3x3, flatten, dens10\n"
        "                                      ^^^^^^\n"
        "did you mean 'dense10'?\n"
    )
    assert run("summary", "nosuch.cnn").stderr.startswith("Error: no such file: nosuch.cnn")


def test_piped_output_is_plain_and_no_color_is_honoured() -> None:
    for env in ({}, {"NO_COLOR": "1", "FORCE_COLOR": ""}):
        done = subprocess.run([sys.executable, "-m", "cnncalc", "summary", MNIST], capture_output=True, text=True,
                              env={**env, "PATH": ""}, check=True)
        assert "\x1b[" not in done.stdout
        assert "conv2d_1 (Conv2D)" in done.stdout
    forced = subprocess.run([sys.executable, "-m", "cnncalc", "summary", MNIST], capture_output=True, text=True,
                            env={"FORCE_COLOR": "1", "NO_COLOR": "1"}, check=True)
    assert "\x1b[3" not in forced.stdout  # NO_COLOR wins over colour even when forced


@pytest.mark.parametrize(("name", "path"), [
    ("mnist_keras", ROOT / "examples" / "mnist_keras.cnn"),
    ("mnist_4_layer_dropout", ROOT / "examples" / "lectures" / "mnist_4_layer_dropout.cnn"),
    ("vgg16", ZOO / "keras" / "VGG16.cnn"),
    ("exam_128x128x3", ROOT / "examples" / "lectures" / "exam_128x128x3.cnn")])
def test_golden_tables(name: str, path: Path, golden) -> None:  # type: ignore[no-untyped-def]
    net = build(path.read_text(encoding="utf-8"))
    golden(f"{name}.txt", render_table(net))


def test_golden_explain(golden) -> None:  # type: ignore[no-untyped-def]
    golden("mnist_keras_explain.txt", render_table(build(MNIST), explain=True))


def test_every_command_has_help() -> None:
    names = main.list_commands(click.Context(main))
    assert len(names) == 8
    for command in names:
        result = run(command, "--help")
        assert result.exit_code == 0 and len(result.stdout) > 100


def test_a_command_loads_only_its_own_module() -> None:
    """Commands are imported when they run: a summary loads none of the other commands' modules."""
    code = ("import sys; from cnncalc.cli.commands import main; "
            "main(['summary', 'input 8x8x1, conv2x3', '--format', 'csv'], standalone_mode=False); "
            "print(sorted(m for m in sys.modules if m.startswith('cnncalc.cli.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = done.stdout.strip().splitlines()[-1]
    assert "cnncalc.cli.summary" in loaded
    for other in ("check", "check_stride", "solve", "worked", "zoo"):
        assert f"'cnncalc.cli.{other}'" not in loaded


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_verbose_never_cuts_a_number_or_a_header(width: int) -> None:
    """Issue 12: at 80 columns --verbose printed '102,764…'. Every count and title must appear whole: in the
    table when it fits, else in one block per layer."""
    from rich.console import Console

    from cnncalc.analysis.pipeline import COLUMNS, analyse
    from cnncalc.views.render import print_table

    net = build((ZOO / "keras" / "VGG16.cnn").read_text(encoding="utf-8"))
    out = io.StringIO()
    print_table(Console(file=out, width=width, color_system=None), net, analysis=analyse(net, COLUMNS))
    text = out.getvalue()
    assert "…" not in text
    assert max(len(line) for line in text.splitlines() if not line.startswith(("⚠", "ℹ"))) <= max(width, 40)
    for layer in net.layers:
        assert f"{layer.params.total:,}" in text and net.shape_text(layer.output_shape) in text
    for title in ("MACs", "(no bias)", "Activations", "(size, jump, start)"):
        assert title in text


def test_csv_writes_the_receptive_field_as_three_plain_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(run("summary", "input 32x32x3, conv8x3, pool2", "--format", "csv",
                                               "--columns", "rf").stdout)))
    assert [(r["rf_size"], r["rf_jump"], r["rf_start"]) for r in rows] == [("3x3", "1x1", "1x1"),
                                                                            ("4x4", "2x2", "1.5x1.5")]
    assert "receptive_field" not in rows[0]


@pytest.mark.parametrize(("word", "pointer"), [("flops", "cnncalc summary SPEC -v"), ("macs", "--flops-convention"),
                                               ("rf", "cnncalc summary SPEC -v"), ("grade", "cnncalc check")])
def test_a_guessed_command_points_at_the_one_that_does_it(word: str, pointer: str) -> None:
    result = CliRunner().invoke(main, [word, "input 28x28x1, conv8x3"])
    assert result.exit_code == 2
    assert f"No such command {word!r}: " in result.output and pointer in result.output


def test_an_unknown_command_that_is_no_guess_stays_clicks_own_error() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2 and "No such command 'frobnicate'." in result.output


def test_a_pasted_summary_given_to_summary_points_at_check() -> None:
    paste = (ROOT / "tests" / "fixtures" / "summaries" / "keras3_mnist.txt").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["summary", "-"], input=paste)
    assert result.exit_code == 2
    assert "this is a printed model.summary(), not a spec" in result.output
    assert "cnncalc check --summary FILE" in result.output


@pytest.mark.parametrize("command", [["summary", "input 8x8x1, conv4x3"], ["check", "input 8x8x1, conv4x3",
                                                                           "--expect", "1.params=40"],
                                     ["check-stride", "7", "3", "2"], ["solve", "input 8x8x1, conv?x3",
                                                                      "--params", "40"]])
def test_every_command_takes_format_text_and_json(command: list[str]) -> None:
    # one vocabulary: 'text' is the readable default of every command, 'json' its data (conv4x3 on one channel has
    # (3·3·1 + 1)·4 = 40 parameters; a 3-window at stride 2 on 7 fits: (7 − 3)/2 + 1 = 3)
    text = CliRunner().invoke(main, [*command, "--format", "text"])
    data = CliRunner().invoke(main, [*command, "--format", "json"])
    assert text.exit_code == data.exit_code == 0, text.output
    json.loads(data.output)
    assert "--format [text|" in CliRunner().invoke(main, [command[0], "--help"]).output


def test_the_old_spelling_table_is_a_hidden_alias_of_text() -> None:
    old = CliRunner().invoke(main, ["summary", "input 8x8x1, conv4x3", "--format", "table"])
    new = CliRunner().invoke(main, ["summary", "input 8x8x1, conv4x3", "--format", "text"])
    assert old.exit_code == new.exit_code == 0 and old.output == new.output
    assert "table" not in CliRunner().invoke(main, ["summary", "--help"]).output.split("--format", 1)[1].split("\n")[0]
