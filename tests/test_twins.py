"""The NumPy twins: their values against PyTorch and Keras, and their shapes against the rules."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import build

from .conftest import ROOT, ZOO, oracle
from .oracle_specs import networks, new_kinds, spec_text

np = pytest.importorskip("numpy")

from cnncalc.numeric.twins import conv2d, forward, pool2d  # noqa: E402


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(explicit=True) | networks() | new_kinds() | new_kinds(explicit=True))
def test_forward_shapes_equal_the_inferred_shapes(network: Any) -> None:
    try:
        net = build(spec_text(*network))
    except CnnCalcError:
        return
    checked = forward(net, batch=2, seed=1)
    assert list(checked.shapes) == [layer.output_shape for layer in net.layers]


#: The zoo networks whose layers no other example has (depthwise, relu6, asymmetric padding, adaptive pools,
#: Fire modules, dense concatenations, keepdims and reshape, hard-swish and squeeze-and-excitation gates that
#: broadcast); the deep variants repeat the same layers.
ZOO_NETWORKS = ["keras/MobileNet.cnn", "keras/MobileNetV2.cnn", "keras/InceptionV3.cnn", "torchvision/alexnet.cnn",
                "torchvision/squeezenet1_1.cnn", "torchvision/mobilenet_v2.cnn", "torchvision/resnext50_32x4d.cnn",
                "torchvision/mobilenet_v3_small.cnn",
                "keras/ResNet50.cnn", "keras/DenseNet121.cnn"]  # and Keras' two graphs, which --check confirmed


def test_every_example_network_is_confirmed() -> None:
    for path in sorted([*(ROOT / "examples").glob("*.cnn"), *(ROOT / "examples" / "lectures").glob("*.cnn"),
                        *(ZOO / name for name in ZOO_NETWORKS), ZOO / "keras" / "VGG16.cnn"]):
        net = build(path.read_text(encoding="utf-8"))
        assert list(forward(net).shapes) == [layer.output_shape for layer in net.layers], path.name


def test_memory_guard_refuses_before_allocating() -> None:
    net = build("input 224x224x3, conv64x3 same, conv64x3 same")
    with pytest.raises(CnnCalcError, match=r"would need about .* GiB"):
        forward(net, batch=512)


def test_without_numpy_the_commands_say_how_to_install_it() -> None:
    code = ("import sys; sys.modules['numpy'] = None\n"
            "from cnncalc.cli import main\n"
            "main(['summary', 'input 8x8x1, conv2x3', '--check'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert "needs NumPy" in done.stderr and "pip install 'cnncalc[numpy]'" in done.stderr
    assert "Traceback" not in done.stderr


# ----- values against the frameworks (oracle extra) -----

conv_args = st.fixed_dictionaries({
    "h": st.integers(3, 12), "w": st.integers(3, 12), "c": st.integers(1, 3), "f": st.integers(1, 3),
    "k": st.tuples(st.integers(1, 3), st.integers(1, 3)), "s": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "p": st.tuples(st.integers(0, 2), st.integers(0, 2)), "d": st.tuples(st.integers(1, 2), st.integers(1, 2)),
})


@pytest.mark.oracle
@settings(max_examples=150, deadline=None)
@given(conv_args, st.booleans())
def test_conv_twin_equals_torch_conv2d(a: dict[str, Any], bias: bool) -> None:
    torch = oracle("torch")
    span = [a["d"][i] * (a["k"][i] - 1) + 1 for i in range(2)]
    if span[0] > a["h"] + 2 * a["p"][0] or span[1] > a["w"] + 2 * a["p"][1]:
        return
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, a["h"], a["w"], a["c"]))
    kernel = rng.standard_normal((*a["k"], a["c"], a["f"]))
    b = rng.standard_normal(a["f"]) if bias else None
    ours = conv2d(x, kernel, b, a["s"], [(a["p"][0],) * 2, (a["p"][1],) * 2], a["d"])
    theirs = torch.nn.functional.conv2d(
        torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(kernel).permute(3, 2, 0, 1),
        None if b is None else torch.tensor(b), a["s"], a["p"], a["d"]).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)


@pytest.mark.oracle
@settings(max_examples=200, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       s=st.tuples(st.integers(1, 4), st.integers(1, 4)), p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       mode=st.sampled_from(["max", "avg"]), ceil=st.booleans())
def test_pool_twin_equals_torch(h: int, w: int, k: tuple[int, int], s: tuple[int, int], p: tuple[int, int],
                                mode: str, ceil: bool) -> None:
    torch = oracle("torch")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2 or k[0] > h + 2 * p[0] or k[1] > w + 2 * p[1]:
        return
    x = np.random.default_rng(1).standard_normal((1, h, w, 2))
    ours = pool2d(x, k, s, [(p[0],) * 2, (p[1],) * 2], mode, ceil, count_padding=True)
    function = torch.nn.functional.max_pool2d if mode == "max" else torch.nn.functional.avg_pool2d
    theirs = function(torch.tensor(x).permute(0, 3, 1, 2), k, s, p, ceil_mode=ceil).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.oracle
@settings(max_examples=80, deadline=None)
@given(h=st.integers(1, 10), w=st.integers(1, 10), k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)), d=st.integers(1, 2))
def test_same_padding_twins_equal_keras(h: int, w: int, k: tuple[int, int], s: tuple[int, int], d: int) -> None:
    keras = oracle("keras")
    if d > 1 and max(s) > 1:
        return  # Keras rejects strides > 1 with dilation > 1
    net = build(f"input {h}x{w}x2, conv3x{k[0]}x{k[1]} s{s[0]}x{s[1]} d{d} same, maxpool{k[0]}x{k[1]} s{s[0]}x{s[1]} "
                f"same, avgpool{k[0]}x{k[1]} s{s[0]}x{s[1]} same")
    x = np.random.default_rng(2).standard_normal((1, h, w, 2)).astype("float32")
    numpy = keras.ops.convert_to_numpy
    conv = keras.layers.Conv2D(3, k, strides=s, padding="same", dilation_rate=d)
    conv.build((1, h, w, 2))
    kernel, bias = (numpy(v) for v in conv.weights)
    from cnncalc.numeric.twins import _pads

    ours = conv2d(x, kernel, bias, s, _pads((h, w), k, s, "same", (d, d)), (d, d))
    pooled = numpy(conv(x))
    np.testing.assert_allclose(ours, pooled, rtol=1e-4, atol=1e-5)
    pads = _pads(pooled.shape[1:3], k, s, "same", (1, 1))
    for name, mode in (("MaxPooling2D", "max"), ("AveragePooling2D", "avg")):
        layer = getattr(keras.layers, name)(k, strides=s, padding="same")
        mine = pool2d(pooled, k, s, pads, mode)
        if mode == "avg" and any(before != after for before, after in pads):
            # Keras' torch backend pads asymmetric `same` pooling with mode="replicate", so its
            # averages count copies of the edge; TensorFlow (Keras' reference) averages only the
            # real cells. cnncalc follows TensorFlow: compare with that rule, computed directly.
            np.testing.assert_allclose(mine, brute_same_average(pooled, k, s, pads), rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_allclose(mine, numpy(layer(pooled)), rtol=1e-4, atol=1e-5)
    assert net.layers[0].output_shape == pooled.shape[1:]


def brute_same_average(x: Any, k: tuple[int, int], s: tuple[int, int], pads: list[tuple[int, int]]) -> Any:
    """TensorFlow's SAME average pooling, one window at a time: the mean of the real cells only."""
    h, w = x.shape[1:3]
    rows, cols = -(-h // s[0]), -(-w // s[1])
    out = np.zeros((x.shape[0], rows, cols, x.shape[3]))
    for i in range(rows):
        for j in range(cols):
            r0, c0 = i * s[0] - pads[0][0], j * s[1] - pads[1][0]
            window = x[:, max(r0, 0):min(r0 + k[0], h), max(c0, 0):min(c0 + k[1], w)]
            out[:, i, j] = window.mean(axis=(1, 2))
    return out


@pytest.mark.oracle
def test_seed002_maps_equal_torch() -> None:
    torch = oracle("torch")
    image = torch.tensor([[1, 0, 1, 0, 1], [1, 0, 0, 1, 1], [0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 1, 0]],
                         dtype=torch.float64)[None, None]
    kernel = torch.tensor([[0, 1, 0], [1, 0, -1], [0, 1, 0]], dtype=torch.float64)[None, None]
    assert torch.nn.functional.conv2d(image, kernel)[0, 0].tolist() == [[2, 1, -1], [-1, 1, 3], [2, 1, 1]]
    assert torch.nn.functional.conv2d(image, kernel, padding=1)[0, 0].tolist() == [
        [1, 0, 0, 1, 1], [1, 2, 1, -1, 2], [1, -1, 1, 3, 1], [0, 2, 1, 1, 1], [1, -1, -1, 2, 1]]


@pytest.mark.oracle
@settings(max_examples=60, deadline=None)
@given(h=st.integers(3, 9), w=st.integers(3, 9), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 2),
       op=st.integers(0, 2), d=st.integers(1, 2))
def test_transposed_twin_equals_torch(h: int, w: int, k: int, s: int, p: int, op: int, d: int) -> None:
    torch = oracle("torch")
    if op >= max(s, d) or min((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n in (h, w)) <= 0:
        return  # torch refuses an output of zero or less on either axis
    from cnncalc.numeric.twins import _transposed_crops, conv2d_transpose

    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, h, w, 2))
    kernel = rng.standard_normal((k, k, 2, 3))
    crops = [_transposed_crops(n, k, s, p, op, d) for n in (h, w)]
    ours = conv2d_transpose(x, kernel, (s, s), (d, d), crops)
    theirs = torch.nn.functional.conv_transpose2d(
        torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(kernel).permute(2, 3, 0, 1), None, s, p, op, 1, d)
    np.testing.assert_allclose(ours, theirs.permute(0, 2, 3, 1).numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.oracle
@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 8), w=st.integers(2, 8), k=st.integers(1, 4), s=st.integers(1, 3),
       padding=st.sampled_from(["valid", "same"]), op=st.none() | st.integers(0, 2))
def test_transposed_twin_equals_keras(h: int, w: int, k: int, s: int, padding: str, op: int | None) -> None:
    keras = oracle("keras")
    if op is not None and op >= s:
        return
    from cnncalc.numeric.twins import _transposed_crops, conv2d_transpose

    layer = keras.layers.Conv2DTranspose(3, k, strides=s, padding=padding, output_padding=op, use_bias=False)
    x = np.random.default_rng(4).standard_normal((1, h, w, 2)).astype("float32")
    theirs = keras.ops.convert_to_numpy(layer(x))
    kernel = keras.ops.convert_to_numpy(layer.kernel).transpose(0, 1, 3, 2)  # Keras stores (kh, kw, F, C)
    crops = [_transposed_crops(n, k, s, padding, op, 1) for n in (h, w)]
    ours = conv2d_transpose(x, kernel, (s, s), (1, 1), crops)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.oracle
@settings(max_examples=60, deadline=None)
@given(h=st.integers(3, 9), c=st.sampled_from([2, 4]), m=st.integers(1, 2), k=st.integers(1, 3),
       s=st.integers(1, 2), groups=st.sampled_from([1, 2]))
def test_grouped_and_depthwise_twins_equal_torch(h: int, c: int, m: int, k: int, s: int, groups: int) -> None:
    torch = oracle("torch")
    from cnncalc.numeric.twins import depthwise_conv2d, grouped_conv2d

    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, h, h, c))
    tx = torch.tensor(x).permute(0, 3, 1, 2)
    depthwise = rng.standard_normal((k, k, c, m))
    ours = depthwise_conv2d(x, depthwise, (s, s), [(0, 0), (0, 0)], (1, 1))
    weight = torch.tensor(depthwise).permute(2, 3, 0, 1).reshape(c * m, 1, k, k)  # channel c·M + m
    theirs = torch.nn.functional.conv2d(tx, weight, None, s, 0, 1, c).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
    grouped = rng.standard_normal((k, k, c // groups, 4))
    ours = grouped_conv2d(x, grouped, None, (s, s), [(0, 0), (0, 0)], (1, 1), groups)
    theirs = torch.nn.functional.conv2d(tx, torch.tensor(grouped).permute(3, 2, 0, 1), None, s, 0, 1, groups)
    np.testing.assert_allclose(ours, theirs.permute(0, 2, 3, 1).numpy(), rtol=1e-9, atol=1e-9)
