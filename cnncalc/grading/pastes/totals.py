"""A paste's totals lines and torchinfo's footer, against the spec's counts and torchinfo's own rules."""

from __future__ import annotations

from ...graph.network import Network
from ...readers.pasted.records import PastedSummary
from ..claims import Verdict
from .expected import modelled, nested_classes, nested_model


def footer_verdicts(net: Network, pasted: PastedSummary) -> list[Verdict]:
    """torchinfo's footer against its own rules (cnncalc.analysis.costs.torchinfo) on the spec, at the paste's batch."""
    if not pasted.footer:
        return []
    from ...analysis.costs import torchinfo

    info = torchinfo(net, "float32", pasted.batch)
    expected = {label: (unit, value.replace(",", "")) for label, unit, value in info.fields()}
    why = {"Total mult-adds": f"{info.mult_adds:,} (each module's parameters × batch {pasted.batch}, a conv's also "
                              "× its output positions)",
           "Input size": f"{info.input_bytes:,} bytes (the input's, + 64 for its Python object)",
           "Forward/backward pass size": f"{info.pass_bytes:,} bytes (2 × the outputs of modules with parameters)",
           "Params size": f"{info.param_bytes:,} bytes (4 per parameter; running statistics are buffers)",
           "Estimated Total Size": f"{info.total_bytes:,} bytes (input + forward/backward pass + params)"}
    verdicts = []
    for label, unit, value in pasted.footer:
        right_unit, correct = expected[label]
        ok = value == correct and unit == right_unit
        short = {"Total mult-adds": "mult-adds", "Forward/backward pass size": "pass size",
                 "Estimated Total Size": "total size"}.get(label, label.lower())
        verdicts.append(Verdict(f"torchinfo {short} ({unit})", value, f"{correct} ({right_unit})",
                                "correct" if ok else "wrong", "" if ok else why[label],
                                "" if pasted.batch == 1 else f"batch {pasted.batch}, from the paste's shapes"))
    return verdicts


def total_verdicts(net: Network, pasted: PastedSummary) -> list[Verdict]:
    verdicts = []
    if not pasted.totals:
        verdicts.append(Verdict("total", "(no totals line)", f"{net.total_params:,}", "unchecked",
                                note="rows were read but no 'Total params' line: is the paste cut short?"))
    nested = nested_classes(net)
    # a nested model's row counts its layers, which the spec writes one by one: not counted again
    unmodelled = sum(row.params for row in pasted.rows if not modelled(row, pasted.torch, nested) and
                     not nested_model(row, pasted.torch))
    expected = {"total": net.total_params, "trainable": net.trainable_params,
                "non_trainable": net.non_trainable_params}
    if pasted.torch:  # BatchNormalization's moving statistics are torch buffers; frozen layers still count
        total, trainable = net.torch_split()
        expected = {"total": total, "trainable": trainable, "non_trainable": total - trainable}
    for label, count in pasted.totals:
        correct = expected[label]
        note = ""
        if pasted.torch and label == "total" and any(layer.moving for layer in net.layers):
            note = "torch does not count BatchNormalization's moving statistics"
        if label in ("total", "trainable"):
            correct += unmodelled  # rows cnncalc does not model still count
        terms = " + ".join(f"{layer.params.total:,}" for layer in net.layers if layer.params.total)
        ok = count == correct
        totals = dict(pasted.totals)
        if not ok and label != "total" and totals.get("total") == expected["total"] + unmodelled \
                and totals.get("trainable", 0) + totals.get("non_trainable", 0) == totals["total"]:
            verdicts.append(Verdict(label, f"{count:,}", f"{correct:,}", "unchecked",
                                    note="the total is right and the split adds up: frozen layers (or a nested "
                                         "pretrained model) would move parameters to non-trainable"))
            continue
        verdicts.append(Verdict(label, f"{count:,}", f"{correct:,}", "correct" if ok else "wrong",
                                "" if ok else f"{terms} = {net.total_params:,}", note))
    return verdicts
