"""A port of torchvision/models/swin_transformer.py (torchvision 0.24) as plain torch modules, for
tests/test_zoo_swin.py: torchvision does not import here.  The modules' class names are torchvision's, since a row's
class is its module's."""

from __future__ import annotations

import math
from typing import Any

#: torchvision modules a spec writes as one word: their inner modules (qkv and proj, applied with F.linear, and
#: v2's cpb_mlp; a patch merging's LayerNorm and Linear) are counted in that word's row
ONE_ROW = ("ShiftedWindowAttention", "ShiftedWindowAttentionV2", "PatchMerging", "PatchMergingV2")


def attention(torch: Any, x: Any, qkv: Any, proj: Any, bias: Any, window: int, heads: int, shift: int,
              logit_scale: Any = None) -> Any:
    """torchvision's shifted_window_attention, step by step: pad to whole windows, roll, partition, attend (v2:
    cosine attention times exp(min(logit scale, log 100)), no key bias), add the bias and the shifted windows'
    mask (-100 across regions), project, reverse the partition and the roll, crop."""
    F = torch.nn.functional  # noqa: N806
    b, h, w, c = x.shape
    x = F.pad(x, (0, 0, 0, -w % window, 0, -h % window))
    _, ph, pw, _ = x.shape
    shifts = [0 if window >= n else shift for n in (ph, pw)]
    if sum(shifts):
        x = torch.roll(x, (-shifts[0], -shifts[1]), (1, 2))
    n = (ph // window) * (pw // window)
    x = x.view(b, ph // window, window, pw // window, window, c).permute(0, 1, 3, 2, 4, 5)
    x = x.reshape(b * n, window * window, c)
    qkv_bias = qkv.bias
    if logit_scale is not None:
        qkv_bias = qkv_bias.clone()
        qkv_bias[c:2 * c] = 0
    q, k, v = F.linear(x, qkv.weight, qkv_bias).reshape(b * n, window * window, 3, heads, c // heads).permute(
        2, 0, 3, 1, 4)
    if logit_scale is not None:
        scores = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        scores = scores * torch.clamp(logit_scale, max=math.log(100.0)).exp()
    else:
        scores = (q * (c // heads) ** -0.5) @ k.transpose(-2, -1)
    scores = scores + bias
    if sum(shifts):
        labels = x.new_zeros((ph, pw))
        count = 0
        for top, bottom in ((0, -window), (-window, -shifts[0]), (-shifts[0], None)):
            for left, right in ((0, -window), (-window, -shifts[1]), (-shifts[1], None)):
                labels[top:bottom, left:right] = count
                count += 1
        labels = labels.view(ph // window, window, pw // window, window).permute(0, 2, 1, 3).reshape(n, -1)
        mask = labels.unsqueeze(1) - labels.unsqueeze(2)
        mask = mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)
        scores = (scores.view(b, n, heads, window * window, window * window) + mask.unsqueeze(1).unsqueeze(0))
        scores = scores.view(-1, heads, window * window, window * window)
    x = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b * n, window * window, c)
    x = F.linear(x, proj.weight, proj.bias)
    x = x.view(b, ph // window, pw // window, window, window, c).permute(0, 1, 3, 2, 4, 5).reshape(b, ph, pw, c)
    if sum(shifts):
        x = torch.roll(x, (shifts[0], shifts[1]), (1, 2))
    return x[:, :h, :w].contiguous()


def modules(torch: Any) -> dict[str, Any]:
    """The port's module classes, named as torchvision names them (the rows' classes)."""
    nn = torch.nn

    def index(window: int) -> Any:
        rows, cols = torch.div(torch.arange(window * window), window, rounding_mode="floor"), \
            torch.arange(window * window) % window
        return ((rows[:, None] - rows[None, :] + window - 1) * (2 * window - 1) + cols[:, None] - cols[None, :]
                + window - 1).flatten()

    class ShiftedWindowAttention(nn.Module):  # type: ignore[misc]
        def __init__(self, dim: int, window: int, shift: int, heads: int) -> None:
            super().__init__()
            self.window, self.shift, self.heads = window, shift, heads
            self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
            self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * window - 1) ** 2, heads))
            self.register_buffer("relative_position_index", index(window))

        def table(self) -> Any:
            return self.relative_position_bias_table

        def bias(self) -> Any:
            n = self.window * self.window
            return self.table()[self.relative_position_index].view(n, n, -1).permute(2, 0, 1).unsqueeze(0)

        def forward(self, x: Any) -> Any:
            return attention(torch, x, self.qkv, self.proj, self.bias(), self.window, self.heads, self.shift)

    class ShiftedWindowAttentionV2(ShiftedWindowAttention):
        def __init__(self, dim: int, window: int, shift: int, heads: int) -> None:
            nn.Module.__init__(self)
            self.window, self.shift, self.heads = window, shift, heads
            self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
            offsets = torch.arange(-(window - 1), window, dtype=torch.float32) / (window - 1) * 8
            grid = torch.stack(torch.meshgrid(offsets, offsets, indexing="ij"), -1).unsqueeze(0)
            self.register_buffer("relative_coords_table", torch.sign(grid) * torch.log2(grid.abs() + 1) / 3)
            self.register_buffer("relative_position_index", index(window))
            self.logit_scale = nn.Parameter(torch.log(10 * torch.ones((heads, 1, 1))))
            self.cpb_mlp = nn.Sequential(nn.Linear(2, 512), nn.ReLU(inplace=True), nn.Linear(512, heads, bias=False))

        def table(self) -> Any:
            return self.cpb_mlp(self.relative_coords_table).view(-1, self.heads)

        def forward(self, x: Any) -> Any:
            return attention(torch, x, self.qkv, self.proj, 16 * torch.sigmoid(self.bias()), self.window,
                             self.heads, self.shift, self.logit_scale)

    class PatchMerging(nn.Module):  # type: ignore[misc]
        v2 = False

        def __init__(self, dim: int) -> None:
            super().__init__()
            self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
            self.norm = nn.LayerNorm(2 * dim if self.v2 else 4 * dim)

        def forward(self, x: Any) -> Any:
            h, w = x.shape[-3:-1]
            x = torch.nn.functional.pad(x, (0, 0, 0, w % 2, 0, h % 2))
            x = torch.cat([x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :],
                           x[..., 1::2, 1::2, :]], -1)
            return self.norm(self.reduction(x)) if self.v2 else self.reduction(self.norm(x))

    class PatchMergingV2(PatchMerging):
        v2 = True

    return {cls.__name__: cls for cls in (ShiftedWindowAttention, ShiftedWindowAttentionV2, PatchMerging,
                                          PatchMergingV2)}


def swin(torch: Any, embed: int, depths: tuple[int, ...], heads: tuple[int, ...], window: int, v2: bool) -> Any:
    """torchvision's SwinTransformer: patch embedding, stages of blocks with patch merging between, the head."""
    nn = torch.nn
    kinds = modules(torch)

    class Permute(nn.Module):  # type: ignore[misc]
        def __init__(self, dims: list[int]) -> None:
            super().__init__()
            self.dims = dims

        def forward(self, x: Any) -> Any:
            return x.permute(*self.dims)

    class StochasticDepth(nn.Module):  # type: ignore[misc]
        def forward(self, x: Any) -> Any:  # the identity at inference
            return x

    class Block(nn.Module):  # type: ignore[misc]
        def __init__(self, dim: int, heads: int, shift: int) -> None:
            super().__init__()
            self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
            self.attn = kinds["ShiftedWindowAttentionV2" if v2 else "ShiftedWindowAttention"](dim, window, shift,
                                                                                              heads)
            self.stochastic_depth = StochasticDepth()
            self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Dropout(0.0), nn.Linear(4 * dim, dim),
                                     nn.Dropout(0.0))

        def forward(self, x: Any) -> Any:
            if v2:  # normalised after the branch
                x = x + self.stochastic_depth(self.norm1(self.attn(x)))
                return x + self.stochastic_depth(self.norm2(self.mlp(x)))
            x = x + self.stochastic_depth(self.attn(self.norm1(x)))
            return x + self.stochastic_depth(self.mlp(self.norm2(x)))

    layers: list[Any] = [nn.Sequential(nn.Conv2d(3, embed, 4, 4), Permute([0, 2, 3, 1]), nn.LayerNorm(embed))]
    for stage, (depth, h) in enumerate(zip(depths, heads)):
        dim = embed * 2 ** stage
        layers.append(nn.Sequential(*(Block(dim, h, window // 2 if i % 2 else 0) for i in range(depth))))
        if stage < len(depths) - 1:
            layers.append(kinds["PatchMergingV2" if v2 else "PatchMerging"](dim))
    last = embed * 2 ** (len(depths) - 1)
    return nn.Sequential(*layers, nn.LayerNorm(last), Permute([0, 3, 1, 2]), nn.AdaptiveAvgPool2d(1), nn.Flatten(1),
                         nn.Linear(last, 1000))


def rows(torch: Any, model: Any, size: int) -> list[tuple[str, tuple[int, ...], int, int]]:
    """(class, output shape, parameters, buffers) of every leaf module and every ONE_ROW module, as it runs."""
    found: list[tuple[str, tuple[int, ...], int, int]] = []

    def hook(module: Any, _: Any, output: Any) -> None:
        found.append((type(module).__name__, tuple(output.shape), sum(p.numel() for p in module.parameters()),
                      sum(b.numel() for b in module.buffers())))

    inside = set()
    for module in model.modules():
        if type(module).__name__ in ONE_ROW:
            module.register_forward_hook(hook)
            inside |= {id(m) for m in module.modules()}
        elif not list(module.children()) and id(module) not in inside:
            module.register_forward_hook(hook)
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, size, size, device="meta"))
    return found
