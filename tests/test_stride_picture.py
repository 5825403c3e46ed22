"""``check-stride N F S [P] --format svg``: the window picture as SVG, read back with the standard library's XML
parser. Where every window starts and which cells no window reads are worked out by hand in each case."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from cnncalc.cli.commands import main

from .test_pictures import SVG, texts


def picture(*arguments: str) -> tuple[int, ET.Element]:
    result = CliRunner().invoke(main, ["check-stride", *arguments, "--format", "svg"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, ET.fromstring(result.output)


def cells(root: ET.Element) -> list[str]:
    """Each drawn cell's kind, in order (the legend's squares left out: they have no title)."""
    return [rect.findtext(f"{SVG}title", "") for rect in root.iter(f"{SVG}rect")
            if "cell" in rect.get("class", "") and rect.find(f"{SVG}title") is not None]


def windows(root: ET.Element) -> list[tuple[str, int]]:
    """Each window's title (where it reads) and its number of taps."""
    return [(group.findtext(f"{SVG}title", ""), len(group.findall(f"{SVG}circle")))
            for group in root.iter(f"{SVG}g") if group.findtext(f"{SVG}title", "").startswith("window")]


def test_a_stride_that_does_not_fit_leaves_a_cell_unread() -> None:
    code, root = picture("7", "3", "3")
    assert code == 1  # as the text answer: the stride does not fit
    # (7 − 3)/3 + 1 = 2.33: windows at 0 and 3 read 0..5, and cell 6 is never read
    assert cells(root) == ["read"] * 6 + ["unread"]
    assert windows(root) == [("window 0: input 0 to 2", 3), ("window 1: input 3 to 5", 3)]
    shown = texts(root)
    assert "H and W: (7 + 2·0 − 3)/3 + 1 = 2.33: does not fit" in shown
    assert "✗ the stride does not fit" in shown
    assert [label for label in shown if label.isdigit()] == [str(n) for n in range(7)]  # the indices


def test_same_padding_and_two_axes() -> None:
    code, root = picture("28x20", "3", "2", "same")
    assert code == 0
    # same on 28 with stride 2 and k=3: 14 windows, pad (14 − 1)·2 + 3 − 28 = 1, all of it at the bottom; on 20:
    # 10 windows, pad 1, at the right
    assert cells(root) == ["read"] * 28 + ["padding"] + ["read"] * 20 + ["padding"]
    drawn = windows(root)
    assert len(drawn) == 14 + 10
    assert drawn[13] == ("window 13: input 26 to 28", 3) and drawn[-1] == ("window 9: input 18 to 20", 3)
    assert "✓ every axis fits" in texts(root)


def test_ceil_mode_draws_the_last_window_past_the_end() -> None:
    code, root = picture("10", "3", "2", "--ceil")
    assert code == 1
    # (10 − 3)/2 + 1 = 4.5: ceil_mode makes a fifth window, at 8, reading 8, 9 and one cell past the end
    assert cells(root) == ["read"] * 10
    assert [title for title, _ in windows(root)][-1] == "window 4: input 8 to 10"


def test_a_dilated_window_has_a_dot_on_every_tap() -> None:
    _, root = picture("9", "3", "2", "--dilation", "2")
    # the window spans 2·(3 − 1) + 1 = 5 with taps at 0, 2 and 4: (9 − 5)/2 + 1 = 3 windows
    assert windows(root) == [("window 0: input 0 to 4", 3), ("window 1: input 2 to 6", 3),
                             ("window 2: input 4 to 8", 3)]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--spec", "input 28x28x1, conv8x3"], "with --spec, use text or json"),
    (["N", "3", "2"], "N here is a name"),
    (["1000", "3", "1"], "at most 400 cells"),
])
def test_what_cannot_be_drawn_is_refused(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["check-stride", *arguments, "--format", "svg"])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output, result.output
