"""PyTorch code that computes with its tensors' sizes, as U-Nets pad the upsampled map to its skip's size
(``diffY = x2.size()[2] - x1.size()[2]`` then ``F.pad(x1, [diffX // 2, diffX - diffX // 2, …])``): the graph is
built in order, so the sizes are known from --input where the code reads them. The framework's own count and output
shape are the expected values (the oracle runs the same lines), and the spec each reads as is written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import TORCH, framework_result, refused, run

UP_BLOCK = TORCH + """

class Up(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.up = nn.ConvTranspose2d(channels, channels, kernel_size=2, stride=2)
        self.conv = nn.Conv2d(2 * channels, channels, 3, padding=1)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        diffY = x2.size()[2] - x1.size()[2]
        diffX = x2.size()[3] - x1.shape[3]
        x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2,
                        diffY // 2, diffY - diffY // 2])
        x = torch.cat([x2, x1], dim=1)
        return self.conv(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.inc = nn.Conv2d(3, 4, 3, padding=1)
        self.down = nn.Conv2d(4, 4, 3, stride=2, padding={down_padding})
        self.up = Up(4)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down(x1)
        return self.up(x2, x1)


model = Net()
"""


@pytest.mark.oracle
@pytest.mark.parametrize(("shape", "down_padding", "pad"), [
    ((3, 9, 9), 0, "zeropad b1 r1 fn"),  # 9 → 4 → 8: one row and column short, padded below and right
    ((3, 8, 8), 1, None),  # 8 → 4 → 8: nothing to pad, no row
    # 9×11 → 5×6 → 10×12: one too many; -1 // 2 = -1 goes left and top, and F.pad crops on negative amounts
    ((3, 9, 11), 1, "crop t1 l1 fn"),  # F.pad: a function in forward(), no module ('fn')
])
def test_a_unet_pads_to_its_skip_as_pytorch_does(tmp_path: Path, shape: tuple[int, ...], down_padding: int,
                                                 pad: str | None) -> None:
    code = UP_BLOCK.format(down_padding=down_padding)
    theirs = framework_result(code, shape)
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    given = "x".join(map(str, shape))
    status, out = run("summary", str(path), "--input", given, "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs
    # by hand: 3·3·3·4 + 4 = 112, 4·9·4 + 4 = 148, the transposed 4·4·4 + 4 = 68, and 8·9·4 + 4 = 292
    assert theirs[0] == 112 + 148 + 68 + 292
    status, out = run("summary", str(path), "--input", given, "--emit-spec")
    assert status == 0, out
    up = f"deconv4x2x2 s2, {pad} as t4, cat(@t1 | @t4)" if pad else "deconv4x2x2 s2 as t3, cat(@t1 | @t3)"
    assert out.strip() == (f"input {given} nchw, conv4x3x3 p1 as t1, conv4x3x3 s2" + " p1" * down_padding +
                           f", {up}, conv4x3x3 p1"), out


SIZES = TORCH + """

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 6 * 5, 10)

    def forward(self, x):
        x = self.c(x)
        b, c, h, w = x.size()
        assert x.size(1) == c and x.shape[-1] == w and x.size(dim=2) == h
        if x.size(2) != 6:
            x = F.max_pool2d(x, 2)
        x = x.view(b, c * h * w)
        return self.fc(x)


model = Net()
"""


@pytest.mark.oracle
def test_a_shape_unpacked_and_compared_is_the_one_the_input_gives(tmp_path: Path) -> None:
    theirs = framework_result(SIZES, (3, 8, 7))
    path = tmp_path / "net.py"
    path.write_text(SIZES, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "3x8x7", "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs
    assert theirs == (3 * 9 * 4 + 4 + 120 * 10 + 10, "[1, 10]")  # by hand


def up_block(pad: str) -> str:
    return UP_BLOCK.format(down_padding=0).replace(
        "x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2,\n                        diffY // 2, diffY - diffY // 2])",
        f"x1 = {pad}")


@pytest.mark.parametrize(("pad", "args", "where", "message"), [
    ("F.pad(x1, [0, 1, 0, 1], mode='reflect')", ["--input", "3x9x9"], "net.py:16:14", "F.pad with mode='reflect'"),
    ("F.pad(x1, [0, 1, 0, 1], value=1.0)", ["--input", "3x9x9"], "net.py:16:14", "cnncalc's zeropad pads with zeros"),
    ("F.pad(x1, [1, -1, 0, 1])", ["--input", "3x9x9"], "net.py:16:14", "pads some sides and crops others"),
    ("F.pad(x1, [0, 1, 0, 0, 1, 1])", ["--input", "3x9x9"], "net.py:16:14", "that pad the channels"),
    ("F.pad(x1, [0, 1, 0])", ["--input", "3x9x9"], "net.py:16:14", "F.pad of 3 amounts"),
    ("F.pad(x1, [0, 1.5, 0, 1])", ["--input", "3x9x9"], "net.py:16:14", "pad's pad is 1.5, which the framework"),
    ("x1.pad([0, 1, 0, 1])", ["--input", "3x9x9"], "net.py:16:14", "a tensor has no method pad()"),
    ("torch.pad(x1, [0, 1, 0, 1])", ["--input", "3x9x9"], "net.py:16:14", "cannot follow a call to torch.pad"),
])
def test_a_pad_cnncalc_cannot_write_is_an_error_at_its_line(tmp_path: Path, pad: str, args: list[str], where: str,
                                                           message: str) -> None:
    out = refused(tmp_path, up_block(pad), args)
    assert where in out and message in out, out


def test_a_size_with_no_input_is_asked_for_where_it_is_read(tmp_path: Path) -> None:
    out = refused(tmp_path, UP_BLOCK.format(down_padding=0), [])
    assert "net.py:14:17: this needs a tensor's shape" in out and "give the input's shape with --input" in out, out


SQUEEZE = TORCH + """

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, {channels}, 3)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.c(x), 1)
        return x.view(-1, {channels}).squeeze(1)


model = Net()
"""


@pytest.mark.oracle
def test_a_squeeze_of_an_axis_not_of_size_one_changes_nothing(tmp_path: Path) -> None:
    code = SQUEEZE.format(channels=4)
    theirs = framework_result(code, (3, 8, 8))
    assert theirs == (3 * 9 * 4 + 4, "[1, 4]")  # by hand
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "3x8x8", "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs


@pytest.mark.oracle
def test_a_squeeze_that_removes_an_axis_is_refused(tmp_path: Path) -> None:
    code = SQUEEZE.format(channels=1)
    assert framework_result(code, (3, 8, 8))[1] == "[1]"  # a shape no row of cnncalc's gives
    out = refused(tmp_path, code, ["--input", "3x8x8"])
    assert "net.py:13:16" in out and "a squeeze of axis 1 of a [1, 1] tensor, which removes it" in out, out
    out = refused(tmp_path, code.replace(".squeeze(1)", ".squeeze()"), ["--input", "3x8x8"])
    assert "a squeeze without one axis" in out, out
