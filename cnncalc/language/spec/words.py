"""The words' table: each layer word, what it takes (its numbers, its options, its rank) and how its record is
built; one regex finds a word and its glued numbers.  Adding a layer kind means adding a row to :data:`WORDS`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...model import layers
from ...model.layers import ACTIVATIONS, Layer
from ...model.records import record
from .constructors import (
    _activation,
    _conv,
    _conv1d,
    _conv3d,
    _deconv,
    _deconv1d,
    _dense,
    _dwconv,
    _dwconv1d,
    _pool,
    _pool1d,
    _pool3d,
    _sepconv,
    _sepconv1d,
    _sides,
)


@record
class Word:
    """A row of the grammar: what a layer word takes and how to build its record."""

    args: str  # a key of arguments._ARG_NAMES: "filters_kernel", "kernel?", "units", "rate", "" …
    options: frozenset[str]
    build: Callable[[Any, dict[str, Any]], Layer]
    example: str
    #: how many spatial axes it has: per-axis options (s2, p1x2) are read as that many numbers
    rank: int = 2


_WINDOW = frozenset({"stride", "padding"})
_CONV = _WINDOW | {"dilation", "activation", "bias"}
_POOL = _WINDOW | {"ceil"}
_NORM = frozenset({"scale", "center"})

_SIDES = frozenset({"top", "bottom", "left", "right"})

WORDS: dict[str, Word] = {
    "conv": Word("filters_kernel", _CONV | {"groups", "padding_mode"}, _conv, "conv32x3 or conv32x3x3"),
    "pool": Word("kernel?", _POOL | {"dilation"}, _pool(layers.MaxPooling2D), "pool2 or pool2x2"),
    "maxpool": Word("kernel?", _POOL | {"dilation"}, _pool(layers.MaxPooling2D), "maxpool2"),
    "avgpool": Word("kernel?", _POOL, _pool(layers.AveragePooling2D), "avgpool2"),
    "gap": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalAveragePooling2D(o.get("keepdims", False)),
                "gap or gap keepdims"),
    "gmp": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalMaxPooling2D(o.get("keepdims", False)),
                "gmp or gmp keepdims"),
    "gap1d": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalAveragePooling1D(o.get("keepdims", False)),
                  "gap1d", 1),
    "gmp1d": Word("", frozenset({"keepdims"}), lambda a, o: layers.GlobalMaxPooling1D(o.get("keepdims", False)),
                  "gmp1d", 1),
    "adaptiveavgpool": Word("kernel", frozenset(), lambda a, o: layers.AdaptiveAveragePooling2D(a),
                            "adaptiveavgpool1 or adaptiveavgpool6x6"),
    "adaptivemaxpool": Word("kernel", frozenset(), lambda a, o: layers.AdaptiveMaxPooling2D(a),
                            "adaptivemaxpool1 or adaptivemaxpool7x7"),
    "adaptiveavgpool1d": Word("kernel1", frozenset(), lambda a, o: layers.AdaptiveAveragePooling1D((a,)),
                              "adaptiveavgpool1d1", 1),
    "adaptivemaxpool1d": Word("kernel1", frozenset(), lambda a, o: layers.AdaptiveMaxPooling1D((a,)),
                              "adaptivemaxpool1d1", 1),
    "flatten": Word("", frozenset(), lambda a, o: layers.Flatten(), "flatten"),
    "reshape": Word("shape", frozenset(), lambda a, o: layers.Reshape(a), "reshape7x7x256"),
    "permute": Word("shape", frozenset(), lambda a, o: layers.Permute(a), "permute2x1x3"),
    "dwconv": Word("kernel", _CONV | {"multiplier"}, _dwconv, "dwconv3 or dwconv3x3 m2"),
    "sepconv": Word("filters_kernel", _CONV | {"multiplier"}, _sepconv, "sepconv64x3"),
    "deconv": Word("filters_kernel", _CONV | {"output_padding", "groups"}, _deconv, "deconv32x3 s2"),
    "convt": Word("filters_kernel", _CONV | {"output_padding", "groups"}, _deconv, "convT32x3 s2"),
    "up": Word("kernel?", frozenset(), lambda a, o: layers.UpSampling2D(a or (2, 2)), "up2 or up2x3"),
    "resize": Word("kernel", frozenset({"interpolation"}),
                   lambda a, o: layers.Resizing(a, o.get("interpolation", "bilinear")),
                   "resize64x64 or resize32 nearest"),
    "zeropad": Word("pair?", _SIDES, _sides(layers.ZeroPadding2D), "zeropad1, zeropad1x2 or zeropad b1 r1"),
    "crop": Word("pair?", _SIDES, _sides(layers.Cropping2D), "crop1, crop1x2 or crop t1 l1"),
    "reflectpad": Word("pair?", _SIDES, _sides(layers.ReflectionPadding2D), "reflectpad1 or reflectpad t1 b1"),
    "replicatepad": Word("pair?", _SIDES, _sides(layers.ReplicationPadding2D), "replicatepad1 or replicatepad l2"),
    "pixelshuffle": Word("units", frozenset(), lambda a, o: layers.PixelShuffle(a), "pixelshuffle2"),
    "slice": Word("range", frozenset(), lambda a, o: layers.ChannelSlice(*a), "slice:58, slice58: or slice10:20"),
    "shuffle": Word("units", frozenset(), lambda a, o: layers.ChannelShuffle(a), "shuffle2"),
    "chanpad": Word("pair", frozenset(), lambda a, o: layers.ChannelPad(*a), "chanpad8 or chanpad8x8 (before x after)"),
    "conv1d": Word("filters_kernel1", _CONV | {"groups", "causal", "padding_mode"}, _conv1d, "conv1d32x3", 1),
    "dwconv1d": Word("kernel1", _CONV | {"multiplier", "causal"}, _dwconv1d, "dwconv1d3", 1),
    "sepconv1d": Word("filters_kernel1", _CONV | {"multiplier", "causal"}, _sepconv1d, "sepconv1d32x3", 1),
    "deconv1d": Word("filters_kernel1", _CONV | {"output_padding", "groups"}, _deconv1d, "deconv1d32x3 s2", 1),
    "pool1d": Word("kernel1?", _POOL, _pool1d(layers.MaxPooling1D), "pool1d2", 1),
    "maxpool1d": Word("kernel1?", _POOL, _pool1d(layers.MaxPooling1D), "maxpool1d2", 1),
    "avgpool1d": Word("kernel1?", _POOL, _pool1d(layers.AveragePooling1D), "avgpool1d2", 1),
    "conv3d": Word("filters_kernel3", _CONV | {"groups"}, _conv3d, "conv3d64x3 or conv3d64x3x3x3", 3),
    "pool3d": Word("kernel3?", _POOL, _pool3d(layers.MaxPooling3D), "pool3d2 or pool3d1x2x2", 3),
    "maxpool3d": Word("kernel3?", _POOL, _pool3d(layers.MaxPooling3D), "maxpool3d2", 3),
    "avgpool3d": Word("kernel3?", _POOL, _pool3d(layers.AveragePooling3D), "avgpool3d2", 3),
    "dense": Word("units", frozenset({"activation", "bias"}), _dense, "dense10"),
    "fc": Word("units", frozenset({"activation", "bias"}), _dense, "fc10"),
    "embedding": Word("vocab_dim", frozenset(), lambda a, o: layers.Embedding(*a), "embedding10000x128"),
    "dropout": Word("rate", frozenset(), lambda a, o: layers.Dropout(a), "dropout0.5"),
    "droppath": Word("rate", frozenset(), lambda a, o: layers.DropPath(a), "droppath0.1"),
    "layerscale": Word("", frozenset(), lambda a, o: layers.LayerScale(), "layerscale"),
    "mha": Word("heads", frozenset({"bias"}), lambda a, o: layers.MultiHeadAttention(a, o.get("bias", True)),
                "mha12 (12 heads) or mha12 nobias"),
    "clstoken": Word("", frozenset(), lambda a, o: layers.ClassToken(), "clstoken"),
    "posembed": Word("", frozenset(), lambda a, o: layers.PositionEmbedding(), "posembed"),
    "token": Word("index", frozenset(), lambda a, o: layers.TokenSelect(a), "token0"),
    "bn": Word("", _NORM, lambda a, o: layers.BatchNormalization(o.get("center", True), o.get("scale", True)),
               "bn or bn noscale"),
    "batchnorm": Word("", _NORM, lambda a, o: layers.BatchNormalization(o.get("center", True), o.get("scale", True)),
                      "batchnorm"),
    "layernorm": Word("", _NORM, lambda a, o: layers.LayerNormalization(o.get("center", True), o.get("scale", True)),
                      "layernorm"),
    "groupnorm": Word("units", frozenset(), lambda a, o: layers.GroupNormalization(a), "groupnorm32"),
    "instancenorm": Word("", _NORM, lambda a, o: layers.InstanceNormalization(o.get("center", True),
                                                                              o.get("scale", True)),
                         "instancenorm or instancenorm noscale nocenter"),
    "rescaling": Word("alpha?", frozenset({"offset"}), lambda a, o: layers.Rescaling(
        1 / 255 if a is None else a, o.get("offset", 0.0)),
        "rescaling (by 1/255), rescaling0.5 or rescaling0.5 offset-1"),
    "normalization": Word("", frozenset({"imagenet"}), lambda a, o: layers.Normalization(
        imagenet=o.get("imagenet", 0.0)), "normalization, normalization imagenet or normalization imagenet255"),
    "lrn": Word("kernel1?", frozenset(), lambda a, o: layers.LocalResponseNormalization(a or 5), "lrn or lrn5"),
    "centercrop": Word("kernel", frozenset(), lambda a, o: layers.CenterCrop(a), "centercrop24x24"),
    "randomcrop": Word("kernel", frozenset(), lambda a, o: layers.RandomCrop(a), "randomcrop24x24"),
    "randomflip": Word("", frozenset({"mode"}), lambda a, o: layers.RandomFlip(mode=o.get(
        "mode", "horizontal_and_vertical")), "randomflip, randomflip horizontal or randomflip vertical"),
    **{word: Word("alpha?", frozenset(), lambda a, o, cls=cls: getattr(layers, cls)(factor=a), f"{word}0.1")
       for word, cls in (("randomrotation", "RandomRotation"), ("randomzoom", "RandomZoom"),
                         ("randomtranslation", "RandomTranslation"), ("randomcontrast", "RandomContrast"),
                         ("randombrightness", "RandomBrightness"))},
    **{name: Word("", frozenset(), _activation(name), name) for name in ACTIVATIONS},
    "relu6": Word("", frozenset(), lambda a, o: layers.ReLU("relu6"), "relu6"),
    "leakyrelu": Word("alpha?", frozenset(), lambda a, o: layers.LeakyReLU("leakyrelu", a),
                      "leakyrelu or leakyrelu0.2"),
    "prelu": Word("", frozenset({"channel"}), lambda a, o: layers.PReLU("prelu", o.get("channel", False)),
                  "prelu or prelu channel"),
    "windowattention": Word("heads_window", frozenset({"shifted", "v2"}), lambda a, o: layers.WindowAttention(
        a[0], a[1], o.get("shifted", False), o.get("v2", False)), "windowattention3x7 or windowattention3x7 shifted"),
    "patchmerging": Word("", frozenset({"v2"}), lambda a, o: layers.PatchMerging(o.get("v2", False)),
                         "patchmerging or patchmerging v2"),
    "partition": Word("units", frozenset(), lambda a, o: layers.WindowPartition(a), "partition7"),
    "departition": Word("kernel", frozenset(), lambda a, o: layers.WindowDepartition(*a), "departition8x8"),
    "relmha": Word("units", frozenset(), lambda a, o: layers.RelativeAttention(a), "relmha2"),
}
#: What may follow a layer word, glued to it: its numbers ('32x3', '0.5'), or a slice's, which are Python's
#: ('slice:58', 'slice-8:').
_GLUED = re.compile(r"(?:[\d.][\d.xX×*·]*|-?\d*:-?\d*)\Z")


class _WordMatcher:
    """Finds the layer word a token starts with and its glued numbers: ``match('conv32x3')`` is
    ``('conv32x3', 'conv', '32x3')``, ``match('relu')`` is ``('relu', 'relu', None)``, and None when no word fits.

    Longest words first, so 'maxpool' wins over 'pool' and 'conv1d' (later) over 'conv'; a word is taken only when
    what follows it is numbers, else the next is tried.  This is what the regex ``(WORD|…)(NUMBERS)?\\Z`` over the
    words, longest first, finds, without compiling that regex of some 90 words at every start.

    >>> _WORD.match("conv1d32x3"), _WORD.match("convt32x3"), _WORD.match("slice:58")
    (('conv1d32x3', 'conv1d', '32x3'), ('convt32x3', 'convt', '32x3'), ('slice:58', 'slice', ':58'))
    >>> _WORD.match("conv1dx") is None, _WORD.match("") is None
    (True, True)
    """

    def __init__(self, words: list[str]) -> None:
        #: each first letter's words, longest first (as written, among words of one length)
        self.by_first: dict[str, list[str]] = {}
        for word in sorted(words, key=len, reverse=True):
            self.by_first.setdefault(word[0], []).append(word)

    def match(self, text: str) -> tuple[str, str, str | None] | None:
        for word in self.by_first.get(text[:1], ()):
            if text.startswith(word):
                rest = text[len(word):]
                if not rest:
                    return text, word, None
                if _GLUED.match(rest):
                    return text, word, rest
        return None


_WORD = _WordMatcher([*WORDS, "input"])


def _word_list() -> str:
    """Every layer word, for an unknown one: whole, on lines of at most 79 columns broken between words."""
    import textwrap  # only on the error path

    words = "layers are: " + ", ".join(w for w in WORDS if w not in ACTIVATIONS) + ", or an activation"
    return textwrap.fill(words, 79, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
