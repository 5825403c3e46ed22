"""What a worked example says beside its numbers: each output cell's arithmetic as a lecture writes it, the
values formatted, and the stride warnings and the ceil-mode note of its windows."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

from ..errors import CnnCalcError
from ..model.arithmetic import window_axis

if TYPE_CHECKING:
    from .worked import Worked


def warnings(worked: Worked) -> list[str]:
    """What a summary would say of this step's windows: a stride that does not divide evenly, input never read."""
    if worked.mode in ("act", "dense"):
        return []
    from ..model.layers import stride_findings

    h, w = worked.axes
    return [finding.text for finding in stride_findings(worked.axes, (h.n, w.n, 1)) if finding.level == "warning"]


def ceil_note(worked: Worked, answer: tuple[int, int]) -> str:
    """When an answer's size is a pooling's ceil_mode size, not its floored one: say so."""
    if worked.mode not in ("max", "avg", "min") or any(axis.ceil for axis in worked.axes):
        return ""
    sizes = tuple(window_axis(a.n, a.kernel, a.stride, (a.pad_before, a.pad_after) if a.mode == "explicit" else
                              a.mode, a.dilation, True).output for a in worked.axes)
    if sizes != answer:
        return ""
    return (f"; {answer[0]}×{answer[1]} is the ceil_mode result, which keeps the last window that hangs over the "
            "edge (PyTorch's ceil_mode=True: --ceil, or 'pool2 ceil' as a --then step)")


def format_value(value: float) -> str:
    """Integers bare, others to at most four decimals: 5849, 19.5, 0.7778, −1."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def explain(worked: Worked, row: int, col: int) -> list[str]:
    """The arithmetic of output cell (row, col), 1-based, written as a lecture writes it (every output
    channel's, for several kernels)."""
    out_rows, out_cols = worked.output.shape[:2]
    if not (1 <= row <= out_rows and 1 <= col <= out_cols):
        raise CnnCalcError(f"--explain {row},{col} is outside the {out_rows}×{out_cols} output",
                           f"give a cell from 1,1 to {out_rows},{out_cols}")
    if worked.mode == "dense":
        return _explain_dense(worked, col)
    rows, cols = worked.window(row, col)
    if worked.mode == "conv":
        kernels = cast("Any", worked.kernel).shape[-1]
        lines: list[str] = []
        for k in range(kernels):
            if kernels > 1:
                lines.append(f"kernel {k + 1}:")
            lines += _explain_conv(worked, row, col, rows, cols, k)
        return lines
    if worked.mode == "act":
        return _explain_activation(worked, row, col)
    return _explain_pool(worked, row, col, rows, cols)


def _explain_dense(worked: Worked, unit: int) -> list[str]:
    """L_j = w_0j·x_0 + … + b_j, then the activation; a softmax shows every exponential it divides by."""
    import math as m

    weights: Any = worked.kernel
    sums: Any = worked.counted
    x = worked.padded
    j = unit - 1
    if not 1 <= unit <= len(sums):
        raise CnnCalcError(f"--explain {unit} is not one of the {len(sums)} units",
                           f"give a unit from 1 to {len(sums)}")
    if weights is None:  # the inputs are the sums (logits)
        bias = sums[j] - x[j]
        lines = [f"L_{unit} = {format_value(x[j])}" + (f" + {format_value(bias)} (bias) = {format_value(sums[j])}"
                                                      if bias else " (the logit)")]
    else:
        terms = " + ".join(_term(x[i], weights[i, j]) for i in range(len(x)))
        bias = sums[j] - float(sum(x[i] * weights[i, j] for i in range(len(x))))
        lines = [f"L_{unit} = {terms}" + (f" + {format_value(bias)} (bias)" if bias else "") +
                 f" = {format_value(sums[j])}"]
    if worked.activation == "softmax":
        exps = [m.exp(float(v)) for v in sums]
        lines.append(f"softmax(L)_{unit} = e^{format_value(sums[j])} / (" +
                     " + ".join(f"e^{format_value(v)}" for v in sums) + ")")
        lines.append(f"             = {format_value(exps[j])} / {format_value(sum(exps))} = "
                     f"{format_value(worked.output[0, j])}")
    elif worked.activation:
        lines.append(f"{worked.activation}({format_value(sums[j])}) = {format_value(worked.output[0, j])}")
    return lines


def _explain_activation(worked: Worked, row: int, col: int) -> list[str]:
    values = worked.padded[row - 1, col - 1]
    results = worked.output[row - 1, col - 1] if worked.output.ndim == 3 else [worked.output[row - 1, col - 1]]
    channels = len(values)
    return [f"{worked.activation}({format_value(v)}) = {format_value(r)}" + (f"    (channel {c + 1})" if channels > 1
                                                                            else "")
            for c, (v, r) in enumerate(zip(values, results))]


def _term(value: float, weight: float) -> str:
    right = format_value(weight)
    return f"{format_value(value)}×{'(' + right + ')' if weight < 0 else right}"


def _explain_conv(worked: Worked, row: int, col: int, rows: list[int], cols: list[int], k: int = 0) -> list[str]:
    channels = worked.padded.shape[2]
    kernel: Any = cast("Any", worked.kernel)[..., k]
    lines = []
    for c in range(channels):
        for i, r in enumerate(rows):
            terms = " + ".join(_term(worked.padded[r, cc, c], kernel[i, j, c]) for j, cc in enumerate(cols))
            suffix = f"    (channel {c + 1})" if channels > 1 and i == 0 else ""
            lines.append(terms + suffix)
    total = sum(float(worked.padded[r, cc, c] * kernel[i, j, c])
                for c in range(channels) for i, r in enumerate(rows) for j, cc in enumerate(cols))
    head = f"result({row},{col}) = "
    body = [head + lines[0]] + [" " * (len(head) - 2) + "+ " + line for line in lines[1:]]
    value: float = total
    if worked.bias:
        body.append(" " * (len(head) - 2) + f"+ {format_value(worked.bias)} (bias)")
        value += worked.bias
    body.append(" " * (len(head) - 2) + f"= {format_value(value)}")
    if worked.activation:
        result = worked.output[row - 1, col - 1] if worked.output.ndim == 2 else worked.output[row - 1, col - 1, k]
        body.append(f"{worked.activation}({format_value(value)}) = {format_value(result)}")
    return body


def _explain_pool(worked: Worked, row: int, col: int, rows: list[int], cols: list[int]) -> list[str]:
    lines = []
    channels = worked.padded.shape[2]
    counted: Any = worked.counted
    for c in range(channels):
        values = [format_value(worked.padded[r, cc, c]) for r in rows for cc in cols if counted[r, cc]]
        result = worked.output[row - 1, col - 1] if worked.output.ndim == 2 else worked.output[row - 1, col - 1, c]
        label = f"result({row},{col})" + (f" channel {c + 1}" if channels > 1 else "")
        if worked.mode == "avg":
            lines.append(f"{label} = ({' + '.join(values)})/{len(values)} = {format_value(result)}")
        else:
            lines.append(f"{label} = {worked.mode}({', '.join(values)}) = {format_value(result)}")
    return lines
