"""Every examples/*.cnn, and every network of cnncalc's zoo, runs and reproduces the numbers quoted in its
comments."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.graph.network import Network, build

from .conftest import ROOT, ZOO
from .expectations import expectations, parse_value

EXAMPLES = sorted([*(ROOT / "examples").rglob("*.cnn"), *ZOO.rglob("*.cnn")])  # the zoo's files quote their counts too


def actual(net: Network, layer_key: str, field: str) -> int | tuple[int, ...]:
    if not layer_key:
        return {"total": net.total_params, "trainable": net.trainable_params,
                "non_trainable": net.non_trainable_params}[field]
    layer = net.find(layer_key)
    assert layer is not None, f"no layer {layer_key}"
    if field == "output":
        return layer.output_shape
    return {"params": layer.params.total, "weights": layer.params.weights, "biases": layer.params.biases}[field]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_reproduces_the_lecture(path: Path) -> None:
    net = build(path.read_text(encoding="utf-8"))
    expected = expectations(path)
    assert expected, f"{path.name} quotes no lecture numbers"
    for layer_key, field, value in expected:
        want = parse_value(value)
        if field == "output" and isinstance(want, int):
            want = (want,)  # a flat size 9216 is the shape (None, 9216)
        assert actual(net, layer_key, field) == want, f"{path.name}: {layer_key}.{field}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_through_the_cli(path: Path) -> None:
    result = CliRunner().invoke(main, ["summary", str(path)])
    assert result.exit_code == 0, result.stderr


def test_the_examples_cover_every_lecture() -> None:
    """examples/lectures holds networks from each of the five lecture notes (each file's first comment names its
    slide); mnist_keras.cnn is the first lecture's MNIST network."""
    lectures = sorted((ROOT / "examples" / "lectures").glob("*.cnn"))
    assert len(lectures) >= 17
    assert all(path.read_text(encoding="utf-8").startswith("# From the lecture notes") for path in lectures)
    assert {"lenet5.cnn", "mnist_keras.cnn"} <= {path.name for path in EXAMPLES}
