"""The corpus of real model files, read by cnncalc and compared with the frameworks' own record of each model
(tests/corpus/truth, written by tests/corpus/truth.py from PyTorch's and Keras' runs of the unmodified files).

The model files are third-party code and are not committed (tests/corpus/fetch_models.py brings them): without
them these tests are skipped. With them, every entry cnncalc reads is compared with its record: the totals, the
trainable parameters, PyTorch's buffers, the output, and for PyTorch every leaf module's class and output shape in
call order. An entry cnncalc refuses must be one of the refusals listed here, each with its reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))
import measure  # noqa: E402

#: the merges, slices and scaled sums cnncalc shows as rows, which are operations of forward(), no modules
_OPERATIONS = {"Add", "Concatenate", "Multiply", "Subtract", "Average", "Maximum", "GetItem", "CustomScaleLayer"}

#: cnncalc's rows for modules PyTorch's forward hooks record as no leaf: nn.MultiheadAttention holds its output
#: projection as a child module (out_proj), whose weights its forward() uses without calling it, so that no leaf's
#: hook records the attention (its parameters are in the totals, and the rows after it are compared)
NOT_LEAVES = {"MultiheadAttention"}

#: entries refused, each for a reason one would defend to the file's author
REFUSED = {
    "examples__vae_VAE": "its forward returns a tuple (reconstruction, mean, log-variance): one output is summarised",
    "examples__dcgan_Discriminator": "output.view(-1, 1).squeeze(1) removes an axis, which no layer of cnncalc's does",
    "torchvision__swin_t": "ShiftedWindowAttention computes its relative position index in __init__ and keeps it with "
                           "register_buffer(), which the reader does not follow",
    "torchvision__maxvit_t": "MaxVitBlock grows its nn.ModuleList with `+=` inside a loop over a list computed in "
                             "__init__ (the stochastic-depth rates), which the reader does not run",
}
#: entries with leaf modules of the file's own classes that cnncalc reads through to the operation they apply, so
#: that PyTorch records a module where cnncalc shows an operation of forward(): pytorch-cifar's ShuffleBlock and
#: SplitBlock (a shuffle and slices), and torchvision's Permute in ConvNeXt's blocks (a permute)
OWN_LEAVES = {"pytorch-cifar__ShuffleNetV2", *(f"torchvision__convnext_{size}" for size in
                                               ("tiny", "small", "base", "large"))}

#: Keras entries whose model.layers differ from cnncalc's rows, which follow Keras' summary: `x += residual` is an
#: operation (a row of Keras 3's summary, no layer of model.layers); an autoencoder's encoder and decoder are nested
#: models (one row each in model.layers, their layers in cnncalc's rows)
KERAS_OPERATIONS = {"keras__demo_functional", "keras2__mnist_denoising_autoencoder"}


def _entries() -> list[dict[str, Any]]:
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["model"]
    found = []
    for entry in manifest:
        truth = CORPUS / "truth" / f"{entry['name']}.json"
        if (CORPUS / "models" / entry["file"]).exists() and truth.exists() and \
                "total_params" in json.loads(truth.read_text(encoding="utf-8")):
            found.append(entry)
    return found


ENTRIES = _entries()


def recorded_leaves(truth: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """PyTorch's leaf modules as cnncalc's rows show them: an empty nn.Sequential (a shortcut that is the identity)
    is no row, and torchvision's LayerNorm2d (a class built on nn.LayerNorm) is its LayerNorm on the permuted map."""
    rows = []
    for leaf in truth["layers"]:
        if leaf["class"] == "Sequential":
            continue
        if leaf["class"] == "LayerNorm2d":
            n, c, *hw = leaf["output_shape"]
            rows.append(("LayerNorm", [n, *hw, c]))
            continue
        rows.append((leaf["class"], leaf["output_shape"]))
    return rows


@pytest.mark.skipif(not ENTRIES, reason="the corpus' model files are not here (tests/corpus/fetch_models.py)")
@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_a_real_model_file_reads_as_its_framework_built_it(entry: dict[str, Any], tmp_path: Path) -> None:
    truth = json.loads((CORPUS / "truth" / f"{entry['name']}.json").read_text(encoding="utf-8"))
    argv = measure.command(entry, tmp_path)
    environment = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False, env=environment)
    asked = measure.asked_input(entry, done)
    if asked:
        done = subprocess.run([*argv, *asked], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
                              env=environment)
    if entry["name"] in REFUSED:
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        return
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert measure.compare(entry, truth, got) == []
    if entry["framework"] == "torch" and entry["name"] not in OWN_LEAVES:
        ours = [(row["type"], row["torch_shape"]) for row in got["layers"]
                if not row.get("functional") and row["type"] not in _OPERATIONS and row["type"] not in NOT_LEAVES]
        assert ours == recorded_leaves(truth)
    if entry["framework"] == "keras" and entry["name"] not in KERAS_OPERATIONS:
        # every layer of Keras' model, in its order, with its output shape
        ours = [(row["type"], [None, *row["output_shape"]]) for row in got["layers"]]
        assert ours == [(layer["class"], layer["output_shape"]) for layer in truth["layers"]
                        if layer["class"] != "InputLayer"]


#: the ViTs of torchvision's vision_transformer.py, each also a spec of the zoo (written from torchvision's modules)
ZOO_VITS = [entry for entry in ENTRIES if entry["name"] in ("torchvision__vit_b_16", "torchvision__vit_b_32")]


@pytest.mark.skipif(not ZOO_VITS, reason="the corpus' model files are not here (tests/corpus/fetch_models.py)")
@pytest.mark.parametrize("entry", ZOO_VITS, ids=[e["name"] for e in ZOO_VITS])
def test_torchvision_s_vision_transformer_reads_as_the_zoo_writes_it(entry: dict[str, Any], tmp_path: Path) -> None:
    """torchvision's own file, read, gives the zoo's spec of the same network row by row: each row's class, shape,
    parameters and whether it is an operation of forward() (the class token, the position embedding, x[:, 0])."""
    environment = {**os.environ, "COLUMNS": "200"}

    def rows(argv: list[str]) -> list[tuple[Any, ...]]:
        done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
                              env=environment)
        assert done.returncode == 0, done.stderr
        return [(row["type"], row["torch_shape"], row["params"], bool(row.get("functional")))
                for row in json.loads(done.stdout)["layers"]]

    zoo = [sys.executable, "-m", "cnncalc", "summary", entry["build"], "--format", "json"]
    read = rows(measure.command(entry, tmp_path))
    assert ("ClassToken", [1, 197 if entry["build"] == "vit_b_16" else 50, 768], 768, True) in read
    assert read == rows(zoo)
