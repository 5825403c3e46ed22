"""A checked spec as runnable code: ``summary SPEC --format keras`` and ``--format pytorch``.

Keras: a ``keras.Sequential`` for a chain, the functional API for a graph, written as the Keras documentation
writes models.  PyTorch: an ``nn.Module`` whose ``__init__`` builds one module per row and whose ``forward``
applies them (``+`` and ``torch.cat(…, dim=1)`` for merges), with in-channels and in-features from the resolved
shapes, and padding made explicit where PyTorch has no ``same`` (a stride above 1: TensorFlow's uneven split as
``nn.ZeroPad2d``).  A view: it formats the resolved network and computes nothing new.  Anything the target
framework cannot express is an error that says so (Keras has no ceil_mode; PyTorch has no cropping module).

The code written holds no text a user typed except through the helpers below (:func:`literal`,
:func:`docstring`, :class:`Names`, :func:`number`): a quoted string literal, an escaped docstring that is checked
to read back as its text, a checked Python name, a number.
"""

from __future__ import annotations

import ast
import keyword
import math
from typing import Any

from ..errors import CnnCalcError
from ..graph.network import Network, ResolvedLayer
from ..language.sources import lines
from ..language.spec import strip_comments
from ..model.records import replace

__all__ = ["Names", "docstring", "escaped", "is_name", "keras_code", "literal", "number", "pytorch_code",
           "spec_line"]


# ---- text into code: the one place --------------------------------------------------------------------------

def escaped(text: str) -> str:
    r"""``text`` as the inside of a double-quoted Python string: each ``"``, ``\`` and unprintable character
    escaped, so nothing in it can end a string, a docstring or a comment (no line break of any kind, no NUL,
    no bidirectional control), and Python reads back exactly ``text``.

    >>> print(escaped('relu # \u2028"+x+"\\'))
    relu # \u2028\"+x+\"\\
    """
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text  # the common case, at C speed
    return "".join(char if char.isprintable() and char not in '"\\' else _escape(char) for char in text)


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def literal(text: str) -> str:
    r"""``text`` as a Python string literal.

    >>> print(literal('same"); import os; ("'))
    "same\"); import os; (\""
    """
    return f'"{escaped(text)}"'


def docstring(*paragraph: str) -> list[str]:
    """A module docstring of these lines, each escaped (:func:`escaped`), checked to read back as one string."""
    body = [escaped(line) for line in paragraph]
    written = [f'"""{body[0]}', *body[1:], '"""']
    if ast.literal_eval("\n".join(written)) != "\n".join([*paragraph, ""]):  # cnncalc's own bug: exit 3
        raise ValueError("the docstring written does not read back as its text")
    return written


def is_name(text: str) -> bool:
    """Whether ``text`` can be written as a Python variable: an ASCII identifier (no NFKC folding of two names
    into one), not a keyword, not ``__debug__``."""
    return text.isascii() and text.isidentifier() and not keyword.iskeyword(text) and text != "__debug__"


class Names:
    """The variables of the code being written: each name once, clashing with nothing the code uses."""

    def __init__(self, *taken: str) -> None:
        self.taken = set(taken)

    def take(self, wanted: str, stand_in: str = "layer") -> str:
        """``wanted`` if it is a free plain name (:func:`is_name`), else it (or ``stand_in``) numbered."""
        base = wanted if is_name(wanted) else stand_in
        name, count = base, 1
        while name in self.taken:
            name, count = f"{base}_{count}", count + 1
        self.taken.add(name)
        return name


def number(value: Any) -> str:
    """An int or a finite float as Python writes it; anything else is cnncalc's own bug."""
    if type(value) is int:  # not a bool, nor a subclass with its own repr
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(float(value))
    raise TypeError(f"not a number to write as code: {type(value).__name__}")


def _tuple(values: Any) -> str:
    values = tuple(values)
    return number(values[0]) if len(set(values)) == 1 else f"({', '.join(map(number, values))})"


def _unsupported(layer: ResolvedLayer, framework: str, why: str) -> CnnCalcError:
    return CnnCalcError(f"layer {layer.index} {layer.name} ({layer.source}): {why}",
                        f"write the network without it for {framework}, or use the other --format")


# ---- Keras ----------------------------------------------------------------------------------------------

def _keras_padding(layer: ResolvedLayer, padding: Any) -> tuple[str, str | None]:
    """Keras' padding argument, and a ZeroPadding2D to put before the layer for explicit padding."""
    if isinstance(padding, str):
        return ("" if padding == "valid" else f", padding={literal(padding)}"), None
    if not any(padding):
        return "", None
    return "", f"layers.ZeroPadding2D({_tuple(padding)})"


#: Keras' names for the spec's activations where they differ.
_KERAS_ACTIVATIONS = {"leakyrelu": "leaky_relu", "hardswish": "hard_swish"}


def _activation(name: str | None) -> str:
    return f", activation={literal(_KERAS_ACTIVATIONS.get(name, name))}" if name else ""


def _keras_conv(layer: ResolvedLayer) -> tuple[list[str], str]:
    """Conv2D, DepthwiseConv2D and SeparableConv2D, with a ZeroPadding2D before for explicit padding."""
    from ..model import layers as L  # noqa: N812 - the records read as Keras' own classes

    r: Any = layer.layer
    padding, before = _keras_padding(layer, r.padding)
    options = [*([f"strides={_tuple(r.strides)}"] if r.strides != (1, 1) else []), *([padding[2:]] if padding else [])]
    if isinstance(r, L.Conv2D):
        if r.padding_mode != "zeros":
            raise _unsupported(layer, "Keras", f"Keras has no {r.padding_mode} padding")
        head = f"layers.Conv2D({number(r.filters)}, {_tuple(r.kernel_size)}"
        options += [f"groups={number(r.groups)}"] if r.groups != 1 else []
    else:
        cls = "DepthwiseConv2D" if isinstance(r, L.DepthwiseConv2D) else "SeparableConv2D"
        head = f"layers.{cls}({'' if cls == 'DepthwiseConv2D' else f'{number(r.filters)}, '}{_tuple(r.kernel_size)}"
        options += [f"depth_multiplier={number(r.depth_multiplier)}"] if r.depth_multiplier != 1 else []
    options += [f"dilation_rate={_tuple(r.dilation_rate)}"] if r.dilation_rate != (1, 1) else []
    options += [_activation(r.activation)[2:]] if r.activation else []
    options += ["use_bias=False"] if not r.use_bias else []
    return ([before] if before else []), head + "".join(f", {o}" for o in options) + ")"


def _keras_layer(layer: ResolvedLayer) -> tuple[list[str], str]:  # noqa: PLR0911, PLR0912 - one branch per kind
    """(layers to put before it, the layer's constructor)."""
    from ..model import layers as L  # noqa: N812 - the records read as Keras' own classes

    r = layer.layer
    if isinstance(r, (L.Conv2D, L.DepthwiseConv2D, L.SeparableConv2D)):
        return _keras_conv(layer)
    if isinstance(r, L.Conv2DTranspose):
        if not isinstance(r.padding, str):
            raise _unsupported(layer, "Keras", "Keras' Conv2DTranspose takes 'valid' or 'same' padding only")
        strides = "" if r.strides == (1, 1) else f", strides={_tuple(r.strides)}"
        op = "" if r.output_padding is None else f", output_padding={_tuple(r.output_padding)}"
        padding = "" if r.padding == "valid" else f", padding={literal(r.padding)}"
        bias = "" if r.use_bias else ", use_bias=False"
        return [], (f"layers.Conv2DTranspose({number(r.filters)}, {_tuple(r.kernel_size)}{strides}{padding}{op}"
                    f"{_activation(r.activation)}{bias})")
    if isinstance(r, L.Pooling2D):
        if r.ceil:
            raise _unsupported(layer, "Keras", "Keras' pools have no ceil_mode")
        cls = "MaxPooling2D" if isinstance(r, L.MaxPooling2D) else "AveragePooling2D"
        padding, before = _keras_padding(layer, r.padding)
        if before and cls == "MaxPooling2D":
            raise _unsupported(layer, "Keras", "Keras pads a max pool with zeros only through ZeroPadding2D, which "
                               "changes its result; PyTorch pads with −∞")
        strides = "" if r.strides is None else f", strides={_tuple(r.strides)}"
        return ([before] if before else []), f"layers.{cls}({_tuple(r.pool_size)}{strides}{padding})"
    if isinstance(r, (L.GlobalAveragePooling2D, L.GlobalMaxPooling2D)):
        return [], f"layers.{r.keras_class}({'keepdims=True' if r.keepdims else ''})"
    if isinstance(r, L.Flatten):
        return [], "layers.Flatten()"
    if isinstance(r, L.Dense):
        bias = "" if r.use_bias else ", use_bias=False"
        return [], f"layers.Dense({number(r.units)}{_activation(r.activation)}{bias})"
    if isinstance(r, L.Dropout):
        return [], f"layers.Dropout({number(r.rate)})"
    if isinstance(r, L.BatchNormalization):
        return [], "layers.BatchNormalization(" + ", ".join(
            [*([] if r.center else ["center=False"]), *([] if r.scale else ["scale=False"])]) + ")"
    if isinstance(r, L.LeakyReLU):
        return [], f"layers.LeakyReLU({number(r.alpha if r.alpha is not None else 0.3)})"
    if isinstance(r, L.ReLU):
        return [], "layers.ReLU(6.0)"
    if isinstance(r, L.PReLU):
        return [], "layers.PReLU()" if r.channel else "layers.PReLU(shared_axes=[1, 2])"
    if isinstance(r, L.Activation):
        return [], f"layers.Activation({literal(_KERAS_ACTIVATIONS.get(r.activation, r.activation))})"
    if isinstance(r, L.ZeroPadding2D):
        top, bottom, left, right = r.padding
        return [], f"layers.ZeroPadding2D((({number(top)}, {number(bottom)}), ({number(left)}, {number(right)})))"
    if isinstance(r, L.Cropping2D):
        top, bottom, left, right = r.cropping
        return [], f"layers.Cropping2D((({number(top)}, {number(bottom)}), ({number(left)}, {number(right)})))"
    if isinstance(r, L.UpSampling2D):
        return [], f"layers.UpSampling2D({_tuple(r.size)})"
    if isinstance(r, L.Merge):
        cls = {"add": "Add", "cat": "Concatenate", "mul": "Multiply", "avg": "Average", "max": "Maximum",
               "sub": "Subtract"}[r.word]
        return [], f"layers.{cls}()"
    raise _unsupported(layer, "Keras", f"cnncalc cannot write {r.keras_class} as Keras code yet")


def spec_line(net: Network) -> str:
    """The spec as one line, its comments left out as the reader leaves them out, its line ends as separators.

    User text: it is written into code only through :func:`docstring`."""
    parts = (" ".join(line.split()).rstrip(",; ") for line in lines(strip_comments(net.text)))
    return ", ".join(part for part in parts if part)


def keras_code(net: Network) -> str:
    """The network as a Keras 3 model definition: Sequential for a chain, functional for a graph."""
    if net.symbolic or net.torch or net.layout == "nchw":
        raise CnnCalcError("--format keras writes a channels-last network with numeric sizes",
                           "give the spec's input as H×W×C numbers, under Keras conventions")
    shape = ", ".join(map(number, net.input_shape)) + ("," if len(net.input_shape) == 1 else "")
    head = [*docstring("Written by cnncalc from the spec:", "", f"    {spec_line(net)}"), "", "import keras",
            "from keras import layers", ""]
    if not net.graph:
        rows = [f"    keras.Input(shape=({shape})),"]
        for layer in net.layers:
            before, call = _keras_layer(layer)
            rows += [f"    {b}," for b in before] + [f"    {call},"]
        return "\n".join([*head, "model = keras.Sequential([", *rows, "])", "model.summary()", ""])
    return "\n".join([*head, *_keras_functional(net, shape), "model.summary()", ""])


def _keras_functional(net: Network, shape: str) -> list[str]:
    """A graph in Keras' functional API, one variable per layer, named as Keras names the layer where it can be."""
    variables = Names("keras", "layers", "inputs", "model")
    names = {"input_layer": "inputs"}
    code = [f"inputs = keras.Input(shape=({shape}))"]
    for layer in sorted(net.layers, key=lambda row: row.created):  # created in the spec's order: the same names
        before, call = _keras_layer(layer)
        sources = [names[name] for name in layer.inputs]
        argument = f"[{', '.join(sources)}]" if len(sources) > 1 else sources[0]
        variable = variables.take(layer.name)
        for count, b in enumerate(before):
            padded = variables.take(f"{variable}_pad{count or ''}")
            code.append(f"{padded} = {b}({argument})")
            argument = padded
        code.append(f"{variable} = {call}({argument})")
        names[layer.name] = variable
    output = names[max(net.layers, key=lambda row: row.created).name] if net.layers else "inputs"
    return [*code, f"model = keras.Model(inputs, {output})"]


# ---- PyTorch --------------------------------------------------------------------------------------------

_TORCH_ACTIVATIONS = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()",
                      "softmax": "nn.Softmax(dim=1)", "elu": "nn.ELU()", "selu": "nn.SELU()", "gelu": "nn.GELU()",
                      "swish": "nn.SiLU()", "linear": "nn.Identity()", "relu6": "nn.ReLU6()",
                      "hardswish": "nn.Hardswish()", "mish": "nn.Mish()", "leakyrelu": "nn.LeakyReLU()"}


def _torch_activation(layer: ResolvedLayer, name: str) -> str:
    if name not in _TORCH_ACTIVATIONS:
        raise _unsupported(layer, "PyTorch", f"cnncalc cannot write the activation {name} as PyTorch code yet")
    return _TORCH_ACTIVATIONS[name]


def _torch_padding(layer: ResolvedLayer) -> tuple[str, str | None]:
    """Conv2d's padding argument, and a ZeroPad2d for an uneven split ('same' with a stride, as TensorFlow pads)."""
    h, w = layer.axes[:2]
    pads = ((h.pad_before, h.pad_after), (w.pad_before, w.pad_after))
    if all(a == b for a, b in pads):
        value = (pads[0][0], pads[1][0])
        return ("" if value == (0, 0) else f", padding={_tuple(value)}"), None
    return "", f"nn.ZeroPad2d(({', '.join(map(number, (*pads[1], *pads[0])))}))"


def _torch_conv(layer: ResolvedLayer, channels: int) -> list[tuple[str, str]]:
    """nn.Conv2d for a Conv2D or DepthwiseConv2D row (groups = channels), with a ZeroPad2d for uneven padding."""
    from ..model import layers as L  # noqa: N812

    r: Any = layer.layer
    padding, before = _torch_padding(layer)
    out = r.filters if isinstance(r, L.Conv2D) else channels * r.depth_multiplier
    groups = r.groups if isinstance(r, L.Conv2D) else channels
    options = [f"kernel_size={_tuple(r.kernel_size)}",
               *([f"stride={_tuple(r.strides)}"] if r.strides != (1, 1) else []), *([padding[2:]] if padding else []),
               *([f"dilation={_tuple(r.dilation_rate)}"] if r.dilation_rate != (1, 1) else []),
               *([f"groups={number(groups)}"] if groups != 1 else []), *([] if r.use_bias else ["bias=False"])]
    mode = getattr(r, "padding_mode", "zeros")
    options += [] if mode == "zeros" else [f"padding_mode={literal(mode)}"]
    conv = f"nn.Conv2d({number(channels)}, {number(out)}, {', '.join(options)})"
    return [*([("pad", before)] if before else []), ("conv", conv)]


def _torch_deconv(layer: ResolvedLayer, channels: int) -> str:
    """nn.ConvTranspose2d with the padding and output padding that give the row's output size.

    PyTorch's output is (n − 1)·s − 2p + d·(k − 1) + 1 + op, with op below the stride or the dilation; Keras'
    'valid' and 'same' are the p and op that reach the same size (the same values too, except where Keras' 'same'
    crops an odd excess unevenly: PyTorch crops both sides alike, so its map is then one pixel apart)."""
    r: Any = layer.layer
    pads, extras = [], []
    for axis in range(2):
        n, out = layer.input_shape[axis], layer.output_shape[axis]
        k, s, d = r.kernel_size[axis], r.strides[axis], r.dilation_rate[axis]
        if not isinstance(r.padding, str):  # explicit: PyTorch's own numbers
            pads.append(int(r.padding[axis]))
            extras.append((r.output_padding or (0, 0))[axis])
            continue
        excess = (n - 1) * s + d * (k - 1) + 1 - out  # 2p − op
        pad = max(0, (excess + 1) // 2)
        extra = 2 * pad - excess
        if extra >= max(s, d):
            raise _unsupported(layer, "PyTorch", f"PyTorch's ConvTranspose2d cannot reach {out} from {n} here: it "
                                                 f"would need output_padding {extra}, at least the stride")
        pads.append(pad)
        extras.append(extra)
    options = [f"kernel_size={_tuple(r.kernel_size)}",
               *([f"stride={_tuple(r.strides)}"] if r.strides != (1, 1) else []),
               *([f"padding={_tuple(tuple(pads))}"] if any(pads) else []),
               *([f"output_padding={_tuple(tuple(extras))}"] if any(extras) else []),
               *([f"groups={number(r.groups)}"] if r.groups != 1 else []),
               *([f"dilation={_tuple(r.dilation_rate)}"] if r.dilation_rate != (1, 1) else []),
               *([] if r.use_bias else ["bias=False"])]
    return f"nn.ConvTranspose2d({number(channels)}, {number(r.filters)}, {', '.join(options)})"


def _torch_pool(layer: ResolvedLayer) -> list[tuple[str, str]]:
    """nn.MaxPool2d or nn.AvgPool2d; Keras' 'same' as symmetric padding, where it is symmetric."""
    from ..model import layers as L  # noqa: N812

    r: Any = layer.layer
    h, w = layer.axes[:2]
    pads = ((h.pad_before, h.pad_after), (w.pad_before, w.pad_after))
    if any(a != b for a, b in pads):
        raise _unsupported(layer, "PyTorch", "PyTorch's pools pad both sides alike; this one is padded unevenly")
    padding = (pads[0][0], pads[1][0])
    cls = "nn.MaxPool2d" if isinstance(r, L.MaxPooling2D) else "nn.AvgPool2d"
    stride = "" if r.strides is None or tuple(r.strides) == tuple(r.pool_size) else f", stride={_tuple(r.strides)}"
    extra = "" if padding == (0, 0) else f", padding={_tuple(padding)}"
    if r.padding == "same" and cls == "nn.AvgPool2d" and padding != (0, 0):
        extra += ", count_include_pad=False"  # Keras' same averages over the input only
    if isinstance(r, L.MaxPooling2D) and r.dilation != (1, 1):
        extra += f", dilation={_tuple(r.dilation)}"
    return [("pool", f"{cls}({_tuple(r.pool_size)}{stride}{extra}{', ceil_mode=True' if r.ceil else ''})")]


def _torch_modules(layer: ResolvedLayer) -> list[tuple[str, str]]:  # noqa: PLR0912 - one branch per kind
    """(attribute stem, module constructor) for a row: usually one, plus its fused activation and any padding."""
    from ..model import layers as L  # noqa: N812

    r = layer.layer
    channels = layer.input_shape[-1] if layer.input_shape else 0
    modules: list[tuple[str, str]] = []
    activation = getattr(r, "activation", None) if not isinstance(r, L.Activation) else None
    if isinstance(r, (L.Conv2D, L.DepthwiseConv2D)):
        modules += _torch_conv(layer, channels)
    elif isinstance(r, L.SeparableConv2D):  # a depthwise conv without bias, then a 1×1 conv to the filters
        middle = channels * r.depth_multiplier
        depthwise = L.DepthwiseConv2D(r.kernel_size, r.strides, r.padding, r.dilation_rate, r.depth_multiplier,
                                      use_bias=False)
        modules += _torch_conv(replace(layer, layer=depthwise), channels)
        bias = "" if r.use_bias else ", bias=False"
        modules.append(("conv", f"nn.Conv2d({number(middle)}, {number(r.filters)}, kernel_size=1{bias})"))
    elif isinstance(r, L.Conv2DTranspose):
        modules.append(("deconv", _torch_deconv(layer, channels)))
    elif isinstance(r, L.Pooling2D):
        modules += _torch_pool(layer)
    elif isinstance(r, (L.GlobalAveragePooling2D, L.GlobalMaxPooling2D)):
        cls = "nn.AdaptiveAvgPool2d" if isinstance(r, L.GlobalAveragePooling2D) else "nn.AdaptiveMaxPool2d"
        modules += [("pool", f"{cls}(1)"), *([] if r.keepdims else [("flatten", "nn.Flatten()")])]
    elif isinstance(r, L.Flatten):
        modules.append(("flatten", "nn.Flatten()"))
    elif isinstance(r, L.Dense):
        if len(layer.input_shape) > 1:
            raise _unsupported(layer, "PyTorch", "a dense layer on a volume: nn.Linear acts on the last axis, which "
                               "channels-first PyTorch makes the width, not the channels")
        bias = "" if r.use_bias else ", bias=False"
        modules.append(("fc", f"nn.Linear({number(channels)}, {number(r.units)}{bias})"))
    elif isinstance(r, L.Dropout):
        modules.append(("dropout", f"nn.Dropout({number(r.rate)})"))
    elif isinstance(r, L.BatchNormalization):
        kind = "nn.BatchNorm2d" if len(layer.input_shape) == 3 else "nn.BatchNorm1d"
        modules.append(("bn", f"{kind}({number(channels)}{'' if r.center and r.scale else ', affine=False'})"))
    elif isinstance(r, L.LeakyReLU):
        modules.append(("leakyrelu", f"nn.LeakyReLU({number(r.alpha if r.alpha is not None else 0.01)})"))
    elif isinstance(r, L.PReLU):
        modules.append(("prelu", f"nn.PReLU({number(channels) if r.channel else ''})"))
    elif isinstance(r, L.Activation):
        modules.append((r.activation, _torch_activation(layer, r.activation)))
    elif isinstance(r, L.ZeroPadding2D):
        top, bottom, left, right = r.padding
        modules.append(("pad", f"nn.ZeroPad2d(({', '.join(map(number, (left, right, top, bottom)))}))"))
    elif isinstance(r, L.UpSampling2D):
        modules.append(("up", f"nn.Upsample(scale_factor={_tuple(r.size)})"))
    elif not isinstance(r, L.Merge):
        raise _unsupported(layer, "PyTorch", f"cnncalc cannot write {r.keras_class} as PyTorch code yet")
    if activation:
        modules.append((activation, _torch_activation(layer, activation)))
    return modules


_MERGE_CODE = {"add": " + ", "mul": " * ", "sub": " - "}


def pytorch_code(net: Network) -> str:
    """The network as a PyTorch nn.Module: one attribute per module, forward() applying them in order."""
    if net.symbolic:
        raise CnnCalcError("--format pytorch writes a network with numeric sizes", "give the input with --input")
    if net.torch:
        raise CnnCalcError("--format pytorch writes the spec's layers under Keras' reading of them",
                           "drop --conventions torch: the code written is PyTorch's either way")
    counters: dict[str, int] = {}
    init: list[str] = []
    forward: list[str] = []
    names = {"input_layer": "x"}
    attributes = Names()
    from ..model.layers import Merge

    for layer in net.layers:
        sources = [names[name] for name in layer.inputs]
        result = f"x{number(layer.index)}" if net.graph else "x"  # a chain reads as x = self.conv1(x)
        if isinstance(layer.layer, Merge):
            if len({len(shape) for shape in layer.input_shapes}) > 1:
                raise _unsupported(layer, "PyTorch", "a merge of tensors of different ranks: PyTorch broadcasts "
                                   "from the last axis, which channels-first makes the width")
            if layer.layer.word == "cat":
                forward.append(f"        {result} = torch.cat([{', '.join(sources)}], dim=1)")
            elif layer.layer.word in _MERGE_CODE:
                forward.append(f"        {result} = {_MERGE_CODE[layer.layer.word].join(sources)}")
            else:
                raise _unsupported(layer, "PyTorch", f"PyTorch code for a '{layer.layer.word}' merge is not written")
            names[layer.name] = result
            continue
        current = sources[0]
        for stem, constructor in _torch_modules(layer):
            counters[stem] = counters.get(stem, 0) + 1
            attribute = attributes.take(f"{stem}{counters[stem]}", "module")
            init.append(f"        self.{attribute} = {constructor}")
            forward.append(f"        {result} = self.{attribute}({current})")
            current = result
        names[layer.name] = current
    shape = (1, net.input_shape[-1], *net.input_shape[:-1])
    last = names[net.layers[-1].name] if net.layers else "x"
    batch = f"[{', '.join(map(number, shape))}]"
    return "\n".join([*docstring("Written by cnncalc from the spec:", "", f"    {spec_line(net)}", "",
                                 f"Its input is a batch shaped {batch} (channels first)."), "", "import torch",
                      "from torch import nn", "", "", "class Net(nn.Module):", "    def __init__(self):",
                      "        super().__init__()", *init, "", "    def forward(self, x):", *forward,
                      f"        return {last}", "", "", "model = Net()", ""])
