"""The plain install (`pip install .`, no extras: no test tools, no frameworks) runs every command the README shows.

tests/plain_install_check.sh builds a virtual environment and installs the package from the package index, so
this test runs only when asked for, as CI asks:
``CNNCALC_PLAIN_INSTALL_TEST=1 python -m pytest tests/test_plain_install.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.skipif(os.environ.get("CNNCALC_PLAIN_INSTALL_TEST") != "1",
                    reason="builds a venv and installs into it: set CNNCALC_PLAIN_INSTALL_TEST=1")
def test_the_plain_install_runs_every_command() -> None:
    done = subprocess.run(["bash", str(ROOT / "tests" / "plain_install_check.sh")], capture_output=True, text=True,
                          timeout=1800, check=False, env={**os.environ, "PYTHON": sys.executable})
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 failed" in done.stdout
