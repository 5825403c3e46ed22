"""The golden-file check itself: a missing file fails, only --update-golden writes one."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import check_golden


def test_a_missing_golden_file_fails_and_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "table.txt"
    with pytest.raises(pytest.fail.Exception, match=r"golden file table\.txt is missing"):
        check_golden(path, "printed\n", update=False)
    assert not path.exists()


def test_update_golden_writes_then_compares(tmp_path: Path) -> None:
    path = tmp_path / "table.txt"
    check_golden(path, "printed\n", update=True)
    assert path.read_text(encoding="utf-8") == "printed\n"
    check_golden(path, "printed\n", update=False)
    with pytest.raises(AssertionError, match=r"output differs from golden file table\.txt"):
        check_golden(path, "changed\n", update=False)
