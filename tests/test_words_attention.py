"""The words of a vision transformer (mha, clstoken, posembed, token) against PyTorch's and Keras' own layers: counts
and shapes, the NumPy twins' values, the FLOP conventions against the tools themselves, the code the writers write,
and check --summary on real pastes."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build

from .conftest import oracle
from .vit_port import vision_transformer

pytestmark = pytest.mark.oracle
np = pytest.importorskip("numpy")

#: a ViT with 16 tokens of 8 features and two encoder blocks of two heads, written as the zoo writes vit_b_16
TINY = """def encoder_block(d, h, m) = (add(id | layernorm, mha{h}, dropout0),
                              add(id | layernorm, dense{m}, gelu, dropout0, dense{d}, dropout0))
input 3x16x16 nchw
conv8x4 s4, reshape8x16 fn, permute2x1 fn, clstoken, posembed, dropout0
[encoder_block(8, 2, 16)]x2
layernorm, token0 fn, dense10
"""


def tiny_port(torch: Any) -> Any:
    return vision_transformer(torch, 16, 4, 2, 2, 8, 16, 10)


@pytest.mark.parametrize(("tokens", "features", "heads", "bias"), [(5, 8, 2, True), (7, 12, 3, False), (1, 4, 4, True)])
def test_mha_counts_as_torch_and_keras(tokens: int, features: int, heads: int, bias: bool) -> None:
    torch, keras = oracle("torch"), oracle("keras")
    row = build(f"input {tokens}x{features}, mha{heads}{'' if bias else ' nobias'}").layers[-1]
    # by hand: four D×D projections, and their biases of D each
    assert row.params.total == 4 * features * features + (4 * features if bias else 0)
    theirs = torch.nn.MultiheadAttention(features, heads, bias=bias, batch_first=True)
    x = torch.zeros(1, tokens, features)
    assert row.params.total == sum(p.numel() for p in theirs.parameters())
    assert (1, *row.output_shape) == tuple(theirs(x, x, x, need_weights=False)[0].shape)
    # Keras holds the same numbers as per-head kernels: query/key/value (D, H, D/H), output (H, D/H, D)
    layer = keras.layers.MultiHeadAttention(heads, key_dim=features // heads, use_bias=bias)
    out = layer(keras.ops.zeros((1, tokens, features)), keras.ops.zeros((1, tokens, features)))
    assert (row.output_shape, row.params.total) == (tuple(out.shape[1:]), layer.count_params())
    assert layer.query_dense.kernel.shape == (features, heads, features // heads)


def test_mha_twin_equals_torch_and_keras() -> None:
    torch, keras = oracle("torch"), oracle("keras")
    from cnncalc.model.layers import MultiHeadAttention
    from cnncalc.numeric.twins.attention import attention_weights
    from cnncalc.numeric.twins.registry import TWINS

    layer, (tokens, features, heads) = MultiHeadAttention(2), (5, 8, 2)
    twin = TWINS[MultiHeadAttention](layer, (tokens, features), np.random.default_rng(0))
    weights = attention_weights(layer, features, np.random.default_rng(0))  # the same draws as the twin's
    x = np.random.default_rng(1).standard_normal((3, tokens, features)).astype(np.float32)
    mine = twin(x)
    theirs = torch.nn.MultiheadAttention(features, heads, batch_first=True)
    with torch.no_grad():  # PyTorch multiplies x by W.T: in_proj packs the query, key and value kernels transposed
        theirs.in_proj_weight.copy_(torch.tensor(np.concatenate([weights[k].T for k in ("query", "key", "value")])))
        theirs.in_proj_bias.copy_(torch.tensor(np.concatenate([weights[f"{k}_bias"] for k in ("query", "key",
                                                                                                 "value")])))
        theirs.out_proj.weight.copy_(torch.tensor(weights["output"].T))
        theirs.out_proj.bias.copy_(torch.tensor(weights["output_bias"]))
        t = torch.tensor(x)
        assert np.allclose(mine, theirs(t, t, t, need_weights=False)[0].numpy(), rtol=0, atol=1e-5)
    k = keras.layers.MultiHeadAttention(heads, key_dim=features // heads)
    k(x, x)
    size = features // heads
    for dense, name in ((k.query_dense, "query"), (k.key_dense, "key"), (k.value_dense, "value")):
        dense.kernel.assign(weights[name].reshape(features, heads, size))
        dense.bias.assign(weights[f"{name}_bias"].reshape(heads, size))
    k.output_dense.kernel.assign(weights["output"].reshape(heads, size, features))
    k.output_dense.bias.assign(weights["output_bias"])
    assert np.allclose(mine, keras.ops.convert_to_numpy(k(x, x)), rtol=0, atol=1e-5)


def test_token_layers_equal_torchvisions_forward() -> None:
    torch = oracle("torch")
    from cnncalc.model.layers import ClassToken, PositionEmbedding, TokenSelect
    from cnncalc.numeric.twins.registry import TWINS

    net = build("input 4x6, clstoken, posembed, token0")
    assert [(r.output_shape, r.params.total) for r in net.layers] == [((5, 6), 6), ((5, 6), 5 * 6), ((6,), 0)]
    x = np.random.default_rng(1).standard_normal((2, 4, 6)).astype(np.float32)
    rng = np.random.default_rng(0)
    cls = TWINS[ClassToken](ClassToken(), (4, 6), rng)
    joined = cls(x)
    token = joined[0, 0]  # the token the twin drew
    # VisionTransformer.forward: torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)
    class_token = torch.tensor(token).reshape(1, 1, 6)
    assert np.array_equal(joined, torch.cat([class_token.expand(2, -1, -1), torch.tensor(x)], dim=1).numpy())
    pos = TWINS[PositionEmbedding](PositionEmbedding(), (5, 6), rng)
    embedding = pos(np.zeros((1, 5, 6), dtype=np.float32))[0]
    added = pos(joined)  # Encoder.forward: input + self.pos_embedding
    assert np.allclose(added, (torch.tensor(joined) + torch.tensor(embedding)[None]).numpy(), rtol=0, atol=1e-6)
    picked = TWINS[TokenSelect](TokenSelect(0), (5, 6), rng)(added)
    assert np.array_equal(picked, torch.tensor(added)[:, 0].numpy())  # x[:, 0]


def test_the_tiny_vit_runs_as_its_twins_and_as_the_port() -> None:
    torch = oracle("torch")
    from .vit_port import module_rows

    net = build(TINY)
    port = tiny_port(torch)
    assert net.total_params == sum(p.numel() for p in port.parameters()) == 1_842
    rows = [(r.layer.torch_class_for(r.input_shape), (1, *net.shown_shape(r.output_shape, r.tokens)), r.params.total)
            for r in net.layers if not r.functional and r.layer.keras_class not in ("Add", "ClassToken",
                                                                                    "PositionEmbedding")]
    assert rows == module_rows(torch, port, (3, 16, 16))
    from cnncalc.numeric.twins.forward import forward

    assert forward(net).shapes == tuple(layer.output_shape for layer in net.layers)  # the twins run the whole ViT


@pytest.mark.parametrize("convention", ["fvcore", "thop"])
def test_flop_conventions_count_the_tiny_vit_as_the_tools_do(convention: str) -> None:
    torch = oracle("torch")
    from cnncalc.analysis.flops import costs

    port = tiny_port(torch).eval()
    x = torch.zeros(1, 3, 16, 16)
    if convention == "fvcore":
        from fvcore.nn import FlopCountAnalysis

        theirs = FlopCountAnalysis(port, x).unsupported_ops_warnings(False).uncalled_modules_warnings(False).total()
    else:
        import thop

        with redirect_stdout(io.StringIO()):
            theirs, _ = thop.profile(port, inputs=(x,), verbose=False)
    assert sum(cost.flops for cost in costs(build(TINY), convention)) == int(theirs)


@pytest.mark.parametrize("bias", [True, False])
def test_ptflops_counts_attention_by_its_hook(bias: bool) -> None:
    # ptflops' hook reads the module's positional inputs: torchvision's EncoderBlock passes query=, key=, value= by
    # keyword, on which ptflops 0.7.5 fails (it returns None), so a module that calls attn(x, x, x) is counted here
    torch = oracle("torch")
    from ptflops import get_model_complexity_info

    from cnncalc.analysis.flops import costs

    class Attend(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.attention = torch.nn.MultiheadAttention(12, 3, bias=bias, batch_first=True)

        def forward(self, x: Any) -> Any:
            return self.attention(x, x, x, need_weights=False)[0]

    with redirect_stdout(io.StringIO()):
        theirs, _ = get_model_complexity_info(Attend().eval(), (7, 12), as_strings=False, print_per_layer_stat=False)
    net = build(f"input 7x12, mha3{'' if bias else ' nobias'}")
    assert sum(cost.flops for cost in costs(net, "ptflops")) == theirs


def test_attention_by_hand_under_each_convention() -> None:
    from cnncalc.analysis.flops import costs

    net = build("input 5x8, mha2")  # L = 5 tokens, D = 8, H = 2
    by = {c: sum(cost.flops for cost in costs(net, c)) for c in ("macs", "cnncalc", "fvcore", "ptflops", "thop")}
    assert by["macs"] == 4 * 5 * 64 + 2 * 25 * 8                      # projections, Q·Kᵀ and the weighted values
    assert by["cnncalc"] == 2 * by["macs"] + 4 * 5 * 8                 # and one per bias addition
    assert by["fvcore"] == 4 * 5 * 64                                  # scaled_dot_product_attention is skipped
    # ptflops' multihead_attention_counter_hook: q scaling, 3 projections and their biases, per head QKᵀ, softmax
    # and AV, the output projection with its bias
    assert by["ptflops"] == 5 * 8 + 3 * 5 * 64 + 3 * 5 * 8 + 2 * (25 * 4 + 25 + 25 * 4) + 5 * 8 * 9 == 1_930
    assert by["thop"] == 0                                             # thop has no rule for it


def test_torchinfos_footer_leaves_attention_and_the_tokens_out() -> None:
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    from cnncalc.analysis.costs import torchinfo as footer

    stats = torchinfo.summary(tiny_port(torch), input_size=(1, 3, 16, 16), verbose=0)
    mine = footer(build(TINY))
    assert (mine.mult_adds, mine.param_bytes) == (stats.total_mult_adds, stats.total_param_bytes)


def test_receptive_field_after_attention_is_the_whole_input() -> None:
    from cnncalc.analysis.receptive import receptive_fields

    fields = receptive_fields(build("input 9x8, conv1d8x3, mha2"))
    assert fields[0].text() == "3, 1, 1" and fields[1].text() == "whole input"


def test_keras_code_with_the_token_words_runs_as_the_spec_says(monkeypatch: pytest.MonkeyPatch) -> None:
    keras = oracle("keras")
    from cnncalc.views.codegen import keras_code

    keras.backend.clear_session()
    monkeypatch.setattr(keras.Model, "summary", lambda self, *a, **k: None)
    net = build("input 5x8, clstoken, posembed, add(id | layernorm, mha2), token0, dense3")
    namespace: dict[str, Any] = {"__name__": "written_by_cnncalc"}
    exec(compile(keras_code(net), "<cnncalc>", "exec"), namespace)
    model = namespace["model"]
    theirs = sorted((layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
                    for layer in model.layers[1:])
    # x[:, 0] is an operation of the functional model, not one of its layers (its summary's GetItem row)
    assert theirs == sorted((r.name, r.keras_class, r.output_shape, r.params.total) for r in net.layers
                            if r.keras_class != "GetItem")


def test_the_pytorch_writer_refuses_the_token_words_by_name() -> None:
    from cnncalc.views.codegen import pytorch_code

    for spec, word in (("input 5x8, mha2", "mha2"), ("input 5x8, clstoken", "clstoken"),
                       ("input 5x8, token0 fn", "token0")):
        with pytest.raises(CnnCalcError) as refused:
            pytorch_code(build(spec))
        assert f"cannot write '{word}' as PyTorch code" in refused.value.render()


@pytest.mark.parametrize(("spec", "message"), [
    ("input 5x8, mha3", "embed_dim (8) must be divisible by num_heads (3)"),
    ("input 4x4x8, clstoken", "ClassToken needs L×D tokens"),
    ("input 5x8, token5", "token 5 is past the 5 tokens"),
    ("input 8x4x4 nchw, mha2", "PyTorch's MultiheadAttention takes (N, L, E) tokens"),
    ("input 5x8, mha", "'mha' needs a number of heads"),
])
def test_bad_token_words_are_refused_at_their_layer(spec: str, message: str) -> None:
    with pytest.raises(CnnCalcError) as refused:
        build(spec)
    assert message in refused.value.render()


def test_check_summary_grades_real_torchinfo_and_keras_pastes(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    torch, torchinfo, keras = oracle("torch"), oracle("torchinfo"), oracle("keras")
    from click.testing import CliRunner

    from cnncalc.cli import main
    from cnncalc.views.codegen import keras_code

    paste = tmp_path / "torchinfo.txt"
    paste.write_text(str(torchinfo.summary(tiny_port(torch), input_size=(1, 3, 16, 16), verbose=0, depth=10)),
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["check", TINY, "--summary", str(paste)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    # a misprinted attention count is found: 4·8² + 4·8 = 288, not 280
    paste.write_text(paste.read_text(encoding="utf-8").replace("288", "280", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--summary", str(paste)], env={"COLUMNS": "120"})
    assert result.exit_code == 1 and "280" in result.output
    spec = "input 5x8, clstoken, posembed, add(id | layernorm, mha2), token0, dense3"
    keras.backend.clear_session()
    namespace: dict[str, Any] = {"__name__": "written_by_cnncalc"}
    exec(compile(keras_code(build(spec)).replace("model.summary()", ""), "<cnncalc>", "exec"), namespace)
    lines: list[str] = []
    monkeypatch.setenv("COLUMNS", "200")  # Keras' table, as wide as a terminal of 200 columns prints it
    namespace["model"].summary(print_fn=lambda line, **_: lines.append(line))
    paste = tmp_path / "keras.txt"
    paste.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", spec, "--summary", str(paste)], env={"COLUMNS": "120"})
    assert result.exit_code == 0 and "24/24 correct" in result.output, result.output
