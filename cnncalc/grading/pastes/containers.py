"""Rows of a paste that stand for rows it leaves out, each graded against the network's rows it holds.

torchinfo's containers at the depth limit: ``summary(model, depth=3)`` prints ResNet's downsample as one row,
``Sequential: 3-9`` with its total, and leaves out the Conv2d and BatchNorm2d it holds. Such a row's count is theirs,
found where cnncalc draws the same container under the same name at that depth (:mod:`~cnncalc.analysis.nesting`,
torchinfo's numbering of each depth, which the depth limit does not change).

Keras' models nested in the model: an autoencoder built as ``Model(inputs, decoder(encoder(inputs)))`` is summarised
as ``encoder (Functional)`` and ``decoder (Functional)``, each one row with the model's output and the total of its
layers. Model code read by cnncalc keeps which rows each nested model makes (readers.code.keras_nested); a row is
paired with its model by name (``name="encoder"``), else in order, Keras naming a model given none among every model
of its session.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...graph.frameworks import keras_model
from ...graph.frameworks import keras_models as keras_models_of
from ...graph.network import Network, ResolvedLayer
from ...readers.pasted.records import PastedRow
from ..claims import Verdict
from .expected import NESTED_MODELS, modelled, nested_model

#: the depth in torchinfo's ``Class: depth-index`` name
_DEPTH = re.compile(r": (\d+)-\d+$")


def _depth(row: PastedRow) -> int | None:
    found = _DEPTH.search(row.name)
    return int(found[1]) if found else None


def collapsed_containers(net: Network, rows: Sequence[PastedRow], nested: frozenset[str]) -> dict[int, tuple[
        PastedRow, Any]]:
    """The pasted rows of containers drawn at the depth limit (no row of theirs below them in the paste), each by
    its line, with cnncalc's row of the same container (a :class:`~cnncalc.analysis.nesting.ShownRow` holding the
    network's rows inside it); a container cnncalc does not draw under that name is left as it was."""
    candidates = [index for index, row in enumerate(rows)
                  if (row.params or row.recursive) and not modelled(row, True, nested) and _depth(row) is not None]
    if not candidates:
        return {}
    from ...analysis.nesting import deepest, shown_rows

    drawn: dict[str, list[Any]] = {}  # a ModuleList left and re-entered is one name drawn several times
    for shown in shown_rows(net, deepest(net)):
        if shown.holds:
            drawn.setdefault(shown.name.rsplit("─", 1)[-1], []).append(shown)
    found: dict[int, tuple[PastedRow, Any]] = {}
    for index in candidates:
        row, after = rows[index], rows[index + 1] if index + 1 < len(rows) else None
        if after is not None and (_depth(after) or 0) > (_depth(row) or 0):
            continue  # its rows are in the paste: the count is torchinfo's leftover, as for any container
        if row.name in drawn:
            found[row.line] = (row, drawn[row.name])
    return found


def held_rows(drawn: list[Any]) -> list[Any]:
    """The network's rows a container's row stands for (every time it is drawn)."""
    return [layer for shown in drawn for layer in shown.holds]


def container_verdict(row: PastedRow, drawn: list[Any]) -> Verdict:
    """A container's row at the depth limit against the parameters of the rows it holds; torchinfo's
    ``(recursive)`` row gives no count to check."""
    if row.recursive:
        return Verdict(f"line {row.line} {row.name}", "(recursive)", "?", "unchecked",
                       note=f"torchinfo prints no count for a {row.keras_class or 'container'} it draws again: the "
                            "rows it holds are not checked")
    correct = sum(shown.layer.params.total for shown in drawn)
    ok = row.params == correct
    terms = " + ".join(f"{inner.params.total:,}" for inner in held_rows(drawn) if inner.params.total)
    return Verdict(f"line {row.line} {row.name}", f"{row.params:,}", f"{correct:,}", "correct" if ok else "wrong",
                   "" if ok or not terms else f"{terms} = {correct:,}",
                   note=f"a {row.keras_class or 'container'} at the paste's depth limit: the parameters of the rows it "
                        "holds")


def keras_models(net: Network, rows: Sequence[PastedRow], nested: frozenset[str]) -> dict[int, tuple[
        PastedRow, list[ResolvedLayer]]]:
    """A Keras paste's rows of models nested in the model (and, in ``summary(expand_nested=True)``, of the models
    nested in those, behind ``└``), each by its line, with the network's rows the model's container holds; a row left
    without a container of its class stays a row of a kind cnncalc does not model."""
    models = keras_models_of(net.layers, every_level=True)
    candidates = [row for row in rows if nested_model(row, False) and not modelled(row, False, nested)]
    if not models or not candidates:
        return {}
    left = list(models)
    pairs: dict[int, tuple[str, int]] = {}
    for row in candidates:  # by name first
        name = row.name.removeprefix("└").strip()
        use = next((use for use in left if keras_model(use[0]) == (name, NESTED_MODELS[row.keras_class])), None)
        if use is not None:
            pairs[row.line] = use
            left.remove(use)
    for row in candidates:  # then in order, among the models of the row's class
        if row.line not in pairs:
            use = next((use for use in left if keras_model(use[0])[1] == NESTED_MODELS[row.keras_class]), None)
            if use is not None:
                pairs[row.line] = use
                left.remove(use)
    return {row.line: (row, models[pairs[row.line]]) for row in candidates if row.line in pairs}


def model_verdicts(row: PastedRow, held: list[ResolvedLayer], show: Any) -> list[Verdict]:
    """A nested Keras model's row against its layers: its output (its last layer's) and their parameters."""
    claim = f"line {row.line} {row.name} ({row.keras_class})"
    output = held[-1].output_shape
    if row.shapeless:
        verdicts = [Verdict(f"{claim} output", row.unreadable or "(not in the paste)", show(output), "unchecked",
                            note="the paste's shape cannot be read")]
    else:
        ok = row.shape == output
        verdicts = [Verdict(f"{claim} output", show(row.shape), show(output), "correct" if ok else "wrong",
                            "" if ok else f"the output of its last layer, {held[-1].name}")]
    correct = sum(layer.params.total for layer in held)
    terms = " + ".join(f"{layer.params.total:,}" for layer in held if layer.params.total)
    ok = row.params == correct
    verdicts.append(Verdict(f"{claim} params", f"{row.params:,}", f"{correct:,}", "correct" if ok else "wrong",
                            "" if ok or not terms else f"{terms} = {correct:,}",
                            f"a nested model: the parameters of its {len(held)} layers"))
    return verdicts
