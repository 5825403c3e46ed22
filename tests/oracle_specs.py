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
def grouped_conv(draw: st.DrawFn) -> Desc:
    desc = draw(conv())
    desc["groups"] = draw(st.sampled_from([1, 2, 4]))
    return desc


@st.composite
def depthwise(draw: st.DrawFn, separable: bool = False) -> Desc:
    desc = {"kind": "sepconv" if separable else "dwconv", "kernel": (draw(sizes), draw(sizes)),
            "strides": (draw(strides), draw(strides)), "padding": draw(st.sampled_from(["valid", "same"])),
            "dilation": (draw(dilations), draw(dilations)), "multiplier": draw(st.integers(1, 2)),
            "activation": draw(st.none() | st.sampled_from(ACTIVATIONS)), "bias": draw(st.booleans())}
    if separable:
        desc["filters"] = draw(st.integers(1, 8))
    return desc


@st.composite
def transposed(draw: st.DrawFn, explicit: bool = False) -> Desc:
    stride = (draw(strides), draw(strides))
    padding: Any = draw(st.sampled_from(["valid", "same"]))
    if explicit:
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    below = st.tuples(st.integers(0, stride[0] - 1), st.integers(0, stride[1] - 1))  # valid, mostly
    output_padding = draw(st.none() | below | below | st.tuples(st.integers(0, 2), st.integers(0, 2)))
    return {"kind": "deconv", "filters": draw(st.integers(1, 6)), "kernel": (draw(sizes), draw(sizes)),
            "strides": stride, "padding": padding, "output_padding": output_padding,
            "dilation": (1, 1), "activation": draw(st.none() | st.sampled_from(ACTIVATIONS)),
            "bias": draw(st.booleans())}


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


RESHAPING = st.one_of(
    simple("up", size=st.tuples(st.integers(1, 3), st.integers(1, 3))),
    simple("zeropad", padding=st.tuples(st.integers(0, 2), st.integers(0, 2))),
    simple("crop", cropping=st.tuples(st.integers(0, 3), st.integers(0, 3))),
)


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
def structured(draw: st.DrawFn, explicit: bool, max_layers: int,
               kinds: bool = False) -> tuple[tuple[int, ...], list[Desc]]:
    """The usual shape of a CNN: image input, conv/pool body, then flatten or a global pool and a head."""
    shape = (draw(st.integers(1, 24)), draw(st.integers(1, 24)), draw(st.integers(1, 4)))
    windowed = st.one_of(conv(explicit), pool(explicit))
    if kinds:  # the layer kinds of issue #6
        windowed = st.one_of(grouped_conv(), grouped_conv(), depthwise(), depthwise(separable=True), transposed(),
                             transposed(), RESHAPING, pool()) if not explicit else st.one_of(
                                 transposed(explicit=True), pool(explicit))
    body = draw(st.lists(st.one_of(windowed, windowed, KEEPS_SHAPE), min_size=1, max_size=max_layers - 2))
    bridge = draw(st.lists(st.one_of(simple("flatten"), simple("gap"), simple("gmp")), max_size=1))
    head = draw(st.lists(HEAD, max_size=2))
    return shape, body + bridge + head


@st.composite
def sequences(draw: st.DrawFn) -> tuple[tuple[int, ...], list[Desc]]:
    """1-D networks on an L×C input: conv1d and 1-D pools, then flatten and dense."""
    shape = (draw(st.integers(1, 40)), draw(st.integers(1, 4)))
    body = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"kind": st.just("conv1d"), "filters": st.integers(1, 8), "kernel": st.integers(1, 5),
                               "strides": strides, "padding": st.sampled_from(["valid", "same"]),
                               "dilation": dilations, "activation": st.none() | st.sampled_from(ACTIVATIONS),
                               "bias": st.booleans(), "groups": st.sampled_from([1, 2])}),
        st.fixed_dictionaries({"kind": st.sampled_from(["pool1d", "avgpool1d"]), "kernel": st.integers(1, 4),
                               "strides": st.none() | st.integers(1, 4),
                               "padding": st.sampled_from(["valid", "same"])}),
    ), min_size=1, max_size=4))
    head = draw(st.lists(st.one_of(simple("flatten"), HEAD), max_size=2))
    return shape, body + head


def new_kinds(explicit: bool = False) -> st.SearchStrategy[tuple[tuple[int, ...], list[Desc]]]:
    """Networks of the layer kinds added for issue #6 (2-D), and 1-D sequence networks."""
    if explicit:
        return structured(True, 6, kinds=True)
    return st.one_of(structured(False, 6, kinds=True), structured(False, 6, kinds=True), sequences())


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
            words += [d["activation"] or "", "" if d["bias"] else "nobias", f"g{d.get('groups', 1)}"]
        elif kind in ("maxpool", "avgpool"):
            words = [f"{kind}{pair(d['kernel'])}", f"s{pair(d['strides'])}" if d["strides"] else ""]
            words.append(d["padding"] if isinstance(d["padding"], str) else f"p{pair(d['padding'])}")
            words.append("ceil" if d["ceil"] else "")
        elif kind in ("dwconv", "sepconv", "deconv"):
            head = f"{kind}{d['filters']}x{pair(d['kernel'])}" if "filters" in d else f"dwconv{pair(d['kernel'])}"
            words = [head, f"s{pair(d['strides'])}", f"d{pair(d['dilation'])}",
                     d["padding"] if isinstance(d["padding"], str) else f"p{pair(d['padding'])}",
                     f"m{d['multiplier']}" if "multiplier" in d else "",
                     f"op{pair(d['output_padding'])}" if d.get("output_padding") else "",
                     d["activation"] or "", "" if d["bias"] else "nobias"]
        elif kind in ("up", "zeropad", "crop"):
            words = [f"{kind}{pair(d.get('size') or d.get('padding') or d['cropping'])}"]
        elif kind == "conv1d":
            words = [f"conv1d{d['filters']}x{d['kernel']}", f"s{d['strides']}", f"d{d['dilation']}", d["padding"],
                     d["activation"] or "", "" if d["bias"] else "nobias", f"g{d['groups']}"]
        elif kind in ("pool1d", "avgpool1d"):
            words = [f"{kind}{d['kernel']}", f"s{d['strides']}" if d["strides"] else "", d["padding"]]
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
