"""PyTorch's resizing to a fixed size, ``F.interpolate(x, size=(H, W))`` and ``nn.Upsample(size=…)``: the spec's
``up`` takes whole factors, so a size is read when it is a whole multiple of the map that reaches it, which the
graph built so far gives (from --input); any other size is refused at its line.  A fractional scale_factor is the
spec's ``resize{H}x{W}``, PyTorch's floor(size · factor) per axis, when that graph gives the map's size."""

from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING, Any

from .arguments import _axes, _shown
from .keras_shapes import graph_shape
from .values import Tensor

if TYPE_CHECKING:
    from .calls import Interpreter


#: PyTorch's modes the spec's resize models: its twin is PyTorch's nearest, and bilinear with align_corners=False
_MODES = {"nearest": " nearest", "bilinear": ""}


def sized_up(interpreter: Interpreter, tensor: Any, size: Any, name: str, node: ast.AST, mode: Any = "nearest",
             align_corners: Any = None) -> str:
    """``up{fh}x{fw}`` for a resize of the tensor's map to ``size`` (a whole number or a pair of them) that is a
    whole multiple of it, else ``resize{H}x{W}`` in the call's mode."""
    sizes = tuple(size) if isinstance(size, (tuple, list)) else (size, size)
    if len(sizes) != 2 or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise interpreter.error(node, f"{name} to a size of {_shown(size)}, which is not a whole number or a pair "
                                "of them", "give size=(H, W), or scale_factor=2")
    if not isinstance(tensor, Tensor):
        raise interpreter.error(node, f"{name} of something that is not a tensor here")
    shape = graph_shape(interpreter, tensor, node, "torch")
    if len(shape) != 3:
        raise interpreter.error(node, f"{name} to a size of {_shown(size)} on a tensor that is not an image's")
    height, width = shape[0], shape[1]
    if sizes[0] % height or sizes[1] % width:  # no whole factor: the spec's resize, in the call's mode
        _modelled(interpreter, name, mode, align_corners, node)
        return f"resize{sizes[0]}x{sizes[1]}{_MODES[mode]}"
    return f"up{_axes((sizes[0] // height, sizes[1] // width))}"


def _modelled(interpreter: Interpreter, name: str, mode: Any, align_corners: Any, node: ast.AST) -> None:
    """Refuse a resize whose mode cnncalc's resize does not model."""
    if mode not in _MODES:
        raise interpreter.error(node, f"{name} in mode {_shown(mode)}, which cnncalc does not model",
                                "cnncalc's resize is PyTorch's 'nearest' or 'bilinear'")
    if align_corners and mode == "bilinear":
        raise interpreter.error(node, f"{name} with align_corners=True, whose values cnncalc does not model",
                                "cnncalc's resize is bilinear with align_corners=False")


def scaled_resize(interpreter: Interpreter, tensor: Any, factor: Any, mode: Any, align_corners: Any, name: str,
                  node: ast.AST) -> str | None:
    """``resize{H}x{W}`` for a scale_factor that is not whole (H = floor(height · factor), as PyTorch sizes it), or
    None for whole factors (the spec's ``up``) and a factor that is no number (refused where ``up`` is read)."""
    factors = tuple(factor) if isinstance(factor, (tuple, list)) else (factor, factor)
    if len(factors) != 2 or not all(isinstance(f, (int, float)) and not isinstance(f, bool) and math.isfinite(f)
                                    for f in factors):
        return None
    if all(float(f).is_integer() and f >= 1 for f in factors):
        return None
    if interpreter.given_input[0] is None:
        raise interpreter.error(node, f"{name} by a fractional scale_factor ({_shown(factor)})",
                                "cnncalc's up takes whole factors: scale_factor=2 or (2, 3); with the input's "
                                "shape (--input 3x224x224) it is read as a resize to PyTorch's floor(size · factor)")
    _modelled(interpreter, name, mode, align_corners, node)
    if not isinstance(tensor, Tensor):
        raise interpreter.error(node, f"{name} of something that is not a tensor here")
    shape = graph_shape(interpreter, tensor, node, "torch")
    if len(shape) != 3:
        raise interpreter.error(node, f"{name} by a scale_factor on a tensor that is not an image's")
    if any(f <= 0 for f in factors):
        raise interpreter.error(node, f"{name} by a scale_factor of {_shown(factor)}, which is not positive")
    height, width = math.floor(shape[0] * factors[0]), math.floor(shape[1] * factors[1])
    if height < 1 or width < 1:
        raise interpreter.error(node, f"{name} of a {shape[0]}×{shape[1]} map by {_shown(factor)}, which leaves "
                                f"{height}×{width}: an empty map")
    return f"resize{height}x{width}{_MODES[mode]}"
