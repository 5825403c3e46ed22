"""The rows a summary shows when a known network's own rows are expanded (``--expand-nested``, ``--depth N``): each
nested row followed by its network's rows, named as each framework prints them.

Keras (``summary(expand_nested=True)``, keras/src/utils/summary_utils.py): an inner row is its name and class behind
``"   " * level + "└ "``, and a nested Functional model lists its own ``input_layer (InputLayer)`` first.
torchinfo: a row at depth ``d`` is drawn behind ``├─`` (depth 1) or ``"│    " * (d - 1) + "└─"``, and named
``Class: d-i``, ``i`` counting the rows of depth ``d`` in order over the whole summary (``set_children_layers``);
``depth`` hides the rows deeper than it, which changes no number of a row it shows (a depth's count runs over
that depth's rows alone).
Inside a torchvision network whose spec writes its modules as blocks named after its classes (``def
BasicBlock(c)``, ``def Sequential_layer2(c)``, ``def _DenseLayer_1()``: a name that starts with a capital letter,
or with ``_`` and one, its class the name up to the next ``_``), each use of such a block is a container row, one
depth above the rows it holds, with its output (its last row's) and the total of its rows' parameters, as
torchinfo lists ResNet's ``Sequential`` and ``BasicBlock``.  A row that no module makes has no row in torchinfo:
an addition or a concatenation (``out + identity``, ``torch.cat``) and a row written with ``fn`` (``flatten fn``:
``torch.flatten(x, 1)`` called in ``forward()``); each still counts as its container's output.  A ``ModuleList``
is never called (``forward()`` runs its modules in a loop): torchinfo prints ``--`` as its output.
A network summarised itself is drawn the same way from depth 1, and so is a PyTorch model file, whose rows name the
modules they are made inside (``BasicBlock:``, :mod:`~cnncalc.readers.code.module_tree`); a ModuleList left and
re-entered is torchinfo's one row repeated (:func:`_recursive`), and a module's count holds the parameters of the
modules it never calls (the network's ``unused_held``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..graph.frameworks import keras_model, keras_models_in, keras_nested, module_block
from ..graph.network import Network, ResolvedLayer
from ..model.layers import Merge, Params
from ..model.records import record, replace

__all__ = ["ShownRow", "contained", "container_names", "deepest", "expanded", "shown_rows"]


@record
class ShownRow:
    """One row as the expanded summary shows it: its ``depth`` (1 for the network's own rows), the row itself
    (None for a nested Keras model's own input row), the network it belongs to, whether it is frozen with the
    item that holds it, its ``number`` among the network's own rows (None for an inner row), its name cell and,
    drawn as torchinfo draws it, its Param # cell (:func:`_torchinfo_count`); a container's row, the rows inside it."""

    depth: int
    layer: ResolvedLayer | None
    owner: Network
    frozen: bool
    number: int | None
    name: str
    count: str | None = None
    shape: str | None = None
    holds: tuple[ResolvedLayer, ...] = ()
    use: tuple[str, int] | None = None


def deepest(net: Network) -> int:
    """How deep the network's rows go: 1 for rows of its own outside any container, one more for each container
    a row is inside (a module under PyTorch's conventions, a Keras model nested in the model) and for a known
    network standing as an item."""
    return max((1 + (_depth(layer) if net.torch else len(keras_models_in(layer))) +
                (deepest(layer.inner) if layer.inner is not None else 0) for layer in net.layers), default=1)


def contained(net: Network) -> bool:
    """Whether some of the network's own rows are inside containers, as torchinfo draws them: under PyTorch's
    conventions, rows of a block named after a module class (a torchvision network summarised by its name, or a
    spec written the same way)."""
    return net.torch and any(_classes(layer) for layer in net.layers)


def expanded(net: Network, depth: int) -> bool:
    """Whether the table draws its rows as torchinfo draws them at ``depth``: deeper than the network's own rows,
    or at depth 1 under PyTorch's conventions (``├─Conv2d: 1-1``, its own rows inside their containers:
    ``├─Sequential: 1-5``) or for a Keras model with models nested in it (each one row, ``encoder (Functional)``, as
    Keras' summary shows it); 0 is the network's own rows, as Keras lists them, every row of its own once."""
    return depth > 1 or (depth == 1 and (net.torch or keras_nested(net)))


def _depth(layer: ResolvedLayer) -> int:
    """How many containers deep a row is drawn: a module inside k containers at k, a row no module makes at its
    innermost container's depth (as a module of its own, a container whose rows all run in its ``forward()``:
    torchvision's ``LayerNorm2d``)."""
    chain = len(_classes(layer))
    return chain - 1 if chain and _moduleless(layer) else chain


#: containers that ``forward()`` never calls, whose output torchinfo does not know (``--``)
_UNCALLED = frozenset({"ModuleList", "ModuleDict"})


@record
class _Node:
    """A row of a network drawn with its containers: the row (a container's made up of its rows', None until
    they are known), the class of a container (None for a module), the rows it draws and every row inside it (an
    addition too, which has no row but may be its output)."""

    layer: ResolvedLayer | None
    container: str | None
    children: list[_Node]
    inside: list[ResolvedLayer]
    use: tuple[str, int] | None = None  # a container's use (its block's name and number)


def _classes(layer: ResolvedLayer) -> tuple[tuple[str, int], ...]:
    """The containers a row is inside, outermost first: the uses of blocks named after a class."""
    return tuple(use for use in layer.containers if module_block(use[0]))


def _class(block: str) -> str:
    """The class a block is named after: ``Sequential`` for ``Sequential_layer1``, ``_DenseLayer`` for
    ``_DenseLayer_1``; a module model code calls, its class as written (``Conv_BN`` for ``Conv_BN:``); a Keras
    model nested in the model, its class (``Functional`` for ``encoder (Functional)``)."""
    nested = keras_model(block)
    if nested is not None:
        return nested[1]
    if block.endswith(":"):
        return block[:-1]
    return "_" * block.startswith("_") + block.lstrip("_").split("_", 1)[0]


def _moduleless(layer: ResolvedLayer) -> bool:
    """A row that no module of a torchvision network makes: a merge, a function called in ``forward()``."""
    return isinstance(layer.layer, Merge) or layer.functional


def _tree(net: Network) -> list[_Node]:
    """A known network's rows under their containers (:func:`_classes`), without the rows no module makes
    (:func:`_moduleless`); a Keras network's rows under the models nested in it
    (:func:`~cnncalc.graph.frameworks.keras_models_in`), every row a layer of Keras'."""
    torch = net.torch
    if not torch and not keras_nested(net):
        return [_Node(layer, None, [], []) for layer in net.layers]
    top: list[_Node] = []
    open_: list[tuple[tuple[str, int], _Node]] = []
    for layer in net.layers:
        chain = _classes(layer) if torch else keras_models_in(layer)
        moduleless = torch and _moduleless(layer)
        kept = 0
        while kept < min(len(open_), len(chain)) and open_[kept][0] == chain[kept]:
            kept += 1
        if moduleless and kept == len(chain) < len(open_):  # made by an outer module between two of an
            for _, node in open_[:kept]:                    # inner one's (torch.cat between a ModuleList's
                node.inside.append(layer)                   # modules): it has no row, and closes nothing
            continue
        del open_[kept:]
        for use in chain[kept:]:
            node = _Node(None, _class(use[0]), [], [], use)
            (open_[-1][1].children if open_ else top).append(node)
            open_.append((use, node))
        for _, node in open_:
            node.inside.append(layer)
        if not moduleless:  # ``out + identity``, ``torch.flatten(x, 1)`` in forward(): no row
            (open_[-1][1].children if open_ else top).append(_Node(layer, None, [], []))
    unused = dict(net.unused_held)
    names: dict[str, int] = {}
    return [_summed(node, unused, names) for node in top]


def _summed(node: _Node, unused: dict[int, int], names: dict[str, int]) -> _Node:
    """A container's record: its class (a Keras model's name, ``names`` numbering those given none as Keras does:
    ``sequential``, ``sequential_1``), its last row's output, the parameters of every row inside it (those of a
    row written ``fn`` too: an ``nn.Parameter`` of the container's own, such as ConvNeXt's layer scale) and of the
    modules of a model file's that it holds and ``forward()`` never calls (``unused``, by the use's number); a
    module's its own."""
    if node.container is None:
        return node
    children = [_summed(child, unused, names) for child in node.children]
    rows = node.inside
    never = unused.get(node.use[1], 0) if node.use is not None and node.use[0].endswith(":") else 0
    params = Params(sum(row.params.weights for row in rows) + never, sum(row.params.biases for row in rows),
                    sum(row.params.non_trainable for row in rows), sum(row.params.buffers for row in rows))
    held = [row for row in rows if row.params.total]
    nested = keras_model(node.use[0]) if node.use is not None else None
    if nested is not None and not nested[0]:  # a Keras model given no name: its class's, numbered
        count = names[nested[1]] = names.get(nested[1], -1) + 1
        nested = (nested[1].lower() + (f"_{count}" if count else ""), nested[1])
    layer = replace(node.inside[-1], name=nested[0] if nested else f"{node.container}: 0-0", params=params,
                    warnings=(), notes=(),
                    inner=None, frozen=bool(held) and all(row.frozen for row in held), functional=False,
                    moving=sum(row.moving for row in rows))
    return _Node(layer, node.container, children, node.inside, node.use)


def shown_rows(net: Network, depth: int) -> list[ShownRow]:
    """The rows down to ``depth`` (1: the network's own rows, those inside containers under them), each nested row
    followed by its network's rows.  Under PyTorch's conventions, every row is drawn as torchinfo draws it once a
    row is inside another."""
    glyphs = net.torch and depth >= 1
    counters: dict[int, int] = {}
    return _recursive(list(_rows(net, 1, depth, False, glyphs, counters)))


def _recursive(rows: list[ShownRow]) -> list[ShownRow]:
    """torchinfo's rows of a ModuleList (or ModuleDict) that ``forward()`` leaves and comes back to (its modules
    looped over, each followed by another module of the model's): torchinfo adds the list's one row each time
    (``add_missing_container_layers``), so each shows the number it was given last and, holding parameters,
    ``(recursive)`` (``LayerInfo.check_recursive``)."""
    uses: dict[tuple[str, int], list[int]] = {}
    for index, row in enumerate(rows):
        if row.use is not None and _class(row.use[0]) in _UNCALLED:
            uses.setdefault(row.use, []).append(index)
    for indices in uses.values():
        if len(indices) > 1:
            held = any(rows[i].layer is not None and rows[i].layer.params.total for i in indices)
            count = "(recursive)" if held else "--"
            for index in indices:
                rows[index] = replace(rows[index], name=rows[indices[-1]].name, count=count)
    return rows


def container_names(net: Network) -> dict[int, tuple[str, ...]]:
    """The containers each row of a known network sits in (by the row's ``id``), outermost first, named as the
    deepest ``--depth`` table names them (``Sequential: 2-5``, ``BasicBlock: 3-1``; a Keras model nested in the
    model, ``encoder (Functional)``); rows outside any: none."""
    names: dict[int, tuple[str, ...]] = {}
    for shown in shown_rows(net, deepest(net)):
        name = shown.name.rsplit("─", 1)[-1].rsplit("└ ", 1)[-1]
        for layer in shown.holds:
            names[id(layer)] = (*names.get(id(layer), ()), name)
    return names


def _rows(net: Network, level: int, depth: int, frozen: bool, glyphs: bool,
          counters: dict[int, int]) -> Iterator[ShownRow]:
    if level > 1 and not net.torch:  # a nested Functional model lists its input layer first
        yield ShownRow(level, None, net, frozen, None, _keras_name(level, "input_layer (InputLayer)"))
    # the spec's own rows, numbered: each of them, or under PyTorch's conventions (and a Keras model's with models
    # nested in it) those outside any container
    nodes = [_Node(layer, None, [], []) for layer in net.layers] if level == 1 and not net.torch and \
        not keras_nested(net) else _tree(net)
    numbers = {id(layer): number for number, layer in enumerate(net.layers)} if level == 1 else {}
    for node in nodes:
        number = numbers.get(id(node.layer)) if node.container is None else None
        yield from _node_rows(net, node, level, depth, frozen, glyphs, counters, number)


def _node_rows(net: Network, node: _Node, level: int, depth: int, frozen: bool, glyphs: bool,
               counters: dict[int, int], number: int | None) -> Iterator[ShownRow]:
    """One row at ``level``, then the rows it holds down to ``depth``: a container's rows, a known network's."""
    layer = node.layer
    assert layer is not None
    counters[level] = counters.get(level, 0) + 1
    if net.torch:
        kind = layer.name.rsplit(": ", 1)[0]
        name = f"{_torch_start(level) if glyphs else ''}{kind}: {level}-{counters[level]}"
    else:
        name = _keras_name(level, f"{layer.name} ({node.container or layer.keras_class})")
    held = frozen or layer.frozen
    opened = level < depth and bool(node.children or layer.inner is not None)
    count = _torchinfo_count(node, held, level >= depth) if glyphs else None
    shape = "--" if node.container in _UNCALLED else None
    yield ShownRow(level, layer, net, held, number, name, count, shape,
                   tuple(node.inside) if node.container is not None else (), node.use)
    if not opened:  # the rows deeper than ``depth``: not shown, not counted
        return
    if not net.torch and node.container == "Functional":  # a nested Functional model lists its input layer first
        yield ShownRow(level + 1, None, net, held, None, _keras_name(level + 1, "input_layer (InputLayer)"),
                       shape=net.shape_text(node.inside[0].input_shape))
    for child in node.children:
        yield from _node_rows(net, child, level + 1, depth, held, glyphs, counters, None)
    if layer.inner is not None:
        yield from _rows(layer.inner, level + 1, depth, held, glyphs, counters)


def _torchinfo_count(node: _Node, frozen: bool, reached: bool) -> str:
    """torchinfo's Param # cell (``LayerInfo.num_params_to_str``): ``--`` for no parameters; a leaf module, or any
    row at the depth limit (``reached``), its count, in parentheses when none of it is trained; a row that holds
    modules, only the parameters its rows do not hold (a ``Parameter`` of its own, such as a class token), else
    ``--``.  A module is a leaf when it holds no modules, which torchinfo asks of the module itself: a container
    whose rows all run in its ``forward()`` (``LayerNorm2d``) is one, ``nn.MultiheadAttention`` is not
    (:data:`_UNCALLED_CHILDREN`)."""
    layer = node.layer
    assert layer is not None
    if not layer.params.total:
        return "--"
    leaf = not node.children and layer.inner is None and layer.name.rsplit(": ", 1)[0] not in _UNCALLED_CHILDREN
    if not (reached or leaf):
        held = node.children if layer.inner is None else _tree(layer.inner)
        own = layer.params.total - sum(child.layer.params.total for child in held if child.layer is not None)
        return f"{own:,}" if own > 0 else "--"
    count = f"{layer.params.total:,}"
    return f"({count})" if frozen or layer.frozen else count


#: PyTorch modules that hold a module they never call: ``nn.MultiheadAttention``'s ``out_proj`` (an
#: ``NonDynamicallyQuantizableLinear`` whose weight it passes to ``F.multi_head_attention_forward``).  torchinfo
#: counts such a module as a container whose rows are none, so short of the depth limit its cell is its parameters
#: as its own, never in parentheses.
_UNCALLED_CHILDREN = frozenset({"MultiheadAttention"})


def _keras_name(level: int, name: str) -> str:
    """Keras' prefix for a row ``level - 1`` models deep: ``   └ conv2d (Conv2D)``."""
    return f"{'   ' * (level - 1)}└ {name}" if level > 1 else name


def _torch_start(level: int) -> str:
    """torchinfo's ``get_start_str``: ``├─`` at depth 1, ``│    └─`` at depth 2."""
    return "├─" if level == 1 else "│    " * (level - 1) + "└─"
