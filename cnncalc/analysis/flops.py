"""FLOP conventions: how each tool people compare against counts a layer, rule by rule from its source.

A row of the summary is first split into the PyTorch modules it is (:func:`modules`): a Keras
``Conv2D(activation="relu")`` is an ``nn.Conv2d`` and an ``nn.ReLU``, a ``SeparableConv2D`` a depthwise
and a pointwise ``nn.Conv2d``, a ``GlobalAveragePooling2D`` an ``nn.AdaptiveAvgPool2d(1)``, a merge the
``+`` or ``torch.cat`` of ``forward()``.  Each convention then prices each module:

``cnncalc``
    2 FLOPs per multiply-accumulate of conv and dense layers, plus one per bias addition; nothing else.
``macs``
    multiply-accumulates of conv and dense layers only, bias excluded (torchvision's "GFLOPS" column).
``fvcore`` (0.1.5, ``FlopCountAnalysis``, the model in ``eval()``; ``training`` for ``train()``)
    one per multiply-accumulate of conv (transposed too) and linear, no bias; batch norm 2 per value with
    affine (1 without; 5 and 4 in training mode); layer and group norm 5 per value (4 without affine);
    ``adaptive_avg_pool2d`` one per input value; nearest upsampling one per output value; every other
    operator (ReLU, max and average pooling, ``+``, ``cat``, softmax) is skipped.
``ptflops`` (0.7.5, ``get_model_complexity_info``, the default pytorch backend)
    the module hooks: conv MACs plus one per output value for the bias; linear (in·out + out)·positions;
    ReLU, PReLU, ELU, LeakyReLU, ReLU6, GELU one per output value; every pool one per *input* value;
    batch, instance and group norm one per value, 2 with affine, layer norm one (its affine flag is
    ``elementwise_affine``, which the hook does not read); upsampling one per output value.  Then the
    functional patches, which also run *inside* the modules: ``nn.ReLU`` calls ``F.relu``, ``nn.MaxPool2d``
    ``F.max_pool2d``, ``nn.Upsample`` ``F.interpolate``, so those are counted twice; ``nn.Softmax`` and
    ``nn.SiLU`` have no hook and are counted once, by ``F.softmax`` and ``F.silu``; ``x + y`` is never counted.
``thop`` (0.1.1, ``profile``)
    conv ``out values × in_channels/groups × kernel`` (for a transposed conv too, which is not its
    MACs), no bias; linear in_features per output value; batch and layer norm 2 per value, ×2 with affine;
    PReLU one per value (``profile`` puts the model in ``eval()``, where its hook counts); softmax
    (3·features − 1) per vector; average pooling one per output value; adaptive average pooling
    (kernel + 1) per output value; nearest upsampling one per output value; ReLU, LeakyReLU, max
    pooling, dropout, padding and any module it has no rule for (GroupNorm, Sigmoid, Flatten) count 0,
    and functional calls (``F.relu``, ``+``) are never seen.

Counts are for one input, times ``batch``.  ptflops itself always reports one input.
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING, Any

from ..model.records import record, replace

if TYPE_CHECKING:
    from ..graph.network import Network, ResolvedLayer

__all__ = ["CONVENTIONS", "GROUPS", "HEADLINES", "LayerCost", "Op", "Part", "by_op", "costs", "layer_cost", "modules"]

CONVENTIONS = ("cnncalc", "macs", "fvcore", "ptflops", "thop")
#: what each convention's number is, for the column title, the footer and --by-op's header
HEADLINES = {
    "cnncalc": "2·MACs + bias additions, conv and dense",
    "macs": "multiply-accumulates of conv and dense, bias excluded: torchvision's GFLOPS",
    "fvcore": "as fvcore 0.1.5's FlopCountAnalysis counts, model in eval()",
    "ptflops": "as ptflops 0.7.5's get_model_complexity_info counts: module hooks + functional patches",
    "thop": "as thop 0.1.1's profile counts: registered modules only",
}
#: --by-op's operator types, in the order they are listed
GROUPS = ("conv", "depthwise conv", "dense", "batch norm", "activation", "pooling", "merge", "other")


@record
class Op:
    """One PyTorch module (or ``forward()`` operation) of a row, for one input."""

    kind: str  # conv, linear, batch_norm, layer_norm, group_norm, lrn, activation, max_pool, avg_pool,
    #            adaptive_avg_pool, adaptive_max_pool, upsample, merge, free
    group: str
    label: str  # PyTorch's class (nn.Conv2d, nn.ReLU) or the operation (+, torch.cat)
    inputs: int
    outputs: int
    macs: int = 0
    bias: int = 0
    #: "26·26·32 outputs × 3·3·1 MACs": how the MACs come about
    macs_text: str = ""
    #: thop's conv rule: output values × in_channels/groups × kernel values
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


@record
class Part:
    """One module's count under a convention, and how it comes about."""

    op: Op
    flops: int
    text: str


@record
class LayerCost:
    """A row's count under a convention: the sum of its modules'."""

    flops: int
    parts: tuple[Part, ...]

    def explain(self) -> str:
        """How the count comes about; each module named when more than one counts."""
        counted = [part for part in self.parts if part.text]
        if len(counted) == 1:
            return counted[0].text
        return "; ".join(f"{part.op.label}: {part.text}" for part in counted)


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
    from ..model.layers import TORCH_ACTIVATIONS

    return Op("activation", "activation", f"nn.{TORCH_ACTIVATIONS.get(name, 'Identity')}", prod(shape), prod(shape),
              activation=name, features=shape[-1])


def modules(layer: ResolvedLayer) -> tuple[Op, ...]:  # noqa: PLR0911, PLR0912 - one branch per kind of layer
    """The PyTorch modules a row is, as ``--format pytorch`` writes them."""
    from ..model import layers as L  # noqa: N812

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
                   affine=r.center or r.scale, params=layer.params.total - layer.params.non_trainable),)
    if isinstance(r, L.LayerNormalization):
        return (Op("layer_norm", "other", "nn.LayerNorm", n_in, n_out, affine=r.center or r.scale,
                   params=layer.params.total),)
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
    if isinstance(r, L.UpSampling2D):
        return (Op("upsample", "other", "nn.Upsample", n_in, n_out),)
    if isinstance(r, L.Merge):
        label = {"add": "+", "mul": "*", "sub": "-", "cat": "torch.cat"}.get(getattr(r, "word", ""), r.keras_class)
        return (Op("merge", "merge", label, sum(prod(s) for s in layer.input_shapes), n_out),)
    return (Op("free", "other", f"nn.{r.torch_class}", n_in, n_out, params=layer.params.total),)


# ---- the conventions: one function per tool, from an Op to (count, how) ----

def _cnncalc(op: Op, training: bool) -> tuple[int, str]:
    if op.kind not in ("conv", "linear"):
        return 0, ""
    flops = 2 * op.macs + op.bias
    bias = f" + {op.bias:,} bias additions" if op.bias else ""
    return flops, f"2·{op.macs:,} MACs{bias} = {flops:,}"


def _macs(op: Op, training: bool) -> tuple[int, str]:
    if op.kind not in ("conv", "linear"):
        return 0, ""
    return op.macs, f"{op.macs_text} = {op.macs:,}"


def _fvcore(op: Op, training: bool) -> tuple[int, str]:
    if op.kind in ("conv", "linear"):
        return op.macs, f"{op.macs_text} = {op.macs:,} (no bias)"
    if op.kind == "batch_norm":
        per = (5 if op.affine else 4) if training else (2 if op.affine else 1)
        mode = "training" if training else "eval"
        return per * op.inputs, f"{per}·{op.inputs:,} values ({mode}{', affine' if op.affine else ''})"
    if op.kind in ("layer_norm", "group_norm"):
        per = 5 if op.affine else 4
        return per * op.inputs, f"{per}·{op.inputs:,} values"
    if op.kind == "adaptive_avg_pool" and len(op.in_sizes) == 2:
        return op.inputs, f"{op.inputs:,} input values (aten::adaptive_avg_pool2d)"
    if op.kind == "upsample":
        return op.outputs, f"{op.outputs:,} output values (nearest)"
    return 0, ""


_PTFLOPS_TWICE = {"relu", "prelu", "elu", "gelu"}  # a module hook and the F.* patch it calls
_PTFLOPS_ONCE = {"leakyrelu", "relu6"}  # a module hook; F.leaky_relu and F.hardtanh are not patched
_PTFLOPS_FUNCTIONAL = {"softmax", "swish"}  # no module hook; F.softmax and F.silu are patched


def _ptflops(op: Op, training: bool) -> tuple[int, str]:  # noqa: PLR0911 - one rule per kind
    if op.kind in ("conv", "linear"):
        flops = op.macs + op.bias
        return flops, f"{op.macs_text}{f' + {op.bias:,} bias' if op.bias else ''} = {flops:,}"
    if op.kind == "activation":
        if op.activation in _PTFLOPS_TWICE:
            return 2 * op.outputs, f"2·{op.outputs:,} (the module's hook, then F.{op.activation}'s patch)"
        if op.activation in _PTFLOPS_ONCE or op.activation in _PTFLOPS_FUNCTIONAL:
            return op.outputs, f"{op.outputs:,} output values"
        return 0, ""
    if op.kind in ("max_pool", "avg_pool", "adaptive_avg_pool", "adaptive_max_pool"):
        return 2 * op.inputs, f"2·{op.inputs:,} input values (the module's hook, then the F.* patch)"
    if op.kind in ("batch_norm", "group_norm"):
        per = 2 if op.affine else 1
        return per * op.inputs, f"{per}·{op.inputs:,} values"
    if op.kind == "layer_norm":
        return op.inputs, f"{op.inputs:,} values (LayerNorm's elementwise_affine is not read)"
    if op.kind == "upsample":
        return 2 * op.outputs, f"2·{op.outputs:,} output values (the module's hook, then F.interpolate's patch)"
    if op.kind == "lrn":  # F.local_response_norm: x.mul(x), F.avg_pool3d over it padded by size − 1 channels,
        padded = op.inputs // op.features * (op.features + op.size - 1)  # then .mul(alpha) and .add(k)
        flops = padded + 3 * op.inputs
        return flops, (f"{padded:,} (F.avg_pool3d over the squares, padded) + 3·{op.inputs:,} (Tensor.mul, .mul, "
                       f".add) = {flops:,}, all inside F.local_response_norm")
    return 0, ""


def _thop_adaptive(op: Op) -> int:
    """thop's count_adap_avgpool, in its own float64 arithmetic: int((∏ in/out + 1) · output values)."""
    kernel = 1.0
    for n, out in zip(op.in_sizes, op.out_sizes):
        kernel *= n / out
    return int((kernel + 1) * op.outputs)


def _thop(op: Op, training: bool) -> tuple[int, str]:  # noqa: PLR0911 - one rule per kind
    if op.kind == "conv":
        flops = op.outputs * op.in_group * op.window
        return flops, f"{op.outputs:,} output values × {op.in_group}·{op.window} = {flops:,}"
    if op.kind == "linear":
        return op.macs, f"{op.macs_text} = {op.macs:,}"
    if op.kind in ("batch_norm", "layer_norm"):
        per = 4 if op.affine else 2
        return per * op.inputs, f"{per}·{op.inputs:,} values"
    if op.kind == "activation" and op.activation == "prelu":  # profile() runs the model in eval()
        return op.inputs, f"{op.inputs:,} values"
    if op.kind == "activation" and op.activation == "softmax":
        vectors = op.inputs // op.features
        flops = vectors * (3 * op.features - 1)
        return flops, f"{vectors:,} × (3·{op.features} − 1) = {flops:,}"
    if op.kind in ("avg_pool", "upsample"):
        return op.outputs, f"{op.outputs:,} output values"
    if op.kind == "adaptive_avg_pool":
        flops = _thop_adaptive(op)
        sizes = "·".join(f"{n}/{o}" for n, o in zip(op.in_sizes, op.out_sizes))
        return flops, f"({sizes} + 1)·{op.outputs:,} = {flops:,}"
    return 0, ""


RULES = {"cnncalc": _cnncalc, "macs": _macs, "fvcore": _fvcore, "ptflops": _ptflops, "thop": _thop}


def layer_cost(layer: ResolvedLayer, convention: str = "cnncalc", batch: int = 1,
               training: bool = False) -> LayerCost:
    """One row's count under ``convention``, for ``batch`` inputs: the sum over the modules it is.

    This is the only place a convention is applied; ``ResolvedLayer.flops`` (what ``check`` grades as
    ``N.flops``) is this, under ``cnncalc``.

        >>> from cnncalc.graph.network import build
        >>> conv = build("input 28x28x1, conv32x3").layers[0]
        >>> layer_cost(conv).flops == 2 * (26 * 26 * 32 * 9) + 26 * 26 * 32   # 2·MACs + one addition per bias
        True
    """
    rule = RULES[convention]
    parts = []
    for op in modules(layer):
        flops, text = rule(op, training)
        if batch != 1 and text:
            text = f"{batch} × ({text}) = {batch * flops:,}"
        parts.append(Part(op, batch * flops, text))
    return LayerCost(sum(part.flops for part in parts), tuple(parts))


def costs(net: Network, convention: str = "cnncalc", batch: int = 1, training: bool = False) -> tuple[LayerCost, ...]:
    """Every row's count under ``convention``, for ``batch`` inputs."""
    return tuple(layer_cost(layer, convention, batch, training) for layer in net.layers)


def by_op(rows: tuple[LayerCost, ...]) -> list[tuple[str, int, int]]:
    """(operator type, modules, count) for each type present, in GROUPS' order."""
    modules_of: dict[str, int] = {}
    counts: dict[str, int] = {}
    for row in rows:
        for part in row.parts:
            modules_of[part.op.group] = modules_of.get(part.op.group, 0) + 1
            counts[part.op.group] = counts.get(part.op.group, 0) + part.flops
    return [(group, modules_of[group], counts[group]) for group in GROUPS if group in modules_of]
