"""How the zoo is shown: a table of the networks it holds (name, framework, input, parameters, MACs), or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..analysis.zoo_counts import Missing, ZooEntry

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["print_zoo", "zoo_json"]

_HOW = "cnncalc summary NAME prints a network layer by layer; --input, -v and --format apply as to any SPEC"


def print_zoo(console: Console, entries: list[ZooEntry], missing: list[Missing], show_missing: bool) -> None:
    """The table of held networks, how to use a name, then the names recognised but not held (or how many)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    longest = max((len(entry.name) for entry in entries), default=4)
    table.add_column("Name", no_wrap=True, min_width=longest)  # a name is what the user types: never cut
    for column, justify in (("Framework", "left"), ("Input", "left"), ("Params", "right"), ("MACs", "right")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for entry in entries:
        table.add_row(Text(entry.name), entry.framework, "x".join(map(str, entry.input_shape)), f"{entry.params:,}",
                      f"{entry.macs:,}")
    console.print(table)
    console.print(Text(_HOW))
    if not missing:
        console.print(Text("Every network of torchvision's classification models and of keras.applications is held"))
        return
    if not show_missing:
        console.print(Text(f"{len(missing)} more of the frameworks' networks are recognised but not held: "
                           "cnncalc zoo --not-held says why"))
        return
    missed = Table(box=box.SIMPLE_HEAD, title=Text("Known, not held"), title_justify="left", title_style="bold")
    missed.add_column("Name")
    missed.add_column("Why not", overflow="fold")
    for item in missing:
        missed.add_row(Text(item.name), Text(item.reason))
    console.print(missed)


def zoo_json(entries: list[ZooEntry], missing: list[Missing]) -> str:
    """Every held network with its counts, then every name known but not held with its reason."""
    return json.dumps({
        "networks": [{"name": e.name, "framework": e.framework, "function": e.function, "input": list(e.input_shape),
                      "params": e.params, "macs": e.macs} for e in entries],
        "not_held": [{"name": m.name, "framework": m.framework, "function": m.function, "reason": m.reason}
                     for m in missing],
    }, indent=2, ensure_ascii=False)
