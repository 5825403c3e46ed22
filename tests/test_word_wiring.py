"""Every word of the spec language is wired everywhere a word must be: its layer rule, its NumPy twin, its row in
the grammar table of docs/spec-language.md, its pairing with a pasted summary's rows (Keras' class and PyTorch's,
each with a rule of `check --summary`), and both code writers, which write it or refuse it by name at the layer.

The table below holds a small spec for each word; a word added to the language without an entry here fails
:func:`test_every_word_has_a_spec_here`, and then each check below holds it. What a framework cannot express is
listed with the reason the refusal gives; what cnncalc does not write yet is listed apart, a list that may only
shrink."""

from __future__ import annotations

import re

import pytest

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build
from cnncalc.language.spec.words import WORDS
from cnncalc.model.layers import ACTIVATIONS, MERGES, Merge
from cnncalc.views.codegen import keras_code, pytorch_code

from .conftest import ROOT

#: a small network ending in each word (the input of its rank, and what the word needs before it)
SPECS: dict[str, str] = {
    "conv": "input 6x6x2, conv4x3", "pool": "input 6x6x2, pool", "maxpool": "input 6x6x2, maxpool2",
    "avgpool": "input 6x6x2, avgpool2", "gap": "input 6x6x2, gap", "gmp": "input 6x6x2, gmp",
    "gap1d": "input 6x2, gap1d", "gmp1d": "input 6x2, gmp1d",
    "adaptiveavgpool": "input 6x6x2, adaptiveavgpool2x3", "adaptivemaxpool": "input 6x6x2, adaptivemaxpool1",
    "adaptiveavgpool1d": "input 6x2, adaptiveavgpool1d3", "adaptivemaxpool1d": "input 6x2, adaptivemaxpool1d2",
    "flatten": "input 6x6x2, flatten", "reshape": "input 6x6x2, reshape36x2", "permute": "input 6x6x2, permute2x1x3",
    "dwconv": "input 6x6x2, dwconv3", "sepconv": "input 6x6x2, sepconv4x3", "deconv": "input 6x6x2, deconv4x3 s2",
    "convt": "input 6x6x2, convT4x3", "up": "input 6x6x2, up2", "resize": "input 6x6x2, resize4x5 nearest",
    "zeropad": "input 6x6x2, zeropad1", "crop": "input 6x6x2, crop1", "reflectpad": "input 6x6x2, reflectpad1",
    "replicatepad": "input 6x6x2, replicatepad1", "pixelshuffle": "input 6x6x8, pixelshuffle2",
    "slice": "input 6x6x8, slice2:6", "shuffle": "input 6x6x8, shuffle2", "chanpad": "input 6x6x2, chanpad1x2",
    "conv1d": "input 8x2, conv1d4x3", "dwconv1d": "input 8x2, dwconv1d3", "sepconv1d": "input 8x2, sepconv1d4x3",
    "deconv1d": "input 8x2, deconv1d4x3 s2", "pool1d": "input 8x2, pool1d2", "maxpool1d": "input 8x2, maxpool1d2",
    "avgpool1d": "input 8x2, avgpool1d2", "conv3d": "input 4x6x6x2, conv3d4x3", "pool3d": "input 4x6x6x2, pool3d2",
    "maxpool3d": "input 4x6x6x2, maxpool3d2", "avgpool3d": "input 4x6x6x2, avgpool3d2",
    "dense": "input 6x6x2, flatten, dense3", "fc": "input 6x6x2, flatten, fc3", "embedding": "input 5, embedding9x4",
    "dropout": "input 6x6x2, dropout0.5", "droppath": "input 6x6x2, droppath0.2",
    "layerscale": "input 6x6x2, layerscale",
    "bn": "input 6x6x2, bn", "batchnorm": "input 6x6x2, batchnorm", "layernorm": "input 6x6x2, layernorm",
    "groupnorm": "input 6x6x4, groupnorm2", "instancenorm": "input 6x6x2, instancenorm",
    "rescaling": "input 6x6x3, rescaling", "normalization": "input 6x6x3, normalization",
    "randomflip": "input 6x6x3, randomflip horizontal", "randomrotation": "input 6x6x3, randomrotation0.1",
    "randomzoom": "input 6x6x3, randomzoom0.2", "randomtranslation": "input 6x6x3, randomtranslation0.1",
    "randomcontrast": "input 6x6x3, randomcontrast0.2", "randombrightness": "input 6x6x3, randombrightness0.2",
    "centercrop": "input 6x6x3, centercrop4x5", "randomcrop": "input 6x6x3, randomcrop5x4",
    "lrn": "input 6x6x2, lrn", "relu6": "input 6x6x2, relu6", "leakyrelu": "input 6x6x2, leakyrelu0.2",
    "prelu": "input 6x6x2, prelu",
    "mha": "input 5x8, mha2", "clstoken": "input 5x8, clstoken", "posembed": "input 5x8, posembed",
    "token": "input 5x8, token0 fn", "windowattention": "input 8x8x4, windowattention2x4",
    "patchmerging": "input 8x8x4, patchmerging", "partition": "input 8x8x4, partition4",
    "departition": "input 4x16x4, departition2x2", "relmha": "input 4x16x8, relmha2",
    **{name: f"input 6x6x2, {name}" for name in ACTIVATIONS},
}
#: each merge word, and the scaled add
MERGE_SPECS = {**{word: f"input 6x6x2, {word}(id | conv2x1)" for word in MERGES},
               "add scale": "input 6x6x2, add(id | conv2x1) scale0.2"}

#: what a framework has no equivalent for, with the words of the refusal that names it
REFUSED = {
    ("reflectpad", "keras"): "Keras has no reflection padding layer",
    ("replicatepad", "keras"): "Keras has no replication padding layer",
    ("pixelshuffle", "keras"): "Keras has no pixel shuffle layer",
    ("chanpad", "keras"): "Keras has no layer that pads the channels",
    ("lrn", "keras"): "Keras has no local response normalization layer",
    ("layernorm", "pytorch"): "nn.LayerNorm normalises the last axis, which channels-first PyTorch makes the width",
    # Keras' PReLU (read under Keras' conventions) learns a slope per value: 72 on 6×6×2, where nn.PReLU() has 1
    ("prelu", "pytorch"): "Keras' PReLU learns a slope per value of its input",
    **{(word, "keras"): f"Keras has no layer for '{word}'"
       for word in ("windowattention", "patchmerging", "partition", "departition", "relmha")},
    # Keras' random augmentation layers: torchvision augments the data before the model (transforms.v2)
    **{(word, "pytorch"): f"PyTorch has no {cls} module"
       for word, cls in (("randomflip", "RandomFlip"), ("randomrotation", "RandomRotation"),
                         ("randomzoom", "RandomZoom"), ("randomtranslation", "RandomTranslation"),
                         ("randomcontrast", "RandomContrast"), ("randombrightness", "RandomBrightness"),
                         ("centercrop", "CenterCrop"), ("randomcrop", "RandomCrop"))},
}
#: what cnncalc does not write yet (refused at the layer, "cannot write … yet"): this list may only shrink
NOT_YET: set[tuple[str, str]] = {
    # PyTorch holds a vision transformer's tokens (N, L, D); the code cnncalc writes of a spec read the Keras way
    # holds an L×D map (N, D, L) (with an nchw input it holds them as PyTorch does: tests/test_codegen_torch.py)
    *((word, "pytorch") for word in ("mha", "clstoken", "posembed", "token")),
    # torchvision's own modules (torchvision.models), not torch.nn's
    *((word, "pytorch") for word in ("windowattention", "patchmerging", "partition", "departition", "relmha")),
}
#: kinds that are no row of a framework's summary, and why
NO_KERAS_ROW = {"ReflectionPadding2D": "PyTorch's only", "ReplicationPadding2D": "PyTorch's only",
                "PixelShuffle": "PyTorch's only", "LocalResponseNormalization": "PyTorch's only",
                "ChannelPad": "F.pad in PyTorch's forward(); Keras has none"}


def _grammar() -> str:
    """The rows of the grammar tables of the spec language's page, and its section on merges."""
    text = (ROOT / "docs" / "spec-language.md").read_text(encoding="utf-8")
    merges = text[text.index("## Repeats and branches"):text.index("## Functions in forward()")]
    return "\n".join([*(line for line in text.splitlines() if line.startswith("| ")), merges]).lower()


def test_every_word_has_a_spec_here() -> None:
    assert set(SPECS) == set(WORDS), f"add a spec for {set(WORDS) - set(SPECS)}; remove {set(SPECS) - set(WORDS)}"


@pytest.mark.parametrize("word", sorted(SPECS))
def test_each_word_has_a_rule_a_twin_and_a_grammar_row(word: str) -> None:
    from cnncalc.numeric.twins import TWINS

    net = build(SPECS[word])
    layer = net.layers[-1]
    assert layer.source.split()[0].lower().startswith(word), layer.source  # the spec ends in the word
    assert type(layer.layer) in TWINS, f"{word}: no NumPy twin for {type(layer.layer).__name__}"
    assert re.search(rf"`{re.escape(word)}(?![a-z])", _grammar()), f"{word}: no row in the grammar table"


@pytest.mark.parametrize("word", sorted(MERGE_SPECS))
def test_each_merge_has_a_twin_and_a_grammar_row(word: str) -> None:
    import numpy as np

    from cnncalc.numeric.twins import merge

    net = build(MERGE_SPECS[word])
    layer = net.layers[-1].layer
    assert isinstance(layer, Merge)
    x = np.ones((1, 6, 6, 2), dtype="float32")
    assert merge(layer, [x, 2 * x]).shape == (1, 6, 6, 4 if word == "cat" else 2)
    written = "scale{f}`" if word == "add scale" else f"`{word}("
    assert written in _grammar(), f"{word}: not in the grammar"


def _keras_pairing(net: object) -> tuple[str, str | None]:
    """The class a Keras summary's row names for the network's last layer, and the check --summary rule that
    checks it (None: no rule)."""
    from cnncalc.grading.selfcheck.kinds import _family
    from cnncalc.readers.pasted.classes import ACTIVATION_CLASSES, KERAS_CLASSES

    layer = net.layers[-1]  # type: ignore[attr-defined]
    kind = layer.keras_class
    paired = kind in KERAS_CLASSES or kind in ACTIVATION_CLASSES
    special = "bn" if kind == "BatchNormalization" else "merge" if isinstance(layer.layer, Merge) else None
    return (kind if paired else f"unknown {kind}"), _family(kind) or special


def _torch_pairings(net: object) -> list[tuple[str, str | None]]:
    """The classes of the torchinfo rows the network's last layer is paired with (none for what torchinfo shows
    no row for), each with the check --summary rule that checks it."""
    from cnncalc.grading.pastes.expected import TORCH_MODELLED, expected_rows
    from cnncalc.grading.selfcheck.kinds import _family
    from cnncalc.readers.pasted.classes import TORCH_ACTIVATIONS, TORCH_CLASSES

    last = net.layers[-1]  # type: ignore[attr-defined]
    found = []
    for row in expected_rows(net, torchinfo=True):  # type: ignore[arg-type]
        if row.layer is not last:
            continue
        kind = row.kind
        if kind in TORCH_ACTIVATIONS:
            found.append((kind, "same"))
            continue
        as_keras = TORCH_CLASSES.get(kind, kind)
        special = "bn" if as_keras == "BatchNormalization" else None
        found.append(((kind if kind in TORCH_MODELLED else f"unknown {kind}"), _family(as_keras) or special))
    return found


#: kinds a paste shows whose rows check --summary pairs but has no rule for (counted toward the totals only)
NO_RULE: set[str] = {
    # torchinfo prints their children (PatchMerging's LayerNorm and Linear, MaxViT's to_qkv and merge Linear layers),
    # whose rows are checked; the parent's row is read for the totals
    "PatchMerging", "RelativePositionalMultiHeadAttention",
}


@pytest.mark.parametrize("word", sorted([*SPECS, *MERGE_SPECS]))
def test_each_word_pairs_with_a_pasted_row(word: str) -> None:
    spec = MERGE_SPECS.get(word) or SPECS[word]
    keras_net = build(spec)
    kind = keras_net.layers[-1].keras_class
    if kind in NO_KERAS_ROW:
        from cnncalc.readers.pasted.classes import KERAS_CLASSES

        assert kind not in KERAS_CLASSES
    else:
        paired, rule = _keras_pairing(keras_net)
        assert not paired.startswith("unknown"), f"{word}: a Keras paste's {kind} row is not read"
        assert rule is not None or kind in NO_RULE, f"{word}: no check --summary rule for Keras' {kind}"
    try:
        torch_net = build(spec, conventions="torch")
    except CnnCalcError:
        return  # a layer PyTorch's conventions refuse has no torchinfo row to pair
    for paired, rule in _torch_pairings(torch_net):
        assert not paired.startswith("unknown"), f"{word}: a torchinfo paste's {paired} row is not read"
        assert rule is not None or paired in NO_RULE, f"{word}: no check --summary rule for PyTorch's {paired}"


@pytest.mark.parametrize("framework", ["keras", "pytorch"])
@pytest.mark.parametrize("word", sorted([*SPECS, *MERGE_SPECS]))
def test_each_word_is_written_or_refused_by_name(word: str, framework: str) -> None:
    net = build(MERGE_SPECS.get(word) or SPECS[word])
    write = keras_code if framework == "keras" else pytorch_code
    try:
        write(net)
    except CnnCalcError as error:
        message = error.render()
        assert message.startswith(f"layer {len(net.layers)} "), message  # said at the layer
        if (word, framework) in NOT_YET:
            assert "yet" in message, message
            return
        assert (word, framework) in REFUSED, f"{word} is refused by --format {framework}: {message}"
        assert REFUSED[(word, framework)] in message, message
        return
    assert (word, framework) not in REFUSED, f"{word} is written for {framework}: take it off REFUSED"
    assert (word, framework) not in NOT_YET, f"{word} is written for {framework} now: take it off NOT_YET"


#: the differential tests of the words today's networks need, against PyTorch and against Keras (file::test), or why
#: a framework has none to test against
ORACLES: dict[str, tuple[str, str]] = {
    "hardsigmoid": ("test_twins_modern.py::test_hardsigmoid_twin_equals_torch",
                    "test_twins_modern.py::test_hardsigmoid_twin_equals_keras"),
    "hardswish": ("test_twins_modern.py::test_hardswish_twin_equals_torch_and_keras",
                  "test_twins_modern.py::test_hardswish_twin_equals_torch_and_keras"),
    "rescaling": ("test_words.py::test_written_code_runs_and_reads_back",
                  "test_words.py::test_the_keras_twins_compute_what_keras_computes"),
    "normalization": ("test_words.py::test_twins_compute_what_pytorch_computes",
                      "test_words.py::test_the_keras_twins_compute_what_keras_computes"),
    "slice": ("test_oracle_channels.py::test_slice_agrees_with_pytorch",
              "test_oracle_channels.py::test_slice_agrees_with_keras"),
    "shuffle": ("test_oracle_channels.py::test_shuffle_agrees_with_pytorch",
                "test_oracle_channels.py::test_shuffle_agrees_with_keras"),
    "droppath": ("test_words_modern.py::test_pytorch_code_with_the_new_words_runs_as_the_spec_says",
                 "test_twins_modern.py::test_droppath_twin_is_the_identity_as_keras_stochastic_depth_at_inference"),
    "layerscale": ("test_twins_modern.py::test_layerscale_twin_equals_keras_layer_scale_and_torchvision_s_parameter",
                   "test_twins_modern.py::test_layerscale_twin_equals_keras_layer_scale_and_torchvision_s_parameter"),
    "add scale": ("test_scaled_add.py::test_the_code_written_runs_in_both_frameworks",
                  "test_scaled_add.py::test_the_twin_computes_what_keras_computes"),
    "chanpad": ("test_pycode_lambda.py::test_the_step_and_the_padding_move_values_as_pytorch_does",
                "Keras has no layer that pads the channels"),
    "resize": ("test_pycode_resize.py::test_the_twin_moves_values_as_pytorch_does",
               "test_pycode_resize.py::test_the_bilinear_twin_moves_values_as_keras_resizing_does"),
    "mul": ("test_torch_modules.py::test_a_squeeze_and_excitation_product_broadcasts_its_vector",
            "test_codegen_words.py::test_keras_writes_a_squeeze_and_excitation_product"),
    "avg": ("test_codegen_words.py::test_the_pytorch_merges_compute_what_the_twin_computes",
            "test_codegen.py::test_keras_code_of_random_graphs"),
    "max": ("test_codegen_words.py::test_the_pytorch_merges_compute_what_the_twin_computes",
            "test_codegen.py::test_keras_code_of_random_graphs"),
}


@pytest.mark.parametrize("word", sorted(ORACLES))
def test_each_new_word_has_its_differential_tests(word: str) -> None:
    import ast

    assert word in SPECS or word in MERGE_SPECS
    for reference in ORACLES[word]:
        if "::" not in reference:  # no such framework layer: the refusal that says so
            assert (word, "keras") in REFUSED and REFUSED[(word, "keras")] == reference
            continue
        file, name = reference.split("::")
        tree = ast.parse((ROOT / "tests" / file).read_text(encoding="utf-8"))
        assert name in {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}, reference
