"""The lean entry: `cnncalc summary SPEC --format json` without click or rich, and exactly the full command line's
output, errors and exit codes.

Each command line runs twice, in fresh processes: through the process entry (`python -m cnncalc`, which takes the
lean path when it can) and through the click group alone (which never does); stdout, stderr and the exit code must
be the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cnncalc.cli.entry import lean_summary

from .conftest import ROOT

ENTRY = [sys.executable, "-m", "cnncalc"]
CLICK = [sys.executable, "-c", "from cnncalc.cli.commands import main; main(prog_name='cnncalc')"]
UNEVEN = "input 28x28x1, conv32x3 s2, flatten"  # (28 − 3)/2 + 1 = 13.5: a warning
PASTE = "Layer (type)   Output Shape   Param #\nconv2d (Conv2D)  (None, 26, 26, 32)  320\n"


def both(args: list[str], stdin: bytes = b"", env: dict[str, str] | None = None) -> tuple[
        subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    lean, full = (subprocess.run([*command, *args], input=stdin, capture_output=True, cwd=ROOT, env=environment,
                                 timeout=60, check=False) for command in (ENTRY, CLICK))
    return lean, full


# (arguments, stdin, the exit code, by hand)
CASES = [
    (["summary", "examples/mnist_keras.cnn", "--format", "json"], b"", 0),
    (["summary", UNEVEN, "--format=json"], b"", 0),
    (["summary", UNEVEN, "--strict", "--format", "json"], b"", 1),
    (["summary", "conv8x3, flatten, dense10", "--format", "json", "--input", "32x32x3"], b"", 0),
    (["summary", "input 3x32x32, conv8x3 relu, bn", "--format", "json", "--layout", "nchw"], b"", 0),
    (["summary", "input 32x32x3, conv8x3 relu, bn", "--conventions=torch", "--format", "json"], b"", 0),
    (["summary", "-", "--format", "json"], b"input 28x28x1, conv4x3\n", 0),
    (["summary", "input 28x28x1, convv32x3", "--format", "json"], b"", 2),  # an unknown layer
    (["summary", "no/such/file.cnn", "--format", "json"], b"", 2),
    (["summary", "input 28x28x1, conv32x3", "--format", "json", "--input", "abc"], b"", 2),
    (["summary", "-", "--format", "json"], PASTE.encode(), 2),  # a pasted summary is not a spec
    (["summary", "input 4x4x1, conv2x9", "--format", "json"], b"", 2),  # a kernel larger than its input
    # what the lean path leaves to click: its usage errors, options it does not read, --help
    (["summary", "input 28x28x1, conv4x3", "--format", "JSON"], b"", 2),
    (["summary", "input 28x28x1, conv4x3", "--format"], b"", 2),
    (["summary", "input 28x28x1, conv4x3", "--format", "json", "--input"], b"", 2),
    (["summary", "input 28x28x1, conv4x3", "--format", "json", "--input", "--strict"], b"", 2),
    (["summary", "input 28x28x1, conv4x3", "--format", "json", "--strict", "--strict"], b"", 0),
    (["summary", "input 28x28x1, conv4x3", "input 8x8x1", "--format", "json"], b"", 2),
    (["summary", "input 28x28x1, conv4x3", "--format", "json", "--layout", "NCHW"], b"", 2),
    (["summary", "input 28x28x1, conv4x3", "--format", "json", "-v"], b"", 0),
    (["summary", "--format", "json", "--", "input 28x28x1, conv4x3"], b"", 0),
    (["summary", "--format", "json"], b"", 2),
    (["summary", "input 28x28x1, conv4x3", "--format", "json", "--help"], b"", 0),
    # a model file, which the process entry keeps to the end instead of freeing it (cli/loading.py)
    (["summary", "tests/models/keras_resnet_blocks.py", "--format", "json"], b"", 0),
    (["summary", "tests/models/torch_resnet.py", "--model", "resnet50", "--input", "3x224x224", "--format", "json"],
     b"", 0),
    (["summary", "tests/models/torch_resnet.py", "--model", "resnet50", "--input", "3x224x224"], b"", 0),
]


@pytest.mark.parametrize(("args", "stdin", "code"), CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_the_lean_path_is_the_full_command_line(args: list[str], stdin: bytes, code: int) -> None:
    lean, full = both(args, stdin)
    assert (lean.returncode, full.returncode) == (code, code), (lean.stderr, full.stderr)
    assert lean.stdout == full.stdout
    assert lean.stderr == full.stderr
    assert b"Traceback" not in lean.stderr


def test_an_ascii_stream_gets_the_same_stand_ins() -> None:
    lean, full = both(["summary", UNEVEN, "--format", "json"], env={"PYTHONIOENCODING": "ascii"})
    assert lean.returncode == full.returncode == 0
    assert lean.stdout == full.stdout
    assert b"13.5 -> 13" in lean.stdout  # the warning's '→', as the stand-in (views/glyphs.py)


def test_a_closed_pipe_is_the_same() -> None:
    spec = "input 32x32x8\n" + "conv8x3 same relu\n" * 2000  # about 500 KB of JSON: more than a pipe holds
    results = []
    for command in (ENTRY, CLICK):
        process = subprocess.Popen([*command, "summary", "-", "--format", "json"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert process.stdout is not None and process.stdin is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before a byte is written, as with `| head -0`
        process.stdin.write(spec.encode())
        process.stdin.close()
        results.append((process.wait(timeout=60), process.stderr.read()))
        process.stderr.close()
    assert results[0] == results[1] == (141, b"")


@pytest.mark.parametrize("args", [
    ["summary", "examples/mnist_keras.cnn", "--format", "json"],
    ["summary", "--strict", "-", "--format=json", "--input=28x28x1", "--layout=nhwc", "--conventions", "keras"],
])
def test_the_lean_path_imports_neither_click_nor_rich(args: list[str]) -> None:
    probe = ("import sys, runpy\nsys.argv = ['cnncalc', *sys.argv[1:]]\n"
             "try:\n  runpy.run_module('cnncalc', run_name='__main__')\nexcept SystemExit: pass\n"
             "sys.stderr.write(' '.join(sorted({m.split('.')[0] for m in sys.modules} & {'click', 'rich', 'numpy'})))")
    done = subprocess.run([sys.executable, "-c", probe, *args], input=b"conv4x3", capture_output=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60, check=False)
    assert done.stderr.decode().splitlines()[-1:] in ([], [""]), done.stderr


def test_which_command_lines_are_lean() -> None:
    assert lean_summary(["summary", "a.cnn", "--format", "json"]) == {
        "spec": "a.cnn", "input_shape": None, "layout": None, "conventions": None, "strict": False}
    assert lean_summary(["summary", "-", "--input=8x8x1", "--format=json", "--layout", "nchw", "--strict"]) == {
        "spec": "-", "input_shape": "8x8x1", "layout": "nchw", "conventions": None, "strict": True}
    for args in (["summary", "a.cnn"], ["summary", "a.cnn", "--format", "csv"], ["solve", "a", "--format", "json"],
                 ["summary", "a.cnn", "--format", "json", "--format", "json"], ["summary", "--format", "json"],
                 ["summary", "a.cnn", "--format", "json", "--input", "-1"], ["summary", "a", "b", "--format", "json"],
                 ["summary", "a.cnn", "--format", "json", "--strict=1"], ["summary", "a.cnn", "--format", "json", "-h"],
                 ["summary", "a.cnn", "--format", "json", "--conventions", "tf"], []):
        assert lean_summary(args) is None, args
