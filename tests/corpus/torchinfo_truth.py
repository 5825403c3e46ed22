"""torchinfo's rows of torchvision's own networks used as a frozen base under a new head, at several depths.

For each name (a torchvision network cnncalc knows: ``resnet18``, ``mobilenet_v2``), the manifest's entry
``torchvision__NAME`` is built from torchvision's own model file (tests/corpus/models, loaded as truth_child.py
loads it), its classifier cut off as ``notop`` cuts it (its last ``nn.Linear`` replaced by ``nn.Identity()``),
frozen with ``requires_grad_(False)``, and put under a new ``nn.Linear(features, 10)``:

    model = nn.Sequential(base, nn.Linear(features, 10))

which is the spec ``input 3xHxW nchw, NAME notop frozen, dense10`` (without ``notop`` for a network without a
Linear, SqueezeNet, whose features are its 1000 outputs).  ``torchinfo.summary(model, input_size=(1, 3,
H, W), depth=d)`` is printed at depth 2, 3 and the deepest depth of its rows, and its table rows and totals are
written verbatim to ``tests/corpus/torchinfo/NAME.json``.  tests/test_nested_truth.py compares cnncalc's
``--depth d`` table with them.

    $ PYTHONPATH=$PWD KERAS_BACKEND=torch python tests/corpus/torchinfo_truth.py resnet18 mobilenet_v2 vgg11@64

(``NAME@SIZE``: on SIZE×SIZE instead of the manifest's input; ``NAME:D,D``, ``NAME@SIZE:D``: depths D recorded too.)

Each name runs in its own process (the largest networks need a few GB).

With ``--top``, each network is summarised itself, whole and trained, as ``torchinfo.summary(model, input_size=(1,
3, H, W), depth=d)`` prints it at depths 1, 2, 3 and the deepest, written to ``tests/corpus/torchinfo_top/NAME.json``
with the cnncalc command that should draw the same rows (``cnncalc summary NAME --input 3xHxW --depth d``):

    $ PYTHONPATH=$PWD KERAS_BACKEND=torch python tests/corpus/torchinfo_truth.py --top resnet18@64 densenet121@64
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "torchinfo"
TOP = HERE / "torchinfo_top"
HEAD = 10

#: the factory's keyword arguments that build without weights the network it returns with them: given weights,
#: googlenet() and inception_v3() set transform_input=True (arithmetic in forward(), no module) and drop their
#: auxiliary classifiers (``model.aux1 = None``), which forward() applies only while training and cnncalc's spec (the
#: eval network) does not write.  Built without weights they keep them, and torchinfo counts their parameters as the
#: network's own (the Param # of its row, and the totals): the summary's note says how many.
AS_WITH_WEIGHTS = {name: {"aux_logits": False, "transform_input": True, "init_weights": False}
                   for name in ("googlenet", "inception_v3")}


def entry_for(name: str, size: int | None) -> dict[str, Any]:
    """The manifest's entry ``torchvision__NAME``, else one of the same torchvision file with ``NAME`` as its
    factory (``vgg11`` from ``torchvision__vgg16``'s file), on ``size``×``size`` when given."""
    manifest = tomllib.loads((HERE / "manifest.toml").read_text(encoding="utf-8"))
    entries = [entry for entry in manifest["model"] if entry["name"].startswith("torchvision__")]
    found = [entry for entry in entries if entry["name"] == f"torchvision__{name}"]
    found += [entry for entry in entries if f"def {name}(" in (HERE / "models" / entry["file"]).read_text()]
    if not found:
        raise SystemExit(f"no torchvision file in the manifest defines {name}()")
    entry = {**found[0], "name": f"torchvision__{name}", "build": name}
    if name in AS_WITH_WEIGHTS:
        entry["kwargs"] = {**entry.get("kwargs", {}), **AS_WITH_WEIGHTS[name]}
    if size is not None:
        entry["input"] = [3, size, size]
    return entry


def cut(model: Any, nn: Any) -> bool:
    """``notop``: the last ``nn.Linear`` (``fc``, or the last of ``classifier``/``heads``) becomes ``nn.Identity()``;
    False for a network without one, left whole (SqueezeNet's: its classifier ends in a convolution)."""
    linears = [key for key, module in model.named_modules() if isinstance(module, nn.Linear)]
    if not linears:
        return False
    name = linears[-1]
    parent, _, child = name.rpartition(".")
    holder = model.get_submodule(parent) if parent else model
    if child.isdigit():
        holder[int(child)] = nn.Identity()
    else:
        setattr(holder, child, nn.Identity())
    return True


def rows(text: str) -> tuple[list[str], list[str]]:
    """The table rows and the three totals lines of a torchinfo summary."""
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("=")]
    table = [line.rstrip() for line in lines[rules[1] + 1:rules[2]]]
    totals = [line for line in lines if line.startswith(("Total params", "Trainable params", "Non-trainable params"))]
    return table, totals


def write(path: Path, record: dict[str, Any], model: Any, shape: list[int], depths: list[int]) -> None:
    """The record with torchinfo's table rows and totals at each depth, written to ``path``."""
    import torchinfo

    for depth in depths:
        table, totals = rows(str(torchinfo.summary(model, input_size=(1, *shape), depth=depth, verbose=0)))
        record["depths"][str(depth)] = {"rows": table, "totals": totals}
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{path.stem}: depths {depths}, {len(record['depths'][str(depths[-1])]['rows'])} rows at {depths[-1]}")


def one(name: str, size: int | None, extra: tuple[int, ...] = ()) -> None:
    sys.path.insert(0, str(HERE))
    import torch
    import torchinfo
    import truth_child

    entry = entry_for(name, size)
    base, _ = truth_child.build(entry)
    nn = torch.nn
    cut_off = cut(base, nn)
    base.requires_grad_(False)
    base.eval()
    shape = entry["input"]
    with torch.no_grad():
        features = base(torch.zeros(1, *shape)).shape[-1]
    model = nn.Sequential(base, nn.Linear(features, HEAD)).eval()
    full = torchinfo.summary(model, input_size=(1, *shape), depth=99, verbose=0)
    deepest = max(layer.depth for layer in full.summary_list)
    depths = sorted({d for d in (2, 3, *extra, deepest) if d <= deepest})
    arguments = ", ".join(f"{key}={value!r}" for key, value in entry.get("kwargs", {}).items())
    record: dict[str, Any] = {
        "spec": f"input {'x'.join(map(str, shape))} nchw, {name}{' notop' * cut_off} frozen, dense{HEAD}",
        "source": f"tests/corpus/models/{entry['file']}, {entry['build']}({arguments}), "
                  f"{'its last nn.Linear an nn.Identity(), ' * cut_off}requires_grad_(False), "
                  f"under nn.Linear({features}, {HEAD})",
        "versions": {"torch": torch.__version__, "torchinfo": getattr(torchinfo, "__version__", "?")},
        "depths": {},
    }
    write(OUT / f"{name}.json", record, model, shape, depths)


def top(name: str, size: int | None) -> None:
    """The network itself, whole, at depths 1, 2, 3 and its deepest (``--top``)."""
    sys.path.insert(0, str(HERE))
    import torch
    import torchinfo
    import truth_child

    entry = entry_for(name, size)
    model, _ = truth_child.build(entry)
    model.eval()
    shape = entry["input"]
    full = torchinfo.summary(model, input_size=(1, *shape), depth=99, verbose=0)
    deepest = max(layer.depth for layer in full.summary_list)
    depths = sorted({d for d in (1, 2, 3, deepest) if d <= deepest})
    arguments = ", ".join(f"{key}={value!r}" for key, value in entry.get("kwargs", {}).items())
    record: dict[str, Any] = {
        "command": [name, "--input", "x".join(map(str, shape))],
        "source": f"tests/corpus/models/{entry['file']}, {entry['build']}({arguments})",
        "versions": {"torch": torch.__version__, "torchinfo": getattr(torchinfo, "__version__", "?")},
        "depths": {},
    }
    write(TOP / f"{name}.json", record, model, shape, depths)


def main() -> None:
    """``NAME...``, each on the manifest's input, or ``NAME@SIZE`` on SIZE×SIZE (``resnet50@64``), with ``:D,D``
    for more depths (``maxvit_t:7``)."""
    if sys.argv[1:2] in (["--one"], ["--one-top"]):
        named, _, extra = sys.argv[2].partition(":")
        name, _, size = named.partition("@")
        if sys.argv[1] == "--one-top":
            top(name, int(size) if size else None)
        else:
            one(name, int(size) if size else None, tuple(int(depth) for depth in extra.split(",") if depth))
        return
    whole = sys.argv[1:2] == ["--top"]
    failed = []
    for name in sys.argv[1 + whole:]:
        if subprocess.run([sys.executable, __file__, "--one-top" if whole else "--one", name], check=False).returncode:
            failed.append(name)
    if failed:
        raise SystemExit(f"failed: {' '.join(failed)}")


if __name__ == "__main__":
    main()
