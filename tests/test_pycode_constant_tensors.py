"""Tensors model code computes from constants alone, as torchvision's RegNet computes its stage widths: each value
as PyTorch computes it (float32 rounding, torch's type promotion, round half to even), or a refusal at its line.

The expected numbers come from PyTorch: written out here from a run of it, and compared with PyTorch itself in the
oracle tests, over every RegNet configuration of torchvision's and hundreds of others drawn at random."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from cnncalc.errors import CodeError
from cnncalc.readers.code import read_model
from cnncalc.readers.code.calls import Interpreter
from cnncalc.readers.code.constant_tensors import ConstTensor
from cnncalc.readers.code.files import parse_source
from cnncalc.readers.code.float32 import result_dtype, scalar_dtype
from cnncalc.readers.code.values import Failed, Unknown

from .conftest import oracle
from .test_pycode import TORCH, refused

#: BlockParams.from_init_params of torchvision's regnet.py, as it is written there, and stages built from it.
REGNET = TORCH + """import math


def stage_params(depth, w_0, w_a, w_m):
    QUANT = 8
    widths_cont = torch.arange(depth) * w_a + w_0
    block_capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
    block_widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, block_capacity), QUANT)) * QUANT).int().tolist()
    num_stages = len(set(block_widths))
    split_helper = zip(block_widths + [0], [0] + block_widths, block_widths + [0], [0] + block_widths)
    splits = [w != wp or r != rp for w, wp, r, rp in split_helper]
    stage_widths = [w for w, t in zip(block_widths, splits[:-1]) if t]
    stage_depths = torch.diff(torch.tensor([d for d, t in enumerate(splits) if t])).int().tolist()
    assert len(stage_widths) == num_stages
    return stage_widths, stage_depths


widths, depths = stage_params(DEPTH, W_0, W_A, W_M)
layers = []
c = 3
for w, d in zip(widths, depths):
    for i in range(d):
        layers.append(nn.Linear(c, w))
        c = w
model = nn.Sequential(*layers)
"""

#: torchvision's RegNet configurations (depth, w_0, w_a, w_m), as its regnet.py gives them, with the stage widths
#: and depths PyTorch 2 computes for them.
CONFIGS = {
    "regnet_x_400mf": ((22, 24, 24.48, 2.54), [24, 64, 152, 392], [1, 2, 7, 12]),
    "regnet_x_800mf": ((16, 56, 35.73, 2.28), [56, 128, 288, 664], [1, 3, 7, 5]),
    "regnet_x_1_6gf": ((18, 80, 34.01, 2.25), [80, 176, 408, 912], [2, 4, 10, 2]),
    "regnet_x_3_2gf": ((25, 88, 26.31, 2.25), [88, 200, 448, 1000], [2, 6, 15, 2]),
    "regnet_x_8gf": ((23, 80, 49.56, 2.88), [80, 232, 664, 1912], [2, 5, 15, 1]),
    "regnet_x_16gf": ((22, 216, 55.59, 2.1), [216, 456, 952, 2000], [2, 6, 13, 1]),
    "regnet_x_32gf": ((23, 320, 69.86, 2.0), [320, 640, 1280, 2560], [2, 7, 13, 1]),
    "regnet_y_400mf": ((16, 48, 27.89, 2.09), [48, 104, 208, 440], [1, 3, 6, 6]),
    "regnet_y_800mf": ((14, 56, 38.84, 2.4), [56, 136, 320, 776], [1, 3, 8, 2]),
    "regnet_y_1_6gf": ((27, 48, 20.71, 2.65), [48, 128, 336, 896], [2, 6, 17, 2]),
    "regnet_y_3_2gf": ((21, 80, 42.63, 2.66), [80, 216, 568, 1504], [2, 5, 13, 1]),
    "regnet_y_8gf": ((17, 192, 76.82, 2.19), [192, 424, 920, 2016], [2, 4, 10, 1]),
    "regnet_y_16gf": ((18, 200, 106.23, 2.48), [200, 496, 1232, 3048], [2, 4, 11, 1]),
    "regnet_y_32gf": ((20, 232, 115.89, 2.53), [232, 584, 1488, 3760], [2, 5, 12, 1]),
    "regnet_y_128gf": ((27, 456, 160.83, 2.52), [456, 1152, 2896, 7296], [2, 7, 17, 1]),
}


def regnet_code(depth: int, w_0: int, w_a: float, w_m: float) -> str:
    return REGNET.replace("DEPTH", repr(depth)).replace("W_0", repr(w_0)).replace("W_A", repr(w_a)) \
        .replace("W_M", repr(w_m))


def stages(widths: list[int], depths: list[int]) -> str:
    return ", ".join(f"dense{w}" for w, d in zip(widths, depths) for _ in range(d))


@pytest.mark.parametrize("name", CONFIGS)
def test_regnet_stage_widths_are_pytorchs(name: str) -> None:
    config, widths, depths = CONFIGS[name]
    assert read_model(regnet_code(*config), "net.py", "model").spec == stages(widths, depths)


def torch_stage_params(torch: Any, depth: int, w_0: int, w_a: float, w_m: float) -> tuple[list[int], list[int]]:
    """torchvision's own BlockParams arithmetic, run by PyTorch."""
    widths_cont = torch.arange(depth) * w_a + w_0
    block_capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
    block_widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, block_capacity), 8)) * 8).int().tolist()
    splits = [w != wp for w, wp in zip([*block_widths, 0], [0, *block_widths])]
    widths = [w for w, t in zip(block_widths, splits[:-1]) if t]
    depths = torch.diff(torch.tensor([d for d, t in enumerate(splits) if t])).int().tolist()
    return widths, depths


@pytest.mark.oracle
def test_every_torchvision_regnet_and_hundreds_of_others_give_pytorchs_widths() -> None:
    """cnncalc's emulation against PyTorch itself: torchvision's configurations, and 300 drawn at random (slopes and
    steps in RegNet's ranges, with two decimals as RegNet's are written), each the same as PyTorch, or refused where
    PyTorch's log or pow lands within an ulp of a half (then the widths depend on the machine)."""
    torch = oracle("torch")
    generator = random.Random(23)
    configs = [config for config, _, _ in CONFIGS.values()] + [
        (generator.randint(8, 30), 8 * generator.randint(1, 60), round(generator.uniform(8, 200), 2),
         round(generator.uniform(1.5, 3.0), 2)) for _ in range(300)]
    refusals = 0
    for config in configs:
        try:
            spec = read_model(regnet_code(*config), "net.py", "model").spec
        except CodeError as error:  # the one refusal allowed is the one named
            assert "within an ulp of a rounding boundary" in str(error), (config, error)
            refusals += 1
            continue
        assert spec == stages(*torch_stage_params(torch, *config)), config
    assert refusals <= 3, refusals


#: (expression, as cnncalc reads it): each a tensor of constants made into whole numbers, as model code sizes
#: layers; PyTorch's own value is compared in the oracle test below.
EXPRESSIONS = [
    ("(torch.arange(1, 6) * 2.5).int()", [2, 5, 7, 10, 12]),
    ("torch.round(torch.tensor([0.5, 1.5, 2.5, 3.5, -0.5]) * 4 + 1).int()", [3, 7, 11, 15, -1]),
    ("torch.round(torch.tensor([0.5, 1.5, 2.5, 3.5]))", [0.0, 2.0, 2.0, 4.0]),  # half to even
    ("torch.tensor([7, 9, -7]) // 2", [3, 4, -4]),
    ("torch.tensor([7, 9, -7]) % 4", [3, 1, 1]),
    ("torch.tensor([3, 5]) ** 2 - 1", [8, 24]),
    ("torch.tensor(16777217).float().long()", 16777216),  # float32 keeps 24 bits
    ("(torch.tensor([1, 2], dtype=torch.int32) * 3).tolist()", [3, 6]),
    ("torch.tensor([10, 20, 35]) / 4", [2.5, 5.0, 8.75]),
    ("torch.diff(torch.tensor([1, 4, 9, 16]))", [3, 5, 7]),
    ("torch.arange(2, 11, 3).tolist()", [2, 5, 8]),
    ("torch.floor(torch.tensor([2.7, -2.7])).long()", [2, -3]),
    ("torch.ceil(torch.tensor([2.2]) * 3).long()", [7]),  # float32 2.2 · 3 = 6.6000004
    ("(torch.arange(4) * 0.1 * 30).int()", [0, 3, 6, 9]),
    ("torch.sqrt(torch.tensor([16.0, 2.0])) * 10", "refused"),  # its last bit is the machine's
    ("torch.round(torch.sqrt(torch.tensor([16.0, 2.0])) * 10).int()", [40, 14]),
    ("torch.tensor([3, 4]).max()", "unknown"),  # not followed: unknown, as before
    ("(torch.tensor([1.0, 2.0]) > 1.5).tolist()", [False, True]),
    ("torch.tensor([5, 6, 7])[1:].tolist()", [6, 7]),
    ("torch.tensor([5, 6, 7])[-1].item()", 7),
    ("[int(v) for v in torch.tensor([5, 6])]", "unknown"),
    ("torch.tensor([0.1]) * 3", [0.30000001192092896]),  # float32's 0.1, times 3, rounded to float32
    ("torch.arange(3) * 0.7 + 0.9", [0.8999999761581421, 1.5999999046325684, 2.299999952316284]),
    ("2 if torch.tensor(0) else 3", 3),
    ("isinstance(torch.arange(2), torch.Tensor) and not isinstance(torch.arange(2), list)", True),
    ("torch.tensor([1.5]) * torch.tensor(2, dtype=torch.float64)", [3.0]),  # float32: the 0-d one does not widen
    ("torch.tensor([True, False]) + 1", [2, 1]),
    ("torch.tensor([2.5, 3.5]).round().int()", [2, 4]),
    ("torch.pow(2.25, torch.tensor([1.0, 2.0])) * 4", [9.0, 20.25]),  # a whole power is exact in PyTorch too
    ("torch.tensor([1, 2, 3]) > torch.tensor(2.5)", [False, False, True]),
    ("torch.tensor([1.0, -1.0]) / 0 > 0", [True, False]),  # IEEE's infinities, where Python raises
    ("torch.pow(torch.tensor([0.0]), -1.0) > 0", "refused"),  # PyTorch's pow at an infinity is its own
    ("torch.tensor([1, 2]).to(torch.tensor([1.5]))", "unknown"),  # another tensor's dtype: not followed
    ("torch.tensor([1, 2]).to(torch.float64) / 3", [1 / 3, 2 / 3]),
]


def _cnncalc_value(expression: str, tolist: bool = False) -> Any:
    """The value cnncalc reads an expression as (a tensor as its tolist()), 'refused' at its line, or 'unknown'."""
    code = TORCH + f"v = ({expression}){'.tolist()' if tolist else ''}\n"
    interpreter = Interpreter("net.py", code)
    env: dict[str, Any] = {}
    interpreter.run_module(parse_source(code, "net.py").body, env)
    value = env["v"]
    if isinstance(value, Failed):
        assert value.error.line == 4, value.error
        return "refused"
    if isinstance(value, ConstTensor):
        return _cnncalc_value(expression, tolist=True)
    unknown = isinstance(value, Unknown) or (isinstance(value, list) and any(isinstance(v, Unknown) for v in value))
    return "unknown" if unknown else value


@pytest.mark.parametrize(("expression", "expected"), EXPRESSIONS)
def test_constant_tensor_expressions_are_pytorchs(expression: str, expected: Any) -> None:
    assert _cnncalc_value(expression) == expected


@pytest.mark.oracle
@pytest.mark.parametrize(("expression", "expected"), [e for e in EXPRESSIONS if e[1] not in ("refused", "unknown")])
def test_the_expected_values_are_pytorchs_own(expression: str, expected: Any) -> None:
    torch = oracle("torch")
    namespace: dict[str, Any] = {}
    exec(compile(TORCH + f"v = {expression}\n", "net.py", "exec"), namespace)  # the test's own lines, in PyTorch
    value = namespace["v"]
    assert (value.tolist() if isinstance(value, torch.Tensor) else value) == expected


@pytest.mark.oracle
def test_the_dtype_of_an_operation_is_torchs() -> None:
    """torch's type promotion, for every pair of the dtypes followed, with a dimension or none, and with Python's
    bool, int and float."""
    torch = oracle("torch")
    dtypes = ("bool", "int32", "int64", "float32", "float64")

    def tensor(dtype: str, dim: bool) -> Any:
        return torch.ones(2 if dim else (), dtype=getattr(torch, dtype))

    for a, b in [(a, b) for a in dtypes for b in dtypes]:
        for dim_a, dim_b in [(True, True), (True, False), (False, True), (False, False)]:
            operands = [(a, dim_a), (b, dim_b)]
            expected = str((tensor(a, dim_a) * tensor(b, dim_b)).dtype).removeprefix("torch.")
            assert result_dtype([d for d, dim in operands if dim], [d for d, dim in operands if not dim], []) \
                == expected, operands
        for scalar in (True, 2, 2.5):
            for dim in (True, False):
                expected = str((tensor(a, dim) * scalar).dtype).removeprefix("torch.")
                assert result_dtype([a] if dim else [], [] if dim else [a], [scalar_dtype(scalar)]) == expected


@pytest.mark.parametrize(("code", "where", "message"), [
    ("v = torch.arange(10 ** 6)\n", "net.py:4:5", "torch.arange of 1,000,000 elements, over the 100,000"),
    ("v = torch.arange(10 ** 20)\n", "net.py:4:5", "torch.arange of more than 10^15 elements"),
    ("v = (torch.tensor([1, 2]) ** -1).tolist()\n", "net.py:4:6", "Integers to negative integer powers"),
    ("v = (torch.tensor([1], dtype=torch.int32) * 2 ** 40).tolist()\n", "net.py:4:6", "a number past int32"),
    ("v = torch.log(torch.tensor([-1.0])).int().tolist()\n", "net.py:4:5", "a value (nan) that int32 cannot hold"),
    ("v = torch.round(torch.log(torch.tensor([12.182494]))).int()\n", "net.py:4:5",
     "within an ulp of a rounding boundary"),
    ("v = torch.log(torch.tensor([3.0])).tolist()\n", "net.py:4:5", "cannot give their exact values"),
    ("v = (torch.tensor([2 ** 62]) * 4).tolist()\n", "net.py:4:6", "a number past int64, which PyTorch wraps"),
    ("v = 1 if torch.arange(3) else 2\n", "net.py:4:5", "Boolean value of Tensor with more than one value"),
    ("v = torch.tensor([1, 2]) + torch.tensor([1, 2, 3])\n", "net.py:4:5", "the sizes of the tensors must match"),
])
def test_what_pytorch_would_not_compute_alike_is_refused_at_its_line(tmp_path: Path, code: str, where: str,
                                                                     message: str) -> None:
    out = refused(tmp_path, TORCH + code + "model = nn.Sequential(nn.Linear(4, v))\n")
    assert where in out and message in out, out


def test_a_constant_tensor_with_a_models_tensor_is_no_layer(tmp_path: Path) -> None:
    """An operation between the model's tensor and a tensor of constants stays what it was: refused at its line."""
    code = TORCH + ("class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                    "        self.c = nn.Conv2d(3, 4, 3)\n    def forward(self, x):\n"
                    "        return self.c(x) * torch.tensor(2.0)\nmodel = Net()\n")
    out = refused(tmp_path, code, ["--input", "3x8x8"])
    assert "net.py:9:16" in out and "an operation between a tensor and a number has no layer" in out, out
