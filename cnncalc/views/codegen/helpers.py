"""The layers neither framework ships that the code written defines itself: stochastic depth (torchvision's
``StochasticDepth``, which Keras' ConvNeXt defines too), ConvNeXt's layer scale, and a vision transformer's class
token and position embedding (parameters of torchvision's model, layers here), and, for a network read with an nchw
input, a permute (torchvision's ``Permute``) and a reshape as modules. Each class is written once, at
the top of the file, when a row uses it."""

from __future__ import annotations

__all__ = ["KERAS_HELPERS", "TORCH_HELPERS", "helpers_used"]

TORCH_HELPERS = {
    "StochasticDepth": '''class StochasticDepth(nn.Module):
    """Stochastic depth, as torchvision.ops.StochasticDepth(p, "row"): while training, each example's branch is
    dropped with probability p and the kept ones scaled by 1 / (1 - p); the identity at inference."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = 1.0 - self.p
        noise = x.new_empty((x.shape[0],) + (1,) * (x.dim() - 1)).bernoulli_(keep)
        if keep > 0.0:
            noise.div_(keep)
        return x * noise''',
    "LayerScale": '''class LayerScale(nn.Module):
    """Each channel times a learned factor (ConvNeXt's layer scale), on a channels-first tensor."""

    def __init__(self, channels, dims, init=1e-6):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((channels,) + (1,) * dims, init))

    def forward(self, x):
        return x * self.gamma''',
    "Permute": '''class Permute(nn.Module):
    """The axes in a new order, as torchvision.ops.Permute (ConvNeXt's): x.permute(dims), the batch's axis 0."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return x.permute(self.dims)''',
    "Reshape": '''class Reshape(nn.Module):
    """Each example reshaped to the given shape, read and filled in PyTorch's order of its axes."""

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)''',
}

KERAS_HELPERS = {
    "StochasticDepth": '''class StochasticDepth(keras.layers.Layer):
    """Stochastic depth: while training, each example's branch is dropped with probability rate and the kept ones
    scaled by 1 / (1 - rate); the identity at inference."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x, training=None):
        if not training or self.rate == 0.0:
            return x
        if self.rate >= 1.0:
            return keras.ops.zeros_like(x)
        keep = 1.0 - self.rate
        shape = (keras.ops.shape(x)[0],) + (1,) * (keras.ops.ndim(x) - 1)
        return x / keep * keras.ops.floor(keep + keras.random.uniform(shape))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}''',
    "CustomScaleLayer": '''class CustomScaleLayer(keras.layers.Layer):
    """The scaled residual sum of keras.applications' InceptionResNetV2: inputs[0] + inputs[1] * scale."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}''',
    "LayerScale": '''class LayerScale(keras.layers.Layer):
    """Each channel (the last axis) times a learned factor, as ConvNeXt's blocks do."""

    def __init__(self, init_values=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],),
                                     initializer=keras.initializers.Constant(self.init_values), trainable=True)

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values}''',
    "ClassToken": '''class ClassToken(keras.layers.Layer):
    """A learned token put before the L tokens, as a vision transformer's class token: (L, D) to (L + 1, D)."""

    def build(self, input_shape):
        self.token = self.add_weight(shape=(1, 1, input_shape[-1]), initializer="zeros", trainable=True)

    def call(self, x):
        token = keras.ops.broadcast_to(self.token, (keras.ops.shape(x)[0], 1, keras.ops.shape(x)[-1]))
        return keras.ops.concatenate([keras.ops.cast(token, x.dtype), x], axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], None if input_shape[1] is None else input_shape[1] + 1, input_shape[2])''',
    "PositionEmbedding": '''class PositionEmbedding(keras.layers.Layer):
    """A learned vector added to each of the L tokens, as a vision transformer's position embedding: L·D weights."""

    def build(self, input_shape):
        self.embedding = self.add_weight(shape=tuple(input_shape[1:]), initializer="random_normal", trainable=True)

    def call(self, x):
        return x + self.embedding''',
}


def helpers_used(helpers: dict[str, str], calls: list[str]) -> list[str]:
    """The definitions of the helper classes the written calls use, each once, blank lines between them."""
    lines: list[str] = []
    for name, code in helpers.items():
        if any(call.startswith(f"{name}(") for call in calls):
            lines += [*code.splitlines(), "", ""]
    return lines
