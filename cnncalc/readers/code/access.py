"""Reading into values: an item of a sequence or mapping, an attribute of a module, a class, an instance,
a tensor or a layer."""

from __future__ import annotations

import ast
import functools
from typing import Any

from .channel_ops import Grouped, tensor_item
from .command_line import Arguments, Parser
from .constant_calls import constant_attribute, constant_item
from .constant_tensors import ConstTensor
from .containers import _CHANGING, Containers
from .frameworks import _namespace_attribute, _torch_call
from .frozen_modules import freezable, freeze_module
from .keras_shapes import correct_pad, keras_tensor, resolved_shape, shape_item
from .known_features import Features, features_attribute
from .known_freezing import NetworkLayers, Parameter, parameter_attribute
from .known_heads import HeadPart, part_attribute, part_item
from .known_networks import network_attribute
from .known_values import KnownNetwork
from .layer_attributes import layer_attribute
from .layer_subclasses import LayerWeights, base_attribute
from .limits import _is_plain, _size
from .own_weights import WEIGHTS_METHODS, ConstantTensor, OwnParameter, weights_method
from .torch_sizes import shape_part, torch_shape
from .torchvision_weights import weights_verify
from .values import (
    _MISSING,
    Builtin,
    FrameworkClass,
    Function,
    Instance,
    Layer,
    Method,
    Namespace,
    Sequential,
    Tensor,
    Unknown,
    UserClass,
    UserModule,
    _Shape,
    _SuperCall,
)

#: A PyTorch module's methods that return the module itself: model = Net().to(device), net.cuda(), net.eval().
_RETURNS_ITSELF = frozenset({"to", "cuda", "cpu", "eval", "train", "float", "double", "half", "requires_grad_"})


class Access(Containers):
    """Items and attributes of the code's values."""

    #: the lines where a module's self.training is read, as False: the model is read as model.eval() runs it
    eval_reads: list[int]
    #: the graph's nodes made by keras.Input, and --input with its layout (.keras_shapes)
    keras_inputs: set[int]
    keras_shapes: dict[int, tuple[int, ...]]
    given_input: tuple[str | None, str | None]

    def subscript(self, value: Any, index: Any, node: ast.AST) -> Any:  # noqa: PLR0911 - one per owner kind
        if isinstance(value, _Shape):
            if keras_tensor(self, value.tensor):  # Keras: the shape the graph built so far resolves to
                return shape_item(self, value, index, node)
            return shape_part(self, value, index, node)  # PyTorch: kept lazy until a number is needed
        if isinstance(value, Tensor):  # DPN's x[:, :d, :, :]: a slice of the channels, or refused here
            return tensor_item(self, value, index, node)  # type: ignore[arg-type]
        if isinstance(value, Grouped):
            raise self.error(node, "cnncalc cannot follow an item of a 5-D view of a tensor's channels")
        if isinstance(value, HeadPart):  # model.classifier[-1]
            return part_item(self, value, index, node)
        if isinstance(value, (KnownNetwork, NetworkLayers)):  # base.layers[:-20]: some of its layers
            network = value if isinstance(value, KnownNetwork) else value.network
            raise self.error(node, f"cnncalc reads {network.name} as one whole network: some of its layers (an item "
                             "or a slice) are not followed",
                             "freeze or train it whole (base.trainable = False), or write the model as a spec")
        if isinstance(value, Sequential):
            return value.layers[index] if not isinstance(index, slice) else \
                Sequential(value.framework, value.layers[index], value.node)
        if not _is_plain(value) or not _is_plain(index):  # t[0], t[1:] of a tensor of constants are its items
            return constant_item(value, index, node) if isinstance(value, ConstTensor) else \
                Unknown("an element cnncalc cannot find", node)
        result = value[self.touch(index, node)]  # [][0] and {}['a'] fail here, as when the code runs
        self.charge(_size(result) if isinstance(index, slice) else 1, node)
        return result

    def items(self, value: Any, node: ast.AST) -> list[Any]:
        """A tensor's shape unpacked (``b, c, h, w = x.size()``) as the graph built so far gives it; any other
        sequence as :meth:`Core.items` expands it."""
        if isinstance(value, _Shape):
            return list(resolved_shape(self, value, node) if keras_tensor(self, value.tensor) else
                        torch_shape(self, value.tensor, node))
        return super().items(value, node)

    def attribute(self, owner: Any, name: str, node: ast.AST) -> Any:  # noqa: PLR0911, PLR0912 - one per owner kind
        if name == "requires_grad_" and freezable(owner):  # model.features.requires_grad_(False): frozen whole
            return Builtin(functools.partial(freeze_module, self, owner, node), name)
        if isinstance(owner, Namespace):
            if name in ("set_image_data_format", "set_image_dim_ordering") and owner.framework == "keras":
                return Builtin(functools.partial(self.set_data_format, name, node), name)
            if name == "int_shape" and owner.framework == "keras" and owner.path.rsplit(".", 1)[-1] == "backend":
                return Builtin(functools.partial(self.int_shape, node), name)
            if name == "correct_pad" and owner.framework == "keras" and owner.path.endswith("imagenet_utils"):
                return Builtin(functools.partial(correct_pad, self, node), name)
            if name in ("Parameter", "ParameterList", "ParameterDict") and owner.framework == "torch":
                return Builtin(functools.partial(self.own_parameter, name, node), name)
            return _namespace_attribute(owner.path, name)
        if isinstance(owner, (Parser, Arguments)):
            return owner.attribute(name, node)
        if isinstance(owner, KnownNetwork):  # base.trainable, model.fc, model.parameters()
            return network_attribute(self, owner, name, node)
        if isinstance(owner, (HeadPart, Features)):  # model.fc.in_features, model.features.requires_grad_(False)
            return (part_attribute if isinstance(owner, HeadPart) else features_attribute)(self, owner, name, node)
        if isinstance(owner, Parameter):  # p.requires_grad of model.parameters()
            return parameter_attribute(self, owner, name, node)
        if isinstance(owner, Instance):
            if name in owner.attributes:
                return owner.attributes[name]
            found = owner.cls.lookup(name)
            if isinstance(found, Function):
                return self.bound(found, owner, owner.cls, node)
            if found is _MISSING and name == "training" and owner.cls.is_module:
                self.eval_reads.append(self.line_of(node))  # read as model.eval() runs it
                return False
            if found is _MISSING and name in _RETURNS_ITSELF and owner.cls.is_module:
                return Builtin(lambda *args, **kwargs: owner, name)  # model = Net().to(device)
            if found is _MISSING and owner.cls.is_module:
                found = self.container_method(owner, name, node)
            if found is _MISSING and owner.cls.is_module:
                found = self.module_method(owner, name, node)
            if found is _MISSING and owner.base_layer is not None:  # LayerNorm2d's self.weight, self.eps
                return base_attribute(owner, name, node)
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, UserClass):
            found = owner.lookup(name)
            if isinstance(found, Function) and found.binding == "class":
                return Method(found, owner)
            verify = weights_verify(owner, name, node) if found is _MISSING else None
            if verify is not None:
                return verify
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, UserModule):
            if name in owner.names:
                return owner.names[name]
            raise self.error(node, f"{owner.path} defines no name '{name[:60]}'")
        if isinstance(owner, _SuperCall):
            return self.super_attribute(owner, name, node)
        if isinstance(owner, ConstTensor):
            return constant_attribute(self, owner, name, node)
        if isinstance(owner, Tensor):
            if name == "shape":
                return _Shape(owner)
            if name == "data":  # x.data.size(): the same tensor, outside autograd
                return owner
            return Builtin(functools.partial(_torch_call, "tensor-method", name, owner), name)
        if isinstance(owner, Grouped):  # x.view(b, g, c // g, h, w).permute(…): read by .channel_ops
            return Builtin(functools.partial(_torch_call, "tensor-method", name, owner), name)
        if isinstance(owner, Sequential) and owner.framework == "torch" and name in _RETURNS_ITSELF:
            return Builtin(lambda *args, **kwargs: owner, name)
        if isinstance(owner, Sequential) and name in ("add", "append"):
            return Builtin(functools.partial(self.grow, owner.layers, "append", name, node), name)
        if isinstance(owner, Sequential) and owner.framework == "keras" and name == "layers":  # a new list, as Keras'
            return [layer for layer in owner.layers if not isinstance(layer, Tensor) and
                    not (isinstance(layer, Layer) and layer.name == "InputLayer")]
        if isinstance(owner, Sequential):
            found = self.sequential_method(owner, name, node)
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, list) and name in ("append", "extend", "insert"):
            return Builtin(functools.partial(self.grow, owner, name, name, node), name)
        if isinstance(owner, dict) and name in ("items", "keys", "values", "get"):
            return getattr(owner, name)
        if isinstance(owner, (list, dict, set, str)):
            found = self.plain_method(owner, name, node)
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, FrameworkClass) and owner.name == "Module":
            return Unknown("nn.Module", node)
        if isinstance(owner, (ConstantTensor, OwnParameter)) and name in WEIGHTS_METHODS:  # t.normal_(), p.expand()
            return weights_method(self, owner, name, node)
        if isinstance(owner, (OwnParameter, LayerWeights)) and name == "requires_grad_":  # frozen: not trainable
            return Builtin(functools.partial(self._refuse_change, name, node), name)
        if isinstance(owner, Layer):
            if name in _CHANGING and name != "apply":
                return Builtin(functools.partial(self._refuse_change, name, node), name)
            return layer_attribute(owner, name, node)
        return Unknown(f"the attribute '{name}'", node)

    def int_shape(self, node: ast.AST, *args: Any, **kwargs: Any) -> Any:
        """keras.backend.int_shape(x): x.shape, as a tuple Keras gives."""
        if len(args) == 1 and not kwargs and isinstance(args[0], Tensor) and keras_tensor(self, args[0]):
            return _Shape(args[0])
        return Unknown("backend.int_shape() of something that is not a Keras tensor", node)

    def bound(self, function: Function, instance: Instance, cls: UserClass, node: ast.AST) -> Any:
        """A function of a class read off an instance: a method, a static or class method, or a property's value."""
        if function.binding == "static":
            return function
        if function.binding == "class":
            return Method(function, cls)
        if function.binding == "property":
            return self.invoke(function, [instance], {}, node)
        return Method(function, instance)
