"""A row of the summary as the PyTorch modules it is, each with what the conventions count it by.

A Keras ``Conv2D(activation="relu")`` is an ``nn.Conv2d`` and an ``nn.ReLU``, a ``SeparableConv2D`` a depthwise
and a pointwise ``nn.Conv2d``, a ``GlobalAveragePooling2D`` an ``nn.AdaptiveAvgPool2d(1)``, a merge the ``+`` or
``torch.cat`` of ``forward()``.  Each convention then prices each module (:mod:`.conventions`).
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING, Any

from ...errors import CnnCalcError
from ...model.records import record, replace

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["Op", "modules"]


@record
class Op:
    """One PyTorch module (or ``forward()`` operation) of a row, for one input."""

    kind: str  # conv, linear, attention, batch_norm, layer_norm, group_norm, instance_norm, lrn, activation,
    #            max_pool, avg_pool, adaptive_avg_pool, adaptive_max_pool, upsample, merge, free
    group: str
    label: str  # PyTorch's class (nn.Conv2d, nn.ReLU) or the operation (+, torch.cat)
    inputs: int
    outputs: int
    macs: int = 0
    bias: int = 0
    #: "26·26·32 outputs × 3·3·1 MACs": how the MACs come about
    macs_text: str = ""
    #: thop's conv rule: output values × in_channels/groups × kernel values (attention: the features and the heads)
    in_group: int = 0
    window: int = 0
    affine: bool = True
    #: an activation's name (relu, softmax, …); softmax's features (its last axis)
    activation: str = ""
    features: int = 1
    #: adaptive pooling: spatial input and output sizes; spatial rank
    in_sizes: tuple[int, ...] = ()
    out_sizes: tuple[int, ...] = ()
    #: LocalResponseNorm: the window (F.local_response_norm average-pools the padded squares)
    size: int = 0
    #: the module's parameters (not buffers), and a conv's output positions: torchinfo's mult-adds
    params: int = 0
    positions: int = 0
    #: a row written ``fn``: the function forward() calls instead of the module (F.relu, x.mean; :mod:`.functions`)
    function: str = ""



def _dots(shape: tuple[int, ...] | list[int]) -> str:
    return "·".join(map(str, shape))


def _kernel(record: Any) -> tuple[int, ...]:
    size = record.kernel_size
    return (size,) if isinstance(size, int) else tuple(size)


def _conv(layer: ResolvedLayer, label: str, group: str, in_group: int, weights: int, bias: int,
          transposed: bool = False) -> Op:
    """A convolution module: MACs are its weights at every output position (a transposed one: input position)."""
    r: Any = layer.layer
    kernel = _kernel(r)
    out = layer.output_shape
    channels_out = out[-1]
    positions = prod(layer.input_shape[:-1]) if transposed else prod(out[:-1])
    per_output = weights // channels_out if channels_out else 0
    if transposed:  # each input value is spread over kernel·F/groups outputs
        spread = weights // prod(kernel) // layer.input_shape[-1]
        text = f"{_dots(layer.input_shape)} inputs × {_dots(kernel)}·{spread} MACs"
    else:
        text = f"{_dots(out)} outputs × {_dots(kernel)}·{per_output // prod(kernel)} MACs"
    return Op("conv", group, label, prod(layer.input_shape), prod(out), positions * weights,
              prod(out[:-1]) * bias, text, in_group, prod(kernel), params=weights + bias,
              positions=prod(out[:-1]))


def _activation(name: str, shape: tuple[int, ...]) -> Op:
    from ...model.layers import TORCH_ACTIVATIONS

    return Op("activation", "activation", f"nn.{TORCH_ACTIVATIONS.get(name, 'Identity')}", prod(shape), prod(shape),
              activation=name, features=shape[-1])


def _attention(layer: ResolvedLayer) -> Op:
    """nn.MultiheadAttention on L tokens of D features: its four projections (4·L·D² MACs) and the attention, Q·Kᵀ
    and the weighted sum of the values (2·L²·D)."""
    r: Any = layer.layer
    shape = layer.input_shape
    length, features = prod(shape[:-1]), shape[-1]
    text = (f"{length}·{features} outputs × 4·{features} MACs (the projections) + "
            f"{length}·{length}·2·{features} (Q·Kᵀ and the weighted values)")
    # params 0: torchinfo counts no mult-adds, output or parameter bytes for nn.MultiheadAttention, which is no leaf
    # module (its out_proj is a child that forward() never calls), as torchinfo 1.8.0 shows
    return Op("attention", "attention", "nn.MultiheadAttention", prod(shape), prod(shape), layer.macs,
              layer.bias_adds, text, features, r.heads, positions=length)


def _token_op(layer: ResolvedLayer) -> Op:
    """A vision transformer's layer on tokens: attention, or an operation of forward() on a parameter or an index."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    n_in, n_out = prod(layer.input_shape), prod(layer.output_shape)
    if isinstance(r, L.MultiHeadAttention):
        return _attention(layer)
    # torch.cat and + in forward(), on parameters of the model and the encoder: no module's, so torchinfo's
    # mult-adds and parameter bytes leave them out (params 0 here)
    if isinstance(r, L.ClassToken):
        return Op("free", "other", "torch.cat([class_token, x], dim=1)", n_in, n_out)
    if isinstance(r, L.PositionEmbedding):
        return Op("free", "other", "x + pos_embedding", n_in, n_out)
    return Op("free", "other", f"x[:, {r.index}]", n_in, n_out)  # an index in forward(), not a module


def modules(layer: ResolvedLayer) -> tuple[Op, ...]:
    """The PyTorch modules a row is, as ``--format pytorch`` writes them; a known network's row, its rows' own; a
    row written ``fn``, each with the function forward() calls instead (:func:`.functions.called`)."""
    if layer.inner is not None:
        return tuple(op for row in layer.inner.layers for op in modules(row))
    ops = _modules(layer)
    if not layer.functional:
        return ops
    from .functions import called

    return tuple(replace(op, function=called(layer, op)) for op in ops)


def _modules(layer: ResolvedLayer) -> tuple[Op, ...]:  # noqa: PLR0911, PLR0912 - one branch per kind of layer
    """A row's modules, as ``--format pytorch`` writes them."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    ins, out = layer.input_shape, layer.output_shape
    n_in, n_out = prod(ins), prod(out)
    c = ins[-1] if ins else 1
    fused = getattr(r, "activation", None) if not isinstance(r, L.Activation) else None
    tail = (_activation(fused, out),) if fused and fused != "linear" else ()
    rank = len(out) - 1
    conv_label = f"nn.Conv{max(rank, 1)}d"
    if isinstance(r, (L.SeparableConv2D, L.SeparableConv1D)):
        middle = c * r.depth_multiplier
        k = prod(_kernel(r))
        positions = prod(out[:-1])
        depthwise = Op("conv", "depthwise conv", conv_label, n_in, positions * middle, positions * k * middle, 0,
                       f"{_dots((*out[:-1], middle))} outputs × {_dots(_kernel(r))} MACs", 1, k,
                       params=k * middle, positions=positions)
        pointwise = Op("conv", "conv", conv_label, positions * middle, n_out, positions * middle * r.filters,
                       layer.bias_adds, f"{_dots(out)} outputs × {middle} MACs", middle, 1,
                       params=middle * r.filters + layer.params.biases, positions=positions)
        return (depthwise, pointwise, *tail)
    if isinstance(r, (L.DepthwiseConv2D, L.DepthwiseConv1D)):
        return (_conv(layer, conv_label, "depthwise conv", 1, layer.params.weights, layer.params.biases and out[-1]),
                *tail)
    if isinstance(r, (L.Conv2D, L.Conv1D, L.Conv3D)):
        groups = getattr(r, "groups", 1)
        group = "depthwise conv" if groups > 1 and groups == c else "conv"
        return (_conv(layer, conv_label, group, c // groups, layer.params.weights, layer.params.biases and out[-1]),
                *tail)
    if isinstance(r, (L.Conv2DTranspose, L.Conv1DTranspose)):
        return (_conv(layer, f"nn.ConvTranspose{rank}d", "conv", c // r.groups, layer.params.weights,
                      layer.params.biases and out[-1], transposed=True), *tail)
    if isinstance(r, L.Dense):
        positions = prod(ins[:-1])
        text = f"{_dots((*ins[:-1], r.units)) if positions > 1 else r.units} outputs × {c:,} MACs"
        return (Op("linear", "dense", "nn.Linear", n_in, n_out, layer.macs, layer.bias_adds, text, c, 1,
                   params=layer.params.total), *tail)
    if isinstance(r, L.Activation):
        return (replace(_activation(r.activation, out), params=layer.params.total),)
    if isinstance(r, L.BatchNormalization):
        return (Op("batch_norm", "batch norm", f"nn.{r.torch_class_for(ins)}", n_in, n_out,
                   affine=r.center or r.scale, params=layer.torch_params),)
    if isinstance(r, L.LayerNormalization):
        return (Op("layer_norm", "other", "nn.LayerNorm", n_in, n_out, affine=r.center or r.scale,
                   params=layer.params.total),)
    if isinstance(r, L.InstanceNormalization):
        return (Op("instance_norm", "other", f"nn.{r.torch_class_for(ins)}", n_in, n_out, affine=r.center or r.scale,
                   params=layer.params.total),)
    if isinstance(r, L.Normalization):  # PyTorch's equivalent: a BatchNorm without affine weights, in eval mode
        return (Op("batch_norm", "batch norm", f"nn.{r.torch_class_for(ins)}", n_in, n_out, affine=False),)
    if isinstance(r, L.GroupNormalization):
        return (Op("group_norm", "other", "nn.GroupNorm", n_in, n_out, params=layer.params.total),)
    if isinstance(r, L.LocalResponseNormalization):
        return (Op("lrn", "other", "nn.LocalResponseNorm", n_in, n_out, size=r.size, features=c),)
    if isinstance(r, (L.Pooling2D, L.Pooling1D, L.Pooling3D)):
        kind = "max_pool" if isinstance(r, (L.MaxPooling2D, L.MaxPooling1D, L.MaxPooling3D)) else "avg_pool"
        label = f"nn.{'MaxPool' if kind == 'max_pool' else 'AvgPool'}{rank}d"
        return (Op(kind, "pooling", label, n_in, n_out),)
    if isinstance(r, (L.GlobalPooling, L.AdaptivePooling)):
        average = isinstance(r, (L.GlobalAveragePooling2D, L.GlobalAveragePooling1D, L.AdaptiveAveragePooling2D,
                                 L.AdaptiveAveragePooling1D))
        spatial = ins[:-1]
        sizes = tuple(r.output_size) if isinstance(r, L.AdaptivePooling) else (1,) * len(spatial)
        kind = "adaptive_avg_pool" if average else "adaptive_max_pool"
        label = f"nn.Adaptive{'Avg' if average else 'Max'}Pool{len(spatial)}d"
        return (Op(kind, "pooling", label, n_in, prod(sizes) * c, in_sizes=tuple(spatial), out_sizes=sizes),)
    if isinstance(r, L.UpSampling2D) or (isinstance(r, L.Resizing) and r.interpolation == "nearest"):
        return (Op("upsample", "other", "nn.Upsample", n_in, n_out),)  # nearest: the conventions' upsample rule
    if isinstance(r, L.Resizing):  # bilinear: priced by no rule of cnncalc's yet (see unpriced)
        return (Op("resize_bilinear", "other", "F.interpolate (bilinear)", n_in, n_out),)
    if isinstance(r, (L.MultiHeadAttention, L.ClassToken, L.PositionEmbedding, L.TokenSelect)):
        return (_token_op(layer),)
    if isinstance(r, L.ChannelSlice):  # an index in forward(), not a module
        return (Op("free", "other", f"x[:, {L.slice_text(r.start, r.stop)}]", n_in, n_out),)
    if isinstance(r, L.ChannelPad):  # F.pad in forward(), not a module
        return (Op("free", "other", f"F.pad(x, (0, 0, 0, 0, {r.before}, {r.after}))", n_in, n_out),)
    if isinstance(r, (L.WindowAttention, L.PatchMerging, L.RelativeAttention)):
        from .windowed import windowed_modules

        return windowed_modules(layer, Op)
    if isinstance(r, L.Merge):
        label = {"add": "+", "mul": "*", "sub": "-", "cat": "torch.cat"}.get(getattr(r, "word", ""), r.keras_class)
        return (Op("merge", "merge", label, sum(prod(s) for s in layer.input_shapes), n_out),)
    return (Op("free", "other", f"nn.{r.torch_class}", n_in, n_out, params=layer.params.total),)


def unpriced(op: Op, convention: str) -> None:
    """Refuse an operation a FLOP convention prices in a way cnncalc does not model yet (a bilinear resize: fvcore,
    ptflops and thop each count it their own way), rather than count it as free."""
    if op.kind == "matmul":
        raise CnnCalcError(f"cnncalc does not count the {convention} FLOPs of windowed attention yet",
                           "count its MACs with --flops-convention macs, as torchvision's GFLOPS do")
    if op.kind == "resize_bilinear":
        raise CnnCalcError(f"cnncalc does not count the {convention} FLOPs of a bilinear resize yet",
                           "drop the FLOPs columns for this network, or write the resize as 'nearest'")
