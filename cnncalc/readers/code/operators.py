"""Operators on the code's values, as Python applies them: comparisons, arithmetic on numbers and sequences
(bounded), a tensor with a tensor (a merge) or with a number (value by value), and tensors of constants."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from .access import Access
from .constant_tensors import NOT_CONSTANT, OPERATOR_WORDS, ConstTensor, compared, elementwise
from .limits import _PLAIN, _is_plain, _size, _too_large
from .own_weights import ConstantTensor, OwnParameter, weights_arithmetic
from .token_weights import BatchedParameter
from .torch_global import SpatialSize
from .torch_sizes import known
from .values import _RUN_TIME, Scope, Tensor, Unknown

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}

#: A PyTorch tensor and a number, value by value (x * 0.2, torch.exp(0.5 * logvar)): the tensor's shape, no
#: parameter, and no row (torchinfo shows rows of modules only).
_ELEMENTWISE = frozenset({ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: what a module's own weights are made of and are
_WEIGHTS = (ConstantTensor, OwnParameter, BatchedParameter)




class Operators(Access):
    """The operators of model code's expressions."""

    def compare(self, e: ast.Compare, env: Scope) -> Any:
        left = known(self, self.eval(e.left, env), e)
        for op, right_node in zip(e.ops, e.comparators):
            right = known(self, self.eval(right_node, env), e)
            if isinstance(op, (ast.Is, ast.IsNot)):
                if isinstance(left, Unknown) or isinstance(right, Unknown):  # weights is not None, on a run-time
                    return Unknown("a comparison of run-time values", e)  # value: not known to be True
                if not _COMPARE[type(op)](left, right):
                    return False
            elif isinstance(left, ConstTensor) or isinstance(right, ConstTensor):  # t == 3: a tensor of bools
                result = compared(self, op, left, right, e) if len(e.ops) == 1 else NOT_CONSTANT
                return Unknown("a comparison of tensors cnncalc does not follow", e) if result is NOT_CONSTANT \
                    else result
            elif isinstance(left, _RUN_TIME) or isinstance(right, _RUN_TIME):
                return Unknown("a comparison of run-time values", e)
            elif not _COMPARE[type(op)](self.touch(left, e), self.touch(right, e)):
                return False  # a comparison Python refuses ('a' < 1) fails here, as when the code runs
            left = right
        return True

    def tensor_binary(self, op: ast.operator, left: Any, right: Any, node: ast.AST) -> Any:
        """A tensor with a tensor (a merge) or with a number (value by value: the shape kept, no row)."""
        if isinstance(left, Tensor) and isinstance(right, Tensor) and isinstance(op, (ast.Add, ast.Mult, ast.Sub)):
            word = {ast.Add: "add", ast.Mult: "mul", ast.Sub: "sub"}[type(op)]
            return self.merge(word, [left, right], node)
        tensor, number = (left, right) if isinstance(left, Tensor) else (right, left)
        if type(op) in _ELEMENTWISE and _is_number(number) and not self.keras_inputs:
            return tensor  # value by value with a number: the shape kept, nothing learned, no module's row
        raise self.error(node, "an operation between a tensor and a number has no layer in cnncalc" +
                         (" (Keras makes a row of it)" if self.keras_inputs else ""),
                         "write it as a layer of the spec, or remove it")

    def binary(self, op: ast.operator, left: Any, right: Any, node: ast.AST) -> Any:
        if isinstance(left, _WEIGHTS) or isinstance(right, _WEIGHTS):  # torch.ones(C, 1, 1) * s, self.gamma * x
            return weights_arithmetic(self, op, left, right, node)  # type: ignore[arg-type]
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return self.tensor_binary(op, left, right, node)
        left, right = known(self, left, node), known(self, right, node)  # x2.size()[2] - x1.size()[2]
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return _operated(left if isinstance(left, Unknown) else right, node)
        if isinstance(op, ast.Mod) and isinstance(left, (str, bytes)) and isinstance(right, (tuple, dict)):
            fields = right.values() if isinstance(right, dict) else right  # 'w_%s_%d' % (text, rows): rows unknown
            unknown = next((field for field in fields if not _is_plain(field)), None)
            if unknown is not None:
                return unknown if isinstance(unknown, Unknown) else Unknown("a %-format of run-time values", node)
        if not isinstance(left, _PLAIN) or not isinstance(right, _PLAIN) or type(op) not in _BINARY:
            tensor = isinstance(left, ConstTensor) or isinstance(right, ConstTensor)  # torch.arange(depth) * w_a
            return self.constant(op, [left, right], node) if tensor else \
                Unknown("an operation on values only known when the code runs", node)  # x.size(0) * 2
        refusal = _too_large(op, left, right)
        if refusal:
            raise self.error(node, refusal, "a model definition computes with small numbers and short sequences")
        result = _BINARY[type(op)](left, right)  # 'a' + 1 and 1 / 0 fail here, as when the code runs
        self.charge(_size(result), node)
        return result

    def constant(self, op: ast.operator | ast.unaryop, operands: list[Any], node: ast.AST) -> Any:
        """An operator on a tensor of constants (.constant_tensors), or unknown when cnncalc does not follow it."""
        if isinstance(op, ast.UAdd):
            return operands[0]
        word = OPERATOR_WORDS.get(type(op))
        result = elementwise(self, word, operands, node) if word else NOT_CONSTANT
        return Unknown("an operation on a tensor cnncalc does not follow", node) if result is NOT_CONSTANT else result


def _operated(unknown: Unknown, node: ast.AST) -> Unknown:
    """An unknown operated on: still unknown for its reason, but no longer a side of a tensor's map
    (F.avg_pool2d(x, x.size(2) // 2) is no pool over the whole map)."""
    return Unknown(unknown.why, node) if isinstance(unknown, SpatialSize) else unknown
