"""The one place a typed number becomes an int: its bounds and every thousands style, by hand."""

from __future__ import annotations

import pytest

from cnncalc.language.literals import MAX_COUNT, MAX_SIZE, TooLargeError, read_count, read_int


@pytest.mark.parametrize(("digits", "value"), [
    ("0", 0), ("0032", 32), ("9" * 18, 10**18 - 1),             # 18 digits: at most MAX_SIZE = 10^18 − 1
    ("0" * 30 + "7", 7),                                        # leading zeros do not count toward the bound
    ("000" + "9" * 18, MAX_SIZE),
])
def test_read_int_up_to_its_bound(digits: str, value: int) -> None:
    assert read_int(digits) == value


@pytest.mark.parametrize(("digits", "maximum", "message"), [
    ("1" + "0" * 18, MAX_SIZE, "1000000000000000000 is over 10^18"),   # 10^18: one past MAX_SIZE
    ("1" + "0" * 30, MAX_SIZE, "a 31-digit number is over 10^18"),   # over 24 digits: its length, not its digits
    ("1" + "0" * 23, MAX_SIZE, "1" + "0" * 23 + " is over 10^18"),   # 24 digits are still shown
    ("1" + "0" * 24, MAX_SIZE, "a 25-digit number is over 10^18"),   # 25 are not
    ("101", 100, "101 is over 10^3"),
])
def test_read_int_refuses_past_its_bound_saying_which(digits: str, maximum: int, message: str) -> None:
    with pytest.raises(TooLargeError) as caught:
        read_int(digits, maximum)
    assert str(caught.value) == message


def test_a_smaller_maximum_is_checked_even_for_short_numbers() -> None:
    assert read_int("100", 100) == 100
    assert read_int("0100", 100) == 100
    with pytest.raises(TooLargeError):
        read_int("99", 9)


def test_counts_go_beyond_sizes() -> None:
    assert read_count("9" * 120) == MAX_COUNT
    with pytest.raises(TooLargeError, match=r"is over 10\^120"):
        read_count("1" + "0" * 120)


@pytest.mark.parametrize("text", ["18,496", "18.496", "18 496", "18'496", "18_496", "18\u00a0496", "18\u202f496",
                                  "18\u2009496", " 18496 ", "18496"])
def test_every_thousands_style(text: str) -> None:
    assert read_count(text) == 18 * 1000 + 496


@pytest.mark.parametrize(("text", "value"), [("1,234,567", 1_234_567), ("1.234.567", 1_234_567),
                                              ("999", 999), ("1,000", 1000)])
def test_groups_of_three_repeat(text: str, value: int) -> None:
    assert read_count(text) == value


@pytest.mark.parametrize("text", [
    "18.5",        # a decimal is not a count, never truncated
    "1,234.567",   # two separators mixed
    "1,23",        # a group of two
    "1,2345",      # a group of four
    "018,496",     # a group cannot follow a leading zero
    ",496",
    "12a",
    "\u0661\u0662",  # Arabic-Indic digits: digits, but not ASCII
    "",
    "-5",
])
def test_what_is_not_a_whole_count(text: str) -> None:
    with pytest.raises(ValueError, match="is not a whole count"):
        read_count(text)


def test_what_is_not_a_count_is_quoted_to_40_characters() -> None:
    with pytest.raises(ValueError) as caught:
        read_count("x" * 50)
    assert str(caught.value) == f"'{'x' * 40}' is not a whole count"
