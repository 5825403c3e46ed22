"""One entry of tests/corpus/truth.py, run in its own process: import, build, one forward pass, print a JSON record.

The entry (JSON, first argument) names the model file, how to load it (``mode``), the factory or class and its
literal arguments, and the input shape without the batch axis (channels first for PyTorch, last for Keras).

Modes:
- ``import``: import the file as a module (as ``module`` when given, so that relative imports resolve).
- ``defs``: for scripts that parse arguments or load data at the top: run only the file's import statements and
  its ``def``/``class`` statements, with the manifest's ``globals`` (the script's documented defaults) set first.
- ``script``: run the whole file with dataset loaders returning zeros and ``Model.compile`` stopping the run; the
  model is the one being compiled (Keras scripts that build and train at the top).
"""

from __future__ import annotations

import ast
import enum
import importlib.util
import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"
SUPPORT = MODELS / "support"


class StopScript(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the patched ``compile`` to stop a script once its model is built."""

    def __init__(self, model: object) -> None:
        super().__init__("model built")
        self.model = model


def _module(name: str, **attrs: object) -> types.ModuleType:
    """A stub module registered in sys.modules (a package, so that submodules can hang under it)."""
    module = types.ModuleType(name)
    module.__path__ = []
    module.__dict__.update(attrs)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    return module


def _load(name: str, path: Path) -> types.ModuleType:
    """Import the file at ``path`` as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    spec.loader.exec_module(module)
    return module


def _placeholder(*_args: object, **_kwargs: object) -> None:
    """Stands for a torchvision helper that only matters for data or pretrained weights."""


def stub_torchvision() -> None:
    """torchvision is not installed: stub its data/transform/weights helpers, load its model-building ops verbatim."""
    import itertools
    from collections.abc import Iterable

    def make_ntuple(x: Any, n: int) -> tuple[Any, ...]:
        """torchvision.utils._make_ntuple, as torchvision defines it."""
        if isinstance(x, Iterable):
            return tuple(x)
        return tuple(itertools.repeat(x, n))

    @dataclass
    class Weights:
        url: str
        transforms: Any
        meta: dict[str, Any]

    class WeightsEnum(enum.Enum):
        @classmethod
        def verify(cls, obj: Any) -> Any:
            if obj is not None:
                raise ValueError("the corpus builds models without pretrained weights")
            return obj

    def register_model(name: str | None = None) -> Any:
        return lambda fn: fn

    _module("torchvision")
    _module("torchvision._utils", sequence_to_str=lambda seq, separate_last="": ", ".join(map(str, seq)))
    _module("torchvision._internally_replaced_utils", load_state_dict_from_url=_placeholder)
    _module("torchvision.utils", _log_api_usage_once=_placeholder, _make_ntuple=make_ntuple, save_image=_placeholder)
    _module("torchvision.datasets")
    _module("torchvision.transforms")
    _module("torchvision.transforms._presets", ImageClassification=_placeholder, InterpolationMode=enum.Enum(
        "InterpolationMode", "NEAREST BILINEAR BICUBIC"))
    _module("torchvision.models")
    _module("torchvision.models.utils", load_state_dict_from_url=_placeholder)
    _module("torchvision.models._meta", _IMAGENET_CATEGORIES=[])
    _module("torchvision.models._api", Weights=Weights, WeightsEnum=WeightsEnum, register_model=register_model)
    _load("torchvision.models._utils", SUPPORT / "torchvision__models__utils.py")
    ops = _module("torchvision.ops")
    _load("torchvision.ops.misc", SUPPORT / "torchvision__ops_misc.py")
    depth = _load("torchvision.ops.stochastic_depth", SUPPORT / "torchvision__ops_stochastic_depth.py")
    ops.StochasticDepth = depth.StochasticDepth


def stub_tensorflow() -> None:
    """``from tensorflow import keras`` and ``tensorflow.keras.layers``: Keras 3 itself."""
    import keras

    _module("tensorflow", keras=keras)
    sys.modules["tensorflow.keras"] = keras
    sys.modules["tensorflow.keras.layers"] = keras.layers


def stub_keras2_internals() -> None:
    """Keras 2 module paths that Keras 3 dropped, pointing at Keras 3's own versions of the same helpers."""
    import keras
    from keras import layers
    from keras.src.applications import imagenet_utils

    def obtain_input_shape(input_shape: Any, default_size: int, min_size: int, data_format: str,
                           include_top: bool, weights: Any = None) -> Any:
        """Keras 2.0's ``_obtain_input_shape``: Keras 3 renamed it and its ``include_top`` to ``require_flatten``."""
        return imagenet_utils.obtain_input_shape(input_shape, default_size, min_size, data_format, include_top, weights)

    _module("keras.engine", InputSpec=layers.InputSpec)
    _module("keras.engine.topology", get_source_inputs=keras.utils.get_source_inputs)
    _module("keras.utils.layer_utils", convert_all_kernels_in_model=_placeholder)
    _module("keras.utils.data_utils", get_file=_placeholder)
    _module("keras.utils.conv_utils")
    _module("keras.utils.np_utils", to_categorical=keras.utils.to_categorical)
    keras.applications.imagenet_utils._obtain_input_shape = obtain_input_shape
    keras.preprocessing.image.ImageDataGenerator = _placeholder  # data augmentation only, used after compile
    keras.losses.mse = keras.losses.mean_squared_error  # Keras 2's alias
    keras.backend.int_shape = lambda x: tuple(x.shape)  # Keras 2's static shape of a symbolic tensor
    keras.utils.plot_model = _placeholder  # drawing only; needs pydot


def stub_keras_scripts(images: tuple[int, ...]) -> None:
    """Dataset loaders return two zero images of the script's dataset; ``compile`` stops the script."""
    import keras
    import numpy as np

    def load_data(*_args: object, **_kwargs: object) -> Any:
        x = np.zeros((2, *images), dtype="uint8")
        y = np.zeros((2, 1) if len(images) == 3 else (2,), dtype="uint8")
        return (x, y), (x.copy(), y.copy())

    for name in ("mnist", "cifar10", "fashion_mnist"):
        getattr(keras.datasets, name).load_data = load_data

    def compile_stop(self: object, *_args: object, **_kwargs: object) -> None:
        raise StopScript(self)

    keras.Model.compile = compile_stop


def run_defs(path: Path, name: str, given: dict[str, Any]) -> types.ModuleType:
    """Run only the imports and def/class statements of a script, with ``given`` as its globals."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    kept = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    tree.body = [node for node in tree.body if isinstance(node, kept)]
    module = types.ModuleType(name)
    module.__dict__.update(given)
    module.__file__ = str(path)
    sys.modules[name] = module
    exec(compile(tree, str(path), "exec"), module.__dict__)  # the corpus file itself, not user text
    return module


def run_script(path: Path) -> object:
    """Run a whole script until its model is compiled; return that model."""
    source = path.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": str(path)}
    try:
        exec(compile(source, str(path), "exec"), namespace)  # the corpus file itself, not user text
    except StopScript as stop:
        return stop.model
    raise RuntimeError("the script never compiled a model")


def resolve(module: types.ModuleType, value: Any) -> Any:
    """Manifest arguments are literals; a string '@Name' means the module's attribute Name."""
    if isinstance(value, str) and value.startswith("@"):
        return getattr(module, value[1:])
    if isinstance(value, list):
        return [resolve(module, item) for item in value]
    return value


def build(entry: dict[str, Any]) -> tuple[object, Any]:
    """The entry's model object, and the framework module."""
    stubs = entry.get("stubs", [])
    if "torchvision" in stubs:
        stub_torchvision()
    if "tensorflow" in stubs:
        stub_tensorflow()
    if "keras2_internals" in stubs:
        stub_keras2_internals()
    for missing in entry.get("empty_modules", []):
        _module(missing)
    mode = entry.get("mode", "import")
    path = MODELS / entry["file"]
    if mode == "script":
        stub_keras_scripts(tuple(entry["dataset_images"]))
        return run_script(path), None
    for dotted, sibling in entry.get("siblings", {}).items():
        parent = dotted.rpartition(".")[0]
        if parent and parent not in sys.modules:
            _module(parent)
        _load(dotted, MODELS / sibling)
    name = entry.get("module", "corpus_model")
    parent = name.rpartition(".")[0]
    if parent and parent not in sys.modules:
        _module(parent)
    module = run_defs(path, name, entry.get("globals", {})) if mode == "defs" else _load(name, path)
    factory = getattr(module, entry["build"])
    args = [resolve(module, arg) for arg in entry.get("args", [])]
    kwargs = {key: resolve(module, value) for key, value in entry.get("kwargs", {}).items()}
    kwargs.update(dict.fromkeys(entry.get("none_kwargs", [])))  # TOML has no None
    return factory(*args, **kwargs), module


def shape_of(value: Any) -> Any:
    """A tensor's shape as a list, or a nested list of shapes for tuples and lists."""
    if hasattr(value, "shape"):
        return [None if dim is None else int(dim) for dim in value.shape]
    if isinstance(value, list | tuple):
        return [shape_of(item) for item in value]
    if isinstance(value, dict):
        return {str(key): shape_of(item) for key, item in value.items()}
    return None


def torch_record(model: Any, shape: list[int]) -> dict[str, Any]:
    """Parameters, buffers and leaf-module calls of a PyTorch model after one forward pass on zeros."""
    import torch

    model.eval()
    calls: list[dict[str, Any]] = []
    names = {id(module): name for name, module in model.named_modules()}

    def hook(module: Any, _inputs: Any, output: Any) -> None:
        calls.append({"name": names.get(id(module), "?"), "class": type(module).__name__,
                      "output_shape": shape_of(output)})

    for module in model.modules():
        if not list(module.children()):
            module.register_forward_hook(hook)
    with torch.no_grad():
        output = model(torch.zeros(1, *shape))
    params = list(model.parameters())
    return {
        "total_params": sum(p.numel() for p in params),
        "trainable_params": sum(p.numel() for p in params if p.requires_grad),
        "buffers": sum(b.numel() for b in model.buffers()),
        "output_shape": shape_of(output),
        "layers": calls,
    }


def keras_record(model: Any, shape: list[int] | None) -> dict[str, Any]:
    """Weights and each layer's output shape of a Keras model after one forward pass on zeros."""
    import numpy as np

    if shape is None:
        shape = [int(dim) for dim in model.inputs[0].shape[1:]]
    output = model(np.zeros((1, *shape), dtype="float32"), training=False)
    layers = []
    for layer in model.layers:
        try:
            out = shape_of(layer.output)
        except (AttributeError, ValueError):
            out = None
        layers.append({"name": layer.name, "class": type(layer).__name__, "output_shape": out})
    size = lambda weights: sum(int(np.prod(w.shape)) for w in weights)  # noqa: E731
    return {
        "input": shape,
        "total_params": int(model.count_params()),
        "trainable_params": size(model.trainable_weights),
        "buffers": size(model.non_trainable_weights),
        "output_shape": shape_of(output),
        "layers": layers,
    }


def main() -> None:
    """Build the entry given as JSON in argv[1] and print its record as one JSON line."""
    entry = json.loads(sys.argv[1])
    sys.argv = [str(MODELS / entry["file"])]
    model, _ = build(entry)
    versions: dict[str, str] = {}
    if entry["framework"] == "torch":
        import torch

        versions["torch"] = torch.__version__
        record = torch_record(model, entry["input"])
    else:
        import keras

        versions["keras"] = keras.__version__
        versions["keras_backend"] = keras.backend.backend()
        import torch

        versions["torch"] = torch.__version__
        record = keras_record(model, entry.get("input"))
    print(json.dumps({"versions": versions, **record}))


if __name__ == "__main__":
    main()
