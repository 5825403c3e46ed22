"""Hypothesis strategies for random network descriptions, rendered both as spec text and as
framework layers by code that shares nothing with cnncalc's parser or rules.

Sizes are bounded (images up to 24×24×4, 8 filters, 16 units) so the frameworks, which
allocate every weight, stay small.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ACTIVATIONS = ["relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish", "linear"]

Desc = dict[str, Any]

sizes = st.integers(1, 5)
strides = st.integers(1, 3)
dilations = st.sampled_from([1, 1, 1, 1, 2, 3])


@st.composite
def conv(draw: st.DrawFn, explicit: bool = False) -> Desc:
    padding: Any = draw(st.sampled_from(["valid", "same"]))
    if explicit:
        padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    return {"kind": "conv", "filters": draw(st.integers(1, 8)), "kernel": (draw(sizes), draw(sizes)),
            "strides": (draw(strides), draw(strides)), "padding": padding,
            "dilation": (draw(dilations), draw(dilations)),
            "activation": draw(st.none() | st.sampled_from(ACTIVATIONS)), "bias": draw(st.booleans())}


@st.composite
def pool(draw: st.DrawFn, explicit: bool = False) -> Desc:
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    desc = {"kind": draw(st.sampled_from(["maxpool", "avgpool"])), "kernel": kernel,
            "strides": draw(st.none() | st.tuples(st.integers(1, 4), st.integers(1, 4))),
            "padding": draw(st.sampled_from(["valid", "same"])), "ceil": False}
    if explicit:
        desc["padding"] = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
        desc["ceil"] = draw(st.booleans())
    return desc


def simple(kind: str, **extra: Any) -> st.SearchStrategy[Desc]:
    return st.fixed_dictionaries({"kind": st.just(kind), **extra})


OTHER = st.one_of(
    simple("gap"), simple("gmp"), simple("flatten"), simple("bn"),
    simple("dense", units=st.integers(1, 16), activation=st.none() | st.sampled_from(ACTIVATIONS),
           bias=st.booleans()),
    simple("dropout", rate=st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0])),
    simple("activation", name=st.sampled_from(ACTIVATIONS)),
)

inputs = st.one_of(
    st.tuples(st.integers(1, 24), st.integers(1, 24), st.integers(1, 4)),
    st.tuples(st.integers(1, 24), st.integers(1, 24)),
    st.tuples(st.integers(1, 64)),
)


KEEPS_SHAPE = st.one_of(
    simple("bn"), simple("dropout", rate=st.sampled_from([0.0, 0.25, 0.5])),
    simple("activation", name=st.sampled_from(ACTIVATIONS)),
)
HEAD = st.one_of(
    simple("dense", units=st.integers(1, 16), activation=st.none() | st.sampled_from(ACTIVATIONS),
           bias=st.booleans()),
    KEEPS_SHAPE,
)


@st.composite
def structured(draw: st.DrawFn, explicit: bool, max_layers: int) -> tuple[tuple[int, ...], list[Desc]]:
    """The usual shape of a CNN: image input, conv/pool body, then flatten or a global pool and a head."""
    shape = (draw(st.integers(1, 24)), draw(st.integers(1, 24)), draw(st.integers(1, 4)))
    windowed = st.one_of(conv(explicit), pool(explicit))
    body = draw(st.lists(st.one_of(windowed, windowed, KEEPS_SHAPE), min_size=1, max_size=max_layers - 2))
    bridge = draw(st.lists(st.one_of(simple("flatten"), simple("gap"), simple("gmp")), max_size=1))
    head = draw(st.lists(HEAD, max_size=2))
    return shape, body + bridge + head


def networks(explicit: bool = False, max_layers: int = 6) -> st.SearchStrategy[tuple[tuple[int, ...], list[Desc]]]:
    """Mostly well-formed CNNs; a fifth in random order, with any input rank, to test rejections."""
    windowed = st.one_of(conv(explicit), pool(explicit))
    anything = st.tuples(inputs, st.lists(st.one_of(windowed, OTHER), min_size=1, max_size=max_layers))
    return st.one_of(*[structured(explicit, max_layers)] * 4, anything)


def pair(values: tuple[int, int]) -> str:
    return f"{values[0]}x{values[1]}"


def spec_text(shape: tuple[int, ...], layers: list[Desc]) -> str:
    """The network in the spec language, written out by hand from the description."""
    parts = ["input " + "x".join(map(str, shape))]
    for d in layers:
        kind = d["kind"]
        if kind == "conv":
            words = [f"conv{d['filters']}x{pair(d['kernel'])}", f"s{pair(d['strides'])}", f"d{pair(d['dilation'])}"]
            words.append(d["padding"] if isinstance(d["padding"], str) else f"p{pair(d['padding'])}")
            words += [d["activation"] or "", "" if d["bias"] else "nobias"]
        elif kind in ("maxpool", "avgpool"):
            words = [f"{kind}{pair(d['kernel'])}", f"s{pair(d['strides'])}" if d["strides"] else ""]
            words.append(d["padding"] if isinstance(d["padding"], str) else f"p{pair(d['padding'])}")
            words.append("ceil" if d["ceil"] else "")
        elif kind == "dense":
            words = [f"dense{d['units']}", d["activation"] or "", "" if d["bias"] else "nobias"]
        elif kind == "dropout":
            words = [f"dropout{d['rate']}"]
        elif kind == "activation":
            words = [d["name"]]
        else:
            words = [kind]
        parts.append(" ".join(w for w in words if w))
    return ", ".join(parts)
