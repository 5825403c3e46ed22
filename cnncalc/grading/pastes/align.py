"""A pasted summary against a spec's network: :func:`align` pairs the paste's rows with the spec's layers by what
they are (class, shape and count), so one missing or extra row is named instead of shifting every row after it,
then checks each pair, the 'Connected to' cells, the totals and torchinfo's footer.
"""

from __future__ import annotations

from ...graph.network import Network, ResolvedLayer
from ...model.conventions import channels_first as channels_first_shape
from ...model.conventions import channels_last
from ...model.layers import keras_shape
from ...model.records import replace
from ...readers.pasted.records import PastedRow, PastedSummary
from ..claims import Verdict
from .connections import connection_verdicts
from .containers import collapsed_containers, container_verdict, held_rows, keras_models, model_verdicts
from .expected import expected_rows, keras_family, modelled, nested_classes, nested_model, torch_type
from .nested import nested_rows
from .pairing import pairing
from .rows import row_verdicts
from .totals import footer_verdicts, total_verdicts


def align(net: Network, pasted: PastedSummary) -> list[Verdict]:
    """Row-by-row verdicts for a pasted summary, then its totals; missing and extra rows are named.

    A Keras paste is read in the spec's layout, or channels-first when that pairs more of its rows (Keras 1 on
    Theano, ``data_format='channels_first'``); a torchinfo or torchsummary table is always channels-first."""
    verdicts = _aligned(net, pasted, net.layout == "nchw" and pasted.kind == "keras")
    if pasted.kind != "keras" or not any(len(row.shape) > 1 for row in pasted.rows):
        return verdicts
    other = _aligned(net, pasted, net.layout != "nchw")
    if sum(v.status == "wrong" for v in other) >= sum(v.status == "wrong" for v in verdicts):
        return verdicts
    written = "channels-first" if net.layout != "nchw" else "channels-last"
    note = f"the paste's shapes are read {written}, unlike the spec's: write the spec's input " + \
        ("'… nchw'" if written == "channels-first" else "without nchw") + " to match them"
    return [replace(other[0], note=f"{other[0].note}; {note}" if other[0].note else note), *other[1:]]


def _aligned(net: Network, pasted: PastedSummary, channels_first: bool) -> list[Verdict]:
    """:func:`align` with the Keras paste's shapes read channels-first or not."""
    if channels_first:
        pasted = replace(pasted, rows=tuple(replace(row, shape=channels_last(row.shape)) for row in pasted.rows))

    show = keras_shape if not channels_first else lambda shape: keras_shape(channels_first_shape(shape))

    torchinfo = pasted.torch
    nested = nested_classes(net)  # a known network standing as one item: its nested model's row
    if nested:  # a known network's row: Keras' under its own class, torchinfo's with the rows under it
        pasted = nested_rows(net, pasted, nested)
    layers = expected_rows(net, torchinfo)  # PyTorch's classes for torchinfo: a depthwise conv is a Conv2d there
    collapsed = collapsed_containers(net, pasted.rows, nested) if torchinfo and net.torch else {}
    if collapsed:  # a container at the depth limit stands for the rows it holds
        covered = {id(layer) for _, drawn in collapsed.values() for layer in held_rows(drawn)}
        layers = [row for row in layers if id(row.layer) not in covered]
        pasted = replace(pasted, rows=tuple(row for row in pasted.rows if row.line not in collapsed))
    verdicts = [container_verdict(row, shown) for row, shown in collapsed.values()]
    models = keras_models(net, pasted.rows, nested) if not torchinfo else {}
    if models:  # a nested Keras model's row stands for its layers, unless the paste expands them all (rows behind
        # '└', summary(expand_nested=True)): the layers then have rows of their own
        if not any(row.inside for row in pasted.rows):
            covered = {id(layer) for _, held in models.values() for layer in held}
            layers = [row for row in layers if id(row.layer) not in covered]
        pasted = replace(pasted, rows=tuple(row for row in pasted.rows if row.line not in models))
        verdicts += [verdict for row, held in models.values() for verdict in model_verdicts(row, held, show)]
    verdicts += [Verdict(f"line {row.line} {row.name}", f"{row.params:,}", "?", "unchecked",
                         note="a model nested in the model, whose layers the spec writes one by one: its row is not "
                              "checked (grade the model's .py file, which says which layers it holds)"
                         if nested_model(row, torchinfo) else
                         f"cnncalc does not model {row.keras_class or 'this layer'}: its row is not checked, "
                         "its parameters still count toward the totals")
                 for row in pasted.rows if not modelled(row, torchinfo, nested)]
    rows = [row for row in pasted.rows if modelled(row, torchinfo, nested)]
    # rows are paired by what they are (class, shape and count), so one odd row cannot shift the rest
    # no shape to pair them by: a subclassed model's rows, or a torchinfo table without an Output Shape column
    by_class = any(row.multiple for row in rows) or (bool(rows) and all(row.unshown for row in rows))
    expected = [(row.kind, () if by_class else row.shape, row.params) for row in layers]
    given = [((torch_type(row) if torchinfo else keras_family(row.keras_class)) or "?",
              () if by_class else row.shape, row.params) for row in rows]
    pairs: list[tuple[ResolvedLayer, PastedRow]] = []
    for a, b in pairing(expected, given):
        if a is not None and b is not None:
            verdicts += row_verdicts(layers[a], rows[b], pasted.kind, show)
            pairs.append((layers[a].layer, rows[b]))
        elif a is not None and torchinfo and not layers[a].params:
            shown = layers[a]  # torch.flatten, F.relu, F.max_pool2d in forward(): no module, so no row
            verdicts.append(Verdict(f"{shown.layer.index} {shown.layer.name}", "(not shown)",
                                    f"{show(shown.shape)}, 0 params", "unchecked",
                                    note=f"torchsummary and torchinfo list modules only: a {shown.kind} done in "
                                         "forward() (torch.flatten, F.relu, F.max_pool2d…) has no row"))
        elif a is not None:
            missing = layers[a]
            layer = missing.layer
            verdicts.append(Verdict(f"{layer.index} {layer.name}", "(missing)",
                                    f"{show(missing.shape)}, {missing.params:,} params", "wrong",
                                    note=f"the paste has no row for {layer.name} ({missing.kind})"))
        elif b is not None:
            row = rows[b]
            verdicts.append(Verdict(f"line {row.line}", row.text, "(no such layer)", "wrong",
                                    note="an extra row: the spec has no layer here"))
    return verdicts + connection_verdicts(pairs, pasted.input_name) + total_verdicts(net, pasted) + \
        footer_verdicts(net, pasted)

