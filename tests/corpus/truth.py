"""Record the frameworks' own answers for the model files of the corpus.

For every entry of tests/corpus/manifest.toml this script starts a fresh Python process that imports the model
file with PyTorch or Keras 3 (KERAS_BACKEND=torch), builds the model named by the entry from literal arguments,
runs one forward pass on zeros of the entry's input shape (batch 1) and writes tests/corpus/truth/<name>.json:
the parameter counts, the buffer count and every leaf module's (PyTorch) or layer's (Keras) class and output
shape in call order.

The model files are never edited. Where a file imports something that is not installed here (torchvision's
internals, a dataset loader, TensorFlow's ``tensorflow.keras`` alias), the child process puts a stub for that one
import in ``sys.modules`` first; README.md lists the stubs.

    PYTHONPATH=$PWD python tests/corpus/truth.py            # every entry
    PYTHONPATH=$PWD python tests/corpus/truth.py NAME ...   # some entries
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"
TRUTH = HERE / "truth"
MANIFEST = HERE / "manifest.toml"
TIMEOUT_S = 600


def load_manifest() -> list[dict[str, object]]:
    """The manifest's entries, in file order."""
    with MANIFEST.open("rb") as handle:
        return list(tomllib.load(handle)["model"])


def run_entry(entry: dict[str, object]) -> dict[str, object]:
    """Build one entry in a child process and return its record (an ``error`` key when it could not be built)."""
    env = dict(os.environ, KERAS_BACKEND="torch", CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1")
    child = [sys.executable, str(HERE / "truth_child.py"), json.dumps(entry)]
    try:
        done = subprocess.run(child, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {TIMEOUT_S} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit code {done.returncode}"}
    record: dict[str, object] = json.loads(lines[-1])
    return record


def dump(record: dict[str, object]) -> str:
    """The record as JSON with one line per key and one line per layer, so that diffs stay readable."""
    lines = []
    for key, value in record.items():
        if key == "layers" and isinstance(value, list):
            body = ",\n".join(f"  {json.dumps(layer)}" for layer in value)
            lines.append(f'"layers": [\n{body}\n ]' if value else '"layers": []')
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def main(names: list[str]) -> int:
    """Regenerate the truth files of the named entries (all when none are named); print one line per entry."""
    entries = load_manifest()
    known = {str(entry["name"]) for entry in entries}
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"not in the manifest: {', '.join(unknown)}", file=sys.stderr)
        return 2
    TRUTH.mkdir(exist_ok=True)
    failed = 0
    for entry in entries:
        if names and entry["name"] not in names:
            continue
        record = {"entry": entry, **run_entry(entry)}
        out = TRUTH / f"{entry['name']}.json"
        out.write_text(dump(record), encoding="utf-8")
        if "error" in record:
            failed += 1
            print(f"FAIL {entry['name']}: {record['error']}")
        else:
            print(f"ok   {entry['name']}: {record['total_params']} params, {len(record['layers'])} leaf calls")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
