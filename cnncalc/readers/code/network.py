"""Building the network a model's code defines, with each error at the code's own line."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from ...errors import CnnCalcError, SpecError
from .arguments import Built
from .limits import collector_paused
from .records import ModelCode
from .spec_records import spec_records

if TYPE_CHECKING:
    from ...graph.network import Network


# ---- building, with errors at the code's own lines ------------------------------------------------------

def build_model(code: ModelCode, input_shape: str | None = None, layout: str | None = None,
                conventions: str | None = None) -> Network:
    """The network a model's code defines: its spec resolved, each error moved to the line that made it, and
    each requirement of the code's (the sizes it declares, the axes it names, a layer applied once) checked
    against what reaches it."""
    from ...graph.network import resolve
    from ...language.spec import parse_input

    torch = code.conventions == "torch"
    if torch and input_shape is None and not code.spec.startswith("input "):
        raise CnnCalcError(f"{code.path}: PyTorch code does not state its input's shape",
                           "give it with --input, channels first: --input 3x224x224 (or 1x28x28)")
    if not torch and input_shape is None and not code.spec.startswith("input "):
        raise CnnCalcError(f"{code.path}: the model states no input shape (the code gives none, or computes it "
                           "when it runs, as input_shape=x_train.shape[1:] does)",
                           "give it with --input HxWxC, channels last: --input 32x32x3 (or 28x28x1); or add "
                           "keras.Input(shape=(28, 28, 1)) to the code")
    written = parse_input(input_shape).layout if input_shape is not None else None  # --input "… nhwc"; its errors
    with collector_paused():  # point into what --input says, the others to the code's line
        spec = spec_records(code)
        try:
            net = resolve(spec, input_shape, layout or written or ("nchw" if torch else None),
                          conventions or code.conventions)
        except SpecError as error:
            node = _node_at(code, error.span[0])
            raise code.error_at(getattr(node, "where", None), error.message, error.hint) from None
        _check_requirements(code, net)
    params, buffers, lines = code.unused
    notes = list(code.notes)
    if params or buffers:
        shown = ", ".join(f"{file}:{line}" if file else str(line) for file, line in sorted(set(lines))[:8]) + \
            (", …" if len(set(lines)) > 8 else "")
        made = f"made at line{'s' if ',' in shown else ''} {shown}"
        notes.append(f"{params:,} parameters{f' and {buffers:,} buffers' if buffers else ''} are in layers the "
                     f"model builds but does not use for its output in eval mode ({made}): PyTorch counts them, so "
                     "the totals do; the eval path holds "
                     f"{net.total_params:,} parameters")
    nested = _nested_models(net) if not torch else None
    notes += [nested] if nested else []
    if notes:
        from ...model.records import replace

        net = replace(net, notes=(*net.notes, *notes), unused_params=params, unused_buffers=buffers,
                      unused_held=tuple(code.unused_held.items()))
    return net


def _nested_models(net: Network) -> str | None:
    """What Keras' summary shows of the models nested in the model (an autoencoder's encoder and decoder): one row
    each, where cnncalc's table lists their layers."""
    from ...graph.frameworks import keras_model, keras_models

    models = keras_models(net.layers)
    if not models:
        return None
    rows = []
    for (block, _), held in models.items():
        name, cls = keras_model(block) or ("", "")
        rows.append(f"{f'{name} ({cls})' if name else f'a {cls} given no name'}: "
                    f"{net.shape_text(held[-1].output_shape)}, {sum(layer.params.total for layer in held):,} "
                    "parameters")
    return f"Keras' summary() shows each model nested in this one as one row ({'; '.join(rows)}): --depth 1 draws " \
           "them so, and cnncalc check grades such a pasted row against their layers"


def _node_at(code: ModelCode, position: int) -> Any:
    """The node whose item holds a position of the spec text: a binary search (items are in text order), so that
    reading a model of n layers stays linear."""
    index = bisect.bisect_right(code.starts, position) - 1
    if index >= 0:
        (start, end), node = code.items[index]
        if start <= position < max(end, start + 1):
            return node
    return None


def _check_requirements(code: ModelCode, net: Network) -> None:
    """What each layer's code requires of the resolved network, and that no layer object with weights is applied
    twice (Keras and PyTorch share its weights, which a summary of rows cannot show)."""
    applied: dict[int, Any] = {}
    again: list[tuple[Any, Any]] = []  # (the node that first applies a layer object, a node that applies it again)
    starts: dict[int, Any] = {}  # each item's node by where it starts: most rows start their item
    for (start, end), node in code.items:
        if end > start:
            starts[start] = node
        if node.layer is None or node.kind != "layer":
            continue
        first = applied.setdefault(id(node.layer), node)
        if first is not node:
            again.append((first, node))
    counted = {id(node) for pair in again for node in pair}  # only these nodes' weights are asked for
    params: dict[int, int] = {}
    built = Built(net)
    for layer in net.layers:
        node = starts.get(layer.span[0]) or _node_at(code, layer.span[0])
        if node is None or (node.requires is None and not counted):  # the most common: nothing to check
            continue
        if id(node) in counted:
            params[id(node)] = params.get(id(node), 0) + layer.params.total
        if node.requires is not None:
            failed = node.requires(layer, built)
            if failed is not None:
                raise code.error_at(node.where, *failed)
    for first, node in again:
        if params.get(id(node), 0) or params.get(id(first), 0):
            raise code.error_at(node.applied or node.where, f"this {node.layer.name} is applied a second time: its "
                                "weights are shared, which cnncalc's summary cannot show",
                                "make a new layer for each use, or write the model as a spec")
