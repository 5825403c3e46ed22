"""The frameworks' calls: a layer or a model class made, a layer applied to a tensor, tensors merged, and torch
functions and tensor methods on a tensor, each recorded as a node of the graph."""


from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .builder import input_text
from .channel_ops import NOT_MINE, Grouped, grouped_call, grouped_view, split_call
from .expressions import Expressions
from .frameworks import _MODEL_CLASSES, _READ_OUTS, KERAS_MERGES, TORCH_ELEMENTWISE
from .keras_nested import contain
from .known_networks import apply_network
from .known_values import KnownNetwork
from .layer_subclasses import layer_norm_layer
from .module_tree import ModuleTree
from .own_weights import OwnParameter
from .recognise import layer_item
from .records import Node
from .requirements import concat_axis
from .resizing import scaled_resize, sized_up
from .token_weights import BatchedParameter, class_token
from .torch_attention import refuse_in_chain
from .torch_functions import function_item
from .torch_global import SpatialSize
from .values import (
    _MISSING,
    BatchSize,
    DecidedByRun,
    FrameworkClass,
    Function,
    Instance,
    KerasModel,
    Layer,
    ModuleDict,
    ModuleList,
    Sequential,
    Tensor,
    Unknown,
    _Shape,
)

#: A Keras layer's input shape, which --input may give when the code computes it (input_shape=x_train.shape[1:]).
_INPUT_KEYWORDS = frozenset({"input_shape", "input_dim", "batch_input_shape"})


#: A Keras layer's initialisers, regularisers and constraints (kernel_regularizer=l2(1e-4)): they change no shape
#: nor count, so one computed at run time is no matter.
_NEUTRAL_SUFFIXES = ("_initializer", "_regularizer", "_constraint")


def _shown_axis(axis: Any) -> str:
    shown = repr(axis) if isinstance(axis, (int, float, str)) else ""
    return shown if 0 < len(shown) < 40 else "a value that is not a number"


def _given_name(kwargs: dict[str, Any]) -> str | None:
    """A Keras model's name=, when the code gives it as a string."""
    name = kwargs.get("name")
    return name if isinstance(name, str) else None


class FrameworkCalls(Expressions):
    """Layers, models and tensor operations of Keras and PyTorch."""

    module_tree: ModuleTree

    def framework_call(self, cls: FrameworkClass, args: list[Any], kwargs: dict[str, Any], node: ast.Call) -> Any:
        """A framework class called: a layer made (with constant arguments), or a model or container."""
        if cls.name in _MODEL_CLASSES:
            return self.model_class(cls, args, kwargs, node)
        for value in (*args, *kwargs.values()) if self.inside_model >= 0 else ():
            if isinstance(value, Unknown):
                break
        else:  # the most common: no argument is a run-time value
            return Layer(cls.framework, cls.name, args, kwargs, node)
        given = [value for key, value in kwargs.items() if cls.framework != "keras" or
                 (key not in _INPUT_KEYWORDS and not key.endswith(_NEUTRAL_SUFFIXES))]
        for value in [*args, *given]:
            if isinstance(value, Unknown):
                raise self.error(value.node or node, f"{cls.name}'s argument is {value.why}, which is only known "
                                 "when the code runs", value.hint() if isinstance(value, DecidedByRun) else
                                 "use a constant, or write the layer in a spec")
        return Layer(cls.framework, cls.name, args, kwargs, node)

    def model_class(self, cls: FrameworkClass, args: list[Any], kwargs: dict[str, Any],  # noqa: PLR0911
                    node: ast.Call) -> Any:
        """keras.Sequential, keras.Input, keras.Model, layers.add(…), nn.Sequential, nn.ModuleList/Dict, nn.Module."""
        if cls.framework == "keras" and cls.name == "Sequential":
            layers = args[0] if args else kwargs.get("layers")
            return Sequential("keras", [] if layers is None else self.items(layers, node), node,
                              name=_given_name(kwargs))
        if cls.framework == "keras" and cls.name == "Input":
            shape = kwargs.get("shape", args[0] if args else None)
            return self.input_tensor(shape, node)
        if cls.framework == "keras" and cls.name == "Model":
            inputs = kwargs.get("inputs", kwargs.get("input", args[0] if args else None))  # Keras 1: input=
            outputs = kwargs.get("outputs", kwargs.get("output", args[1] if len(args) > 1 else None))
            return KerasModel(inputs, outputs, node, _given_name(kwargs))
        if cls.framework == "keras" and cls.name in KERAS_MERGES and cls.name.islower():  # layers.add([a, b])
            return self.merge(KERAS_MERGES[cls.name], self.items(args[0], node) if args else [], node,
                              kwargs.get("axis", -1))
        if cls.framework == "torch" and cls.name == "Sequential":
            if args and isinstance(args[0], dict):
                return Sequential("torch", list(args[0].values()), node, list(args[0].keys()))
            return Sequential("torch", list(args), node)
        if cls.framework == "torch" and cls.name in ("ModuleList",):
            return ModuleList(self.items(args[0], node) if args else [])
        if cls.framework == "torch" and cls.name == "ModuleDict":
            return ModuleDict(self.touch(args[0], node) if args else {})
        if cls.framework == "torch" and cls.name == "Module":
            return None
        return Layer(cls.framework, cls.name, args, kwargs, node)

    def input_tensor(self, shape: Any, node: ast.AST) -> Tensor:
        self.nodes.append(Node("input", [], node, input_text(shape, node, self)))
        self.keras_inputs.add(len(self.nodes) - 1)
        return Tensor(len(self.nodes) - 1)

    def apply(self, layer: Layer | Sequential, args: list[Any], node: ast.AST) -> Any:
        """A layer (or a Sequential) called on a tensor: Keras' functional API, or a PyTorch module."""
        if not args:
            raise self.error(node, "a layer called with nothing to act on")
        if isinstance(layer, Sequential):
            current, made = args[0], len(self.nodes)
            try:
                self.enter(node)  # a Sequential nested in a Sequential, two thousand deep

                def run() -> Any:
                    result = current
                    for inner in layer.layers:
                        result = self.apply(inner, [result], node) if isinstance(inner, (Layer, Sequential)) \
                            else self.module_call(inner, result, node)
                    return result

                current = self.inside(layer, run, node)
            finally:
                self.depth -= 1
            if layer.framework == "keras":  # a Keras Sequential nested in the model: one row in Keras' summary
                layer.called = True
                contain(self.nodes, made, layer)
            return current
        if self.module_tree.callers:  # a module of the model's own runs: the layer may be a ModuleList's
            with self.module_tree.called(layer, self.nodes):
                return self._applied(layer, args, node)
        return self._applied(layer, args, node)

    def _applied(self, layer: Layer, args: list[Any], node: ast.AST) -> Any:
        source = args[0]
        if isinstance(source, (list, tuple)) and layer.name in KERAS_MERGES:
            return self.merge(KERAS_MERGES[layer.name], list(source), node, layer.arg(0, "axis", -1))
        if not isinstance(source, Tensor):
            raise self.error(node, f"{layer.name} is applied to something that is not a tensor here")
        if layer.framework == "torch" and layer.name == "MultiheadAttention":  # only attn(x, x, x) (.torch_attention)
            refuse_in_chain(self, node)
        if layer.framework == "torch" and layer.name == "Upsample" and layer.arg(0, "size") is not None and \
                layer.arg(1, "scale_factor") is None:  # to a size: a whole multiple of the map that reaches it
            item, requires = sized_up(self, source, layer.arg(0, "size"), "an Upsample", layer.node,
                                      layer.arg(2, "mode", "nearest"), layer.arg(3, "align_corners")), None
        elif layer.framework == "torch" and layer.name == "Upsample" and layer.arg(0, "size") is None and \
                (resized := scaled_resize(self, source, layer.arg(1, "scale_factor"), layer.arg(2, "mode", "nearest"),
                                          layer.arg(3, "align_corners"), "an Upsample", layer.node)):
            item, requires = resized, None
        else:
            item, requires = layer_item(layer, self)
        if item is None:  # a layer with no row (nn.Identity in a chain is written as 'linear')
            return source
        self.nodes.append(Node("layer", [source.node], layer.node, item, layer, requires, node))
        return Tensor(len(self.nodes) - 1)

    def inside(self, module: Any, run: Callable[[], Any], node: ast.AST) -> Any:
        """``run()``, a call of a module of the model (its forward(), a Sequential's modules), inside the module
        (.module_tree); a module of PyTorch's that gives back its input and makes no row (nn.Sequential(), a
        StochasticDepth in eval mode) is the identity, a row torchinfo shows: written ``linear fn``."""
        made = len(self.nodes)
        with self.module_tree.called(module, self.nodes):
            result = run()
            if len(self.nodes) == made and isinstance(result, Tensor) and module is not self.module_tree.root and \
                    ((isinstance(module, Instance) and module.cls.is_module) or
                     (isinstance(module, Sequential) and module.framework == "torch")):
                self.nodes.append(Node("layer", [result.node], node, "linear fn", applied=node))
                result = Tensor(len(self.nodes) - 1)
        return result

    def apply_known(self, network: KnownNetwork, tensor: Tensor) -> Any:
        """A known network applied where the model's structure applies it (a Sequential's item, the model itself)."""
        return apply_network(self, network, [tensor], {}, network.node)  # type: ignore[arg-type]

    def module_call(self, module: Any, tensor: Any, node: ast.AST) -> Any:
        if isinstance(module, KnownNetwork):  # nn.Sequential(backbone, nn.Linear(…))
            return apply_network(self, module, [tensor], {}, node)
        if isinstance(module, Instance):
            forward = module.cls.lookup("forward")
            if isinstance(forward, Function):
                return self.inside(module, lambda: self.invoke(forward, [module, tensor], {}, node), node)
            inherited = self.container_method(module, "forward", node)
            if inherited is not _MISSING:
                return self.inside(module, lambda: inherited.call(tensor), node)
        raise self.error(node, "cnncalc cannot apply this to a tensor")

    def merge(self, word: str, tensors: list[Any], node: ast.AST, axis: Any = -1, framework: str = "keras") -> Tensor:
        """Tensors merged (x + y, layers.Add()([a, b]), torch.cat): a concatenation must join the channels, which
        only the resolved network knows (Keras' axis=1 on (None, 8, 8, 3) is the height)."""
        if len(tensors) < 2 or not all(isinstance(t, Tensor) for t in tensors):
            raise self.error(node, f"a {word} merge needs two or more tensors")
        try:
            requires = concat_axis(axis, framework) if word == "cat" else None
        except ValueError:
            raise self.error(node, f"a concatenation on {_shown_axis(axis)}, which is not an axis",
                             "concatenate on the channel axis (-1 in Keras, dim=1 in PyTorch)") from None
        self.nodes.append(Node("merge", [t.node for t in tensors], node, word, requires=requires))
        return Tensor(len(self.nodes) - 1)

    def torch_arithmetic(self, name: str, args: tuple[Any, ...], node: ast.AST) -> Any:
        """torch.add(x, y) and its kin (torch.maximum too): two tensors merged, or a tensor and a number value by
        value (no row)."""
        if name != "div" and all(isinstance(a, Tensor) for a in args[:2]):  # torch.maximum: Keras' Maximum
            return self.merge("max" if name == "maximum" else name, list(args[:2]), node)
        if isinstance(args[0], Tensor) and isinstance(args[1], (int, float)) and not isinstance(args[1], bool):
            return args[0]  # x.mul(0.5): value by value, no row (as x * 0.5)
        raise self.error(node, f"torch.{name} of these values has no layer in cnncalc",
                         "write it as a layer of the spec, or remove it")

    def concatenate(self, args: tuple[Any, ...], kwargs: dict[str, Any], node: ast.AST) -> Any:
        """torch.cat: tensors merged, or a class token put before the tokens (.token_weights)."""
        tensors = list(args[0]) if args and isinstance(args[0], (list, tuple)) else []
        dim = kwargs.get("dim", args[1] if len(args) > 1 else 0)
        if any(isinstance(t, (BatchedParameter, OwnParameter)) for t in tensors):
            return class_token(self, tensors, dim, node)
        if len(tensors) == 1 and isinstance(tensors[0], Tensor):
            return tensors[0]  # torch.cat of one tensor is that tensor (DenseNet's first layer of a block)
        return self.merge("cat", tensors, node, dim, "torch")

    def torch_function(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any],  # noqa: PLR0911
                       node: ast.AST) -> Any:
        if name == "cat":
            return self.concatenate(args, kwargs, node)
        if name in ("add", "mul", "sub", "div", "maximum") and len(args) >= 2:
            return self.torch_arithmetic(name, args, node)
        if name == "layer_norm" and args and isinstance(args[0], Tensor):  # in a class built on nn.LayerNorm
            layer = layer_norm_layer(args, kwargs)
            if layer is None:
                raise self.error(node, "cnncalc reads F.layer_norm(x, self.normalized_shape, self.weight, "
                                 "self.bias, self.eps) in a class built on nn.LayerNorm only",
                                 "use nn.LayerNorm, or write the model as a spec")
            applied = self.apply(layer, [args[0]], node)
            if isinstance(applied, Tensor) and self.nodes[applied.node].layer is layer:  # a function of the module's
                self.nodes[applied.node].item += " fn"  # forward(): as torchvision's LayerNorm2d, one module
            return applied
        tensor = args[0] if args else None
        if isinstance(tensor, Grouped):  # the channel shuffle's steps (.channel_ops)
            return grouped_call(self, name, tensor, args[1:], kwargs, node)  # type: ignore[arg-type]
        if isinstance(tensor, Tensor) and name in ("chunk", "split"):
            return split_call(self, name, args, kwargs, node)  # type: ignore[arg-type]
        if isinstance(tensor, Tensor) and name in ("view", "reshape"):
            grouped = grouped_view(self, tensor, args[1:], node)  # type: ignore[arg-type]
            if grouped is not NOT_MINE:
                return grouped
        if not isinstance(tensor, Tensor):
            return Unknown(f"torch.{name}", node)
        if name in TORCH_ELEMENTWISE:
            return tensor
        item, requires = function_item(name, args, kwargs, self, node)
        if item is None:
            return tensor
        # a function, not a module: written 'fn', it has no row of PyTorch's modules, as torchinfo shows it
        self.nodes.append(Node("layer", [tensor.node], node, f"{item} fn", requires=requires, applied=node))
        return Tensor(len(self.nodes) - 1)

    def tensor_method(self, name: str, tensor: Tensor, args: tuple[Any, ...], kwargs: dict[str, Any],  # noqa: PLR0911
                      node: ast.AST) -> Any:
        if isinstance(tensor, Grouped):
            return grouped_call(self, name, tensor, args, kwargs, node)  # type: ignore[arg-type]
        if name == "size":
            axis = args[0] if args else kwargs.get("dim")
            if axis is None:
                return _Shape(tensor)
            if not isinstance(axis, int) or isinstance(axis, bool):
                return Unknown("a tensor's size", node)
            return BatchSize() if axis == 0 else SpatialSize(tensor, axis, node)  # a number when one is needed
        if name in ("contiguous", "clone", "detach", "float", "to", "cuda", "cpu"):
            return tensor
        if name == "pad":  # F.pad(x, …) only: a tensor has no pad()
            raise self.error(node, "a tensor has no method pad()", "write F.pad(x, [left, right, top, bottom])")
        if name in _READ_OUTS:  # a value read off the tensor at run time, not a layer
            return Unknown(f"x.{name}()", node)
        return self.torch_function({"view": "view", "reshape": "view"}.get(name, name), (tensor, *args), kwargs,
                                   node)
