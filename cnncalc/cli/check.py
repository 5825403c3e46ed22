"""``cnncalc check``: answers about a network graded (``--expect``, answer files, pasted summaries), each wrong
one with its arithmetic."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ..errors import CnnCalcError
from .boundary import EXIT_NO, EXIT_OK
from .loading import load_network
from .options import FRAMEWORK_OPTIONS, MODEL_OPTIONS, Command, format_option, input_option
from .terminal import console

#: What a pasted summary's file may be called (so that a shell glob can pass many).
PASTE_SUFFIXES = (".txt", ".log", ".md")


@click.command("check", cls=Command)
@click.argument("arguments", nargs=-1, metavar="[SPEC] [ANSWER_FILES.toml…] [PASTES.txt…]")
@click.option("--expect", "expects", multiple=True, metavar="KEY=VALUE",
              help="A claim: N.output, N.params, N.weights or N.biases (N a layer number or Keras name), "
                   "total, trainable or non_trainable. Repeat for more.")
@click.option("--answers", "answer_files", multiple=True, metavar="FILE",
              help="A TOML answer file (spec = \"…\" and an [answers] table). Repeat, or use a shell glob, "
                   "to grade a class.")
@click.option("--summary", "pastes", multiple=True, metavar="FILE",
              help="A pasted model summary (Keras 1-3, torchinfo, torchsummary), or - for stdin: checked row by row "
                   "against SPEC, or, without a SPEC, against itself (each row re-derived from the rows around it). "
                   "Repeat, or use a shell glob, to grade many.")
@input_option()
@format_option("csv")
@FRAMEWORK_OPTIONS
@MODEL_OPTIONS
def check_command(arguments: tuple[str, ...], expects: tuple[str, ...], answer_files: tuple[str, ...],
                  pastes: tuple[str, ...], input_shape: str | None, fmt: str, layout: str | None,
                  conventions: str | None, model: str | None, settings: tuple[str, ...]) -> None:
    """Grade answers about a network and show the arithmetic for each wrong one.

    Exit 0 if every answer is right, 1 if any is wrong, 2 for bad input.  Values are read
    the way people write them: 18,496 or 18496; 26x26x5, (None, 26, 26, 5) or 26,26,5.

    \b
      cnncalc check examples/lectures/mnist_4_layer.cnn --expect 2.params=18494 --expect total=1,199,882
      cnncalc check --answers examples/homework/*.toml --format csv
      cnncalc check examples/mnist_keras.cnn --summary pasted.txt
    """
    from ..grading.answers import Verdict
    from ..grading.homework import FileReport, grade_file
    from ..views.report import print_report, to_csv, to_json
    from ..zoo.names import read_spec

    answer_files += tuple(a for a in arguments if a.lower().endswith(".toml"))  # --answers *.toml, globbed
    pastes += tuple(a for a in arguments if a.lower().endswith(PASTE_SUFFIXES))  # --summary *.txt, globbed
    specs = [a for a in arguments if not a.lower().endswith((".toml", *PASTE_SUFFIXES))]
    if len(specs) > 1:
        raise click.UsageError(f"one SPEC at most, got {len(specs)}: {', '.join(specs)}")
    spec = specs[0] if specs else None
    reports = _claim_reports(spec, expects, pastes, input_shape, layout, conventions, model, settings)
    failed: list[CnnCalcError] = []
    for path in answer_files:
        try:
            reports.append(grade_file(path, read_spec(spec) if spec else None))
        except CnnCalcError as error:  # in a class's batch, one bad file is its own report, not the end
            if len(answer_files) == 1:
                raise
            failed.append(error)
            reports.append(FileReport(os.path.basename(path), (Verdict(
                "file", path, "a readable answer file", "wrong", note=error.message +
                (f"; {error.hint}" if error.hint else "")),)))
    if failed and len(failed) == len(reports):
        raise failed[0]
    if not reports:
        raise click.UsageError("give --expect KEY=VALUE, --summary FILE or --answers FILE")
    if fmt == "json":
        click.echo(to_json(reports))
    elif fmt == "csv":
        click.echo(to_csv(reports))
    else:
        out = console()
        for report in reports:
            print_report(out, report, report.name if len(reports) > 1 or answer_files or len(pastes) > 1 else None)
    sys.exit(EXIT_OK if all(v.ok for report in reports for v in report.verdicts) else EXIT_NO)


def _claim_reports(spec: str | None, expects: tuple[str, ...], pastes: tuple[str, ...], input_shape: str | None,
                   layout: str | None, conventions: str | None, model: str | None = None,
                   settings: tuple[str, ...] = ()) -> list[Any]:
    """Reports for --expect and --summary: against SPEC (one report, or one per paste for a class's pastes), or,
    without a SPEC, each paste against itself."""
    from ..grading.homework import FileReport, grade_claims, parse_claims
    from ..grading.pastes import align
    from ..language.sources import read_text
    from ..readers.pasted import parse_summary

    if pastes and spec is None and not expects:
        from ..grading.selfcheck import self_check

        return [FileReport(pasted if pasted != "-" else "stdin",
                           tuple(self_check(parse_summary(read_text(pasted, suffixes=PASTE_SUFFIXES)))))
                for pasted in pastes]
    if not (expects or pastes):
        return []
    if spec is None:
        raise click.UsageError("--expect needs a SPEC to check against")
    net = load_network(spec, input_shape, layout, conventions, model, settings)
    verdicts = grade_claims(net, parse_claims(expects))
    name = spec if spec.endswith(".cnn") else "command line"
    if len(pastes) == 1:
        verdicts += align(net, parse_summary(read_text(pastes[0], suffixes=PASTE_SUFFIXES)))
        return [FileReport(name, tuple(verdicts))]
    reports = [FileReport(name, tuple(verdicts))] if verdicts else []
    return reports + [FileReport(pasted, tuple(align(net, parse_summary(read_text(pasted, suffixes=PASTE_SUFFIXES)))))
                      for pasted in pastes]
