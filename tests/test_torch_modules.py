"""What a spec item is under PyTorch's conventions: its rows are the modules torchinfo lists, each with the shape
PyTorch gives it, held against PyTorch itself."""

from __future__ import annotations

from typing import Any

import pytest

from cnncalc.graph.network import build

from .conftest import oracle
from .test_zoo import our_rows, torch_rows

pytestmark = pytest.mark.oracle


def test_a_global_pool_is_an_adaptive_pool_then_a_flatten() -> None:
    """`gap` under PyTorch's conventions is nn.AdaptiveAvgPool2d(1), shaped [1, C, 1, 1], then nn.Flatten(),
    [1, C]: the name and the shape of each row agree with the module's."""
    torch = oracle("torch")
    nn: Any = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10))
    ours = build("input 8x8x3, conv4x3 relu, gap, dense10", conventions="torch")
    assert our_rows(ours) == torch_rows(torch, model, (3, 8, 8))
    assert [layer.name for layer in ours.layers][2:4] == ["AdaptiveAvgPool2d: 1-3", "Flatten: 1-4"]
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveMaxPool2d(1), nn.Flatten())
    assert our_rows(build("input 8x8x3, conv4x3, gmp", conventions="torch")) == torch_rows(torch, model, (3, 8, 8))
    # keepdims keeps the pooled axes: the adaptive pool alone
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1))
    assert our_rows(build("input 8x8x3, conv4x3, gap keepdims", conventions="torch")) == \
        torch_rows(torch, model, (3, 8, 8))
