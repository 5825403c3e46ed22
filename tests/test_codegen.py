"""Issue 15: `summary SPEC --format keras|pytorch` writes code that the real frameworks run as the spec says.

Random chains and graphs are written as code by cnncalc; the code is run with Keras 3 and PyTorch, and every
layer's output shape and parameter count must be cnncalc's; then the written file is read back by cnncalc and
must summarise as the spec did (a round trip).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cnncalc.errors import CnnCalcError
from cnncalc.graph.network import Network, build
from cnncalc.model.layers import ACTIVATIONS
from cnncalc.views.codegen import keras_code, pytorch_code

from . import graph_specs, oracle_specs
from .conftest import ROOT, oracle

pytestmark = pytest.mark.oracle

EXAMPLES = int(os.environ.get("CNNCALC_CODEGEN_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def rows(net: Network) -> list[tuple[str, str, tuple[Any, ...], int]]:
    return [(layer.name, layer.keras_class, layer.output_shape, layer.params.total) for layer in net.layers]


def run_code(code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "written_by_cnncalc"}
    exec(compile(code, "<cnncalc>", "exec"), namespace)
    return namespace


def read_back(code: str, tmp_path: Path, *args: str) -> Network:
    from cnncalc.readers.code import build_model, read_model

    path = tmp_path / "written.py"
    path.write_text(code, encoding="utf-8")
    return build_model(read_model(code, str(path)), *args)


#: What --format keras and --format pytorch may refuse, each a construct the framework cannot express as the
#: spec has it, said at its layer (cnncalc.views.codegen); any other refusal of a network cnncalc built is a failure.
KERAS_REFUSALS = ("Keras has no ", "Keras' pools have no ceil_mode",
                  "Keras pads a max pool with zeros only through ZeroPadding2D",
                  "Keras pads a max pool with zeros only through a ZeroPadding layer")
TORCH_REFUSALS = ("PyTorch's ConvTranspose2d cannot reach ", "PyTorch's pools pad both sides alike",
                  "a dense layer on a volume: nn.Linear acts on the last axis",
                  "a merge of tensors of different ranks: PyTorch broadcasts from the last axis",
                  "nn.LayerNorm normalises the last axis", "PyTorch's LayerNorm learns a bias only with its weight",
                  "PyTorch's ConvTranspose1d cannot reach ", "on both sides alike; this one is uneven")


def written(write: Any, net: Network, refusals: tuple[str, ...]) -> str | None:
    """The code ``write`` makes of ``net``, or None when it refuses with one of ``refusals`` at a layer."""
    try:
        return str(write(net))
    except CnnCalcError as error:
        message = error.render()
        assert message.startswith("layer "), message  # said at the layer that cannot be written
        assert any(reason in message for reason in refusals), f"an unexpected refusal:\n{message}\n{net.text}"
        return None


def keras_check(net: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run the Keras code written for ``net``; False when it is refused for a reason Keras gives (KERAS_REFUSALS)."""
    code = written(keras_code, net, KERAS_REFUSALS)
    if code is None:
        return False
    keras = oracle("keras")
    keras.backend.clear_session()
    monkeypatch.setattr(keras.Model, "summary", lambda self, *a, **k: None)
    model = run_code(code)["model"]
    theirs = [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
              for layer in model.layers if type(layer).__name__ != "InputLayer"]
    back = read_back(code, tmp_path)
    assert [(c, s, p) for _, c, s, p in rows(back)] == theirs, code
    # explicit padding is a layer of its own in Keras, and a transposed convolution's is a Cropping2D after it
    if ("ZeroPadding2D" not in code or "zeropad" in net.text) and ("Cropping2D" not in code or "crop" in net.text):
        assert rows(back) == rows(net), code
    return True


@SETTINGS
@given(network=oracle_specs.structured(False, 6))
def test_keras_code_of_random_chains(network: Any, tmp_path_factory: pytest.TempPathFactory,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        net = build(oracle_specs.spec_text(*network))
    except CnnCalcError:
        return
    keras_check(net, tmp_path_factory.mktemp("keras"), monkeypatch)


@SETTINGS
@given(graph=graph_specs.graphs())
def test_keras_code_of_random_graphs(graph: Any, tmp_path_factory: pytest.TempPathFactory,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        net = build(graph_specs.spec_text(*graph))
    except CnnCalcError:
        return
    keras_check(net, tmp_path_factory.mktemp("keras"), monkeypatch)


def torch_check(net: Network, tmp_path: Path) -> bool:
    """Run the PyTorch code written for ``net``; False when it is refused for a reason PyTorch gives."""
    code = written(pytorch_code, net, TORCH_REFUSALS)
    if code is None:
        return False
    torch = oracle("torch")
    from .test_zoo import our_rows, torch_rows

    model = run_code(code)["model"]
    shape = (net.input_shape[-1], *net.input_shape[:-1])
    theirs = torch_rows(torch, model, shape)
    back = read_back(code, tmp_path, "x".join(map(str, shape)))
    assert our_rows(back) == theirs, code
    assert back.trainable_params == net.trainable_params  # BatchNorm's moving statistics are buffers in PyTorch
    assert back.layers[-1].output_shape == net.layers[-1].output_shape
    return True


@SETTINGS
@given(network=oracle_specs.structured(True, 6))
def test_pytorch_code_of_random_chains(network: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        net = build(oracle_specs.spec_text(*network))
    except CnnCalcError:
        return
    if len(net.input_shape) != 3:
        return
    torch_check(net, tmp_path_factory.mktemp("torch"))


@SETTINGS
@given(network=oracle_specs.structured(False, 6, kinds=True))
def test_pytorch_code_of_random_chains_with_transposed_convolutions(network: Any,
                                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    # Keras' 'valid' and 'same' on a transposed convolution become PyTorch's padding and output_padding
    try:
        net = build(oracle_specs.spec_text(*network))
    except CnnCalcError:
        return
    torch_check(net, tmp_path_factory.mktemp("torch"))


@SETTINGS
@given(graph=graph_specs.graphs())
def test_pytorch_code_of_random_graphs(graph: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        net = build(graph_specs.spec_text(*graph))
    except CnnCalcError:
        return
    torch_check(net, tmp_path_factory.mktemp("torch"))


@pytest.mark.parametrize("name", ["examples/mnist_keras.cnn", "cnncalc/zoo/keras/VGG16.cnn",
                                  "cnncalc/zoo/keras/ResNet50.cnn", "cnncalc/zoo/keras/MobileNetV2.cnn",
                                  "examples/graphs/inception3a.cnn"])
def test_real_networks_as_code(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = build((ROOT / name).read_text(encoding="utf-8"))
    assert keras_check(net, tmp_path, monkeypatch), "Keras code refused"
    assert torch_check(net, tmp_path), "PyTorch code refused"


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_as_code(activation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # each activation the spec knows, fused and as a layer of its own, is a name each framework takes
    net = build(f"input 6x6x2, conv2x3 {activation}, {activation}, flatten, dense3 {activation}")
    assert keras_check(net, tmp_path, monkeypatch), "Keras code refused"
    assert torch_check(net, tmp_path), "PyTorch code refused"
