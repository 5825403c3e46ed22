"""torchvision's MaxViT-T against a port of torchvision/models/maxvit.py written here as plain torch modules
(torchvision does not import here), and the words it needs (partition, departition, relmha) against PyTorch: the
network's rows, counts, buffers and MACs (torchvision's published GFLOPS), and the NumPy twins against the port's
modules in float64.  The network is built and run on PyTorch's meta device (shapes and counts, no arithmetic)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cnncalc.graph.network import build
from cnncalc.model.layers import Merge

from .conftest import ZOO, oracle

pytestmark = pytest.mark.oracle

#: torchvision 0.24's maxvit_t: MaxVit_T_Weights' num_params and _ops (GFLOPS)
DOCUMENTED, GFLOPS = 30_919_624, 5.558
#: torchvision modules a spec writes otherwise: SwapAxes(-2, -3) on (B, G, P², C) is permute2x1x3, a Permute row
RENAMED = {"SwapAxes": "Permute"}


def modules(torch: Any) -> dict[str, Any]:
    """The port's window partition, departition and relative attention, named as torchvision names them."""
    nn = torch.nn

    class WindowPartition(nn.Module):  # type: ignore[misc]
        def forward(self, x: Any, p: int) -> Any:  # (B, C, H, W) → (B, H/P · W/P, P², C)
            b, c, h, w = x.shape
            x = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 3, 5, 1)
            return x.reshape(b, (h // p) * (w // p), p * p, c)

    class WindowDepartition(nn.Module):  # type: ignore[misc]
        def forward(self, x: Any, p: int, hp: int, wp: int) -> Any:  # (B, HP · WP, P², C) → (B, C, HP·P, WP·P)
            b, _, _, c = x.shape
            return x.reshape(b, hp, wp, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, hp * p, wp * p)

    class RelativePositionalMultiHeadAttention(nn.Module):  # type: ignore[misc]
        def __init__(self, dim: int, head_dim: int, tokens: int) -> None:
            super().__init__()
            self.heads, self.head_dim, self.side = dim // head_dim, head_dim, int(tokens ** 0.5)
            self.to_qkv, self.merge = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
            self.scale = dim ** -0.5  # torchvision's: the features', not a head's
            self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * self.side - 1) ** 2, self.heads))
            rows = torch.div(torch.arange(tokens), self.side, rounding_mode="floor")
            cols = torch.arange(tokens) % self.side
            self.register_buffer("relative_position_index", (rows[:, None] - rows[None, :] + self.side - 1)
                                 * (2 * self.side - 1) + cols[:, None] - cols[None, :] + self.side - 1)

        def forward(self, x: Any) -> Any:
            b, g, p, d = x.shape
            q, k, v = (t.reshape(b, g, p, self.heads, self.head_dim).permute(0, 1, 3, 2, 4)
                       for t in torch.chunk(self.to_qkv(x), 3, dim=-1))
            bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(p, p, -1)
            scores = torch.einsum("bghid,bghjd->bghij", q, k * self.scale) + bias.permute(2, 0, 1).unsqueeze(0)
            out = torch.einsum("bghij,bghjd->bghid", torch.softmax(scores, dim=-1), v)
            return self.merge(out.permute(0, 1, 3, 2, 4).reshape(b, g, p, d))

    return {cls.__name__: cls for cls in (WindowPartition, WindowDepartition, RelativePositionalMultiHeadAttention)}


def maxvit_t(torch: Any) -> Any:
    """torchvision's MaxVit with maxvit_t's arguments: stem 64, blocks of 2, 2, 5, 2 layers of 64 to 512 channels,
    heads of 32, partitions of 7, stochastic depth np.linspace(0, 0.2, 11), BatchNorm2d(eps=1e-3), GELU."""
    nn = torch.nn
    kinds = modules(torch)

    class SwapAxes(nn.Module):  # type: ignore[misc]
        def forward(self, x: Any) -> Any:
            return torch.swapaxes(x, -2, -3)

    class StochasticDepth(nn.Module):  # type: ignore[misc]
        def forward(self, x: Any) -> Any:  # the identity at inference
            return x

    class SqueezeExcitation(nn.Module):  # type: ignore[misc]
        def __init__(self, c: int, q: int) -> None:
            super().__init__()
            self.avgpool, self.fc1, self.fc2 = nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, q, 1), nn.Conv2d(q, c, 1)
            self.activation, self.scale_activation = nn.SiLU(), nn.Sigmoid()

        def forward(self, x: Any) -> Any:
            return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x))))) * x

    def bn(c: int) -> Any:
        return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)

    class MBConv(nn.Module):  # type: ignore[misc]
        def __init__(self, i: int, o: int, stride: int, p: float) -> None:
            super().__init__()
            mid = 4 * o
            self.proj = nn.Sequential(nn.AvgPool2d(3, stride, 1), nn.Conv2d(i, o, 1)) if stride != 1 or i != o \
                else nn.Identity()
            self.stochastic_depth = StochasticDepth() if p else nn.Identity()
            self.layers = nn.Sequential(bn(i), nn.Conv2d(i, mid, 1, bias=False), bn(mid), nn.GELU(),
                                        nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), bn(mid),
                                        nn.GELU(), SqueezeExcitation(mid, o // 4), nn.Conv2d(mid, o, 1))

        def forward(self, x: Any) -> Any:
            return self.proj(x) + self.stochastic_depth(self.layers(x))

    class PartitionAttentionLayer(nn.Module):  # type: ignore[misc]
        def __init__(self, c: int, grid: bool, size: int) -> None:
            super().__init__()
            self.p = size // 7 if grid else 7
            self.g = size // self.p
            self.partition_op, self.departition_op = kinds["WindowPartition"](), kinds["WindowDepartition"]()
            self.partition_swap = SwapAxes() if grid else nn.Identity()
            self.departition_swap = SwapAxes() if grid else nn.Identity()
            self.attn_layer = nn.Sequential(nn.LayerNorm(c), kinds["RelativePositionalMultiHeadAttention"](c, 32, 49),
                                            nn.Dropout(0.0))
            self.mlp_layer = nn.Sequential(nn.LayerNorm(c), nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c),
                                           nn.Dropout(0.0))
            self.stochastic_dropout = StochasticDepth()

        def forward(self, x: Any) -> Any:
            x = self.partition_swap(self.partition_op(x, self.p))
            x = x + self.stochastic_dropout(self.attn_layer(x))
            x = x + self.stochastic_dropout(self.mlp_layer(x))
            return self.departition_op(self.departition_swap(x), self.p, self.g, self.g)

    layers: list[Any] = [nn.Conv2d(3, 64, 3, 2, 1, bias=False), bn(64), nn.GELU(), nn.Conv2d(64, 64, 3, 1, 1)]
    rates = [0.2 * i / 10 for i in range(11)]
    size, previous, index = 112, 64, 0
    for channels, depth in ((64, 2), (128, 2), (256, 5), (512, 2)):
        size //= 2
        for i in range(depth):
            layers += [MBConv(previous if i == 0 else channels, channels, 2 if i == 0 else 1, rates[index]),
                       PartitionAttentionLayer(channels, False, size), PartitionAttentionLayer(channels, True, size)]
            index += 1
        previous = channels
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LayerNorm(512), nn.Linear(512, 512),
                         nn.Tanh(), nn.Linear(512, 1000, bias=False))


def rows(torch: Any, model: Any) -> list[tuple[str, tuple[int, ...], int, int]]:
    """(class, output shape, parameters, buffers) of every leaf module, the relative attention as one row."""
    found: list[tuple[str, tuple[int, ...], int, int]] = []

    def hook(module: Any, _: Any, output: Any) -> None:
        name = type(module).__name__
        found.append((RENAMED.get(name, name), tuple(output.shape), sum(p.numel() for p in module.parameters()),
                      sum(b.numel() for b in module.buffers())))

    inside = set()
    for module in model.modules():
        if type(module).__name__ == "RelativePositionalMultiHeadAttention":
            module.register_forward_hook(hook)
            inside |= {id(m) for m in module.modules()}
        elif not list(module.children()) and id(module) not in inside:
            module.register_forward_hook(hook)
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, 224, 224, device="meta"))
    return found


def test_maxvit_t_is_torchvisions_row_by_row() -> None:
    torch = oracle("torch")
    with torch.device("meta"):
        model = maxvit_t(torch)
    assert sum(p.numel() for p in model.parameters()) == DOCUMENTED  # the port is torchvision's network
    text = (ZOO / "torchvision" / "maxvit_t.cnn").read_text(encoding="utf-8")
    net = build(text)
    mine = [(layer.layer.torch_class_for(layer.input_shape), (1, *net.shown_shape(layer.output_shape, layer.tokens)),
             layer.params.total, layer.params.buffers) for layer in net.layers if not isinstance(layer.layer, Merge)]
    assert Counter(mine) == Counter(rows(torch, model))
    assert net.total_params == net.trainable_params == DOCUMENTED
    assert net.buffers == sum(b.numel() for b in model.buffers())
    assert round(net.macs / 1e9, 3) == GFLOPS
    keras_net = build(text, conventions="keras")  # the BatchNorm running statistics count as Keras' parameters
    statistics = sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    assert (keras_net.trainable_params, keras_net.non_trainable_params) == (DOCUMENTED, statistics)


@pytest.mark.parametrize(("shape", "size", "grid"), [((6, 12, 8), 3, False), ((8, 8, 4), 2, True)])
def test_the_partition_twins_are_torchvisions(shape: tuple[int, int, int], size: int, grid: bool) -> None:
    torch = oracle("torch")
    np = pytest.importorskip("numpy")
    from cnncalc.numeric.twins.grid_attention import departition, partition

    kinds = modules(torch)
    x = np.random.default_rng(6).standard_normal((2, *shape))
    nchw = torch.tensor(x).permute(0, 3, 1, 2)
    theirs = kinds["WindowPartition"]()(nchw, size).numpy()
    assert np.array_equal(partition(x, size), theirs)
    rows_, columns = shape[0] // size, shape[1] // size
    back = kinds["WindowDepartition"]()(torch.tensor(theirs), size, rows_, columns).permute(0, 2, 3, 1).numpy()
    assert np.array_equal(departition(theirs, rows_, columns), back) and np.array_equal(back, x)
    words = f"partition{size}, {'permute2x1x3, permute2x1x3, ' if grid else ''}departition{rows_}x{columns}"
    net = build(f"input {shape[2]}x{shape[0]}x{shape[1]} nchw, {words}")
    assert [2, *net.shown_shape(net.layers[0].output_shape, net.layers[0].tokens)] == list(theirs.shape)
    assert net.layers[-1].output_shape == shape


@pytest.mark.parametrize(("shape", "heads"), [((3, 9, 8), 2), ((2, 16, 12), 3)])
def test_the_relative_attention_twin_is_torchvisions(shape: tuple[int, int, int], heads: int) -> None:
    torch = oracle("torch")
    np = pytest.importorskip("numpy")
    from cnncalc.model.layers import RelativeAttention
    from cnncalc.numeric.twins.grid_attention import relative_attention, relative_weights

    groups, tokens, c = shape
    module = modules(torch)["RelativePositionalMultiHeadAttention"](c, c // heads, tokens).double()
    drawn = relative_weights(RelativeAttention(heads), shape, np.random.default_rng(7))
    weights = {key: value.astype(np.float64) for key, value in drawn.items()}
    with torch.no_grad():
        module.to_qkv.weight.copy_(torch.tensor(weights["qkv_w"]))
        module.to_qkv.bias.copy_(torch.tensor(weights["qkv_b"]))
        module.merge.weight.copy_(torch.tensor(weights["merge_w"]))
        module.merge.bias.copy_(torch.tensor(weights["merge_b"]))
        module.relative_position_bias_table.copy_(torch.tensor(weights["table"]))
    x = np.random.default_rng(8).standard_normal((2, *shape))
    with torch.no_grad():
        theirs = module(torch.tensor(x)).numpy()
    assert np.allclose(relative_attention(x, weights, heads), theirs, rtol=0, atol=1e-10)
    side = int(tokens ** 0.5)
    row = build(f"input {c}x{groups * side}x{side} nchw, partition{side}, relmha{heads}").layers[-1]
    assert (row.params.total, row.params.buffers) == (sum(p.numel() for p in module.parameters()),
                                                      sum(b.numel() for b in module.buffers()))


@pytest.mark.parametrize(("spec", "message"), [
    ("input 8x14x12 nchw, partition5", "5×5 windows do not tile a 14×12 map"),
    ("input 8x14x14 nchw, partition7, partition7", "WindowPartition takes an N×C×H×W map"),
    ("input 8x14x14 nchw, departition2x2", "WindowDepartition takes windows of tokens"),
    ("input 8x14x14 nchw, partition7, departition3x2", "4 windows of 49 tokens are not 3×2 square windows"),
    ("input 8x14x14 nchw, partition7, relmha3", "3 heads need channels divisible by 3"),
    ("input 8x12x12 nchw, partition6, permute1x3x2, relmha2", "no square window"),
    ("input 8x14x14 nchw, relmha2", "its input has its channels on axis 1"),
])
def test_a_maxvit_word_out_of_place_is_refused_at_it(spec: str, message: str) -> None:
    from cnncalc.errors import CnnCalcError

    with pytest.raises(CnnCalcError) as refused:
        build(spec)
    assert message in refused.value.render()


def test_torchinfos_summary_of_partitioned_attention_pairs_with_its_spec() -> None:
    """check --summary pairs torchinfo's rows of a window attention on a 14×14 map (the relative attention's
    to_qkv and merge rows; its table is in no row, only in the totals) with the spec's, and checks them alone."""
    from cnncalc.grading.pastes import align
    from cnncalc.grading.selfcheck import self_check
    from cnncalc.readers.pasted import parse_summary

    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    kinds = modules(torch)

    class Windowed(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.partition, self.departition = kinds["WindowPartition"](), kinds["WindowDepartition"]()
            self.norm = torch.nn.LayerNorm(8)
            self.attention = kinds["RelativePositionalMultiHeadAttention"](8, 4, 49)

        def forward(self, x: Any) -> Any:
            return self.departition(self.attention(self.norm(self.partition(x, 7))), 7, 2, 2)

    pasted = parse_summary(str(torchinfo.summary(Windowed(), input_size=(1, 8, 14, 14), verbose=0, depth=10)))
    verdicts = align(build("input 8x14x14 nchw, partition7, layernorm, relmha2, departition2x2"), pasted)
    assert verdicts and [v for v in verdicts if not v.ok] == []
    assert [v for v in self_check(pasted) if v.status == "wrong"] == []
