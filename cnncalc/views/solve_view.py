"""How ``solve`` shows its answer: the unknown, the target, each solution with its arithmetic, or the nearest."""

from __future__ import annotations

from typing import Any

from ..analysis.solve import Candidate, Solved, Target

__all__ = ["solved_json", "solved_lines"]


def _target_text(target: Target) -> str:
    parts = []
    if target.shape is not None:
        parts.append(f"output {'×'.join(map(str, target.shape))}" + (" (H×W)" if target.spatial else ""))
    if target.params is not None:
        parts.append(f"{target.params} parameters" + (f" in layer {target.layer}" if target.layer else ""))
    if target.minimum:
        parts.append("the smallest value the network accepts" if not parts else "the smallest such value")
    return ", ".join(parts)


def _result(candidate: Candidate, target: Target) -> str:
    return (f"{'network ' if target.layer else ''}output {'×'.join(map(str, candidate.output))}, "
            f"{candidate.params:,} parameters")


def solved_lines(solved: Solved, target: Target) -> list[str]:
    """The text answer: one line per solution, or the nearest values and why none fits."""
    low, high = solved.searched
    lines = [f"Unknown: {solved.unknown}", f"Target: {_target_text(target)}"]
    searched = f"{low}–{solved.stopped if solved.stopped is not None else high}"
    for candidate in solved.solutions:
        lines.append(f"✓ ? = {candidate.value}: {candidate.arithmetic} → {_result(candidate, target)}")
    if solved.solutions:
        count = len(solved.solutions)
        lines.append(f"{count} solution{'s' * (count != 1)} in {searched}" + (
            " (larger values only grow past the target)" if solved.stopped is not None else ""))
        if solved.refusal:
            lines.append(f"✗ {solved.refusal}")
        return lines
    lines.append(f"✗ no value in {searched} gives {_target_text(target)}")
    for candidate in solved.nearest:
        lines.append(f"  nearest: ? = {candidate.value}: {candidate.arithmetic} → {_result(candidate, target)}")
    return lines


def solved_json(solved: Solved, target: Target) -> dict[str, Any]:
    def entry(candidate: Candidate) -> dict[str, Any]:
        return {"value": candidate.value, "output": list(candidate.output), "params": candidate.params,
                "arithmetic": candidate.arithmetic}

    return {"unknown": solved.unknown, "field": solved.field, "target": _target_text(target),
            "searched": [solved.searched[0], solved.stopped if solved.stopped is not None else solved.searched[1]],
            "solutions": [entry(c) for c in solved.solutions], "nearest": [entry(c) for c in solved.nearest],
            **({"refusal": solved.refusal} if solved.refusal else {})}
