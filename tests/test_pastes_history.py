"""Issue 13: pastes from every Keras that people still paste from, checked with and without a spec.

Random chain networks are built by Keras 3 itself; their layers' names, classes, shapes and counts are printed
as Keras 1.2, standalone Keras 2 and tf.keras 2.5+ print them (tests/summary_printers.py follows each version's
print_summary), then reformatted as pastes arrive: as printed, collapsed by a web page, and with the type cells
lost. Each must check clean with no spec and against the network's spec; one count changed must be found where
the paste can tell, and one shape changed must be blamed on that row or the row that reads it, never elsewhere.
Channels-first pastes (Keras 1 on Theano, data_format='channels_first') and BatchNormalization(axis=1) are
checked on networks Keras builds that way.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.grading.pastes import align
from cnncalc.grading.selfcheck import self_check
from cnncalc.graph.network import build
from cnncalc.readers.pasted import parse_summary

from .conftest import oracle
from .oracle_specs import Desc, spec_text, structured
from .summary_printers import PRINTERS, REFORMATS, layer_rows, tf_keras
from .test_oracle_keras import keras_model

pytestmark = pytest.mark.oracle

EXAMPLES = int(os.environ.get("CNNCALC_SELFCHECK_EXAMPLES", "30"))


def statuses(verdicts: list[Any]) -> dict[str, str]:
    return {v.claim: v.status for v in verdicts}


def wrong(verdicts: list[Any]) -> list[str]:
    return [v.claim for v in verdicts if v.status == "wrong"]


def built(network: tuple[tuple[int, ...], list[Desc]]) -> Any:
    try:
        return keras_model(oracle("keras"), *network)
    except (ValueError, TypeError):
        return None  # Keras refuses this network: nothing to paste


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(network=structured(False, 6))
def test_every_version_and_reformatting_checks_clean(network: tuple[tuple[int, ...], list[Desc]]) -> None:
    model = built(network)
    if model is None:
        return
    net = build(spec_text(*network))
    for version, printer in PRINTERS.items():
        for reformat, change in REFORMATS.items():
            text = change(printer(model))
            pasted = parse_summary(text)
            assert len(pasted.rows) == len(net.layers), (version, reformat, text)
            assert (wrong(self_check(pasted)), wrong(align(net, pasted))) == ([], []), (version, reformat, text)


def misprinted(model: Any, index: int, field: str, change: int) -> list[dict[str, Any]]:
    rows = [row for row in layer_rows(model) if row["class"] != "InputLayer"]
    row = rows[index]
    if field == "params":
        row["params"] += change
    else:
        shape = list(row["shape"])
        axis = change % (len(shape) - 1) + 1  # one of the sizes, not the batch
        shape[axis] = max(1, shape[axis] + (change if shape[axis] + change >= 1 else -change))
        row["shape"] = tuple(shape)
    return rows


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(network=structured(False, 6), data=st.data())
def test_one_misprinted_count_is_found_in_every_version(network: tuple[tuple[int, ...], list[Desc]],
                                                        data: st.DataObject) -> None:
    model = built(network)
    if model is None:
        return
    net = build(spec_text(*network))
    index = data.draw(st.integers(0, len(net.layers) - 1))
    change = data.draw(st.integers(1, 9)) * 10 ** data.draw(st.integers(0, 2))
    rows = misprinted(model, index, "params", change)
    claim = f"{index + 1} {net.layers[index].name} params"
    for version, printer in PRINTERS.items():
        text = printer(model, rows)
        pasted = parse_summary(text)
        with_spec = align(net, pasted)  # the spec knows every count: exactly that row, with its right count
        assert [c for c in wrong(with_spec) if c not in ("total", "trainable")] == [claim], (version, text)
        verdict = next(v for v in with_spec if v.claim == claim)
        assert (verdict.given, verdict.correct) == (f"{rows[index]['params']:,}", f"{net.layers[index].params.total:,}")
        alone = statuses(self_check(pasted))
        found = wrong(self_check(pasted))
        row_claims = [c for c in alone if c.startswith(f"{index + 1} ") and c.endswith(" params")]
        status = alone[row_claims[0]]
        if status == "unchecked":  # the first layer, whose input the paste does not show: the total is in doubt,
            # unless a whole kernel on an image's 1 to 4 channels accounts for the count: then the sum is the ✗
            assert (found, alone["total"]) in (([], "unchecked"), (["total"], "wrong")), (version, text)
        elif status == "correct":  # another kernel or bias explains the count: only the rows' sum shows it
            assert (found, alone["total"]) in ((["total"], "wrong"), ([], "unchecked")), (version, text)
        else:
            assert found == [row_claims[0]], (version, found, text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(network=structured(False, 6), data=st.data())
def test_a_misprinted_shape_is_blamed_on_its_row_or_the_row_that_reads_it(
        network: tuple[tuple[int, ...], list[Desc]], data: st.DataObject) -> None:
    model = built(network)
    if model is None:
        return
    net = build(spec_text(*network))
    index = data.draw(st.integers(0, len(net.layers) - 1))
    rows = misprinted(model, index, "shape", data.draw(st.integers(1, 3)))
    name = net.layers[index].name
    for version in ("keras2", "tf_keras"):
        text = PRINTERS[version](model, rows)
        pasted = parse_summary(text)
        assert wrong(align(net, pasted))[:1] == [f"{index + 1} {name} output"], (version, text)
        checked = self_check(pasted)
        found = wrong(checked)
        assert all(c.startswith((f"{index + 1} ", f"{index + 2} ")) for c in found), (version, found, text)
        if "read channels-first" in checked[0].note:
            continue  # the changed size made the paste a consistent channels-first one ((4, 1, 1) → (4,) …)
        determined = net.layers[index].keras_class in ("Flatten", "Dense", "Dropout", "Activation",
                                                       "BatchNormalization", "GlobalAveragePooling2D",
                                                       "GlobalMaxPooling2D")
        if determined and index > 0:  # the one right shape is known: one ✗, on that row (a dense layer's units
            row = pasted.rows[index]  # are in its shape and its count: either may be blamed)
            n, units = pasted.rows[index - 1].shape[-1], row.shape[-1]
            if row.keras_class == "Dense" and row.params in ((n + 1) * units, n * units):
                continue  # the new units explain the count too (with a bias or without): nothing to see
            assert found in ([f"{index + 1} {row.name} output"], [f"{index + 1} {row.name} params"]), \
                (version, found, text)


def channels_first_model(keras: Any) -> Any:
    """Keras 1 on Theano's habit: channels first, with BatchNormalization(axis=1) on the channels and one left
    at the default axis=-1, which normalises the width (a classic porting slip)."""
    layers, data_format = keras.layers, "channels_first"
    keras.backend.clear_session()
    return keras.Sequential([keras.Input((3, 32, 30)), layers.Conv2D(16, 3, data_format=data_format),
                             layers.BatchNormalization(axis=1), layers.MaxPooling2D(2, data_format=data_format),
                             layers.Conv2D(8, 3, padding="same", data_format=data_format), layers.BatchNormalization(),
                             layers.Flatten(), layers.Dense(10)])


@pytest.mark.parametrize("version", [*PRINTERS, "keras3"])
def test_a_channels_first_paste_is_read_channels_first(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    keras = oracle("keras")
    model = channels_first_model(keras)
    if version == "keras3":
        lines: list[str] = []
        model.summary(print_fn=lambda line, **kwargs: lines.append(line), line_length=150)
        text = "\n".join(lines)
    else:
        text = PRINTERS[version](model)
    verdicts = self_check(parse_summary(text))
    assert wrong(verdicts) == [], text
    assert "read channels-first" in verdicts[0].note
    notes = [v.note for v in verdicts if "BatchNormalization(axis=" in v.note]
    assert notes == ["BatchNormalization(axis=3) normalises axis 3 (14), not the 8 channels"], notes
    # against the spec: its bn normalises the channels, so the axis=-1 layer is the one difference
    net = build("input 3x32x30 nchw, conv16x3, bn, pool2, conv8x3 same, bn, flatten, dense10", conventions="keras")
    checked = align(net, parse_summary(text))
    assert [c for c in wrong(checked) if c not in ("total", "trainable", "non_trainable")] == \
        ["5 batch_normalization_1 params"], text
    assert "BatchNormalization(axis=3)" in next(v.note for v in checked if v.claim == "5 batch_normalization_1 params")


def test_batch_norm_on_another_axis_is_named_not_flagged() -> None:
    """BatchNormalization(axis=1) on a channels-last model (a PyTorch habit) has 4·H parameters: Keras prints
    4·26 = 104 for a 26×24×32 output, and the paste is right."""
    keras = oracle("keras")
    keras.backend.clear_session()
    layers = keras.layers
    model = keras.Sequential([keras.Input((28, 26, 1)), layers.Conv2D(32, 3), layers.BatchNormalization(axis=1),
                              layers.Flatten(), layers.Dense(4)])
    verdicts = self_check(parse_summary(tf_keras(model)))
    assert wrong(verdicts) == []
    bn = next(v for v in verdicts if v.claim == "2 batch_normalization params")
    assert (bn.status, bn.given, bn.note) == ("correct", "104", "BatchNormalization(axis=1) normalises axis 1 (26), "
                                                                 "not the 32 channels")


def test_a_subclassed_models_multiple_rows_are_read() -> None:
    """A subclassed model's summary prints 'multiple' where the shape would be; its counts still sum to the total."""
    text = """Model: "my_model"
_________________________________________________________________
 Layer (type)                Output Shape              Param #
=================================================================
 conv2d (Conv2D)             multiple                  320
 max_pooling2d (MaxPooling2D  multiple                 0
 )
 conv2d_1 (Conv2D)           multiple                  18496
 max_pooling2d_1 (MaxPooling  multiple                 0
 2D)
 flatten (Flatten)           multiple                  0
 dense (Dense)               multiple                  16010
=================================================================
Total params: 34,826
Trainable params: 34,826
Non-trainable params: 0
_________________________________________________________________"""
    pasted = parse_summary(text)
    assert [(row.keras_class, row.multiple) for row in pasted.rows] == [
        ("Conv2D", True), ("MaxPooling2D", True), ("Conv2D", True), ("MaxPooling2D", True), ("Flatten", True),
        ("Dense", True)]
    checked = statuses(self_check(pasted))
    assert checked["total"] == "correct" and "wrong" not in checked.values()
    against = statuses(align(build("input 28x28x1, conv32x3, pool2, conv64x3, pool2, flatten, dense10"), pasted))
    assert "wrong" not in against.values() and against["3 conv2d_1 params"] == "correct"
    assert against["3 conv2d_1 output"] == "unchecked"
    changed = parse_summary(text.replace("18496", "18490"))  # the row misprinted, its total line still right
    assert wrong(align(build("input 28x28x1, conv32x3, pool2, conv64x3, pool2, flatten, dense10"), changed)) == [
        "3 conv2d_1 params"]
