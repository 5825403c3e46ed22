"""Issue 21: what cnncalc prints holds the user's text as it was written, and a large table is streamed whole.

Expected values are the user's own text (it must come back verbatim), Keras' auto names and counts written out
here (activation, activation_1, …; MNIST's 320 and 18,496 from the lectures), or pastes built by the test.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import build
from cnncalc.model.records import replace
from cnncalc.views import render

from .conftest import ROOT

MARKUP = ["[bold]x[/]", "[/]", "[batch_size, 26, 26, 33]"]


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin, env={"COLUMNS": "200"}, catch_exceptions=False)


# ---- user text is printed as written, never read as rich markup ----

def test_an_answer_in_brackets_is_the_given_cell() -> None:
    """The issue's case: the Given cell was empty, because rich read '[batch_size, 26, 26, 33]' as a tag."""
    result = run("check", "input 28x28x1, conv33x3", "--expect", "1.output=[batch_size, 26, 26, 33]")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if "1.output" in line)
    assert row.split()[1:5] == ["[batch_size,", "26,", "26,", "33]"]


@pytest.mark.parametrize("text", MARKUP)
def test_pasted_names_and_lines_are_shown_as_written(text: str, tmp_path: Path) -> None:
    """A paste's own layer name (in the self-check's claims), a pasted line (an extra row's Given cell) and the
    paste's file name (a report's title) all come back as written."""
    paste = (f"{text} (Conv2D)  (None, 26, 26, 32)  320\n"
             f"conv2d_1 (Conv2D)  (None, 24, 24, 64)  18496 {text}\n"
             "Total params: 18816\n")
    alone = run("check", "--summary", "-", stdin=paste)
    assert alone.exit_code in (0, 1) and f"1 {text} params" in alone.stdout
    against = run("check", "input 28x28x1, conv32x3", "--summary", "-", stdin=paste)
    assert against.exit_code == 1 and f"18496 {text}" in " ".join(against.stdout.split())
    name = text.replace("/", "|")  # a file name cannot hold '/'
    (tmp_path / f"{name}.txt").write_text(paste, encoding="utf-8")
    (tmp_path / "other.txt").write_text(paste, encoding="utf-8")
    titled = run("check", "--summary", str(tmp_path / f"{name}.txt"), "--summary", str(tmp_path / "other.txt"))
    assert f"{name}.txt" in titled.stdout


@pytest.mark.parametrize("text", MARKUP)
def test_error_messages_quote_user_text_as_written(text: str) -> None:
    result = run("check", "input 28x28x1, conv32x3", "--expect", f"{text}.params=320")
    assert result.exit_code == 2 and f"there is no layer '{text}'" in result.output


@pytest.mark.parametrize("text", MARKUP)
def test_summary_tables_print_names_as_written(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through a console that reads markup (rich's default), boxed and streamed: every cell is plain text."""
    from rich.console import Console

    net = build("input 28x28x1, conv32x3, flatten, dense10")
    net = replace(net, layers=(replace(net.layers[0], name=text), *net.layers[1:]))
    for rows in (render.STREAM_ROWS, 0):
        monkeypatch.setattr(render, "STREAM_ROWS", rows)
        out = io.StringIO()
        render.print_table(Console(file=out, width=120, color_system=None), net)
        assert f"{text} (Conv2D)" in out.getvalue()


def test_the_cli_console_reads_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    """The one place text becomes terminal output."""
    from cnncalc.cli.commands import console

    console().print(" ".join(MARKUP))
    assert capsys.readouterr().out.strip() == " ".join(MARKUP)


# ---- a table past STREAM_ROWS rows is streamed: plain fixed-width lines, every row ----

def activations(count: int) -> list[str]:
    """Keras' auto names for ``count`` Activation layers: activation, activation_1, activation_2, …"""
    return ["activation"] + [f"activation_{n}" for n in range(1, count)]


def test_a_large_summary_is_streamed_with_every_row() -> None:
    count = render.STREAM_ROWS + 1
    result = run("summary", f"input 8x8x1, [relu]x{count}")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "┏" not in result.stdout and f"({count:,} rows: printed as plain fixed-width lines" in result.stdout
    rows = [line.split() for line in lines if line.startswith("activation")]
    assert [row[0] for row in rows] == activations(count)
    assert all(row[1:] == ["(Activation)", "(None,", "8,", "8,", "1)", "0"] for row in rows)
    assert " Total params: 0 (0.00 B)" in lines


def test_a_table_of_stream_rows_is_still_a_box() -> None:
    result = run("summary", f"input 8x8x1, [relu]x{render.STREAM_ROWS}")
    assert result.exit_code == 0 and "┏" in result.stdout and "plain fixed-width lines" not in result.stdout


def test_streamed_rows_hold_the_tables_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lectures' MNIST network, streamed: each row's name, shape and count, then the totals."""
    monkeypatch.setattr(render, "STREAM_ROWS", 0)
    result = run("summary", str(ROOT / "examples" / "mnist_keras.cnn"))
    rows = [line.split("  ") for line in result.stdout.splitlines()[1:10]]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert cells[0] == ["Layer (type)", "Output Shape", "Param #"]
    assert cells[2] == ["conv2d (Conv2D)", "(None, 26, 26, 32)", "320"]
    assert cells[4] == ["conv2d_1 (Conv2D)", "(None, 11, 11, 64)", "18,496"]
    assert " Total params: 34,826 (136.04 KB)" in result.stdout


def test_a_narrow_console_streams_stacked_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "STREAM_ROWS", 0)
    result = CliRunner().invoke(main, ["summary", "input 28x28x1, conv32x3 same, flatten, dense10", "-v"],
                                env={"COLUMNS": "40"})
    assert result.exit_code == 0
    assert "  1  conv2d (Conv2D)" in result.stdout and "     Param #" in result.stdout
    blocks = result.stdout[:result.stdout.index(" Total params")]  # the footer's sentences are as in a box table
    assert all(len(line) <= 40 for line in blocks.splitlines())


def test_a_large_report_is_streamed_with_every_verdict() -> None:
    """A paste of 2,100 dropout rows, self-checked: each learns nothing and keeps (None, 10)."""
    count = 2100
    paste = "flatten (Flatten)  (None, 1600)  0\n" + "".join(
        f"dropout_{n} (Dropout)  (None, 1600)  0\n" for n in range(count)) + "Total params: 0\n"
    result = run("check", "--summary", "-", stdin=paste)
    assert result.exit_code == 0
    claims = [" ".join(line.split()[:3]) for line in result.stdout.splitlines() if "dropout_" in line]
    expected = [f"{n + 2} dropout_{n} {field}" for n in range(count) for field in ("params", "output")]
    assert sorted(claims) == sorted(expected) and len(claims) == len(expected)
    assert "plain fixed-width lines, as every report of more than 2,000 rows is" in result.stdout


# ---- a paste costs a pass over its rows ----

def test_a_long_paste_pairs_each_row_with_its_layer() -> None:
    """300 conv rows (past the whole edit distance): one row left out, one count misprinted; every other row is
    paired with its own layer, not shifted by the missing one."""
    spec = "input 8x8x4, " + ", ".join(f"conv{4 + n % 3}x1 same" for n in range(300))
    net = build(spec)
    lines = []
    for number, layer in enumerate(net.layers):
        if number == 100:
            continue  # left out
        params = layer.params.total + (1 if number == 200 else 0)  # misprinted
        lines.append(f"{layer.name} (Conv2D)  (None, 8, 8, {layer.output_shape[-1]})  {params}")
    result = run("check", spec, "--summary", "-", "--format", "csv", stdin="\n".join(lines))
    assert result.exit_code == 1
    header, row = result.stdout.splitlines()
    statuses = dict(zip(header.split(","), row.split(",")))
    wrong = sorted(claim for claim, status in statuses.items() if status == "wrong")
    assert wrong == ["101 conv2d_100", "201 conv2d_200 params"]


def test_a_paste_of_absurd_channels_is_checked_at_once() -> None:
    """10¹¹ channels: the group counts tried were every number below them (a hang); now the divisors of a gcd."""
    paste = b"conv2d (Conv2D)  (None, 26, 26, 99999999999)  320\nconv2d_1 (Conv2D)  (None, 24, 24, 64)  18496\n"
    done = subprocess.run([sys.executable, "-m", "cnncalc", "check", "--summary", "-", "--format", "json"], input=paste,
                          capture_output=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    [report] = json.loads(done.stdout)
    assert report["verdicts"]["2 conv2d_1 params"] == "wrong"  # (taps·99,999,999,999 + 1)·64 is never 18,496


# ---- the JSON view writes each layer's line itself: it must be what json.dumps writes ----

JSON_NETWORKS = [
    ("examples/mnist_keras.cnn", {}),
    ("examples/graphs/inception3a.cnn", {}),
    ("cnncalc/zoo/torchvision/resnet18.cnn", {}),
    ("input 28x28x1, conv32x3 s2, bn, flatten, dense10 softmax", {"conventions": "torch"}),
    ("input 3x32x32, conv8x3 relu, pool3 s2, reshape8x14x14, flatten", {"layout": "nchw"}),
    ("input 100, embedding1000x16, dense8, flatten", {}),
]


@pytest.mark.parametrize(("spec", "options"), JSON_NETWORKS, ids=[s for s, _ in JSON_NETWORKS])
@pytest.mark.parametrize("columns", [(), ("macs", "flops", "memory", "rf")])
def test_each_json_line_is_what_json_dumps_writes(spec: str, options: dict[str, str],
                                                 columns: tuple[str, ...]) -> None:
    from cnncalc.analysis.pipeline import analyse
    from cnncalc.views.json_view import layer_record, to_json

    text = (ROOT / spec).read_text(encoding="utf-8") if spec.endswith(".cnn") else spec
    net = build(text, None, options.get("layout"), options.get("conventions"))
    analysis = analyse(net, columns, by_op=bool(columns), training=bool(columns))
    lines = to_json(net, None, analysis).splitlines()[2:2 + len(net.layers)]
    assert len(lines) == len(net.layers)
    for written, layer in zip(lines, net.layers):
        line = written.strip().removesuffix(",")
        parsed = json.loads(line)
        assert json.dumps(parsed, ensure_ascii=False) == line  # the standard library writes the same bytes
        assert list(parsed)[:13] == ["index", "name", "type", "spec", "output_shape", "params", "weights", "biases",
                                     "trainable", "non_trainable", "warnings", "notes", "inputs"]
        assert {key: parsed[key] for key in layer_record(net, layer, 1, net.torch)} == \
            layer_record(net, layer, 1, net.torch)
        assert ("macs" in parsed) == bool(columns)
    assert any("→" in line for line in lines) or "mnist" not in spec  # a warning's arrow stays readable
