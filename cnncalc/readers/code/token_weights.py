"""A vision transformer's own weights on its tokens, as torchvision's VisionTransformer holds them: the class token
``nn.Parameter(torch.zeros(1, 1, D))`` put before the tokens (``torch.cat([self.class_token.expand(n, -1, -1), x],
dim=1)``) is the spec's ``clstoken fn``, the position embedding ``nn.Parameter(torch.empty(1, L, D))`` added to them
(``x + self.pos_embedding``) is ``posembed fn``, and ``x[:, 0]`` is ``token0 fn``. Each is checked against the
resolved network (the weights' shape against the tokens'); any other use of the weights is refused where it is
written."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .arguments import Built
from .records import Node
from .values import BatchSize, Tensor

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer
    from .calls import Interpreter
    from .own_weights import OwnParameter


class BatchedParameter:
    """``self.class_token.expand(n, -1, -1)``: a module's own weights repeated for each image of the batch."""

    def __init__(self, weights: OwnParameter, node: ast.AST) -> None:
        self.weights, self.node = weights, node


def expand_parameter(interpreter: Interpreter, weights: OwnParameter, node: ast.AST, *args: Any,
                     **kwargs: Any) -> BatchedParameter:
    """``weights.expand(n, -1, -1)`` with n the batch (``x.shape[0]``) and every other axis kept."""
    sizes = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    kept = all(type(size) is int and size in (-1, full) for size, full in zip(sizes[1:], weights.shape[1:]))
    if kwargs or len(sizes) != len(weights.shape) or not sizes or not isinstance(sizes[0], BatchSize) or \
            weights.shape[0] != 1 or not kept:
        raise interpreter.error(node, "cnncalc reads a module's own weights expanded only to the batch, keeping "
                                "every other axis (self.class_token.expand(x.shape[0], -1, -1))",
                                "write the model as a spec")
    return BatchedParameter(weights, node)


def _use(interpreter: Interpreter, weights: OwnParameter, node: ast.AST) -> None:
    if weights.used:
        raise interpreter.error(node, "a module's own weights used a second time: cnncalc would count them twice",
                                "use them once, or write the model as a spec")
    weights.used = True


def _tokens(resolved: ResolvedLayer, built: Built) -> tuple[int, ...] | None:
    """The L×D tokens a layer reads, as PyTorch holds them (features last), or None for any other input."""
    held = bool(resolved.inputs) and resolved.inputs[0] in built.tokens
    return tuple(resolved.input_shape) if held and len(resolved.input_shape) == 2 else None


def _shown(resolved: ResolvedLayer, built: Built) -> str:
    return built.net.shape_text(resolved.input_shape, tokens=bool(resolved.inputs) and
                                resolved.inputs[0] in built.tokens)


def class_token(interpreter: Interpreter, parts: list[Any], dim: Any, node: ast.AST) -> Tensor:
    """``torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)``: a (1, 1, D) token put before x's L×D tokens."""
    if len(parts) != 2 or not isinstance(parts[0], BatchedParameter) or not isinstance(parts[1], Tensor) or \
            dim not in (1, -2) or isinstance(dim, bool):
        raise interpreter.error(node, "cnncalc reads a module's own weights in torch.cat only as a class token put "
                                "before the tokens: torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)",
                                "write the model as a spec (clstoken)")
    weights, tensor = parts[0].weights, parts[1]
    _use(interpreter, weights, node)

    def one_token(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        tokens = _tokens(resolved, built)
        if tokens is not None and weights.shape == (1, 1, tokens[1]):
            return None
        shown = _shown(resolved, built)
        return (f"a class token of shape {list(weights.shape)} put before {shown}, which is not one token of the "
                "tokens' features", "cnncalc's clstoken is a (1, 1, D) token before N×L×D tokens")

    interpreter.nodes.append(Node("layer", [tensor.node], weights.node, "clstoken fn", requires=one_token,
                                  applied=node))
    return Tensor(len(interpreter.nodes) - 1)


def embedding_shape(weights: OwnParameter) -> bool:
    """Whether weights may be a position embedding, (1, L, D) or (L, D) (the tokens' own shape is checked on the
    resolved network); weights of another shape added to a tensor are refused where they are added."""
    return len(weights.shape) == 2 or (len(weights.shape) == 3 and weights.shape[0] == 1)


def position_embedding(interpreter: Interpreter, weights: OwnParameter, tensor: Tensor, node: ast.AST) -> Tensor:
    """``x + self.pos_embedding``: weights of the tokens' own shape, (1, L, D) or (L, D), added to them."""
    _use(interpreter, weights, node)

    def same_shape(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        tokens = _tokens(resolved, built)
        if tokens is not None and weights.shape in ((1, *tokens), tokens):
            return None
        shown = _shown(resolved, built)
        return (f"weights of shape {list(weights.shape)} added to {shown}, which is not a position embedding of "
                "the tokens' own shape", "cnncalc's posembed adds (1, L, D) weights to N×L×D tokens")

    interpreter.nodes.append(Node("layer", [tensor.node], weights.node, "posembed fn", requires=same_shape,
                                  applied=node))
    return Tensor(len(interpreter.nodes) - 1)


def token_item(interpreter: Interpreter, tensor: Tensor, index: int, node: ast.AST) -> Tensor:
    """``x[:, 0]``: token I of N×L×D tokens, a vector of D (no module: ``token{I} fn``)."""
    if index < 0:
        raise interpreter.error(node, "cnncalc reads one token of a tensor counted from the first (x[:, 0])",
                                "write the token's index from the start, or write the model as a spec")

    def on_tokens(resolved: ResolvedLayer, built: Built) -> tuple[str, str | None] | None:
        tokens = _tokens(resolved, built)
        if tokens is not None and index < tokens[0]:
            return None
        shown = _shown(resolved, built)
        return (f"x[:, {index}] of {shown}, which is not token {index} of L×D tokens",
                "cnncalc's token{I} reads one token of N×L×D tokens")

    interpreter.nodes.append(Node("layer", [tensor.node], node, f"token{index} fn", requires=on_tokens,
                                  applied=node))
    return Tensor(len(interpreter.nodes) - 1)
