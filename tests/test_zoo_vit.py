"""torchvision's vision transformers in the zoo, against a port of torchvision's VisionTransformer built in PyTorch
(on the meta device: shapes and counts, no weights in memory) and against torchvision's documented counts."""

from __future__ import annotations

import pytest

from cnncalc.graph.network import build
from cnncalc.model.layers import ClassToken, Merge, PositionEmbedding

from .conftest import ZOO, oracle
from .vit_port import VIT, module_rows, vision_transformer

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("name", list(VIT))
def test_a_vision_transformer_is_torchvisions_module_by_module(name: str) -> None:
    torch = oracle("torch")
    config, documented, _ = VIT[name]
    with torch.device("meta"):
        model = vision_transformer(torch, 224, *config)
    assert sum(p.numel() for p in model.parameters()) == documented  # the port is torchvision's network
    net = build((ZOO / "torchvision" / f"{name}.cnn").read_text(encoding="utf-8"))
    assert net.conventions == "torch"
    theirs = module_rows(torch, model, (3, 224, 224), "meta")
    # the residual sums, the reshape, the permute and x[:, 0] run in forward(), the class token and the position
    # embedding are parameters of the model and its encoder: no module, no row
    mine = [(layer.layer.torch_class_for(layer.input_shape), (1, *net.shown_shape(layer.output_shape, layer.tokens)),
             layer.params.total) for layer in net.layers
            if not layer.functional and not isinstance(layer.layer, (Merge, ClassToken, PositionEmbedding))]
    assert len(mine) == len(theirs)
    for row, (a, b) in enumerate(zip(mine, theirs), start=1):
        assert a == b, f"{name} row {row}: cnncalc {a}, PyTorch {b}"
    extra = {type(layer.layer): layer.params.total for layer in net.layers
             if isinstance(layer.layer, (ClassToken, PositionEmbedding))}
    assert extra == {ClassToken: model.class_token.numel(), PositionEmbedding: model.encoder.pos_embedding.numel()}
    assert net.total_params == net.trainable_params == documented
    assert net.buffers == 0


@pytest.mark.parametrize("name", list(VIT))
def test_a_vision_transformers_macs_are_torchvisions_gflops(name: str) -> None:
    # torchvision documents each weight's "_ops" in GFLOPS to one decimal (17.6 for vit_b_16): the multiply-accumulates
    # of the convolution, the linear layers and the attention itself (Q·Kᵀ and the weighted values)
    config, _, gflops = VIT[name]
    net = build((ZOO / "torchvision" / f"{name}.cnn").read_text(encoding="utf-8"))
    assert round(net.macs / 1e9, 1) == gflops
    patch, layers, _, d, m = config
    tokens = (224 // patch) ** 2 + 1
    by_hand = 224 // patch * (224 // patch) * 3 * patch * patch * d + d * 1000 + \
        layers * (4 * tokens * d * d + 2 * tokens * tokens * d + 2 * tokens * d * m)
    assert net.macs == by_hand
