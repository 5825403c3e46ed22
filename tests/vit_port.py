"""torchvision's VisionTransformer ported to plain torch modules (the torchvision wheel that resolves for torch 2.13.0
does not import), as torchvision/models/vision_transformer.py builds it: the patch convolution, the class token
(a parameter of the model) and the position embedding (a parameter of the encoder), encoder blocks of LayerNorm
(eps=1e-6), nn.MultiheadAttention(batch_first=True), Dropout, and the MLP (Linear, GELU, Dropout, Linear, Dropout),
a final LayerNorm, and the head on the class token. Weight initialisation is left out: it changes no count."""

from __future__ import annotations

from typing import Any

#: torchvision's builders: (patch, layers, heads, hidden, MLP) from vit_b_16() … vit_h_14(), its documented
#: num_params at image_size 224 (ViT_*_Weights.IMAGENET1K_V1, and vit_h_14's IMAGENET1K_SWAG_LINEAR_V1 at 224), and
#: its documented "_ops" (GFLOPS) for the same weights
VIT = {
    "vit_b_16": ((16, 12, 12, 768, 3072), 86_567_656, 17.6),
    "vit_b_32": ((32, 12, 12, 768, 3072), 88_224_232, 4.4),
    "vit_l_16": ((16, 24, 16, 1024, 4096), 304_326_632, 61.6),
    "vit_l_32": ((32, 24, 16, 1024, 4096), 306_535_400, 15.4),
    "vit_h_14": ((14, 32, 16, 1280, 5120), 632_045_800, 167.3),
}


def vision_transformer(torch: Any, image: int, patch: int, layers: int, heads: int, hidden: int, mlp: int,
                       classes: int = 1000) -> Any:
    """torchvision's VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim, mlp_dim)."""
    nn = torch.nn

    def norm() -> Any:
        return nn.LayerNorm(hidden, eps=1e-6)

    class EncoderBlock(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.ln_1 = norm()
            self.self_attention = nn.MultiheadAttention(hidden, heads, dropout=0.0, batch_first=True)
            self.dropout = nn.Dropout(0.0)
            self.ln_2 = norm()
            self.mlp = nn.Sequential(nn.Linear(hidden, mlp), nn.GELU(), nn.Dropout(0.0), nn.Linear(mlp, hidden),
                                     nn.Dropout(0.0))

        def forward(self, input: Any) -> Any:
            x = self.ln_1(input)
            x, _ = self.self_attention(query=x, key=x, value=x, need_weights=False)
            x = self.dropout(x)
            x = x + input
            y = self.ln_2(x)
            y = self.mlp(y)
            return x + y

    class Encoder(nn.Module):  # type: ignore[misc]
        def __init__(self, length: int) -> None:
            super().__init__()
            self.pos_embedding = nn.Parameter(torch.empty(1, length, hidden))
            self.dropout = nn.Dropout(0.0)
            self.layers = nn.Sequential(*[EncoderBlock() for _ in range(layers)])
            self.ln = norm()

        def forward(self, input: Any) -> Any:
            input = input + self.pos_embedding
            return self.ln(self.layers(self.dropout(input)))

    class VisionTransformer(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.conv_proj = nn.Conv2d(3, hidden, kernel_size=patch, stride=patch)
            self.class_token = nn.Parameter(torch.zeros(1, 1, hidden))
            self.encoder = Encoder((image // patch) ** 2 + 1)
            self.heads = nn.Sequential(nn.Linear(hidden, classes))

        def forward(self, x: Any) -> Any:
            n = x.shape[0]
            x = self.conv_proj(x)
            x = x.reshape(n, hidden, -1).permute(0, 2, 1)
            x = torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)
            x = self.encoder(x)
            return self.heads(x[:, 0])

    return VisionTransformer()


def module_rows(torch: Any, model: Any, shape: tuple[int, ...], device: str = "cpu") -> list[tuple[str, tuple[int, ...],
                                                                                                  int]]:
    """(class, output shape, parameters) of every module torchinfo lists as a row with a shape, in call order: the
    leaf modules and nn.MultiheadAttention (whose out_proj child forward() never calls)."""
    rows: list[tuple[str, tuple[int, ...], int]] = []

    def hook(module: Any, _: Any, output: Any) -> None:
        output = output[0] if isinstance(output, tuple) else output
        rows.append((type(module).__name__, tuple(output.shape), sum(p.numel() for p in module.parameters())))

    for module in model.modules():
        attention = isinstance(module, torch.nn.MultiheadAttention)
        if attention or (not list(module.children()) and module is not model and
                         type(module).__name__ != "NonDynamicallyQuantizableLinear"):
            module.register_forward_hook(hook)
    with torch.no_grad():
        model.eval()(torch.zeros(1, *shape, device=device))
    return rows
