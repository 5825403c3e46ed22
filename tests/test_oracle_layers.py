"""Differential tests for issue 12's layer words and options, one layer at a time, against Keras 3 and PyTorch.

Each case is drawn at random and written three ways by this file alone: the spec word, the Keras
layer and the PyTorch module, as a user would write them (the framework code is kept as text, so a
failure prints it).  cnncalc must give the framework's output shape and parameter count, and must
refuse exactly what the framework refuses.  Keras is fed channels-last inputs under
``--conventions keras``; PyTorch channels-first ones (``input C×H×W nchw``), so PyTorch's
conventions are tested too: its shapes, BatchNorm's 2·C parameters and 2·C + 1 buffers, and
``padding='same'`` refused on strided convolutions.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build

from .conftest import oracle

pytestmark = pytest.mark.oracle

#: (input shape channels-last, spec layer, Keras layer code or None, PyTorch module code or None)
Case = tuple[tuple[int, ...], str, str | None, str | None]
#: Separates a spec layer's channels-last spelling from its channels-first one, where they differ.
TORCH_WORD = " || "

side = st.integers(1, 14)
channels = st.integers(1, 6)
image = st.tuples(side, side, channels)
sequence = st.tuples(st.integers(1, 30), channels)
volume = st.tuples(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8), st.integers(1, 3))


def dims(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


def first(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Channels first, as PyTorch holds a tensor (written out here, not taken from cnncalc)."""
    return (shape[-1], *shape[:-1]) if len(shape) > 1 else shape


@st.composite
def adaptive(draw: st.DrawFn) -> Case:
    mode = draw(st.sampled_from(["avg", "max"]))
    keras_kind, torch_kind = ("Average", "Avg") if mode == "avg" else ("Max", "Max")
    if draw(st.booleans()):
        shape, out = draw(sequence), draw(st.integers(1, 8))
        return (shape, f"adaptive{mode}pool1d{out}", f"layers.Adaptive{keras_kind}Pooling1D({out})",
                f"nn.Adaptive{torch_kind}Pool1d({out})")
    shape, out = draw(image), (draw(st.integers(1, 8)), draw(st.integers(1, 8)))
    return (shape, f"adaptive{mode}pool{dims(out)}", f"layers.Adaptive{keras_kind}Pooling2D({out})",
            f"nn.Adaptive{torch_kind}Pool2d({out})")


@st.composite
def activations(draw: st.DrawFn) -> Case:
    shape = draw(st.one_of(image, sequence))
    alpha = draw(st.sampled_from([0.01, 0.1, 0.2, 0.3]))
    shared = "[1, 2]" if len(shape) == 3 else "[1]"
    return draw(st.sampled_from([
        (shape, "relu6", "layers.ReLU(max_value=6)", "nn.ReLU6()"),
        (shape, f"leakyrelu{alpha}", f"layers.LeakyReLU(negative_slope={alpha})", f"nn.LeakyReLU({alpha})"),
        (shape, "leakyrelu", "layers.LeakyReLU()", "nn.LeakyReLU()"),
        (shape, "prelu", "layers.PReLU()", "nn.PReLU()"),
        (shape, "prelu channel", f"layers.PReLU(shared_axes={shared})", f"nn.PReLU({shape[-1]})"),
        (shape, "hardswish", "layers.Activation('hard_swish')", "nn.Hardswish()"),
        (shape, "mish", "layers.Activation('mish')", "nn.Mish()"),
        (shape, "hardsigmoid", "layers.Activation('hard_sigmoid')", "nn.Hardsigmoid()"),
    ]))


@st.composite
def reshapes(draw: st.DrawFn) -> Case:
    shape = draw(image)
    h, w, c = shape
    target = draw(st.sampled_from([(h * w, c), (h, w * c), (w, h, c), (h * w * c,), (1, h * w, c), (c, h, w)]))
    if draw(st.booleans()):
        target = (target[0] + 1, *target[1:])  # a wrong count: both must refuse
    torch_target = first(target)  # under nchw the target is written channels-first too
    return (shape, f"reshape{dims(target)}{TORCH_WORD}reshape{dims(torch_target)}", f"layers.Reshape({target})",
            f"nn.Sequential(nn.Flatten(), nn.Unflatten(1, {torch_target}))" if len(target) > 1 else None)


@st.composite
def permutes(draw: st.DrawFn) -> Case:
    shape = draw(st.one_of(image, sequence))
    order = draw(st.permutations(range(1, len(shape) + 1)))
    return shape, f"permute{dims(tuple(order))}", f"layers.Permute({tuple(order)})", None


@st.composite
def sides(draw: st.DrawFn) -> Case:
    shape = draw(image)
    t, b, left, r = (draw(st.integers(0, 3)) for _ in range(4))
    words = " ".join(f"{k}{v}" for k, v in zip("tblr", (t, b, left, r)) if v) or "t0"
    if draw(st.booleans()):
        return (shape, f"zeropad {words}", f"layers.ZeroPadding2D((({t}, {b}), ({left}, {r})))",
                f"nn.ZeroPad2d(({left}, {r}, {t}, {b}))")
    return (shape, f"crop {words}", f"layers.Cropping2D((({t}, {b}), ({left}, {r})))",
            f"nn.ZeroPad2d(({-left}, {-r}, {-t}, {-b}))")  # PyTorch crops on a negative padding


@st.composite
def norms(draw: st.DrawFn) -> Case:
    shape = draw(st.one_of(image, sequence, st.tuples(channels)))
    c = shape[-1]
    bn = f"nn.BatchNorm{max(1, len(shape) - 1)}d({c})"
    groups = draw(st.integers(1, 4))
    scale, center = draw(st.booleans()), draw(st.booleans())
    words = " ".join(w for w, on in (("noscale", not scale), ("nocenter", not center)) if on)
    return draw(st.sampled_from([
        (shape, "bn", "layers.BatchNormalization()", bn),
        (shape, f"bn {words}", f"layers.BatchNormalization(scale={scale}, center={center})",
         bn if scale and center else None),
        (shape, f"layernorm {words}", f"layers.LayerNormalization(scale={scale}, center={center})",
         f"ChannelsLast(nn.LayerNorm({c}, bias={center}))" if scale else None),
        (shape, f"groupnorm{groups}", f"layers.GroupNormalization(groups={groups})",
         f"nn.GroupNorm({groups}, {c})" if len(shape) > 1 else None),
        (shape, "lrn", None, "nn.LocalResponseNorm(5)" if len(shape) > 1 else None),
    ]))


@st.composite
def global_pools(draw: st.DrawFn) -> Case:
    mode, keep = draw(st.sampled_from(["a", "m"])), draw(st.booleans())
    keras_kind, torch_kind = ("Average", "Avg") if mode == "a" else ("Max", "Max")
    if draw(st.booleans()):
        return (draw(sequence), f"g{mode}p1d{' keepdims' if keep else ''}",
                f"layers.Global{keras_kind}Pooling1D(keepdims={keep})",
                f"nn.Adaptive{torch_kind}Pool1d(1)" if keep else None)
    return (draw(image), f"g{mode}p{' keepdims' if keep else ''}",
            f"layers.Global{keras_kind}Pooling2D(keepdims={keep})",
            f"nn.Adaptive{torch_kind}Pool2d(1)" if keep else None)


@st.composite
def three_d(draw: st.DrawFn) -> Case:
    shape = draw(volume)
    k = tuple(draw(st.integers(1, 3)) for _ in range(3))
    s = tuple(draw(st.integers(1, 3)) for _ in range(3))
    p = tuple(draw(st.integers(0, 1)) for _ in range(3))
    padding = draw(st.sampled_from(["valid", "same"]))
    if draw(st.booleans()):
        f = draw(st.integers(1, 4))
        keras_padding = padding if padding == "valid" or max(s) == 1 else None
        return (shape, f"conv3d{f}x{dims(k)} s{dims(s)} {padding}",
                f"layers.Conv3D({f}, {k}, strides={s}, padding='{padding}')" if keras_padding else None,
                f"nn.Conv3d({shape[-1]}, {f}, {k}, {s}, padding='{padding}')" if padding == "valid" or max(s) == 1
                else None)
    mode = draw(st.sampled_from(["pool3d", "avgpool3d"]))
    keras_cls, torch_cls = ("MaxPooling3D", "MaxPool3d") if mode == "pool3d" else ("AveragePooling3D", "AvgPool3d")
    if draw(st.booleans()):
        ceil = draw(st.booleans())
        return (shape, f"{mode}{dims(k)} s{dims(s)} p{dims(p)}{' ceil' if ceil else ''}", None,
                f"nn.{torch_cls}({k}, {s}, {p}, ceil_mode={ceil})")
    return (shape, f"{mode}{dims(k)} s{dims(s)} {padding}", f"layers.{keras_cls}({k}, {s}, padding='{padding}')",
            None)


@st.composite
def embeddings(draw: st.DrawFn) -> Case:
    length, vocabulary, dim = draw(st.integers(1, 30)), draw(st.integers(1, 500)), draw(st.integers(1, 16))
    return ((length,), f"embedding{vocabulary}x{dim}", f"layers.Embedding({vocabulary}, {dim})",
            f"nn.Embedding({vocabulary}, {dim})")


@st.composite
def one_d_convs(draw: st.DrawFn) -> Case:
    shape = draw(sequence)
    c = shape[-1]
    k, s, d, f = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.sampled_from([1, 1, 2])), \
        draw(st.integers(1, 6))
    padding = draw(st.sampled_from(["valid", "same"]))
    p, m = draw(st.integers(0, 2)), draw(st.integers(1, 2))
    kind = draw(st.sampled_from(["deconv", "deconvp", "dwconv", "dwconvp", "sepconv", "causal"]))
    if kind == "deconv":
        op = draw(st.none() | st.integers(0, 2))
        return (shape, f"deconv1d{f}x{k} s{s} {padding}{f' op{op}' if op is not None else ''}",
                f"layers.Conv1DTranspose({f}, {k}, strides={s}, padding='{padding}', output_padding={op})", None)
    if kind == "deconvp":
        g, op = draw(st.sampled_from([1, 2])), draw(st.integers(0, 2))
        return (shape, f"deconv1d{f}x{k} s{s} p{p} op{op} g{g} d{d}", None,
                f"nn.ConvTranspose1d({c}, {f}, {k}, {s}, {p}, {op}, groups={g}, dilation={d})")
    if kind == "dwconv":
        return (shape, f"dwconv1d{k} s{s} d{d} m{m} {padding}",
                f"layers.DepthwiseConv1D({k}, strides={s}, padding='{padding}', depth_multiplier={m}, "
                f"dilation_rate={d})", None)
    if kind == "dwconvp":
        return (shape, f"dwconv1d{k} s{s} p{p} d{d} m{m}", None,
                f"nn.Conv1d({c}, {c * m}, {k}, {s}, {p}, {d}, groups={c})")
    if kind == "sepconv":
        return (shape, f"sepconv1d{f}x{k} s{s} m{m} {padding}",
                f"layers.SeparableConv1D({f}, {k}, strides={s}, padding='{padding}', depth_multiplier={m})", None)
    return (shape, f"conv1d{f}x{k} d{d} causal", f"layers.Conv1D({f}, {k}, dilation_rate={d}, padding='causal')",
            None)


@st.composite
def options(draw: st.DrawFn) -> Case:
    """Options PyTorch has and Keras does not, and Keras' asymmetric crop."""
    shape = draw(image)
    c = shape[-1]
    k, s, p, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["dilated", "pool1d", "deconv", "mode", "same"]))
    if kind == "dilated":
        ceil = draw(st.booleans())
        return (shape, f"pool{k} s{s} p{p} d{d}{' ceil' if ceil else ''}", None,
                f"nn.MaxPool2d({k}, {s}, {p}, {d}, ceil_mode={ceil})")
    if kind == "pool1d":
        length = draw(sequence)
        return (length, f"avgpool1d{k} s{s} p{p} ceil", None, f"nn.AvgPool1d({k}, {s}, {p}, ceil_mode=True)")
    if kind == "deconv":
        g, f, op = draw(st.sampled_from([1, 2, 3])), draw(st.integers(1, 6)), draw(st.integers(0, 2))
        return (shape, f"deconv{f}x{k} s{s} p{p} op{op} g{g}", None,
                f"nn.ConvTranspose2d({c}, {f}, {k}, {s}, {p}, {op}, groups={g})")
    if kind == "mode":
        mode = draw(st.sampled_from(["reflect", "replicate", "circular"]))
        return (shape, f"conv4x{k} p{p} {mode}", None, f"nn.Conv2d({c}, 4, {k}, padding={p}, padding_mode='{mode}')")
    return (shape, f"conv4x{k} s{s} same", f"layers.Conv2D(4, {k}, strides={s}, padding='same')",
            f"nn.Conv2d({c}, 4, {k}, {s}, padding='same')")


CASES = st.one_of(adaptive(), activations(), reshapes(), permutes(), sides(), norms(), global_pools(), three_d(),
                  embeddings(), one_d_convs(), options())


def keras_result(keras: Any, shape: tuple[int, ...], code: str) -> tuple[tuple[int, ...], int, int] | None:
    """Keras' output shape, parameter count and non-trainable count, or None if Keras refuses."""
    layers = keras.layers  # noqa: F841 - used by the layer code
    try:
        layer = eval(code)
        dtype = "int32" if "Embedding" in code else "float32"
        model = keras.Sequential([keras.Input(shape, dtype=dtype), layer])
    except (ValueError, TypeError):
        return None
    output = tuple(model.output_shape[1:])
    if 0 in output:  # Keras builds an empty output symbolically (a 'same' transposed convolution with output
        return None  # padding 0 on length 1: (1 − 1)·1 + 2 − 2·1 + 0 = 0) where PyTorch refuses: cnncalc refuses
    frozen = sum(int(keras.ops.size(w)) for w in layer.non_trainable_weights)
    return output, layer.count_params(), frozen


class ChannelsLast:
    """A module applied with channels on the last axis (LayerNorm as ConvNeXt uses it), written for the tests."""

    def __new__(cls, module: Any) -> Any:
        torch = oracle("torch")

        class Wrapped(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = module

            def forward(self, x: Any) -> Any:
                return self.inner(x.movedim(1, -1)).movedim(-1, 1)

        return Wrapped()


def torch_result(torch: Any, shape: tuple[int, ...], code: str) -> tuple[tuple[int, ...], int, int] | None:
    """PyTorch's output shape (channels first), parameters and buffers, or None if PyTorch refuses."""
    nn = torch.nn  # noqa: F841 - used by the module code
    try:
        module = eval(code).eval()  # BatchNorm in training mode refuses a batch of one
        tokens = "Embedding" in code
        x = torch.zeros((1, *shape), dtype=torch.long) if tokens else torch.zeros((1, *first(shape)))
        output = tuple(module(x).shape[1:])
    except (RuntimeError, ValueError):
        return None
    if 0 in output:
        return None
    params = sum(p.numel() for p in module.parameters())
    return output, params, sum(b.numel() for b in module.buffers())


def ours(text: str, conventions: str) -> tuple[tuple[int, ...], int, int] | None:
    try:
        net = build(text, conventions=conventions)
    except CnnCalcError:
        return None
    layer = net.layers[-1]
    extra = layer.params.buffers if conventions == "torch" else layer.params.non_trainable
    return net.shown_shape(layer.output_shape, layer.tokens), layer.params.total, extra


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=CASES)
def test_each_new_layer_agrees_with_keras(case: Case) -> None:
    shape, word, keras_code, _ = case
    if keras_code is None:
        return
    keras = oracle("keras")
    text = f"input {dims(shape)}, {word.split(TORCH_WORD)[0]}"
    assert ours(text, "keras") == keras_result(keras, shape, keras_code), f"{text}  vs  {keras_code}"


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=CASES)
def test_each_new_layer_agrees_with_pytorch(case: Case) -> None:
    shape, word, _, torch_code = case
    if torch_code is None:
        return
    torch = oracle("torch")
    text = f"input {dims(first(shape))} nchw, {word.split(TORCH_WORD)[-1]}"
    assert ours(text, "torch") == torch_result(torch, shape, torch_code), f"{text}  vs  {torch_code}"
