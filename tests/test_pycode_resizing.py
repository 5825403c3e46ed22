"""PyTorch resizing to a fixed size, as U-Nets and decoders write it: ``nn.Upsample(size=(H, W))`` and
``F.interpolate(x, size=…)``. A size that is a whole multiple of the map that reaches it (known from --input while
the code is read) is the spec's up; any other is its resize, in a mode it models; PyTorch's own count and output
shape are the expected values (the oracle runs the same code), and what is not modelled is refused at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import TORCH, framework_result, refused, run

RESIZING = TORCH + """

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 4, 3, padding=1)
        self.up = nn.Upsample(size=(16, 24), mode="bilinear", align_corners=True)
        self.d = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        x = self.up(self.c(x))
        x = F.interpolate(x, size={size}, mode="nearest")
        return self.d(x)


model = Net()
"""


@pytest.mark.oracle
@pytest.mark.parametrize(("size", "shape", "spec"), [
    # nn.Upsample is a module; F.interpolate a function in forward(), no module ('fn')
    ("(32, 48)", (3, 8, 8), "input 3x8x8 nchw, conv4x3x3 p1, up2x3, up2 fn, conv2x1x1"),
    ("[16, 72]", (3, 8, 12), "input 3x8x12 nchw, conv4x3x3 p1, up2, up1x3 fn, conv2x1x1"),
])
def test_a_resize_to_a_whole_multiple_is_an_up(tmp_path: Path, size: str, shape: tuple[int, ...], spec: str) -> None:
    code = RESIZING.format(size=size)
    theirs = framework_result(code, shape)
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    given = "x".join(map(str, shape))
    status, out = run("summary", str(path), "--input", given, "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs
    # by hand: 3·3·3·4 + 4 = 112 and 4·2 + 2 = 10; the map is 16×24 after the Upsample whatever the input
    assert theirs[0] == 122
    status, out = run("summary", str(path), "--input", given, "--emit-spec")
    assert status == 0 and out.strip() == spec, out


@pytest.mark.oracle
@pytest.mark.parametrize(("size", "shape"), [("32", (3, 8, 8))])
def test_a_resize_to_a_size_that_is_no_whole_multiple_is_a_resize(tmp_path: Path, size: str,
                                                                   shape: tuple[int, ...]) -> None:
    # 16×24 to 32×32 (nearest): no whole factor, so the spec's resize to that size, as PyTorch sizes it
    code = RESIZING.format(size=size)
    theirs = framework_result(code, shape)
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "x".join(map(str, shape)), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs


@pytest.mark.parametrize(("size", "args", "where", "message"), [
    # 7×7 to 16×24 is no whole factor: a resize, but bilinear with align_corners=True, whose values are not modelled
    ("(32, 48)", ["--input", "3x7x7"], "net.py:10:19", "an Upsample with align_corners=True"),
    ("(32, 48)", [], "net.py:10:19", "give the input's shape with --input"),
    ("(32.0, 48)", ["--input", "3x8x8"], "net.py:15:13", "an interpolate to a size of (32.0, 48), which is not"),
])
def test_a_resize_cnncalc_cannot_read_is_refused_at_its_line(tmp_path: Path, size: str, args: list[str],
                                                            where: str, message: str) -> None:
    out = refused(tmp_path, RESIZING.format(size=size), args)
    assert where in out and message in out, out
