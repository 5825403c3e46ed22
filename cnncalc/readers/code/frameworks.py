"""The names of Keras and PyTorch cnncalc knows: layer classes, merges, torch functions, and the modules they
live in."""

from __future__ import annotations

import ast
import functools
import math
from typing import Any

from .known_networks import known_class
from .own_weights import MAKERS, make_tensor
from .plain_classes import PYTHON_MODULES as PLAIN_CLASS_MODULES
from .pybuiltins import _BUILTINS
from .values import Builtin, FrameworkClass, Namespace, Partial, Unknown

#: Keras layer classes cnncalc models, with their Keras 1 and alias spellings.
KERAS_LAYERS = frozenset({
    "Conv2D", "Convolution2D", "Conv1D", "Convolution1D", "Conv3D", "Dense", "Flatten", "Dropout",
    "SpatialDropout2D", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D", "GlobalAveragePooling2D",
    "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D", "BatchNormalization", "Activation", "ReLU",
    "LeakyReLU", "PReLU", "ELU", "Softmax", "ZeroPadding2D", "Cropping2D", "UpSampling2D", "Conv2DTranspose",
    "Deconvolution2D", "DepthwiseConv2D", "SeparableConv2D", "Reshape", "Permute", "Embedding",
    "LayerNormalization", "MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D", "GlobalAveragePooling1D",
    "GlobalMaxPooling1D", "Add", "Concatenate", "Multiply", "Average", "Maximum", "Subtract", "InputLayer",
    "Rescaling", "Normalization", "GroupNormalization", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip",
    "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
    "AdaptiveAveragePooling2D", "AdaptiveMaxPooling2D",
    "AdaptiveAveragePooling1D", "AdaptiveMaxPooling1D",
})
KERAS_MERGES = {"Add": "add", "Concatenate": "cat", "Multiply": "mul", "Average": "avg", "Maximum": "max",
                "Subtract": "sub", "add": "add", "concatenate": "cat", "multiply": "mul", "average": "avg",
                "maximum": "max", "subtract": "sub"}
TORCH_LAYERS = frozenset({
    "Conv2d", "Conv1d", "Conv3d", "ConvTranspose2d", "ConvTranspose1d", "Linear", "MaxPool2d", "MaxPool1d",
    "MaxPool3d", "AvgPool2d", "AvgPool1d", "AvgPool3d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
    "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "BatchNorm2d", "BatchNorm1d", "BatchNorm3d", "Dropout", "Dropout2d",
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax", "Hardswish", "Hardsigmoid",
    "Mish", "PReLU", "SELU", "Flatten", "Identity", "Upsample", "ZeroPad2d", "Embedding", "LayerNorm", "GroupNorm",
    "LocalResponseNorm", "ReflectionPad2d", "ReplicationPad2d", "PixelShuffle", "InstanceNorm2d", "LogSoftmax",
    "ChannelShuffle",
})
#: torch.nn.functional, torch and Tensor methods that act on a tensor like a layer, as spec words.
TORCH_FUNCTIONS = {"relu": "relu", "relu6": "relu6", "elu": "elu", "selu": "selu", "gelu": "gelu", "silu": "swish",
                   "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax", "hardswish": "hardswish",
                   "hardsigmoid": "hardsigmoid",
                   "mish": "mish", "leaky_relu": "leakyrelu", "log_softmax": "logsoftmax"}

#: The framework classes that make a model or a container rather than a layer (Interpreter.model_class).
_MODEL_CLASSES = frozenset({"Sequential", "Input", "Model", "ModuleList", "ModuleDict", "Module",
                            *(name for name in KERAS_MERGES if name.islower())})

#: The modules whose names cnncalc knows; the layer classes of Keras (and TensorFlow's Keras) and of PyTorch.
_KNOWN_MODULES = frozenset({"keras", "tensorflow", "tf_keras", "torch", "collections", "math", "typing",
                            "argparse", "functools", "dataclasses", "copy"})


def _cast(kind: Any, value: Any) -> Any:
    """typing.cast(int, v): v, as Python gives it."""
    return value


def _partial(function: Any, /, *args: Any, **kwargs: Any) -> Any:
    """functools.partial(f, *args, **kwargs), as Python makes it (a partial of a partial is flattened when called);
    of a function only known when the code runs, unknown for its reason."""
    if isinstance(function, Unknown):
        return function
    return Partial(function, args, kwargs)


#: The names of Python's math and typing modules a model definition uses, as Python computes them (math's
#: functions are called through Interpreter.builtin, which charges and bounds their arguments).
_PYTHON_MODULES: dict[str, dict[str, Any]] = {
    "math": {"floor": math.floor, "ceil": math.ceil, "sqrt": math.sqrt, "log": math.log, "log2": math.log2,
             "log10": math.log10, "exp": math.exp, "trunc": math.trunc, "fabs": math.fabs, "gcd": math.gcd,
             "isqrt": math.isqrt, "pi": math.pi, "e": math.e, "inf": math.inf},
    "typing": {"cast": Builtin(_cast, "cast")},
    "functools": {"partial": Builtin(_partial, "partial")},
    **PLAIN_CLASS_MODULES,
}


#: Methods that give a PyTorch model back unchanged in shape and count: model = model.cuda() may be skipped.
_NEUTRAL_METHODS = frozenset({"cuda", "cpu", "to", "eval", "train", "float", "double", "half", "share_memory"})


def _neutral(node: ast.AST, name: str) -> bool:
    """``name = name.cuda()``, ``name = name.to(device)``: a rebinding that leaves the model as it is."""
    value = getattr(node, "value", None)
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
        value.func.attr in _NEUTRAL_METHODS and isinstance(value.func.value, ast.Name) and value.func.value.id == name


#: torch.nn's classes that make no layer: a parameter of the module's own is refused where it is made.
_NOT_LAYERS = frozenset({"Parameter", "ParameterList", "ParameterDict", "UninitializedParameter",
                         "UninitializedBuffer"})


def _star_names(module: Any) -> frozenset[str]:
    """The names ``from MODULE import *`` binds that cnncalc knows: a framework's layer and model classes, torch's
    functions; none for a module cnncalc does not know (its names stay unknown, each an error where it is used)."""
    if not isinstance(module, Namespace) or module.path in _PYTHON_MODULES:
        return frozenset()
    parts = module.path.split(".")
    if module.framework == "torch":
        if parts[-1] in ("nn", "functional", "F"):
            return frozenset(TORCH_FUNCTIONS) | _TORCH_OPS if parts[-1] != "nn" else \
                TORCH_LAYERS | {"Module", "Sequential", "ModuleList", "ModuleDict"}
        return frozenset()
    if parts[-1] == "layers":
        return KERAS_LAYERS | {"Input"} | {name for name in KERAS_MERGES if name.islower()}
    if parts[-1] == "models":
        return frozenset({"Sequential", "Model"})
    return frozenset()


def _module(path: str, node: ast.AST) -> Namespace | Unknown:
    if path.split(".", 1)[0] in _KNOWN_MODULES or path in ("torchvision.ops", "torchvision.ops.stochastic_depth") \
            or path == "torchvision" or path.startswith("torchvision.models"):
        return Namespace(path)
    return Unknown(f"the module {path}", node)


#: torchvision.ops' layer classes cnncalc has a word for (torchvision's other names are only known when it runs).
TORCHVISION_LAYERS = frozenset({"StochasticDepth"})


#: torch functions and tensor methods value by value (torch.exp(0.5 * logvar)), or a tensor of the same shape
#: (torch.randn_like(std)): the tensor's shape, nothing learned, no row of their own.
TORCH_ELEMENTWISE = frozenset({"exp", "log", "sqrt", "rsqrt", "abs", "neg", "square", "randn_like", "rand_like",
                               "zeros_like", "ones_like", "empty_like"})

_TORCH_OPS = frozenset({"flatten", "cat", "add", "mul", "sub", "div", "view", "reshape", "max_pool2d", "avg_pool2d",
                        "adaptive_avg_pool2d", "adaptive_max_pool2d", "dropout", "dropout2d", "interpolate",
                        "max_pool1d", "avg_pool1d", "mean", "amax", "squeeze", "log_softmax", "pad", "permute",
                        "layer_norm", "chunk", "split", "transpose", "maximum", "local_response_norm",
                        *TORCH_ELEMENTWISE})


#: Tensor methods that read a value off the tensor: what they give is only known when the model runs.
_READ_OUTS = frozenset({"sum", "max", "min", "item", "norm", "any", "all", "argmax", "argmin", "numel", "dim",
                        "std", "var", "tolist", "numpy"})


@functools.lru_cache(maxsize=4096)
def _namespace_attribute(path: str, name: str) -> Any:  # noqa: PLR0911, PLR0912 - one per kind of name
    """A name of a module cnncalc knows: a layer class of Keras or PyTorch, a function of torch's, or a deeper
    namespace (the same object each time: a file of 10,000 layers asks 10,000 times)."""
    if path.split(".", 1)[0] == "argparse":  # argparse.ArgumentParser: a script's command line (.command_line)
        return Namespace(f"{path}.{name}")
    if path == "torch.jit" and name in ("is_scripting", "is_tracing"):  # the model is read as it runs eagerly
        return Builtin(lambda *args, **kwargs: False, name)
    if path in _PYTHON_MODULES:  # math.floor; typing's Any, List, Optional only annotate
        return _PYTHON_MODULES[path].get(name, Unknown(f"{path}.{name}"))
    known = known_class(path, name)  # torchvision.models.resnet50, keras.applications.MobileNetV2
    if known is not None:
        return known
    if path == "torchvision" and name == "models":
        return Namespace("torchvision.models")
    if path.startswith("torchvision"):  # from torchvision.ops import StochasticDepth
        return FrameworkClass("torch", name) if name in TORCHVISION_LAYERS else Unknown(f"{path}.{name}")
    framework = Namespace(path).framework
    if framework == "keras" and name in _DATA_FORMATS:  # keras.backend.image_data_format(): Keras' default
        return Builtin(functools.partial(_data_format, _DATA_FORMATS[name]), name)
    if framework == "keras" and name == "Functional":  # keras.src.models.Functional, which keras.Model makes
        return FrameworkClass("keras", "Model")
    if framework == "keras" and (name in KERAS_LAYERS or name in ("Sequential", "Model", "Input") or
                                 (name in KERAS_MERGES and name.islower())):
        return FrameworkClass("keras", name)
    if framework == "torch" and (name in TORCH_LAYERS or name in ("Module", "Sequential", "ModuleList", "ModuleDict")):
        return FrameworkClass("torch", name)
    if framework == "torch" and path.rsplit(".", 1)[-1] == "nn" and name[:1].isupper() and name not in _NOT_LAYERS:
        return FrameworkClass("torch", name)  # nn.ReflectionPad2d: refused where it is made, when it is applied
    if path == "torch" and name in MAKERS:  # torch.ones(dim, 1, 1): a tensor of constant shape (.own_weights)
        return Builtin(functools.partial(make_tensor, name), name)
    if framework == "torch" and path in ("torch", "torch.nn.functional", "F") and \
            (name in TORCH_FUNCTIONS or name in _TORCH_OPS) and (name != "pad" or path != "torch"):
        return Builtin(functools.partial(_torch_call, "torch-function", name), name)
    if name == "OrderedDict":
        return _BUILTINS["OrderedDict"]
    return Namespace(f"{path}.{name}" if path else name)


#: Keras' data format as its backend tells it: cnncalc reads Keras code channels-last, Keras' default (a layer given
#: data_format='channels_first' and set_image_data_format to anything else are refused where they are written).
_DATA_FORMATS = {"image_data_format": "channels_last", "image_dim_ordering": "tf"}


def _data_format(value: str, /) -> str:
    return value


def _torch_call(kind: str, name: str, /, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """A call of a torch function (kind "torch-function") or of a tensor's method ("tensor-method", the tensor
    first), handed back to the interpreter; positional-only, so no keyword of the code's can replace the name."""
    if kind == "tensor-method":
        return kind, name, args[0], args[1:], kwargs
    return kind, name, args, kwargs
