"""A module's own weights, as ConvNeXt's block holds its layer scale: ``nn.Parameter(torch.ones(dim, 1, 1) * s)``
read as a tensor of constant shape, and ``self.layer_scale * x`` as the spec's ``layerscale`` when the weights
are one factor per channel of ``x``. Any other use of them is refused where it is written; weights the model never
uses are counted, as PyTorch counts them."""

from __future__ import annotations

import ast
import functools
import math
from typing import TYPE_CHECKING, Any

from .arguments import Built
from .token_weights import embedding_shape, expand_parameter, position_embedding
from .values import Builtin, Tensor, Unknown

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .calls import Interpreter

#: torch's functions that make a tensor of a shape they are given (its values matter to no count).
MAKERS = frozenset({"ones", "zeros", "full", "empty", "rand", "randn"})
#: a tensor's methods that fill it in place and return it (torch.empty(1, L, D).normal_(std=0.02)): its shape.
INITIALISERS = frozenset({"normal_", "uniform_", "zero_", "fill_", "trunc_normal_", "copy_", "bernoulli_",
                          "exponential_", "random_", "log_normal_", "cauchy_", "geometric_"})
#: the methods of a constant tensor (its initialisers) and of a module's own weights (expand) cnncalc reads
WEIGHTS_METHODS = INITIALISERS | {"expand"}


class ConstantTensor:
    """A tensor made of constants, ``torch.ones(dim, 1, 1)``: only its shape is followed."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape


class OwnParameter:
    """``nn.Parameter(t)``: weights of the module's own, of t's shape; ``used`` once it is read as a layer."""

    def __init__(self, shape: tuple[int, ...], node: ast.AST) -> None:
        self.shape, self.node, self.used = shape, node, False

    @property
    def size(self) -> int:
        return math.prod(self.shape)


def make_tensor(name: str, /, *args: Any, **kwargs: Any) -> Any:
    """torch.ones(2, 3), torch.zeros((2, 3)), torch.full((2, 3), 0.5): a tensor of that shape; one whose shape is
    not whole numbers is only known when the code runs."""
    sizes = args[:1] if name == "full" else args
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if "size" in kwargs and not sizes:
        sizes = tuple(kwargs["size"]) if isinstance(kwargs["size"], (tuple, list)) else (kwargs["size"],)
    if not sizes or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 2 ** 31 for n in sizes):
        return Unknown(f"torch.{name} of a shape only known when the code runs")
    return ConstantTensor(tuple(sizes))


def constant_arithmetic(left: Any, right: Any) -> ConstantTensor | None:
    """A constant tensor times, plus, minus or over a number (or another of its shape): its shape."""
    tensors = [value for value in (left, right) if isinstance(value, ConstantTensor)]
    others = [value for value in (left, right) if not isinstance(value, ConstantTensor)]
    if tensors and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in others) and \
            len({t.shape for t in tensors}) == 1:
        return tensors[0]
    return None


def weights_method(interpreter: Interpreter, owner: ConstantTensor | OwnParameter, name: str, node: ast.AST) -> Any:
    """``torch.empty(1, L, D).normal_(std=0.02)``: the same tensor, filled in place; ``self.class_token.expand(n, -1,
    -1)``: the weights for each image of the batch (.token_weights); any other is unknown (refused where used)."""
    if isinstance(owner, ConstantTensor) and name in INITIALISERS:
        return Builtin(lambda *args, **kwargs: owner, name)
    if isinstance(owner, OwnParameter) and name == "expand":
        return Builtin(functools.partial(expand_parameter, interpreter, owner, node), name)
    return Unknown(f"the attribute '{name}'", node)


def own_parameter(interpreter: Interpreter, name: str, node: ast.AST, *args: Any, **kwargs: Any) -> OwnParameter:
    """nn.Parameter(torch.ones(dim, 1, 1) * s), nn.Parameter(torch.zeros(1, 1, D)): trainable weights of that shape;
    anything else is refused."""
    data = args[0] if args else kwargs.get("data")
    if name != "Parameter" or not isinstance(data, ConstantTensor) or \
            kwargs.get("requires_grad", args[1] if len(args) > 1 else True) is not True:
        raise interpreter.error(node, f"cnncalc has no row for a module's own weights (nn.{name}) made this way",
                                "cnncalc reads nn.Parameter(torch.ones(C, 1, 1) * s) used as a layer scale "
                                "(self.gamma * x), and a class token or position embedding made with torch.zeros, "
                                "torch.empty(…).normal_(…) and the like; write the model with layers only, or as a "
                                "spec")
    return OwnParameter(data.shape, node)


def weights_arithmetic(interpreter: Interpreter, op: ast.operator, left: Any, right: Any, node: ast.AST) -> Any:
    """An operation on a constant tensor or on a module's own weights: a constant tensor scaled or shifted by a
    number, or weights times a tensor (a layer scale); anything else is refused here."""
    if isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        constant = constant_arithmetic(left, right)
        if constant is not None:
            return constant
    if isinstance(op, ast.Mult) and isinstance(left, OwnParameter) and isinstance(right, Tensor):
        return layer_scale(interpreter, left, right, node)
    if isinstance(op, ast.Mult) and isinstance(right, OwnParameter) and isinstance(left, Tensor):
        return layer_scale(interpreter, right, left, node)
    if isinstance(op, ast.Add) and isinstance(left, OwnParameter) and isinstance(right, Tensor) and \
            embedding_shape(left):
        return position_embedding(interpreter, left, right, node)
    if isinstance(op, ast.Add) and isinstance(right, OwnParameter) and isinstance(left, Tensor) and \
            embedding_shape(right):
        return position_embedding(interpreter, right, left, node)
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return left if isinstance(left, Unknown) else right
    raise interpreter.error(node, "cnncalc reads a module's own weights only as a layer scale (self.gamma * x) or a "
                            "position embedding (x + self.pos_embedding), and a constant tensor only scaled by a "
                            "number", "write the model as a spec")


def layer_scale(interpreter: Interpreter, weights: OwnParameter, tensor: Tensor, node: ast.AST) -> Tensor:
    """``weights * x``: the spec's layerscale, when the weights are one factor per channel of x (checked on the
    resolved network: (C, 1, 1) on an N×C×H×W tensor, (C,) on one whose features are last)."""
    from .records import Node

    if weights.used:
        raise interpreter.error(node, "a module's own weights used a second time: cnncalc would count them twice",
                                "use them once, or write the model as a spec")
    weights.used = True

    def per_channel(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        net = built.net
        shown = tuple(net.shown_shape(resolved.input_shape, resolved.tokens))
        channel = len(shown) - 1 if resolved.tokens else 0  # the axis cnncalc's layerscale scales
        rank = len(shown) + 1  # with the batch, as PyTorch broadcasts the weights against it
        padded = [1] * (rank - len(weights.shape)) + list(weights.shape)
        wanted = [1] * rank
        wanted[channel + 1] = shown[channel]
        if padded == wanted:
            return None
        shown_text = net.shape_text(resolved.input_shape, tokens=resolved.tokens)
        return (f"weights of shape {list(weights.shape)} times {shown_text}, which is not one factor per channel",
                "cnncalc's layerscale multiplies each channel by its factor: shape the weights (C, 1, 1), or write "
                "the model as a spec")

    # a parameter of the module's own, multiplied in forward(): no module of its own, as torchinfo shows it
    interpreter.nodes.append(Node("layer", [tensor.node], weights.node, "layerscale fn", requires=per_channel,
                                  applied=node))
    return Tensor(len(interpreter.nodes) - 1)
