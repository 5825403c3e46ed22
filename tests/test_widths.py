"""Output fits the width it is given: pictures shrink or leave out their middle, tables break between words or
become blocks, and no line is ever longer than the console or broken in the middle of a picture row.

Expected values are hand arithmetic written here: a picture's label column is 9 characters ("windows  "), a
table has 3 characters of border and padding per column plus 1, and the cells counted are the padded axis.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

from .conftest import ROOT

WIDTHS = [60, 80, 100, 120]
LABELS = ("index    ", "windows  ", "         ", "input    ")
#: conv8x3 same → add(conv8x3 same, relu | id): the residual block, then a head.
RESIDUAL = "input 16x16x3, conv8x3 same, add(conv8x3 same, relu | id), pool2, flatten, dense10"


def run(width: int, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(width), "NO_COLOR": "1"})


def picture_rows(text: str) -> list[list[str]]:
    """Each picture's rows, from its index row to its input row."""
    lines, pictures = text.splitlines(), []
    for number, line in enumerate(lines):
        if line.startswith("index    "):
            end = next(n for n in range(number, len(lines)) if lines[n].startswith("input    "))
            pictures.append(lines[number:end + 1])
    return pictures


def assert_pictures_whole(text: str, width: int) -> list[list[str]]:
    """No line past ``width``; every picture row starts in the label column, the index and input rows hold the
    same cells, and a '…' stands at one column in every row that reaches it."""
    assert max(len(line) for line in text.splitlines()) <= width, text
    pictures = picture_rows(text)
    for rows in pictures:
        assert all(row.startswith(LABELS) for row in rows), rows
        assert len(rows[0]) == len(rows[-1]), rows
        gaps = {row.index("…") for row in rows if "…" in row}
        assert len(gaps) <= 1 and all(row[gap] == "…" for gap in gaps for row in rows if len(row) > gap), rows
    return pictures


CASES = [("7", "3", "3"), ("7", "3", "3", "--ceil"), ("28", "3", "2", "same"), ("36", "3", "1"), ("40", "3", "2"),
         ("72", "3", "1"), ("37", "3", "1", "1"), ("9", "3", "2", "--dilation", "2"), ("70x9", "5", "3")]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_check_stride_pictures_fit_and_never_break_a_row(width: int, args: tuple[str, ...]) -> None:
    result = run(width, "check-stride", *args)
    assert result.exit_code in (0, 1)
    assert picture_rows(result.stdout), "every case here is short enough to draw"
    assert_pictures_whole(result.stdout, width)


@pytest.mark.parametrize(("width", "index"), [
    (100, "index     " + " ".join("0123456789" * 3 + "012345")),  # 9 + 2·36 = 81 columns fit 100: two a cell
    (80, "index    " + "0123456789" * 3 + "012345"),  # 81 > 80: one column a cell, 9 + 36 = 45
])
def test_a_cell_takes_two_columns_only_where_they_fit(width: int, index: str) -> None:
    [rows] = picture_rows(run(width, "check-stride", "36", "3", "1").stdout)
    assert rows[0] == index


def test_a_picture_too_wide_leaves_out_its_middle_with_a_note() -> None:
    """72 cells at 60 columns: 51 after the label, one of them '…', 25 cells either side: 0–24, then 47–71."""
    result = run(60, "check-stride", "72", "3", "1")
    [rows] = assert_pictures_whole(result.stdout, 60)
    assert rows[0] == "index    " + "0123456789" * 2 + "01234" + "…" + "789" + "0123456789" * 2 + "01"
    assert rows[-1] == "input    " + "█" * 25 + "…" + "█" * 25
    assert "         … hides cells 25 to 46 (to fit 60 columns)" in result.stdout.splitlines()


def test_the_picture_keeps_its_tail_where_the_lost_cells_are() -> None:
    """70 with k=5, s=3: (70 − 5)/3 + 1 = 22.67, so 22 windows read up to cell 67 and cells 68 and 69 are lost."""
    result = run(60, "check-stride", "70", "5", "3")
    [rows] = assert_pictures_whole(result.stdout, 60)
    assert rows[-1].endswith("█✗✗")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_residual_summary_fits_as_a_table_from_80_columns(width: int) -> None:
    """The narrowest whole table: names and inputs broken between words, (MaxPooling2D) 14, (None, 16, 16, 8) 17,
    Param # 7, max_pooling2d[0][0] 19: 57 + 3·4 + 1 = 70 columns. At 60 each layer is a block."""
    result = run(width, "summary", RESIDUAL)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= width
    if width < 70:
        assert "┏" not in result.stdout and "     Connected to  activation[0][0], conv2d[0][0]" in lines
        return
    rows = [line for line in lines if line.startswith(("┃", "│"))]
    assert rows and all(line.count("│") + line.count("┃") == 5 for line in rows), "four columns on every line"
    assert re.search(r"activation\[0\]\[0\],\s", result.stdout) and "conv2d[0][0]" in result.stdout
    assert "add (Add)" in result.stdout and "5,130" in result.stdout


@pytest.mark.parametrize("width", [80, 100, 120])
def test_resnet18_is_a_table_at_80_columns_and_more(width: int) -> None:
    from rich.console import Console

    from cnncalc.graph.network import build
    from cnncalc.views.render import print_table

    net = build((ROOT / "cnncalc" / "zoo" / "torchvision" / "resnet18.cnn").read_text(encoding="utf-8"))
    out = io.StringIO()
    print_table(Console(file=out, width=width, color_system=None), net)
    lines = out.getvalue().splitlines()
    rows = [line for line in lines if line.startswith(("┃", "│"))]
    assert rows and all(line.count("│") + line.count("┃") == 5 for line in rows)
    assert max(len(line) for line in lines if not line.startswith(("⚠", "ℹ"))) <= width
    assert "11,689,512" in out.getvalue()  # torchvision's resnet18 parameter count


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv"])
def test_data_formats_do_not_depend_on_the_width(fmt: str) -> None:
    outputs = {run(width, "summary", RESIDUAL, "--format", fmt, "--columns", "macs,memory").stdout
               for width in (40, 80, 250)}
    assert len(outputs) == 1


def test_the_unknown_layer_hint_lists_every_word_whole() -> None:
    result = run(80, "summary", "input 8x8x3, foo3")
    assert result.exit_code == 2
    words = re.findall(r"[a-z0-9]+", result.stderr[result.stderr.index("layers are:"):])
    for word in ("adaptiveavgpool", "adaptivemaxpool", "adaptiveavgpool1d", "reshape", "prelu", "activation"):
        assert word in words
    assert "…" not in result.stderr and max(map(len, result.stderr.splitlines())) <= 80


def test_a_long_spec_line_is_cut_between_words() -> None:
    spec = "input 8x8x3, " + "conv8x3 same, " * 12 + "foo3, " + "conv8x3 same, " * 12 + "dense10"
    result = run(80, "summary", spec)
    shown = result.stderr.splitlines()[1].strip()
    assert shown.startswith("… ") and shown.endswith(" …")
    assert all(word in ("conv8x3", "same,", "foo3,", "…") for word in shown.split())


def test_a_worked_grid_shows_the_columns_that_fit() -> None:
    """24 columns of '-1.125'-wide cells: 6 + 2 = 8 columns each, so 80 columns show 10 of them."""
    matrix = "; ".join(" ".join(f"{(r + c) % 5 - 2.125}" for c in range(24)) for r in range(24))
    result = run(80, "conv", "--input", matrix, "--kernel", "1")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and max(map(len, lines)) <= 80
    assert "columns 1–10 of 24" in result.stdout
    grid = [line for line in lines if re.fullmatch(r"(\s+-?\d+\.\d+)+\s*", line)]
    assert len(grid) == 20 and all(len(line.split()) == 10 for line in grid)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_rich_console_of_any_width_gets_whole_picture_rows(width: int) -> None:
    """As the command draws it: rich's Console(width=…), no COLUMNS involved."""
    from rich.console import Console

    from cnncalc.analysis.stride import check
    from cnncalc.views.stride_view import report_renderable

    out = io.StringIO()
    report = check((72, 40), (3, 3), (1, 2), (0, 0), (1, 1), False)
    Console(file=out, width=width, color_system=None).print(report_renderable(report, width))
    assert len(assert_pictures_whole(out.getvalue(), width)) == 2  # H and W differ: a picture each


@pytest.mark.parametrize("width", [80, 100, 120])
def test_a_check_report_keeps_each_claim_whole(width: int) -> None:
    """The reasons column breaks between words; 'max_pooling2d_1.output' (22 characters) is never folded."""
    result = run(width, "check", str(ROOT / "examples" / "mnist_keras.cnn"), "--expect", "conv2d.params=999",
                 "--expect", "max_pooling2d_1.output=26x26x32")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= width
    claims = [line.split()[0] for line in lines if line.startswith("  ") and line[2:3].strip()]
    assert claims == ["Claim", "conv2d.params", "max_pooling2d_1.output"]
