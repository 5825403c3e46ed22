"""examples/notebook.ipynb runs top to bottom in a fresh kernel (nbclient and ipykernel, the test extra) with no
framework imported, and prints what it stores: its stored outputs are what a reader sees on a page that does not
run it (``--update-golden`` rewrites them, pictures included). The numbers it prints are checked here against
Keras' own MNIST example, written out by hand."""

from __future__ import annotations

import copy
import importlib
import os
from types import ModuleType
from typing import Any

import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
#: a last cell, run but neither stored nor compared: which frameworks the notebook imported
PROBE = 'import sys; print(sorted(name for name in ("torch", "keras", "tensorflow") if name in sys.modules))'


def need(name: str) -> ModuleType:
    """nbclient or nbformat; a skip where the test extra is not installed, a failure in CI."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: install the test extra (.[test])")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")


def shown(cell: Any) -> list[tuple[str, str]]:
    """A code cell's outputs as a reader sees them: printed text, and each displayed value's forms."""
    found = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            found.append((output["name"], output["text"]))
        elif output["output_type"] in ("execute_result", "display_data"):
            found += [(kind, output["data"][kind]) for kind in sorted(output["data"])]
        else:
            found.append((output["output_type"], str(output)))
    return found


def test_the_notebook_runs_and_shows_what_it_stores(request: pytest.FixtureRequest,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    nbclient, nbformat = need("nbclient"), need("nbformat")
    need("ipykernel")
    stored = nbformat.read(NOTEBOOK, as_version=4)
    run = copy.deepcopy(stored)
    run.cells.append(nbformat.v4.new_code_cell(PROBE))
    for cell in run.cells:
        cell.metadata.pop("execution", None)  # the timings of the run that stored it, not kept
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nbclient.NotebookClient(run, timeout=120, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(ROOT)}}).execute()  # raises on a failing cell
    probe = run.cells.pop()
    assert shown(probe) == [("stdout", "[]\n")]  # no framework was imported
    code = [cell for cell in run.cells if cell.cell_type == "code"]
    summary, rows, field, block, macs, error = (shown(cell) for cell in code)
    # the page (which notebooks prefer), the picture alone, and the repr
    assert [kind for kind, _ in summary] == ["image/svg+xml", "text/html", "text/plain"]
    page = summary[1][1]
    assert "<table>" in page and "<svg" in page and "Total params: 34,826" in page
    # Keras' MNIST convnet: conv 26×26×32 (32·(9 + 1) = 320), pool 13×13, conv 11×11×64 (64·(9·32 + 1) = 18,496),
    # pool 5×5, flatten 5·5·64 = 1,600, dense 10·(1,600 + 1) = 16,010: 34,826 in all
    assert rows == [("stdout", "conv2d Conv2D (None, 26, 26, 32) 320\n"
                               "max_pooling2d MaxPooling2D (None, 13, 13, 32) 0\n"
                               "conv2d_1 Conv2D (None, 11, 11, 64) 18496\n"
                               "max_pooling2d_1 MaxPooling2D (None, 5, 5, 64) 0\n"
                               "flatten Flatten (None, 1600) 0\n"
                               "dense Dense (None, 10) 16010\n"
                               "34826 34826 0\n")]
    assert field[0][0] == "image/svg+xml" and 'class="field"' in field[0][1]
    assert "<svg" in block[1][1] and "MACs" in block[1][1]
    assert macs == [("text/plain", "1814073344")]  # torchvision's ResNet-18: 1.81 GFLOPS, as its docs count
    assert error == [("stdout", "unknown layer 'dens10' (layer 2)\n  input 28x28x1, conv32x3, dens10\n"
                                "                           ^^^^^^\ndid you mean 'dense10'?\n")]
    if request.config.getoption("--update-golden"):
        nbformat.write(run, NOTEBOOK)
        stored = run
    kept = [cell for cell in stored.cells if cell.cell_type == "code"]
    assert [words(cell) for cell in code] == [words(cell) for cell in kept], \
        "the notebook's stored outputs are not what it shows now: rewrite them with --update-golden"
    assert [[kind for kind, _ in shown(cell)] for cell in code] == [[kind for kind, _ in shown(cell)] for cell in kept]


def words(cell: Any) -> list[tuple[str, str]]:
    """What a cell printed and its values' text: compared exactly, while a picture or a page stored in the
    notebook may lag a change of their drawing (--update-golden renews them)."""
    return [(kind, text) for kind, text in shown(cell) if kind not in ("text/html", "image/svg+xml")]
