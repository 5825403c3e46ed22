"""Transfer learning in model code: a network of the zoo made by its framework's builder
(``keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(160, 160, 3))``,
``torchvision.models.resnet50(weights=…)``) is the spec's known network as one item (``keras:MobileNetV2 notop``,
``resnet50``), and freezing it as a whole (``base.trainable = False``, ``model.requires_grad_(False)``, ``for p in
model.parameters(): p.requires_grad = False``) is its ``frozen``. Weights never matter, only their count. Its
classifier replaced (``model.fc = nn.Linear(model.fc.in_features, 10)``) is :mod:`.known_heads`' matter. Any other
argument, part or change of the network is refused where it is written, with what would work."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .known_freezing import NetworkLayers, Parameter, freeze, shown
from .known_values import KnownClass, KnownNetwork
from .values import Tensor, Unknown

if TYPE_CHECKING:
    from .calls import Interpreter

#: each builder's arguments that change nothing cnncalc counts, and the value of each of the others it follows
#: (keras.applications' and torchvision's defaults); any other value of these, and any other argument, is refused
_KERAS_FREE = frozenset({"weights", "input_shape", "classifier_activation", "dropout", "dropout_rate"})
_KERAS_DEFAULTS: dict[str, Any] = {"input_tensor": None, "pooling": None, "alpha": 1.0, "depth_multiplier": 1,
                                   "minimalistic": False, "include_preprocessing": True}
_TORCH_FREE = frozenset({"weights", "pretrained", "progress"})
_TORCH_DEFAULTS: dict[str, Any] = {"num_classes": 1000}
_HINTS = {"pooling": "leave pooling out and put GlobalAveragePooling2D() after the network",
          "input_tensor": "call the network on the tensor instead: x = base(inputs, training=False)",
          "num_classes": "replace its classifier instead: model.fc = nn.Linear(model.fc.in_features, 10)",
          "classes": "leave classes out with include_top=False, and put your own Dense after the network"}
#: Keras methods of a network that change nothing cnncalc counts
_KERAS_METHODS = frozenset({"summary", "compile", "fit", "evaluate", "predict", "save", "count_params"})
#: PyTorch methods that give the network back unchanged
_TORCH_ITSELF = frozenset({"to", "cuda", "cpu", "eval", "train", "float", "double", "half"})


def known_class(path: str, name: str) -> KnownClass | None:
    """The builder a module's name is, when the zoo holds its network: a name of ``keras.applications`` (or of one
    of its modules, ``keras.applications.mobilenet_v2``) or of ``torchvision.models``."""
    from ...zoo.names import held

    parts = path.split(".")
    if parts[0] == "torchvision" and parts[1:2] == ["models"] and name in held("torchvision"):
        return KnownClass("torchvision", name)
    if parts[0] != "torchvision" and "applications" in parts and name in held("keras"):
        return KnownClass("keras", name)
    return None


def make_network(interpreter: Interpreter, cls: KnownClass, args: list[Any], kwargs: dict[str, Any],
                 node: ast.AST) -> KnownNetwork:
    """The builder called: its arguments checked against what cnncalc follows."""
    keras = cls.framework == "keras"
    builder = f"keras.applications.{cls.network}" if keras else f"torchvision.models.{cls.network}"
    if args:
        raise interpreter.error(node, f"{builder} given an argument by position",
                                "give its arguments by keyword, as in " +
                                ("MobileNetV2(include_top=False, weights=\"imagenet\", input_shape=(160, 160, 3))"
                                 if keras else "resnet50(weights=\"DEFAULT\")"))
    free, defaults = (_KERAS_FREE, _KERAS_DEFAULTS) if keras else (_TORCH_FREE, _TORCH_DEFAULTS)
    top = kwargs.get("include_top", True) if keras else True
    if top not in (True, False):
        raise interpreter.error(node, f"{builder}'s include_top is {shown(top)}, which is only known when the code "
                                "runs", "write include_top=False (or True)")
    for key, value in kwargs.items():
        if key in free or key == "include_top":
            continue
        wanted = 1000 if key == "classes" and keras and top else defaults.get(key, _NOTHING)
        if key == "classes" and keras and not top:
            continue  # Keras ignores classes without the top
        if wanted is _NOTHING:
            raise interpreter.error(node, f"{builder}'s argument {key}=, which cnncalc does not follow",
                                    "leave it out, or write the model as a spec")
        if (value is not wanted and value != wanted) or isinstance(value, Unknown):
            raise interpreter.error(node, f"{builder} with {key}={shown(value)}: cnncalc follows the network as the "
                                    f"zoo holds it, with {key}={wanted!r}",
                                    _HINTS.get(key, f"leave {key} out, or write the model as a spec"))
    weights = kwargs.get("weights")
    if keras and weights not in ("imagenet", None):
        raise interpreter.error(node, f"{builder}'s weights loaded from {shown(weights)}",
                                "cnncalc counts weights and never loads them: write weights=\"imagenet\" or "
                                "weights=None, whose count is the same")
    if not keras and cls.network == "googlenet" and (weights is not None or kwargs.get("pretrained")):
        raise interpreter.error(node, "googlenet with pretrained weights drops its auxiliary classifiers, which "
                                "the zoo's googlenet holds", "build it with weights=None, or write it as a spec")
    shape = kwargs.get("input_shape") if keras else None
    if keras and not (shape is None or (isinstance(shape, (tuple, list)) and all(
            isinstance(size, int) and not isinstance(size, bool) for size in shape))):
        raise interpreter.error(node, f"{builder}'s input_shape {shown(shape)} is not a tuple of sizes",
                                "write it as input_shape=(160, 160, 3)")
    return KnownNetwork("keras" if keras else "torchvision", cls.network, not top, shape, node)


_NOTHING: Any = object()


def apply_network(interpreter: Interpreter, network: KnownNetwork, args: list[Any], kwargs: dict[str, Any],
                  node: ast.AST) -> Any:
    """The network called on a tensor (``base(inputs, training=False)``, ``self.backbone(x)``): its row, then the
    module that replaced its classifier (:mod:`.known_heads`)."""
    from .known_heads import apply_head
    from .records import Node

    network.applied = True  # a part of the model that applies it, even when this call is refused
    given = args[0] if len(args) == 1 else kwargs.get("inputs") if not args and "inputs" in kwargs else None
    if set(kwargs) - {"training", "inputs"} or len(args) > 1 or given is None:
        raise interpreter.error(node, f"{network.name} called on something other than one tensor",
                                "call it on one tensor: base(inputs, training=False)")
    if isinstance(given, Unknown) and not interpreter.strict:
        return Unknown(f"{network.name} applied to {given.why}", node)  # a training loop's batch, say
    if not isinstance(given, Tensor):
        raise interpreter.error(node, f"{network.name} is applied to something that is not a tensor here")
    if network.framework == "keras" and network.input_shape is not None:
        from .keras_shapes import graph_shape, keras_tensor

        found = graph_shape(interpreter, given, node, "keras") if keras_tensor(interpreter, given) else None
        if found is not None and found != tuple(network.input_shape):
            raise interpreter.error(node, f"{network.name}, built for inputs shaped {tuple(network.input_shape)}, "
                                    f"called on a tensor shaped {found}",
                                    "give the network the input_shape of the tensor it is called on")
    interpreter.nodes.append(Node("layer", [given.node], network.node, network.item(), network, applied=node))
    return apply_head(interpreter, network, Tensor(len(interpreter.nodes) - 1), node)


def network_attribute(interpreter: Interpreter, network: KnownNetwork, name: str,  # noqa: PLR0911 - one per name
                      node: ast.AST) -> Any:
    """``base.trainable``, ``base.input``, ``base.output``, ``model.parameters()``, ``model.requires_grad_(False)``,
    ``model.fc`` and ``model.classifier``; any other part of the network is refused."""
    from .known_features import Features, features_held
    from .known_heads import head_part
    from .values import Builtin

    if network.framework == "keras":
        if name == "trainable":
            return not network.frozen
        if name == "layers":
            return NetworkLayers(network)
        if name in ("input", "output", "inputs", "outputs"):
            return _keras_ends(interpreter, network, name, node)
        if name in _KERAS_METHODS:
            return Unknown(f"{network.name}.{name}()", node)
        raise interpreter.error(node, f"cnncalc reads {network.name} as one whole network: its .{name[:40]} is not "
                                "followed", "freeze or train it whole (base.trainable = False), or write the model "
                                "as a spec")
    if name in _TORCH_ITSELF:
        return Builtin(lambda *args, **kwargs: network, name)
    if name == "requires_grad_":
        return Builtin(lambda requires_grad=True: freeze(interpreter, network, requires_grad, node), name)
    if name in ("parameters", "named_parameters"):
        one = Parameter(network)
        return Builtin(lambda *args, **kwargs: [one] if name == "parameters" else
                       [(Unknown("a parameter's name", node), one)], name)
    if name == "features" and features_held(network):  # model.features.requires_grad_(False)
        return Features(network)
    if name == "last_channel" and network.network == "mobilenet_v2":  # MobileNetV2's self.last_channel: 1280
        from .known_heads import in_features

        return in_features(network.network)
    if name == "state_dict":
        return Builtin(lambda *args, **kwargs: Unknown("the network's weights", node), name)
    return head_part(interpreter, network, name, node)


def _keras_ends(interpreter: Interpreter, network: KnownNetwork, name: str, node: ast.AST) -> Any:
    """``base.input`` and ``base.output`` (Keras 2's way: ``Model(inputs=base.input, outputs=head)``): the
    network applied once to an input of its input_shape (or --input's)."""
    if network.output is None:
        source = interpreter.input_tensor(network.input_shape if network.input_shape is not None else
                                          Unknown("the input", node), network.node)
        network.output = apply_network(interpreter, network, [source], {}, node)
    if name.startswith("input"):
        found = interpreter.nodes[network.output.node].inputs[0]
        tensor = Tensor(found)
    else:
        tensor = network.output
    return [tensor] if name.endswith("s") else tensor


def set_network_attribute(interpreter: Interpreter, network: KnownNetwork, name: str, value: Any,
                          node: ast.AST) -> None:
    """``base.trainable = False`` (Keras), ``model.fc = nn.Linear(…)`` (PyTorch); anything else is refused."""
    from .known_heads import replace_head

    if network.framework == "keras" and name == "trainable":
        if not isinstance(value, bool):
            raise interpreter.error(node, f"trainable set to {shown(value)}", "set it to False (frozen) or True")
        network.frozen = not value
        return
    if network.framework == "torchvision":
        replace_head(interpreter, network, name, None, value, node)
        return
    raise interpreter.error(node, f"cnncalc cannot follow a change to {network.name} (.{name[:40]} = …)",
                            "freeze it whole with base.trainable = False, or write the model as a spec")
