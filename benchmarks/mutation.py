"""Mutation testing of the rule modules with mutmut 3, each against a fast, targeted selection of tests.

    python benchmarks/mutation.py                        # every module, the layers and flops packages sampled
    python benchmarks/mutation.py --module precision --module literals
    python benchmarks/mutation.py --module layers --sample 150 --seed 7 --report /tmp/layers.md

Not part of CI (a full run takes tens of minutes of CPU). For each module it copies the project into a scratch
folder, writes a ``[tool.mutmut]`` section naming that module and its tests, runs ``mutmut run`` there, and prints
the score and every surviving mutant as a diff. The tests run as they would without the frameworks
(CNNCALC_NO_ORACLE=1) and with CI's derandomized Hypothesis profile, so a mutant is killed by what the suite guards
on its own, the same way on every run. docs/testing-mutation.md records the last run and the survivors accepted.

Needs mutmut 3 (``pip install mutmut``) and the test extra.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: module → its source (a file, or a package's folder: the mutants are made there, and its doctests run), then the
#: tests that exercise its rules; mutmut runs, for each mutant, only those of them that called the mutated function
MODULES: dict[str, list[str]] = {
    "arithmetic": ["cnncalc/model/arithmetic.py", "tests/test_arithmetic.py", "tests/test_stride.py",
                   "tests/test_layers.py", "tests/test_lectures.py"],
    "layers": ["cnncalc/model/layers", "tests/test_layers.py", "tests/test_examples.py", "tests/test_lectures.py",
               "tests/test_spec.py", "tests/test_graph.py", "tests/test_conventions.py", "tests/test_costs.py",
               "tests/test_zoo.py", "tests/test_real_pastes.py", "tests/test_stride.py", "tests/test_cli.py"],
    "flops": ["cnncalc/analysis/flops", "tests/test_flop_rules.py", "tests/test_costs.py"],
    "literals": ["cnncalc/language/literals.py", "tests/test_literals.py", "tests/test_spec.py", "tests/test_check.py",
                 "tests/test_real_pastes.py"],
    "precision": ["cnncalc/language/precision.py", "tests/test_precision.py", "tests/test_check.py",
                  "tests/test_numeric.py"],
}
#: modules too large to run whole in the budget: a random sample of this many mutants by default
SAMPLED = {"layers": 200, "flops": 150}
ENVIRONMENT = {"CNNCALC_NO_ORACLE": "1", "CNNCALC_HYPOTHESIS_PROFILE": "ci", "CNNCALC_FUZZ_EXAMPLES": "40",
               "CNNCALC_MEMORY_EXAMPLES": "10", "KERAS_BACKEND": "torch"}
MUTANT = re.compile(r"^def (x\S*?__mutmut_\d+)\(", re.M)
RESULT = re.compile(r"^\s*(\S+): (.+)$")


def source(module: str) -> str:
    """The module's source as the project names it: a file (cnncalc/model/arithmetic.py) or a package's folder."""
    return MODULES[module][0]


def mutate_pattern(module: str) -> str:
    """mutmut's only_mutate glob for the module: the file itself, or every file of the package."""
    path = source(module)
    return path if path.endswith(".py") else f"{path}/*"


def dotted(path: Path) -> str:
    """A source file's module name, as mutmut prefixes its mutants' names: cnncalc/analysis/flops/ops.py is
    cnncalc.analysis.flops.ops, a package's __init__.py the package."""
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def scratch_copy(module: str, tests: list[str]) -> Path:
    """The project in a scratch folder, its pyproject.toml telling mutmut what to mutate and which tests to run."""
    folder = Path(tempfile.mkdtemp(prefix=f"cnncalc-mutation-{module}-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", "mutants")
    for name in ("cnncalc", "tests", "examples"):
        shutil.copytree(ROOT / name, folder / name, ignore=ignore)
    shutil.copy2(ROOT / "README.md", folder / "README.md")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("\n[tool.mutmut]")[0]
    selection = ", ".join(f'"{test}"' for test in tests)
    pyproject += (f'\n[tool.mutmut]\nsource_paths = ["cnncalc"]\nonly_mutate = ["{mutate_pattern(module)}"]\n'
                  f'also_copy = ["examples", "README.md"]\npytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
                  f"pytest_add_cli_args_test_selection = [{selection}]\n")
    (folder / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return folder


def mutmut(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mutmut", *args]
    return subprocess.run(command, cwd=folder, env={**os.environ, **ENVIRONMENT}, capture_output=True, text=True,
                          check=False)


def mutant_names(folder: Path, module: str) -> list[str]:
    """Every mutant mutmut made of ``module`` (it writes them as functions into the module's copy under mutants/)."""
    mutants = folder / "mutants"
    copy = mutants / source(module)
    files = [copy] if copy.is_file() else sorted(copy.rglob("*.py"))
    return [f"{dotted(path.relative_to(mutants))}.{name}" for path in files
            for name in MUTANT.findall(path.read_text(encoding="utf-8"))]


def run_module(module: str, sample: int | None, seed: int, children: int) -> tuple[dict[str, str], str, float]:
    """(mutant → status, the scratch folder, seconds): all of the module's mutants, or a seeded sample of them."""
    folder = scratch_copy(module, MODULES[module])
    start = time.perf_counter()
    chosen: list[str] = []
    if sample:
        mutmut(folder, "run", f"{dotted(Path(source(module)))}.x_no_such_function*")  # makes the mutants, runs none
        names = mutant_names(folder, module)
        chosen = sorted(random.Random(seed).sample(names, min(sample, len(names))))
    done = mutmut(folder, "run", "--max-children", str(children), *chosen)
    if done.returncode:
        sys.exit(f"mutmut run failed for {module} in {folder}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    results = {}
    for line in mutmut(folder, "results", "--all", "true").stdout.splitlines():
        match = RESULT.match(line)
        if match and (not chosen or match[1] in chosen):
            results[match[1]] = match[2]
    return results, str(folder), time.perf_counter() - start


def diff(folder: str, name: str) -> str:
    shown = mutmut(Path(folder), "show", name).stdout
    return "\n".join(line for line in shown.splitlines() if line.startswith(("-", "+"))
                     and not line.startswith(("---", "+++")))


def report(module: str, results: dict[str, str], folder: str, seconds: float, sampled: bool) -> str:
    killed = sum(1 for status in results.values() if status in ("killed", "timeout"))
    checked = sum(1 for status in results.values() if status not in ("skipped", "not checked"))
    survivors = [name for name, status in results.items() if status in ("survived", "no tests")]
    title = Path(source(module)).name + ("" if source(module).endswith(".py") else "/")
    lines = [f"## {title}: {killed}/{checked} killed ({100 * killed / max(checked, 1):.0f}%)"
             f"{', a random sample' if sampled else ''}, {seconds / 60:.1f} min", ""]
    for name in survivors:
        lines += [f"### {name} ({results[name]})", "```diff", diff(folder, name), "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(MODULES), help="a module (repeatable)")
    parser.add_argument("--sample", type=int, default=None, help="mutants per module (default: all, but "
                        + ", ".join(f"{m} {n}" for m, n in SAMPLED.items()) + ")")
    parser.add_argument("--seed", type=int, default=2026, help="the sample's seed")
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutant runs")
    parser.add_argument("--report", type=Path, default=None, help="also write the report to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folders")
    args = parser.parse_args()
    sections = []
    for module in args.module or list(MODULES):
        sample = args.sample if args.sample is not None else SAMPLED.get(module)
        results, folder, seconds = run_module(module, sample, args.seed, args.max_children)
        section = report(module, results, folder, seconds, bool(sample))
        print(section, flush=True)
        sections.append(section)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.report:
        args.report.write_text("\n".join(sections) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
