"""The README and docs/ show real output: every `$ cnncalc …` in a console block is run and compared.

`pytest tests/test_readme.py --update-golden` rewrites the blocks from the current output (review the diff).
The quick start's numbers are also held to Keras and PyTorch (test_the_quick_starts_numbers_are_the_frameworks).
"""

from __future__ import annotations

import ast
import re
import shlex
import sys
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from cnncalc.cli import main

from .conftest import ROOT, oracle

README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
TIMING = re.compile(r"\d+(\.\d+)? ms\b")  # timings vary from run to run
#: The width every example is rendered at (a shown `COLUMNS=N cnncalc …` overrides it).
WIDTH = "100"


def run(command: str) -> str:
    """The output of one shown command line, as a terminal WIDTH columns wide without colour would show it."""
    args = shlex.split(command)
    env = {"COLUMNS": WIDTH, "NO_COLOR": "1"}
    while args and re.fullmatch(r"[A-Z_]+=\S*", args[0]):  # `COLUMNS=60 cnncalc summary …`
        name, _, value = args.pop(0).partition("=")
        env[name] = value
    assert args[0] == "cnncalc", command
    stdin = None
    if "<" in args:  # `cnncalc summary - < examples/x.cnn`
        stdin = (ROOT / args[args.index("<") + 1]).read_text(encoding="utf-8")
        args = args[: args.index("<")]
    result = CliRunner().invoke(main, args[1:], input=stdin, env=env, prog_name="cnncalc")
    out = TIMING.sub("… ms", result.output)
    if result.exit_code:
        out += f"[exit {result.exit_code}]\n"
    return out


def commands(block: str) -> list[tuple[str, str]]:
    """(command, shown output) pairs of a console block."""
    pairs: list[tuple[str, str]] = []
    for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
        command, _, output = chunk.partition("\n")
        pairs.append((command, output))
    return pairs


def shown(page: Path) -> list[tuple[str, str]]:
    """Every (command, output) a page shows."""
    return [pair for block in BLOCK.findall(page.read_text(encoding="utf-8")) for pair in commands(block)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_shown_output_is_real(page: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = page.read_text(encoding="utf-8")
    if request.config.getoption("--update-golden"):
        def refresh(match: re.Match[str]) -> str:
            fresh = "".join(f"$ {command}\n{run(command)}" for command, _ in commands(match[1]))
            return f"```console\n{fresh}```"
        text = BLOCK.sub(refresh, text)
        page.write_text(text, encoding="utf-8")
    pairs = shown(page)
    assert pairs or page != README, "the README shows no commands"
    for command, output in pairs:
        assert run(command) == TIMING.sub("… ms", output), f"{page.name}: the output of `{command}` is stale"


def test_every_command_has_an_example() -> None:
    text = "".join(page.read_text(encoding="utf-8") for page in PAGES)
    names = main.list_commands(click.Context(main))
    assert "summary" in names and "check-stride" in names
    for name in names:
        assert f"$ cnncalc {name} " in text, f"`cnncalc {name}` has no example in the README or docs/"


def test_the_readme_is_a_way_in() -> None:
    """At most about 300 lines, with a quick start, a table of commands and a link to every page of docs/."""
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    assert "## Quick start" in text and "## Which command do I want?" in text
    for page in sorted(DOCS.glob("*.md")):
        assert f"](docs/{page.name}" in text or f"](docs/{page.name}" in (DOCS / "index.md").read_text(), page.name
    assert "](docs/index.md)" in text


def test_docs_speak_to_a_newcomer() -> None:
    """No private jargon: the lecture notes' file numbering, issue numbers or a development step's name."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for jargon in (r"(?i)seed ?00\d", r"\b[Ii]ssue \d", r"(?i)\bthis stop\b", r"(?i)\bthe lectures'? "):
            assert not re.search(jargon, text), f"{page.name}: {re.search(jargon, text)}"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_between_pages_resolve() -> None:
    for page in PAGES:
        for target, anchor in re.findall(r"\]\((?!https?:)([^)#\s]*)(?:#([^)\s]+))?\)", page.read_text("utf-8")):
            path = (page.parent / target) if target else page
            assert path.exists(), f"{page.name} links to {target}, which does not exist"
            if anchor and path.suffix == ".md":
                headings = re.findall(r"^#+ (.*)$", path.read_text(encoding="utf-8"), flags=re.M)
                assert anchor in {slug(h) for h in headings}, f"{page.name} links to {target}#{anchor}"


def test_the_set_up_commands() -> None:
    """The developer's command is the one CI runs verbatim; the user's installs no test tools."""
    readme = README.read_text(encoding="utf-8")
    test_command = 'pip install -e ".[test,oracle]" && python -m pytest'
    assert test_command in readme
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install . && cnncalc summary examples/mnist_keras.cnn" in readme


def test_a_plain_install_brings_what_cnncalc_imports_and_no_test_tools() -> None:
    """`pip install .` is a working tool: every third-party module the package imports is a dependency."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower() for requirement in project["dependencies"]}
    imported: set[str] = set()
    for path in (ROOT / "cnncalc").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "cnncalc"}
    assert third_party <= declared, third_party - declared
    assert not declared & {"pytest", "hypothesis", "torch", "keras", "torchinfo", "fvcore", "ptflops", "thop"}


def test_every_guarantee_names_a_test_that_exists() -> None:
    """docs/guarantees.md points at real tests and real places in the code, so it cannot rot."""
    text = (DOCS / "guarantees.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) >= 8
    for row in rows:
        promise, kept, held = (cell.strip() for cell in row.strip("|").split(" | "))
        tests = re.findall(r"`(tests/\w+\.py)::(\w+)`", held)
        assert tests, f"no test holds: {promise}"
        for path, name in tests:
            assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), f"{path}::{name} ({promise})"
        for dotted in re.findall(r"`(\w+(?:\.\w+)+)`", kept):
            assert resolves(dotted), f"{dotted} ({promise})"


def resolves(dotted: str) -> bool:
    """Whether 'floor.module.attribute…' names something in the package: the longest importable prefix, then
    attributes."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module("cnncalc." + ".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


# ----- the quick start, held to the frameworks -----

def quick_start(prefix: str) -> str:
    """The README's output for the command that starts with ``prefix``."""
    [output] = [output for command, output in shown(README) if command.startswith(prefix)]
    return output


def keras_rows(model: Any) -> list[tuple[str, str, str, str]]:
    """(name, class, output shape, params) for each of a Keras model's layers, as Keras' summary prints them."""
    return [(layer.name, type(layer).__name__, str((None, *layer.output.shape[1:])), f"{layer.count_params():,}")
            for layer in model.layers]


def totals(model: Any) -> tuple[str, str, str]:
    """Keras' total, trainable and non-trainable counts, with thousands separators."""
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    return f"{model.count_params():,}", f"{trainable:,}", f"{model.count_params() - trainable:,}"


@pytest.mark.oracle
def test_the_quick_starts_numbers_are_the_frameworks() -> None:
    """Every shape and count the README's quick start shows, from networks built in Keras 3 and PyTorch."""
    keras = oracle("keras")
    torch = oracle("torch")
    layers = keras.layers

    keras.backend.clear_session()
    chain = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                              layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                              layers.Dropout(0.5), layers.Dense(10, activation="softmax")])
    out = quick_start('cnncalc summary "input 28x28x1, conv32x3 relu, pool2, conv64x3 relu')
    rows = re.findall(r"│ (\w+) \((\w+)\)\s*│ (\([^)]*\))[ ⚠]*│\s*([\d,]+) │", out)
    assert rows == keras_rows(chain)
    total, trainable, frozen = totals(chain)
    assert f"Total params: {total} " in out and f"Trainable params: {trainable} " in out
    assert f"Non-trainable params: {frozen} " in out

    keras.backend.clear_session()
    inputs = keras.Input((8, 8, 64))
    x = layers.Conv2D(64, 3, padding="same")(inputs)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    x = layers.BatchNormalization()(layers.Conv2D(64, 3, padding="same")(x))
    residual = keras.Model(inputs, layers.Activation("relu")(layers.Add()([inputs, x])))
    out = quick_start('cnncalc summary "input 8x8x64, add(id |')
    rows = re.findall(r"^\| \d+ \| (\w+) \((\w+)\) \| (\([^)]*\)) \| ([\d,]+) \|", out, flags=re.M)
    assert rows == keras_rows(residual)  # Keras 3's rows, its InputLayer first, in its own order
    total, trainable, frozen = totals(residual)
    assert f"**Total params:** {total} " in out and f"**Trainable params:** {trainable} " in out
    assert f"**Non-trainable params:** {frozen} " in out

    keras.backend.clear_session()
    mnist = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3), layers.Conv2D(64, 3),
                              layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(128), layers.Dense(10)])
    out = quick_start("cnncalc check examples/lectures/mnist_4_layer.cnn")
    assert re.search(rf"2\.params\s+18494\s+{mnist.layers[1].count_params():,}\s+✗", out)
    assert re.search(rf"total\s+1,199,882\s+{mnist.count_params():,}\s+✓", out)

    keras.backend.clear_session()
    alexnet = keras.Sequential([keras.Input((227, 227, 3)), layers.Conv2D(96, 11, strides=4)])
    out = quick_start('cnncalc solve "input 227x227x3, conv96x11 s?"')
    height, width, channels = alexnet.layers[-1].output.shape[1:]
    assert "✓ ? = 4: " in out and f"output {height}×{width}×{channels}, {alexnet.count_params():,} parameters" in out

    out = quick_start("cnncalc check-stride 7 3 3")
    image = torch.zeros(1, 1, 7, 7)
    floor = torch.nn.functional.max_pool2d(image, 3, 3).shape[-1]
    ceil = torch.nn.functional.max_pool2d(image, 3, 3, ceil_mode=True).shape[-1]
    assert f"Keras and PyTorch give {floor} (floor); with ceil_mode, {ceil}" in out
    assert keras.layers.MaxPooling2D(3)(keras.ops.zeros((1, 7, 7, 1))).shape[1] == floor

    out = quick_start("cnncalc summary examples/code/cifar_net_wrong_linear.py")
    code = (ROOT / "examples" / "code" / "cifar_net_wrong_linear.py").read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(code, "cifar_net_wrong_linear.py", "exec"), namespace)  # the repository's own example, in a test
    with pytest.raises(RuntimeError, match=r"1x1600 and 400x120"):
        namespace["Net"]()(torch.zeros(1, 3, 32, 32))
    assert "Linear is written to read 400 input features, but the layer before gives 1600" in out
