"""The lines under the summary: the totals, the optional columns' totals and memory (what is counted), FLOPs by
operator, the forward pass's verdict, and the footnotes (warnings and notes, each naming its layer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.pipeline import Analysis
from ..graph.network import Network
from .cells import NOTE_MARK, WARNING_MARK
from .units import cost_total, readable_bytes, readable_count

if TYPE_CHECKING:
    from ..analysis.costs import Memory
    from ..numeric.twins import ForwardPass

__all__ = ["by_op_lines", "check_lines", "cost_lines", "findings_lines", "totals_lines"]


#: the attention layers, whose matrix products the MACs count too (Keras' class names of the records)
_ATTENTION = frozenset({"MultiHeadAttention", "ShiftedWindowAttention", "RelativePositionalMultiHeadAttention"})


def totals_lines(net: Network) -> list[tuple[str, int]]:
    lines = [
        ("Total params", net.total_params),
        ("Trainable params", net.trainable_params),
        ("Non-trainable params", net.non_trainable_params),
    ]
    if net.buffers:  # PyTorch's running statistics: state, but not parameters
        lines.append((f"Buffers ({_buffers_kind(net)}, not params)", net.buffers))
    return lines


def _buffers_kind(net: Network) -> str:
    """What the buffers are: BatchNorm's running statistics, windowed attention's position tables, or both."""
    from ..model.layers import RelativeAttention, WindowAttention

    def tables_of(network: Network) -> int:  # a known network's own rows too
        return sum(layer.params.buffers if isinstance(layer.layer, (WindowAttention, RelativeAttention)) else
                   tables_of(layer.inner) if layer.inner is not None else 0 for layer in network.layers)

    tables = tables_of(net)
    kinds = (["BatchNorm running statistics"] if tables < net.buffers else []) + \
        (["attention's relative position tables"] if tables else [])
    return " and ".join(kinds)


def findings_lines(net: Network) -> list[str]:
    """The footnotes: one line per warning, then one per note, each naming its layer."""
    lines = [f"{WARNING_MARK} input: {text}" for text in net.input_warnings]
    lines += [f"{WARNING_MARK} {layer.name}: {text}" for layer in net.layers for text in layer.warnings]
    lines += [f"{NOTE_MARK} model: {text}" for text in net.notes]
    lines += [f"{NOTE_MARK} {layer.name}: {text}" for layer in net.layers for text in layer.notes]
    return lines


def check_lines(net: Network, checked: ForwardPass) -> list[str]:
    """The forward pass's verdict: its timing, or each mismatch, which is a bug in cnncalc."""
    head = (f"Forward pass (NumPy, batch {checked.batch}, seed {checked.seed}): "
            f"{checked.seconds * 1000:.1f} ms")
    wrong = [(layer, shape) for layer, shape in zip(net.layers, checked.shapes) if shape != layer.output_shape]
    if not wrong:
        return [f"{head}; every output shape confirmed"]
    return [f"{head}; {len(wrong)} shape(s) differ"] + [
        f"✗ layer {layer.index} {layer.name} ({layer.source}): inferred {net.shape_text(layer.output_shape)}, "
        f"the forward pass gave {net.shape_text(shape)}. This is a bug in cnncalc: please report it with this spec."
        for layer, shape in wrong]


def cost_lines(net: Network, analysis: Analysis) -> list[str]:
    """Footer lines for the optional columns, saying what is counted."""
    mem = analysis.memory
    lines = []
    # what the MACs count: attention too, in a network that has it
    counted = "conv, dense and attention" if any(layer.keras_class in _ATTENTION for layer in net.layers) \
        else "conv and dense"
    batch = f", batch {analysis.batch}" if analysis.batch != 1 else ""
    if analysis.macs is not None:
        macs = cost_total(analysis.macs)
        lines.append(f" Total MACs: {macs:,} ({readable_count(macs)}; multiply-accumulates of {counted}, bias "
                     f"excluded{batch})")
    if analysis.flops is not None and "flops" in analysis.columns:
        flops = cost_total(analysis.flops)
        lines.append(f" Total FLOPs ({analysis.convention}): {flops:,} ({readable_count(flops)}; "
                     f"{analysis.headline.replace('conv and dense', counted)}{batch})")
    if mem is not None:
        lines.append(f" Memory ({mem.dtype}, batch {mem.batch}): parameters {readable_bytes(mem.parameters)}, "
                     f"input {readable_bytes(mem.input)}, activations {readable_bytes(sum(mem.activations))} "
                     "(every layer's output)")
        lines.append(f" Forward pass ≈ {readable_bytes(mem.forward)} (parameters + input + activations)")
        if analysis.training:
            lines += _training_lines(mem)
        if net.graph:
            lines.append(f" Inference peak: {readable_bytes(mem.peak)} of activations alive at once, at "
                         f"{mem.peak_layer} (every tensor a later layer still reads is kept, skips included)")
    if analysis.torchinfo is not None:
        lines.append(" torchinfo.summary would print:")
        lines += [f"   {line}" for line in analysis.torchinfo.lines()]
    if analysis.by_op is not None and analysis.flops is not None:
        lines += by_op_lines(analysis)
    return lines


def _training_lines(mem: Memory) -> list[str]:
    what = {"sgd": "plain SGD keeps none", "momentum": "1 momentum value per trainable parameter",
            "adam": f"Adam's {mem.state_values} moments per trainable parameter"}[mem.optimizer]
    return [f" Training step ({mem.optimizer}) ≈ {readable_bytes(mem.training)}: the forward pass + gradients "
            f"{readable_bytes(mem.gradients)} + optimizer state {readable_bytes(mem.optimizer_state)} ({what}); "
            "every activation kept for backward"]


def by_op_lines(analysis: Analysis) -> list[str]:
    """fvcore's flop_count_table turned to operator types: each one's modules, count and share."""
    assert analysis.flops is not None and analysis.by_op is not None
    groups = analysis.by_op
    total = cost_total(analysis.flops)
    head = f" FLOPs by operator ({analysis.convention}: {analysis.headline}):"
    cells = [(group, f"{modules:,}", f"{count:,}", f"{100 * count / total:.1f}%" if total else "–")
             for group, modules, count in groups]
    cells.append(("total", f"{sum(m for _, m, _ in groups):,}", f"{total:,}", "100.0%" if total else "–"))
    titles = ("operator", "modules", "FLOPs", "share")
    widths = [max(len(row[i]) for row in [titles, *cells]) for i in range(4)]
    return [head] + ["   " + "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                                        for i, cell in enumerate(row)) for row in [titles, *cells]]

