"""How much of the corpus cnncalc reads exactly: each manifest entry whose model file is here, run through
`cnncalc summary FILE --model … --input … --format json`, compared with the framework's truth in truth/.

    python tests/corpus/measure.py [--only NAME] [--show-errors]

Each entry is one of:
  exact    exit 0, and the totals (params, trainable, buffers) and the model's output shape equal the framework's;
  wrong    exit 0, and some number differs: the worst outcome, a wrong number without an error;
  refused  exit 2, with cnncalc's reason (its first line is shown);
  crash    any other exit (3 is an internal error);
  absent   the model file is not here (fetch_models.py brings the files; they are not committed).
The exit status is 1 if any entry is wrong or crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def model_argument(entry: dict) -> str:
    """--model: the builder, called with the manifest's literal arguments when it has any."""
    args = [repr(a) for a in entry.get("args", [])]
    args += [f"{key}={value!r}" for key, value in entry.get("kwargs", {}).items()]
    args += [f"{key}=None" for key in entry.get("none_kwargs", [])]  # as truth_child.py builds it (TOML has no None)
    return f"{entry['build']}({', '.join(args)})" if args else entry["build"]


#: The support files, at the modules the framework's harness loads them as (truth_child.py).
SUPPORT_MODULES = {"torchvision.models._utils": "torchvision__models__utils.py",
                   "torchvision.ops.misc": "torchvision__ops_misc.py",
                   "torchvision.ops.stochastic_depth": "torchvision__ops_stochastic_depth.py"}


def staged(entry: dict, folder: Path) -> Path:
    """The model file as Python's package layout has it, for an entry imported as a module (``module`` in the
    manifest: ``unet.unet_model`` with its sibling ``unet.unet_parts``): copied under ``folder`` at the module's
    path, with its siblings and the support files of its package, so that its relative imports find them as
    Python does. Other entries are read where they are."""
    if not entry.get("module"):
        return HERE / "models" / entry["file"]
    files = {entry["module"]: HERE / "models" / entry["file"]}
    files |= {name: HERE / "models" / file for name, file in entry.get("siblings", {}).items()}
    top = entry["module"].split(".")[0]
    files |= {name: HERE / "models" / "support" / file for name, file in SUPPORT_MODULES.items()
              if name.split(".")[0] == top}
    for name, source in files.items():
        target = folder.joinpath(*name.split(".")).with_suffix(".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    return folder.joinpath(*entry["module"].split(".")).with_suffix(".py")


def command(entry: dict, folder: Path) -> list[str]:
    argv = [sys.executable, "-m", "cnncalc", "summary", str(staged(entry, folder)), "--format", "json"]
    if entry.get("build"):
        argv += ["--model", model_argument(entry)]
    if entry.get("input"):
        argv += ["--input", "x".join(map(str, entry["input"]))]
    for name, value in entry.get("globals", {}).items():  # the names the script's run sets, as its user fixes them
        argv += ["--set", f"{name}={value!r}"]
    return argv


def asked_input(entry: dict, done: subprocess.CompletedProcess[str]) -> list[str]:
    """--input for a script whose model takes its input's shape from its data (input_shape=x_train.shape[1:]), as
    its user gives it once cnncalc asks for it: the data set's images; nothing for any other outcome."""
    if entry.get("input") or not entry.get("dataset_images") or done.returncode != 2 or \
            "--input" not in done.stderr:
        return []
    return ["--input", "x".join(map(str, dataset_input(entry["dataset_images"])))]


def dataset_input(images: list[int]) -> list[int]:
    """The input a script's model takes from its data set's images, channels last: MNIST's 28×28 images are
    reshaped to 28×28×1 before a Conv2D reads them, as every such script does."""
    return [*images, 1] if len(images) == 2 else list(images)


def compare(entry: dict, truth: dict, got: dict) -> list[str]:
    """What differs between cnncalc's summary and the framework's truth."""
    torch = entry["framework"] == "torch"
    differences = []
    pairs = [("total_params", truth["total_params"], got["total_params"]),
             ("trainable_params", truth["trainable_params"], got["trainable_params"])]
    if torch:
        pairs.append(("buffers", truth["buffers"], got.get("buffers", 0)))
    for what, expected, found in pairs:
        if expected != found:
            differences.append(f"{what}: framework {expected:,}, cnncalc {found:,}")
    last = got["layers"][-1] if got["layers"] else {}
    shape = last.get("torch_shape") if torch else [None, *last.get("output_shape", [])]
    expected_shape = truth.get("output_shape")
    if expected_shape is not None and shape is not None and list(shape)[1:] != list(expected_shape)[1:]:
        differences.append(f"output: framework {expected_shape}, cnncalc {shape}")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="entries whose name contains this")
    parser.add_argument("--show-errors", action="store_true")
    options = parser.parse_args()
    manifest = tomllib.loads((HERE / "manifest.toml").read_text(encoding="utf-8"))["model"]
    counts: dict[str, int] = {}
    bad = False
    for entry in manifest:
        if options.only and options.only not in entry["name"]:
            continue
        truth_file = HERE / "truth" / f"{entry['name']}.json"
        if not truth_file.exists():
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        if "total_params" not in truth:  # the framework itself could not build it
            outcome, detail = "no truth", truth.get("error", "")[:100]
        elif not (HERE / "models" / entry["file"]).exists():
            outcome, detail = "absent", ""
        else:
            with tempfile.TemporaryDirectory() as folder:
                argv = command(entry, Path(folder))
                done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT,
                                      timeout=120, check=False, env={**os.environ, "COLUMNS": "200"})
                asked = asked_input(entry, done)
                if asked:
                    done = subprocess.run([*argv, *asked], capture_output=True, text=True, cwd=ROOT,
                                          timeout=120, check=False, env={**os.environ, "COLUMNS": "200"})
            if done.returncode == 0:
                differences = compare(entry, truth, json.loads(done.stdout))
                outcome, detail = ("wrong", "; ".join(differences)) if differences else ("exact", "")
            elif done.returncode == 2:
                outcome = "refused"
                detail = (done.stderr.strip().splitlines() or [""])[0][:160]
            else:
                outcome, detail = "crash", (done.stderr.strip().splitlines() or [""])[-1][:160]
            bad = bad or outcome in ("wrong", "crash")
        counts[outcome] = counts.get(outcome, 0) + 1
        shown = detail if (options.show_errors or outcome in ("wrong", "crash")) else detail[:70]
        print(f"{outcome:8} {entry['name']:42} {shown}")
    print(", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
