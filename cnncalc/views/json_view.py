"""The JSON view: the pinned document of a resolved network, one layer per line.

``summary --format json`` is what scripts read, often for large networks, so each layer's line is written
straight from its row: for a network of numbers it is, byte for byte, what ``json.dumps(record,
ensure_ascii=False)`` writes for the row's :func:`layer_record`, at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..analysis.pipeline import NO_ANALYSIS, Analysis
from ..graph.frameworks import keras_nested
from .units import cost_total

if TYPE_CHECKING:
    from ..graph.network import Network, ResolvedLayer
    from ..numeric.twins import ForwardPass

__all__ = ["cost_fields", "layer_record", "nested_records", "to_json"]


def layer_record(net: Network, layer: ResolvedLayer, batch: int = 1, torch: bool = False) -> dict[str, Any]:
    """One layer's JSON record; ``torch`` is ``net.torch``, passed in (this runs once per layer)."""
    record = {
        "index": layer.index,
        "name": layer.name,
        "type": layer.layer.torch_class_for(layer.input_shape) if torch else layer.layer.keras_class,
        "spec": layer.source,
        "output_shape": list(layer.output_shape),
        "params": layer.params.total,
        "weights": layer.params.weights,
        "biases": layer.params.biases,
        "trainable": layer.params.trainable,
        "non_trainable": layer.params.non_trainable,
        "warnings": list(layer.warnings),
        "notes": list(layer.notes),
        "inputs": list(layer.inputs),
    }
    if layer.functional:  # written 'fn': an operation in PyTorch's forward(), no module
        record["functional"] = True
    if torch:  # PyTorch's view: the running statistics as buffers, the shape channels-first with the batch
        shape = net.shown_shape(layer.output_shape, layer.tokens)
        record.update(buffers=layer.params.buffers, torch_shape=[batch, *shape])
    return record


def cost_fields(net: Network, analysis: Analysis) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per-layer and total fields for the optional columns, as exact integers."""
    columns, mem = analysis.columns, analysis.memory
    per_layer: list[dict[str, Any]] = [{} for _ in net.layers]
    totals: dict[str, Any] = {}
    if analysis.macs is not None:
        for fields, row in zip(per_layer, analysis.macs):
            fields["macs"] = row.flops
        totals["total_macs"] = cost_total(analysis.macs)
    if analysis.flops is not None and "flops" in columns:
        for fields, row in zip(per_layer, analysis.flops):
            fields["flops"] = row.flops
        totals.update(total_flops=cost_total(analysis.flops), flops_convention=analysis.convention)
    if analysis.by_op is not None and analysis.flops is not None:
        total = cost_total(analysis.flops)
        totals["by_op"] = [{"operator": group, "modules": modules, "flops": count,
                            "share": round(count / total, 6) if total else 0.0}
                           for group, modules, count in analysis.by_op]
        totals.setdefault("flops_convention", analysis.convention)
    if mem is not None:
        for fields, size in zip(per_layer, mem.activations):
            fields["activation_bytes"] = size
        totals["memory"] = {"dtype": mem.dtype, "batch": mem.batch, "parameter_bytes": mem.parameters,
                            "input_bytes": mem.input, "activation_bytes": sum(mem.activations),
                            "forward_bytes": mem.forward, "gradient_bytes": mem.gradients,
                            "optimizer": mem.optimizer, "optimizer_state_bytes": mem.optimizer_state,
                            "training_bytes": mem.training}
        if net.graph:
            totals["memory"].update(peak_bytes=mem.peak, peak_layer=mem.peak_layer)
    if analysis.torchinfo is not None:
        info = analysis.torchinfo
        totals["torchinfo"] = {"mult_adds": info.mult_adds, "input_bytes": info.input_bytes,
                               "forward_backward_pass_bytes": info.pass_bytes, "params_bytes": info.param_bytes,
                               "estimated_total_bytes": info.total_bytes}
    if analysis.fields is not None:
        for fields, field in zip(per_layer, analysis.fields):
            fields["receptive_field"] = None if field.whole else {
                "size": list(field.size), "jump": list(field.jump), "start": [float(s) for s in field.start]}
    return per_layer, totals


def to_json(net: Network, checked: ForwardPass | None = None, analysis: Analysis = NO_ANALYSIS,
            depth: int | None = None) -> str:
    """The pinned JSON document: channels-last shapes without the batch axis.

    Each layer is :func:`layer_record`, with the optional columns' fields after it.  With a forward pass, each
    layer also has ``checked_shape``, and ``forward_pass`` is added.  A known network's row has its own rows as
    ``layers``, down to ``depth`` (every level without it; none at 1); under PyTorch's conventions a row inside
    containers (a torchvision network's ``Sequential`` and ``BasicBlock``) names them as ``containers``.
    """
    import json

    document: dict[str, Any] = {
        "total_params": net.total_params,
        "trainable_params": net.trainable_params,
        "non_trainable_params": net.non_trainable_params,
        **({"buffers": net.buffers} if net.torch else {}),
        "conventions": net.conventions,
        "layout": net.layout,
    }
    if net.input_warnings:
        document["input_warnings"] = list(net.input_warnings)
    if net.notes:
        document["notes"] = list(net.notes)
    extras: list[dict[str, Any]] = [{} for _ in net.layers]
    if analysis.columns or analysis.flops is not None or analysis.memory is not None:
        per_layer, totals = cost_fields(net, analysis)
        for fields, more in zip(extras, per_layer):
            fields.update(more)
        document.update(totals)
    containers: dict[int, tuple[str, ...]] = {}
    if (depth is None or depth > 1) and (keras_nested(net) or any(
            layer.inner is not None or (net.torch and layer.containers) for layer in net.layers)):
        from ..analysis.nesting import container_names

        containers = container_names(net)
    for layer, fields in zip(net.layers, extras):
        if id(layer) in containers:  # a row of the network's own inside containers (torchvision's, by name)
            fields["containers"] = list(containers[id(layer)])
        if layer.inner is not None and (depth is None or depth > 1):
            fields["layers"] = nested_records(layer.inner, analysis.batch, layer.frozen,
                                              None if depth is None else depth - 1, containers)
    if checked is not None:
        for fields, shape in zip(extras, checked.shapes):
            fields["checked_shape"] = list(shape)
        ok = all(shape == layer.output_shape for layer, shape in zip(net.layers, checked.shapes))
        document["forward_pass"] = {"backend": "numpy", "batch": checked.batch, "seed": checked.seed,
                                    "seconds": round(checked.seconds, 6), "ok": ok}
    # One layer per line: still plain JSON, but a 100-layer network stays readable.
    lines = _layer_lines(net, analysis.batch, extras) if not net.symbolic else (
        _dumps({**layer_record(net, layer, analysis.batch, net.torch), **fields})
        for layer, fields in zip(net.layers, extras))
    body = ",\n".join(f"    {line}" for line in lines)
    head = json.dumps({"input_shape": list(net.input_shape)})[1:-1]
    tail = ", ".join(f'"{key}": {json.dumps(value)}' for key, value in document.items())
    return f"{{{head},\n  \"layers\": [\n{body}\n  ],\n  {tail}}}"


def nested_records(inner: Network, batch: int, frozen: bool, depth: int | None = None,
                   containers: dict[int, tuple[str, ...]] | None = None) -> list[dict[str, Any]]:
    """The rows of a known network standing as one row, each as :func:`layer_record` writes it (a frozen
    network's parameters all non-trainable), a nested row's own rows down to ``depth`` more levels (all
    without it); under PyTorch's conventions a row inside torchvision's containers has them as ``containers``,
    outermost first, named as the ``--depth`` table names them (:func:`~cnncalc.analysis.nesting.container_names`)."""
    records = []
    for layer in inner.layers:
        record = layer_record(inner, layer, batch, inner.torch)
        if frozen:
            record.update(trainable=0, non_trainable=layer.params.total)
        if containers and id(layer) in containers:
            record["containers"] = list(containers[id(layer)])
        if layer.inner is not None and (depth is None or depth > 1):
            record["layers"] = nested_records(layer.inner, batch, frozen or layer.frozen,
                                              None if depth is None else depth - 1, containers)
        records.append(record)
    return records


def _dumps(record: dict[str, Any]) -> str:
    """One record as JSON on one line, with ×, → and − kept readable.

    >>> _dumps({"a": 1, "b": "5.5 → 5", "c": [1, 2]})
    '{"a": 1, "b": "5.5 → 5", "c": [1, 2]}'
    """
    import json

    return json.dumps(record, ensure_ascii=False)


def _layer_lines(net: Network, batch: int, extras: list[dict[str, Any]]) -> Iterator[str]:
    """Each row's :func:`layer_record` and ``extras`` as :func:`_dumps` writes them, for a network of numbers (its
    sizes and counts are ints; a network written with names goes through ``json.dumps`` itself)."""
    from json.encoder import encode_basestring as text  # a str as JSON, non-ASCII kept: C code

    torch = net.torch

    def strings(values: tuple[str, ...]) -> str:
        return f"[{', '.join(map(text, values))}]" if values else "[]"

    for layer, fields in zip(net.layers, extras):
        params = layer.params
        kind = layer.layer.torch_class_for(layer.input_shape) if torch else layer.layer.keras_class
        line = (f'{{"index": {layer.index}, "name": {text(layer.name)}, "type": {text(kind)}, '
                f'"spec": {text(layer.source)}, "output_shape": {_ints(layer.output_shape)}, '
                f'"params": {params.total}, "weights": {params.weights}, "biases": {params.biases}, '
                f'"trainable": {params.trainable}, "non_trainable": {params.non_trainable}, '
                f'"warnings": {strings(layer.warnings)}, "notes": {strings(layer.notes)}, '
                f'"inputs": {strings(layer.inputs)}' + (', "functional": true' if layer.functional else ''))
        if torch:
            shape = [batch, *net.shown_shape(layer.output_shape, layer.tokens)]
            line += f', "buffers": {params.buffers}, "torch_shape": {_ints(shape)}'
        if fields:
            line += _dumps(fields).replace("{", ", ", 1)[:-1]
        yield line + "}"


def _ints(values: tuple[int, ...] | list[int]) -> str:
    """[26, 26, 32] as JSON."""
    return f"[{', '.join(map(str, values))}]"

