"""Issue 13: `check --summary` on what people paste: the frameworks' own output, wrapped the ways people wrap it.

The corpus is printed by the real tools on real networks (torchinfo and torchsummary on the torchvision ports
of tests/test_zoo.py, Keras 3 on keras.applications at a width that wraps its cells), then wrapped as pastes
arrive: quoted, commented, in a notebook's JSON, after `Out[3]:`, with CRLF and tabs. Each must grade with
no false alarm, with the spec and without it; a misprinted parameter count must be found, and only it.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from typing import Any

import pytest

from cnncalc.grading.pastes import align
from cnncalc.grading.selfcheck import self_check
from cnncalc.graph.network import build
from cnncalc.readers.pasted import parse_summary

from .conftest import ZOO, oracle
from .test_zoo import alexnet, mobilenet_v2, torchvision_resnet

pytestmark = pytest.mark.oracle

WRAPPINGS = {
    "plain": lambda text: text,
    "quoted": lambda text: "\n".join("> " + line for line in text.splitlines()),
    "commented": lambda text: "\n".join("# " + line for line in text.splitlines()),
    "notebook": lambda text: "\n".join("    " + json.dumps(line + "\n") + "," for line in text.splitlines()),
    "out-cell": lambda text: "Out[3]: " + text,
    "crlf-tabs": lambda text: text.replace("\n", "\r\n").replace("    ", "\t"),
}


def torchinfo_text(model: Any) -> str:
    torchinfo = oracle("torchinfo")
    return str(torchinfo.summary(model, input_size=(1, 3, 224, 224), verbose=0, depth=10))


def torchsummary_text(model: Any) -> str:
    torchsummary = oracle("torchsummary")
    out = io.StringIO()
    with redirect_stdout(out):
        torchsummary.summary(model, (3, 224, 224), device="cpu")
    return out.getvalue()


NETWORKS = {"alexnet.cnn": lambda torch: alexnet(torch.nn), "mobilenet_v2.cnn": mobilenet_v2,
            "resnet18.cnn": lambda torch: torchvision_resnet(torch, "basic", [2, 2, 2, 2])}


def misprinted(text: str, pattern: str) -> tuple[str, int]:
    """The paste with the parameter count of its first conv-like row made 1 larger, and that count."""
    match = next(m for m in re.finditer(pattern, text) if int(m[1].replace(",", "")) > 0)
    value = int(match[1].replace(",", ""))
    return text[:match.start(1)] + f"{value + 1:,}".rjust(len(match[1])) + text[match.end(1):], value


@pytest.mark.parametrize("printer", ["torchinfo", "torchsummary"])
@pytest.mark.parametrize("name", list(NETWORKS))
def test_pytorch_tables_grade_clean_in_every_wrapping(printer: str, name: str) -> None:
    torch = oracle("torch")
    model = NETWORKS[name](torch)
    text = (torchinfo_text if printer == "torchinfo" else torchsummary_text)(model)
    net = build((ZOO / "torchvision" / name).read_text(encoding="utf-8"))
    for wrapping, wrap in WRAPPINGS.items():
        pasted = parse_summary(wrap(text))
        assert pasted.kind == printer, wrapping
        with_spec = [v for v in align(net, pasted) if v.status == "wrong"]
        alone = [v for v in self_check(pasted) if v.status == "wrong"]
        assert (with_spec, alone) == ([], []), (wrapping, with_spec[:3], alone[:3])
    pattern = r"Conv2d: \d-\d+\s+\[[^\]]*\]\s+(\d[\d,]*)" if printer == "torchinfo" else \
        r"Conv2d-\d+\s+\[[^\]]*\]\s+(\d[\d,]*)"
    changed, value = misprinted(text, pattern)
    wrong = [v for v in align(net, parse_summary(changed)) if v.status == "wrong"]
    assert [(v.given, v.correct) for v in wrong] == [(f"{value + 1:,}", f"{value:,}")]
    total = re.search(r"Total params: ([\d,]+)", text)
    assert total is not None
    off = int(total[1].replace(",", "")) + 10  # a total off by ten: that line, and only it
    changed = text[:total.start(1)] + f"{off:,}" + text[total.end(1):]
    for checked in (align(net, parse_summary(changed)), self_check(parse_summary(changed))):
        assert [(v.claim, v.given) for v in checked if v.status == "wrong"] == [("total", f"{off:,}")]


@pytest.mark.parametrize(("name", "application"), [("keras/MobileNetV2.cnn", "MobileNetV2"),
                                                   ("keras/ResNet50.cnn", "ResNet50")])
def test_keras_tables_wrapped_onto_several_lines(name: str, application: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 100 columns Keras 3 wraps shapes, type names and 'Connected to' cells onto a row's next lines."""
    monkeypatch.setenv("COLUMNS", "100")
    keras = oracle("keras")
    keras.backend.clear_session()
    lines: list[str] = []
    getattr(keras.applications, application)(weights=None).summary(
        print_fn=lambda line, **kwargs: lines.append(line), line_length=100)
    text = "\n".join(lines)
    net = build((ZOO / name).read_text(encoding="utf-8"))
    for wrapping, wrap in WRAPPINGS.items():
        pasted = parse_summary(wrap(text))
        with_spec = [v for v in align(net, pasted) if v.status == "wrong"]
        alone = [v for v in self_check(pasted) if v.status == "wrong"]
        assert (with_spec, alone) == ([], []), (wrapping, with_spec[:3], alone[:3])
        assert len(pasted.rows) == len(net.layers), wrapping


def test_torchinfo_footer_is_checked_at_the_pastes_batch() -> None:
    # torchinfo's own footer for ResNet-18 at batch 4: every line ✓ under its rules, and a misprinted params size
    # is the one claim found wrong, with its arithmetic.
    torch, torchinfo = oracle("torch"), oracle("torchinfo")
    model = NETWORKS["resnet18.cnn"](torch)
    text = str(torchinfo.summary(model, input_size=(4, 3, 224, 224), verbose=0, depth=10))
    net = build((ZOO / "torchvision" / "resnet18.cnn").read_text(encoding="utf-8"))
    pasted = parse_summary(text)
    assert pasted.batch == 4 and len(pasted.footer) == 5
    footer = [v for v in align(net, pasted) if v.claim.startswith("torchinfo")]
    assert [v.status for v in footer] == ["correct"] * 5
    params = re.search(r"Params size \(MB\): ([\d.]+)", text)
    assert params is not None
    wrong_value = f"{float(params[1]) + 0.01:.2f}"
    changed = text.replace(f"Params size (MB): {params[1]}", f"Params size (MB): {wrong_value}")
    wrong = [v for v in align(net, parse_summary(changed)) if v.status == "wrong"]
    assert [(v.claim, v.given, v.correct) for v in wrong] == [("torchinfo params size (MB)", wrong_value,
                                                              f"{params[1]} (MB)")]
    assert f"{11_689_512 * 4:,} bytes" in wrong[0].arithmetic  # torchvision's documented parameter count, × 4
