"""torchvision's Swin transformers (v1 and v2) against a port of torchvision/models/swin_transformer.py written here
as plain torch modules (torchvision does not import here), and the words they need (windowattention, patchmerging)
against PyTorch: each network's rows, counts and buffers, its MACs against torchvision's published GFLOPS, and the
NumPy twins against the port's attention and patch merging run in float64.

The ports are built and run on PyTorch's meta device: shapes and counts without arithmetic, so the six networks
cost a fraction of a second.  The twins are checked on small maps whose sizes are no multiple of the window, so the
padding, the cyclic shift and its mask are all exercised."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cnncalc.graph.network import build
from cnncalc.model.layers import Merge

from .conftest import ZOO, oracle
from .swin_port import modules, rows, swin

pytestmark = pytest.mark.oracle

#: name: (embedding width, blocks per stage, heads per stage, window, v2, input size, torchvision's num_params,
#: torchvision's _ops (GFLOPS) for the weights' input size), from torchvision 0.24's builders and weights' meta
SWIN = {
    "swin_t": (96, (2, 2, 6, 2), (3, 6, 12, 24), 7, False, 224, 28_288_354, 4.491),
    "swin_s": (96, (2, 2, 18, 2), (3, 6, 12, 24), 7, False, 224, 49_606_258, 8.741),
    "swin_b": (128, (2, 2, 18, 2), (4, 8, 16, 32), 7, False, 224, 87_768_224, 15.431),
    "swin_v2_t": (96, (2, 2, 6, 2), (3, 6, 12, 24), 8, True, 256, 28_351_570, 5.94),
    "swin_v2_s": (96, (2, 2, 18, 2), (3, 6, 12, 24), 8, True, 256, 49_737_442, 11.546),
    "swin_v2_b": (128, (2, 2, 18, 2), (4, 8, 16, 32), 8, True, 256, 87_930_848, 20.325),
}
@pytest.mark.parametrize("name", SWIN)
def test_a_swin_transformer_is_torchvisions_row_by_row(name: str) -> None:
    torch = oracle("torch")
    embed, depths, heads, window, v2, size, documented, _ = SWIN[name]
    with torch.device("meta"):
        model = swin(torch, embed, depths, heads, window, v2)
    assert sum(p.numel() for p in model.parameters()) == documented  # the port is torchvision's network
    text = (ZOO / "torchvision" / f"{name}.cnn").read_text(encoding="utf-8")
    net = build(text)
    assert (net.conventions, net.input_shape) == ("torch", (size, size, 3))
    mine = [(layer.layer.torch_class_for(layer.input_shape), (1, *net.shown_shape(layer.output_shape, layer.tokens)),
             layer.params.total, layer.params.buffers) for layer in net.layers if not isinstance(layer.layer, Merge)]
    assert Counter(mine) == Counter(rows(torch, model, size))
    assert net.total_params == net.trainable_params == documented
    assert net.buffers == sum(b.numel() for b in model.buffers())
    keras_net = build(text, conventions="keras")  # Keras' conventions: no buffers, nothing non-trainable
    assert (keras_net.total_params, keras_net.non_trainable_params, keras_net.buffers) == (documented, 0, 0)


@pytest.mark.parametrize("name", SWIN)
def test_a_swin_transformers_macs_are_torchvisions_gflops(name: str) -> None:
    """torchvision's GFLOPS for Swin count the projections' and the MLPs' multiply-accumulates, the two matrix
    products of attention in every window of the map padded to whole windows, and v2's position bias network."""
    from cnncalc.analysis.flops import costs

    net = build((ZOO / "torchvision" / f"{name}.cnn").read_text(encoding="utf-8"))
    assert round(net.macs / 1e9, 3) == SWIN[name][-1]
    assert sum(cost.flops for cost in costs(net, "macs")) == net.macs


def _torch_weights(torch: Any, module: Any, twin: dict[str, Any]) -> None:
    """Copy the twin's weights into the port's module (float64)."""
    with torch.no_grad():
        module.qkv.weight.copy_(torch.tensor(twin["qkv_w"]))
        module.qkv.bias.copy_(torch.tensor(twin["qkv_b"]))
        module.proj.weight.copy_(torch.tensor(twin["proj_w"]))
        module.proj.bias.copy_(torch.tensor(twin["proj_b"]))
        if "table" in twin:
            module.relative_position_bias_table.copy_(torch.tensor(twin["table"]))
        else:
            module.cpb_mlp[0].weight.copy_(torch.tensor(twin["cpb_w1"]))
            module.cpb_mlp[0].bias.copy_(torch.tensor(twin["cpb_b1"]))
            module.cpb_mlp[2].weight.copy_(torch.tensor(twin["cpb_w2"]))
            module.logit_scale.copy_(torch.tensor(twin["logit_scale"]).reshape(-1, 1, 1))


@pytest.mark.parametrize(("shape", "heads", "window", "shifted", "v2"), [
    ((9, 10, 6), 2, 4, False, False),
    ((9, 10, 6), 2, 4, True, False),  # padded to 12×12, rolled by 2, masked
    ((8, 8, 8), 4, 4, True, False),
    ((9, 10, 6), 3, 4, True, True),
    ((5, 7, 4), 1, 3, False, True),
    ((4, 4, 4), 2, 4, True, True),  # one window covers the map: no shift, as torchvision decides
])
def test_the_window_attention_twin_is_torchvisions_attention(shape: tuple[int, int, int], heads: int, window: int,
                                                             shifted: bool, v2: bool) -> None:
    torch = oracle("torch")
    np = pytest.importorskip("numpy")
    from cnncalc.model.layers import WindowAttention
    from cnncalc.numeric.twins.windows_attention import attention_weights, window_attention

    layer = WindowAttention(heads, window, shifted, v2)
    drawn = attention_weights(layer, shape[-1], np.random.default_rng(3))
    weights = {key: value.astype(np.float64) for key, value in drawn.items()}
    kind = modules(torch)["ShiftedWindowAttentionV2" if v2 else "ShiftedWindowAttention"]
    module = kind(shape[-1], window, window // 2 if shifted else 0, heads).double()
    _torch_weights(torch, module, weights)
    x = np.random.default_rng(4).standard_normal((2, *shape))
    with torch.no_grad():
        theirs = module(torch.tensor(x)).numpy()
    # v2's table of coordinates is a float32 buffer in torchvision, so its biases agree to float32's precision
    assert np.allclose(window_attention(x, weights, heads, window, shifted, v2), theirs, rtol=0,
                       atol=1e-6 if v2 else 1e-10)
    row = build(f"input {shape[2]}x{shape[0]}x{shape[1]} nchw, permute2x3x1, windowattention{heads}x{window}"
                f"{' shifted' if shifted else ''}{' v2' if v2 else ''}").layers[-1]
    assert (row.params.total, row.params.buffers) == (sum(p.numel() for p in module.parameters()),
                                                      sum(b.numel() for b in module.buffers()))


@pytest.mark.parametrize(("shape", "v2"), [((6, 8, 3), False), ((7, 5, 4), False), ((7, 5, 4), True)])
def test_the_patch_merging_twin_is_torchvisions(shape: tuple[int, int, int], v2: bool) -> None:
    torch = oracle("torch")
    np = pytest.importorskip("numpy")
    from cnncalc.model.layers import PatchMerging
    from cnncalc.numeric.twins.registry import TWINS
    from cnncalc.numeric.twins.windows_attention import patch_merging

    c = shape[-1]
    module = modules(torch)["PatchMergingV2" if v2 else "PatchMerging"](c).double()
    rng = np.random.default_rng(5)
    norm = tuple(module.norm.weight.shape)
    weights = {"reduction_w": rng.standard_normal((2 * c, 4 * c)), "norm_w": rng.standard_normal(norm),
               "norm_b": rng.standard_normal(norm)}
    with torch.no_grad():
        module.reduction.weight.copy_(torch.tensor(weights["reduction_w"]))
        module.norm.weight.copy_(torch.tensor(weights["norm_w"]))
        module.norm.bias.copy_(torch.tensor(weights["norm_b"]))
    x = rng.standard_normal((2, *shape))
    with torch.no_grad():
        theirs = module(torch.tensor(x)).numpy()
    assert np.allclose(patch_merging(x, weights, v2), theirs, rtol=0, atol=1e-10)
    twin = TWINS[PatchMerging](PatchMerging(v2), shape, np.random.default_rng(0))
    row = build(f"input {shape[2]}x{shape[0]}x{shape[1]} nchw, permute2x3x1, patchmerging{' v2' if v2 else ''}"
                ).layers[-1]
    assert twin(x.astype(np.float32)).shape == (2, *row.output_shape) == tuple(theirs.shape)
    assert row.params.total == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("v2", [False, True])
def test_torchinfos_summary_of_a_swin_pairs_with_its_spec(v2: bool) -> None:
    """check --summary pairs torchinfo's rows of a small Swin (two stages of two blocks on a 32×32 image) with the
    spec's: the attention's row (v2: its position bias network's two Linear rows instead), and a patch merging's
    LayerNorm and Linear, on the channels-last map torchinfo prints."""
    from cnncalc.grading.pastes import align
    from cnncalc.readers.pasted import parse_summary

    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    pasted = str(torchinfo.summary(swin(torch, 16, (2, 2), (2, 4), 4, v2), input_size=(1, 3, 32, 32), verbose=0,
                                   depth=10))
    tail = " v2" if v2 else ""
    attention, mlp = ("windowattention{h}x4 v2 S, layernorm", "dense{4*c}, gelu, dropout0, dense{c}, dropout0, "
                      "layernorm") if v2 else ("layernorm, windowattention{h}x4 S", "layernorm, dense{4*c}, gelu, "
                                               "dropout0, dense{c}, dropout0")
    blocks = [f"def wmsa(h) = ({attention.replace(' S', '')})",
              f"def swmsa(h) = ({attention.replace(' S', ' shifted')})", f"def mlp(c) = ({mlp})"]
    stage = "add(id | wmsa({h}), droppath0), add(id | mlp({c}), droppath0), add(id | swmsa({h}), droppath0), " \
            "add(id | mlp({c}), droppath0)"
    spec = ", ".join([*blocks, "input 3x32x32 nchw, conv16x4 s4, permute2x3x1, layernorm", stage.format(h=2, c=16),
                      f"patchmerging{tail}", stage.format(h=4, c=32),
                      "layernorm, permute3x1x2, adaptiveavgpool1, flatten, dense1000"])
    verdicts = align(build(spec), parse_summary(pasted))
    assert verdicts and [v for v in verdicts if not v.ok] == []


@pytest.mark.parametrize(("spec", "message"), [
    ("input 7x7x10, windowattention3x7", "3 heads need channels divisible by 3, but the input has 10"),
    ("input 49x12, windowattention3x7", "ShiftedWindowAttention needs an H×W×C map of tokens"),
    ("input 12x7x7 nchw, windowattention3x7", "its input has its channels on axis 1"),
    ("input 12x7x7 nchw, patchmerging", "its input has its channels on axis 1"),
    ("input 12x7x7, windowattention3x7 s2", "'windowattention' does not take a stride"),
    ("input 12x7x7, windowattention3", "does not have the form windowattention3x7"),
    ("input 12x7x7, patchmerging shifted", "'patchmerging' does not take 'shifted' windows"),
])
def test_a_swin_word_out_of_place_is_refused_at_it(spec: str, message: str) -> None:
    from cnncalc.errors import CnnCalcError

    with pytest.raises(CnnCalcError) as refused:
        build(spec)
    assert message in refused.value.render()


@pytest.mark.parametrize("fmt", ["pytorch", "keras"])
def test_the_code_writers_refuse_the_swin_and_maxvit_words_by_name(fmt: str) -> None:
    from cnncalc.errors import CnnCalcError
    from cnncalc.views.codegen import keras_code, pytorch_code

    for word, written in (("windowattention", "14x14x8, windowattention2x7 shifted"),
                          ("patchmerging", "14x14x8, patchmerging"), ("partition", "14x14x8, partition7"),
                          ("relmha", "4x49x8, relmha2"), ("departition", "4x49x8, departition2x2")):
        with pytest.raises(CnnCalcError) as refused:
            (pytorch_code if fmt == "pytorch" else keras_code)(build(f"input {written}"))
        assert f"'{word}'" in refused.value.render()


def test_a_windowed_attention_has_no_fvcore_price_yet() -> None:
    """fvcore, ptflops and thop each see Swin's F.linear and @ their own way: cnncalc refuses rather than guess."""
    from cnncalc.analysis.flops import costs
    from cnncalc.errors import CnnCalcError

    net = build("input 8x14x14 nchw, permute2x3x1, windowattention2x7")
    for convention in ("fvcore", "ptflops", "thop"):
        with pytest.raises(CnnCalcError, match="FLOPs of windowed attention"):
            costs(net, convention)
    # the macs: qkv 196·8·24, proj 196·8·8, q·kᵀ and attention·v 2·196·49·8, by hand
    assert sum(cost.flops for cost in costs(net, "macs")) == 196 * 8 * 24 + 196 * 8 * 8 + 2 * 196 * 49 * 8


@pytest.mark.parametrize(("name", "documented"), [("swin_t", 28_288_354), ("swin_v2_b", 87_930_848),
                                                  ("maxvit_t", 30_919_624)])
def test_a_name_summarises_torchvisions_transformer(name: str, documented: int) -> None:
    from click.testing import CliRunner

    from cnncalc.cli import main

    result = CliRunner().invoke(main, ["summary", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert f'"total_params": {documented}' in result.output


def test_the_footer_says_the_macs_count_attention() -> None:
    from click.testing import CliRunner

    from cnncalc.cli import main

    result = CliRunner().invoke(main, ["summary", "input 8x14x14 nchw, permute2x3x1, windowattention2x7", "-v"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    macs = 196 * 8 * 24 + 196 * 8 * 8 + 2 * 196 * 49 * 8  # qkv, proj, q·kᵀ and attention·v, by hand
    assert f"Total MACs: {macs:,} (203.84 K; multiply-accumulates of conv, dense and attention" in result.output
