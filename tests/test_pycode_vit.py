"""Model code written as torchvision's vision_transformer.py writes a vision transformer: the patch convolution's
map reshaped and permuted to tokens, a class token and a position embedding kept as the module's own
nn.Parameter (made with torch.zeros, or torch.empty(…).normal_()), torch.cat of the class token expanded to the
batch, nn.MultiheadAttention called as self-attention returning a tuple, and x[:, 0]. Each tiny model gives
PyTorch's own count and output shape (the oracle runs the same lines); what is not read as PyTorch runs it is
refused at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import TORCH, framework_result, refused, run

#: torchvision's VisionTransformer, its Encoder and EncoderBlock as vision_transformer.py writes them (MLPBlock as
#: the nn.Sequential that torchvision.ops.misc.MLP is), tiny: 16 tokens of 8 features from a 16×16 image
VIT = TORCH + """from collections import OrderedDict
class EncoderBlock(nn.Module):
    def __init__(self, num_heads, hidden_dim, mlp_dim):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads, dropout=0.0, batch_first=True)
        self.dropout = nn.Dropout(0.0)
        self.ln_2 = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(hidden_dim, mlp_dim), nn.GELU(), nn.Dropout(0.0),
                                 nn.Linear(mlp_dim, hidden_dim), nn.Dropout(0.0))
    def forward(self, input):
        torch._assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x)
        x = x + input
        y = self.ln_2(x)
        y = self.mlp(y)
        return x + y
class Encoder(nn.Module):
    def __init__(self, seq_length, num_layers, num_heads, hidden_dim, mlp_dim):
        super().__init__()
        self.pos_embedding = nn.Parameter(torch.empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(0.0)
        layers = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(num_heads, hidden_dim, mlp_dim)
        self.layers = nn.Sequential(layers)
        self.ln = nn.LayerNorm(hidden_dim, eps=1e-6)
    def forward(self, input):
        input = input + self.pos_embedding
        return self.ln(self.layers(self.dropout(input)))
class VisionTransformer(nn.Module):
    def __init__(self, image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim, num_classes=10):
        super().__init__()
        torch._assert(image_size % patch_size == 0, "Input shape indivisible by patch size!")
        self.image_size, self.patch_size, self.hidden_dim = image_size, patch_size, hidden_dim
        self.conv_proj = nn.Conv2d(in_channels=3, out_channels=hidden_dim, kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2
        self.class_token = nn.Parameter(torch.zeros(1, 1, hidden_dim))
        seq_length += 1
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim)
        self.heads = nn.Sequential(OrderedDict(head=nn.Linear(hidden_dim, num_classes)))
        fan_in = self.conv_proj.in_channels * self.conv_proj.kernel_size[0] * self.conv_proj.kernel_size[1]
        nn.init.trunc_normal_(self.conv_proj.weight, std=(1 / fan_in) ** 0.5)
    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        torch._assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
        n_h = h // p
        n_w = w // p
        x = self.conv_proj(x)
        x = x.reshape(n, self.hidden_dim, n_h * n_w)
        return x.permute(0, 2, 1)
    def forward(self, x):
        x = self._process_input(x)
        n = x.shape[0]
        batch_class_token = self.class_token.expand(n, -1, -1)
        x = torch.cat([batch_class_token, x], dim=1)
        x = self.encoder(x)
        x = x[:, 0]
        return self.heads(x)
"""

#: a vision transformer written otherwise: the weights made with torch.randn and filled in place with
#: .uniform_(), the embedding added before the tokens, the class token expanded to x.size(0), attention without
#: biases whose weights are asked for (and dropped), and weights the model never uses (PyTorch counts them)
OTHER = TORCH + """class Net(nn.Module):
    def __init__(self, d=12, heads=3):
        super().__init__()
        self.patch = nn.Conv2d(3, d, 4, stride=4)
        self.cls_token = nn.Parameter(torch.randn(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, 10, d).uniform_(-0.1, 0.1))
        self.unused = nn.Parameter(torch.ones(5))
        self.norm = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, bias=False, batch_first=True)
        self.head = nn.Linear(d, 4)
    def forward(self, x):
        x = self.patch(x)
        x = x.reshape(x.size(0), 12, 9).permute(0, 2, 1)
        x = torch.cat((self.cls_token.expand(x.size(0), -1, -1), x), dim=1)
        x = self.pos_embed + x
        y = self.norm(x)
        y, weights = self.attn(query=y, key=y, value=y)
        x = x + y
        return self.head(x[:, 0])
model = Net()
"""

#: a vision transformer as timm and tutorials write one: the patch embedding's map flattened and transposed to
#: tokens (x.flatten(2).transpose(1, 2)), the weights initialised with nn.init.trunc_normal_, attention blocks in a
#: ModuleList of ModuleDicts, and the attention's output read as the tuple's first item
TIMM = TORCH + """class PatchEmbed(nn.Module):
    def __init__(self, img_size=32, patch_size=8, in_chans=3, embed_dim=16):
        super().__init__()
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)
class ViT(nn.Module):
    def __init__(self, img_size=32, patch_size=8, embed_dim=16, depth=2, heads=4, num_classes=10):
        super().__init__()
        self.patch_embed = PatchEmbed(img_size, patch_size, 3, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim))
        self.pos_drop = nn.Dropout(p=0.1)
        nn.init.trunc_normal_(self.pos_embed, std=.02)
        nn.init.trunc_normal_(self.cls_token, std=.02)
        self.blocks = nn.ModuleList([nn.ModuleDict({"norm": nn.LayerNorm(embed_dim),
                                                    "attn": nn.MultiheadAttention(embed_dim, heads, batch_first=True)})
                                     for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, num_classes)
    def forward(self, x):
        B, C, H, W = x.shape
        x = self.patch_embed(x)
        cls_tokens = self.cls_token.expand(B, -1, -1)
        x = torch.cat((cls_tokens, x), dim=1)
        x = x + self.pos_embed
        x = self.pos_drop(x)
        for blk in self.blocks:
            y = blk["norm"](x)
            x = x + blk["attn"](y, y, y)[0]
        x = self.norm(x)
        return self.head(x[:, 0])
"""

#: a built layer's sizes read back as PyTorch keeps them, as vision_transformer.py's weight initialisation reads
#: them (conv_proj.kernel_size[0], heads.pre_logits.in_features), here sizing the layers after them
SIZES = TORCH + """class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, 2)
        self.bn = nn.BatchNorm2d(self.conv.out_channels)
        self.conv2 = nn.Conv2d(self.bn.num_features, self.conv.kernel_size[0] + self.conv.stride[1], 1,
                               groups=self.conv.groups)
        self.fc = nn.Linear(5 * 3 * 3, 7)
        self.fc2 = nn.Linear(self.fc.out_features, self.fc.in_features + self.conv.padding[0])
    def forward(self, x):
        return self.fc2(self.fc(torch.flatten(self.conv2(self.bn(self.conv(x))), 1)))
model = Net()
"""

FOLLOWED = [
    (SIZES, (3, 7, 7)),
    (VIT + "model = VisionTransformer(16, 4, 2, 2, 8, 16)\n", (3, 16, 16)),
    (TIMM + "model = ViT()\n", (3, 32, 32)),
    (TIMM + "model = ViT(img_size=24, patch_size=6, embed_dim=12, depth=1, heads=3)\n", (3, 24, 24)),
    (VIT + "model = VisionTransformer(24, 8, 1, 4, 16, 32, num_classes=3)\n", (3, 24, 24)),
    (OTHER, (3, 12, 12)),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("code", "shape"), FOLLOWED)
def test_a_vision_transformer_counts_as_pytorch_counts(tmp_path: Path, code: str, shape: tuple[int, ...]) -> None:
    theirs = framework_result(code, shape)
    assert not isinstance(theirs, str), theirs
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--input", "x".join(map(str, shape)), "--format", "json")
    assert status == 0, out
    document = json.loads(out)
    assert (document["total_params"], str(document["layers"][-1]["torch_shape"])) == theirs


def test_a_vision_transformer_is_the_spec_torchvision_s_network_is(tmp_path: Path) -> None:
    """The tiny ViT as the spec words the zoo's vit_b_16 writes it with: 8·3·4·4 + 8 = 392 for the patch
    convolution; class token 8; position embedding 17·8 = 136; per block two LayerNorms (16 each), attention
    4·8² + 4·8 = 288, the MLP 8·16 + 16 + 16·8 + 8 = 280; the final LayerNorm 16 and the head 8·10 + 10 = 90."""
    path = tmp_path / "net.py"
    path.write_text(VIT + "model = VisionTransformer(16, 4, 1, 2, 8, 16)\n", encoding="utf-8")
    status, out = run("summary", str(path), "--input", "3x16x16", "--emit-spec")
    assert status == 0, out
    assert out.split(", ")[:7] == ["input 3x16x16 nchw", "conv8x4x4 s4", "reshape8x16 fn", "permute2x1 fn",
                                   "clstoken fn", "posembed fn", "dropout0.0 as t6"], out
    assert "mha2" in out and out.strip().endswith("layernorm, token0 fn, dense10"), out
    status, out = run("summary", str(path), "--input", "3x16x16", "--format", "json")
    document = json.loads(out)
    assert document["total_params"] == 392 + 8 + 136 + 2 * 16 + 288 + 280 + 16 + 90
    assert document["layers"][-2]["torch_shape"] == [1, 8]


#: the tiny ViT's forward() with one line changed
def changed(old: str, new: str) -> str:
    assert old in VIT
    return VIT.replace(old, new) + "model = VisionTransformer(16, 4, 1, 2, 8, 16)\n"


@pytest.mark.parametrize(("code", "where", "message"), [
    # the class token after the tokens, which cnncalc's clstoken does not put there
    (changed("torch.cat([batch_class_token, x], dim=1)", "torch.cat([x, batch_class_token], dim=1)"), "net.py:62:13",
     "only as a class token put before the tokens"),
    # the class token not expanded to the batch: torch.cat fails for a batch of more than one
    (changed("batch_class_token = self.class_token.expand(n, -1, -1)", "batch_class_token = self.class_token"),
     "net.py:62:13", "only as a class token put before the tokens"),
    (changed("self.class_token.expand(n, -1, -1)", "self.class_token.expand(2, -1, -1)"), "net.py:61:29",
     "expanded only to the batch"),
    # weights of the wrong shape: PyTorch fails at the concatenation, or at the sum
    (changed("torch.zeros(1, 1, hidden_dim)", "torch.zeros(1, 1, hidden_dim + 1)"), "net.py:43:28",
     "which is not one token of the tokens' features"),
    (changed("torch.empty(1, seq_length, hidden_dim)", "torch.empty(1, seq_length - 1, hidden_dim)"),
     "net.py:26:30", "which is not a position embedding of the tokens' own shape"),
    # the class token added rather than put before the tokens
    (changed("x = torch.cat([batch_class_token, x], dim=1)", "x = x + batch_class_token"), "net.py:62:13",
     "a module's own weights only as a layer scale"),
    # the weights used twice would be counted twice: the encoder's own use is the second
    (changed("x = self.encoder(x)", "x = self.encoder(x + self.encoder.pos_embedding)"), "net.py:34:17",
     "used a second time"),
    # attention of one tensor over another, a mask, the sequence-first layout
    (changed("self.self_attention(x, x, x, need_weights=False)", "self.self_attention(x, input, input)"),
     "net.py:17:16", "only as self-attention"),
    (changed("need_weights=False)", "attn_mask=torch.ones(17, 17))"), "net.py:17:16", "called with attn_mask"),
    (changed(", batch_first=True)", ")"), "net.py:9:31", "without batch_first=True"),
    # one token counted from the end, and an item of a map that holds no tokens
    (changed("x = x[:, 0]", "x = x[:, -1]"), "net.py:64:13", "counted from the first"),
    (changed("x = self.conv_proj(x)\n", "x = self.conv_proj(x)[:, 0]\n"), "net.py:55:13",
     "only as a slice of its channels"),
])
def test_what_is_not_read_as_pytorch_runs_it_is_refused_at_its_line(tmp_path: Path, code: str, where: str,
                                                                    message: str) -> None:
    out = refused(tmp_path, code, ["--input", "3x16x16"])
    assert where in out and message in out, out


@pytest.mark.parametrize(("old", "new", "where", "message"), [
    # a transpose that moves the batch, and a flatten of the tokens rather than of the map
    ("transpose(1, 2)", "transpose(0, 1)", "net.py:10:16", "keeps the batch first"),
    ("self.proj(x).flatten(2).transpose(1, 2)", "self.proj(x).flatten(2).transpose(1, 2).flatten(2)", "net.py:10:16",
     "x.flatten(2) of a tensor of 3 axes"),
    ("transpose(1, 2)", "transpose(1, 5)", "net.py:10:16", "has no axis 5"),
])
def test_what_is_not_a_patch_embedding_is_refused_at_its_line(tmp_path: Path, old: str, new: str, where: str,
                                                              message: str) -> None:
    assert old in TIMM
    out = refused(tmp_path, TIMM.replace(old, new) + "model = ViT()\n", ["--input", "3x32x32"])
    assert where in out and message in out, out


@pytest.mark.oracle
def test_attention_in_a_chain_is_refused_where_pytorch_fails(tmp_path: Path) -> None:
    """nn.Sequential calls nn.MultiheadAttention on one tensor: PyTorch fails (query, key and value are needed)."""
    code = TORCH + "model = nn.Sequential(nn.Linear(4, 8), nn.MultiheadAttention(8, 2, batch_first=True))\n"
    assert framework_result(code, (5, 4)) == "TypeError"
    out = refused(tmp_path, code, ["--input", "5x4"])
    assert "net.py:4:9" in out and "nn.MultiheadAttention applied to one tensor" in out, out


@pytest.mark.oracle
@pytest.mark.parametrize(("check", "where", "message"), [
    # torchvision's _process_input checks the image's size: PyTorch stops there for another input
    ("torch._assert(h == self.image_size, f'Wrong image height! Expected {self.image_size} but got {h}!')",
     "net.py:52:9", "the model's own check fails for this input: Wrong image height! Expected 16 but got 20!"),
    ("assert h == self.image_size, 'wrong size'", "net.py:52:9", "the model's own check fails for this input: wrong"),
    ("assert self.conv_proj(x).shape[1] == 8", "net.py:52:9", "an assert that applies layers"),
])
def test_the_model_s_own_checks_fail_where_pytorch_s_do(tmp_path: Path, check: str, where: str,
                                                        message: str) -> None:
    old = 'torch._assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")'
    assert old in VIT
    code = VIT.replace(old, check) + "model = VisionTransformer(16, 4, 1, 2, 8, 16)\n"
    if "applies" not in message:  # PyTorch stops at the check too
        assert framework_result(code, (3, 20, 16)) == "AssertionError"
    out = refused(tmp_path, code, ["--input", "3x20x16" if "applies" not in message else "3x16x16"])
    assert where in out and message in out, out
    path = tmp_path / "net.py"
    if "applies" not in message:  # the input the model is built for passes its checks
        status, out = run("summary", str(path), "--input", "3x16x16", "--format", "json")
        assert status == 0 and json.loads(out)["total_params"] == 392 + 8 + 136 + 2 * 16 + 288 + 280 + 16 + 90, out


@pytest.mark.oracle
def test_a_raise_the_code_reaches_is_an_error_at_its_line(tmp_path: Path) -> None:
    """A module's own argument check that raises for the arguments given: PyTorch never builds the model."""
    code = TORCH + ("class B(nn.Module):\n    def __init__(self, k):\n        super().__init__()\n"
                    "        if k not in (1, 3):\n            raise ValueError(f'k must be 1 or 3, got {k}')\n"
                    "        self.c = nn.Conv2d(3, 4, k)\n    def forward(self, x):\n        return self.c(x)\n")
    assert framework_result(code + "model = B(5)\n", (3, 8, 8)) == "ValueError"
    out = refused(tmp_path, code + "model = B(5)\n", ["--input", "3x8x8"])
    assert "net.py:8:13" in out and "the model raises an error here" in out, out
    assert framework_result(code + "model = B(3)\n", (3, 8, 8)) == (3 * 4 * 9 + 4, "[1, 4, 6, 6]")
    (tmp_path / "net.py").write_text(code + "model = B(3)\n", encoding="utf-8")
    status, out = run("summary", str(tmp_path / "net.py"), "--input", "3x8x8", "--format", "json")
    assert status == 0 and json.loads(out)["total_params"] == 3 * 4 * 9 + 4, out
