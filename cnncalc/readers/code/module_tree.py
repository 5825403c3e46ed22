"""The modules a PyTorch model's rows are made inside, as torchinfo draws them under ``--depth``: each call of a
module of the model's own classes (a ``BasicBlock``), of an ``nn.Sequential`` nested in the model, and the
``nn.ModuleList`` or ``nn.ModuleDict`` a called module is taken from, is a container of the rows made while it runs.
The model itself is not one (torchinfo's row of depth 0).

Rows are made in order, so the containers are kept as marks: from the n-th node of the graph on, this stack of
containers is open (:func:`containers_of` gives each node its own). A container is named as
:mod:`~cnncalc.analysis.nesting` reads a module's block: its class, then ``:`` (a name no spec block can have), and
numbered by the module object, so that two calls of one module are one container only when they are in a row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .records import Node
from .values import Instance, ModuleDict, ModuleList, Sequential

#: (the name of a container, the number of its use), as a spec's block uses are (language.spec.records)
Container = tuple[str, int]


class ModuleTree:
    """The containers open while a PyTorch model's forward() runs (none for Keras code)."""

    def __init__(self) -> None:
        self.root: Any = None  # the model: no container of its own
        self.open: list[Container] = []
        self.marks: list[tuple[int, tuple[Container, ...]]] = []  # (the first node, the containers open from it)
        self.callers: list[Instance] = []  # the modules whose forward() runs, innermost last
        self.kept: list[Any] = []  # every container: alive to the end of the reading, so that its id is its own
        self._members: dict[int, tuple[int, set[int]]] = {}  # a ModuleList's length and its modules' ids, by its id

    @contextlib.contextmanager
    def called(self, module: Any, nodes: list[Node]) -> Iterator[None]:
        """The containers of ``module`` open while it runs: the ModuleList or ModuleDict of the calling module it is
        taken from, and itself when it is a module of the model's own class or a Sequential in the model."""
        opened: list[Container] = []
        module_call = isinstance(module, Instance) and module.cls.is_module  # a PyTorch module of the file's
        caller = self.callers[-1] if self.callers else None
        if caller is not None and module is not self.root:
            for value in caller.attributes.values():
                if isinstance(value, (ModuleList, ModuleDict)) and id(module) in self._held(value):
                    opened.append(("ModuleDict:" if isinstance(value, dict) else "ModuleList:", id(value)))
                    break
        sequential = isinstance(module, Sequential) and module.framework == "torch"
        if module is not self.root and (module_call or sequential):
            opened.append((f"{module.cls.node.name}:" if module_call else "Sequential:", id(module)))
        if module_call:
            self.callers.append(module)
        if opened:
            self.kept.append(module)
        self._open(opened, nodes)
        try:
            yield
        finally:
            if module_call:
                self.callers.pop()
            if opened:
                del self.open[len(self.open) - len(opened):]
                self.marks.append((len(nodes), tuple(self.open)))

    def _held(self, modules: ModuleList | ModuleDict) -> set[int]:
        """The ids of the modules a ModuleList or ModuleDict holds, found again only when it has grown or shrunk: a
        list of 10,000 layers looped over is not searched 10,000 times."""
        known = self._members.get(id(modules))
        if known is None or known[0] != len(modules):
            items = modules.values() if isinstance(modules, dict) else modules
            known = self._members[id(modules)] = (len(modules), {id(item) for item in items})
        return known[1]

    def _open(self, opened: list[Container], nodes: list[Node]) -> None:
        if opened:
            self.open.extend(opened)
            self.marks.append((len(nodes), tuple(self.open)))


def containers_of(tree: ModuleTree, nodes: list[Node]) -> None:
    """Each node's containers, outermost first, from the marks made while the graph was built."""
    marks = iter(tree.marks)
    mark = next(marks, None)
    current: tuple[Container, ...] = ()
    for index, node in enumerate(nodes):
        while mark is not None and mark[0] <= index:
            current = mark[1]
            mark = next(marks, None)
        node.containers = current

