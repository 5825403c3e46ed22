"""One vocabulary across commands: the same option means the same thing everywhere, and old spellings still work
without being shown."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from cnncalc.cli import main


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def every_command(group: click.Group = main, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command and subcommand, as `cnncalc --help` (and each group's --help) lists them."""
    found: list[tuple[str, click.Command]] = []
    with click.Context(group) as ctx:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            if isinstance(command, click.Group):
                found += every_command(command, f"{prefix}{name} ")
            else:
                found.append((prefix + name, command))
    return found


def test_the_walk_finds_the_commands() -> None:
    names = {name for name, _ in every_command()}
    assert {"summary", "check", "check-stride", "solve", "conv", "pool", "dense"} <= names


@pytest.mark.parametrize(("name", "command"), every_command(), ids=lambda value: value if isinstance(value, str)
                         else "")
def test_every_command_takes_format_text_and_json(name: str, command: click.Command) -> None:
    formats = [p for p in command.params if isinstance(p, click.Option) and "--format" in p.opts]
    assert formats, f"cnncalc {name} has no --format"
    choice = formats[0].type
    assert isinstance(choice, click.Choice), f"cnncalc {name}: --format is not a choice"
    assert {"text", "json"} <= set(choice.choices), f"cnncalc {name}: --format lacks text or json"
    assert formats[0].default == "text", f"cnncalc {name}: --format's default is not text"


@pytest.mark.parametrize(("name", "command"), every_command(), ids=lambda value: value if isinstance(value, str)
                         else "")
def test_no_old_spelling_in_help(name: str, command: click.Command) -> None:
    shown = run(*name.split(), "--help").stdout
    assert "--style" not in shown
    if name in ("conv", "pool", "dense"):
        assert "--input" not in shown  # a matrix or a vector, not a network's input


# ---- --input: the spec's own input syntax ------------------------------------------------------------------

NET = "input 32x32x3, conv16x3, pool2"


@pytest.mark.parametrize("written", ["3x32x32 nchw", "input 3x32x32 nchw", "3x32x32 channels_first",
                                     "input3x32x32 nchw"])
def test_input_takes_a_layout_word(written: str) -> None:
    # PyTorch: Conv2d(3, 16, 3) on 3×32×32 gives 16×30×30 (32 − 3 + 1), 16·3·3·3 + 16 = 448 parameters;
    # MaxPool2d(2) halves it to 16×15×15 (the JSON writes every shape H×W×C, whatever the layout)
    document = json.loads(run("summary", NET, "--input", written, "--format", "json").stdout)
    assert document["layout"] == "nchw" and document["conventions"] == "torch"
    assert document["input_shape"] == [32, 32, 3]
    assert [layer["output_shape"] for layer in document["layers"]] == [[30, 30, 16], [15, 15, 16]]
    assert document["total_params"] == 448


@pytest.mark.parametrize("written", ["64x64x3", "input 64x64x3", "64x64x3 nhwc", "64×64×3"])
def test_input_channels_last(written: str) -> None:
    # Keras: Conv2D(16, 3) on 64×64×3 gives 62×62×16, MaxPooling2D(2) 31×31×16
    document = json.loads(run("summary", NET, "--input", written, "--format", "json").stdout)
    assert document["layout"] == "nhwc"
    assert [layer["output_shape"] for layer in document["layers"]] == [[62, 62, 16], [31, 31, 16]]


def test_input_and_layout_agree_or_are_refused() -> None:
    same = run("summary", NET, "--input", "3x32x32 nchw", "--layout", "nchw", "--format", "json")
    assert same.exit_code == 0 and json.loads(same.stdout)["total_params"] == 448
    clash = run("summary", NET, "--input", "3x32x32 nchw", "--layout", "nhwc")
    assert clash.exit_code == 2 and "--layout nhwc" in clash.stderr and "disagree" in clash.stderr
    kept = run("summary", "conv16x3, pool2", "--input", "3x32x32", "--layout", "nchw", "--format", "json")
    assert json.loads(kept.stdout)["total_params"] == 448  # --layout still works


@pytest.mark.parametrize(("written", "words"), [
    ("(32, 32, 3)", "without brackets"),
    ("32x32x3, conv8x3", "one input shape"),
    ("conv8x3", "is not one"),
    ("input RxCx3", "'R' is a name"),
    ("32x32x3 sideways", "unexpected 'sideways'"),
    ("", "is empty"),
    ("0x32x3", "size of zero"),
])
def test_bad_input_is_a_clear_error(written: str, words: str) -> None:
    result = run("summary", NET, "--input", written)
    assert result.exit_code == 2 and words in result.stderr and "Traceback" not in result.output


HINT = "3x32x32 looks channels-first; write --input 32x32x3, or --input \"3x32x32 nchw\" for PyTorch's layout"


def test_a_channels_first_input_that_fails_gets_a_hint() -> None:
    # read channels last, 3×32×32 is 3 rows: conv16x3 leaves 1×30, and pool2 has no 2 rows to pool
    result = run("summary", NET, "--input", "3x32x32")
    assert result.exit_code == 2
    assert "pool2" in result.stderr and HINT in result.stderr


def test_the_hint_only_when_it_fits() -> None:
    # said channels-last on purpose: no hint
    explicit = run("summary", NET, "--input", "3x32x32 nhwc")
    assert explicit.exit_code == 2 and "looks channels-first" not in explicit.stderr
    # a first axis of 2 is no channel count the hint names
    other = run("summary", "input 32x32x3, conv16x3, pool2", "--input", "2x32x32")
    assert other.exit_code == 2 and "looks channels-first" not in other.stderr
    # a failure that is no layout's: the network's own
    own = run("summary", "input 32x32x3, conv16x40", "--input", "32x32x3")
    assert own.exit_code == 2 and "looks channels-first" not in own.stderr


def test_the_hint_never_guesses() -> None:
    # 1x28x28 read channels last works (H=1, W=28, C=28): it is answered as written, and only warned about
    result = run("summary", "input 28x28x1, conv8x1", "--input", "1x28x28", "--format", "json")
    document = json.loads(result.stdout)
    assert document["layers"][0]["output_shape"] == [1, 28, 8]  # 1×1 conv keeps H×W; 8·28 + 8 = 232 params
    assert document["total_params"] == 232


def test_check_takes_the_same_input() -> None:
    result = run("check", NET, "--input", "3x32x32 nchw", "--expect", "total=448")
    assert result.exit_code == 0, result.output


# ---- hidden aliases ---------------------------------------------------------------------------------------

def test_style_is_conventions() -> None:
    spec = "input 8x8x3, conv4x3, bn"
    # Keras' BatchNormalization(4): 16 parameters; PyTorch's BatchNorm2d(4): 8 (and 9 buffers); conv 4·27 + 4 = 112
    for option in ("--conventions", "--style"):
        torch = json.loads(run("summary", spec, option, "torch", "--format", "json").stdout)
        assert torch["conventions"] == "torch" and torch["total_params"] == 112 + 8
        keras = json.loads(run("summary", spec, option, "keras", "--format", "json").stdout)
        assert keras["conventions"] == "keras" and keras["total_params"] == 112 + 16


@pytest.mark.parametrize(("command", "new", "rest"), [
    ("conv", "--matrix", ["--kernel", "1 0; 0 1"]),
    ("pool", "--matrix", ["--size", "2"]),
])
def test_worked_examples_matrix_and_old_input(command: str, new: str, rest: list[str]) -> None:
    matrix = "1 2 3; 4 5 6; 7 8 9"
    expected = {"conv": [[6, 8], [12, 14]], "pool": [[5]]}[command]  # 1+5, 2+6, 4+8, 5+9; max of 1 2; 4 5
    for option in (new, "--input"):
        result = run(command, option, matrix, *rest, "--format", "json")
        assert result.exit_code == 0 and json.loads(result.stdout)["output"] == expected


def test_dense_vector_and_old_input() -> None:
    for option in ("--vector", "--input"):
        result = run("dense", option, "1 2", "--weights", "0.5 -1; 0.25 1", "--bias", "0 1", "--format", "json")
        assert json.loads(result.stdout)["output"] == [[1, 2]]  # 0.5 + 0.5 + 0, −1 + 2 + 1


def test_a_typo_is_answered_with_the_shown_name() -> None:
    result = run("conv", "--inpt", "1", "--kernel", "1")
    assert result.exit_code == 2 and "'--matrix'" in result.stderr and "'--input'" not in result.stderr
    missing = run("pool", "--size", "2")
    assert missing.exit_code == 2 and "'--matrix'" in missing.stderr and "--input" not in missing.stderr


# ---- check-stride: what applies only with --spec ----------------------------------------------------------

@pytest.mark.parametrize("option", [["--input", "28x28x1"], ["--layout", "nchw"], ["--conventions", "torch"],
                                    ["--style", "torch"], ["--model", "net"]])
def test_check_stride_spec_options_need_spec(option: list[str]) -> None:
    result = run("check-stride", "7", "3", "3", *option)
    assert result.exit_code == 2 and "only with --spec" in result.stderr


@pytest.mark.parametrize("option", [["--ceil"], ["--dilation", "2"]])
def test_check_stride_window_options_not_with_spec(option: list[str]) -> None:
    result = run("check-stride", "--spec", "input 28x28x1, conv8x3", *option)
    assert result.exit_code == 2 and "only to N F S [P]" in result.stderr


def test_check_stride_help_says_what_applies_with_spec() -> None:
    shown = " ".join(run("check-stride", "--help").stdout.split())
    for option in ("--input SHAPE With --spec:", "--layout [nhwc|nchw] With --spec:",
                   "--conventions [keras|torch] With --spec:", "--model NAME With --spec FILE.py:"):
        assert option in shown
    assert "--style" not in shown


def test_check_stride_spec_takes_input() -> None:
    # (33 − 3)/2 + 1 = 16: fits; (32 − 3)/2 + 1 = 15.5: does not
    fits = run("check-stride", "--spec", "input RxCx3, conv8x3 s2", "--input", "33x33x3")
    assert fits.exit_code == 0 and "= 16" in fits.stdout
    misses = run("check-stride", "--spec", "input RxCx3, conv8x3 s2", "--input", "32x32x3")
    assert misses.exit_code == 1


# ---- did you mean -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "hint"), [
    ("input 8x8x1, drop0.5", "did you mean 'dropout0.5'?"),
    ("input 8x8x1, cnv4x3", "did you mean 'conv4x3'?"),
    ("input 8x8x1, xonv4x3", "did you mean 'conv4x3'?"),
    ("input 8x8x1, conv4x3 sme", "did you mean 'same'?"),
])
def test_did_you_mean(spec: str, hint: str) -> None:
    assert hint in run("summary", spec).stderr


# ('attention' is near 'windowattention' now: a fair guess)
@pytest.mark.parametrize("spec", ["input 8x8x1, transformer", "input 8x8x1, globalavgpool"])
def test_no_far_fetched_guess(spec: str) -> None:
    result = run("summary", spec)
    assert result.exit_code == 2 and "did you mean" not in result.stderr and "layers are:" in result.stderr
