"""Resizing to a size, the spec's ``resize{H}x{W}`` (Keras ``Resizing``, PyTorch ``F.interpolate(size=…)``), and a
fractional scale_factor read from model code.  PyTorch is the oracle for the sizes and the values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnncalc.graph.network import build
from cnncalc.numeric.twins import TWINS

from .test_pycode import run


@pytest.mark.oracle
@pytest.mark.parametrize(("n", "factor", "size"), [(32, 1.5, 48), (33, 0.5, 16), (7, 0.3, 2)])
def test_pytorch_floors_the_scaled_size(n: int, factor: float, size: int) -> None:
    # by hand: 32·1.5 = 48, 33·0.5 = 16.5 → 16, 7·0.3 = 2.1 → 2
    torch = pytest.importorskip("torch")
    out = torch.nn.functional.interpolate(torch.zeros(1, 1, n, n), scale_factor=factor)
    assert out.shape[-1] == size == math.floor(n * factor)


def test_resize_shape_and_params() -> None:
    net = build("input 32x32x3, conv8x3, resize48x40, resize7 nearest")
    assert [layer.output_shape for layer in net.layers[-2:]] == [(48, 40, 8), (7, 7, 8)]
    assert sum(layer.params.total for layer in net.layers[-2:]) == 0


@pytest.mark.oracle
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize(("size", "to"), [((5, 7), (9, 4)), ((8, 8), (3, 13)), ((6, 4), (6, 4))])
def test_the_twin_moves_values_as_pytorch_does(mode: str, size: tuple[int, int], to: tuple[int, int]) -> None:
    torch = pytest.importorskip("torch")
    x = torch.randn(2, 3, *size, generator=torch.Generator().manual_seed(0))
    options = {"align_corners": False} if mode == "bilinear" else {}
    expected = torch.nn.functional.interpolate(x, size=to, mode=mode, **options).permute(0, 2, 3, 1).numpy()
    option = " nearest" if mode == "nearest" else ""
    net = build(f"input {size[0]}x{size[1]}x3, resize{to[0]}x{to[1]}{option}")
    layer = net.layers[-1]
    got = TWINS[type(layer.layer)](layer.layer, layer.input_shape, None)(x.permute(0, 2, 3, 1).numpy())
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-5)


def test_resize_needs_a_size() -> None:
    status, out = run("summary", "input 4x4x3, resize")
    assert status == 2 and "Traceback" not in out, out
