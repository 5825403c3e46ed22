"""Random graphs for the differential tests: one description, written out both as spec text and as a
Keras functional model, by code that shares nothing with cnncalc's parser or rules.

Sizes are small (up to 12×12×6, 8 filters) so Keras builds hundreds of them in seconds.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MERGE_KINDS = ["add", "cat", "mul", "avg", "max", "sub"]
KERAS_MERGES = {"add": "Add", "cat": "Concatenate", "mul": "Multiply", "avg": "Average", "max": "Maximum",
                "sub": "Subtract"}

Desc = dict[str, Any]

LAYERS = st.one_of(
    st.fixed_dictionaries({"kind": st.just("conv"), "filters": st.integers(1, 8), "kernel": st.integers(1, 3),
                           "strides": st.sampled_from([1, 1, 1, 2]), "padding": st.sampled_from(["same", "valid"])}),
    st.fixed_dictionaries({"kind": st.just("pool"), "size": st.sampled_from([1, 2]),
                           "padding": st.sampled_from(["same", "valid"])}),
    st.just({"kind": "bn"}), st.just({"kind": "relu"}),
)


@st.composite
def branch(draw: st.DrawFn, names: list[str], depth: int) -> list[Desc]:
    """A branch: the identity, or a few layers, maybe starting from a named tensor, maybe nesting a merge."""
    if draw(st.integers(0, 4)) == 0:
        return [{"kind": "id"}]
    items: list[Desc] = []
    if names and draw(st.integers(0, 3)) == 0:
        items.append({"kind": "ref", "name": draw(st.sampled_from(names))})
    items += draw(st.lists(LAYERS, min_size=0 if items else 1, max_size=3))
    if depth < 1 and draw(st.integers(0, 5)) == 0:
        items.append(draw(merge(names, depth + 1)))
    return items


@st.composite
def merge(draw: st.DrawFn, names: list[str], depth: int = 0) -> Desc:
    kind = draw(st.sampled_from(MERGE_KINDS))
    count = draw(st.sampled_from([2, 2, 2, 3])) if kind != "sub" else draw(st.sampled_from([2, 2, 2, 2, 3]))
    return {"kind": "merge", "merge": kind, "branches": [draw(branch(list(names), depth)) for _ in range(count)]}


@st.composite
def graphs(draw: st.DrawFn) -> tuple[tuple[int, int, int], list[Desc]]:
    """An image input, then blocks of layers and merges; some blocks are named for later references."""
    shape = (draw(st.integers(2, 12)), draw(st.integers(2, 12)), draw(st.integers(1, 6)))
    blocks: list[Desc] = []
    names: list[str] = []
    for number in range(draw(st.integers(1, 5))):
        block = draw(merge(names)) if draw(st.booleans()) else draw(LAYERS)
        if draw(st.integers(0, 2)) == 0:
            block = {**block, "as": f"t{number}"}
        blocks.append(block)
        if "as" in block:
            names.append(block["as"])
    return shape, blocks


def spec_text(shape: tuple[int, ...], blocks: list[Desc]) -> str:
    return "input " + "x".join(map(str, shape)) + ", " + ", ".join(_item(block) for block in blocks)


def _item(d: Desc) -> str:
    kind = d["kind"]
    if kind == "merge":
        text = f"{d['merge']}(" + " | ".join(", ".join(_item(i) for i in b) for b in d["branches"]) + ")"
    elif kind == "conv":
        text = f"conv{d['filters']}x{d['kernel']} s{d['strides']} {d['padding']}"
    elif kind == "pool":
        text = f"maxpool{d['size']} s1 {d['padding']}"
    elif kind == "ref":
        text = f"@{d['name']}"
    else:
        text = kind  # bn, relu, id
    return text + (f" as {d['as']}" if "as" in d else "")


def keras_model(keras: Any, shape: tuple[int, ...], blocks: list[Desc]) -> Any:
    """The same graph as Keras code, layers created in the order the text shows them."""
    keras.backend.clear_session()
    inputs = keras.Input(shape)
    named: dict[str, Any] = {"input": inputs}
    x = inputs
    for block in blocks:
        x = _apply(keras, block, x, named)
    return keras.Model(inputs, x)


def _apply(keras: Any, d: Desc, x: Any, named: dict[str, Any]) -> Any:
    layers, kind = keras.layers, d["kind"]
    if kind == "merge":
        outs = []
        for b in d["branches"]:
            y = x
            for item in b:
                y = _apply(keras, item, y, named)
            outs.append(y)
        y = getattr(layers, KERAS_MERGES[d["merge"]])()(outs)
    elif kind == "conv":
        y = layers.Conv2D(d["filters"], d["kernel"], strides=d["strides"], padding=d["padding"])(x)
    elif kind == "pool":
        y = layers.MaxPooling2D(d["size"], strides=1, padding=d["padding"])(x)
    elif kind == "bn":
        y = layers.BatchNormalization()(x)
    elif kind == "relu":
        y = layers.Activation("relu")(x)
    elif kind == "ref":
        y = named[d["name"]]
    else:
        y = x  # id
    if "as" in d:
        named[d["as"]] = y
    return y
