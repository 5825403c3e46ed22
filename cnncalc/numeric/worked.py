"""Worked numeric examples: feature maps, pooled maps and activations, and the arithmetic of any cell.

The numbers come from the same NumPy twins as ``summary --check`` (:func:`cnncalc.numeric.twins.conv2d`
and :func:`cnncalc.numeric.twins.pool2d`); the sizes and padding from the same window arithmetic as
everything else.  Coordinates the user sees are 1-based, as in the lectures.  A convolution may
take several kernels, one output channel each, as a layer of filters does; :func:`step` applies
the next worked step (``relu``, ``pool2``, ``avgpool2 s1``) to a map, as a chain of layers would.
"""

from __future__ import annotations

from typing import Any, cast

from ..errors import CnnCalcError
from ..model.arithmetic import AxisWindows, window_axis
from ..model.layers import require_pool_padding
from ..model.records import record
from .explained import ceil_note, explain, format_value, warnings
from .matrices import MAX_CELLS, Matrix, shape_of
from .twins import activation_in_place, conv2d, pool2d, require_numpy

__all__ = ["Worked", "activate", "ceil_note", "convolve", "explain", "format_value", "fully_connected", "pool", "step",
           "warnings"]


@record
class Worked:
    """A computed map with what is needed to explain any of its cells."""

    output: Any  # ndarray (Ho, Wo) or (Ho, Wo, C)
    padded: Any  # the input as the windows saw it, (H + pads, W + pads, C)
    kernel: Any | None  # (KH, KW, C, K) after any flip, for convolutions: K kernels, one output channel each
    axes: tuple[AxisWindows, AxisWindows]
    mode: str  # "conv", "max", "avg", "min", "act" (an activation, cell by cell) or "dense" (a unit per column)
    bias: float
    activation: str | None
    counted: Any | None  # pooling: which padded cells a window reads (padding counts only if explicit, for avg);
    # a fully connected layer: its sums L, before the activation

    def window(self, row: int, col: int) -> tuple[list[int], list[int]]:
        """Padded-coordinate rows and columns the window of output cell (row, col), 1-based, reads."""
        h, w = self.axes
        rows = [(row - 1) * h.stride + i * h.dilation for i in range(h.kernel)]
        cols = [(col - 1) * w.stride + j * w.dilation for j in range(w.kernel)]
        limit_r, limit_c = self.padded.shape[:2]
        return [r for r in rows if r < limit_r], [c for c in cols if c < limit_c]


def _axes(shape: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int], padding: Any,
          dilation: tuple[int, int], ceil: bool) -> tuple[AxisWindows, AxisWindows]:
    pads = (padding, padding) if isinstance(padding, (str, int)) else padding
    axes = tuple(window_axis(shape[i], kernel[i], stride[i], pads[i], dilation[i], ceil) for i in range(2))
    for name, axis in zip(("rows", "columns"), axes):
        if axis.output <= 0 or axis.span > axis.padded:
            raise CnnCalcError(
                f"the window does not fit: {axis.span} {name} of kernel on {axis.padded} padded {name} "
                f"({axis.formula()})",
                "use a smaller kernel or stride, or more padding",
            )
    return axes[0], axes[1]


#: The most float64 values a worked example may allocate (padded input, window copies, output): 256 MiB.
MAX_WORKED_VALUES = 32 * 1024 * 1024


def _require_small(axes: tuple[AxisWindows, AxisWindows], channels: int, kernel_values: int) -> None:
    """Refuse, before allocating, a worked example too big to compute or show by hand.

    It holds the padded input twice (the twin's copy and the one kept to explain cells), the
    windows' copy for the products and the output.
    """
    h, w = axes
    padded = h.padded * w.padded * channels
    outputs = h.output * w.output
    needed = 2 * padded + outputs * kernel_values + outputs * channels
    if needed > MAX_WORKED_VALUES or outputs > MAX_CELLS:
        raise CnnCalcError(
            f"this worked example is too big: a {h.padded:,}×{w.padded:,} padded input and a "
            f"{h.output:,}×{w.output:,} output",
            f"worked examples hold at most {MAX_CELLS:,} output cells and {MAX_WORKED_VALUES:,} values in all; "
            "use less padding or a smaller input",
        )


def convolve(image: Matrix, kernel: Matrix | list[Matrix], stride: tuple[int, int] = (1, 1), padding: Any = "valid",
             dilation: tuple[int, int] = (1, 1), bias: float = 0.0, flip: bool = False,
             act: str | None = None) -> Worked:
    """Cross-correlate (or, with ``flip``, convolve) a multi-channel image with one kernel, or with several:
    one output channel each."""
    np = require_numpy("cnncalc conv")
    several = bool(kernel) and isinstance(kernel[0][0][0], list)
    kernels = cast("list[Matrix]", kernel) if several else [cast("Matrix", kernel)]
    (h, w, c), (kh, kw, kc) = shape_of(image), shape_of(kernels[0])
    for number, other in enumerate(kernels[1:], start=2):
        if shape_of(other) != (kh, kw, kc):
            raise CnnCalcError(f"kernel {number} is {'×'.join(map(str, shape_of(other)))}, but kernel 1 is "
                               f"{kh}×{kw}×{kc}", "every kernel of one layer has the same size")
    if kc != c:
        raise CnnCalcError(
            f"the kernel has {kc} channel block{'s' * (kc != 1)} but the input has {c} channel{'s' * (c != 1)}",
            "give the kernel one block per input channel, separated by '|' (or a blank line in a file)",
        )
    axes = _axes((h, w), (kh, kw), stride, padding, dilation, ceil=False)
    _require_small(axes, c * len(kernels), kh * kw * c)
    weights = np.stack([np.array(k, dtype="float64") for k in kernels], axis=-1)  # (KH, KW, C, K)
    if flip:
        weights = weights[::-1, ::-1]  # true convolution: the kernel rotated by 180°
    pads = [(a.pad_before, a.pad_after) for a in axes]
    x = np.array(image, dtype="float64")[None]
    out = conv2d(x, weights, np.full(len(kernels), bias), stride, pads, dilation)[0]
    padded = np.pad(x[0], (pads[0], pads[1], (0, 0)))
    with np.errstate(over="ignore"):
        result = activation_in_place(act)(out)  # out is a fresh array: no copy needed
    return Worked(_finite(np, result[..., 0] if len(kernels) == 1 else result), padded, weights, axes, "conv", bias,
                  act, None)


def activate(image: Matrix, act: str) -> Worked:
    """An activation applied cell by cell (the lectures' ReLU layer: a stack with no negative values)."""
    np = require_numpy("cnncalc conv --then")
    h, w, c = shape_of(image)
    x = np.array(image, dtype="float64")
    with np.errstate(over="ignore"):
        out = activation_in_place(act)(x.copy())
    axes = (window_axis(h, 1, 1, "valid", 1, False), window_axis(w, 1, 1, "valid", 1, False))
    return Worked(_finite(np, out[..., 0] if c == 1 else out), x, None, axes, "act", 0.0, act, None)


def fully_connected(inputs: list[float], weights: Matrix | None = None, bias: list[float] | None = None,
                    act: str | None = None) -> Worked:
    """A fully connected layer by hand, L_j = w_0j·x_0 + … + w_nj·x_n + b_j, then its activation.

    ``weights`` is n×m (one column per unit, the weight matrix W); without it the inputs are the
    layer's sums already (logits), and only the bias and the activation apply.  The output is one row of m units.
    """
    np = require_numpy("cnncalc dense")
    x = np.array(inputs, dtype="float64")
    if weights is None:
        w = np.eye(len(inputs))
    else:
        w = np.array(weights, dtype="float64")[..., 0]
        if w.shape[0] != len(inputs):
            raise CnnCalcError(f"the weights have {w.shape[0]} row{'s' * (w.shape[0] != 1)} but the input has "
                               f"{len(inputs)} value{'s' * (len(inputs) != 1)}",
                               "give one row of weights per input value, one column per unit")
    b = np.zeros(w.shape[1]) if bias is None else np.array(bias, dtype="float64")
    if b.shape != (w.shape[1],):
        raise CnnCalcError(f"{len(b)} biases for {w.shape[1]} units", "give one bias per unit (per weight column)")
    with np.errstate(over="ignore"):
        sums = x @ w + b
        out = activation_in_place(act)(sums.copy()[None, :])
    axes = (window_axis(1, 1, 1, "valid", 1, False), window_axis(w.shape[1], 1, 1, "valid", 1, False))
    return Worked(_finite(np, out), x, w if weights is not None else None, axes, "dense", 0.0, act,
                  _finite(np, sums))


def step(image: Matrix, text: str) -> tuple[str, Worked]:
    """The next worked step on a map, written as a spec layer: an activation (``relu``) or a pooling
    (``pool2``, ``avgpool2 s1``, ``pool3 s2 p1``, ``pool2 ceil``); with the title to show above it."""
    from ..errors import SpecError
    from ..language.spec import parse
    from ..model.layers import Activation, AveragePooling2D, MaxPooling2D

    try:
        layers = parse(text).layers
    except SpecError as error:
        raise CnnCalcError(f"--then '{text}': {error.message}", error.hint) from None
    hint = "--then takes one activation (relu) or pooling (pool2, avgpool2 s1, pool3 s2 p1, pool2 ceil)"
    if len(layers) != 1:
        raise CnnCalcError(f"--then '{text}' is {len(layers)} layers", hint + "; repeat --then for more steps")
    layer = layers[0].layer
    h, w, c = shape_of(image)
    if isinstance(layer, Activation) and layer.activation:
        title = f"{layer.activation}: {h}×{w}{f'×{c}' if c > 1 else ''} map, cell by cell"
        return title, activate(image, layer.activation)
    if isinstance(layer, (MaxPooling2D, AveragePooling2D)) and max(layer.dilation) == 1:
        mode = "max" if isinstance(layer, MaxPooling2D) else "avg"
        padding = layer.padding if isinstance(layer.padding, str) else tuple(layer.padding)
        worked = pool(image, layer.pool_size, layer.strides, mode, padding, layer.ceil)
        out_h, out_w = worked.output.shape[:2]
        return (f"{mode} pooling ({text}): {h}×{w}{f'×{c}' if c > 1 else ''} map → {out_h}×{out_w}", worked)
    raise CnnCalcError(f"--then '{text}' is a {type(layer).__name__}", hint)


def _finite(np: Any, values: Any) -> Any:
    """Every value of a worked example is a real number; JSON has no NaN or Infinity."""
    if not np.isfinite(values).all():
        raise CnnCalcError("the result overflows: some cells are not finite numbers",
                           "use smaller values (each at most 1e150) or fewer of them")
    return values


def pool(image: Matrix, size: tuple[int, int], stride: tuple[int, int] | None = None, mode: str = "max",
         padding: Any = "valid", ceil: bool = False) -> Worked:
    """Max, min or average pooling of every channel of an image."""
    np = require_numpy("cnncalc pool")
    h, w, _ = shape_of(image)
    strides = stride or size
    axes = _axes((h, w), size, strides, padding, (1, 1), ceil)
    _require_small(axes, shape_of(image)[2], 1)
    if ceil and any(a.mode == "same" for a in axes):
        raise CnnCalcError("'--ceil' rounds valid or explicit padding; 'same' already gives ⌈n/s⌉",
                           "drop --ceil, or use --padding 0 or 1 with it")
    if any(a.mode == "explicit" for a in axes):
        require_pool_padding((axes[0].pad_before, axes[1].pad_before), size)
    pads = [(a.pad_before, a.pad_after) for a in axes]
    explicit = any(a.mode == "explicit" for a in axes)  # PyTorch's padding, not Keras' same
    x = np.array(image, dtype="float64")[None]
    out = pool2d(x, size, strides, pads, mode, ceil, count_padding=explicit)[0]
    padded = np.pad(x[0], (pads[0], pads[1], (0, 0)))
    counted = np.zeros(padded.shape[:2], dtype=bool)
    counted[pads[0][0] : pads[0][0] + h, pads[1][0] : pads[1][0] + w] = True
    if explicit and mode == "avg":
        counted[:, :] = True  # PyTorch's count_include_pad=True
    return Worked(out[..., 0] if out.shape[-1] == 1 else out, padded, None, axes, mode, 0.0, None, counted)

