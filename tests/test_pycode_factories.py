"""torchvision's model factories: ``weights = VGG16_Weights.verify(weights)`` with no pretrained weights (the
default), then ``if weights is not None:`` blocks that do not run. torchvision/models/_api.py's WeightsEnum.verify
returns its argument when it is None, so only a WeightsEnum of torchvision's is read that way; the expected counts
are hand arithmetic written in each test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pycode import refused, run

FACTORY = """import torch.nn as nn
{imports}
from ._utils import _ovewrite_named_param


class Net(nn.Module):
    def __init__(self, num_classes=10, init_weights=True):
        super().__init__()
        self.fc = nn.Linear(4, num_classes)

    def forward(self, x):
        return self.fc(x)


class Net_Weights({bases}):
{body}    IMAGENET1K_V1 = Weights(url="https://example.org/net.pth", transforms=None, meta={{"categories": ["a"] * 7}})
    DEFAULT = IMAGENET1K_V1


def net(*, weights=None, progress=True, **kwargs):
    weights = Net_Weights.verify(weights)
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["categories"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = Net(**kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model
"""
TORCHVISION = "from ._api import register_model, Weights, WeightsEnum"


def factory(imports: str = TORCHVISION, bases: str = "WeightsEnum", body: str = "") -> str:
    return FACTORY.format(imports=imports, bases=bases, body=body)


def params(tmp_path: Path, code: str, model: str) -> int:
    path = tmp_path / "net.py"
    path.write_text(code, encoding="utf-8")
    status, out = run("summary", str(path), "--model", model, "--input", "4", "--format", "json")
    assert status == 0, out
    return json.loads(out)["total_params"]


@pytest.mark.parametrize("imports", [
    TORCHVISION,  # torchvision's own model files
    "from torchvision.models._api import Weights, WeightsEnum",
    "from torchvision.models import Weights, WeightsEnum",
])
@pytest.mark.parametrize(("model", "expected"), [
    ("net", 4 * 10 + 10),  # Linear(4, 10): the class's default num_classes
    ("net(weights=None)", 4 * 10 + 10),
    ("net(num_classes=3)", 4 * 3 + 3),
    ("net(weights=None, progress=False, num_classes=5)", 4 * 5 + 5),
])
def test_a_torchvision_factory_without_pretrained_weights_reads(tmp_path: Path, imports: str, model: str,
                                                                expected: int) -> None:
    assert params(tmp_path, factory(imports), model) == expected


def test_a_subclass_of_a_weights_enum_of_the_file_reads_too(tmp_path: Path) -> None:
    code = factory(bases="_Base").replace("class Net_Weights", "class _Base(WeightsEnum):\n    pass\n\n\n"
                                          "class Net_Weights", 1)
    assert params(tmp_path, code, "net") == 4 * 10 + 10


@pytest.mark.parametrize(("code", "model"), [
    # pretrained weights: which categories they hold is only known when torchvision loads them
    (factory(), "net(weights='IMAGENET1K_V1')"),
    # another module's WeightsEnum, whose verify may do anything
    (factory("from weights_lib import Weights, WeightsEnum"), "net"),
    (factory("from ..._api import Weights, WeightsEnum"), "net"),
    # a base cnncalc cannot see, before WeightsEnum, may define its own verify
    (factory(TORCHVISION + "\nfrom mixins import Verifying", "Verifying, WeightsEnum"), "net"),
])
def test_weights_verify_is_refused_where_it_is_not_torchvisions_on_none(tmp_path: Path, code: str,
                                                                        model: str) -> None:
    out = refused(tmp_path, code, ["--model", model, "--input", "4"])
    line = code.splitlines().index('        kwargs["init_weights"] = False') + 1
    assert f"net.py:{line}:9" in out and "this may change the model" in out, out


def test_a_weights_enum_with_its_own_verify_is_read_as_it_defines_it(tmp_path: Path) -> None:
    body = "    @classmethod\n    def verify(cls, obj):\n        return cls.IMAGENET1K_V1\n"
    code = factory(body=body)
    out = refused(tmp_path, code, ["--model", "net", "--input", "4"])
    line = code.splitlines().index('        kwargs["init_weights"] = False') + 1
    assert f"net.py:{line}:9" in out and "this may change the model" in out, out


MUTATED_IN_A_SKIPPED_BLOCK = """import torch
import torch.nn as nn


def overwrite(kwargs, name, value):
    kwargs[name] = value


class Net(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.fc = nn.Linear(4, num_classes)

    def forward(self, x):
        return self.fc(x)


def net(**kwargs):
    if torch.cuda.is_available():
        overwrite(kwargs, "num_classes", 7)
    return Net(**kwargs)
"""


def test_a_dict_handed_to_a_call_in_a_skipped_block_is_not_trusted(tmp_path: Path) -> None:
    """Whether the block runs is the run's to decide, and the call may change the dict (torchvision's
    _ovewrite_named_param(kwargs, …)): the model is refused at that call, never built with 10 classes or 7."""
    out = refused(tmp_path, MUTATED_IN_A_SKIPPED_BLOCK, ["--model", "net(num_classes=3)", "--input", "4"])
    assert "net.py:20:9" in out and "overwrite(kwargs" in out


def test_keyword_arguments_only_known_at_run_time_are_not_dropped(tmp_path: Path) -> None:
    """Net(**options) with options read from a file: the call's result is the run's, so the model is refused
    (before, the unknown ** was skipped and Net built with its defaults, 10 classes: a wrong count, exit 0)."""
    skipped = '    if torch.cuda.is_available():\n        overwrite(kwargs, "num_classes", 7)\n'
    code = MUTATED_IN_A_SKIPPED_BLOCK.replace(skipped, "").replace("Net(**kwargs)", "Net(**torch.load('options.pt'))")
    out = refused(tmp_path, code, ["--model", "net", "--input", "4"])
    assert "net.py:" in out
