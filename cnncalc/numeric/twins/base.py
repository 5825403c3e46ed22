"""What every twin shares: NumPy on demand, zero padding per axis, sliding windows, seeded weights, and the
size of a padded copy."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ...errors import CnnCalcError
from ...model.arithmetic import effective_kernel, same_padding
from ...model.layers import Shape

Array = Any  # numpy.ndarray; kept loose so this module imports without NumPy for type checks
Twin = Callable[[Array], Array]


def require_numpy(purpose: str) -> Any:
    """Import NumPy, or explain how to install it (exit code 2 at the CLI)."""
    try:
        import numpy
    except ImportError:
        raise CnnCalcError(
            f"{purpose} needs NumPy, which is not installed",
            "install it with: pip install 'cnncalc[numpy]'  (or pip install numpy)",
        ) from None
    return numpy


def _axis_pads(n: int, kernel: int, stride: int, padding: Any, dilation: int) -> tuple[int, int]:
    if padding == "same":
        return same_padding(n, kernel, stride, dilation)
    if padding == "valid":
        return (0, 0)
    if padding == "causal":
        return (effective_kernel(kernel, dilation) - 1, 0)
    return (padding, padding)


def _pads(shape: Shape, kernel: tuple[int, ...], strides: tuple[int, ...], padding: Any,
          dilation: tuple[int, ...]) -> list[tuple[int, int]]:
    """Zero padding (before, after) of each spatial axis: two for an image, three for a volume."""
    rank = len(kernel)
    per_axis = (padding,) * rank if isinstance(padding, str) else padding
    return [_axis_pads(shape[i], kernel[i], strides[i], per_axis[i], dilation[i]) for i in range(rank)]


def _windows(np: Any, x: Array, spans: tuple[int, ...], strides: tuple[int, ...]) -> Array:
    """Every window start that fits in x (B, H, W, C), stepped by the strides: (B, Ho, Wo, C, sh, sw).

    A volume (B, D, H, W, C) with three spans gives (B, Do, Ho, Wo, C, sd, sh, sw)."""
    view = np.lib.stride_tricks.sliding_window_view(x, spans, axis=tuple(range(1, len(spans) + 1)))
    return view[(slice(None), *(slice(None, None, s) for s in strides))]


#: PyTorch's padding modes as NumPy's np.pad modes.
_PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad(np: Any, x: Array, pads: list[tuple[int, int]], mode: str = "zeros") -> Array:
    """x padded on its spatial axes (zeros, or PyTorch's padding_mode); x itself when there is no padding."""
    if not any(before or after for before, after in pads):
        return x
    return np.pad(x, ((0, 0), *pads, (0, 0)), mode=_PAD_MODES[mode])


def _normal(rng: Any, shape: tuple[int, ...], scale: float = 1.0) -> Array:
    """Seeded float32 weights drawn as float32, so no float64 copy is ever allocated."""
    values = rng.standard_normal(shape, dtype="float32")
    if scale != 1.0:
        values *= scale
    return values


def _padded_values(shape: Shape, pads: list[tuple[int, int]], extra: tuple[int, ...] = (0, 0, 0)) -> int:
    """Values of a padded copy of one example (0 when the twin pads nothing and uses its input)."""
    if not any(before or after for before, after in pads) and not any(extra):
        return 0  # _pad returns its input
    return math.prod(shape[i] + sum(pads[i]) + (extra[i] if i < len(extra) else 0) for i in range(len(pads))) \
        * shape[-1]
