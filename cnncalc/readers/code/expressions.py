"""Expressions followed as Python evaluates them, on known values; a run-time value stays unknown."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

from .access import Access
from .constant_tensors import NOT_CONSTANT, OPERATOR_WORDS, ConstTensor, compared, elementwise
from .core import _PYTHON_ERRORS
from .limits import _PLAIN, MAX_DEPTH, MAX_FORMAT_WIDTH, MAX_LENGTH, MAX_WORK, _is_plain, _size, _too_large
from .own_weights import ConstantTensor, OwnParameter, weights_arithmetic
from .pybuiltins import _BUILTINS
from .torch_global import SpatialSize
from .torch_sizes import known
from .values import (
    _RUN_TIME,
    _UNKNOWN_TRUTH,
    Failed,
    Scope,
    Tensor,
    Unknown,
    _child,
)

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}

#: The built-ins that look at the code's own objects (containers.Containers.reflective).
_REFLECTIVE = frozenset({"getattr", "setattr", "hasattr", "isinstance"})

_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}

#: A PyTorch tensor and a number, value by value (x * 0.2, torch.exp(0.5 * logvar)): the tensor's shape, no
#: parameter, and no row (torchinfo shows rows of modules only).
_ELEMENTWISE = frozenset({ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)



class _RunTimeRange(Exception):  # noqa: N818 - control flow, not an error
    """A comprehension over a value only known when the code runs, outside a model: its value is unknown too."""

    def __init__(self, range_: Unknown) -> None:
        self.range = range_


#: what a module's own weights are made of and are
_WEIGHTS = (ConstantTensor, OwnParameter)


class Expressions(Access):
    """The expressions of model code."""


    def eval(self, e: ast.expr, env: Scope) -> Any:
        """An expression's value. A constant and a name, the most common, cannot fail nor nest: they are counted
        here. Everything else is followed as :func:`.core._followed` follows a statement, inlined here because it
        runs for every expression of the file: its work and depth counted, and Python's own errors on the code's
        values made errors at the innermost expression that made them."""
        kind = type(e)
        if kind is ast.Constant:
            self.work += 1
            return e.value  # type: ignore[attr-defined]
        if kind is ast.Name:
            self.work += 1
            try:
                value = env[e.id]  # type: ignore[attr-defined]
            except KeyError:
                return self.name(e, env)  # type: ignore[arg-type]
            return value if type(value) is not Failed else self.name(e, env)  # type: ignore[arg-type]
        self.work += 1
        self.depth += 1
        try:
            if self.work > MAX_WORK or self.depth > MAX_DEPTH:  # the checks of charge() and enter()
                self.charge(0, e)
                self.enter(e, 0)
            if kind is ast.Call:  # the most common: a model file is mostly calls
                return self.call(e, env)  # type: ignore[arg-type]
            if kind is ast.Attribute:
                return self.attribute(self.eval(e.value, env), e.attr, e)  # type: ignore[attr-defined]
            return self._expression(e, env)
        except _PYTHON_ERRORS as error:
            raise self.python_error(error, e) from None
        finally:
            self.depth -= 1

    def _expression(self, e: ast.expr, env: Scope) -> Any:  # noqa: PLR0911, PLR0912 - one branch per kind
        if isinstance(e, ast.Attribute):
            return self.attribute(self.eval(e.value, env), e.attr, e)
        if isinstance(e, ast.Constant):
            return e.value
        if isinstance(e, ast.Name):
            return self.name(e, env)
        if isinstance(e, (ast.Tuple, ast.List)):
            values = self.elements(e.elts, env)
            return tuple(values) if isinstance(e, ast.Tuple) else values
        if isinstance(e, ast.Set):
            return {self.touch(value, e) for value in self.elements(e.elts, env)}
        if isinstance(e, ast.Dict):
            return self.mapping(e, env)
        if isinstance(e, ast.BinOp):
            return self.binary(e.op, self.eval(e.left, env), self.eval(e.right, env), e)
        if isinstance(e, ast.UnaryOp):
            operand = known(self, self.eval(e.operand, env), e)
            if isinstance(operand, Unknown):
                return _operated(operand, e)
            if isinstance(e.op, ast.Not):
                return Unknown("a condition on run-time values", e) if isinstance(operand, _UNKNOWN_TRUTH) else \
                    not operand
            if isinstance(operand, Tensor) and isinstance(e.op, (ast.USub, ast.UAdd)) and not self.keras_inputs:
                return operand  # -x: value by value, as x * -1
            if not isinstance(operand, _PLAIN):  # -x.size(0), -tensor: values only known when the model runs
                return self.constant(e.op, [operand], e) if isinstance(operand, ConstTensor) else \
                    Unknown("an operation on a run-time value", e)
            return _UNARY[type(e.op)](operand)  # -'a' and ~1.5 fail as in Python, at this expression
        if isinstance(e, ast.Compare):
            return self.compare(e, env)
        if isinstance(e, ast.BoolOp):
            values = [self.eval(v, env) for v in e.values]
            if any(isinstance(v, _UNKNOWN_TRUTH) for v in values):
                return Unknown("a condition on run-time values", e)
            result = values[0]
            for value in values[1:]:
                result = (result and value) if isinstance(e.op, ast.And) else (result or value)
            return result
        if isinstance(e, ast.IfExp):
            test = self.eval(e.test, env)
            if isinstance(test, _UNKNOWN_TRUTH):
                if self.strict:  # tensors flow: a layer taken or not on a run-time value
                    raise self.error(e.test, "this choice depends on values only known when the model runs",
                                     "write this block as a spec, or make the condition a constant")
                return Unknown("a choice made at run time", e)
            return self.eval(e.body if test else e.orelse, env)
        if isinstance(e, ast.Subscript):
            return self.subscript(self.eval(e.value, env), self.eval(e.slice, env), e)
        if isinstance(e, ast.Slice):
            return slice(*(self.eval(p, env) if p is not None else None for p in (e.lower, e.upper, e.step)))
        if isinstance(e, (ast.ListComp, ast.GeneratorExp)):
            return self.comprehension(e, env)
        if isinstance(e, ast.SetComp):
            values = self.comprehension(e, env)
            return values if isinstance(values, Unknown) else {self.touch(value, e) for value in values}
        if isinstance(e, ast.DictComp):
            pairs = self.comprehension(ast.ListComp(ast.Tuple([e.key, e.value], ast.Load()), e.generators), env)
            return pairs if isinstance(pairs, Unknown) else {self.touch(key, e.key): value for key, value in pairs}
        if isinstance(e, ast.Starred):
            return self.eval(e.value, env)
        if isinstance(e, ast.JoinedStr):
            return self.formatted(e, env)
        if isinstance(e, ast.Lambda):
            return Unknown("a lambda", e)
        return Unknown(f"a {type(e).__name__}", e)

    def formatted(self, e: ast.JoinedStr, env: Scope) -> Any:
        """An f-string of known numbers and strings (f'layer{i}', f'{name}_{i:02d}'), each field's width bounded."""
        parts: list[str] = []
        for value in e.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
                continue
            assert isinstance(value, ast.FormattedValue)
            field = self.eval(value.value, env)
            spec = self.formatted(value.format_spec, env) if value.format_spec is not None else ""
            if isinstance(field, Unknown) or isinstance(spec, Unknown):
                return field if isinstance(field, Unknown) else spec
            if not isinstance(field, (int, float, str, type(None))) or not isinstance(spec, str):
                return Unknown("an f-string of values only known when the code runs", e)
            if any(len(width) > 6 or int(width) > MAX_FORMAT_WIDTH for width in re.findall(r"\d+", spec)):
                raise self.error(value, f"a format whose width or precision is over {MAX_FORMAT_WIDTH:,}",
                                 "a model definition formats short names")
            if value.conversion != -1:
                field = {115: str, 114: repr, 97: ascii}[value.conversion](field)
            parts.append(format(field, spec))  # f'{1:x<}' and f'{"a":d}' fail here, as when the code runs
            self.charge(_size(parts[-1]), value)
            if sum(len(part) for part in parts) > MAX_LENGTH:
                raise self.error(e, f"a string of more than {MAX_LENGTH:,} characters")
        return "".join(parts)

    def elements(self, elements: list[ast.expr], env: Scope) -> list[Any]:
        values: list[Any] = []
        for element in elements:
            kind = type(element)
            if kind is ast.Constant:  # the most common, counted as eval() counts it
                self.work += 1
                values.append(element.value)  # type: ignore[attr-defined]
                continue
            if kind is not ast.Starred:
                values.append(self.eval(element, env))
                continue
            value = self.eval(element, env)
            if hasattr(value, "__iter__"):
                values += self.items(value, element)
                if len(values) > MAX_LENGTH:
                    raise self.error(element, f"a sequence of more than {MAX_LENGTH:,} items")
            else:
                values.append(value)
        return values

    def mapping(self, e: ast.Dict, env: Scope) -> dict[Any, Any]:
        """A dict display: {k: v}, {**other}; each key hashed as Python hashes it ({[1]: 2} fails here)."""
        result: dict[Any, Any] = {}
        for key, value in zip(e.keys, e.values):
            if key is None:  # {**other}
                other = self.eval(value, env)
                if isinstance(other, dict):
                    result.update(other)
                continue
            result[self.touch(self.eval(key, env), key)] = self.eval(value, env)
        return result

    def name(self, e: ast.Name, env: Scope) -> Any:
        try:
            value = env[e.id]  # through the scopes it is in front of (_Scope.__missing__)
        except KeyError:
            if e.id in _REFLECTIVE:
                return self.reflective(e.id, e)
            return _BUILTINS[e.id] if e.id in _BUILTINS else Unknown(f"the name '{e.id}'", e)
        if isinstance(value, Failed):
            raise value.error
        return value

    def comprehension(self, e: ast.ListComp | ast.GeneratorExp | ast.SetComp, env: Scope) -> list[Any] | Unknown:
        """A comprehension's items, in a scope of its own (its names do not leak), each charged to the work; outside
        a model, one over a value only known when the code runs is unknown too."""
        results: list[Any] = []
        scope = _child(env)
        if len(e.generators) > MAX_DEPTH:
            raise self.error(e, f"a comprehension of more than {MAX_DEPTH} for clauses")

        def walk(index: int) -> None:
            if index == len(e.generators):
                if len(results) >= MAX_LENGTH:
                    raise self.error(e, f"a comprehension of more than {MAX_LENGTH:,} items")
                results.append(self.eval(e.elt, scope))
                return
            generator = e.generators[index]
            items = self.eval(generator.iter, scope)
            if isinstance(items, (Unknown, Tensor)) or not hasattr(items, "__iter__"):
                if isinstance(items, Unknown) and not self.strict and not self.inside_model:
                    raise _RunTimeRange(items)  # a script's data (imgs = [… for i in imgs]): the run's to know
                raise self.error(generator.iter, "this comprehension's range is only known at run time",
                                 "use a constant range or list")
            for item in items:  # lazily: range(10 ** 9) is refused by the work budget, never built
                self.charge(1, generator.iter)
                self.assign(generator.target, item, scope)
                if all(self.condition(test, scope) for test in generator.ifs):
                    walk(index + 1)

        try:
            walk(0)
        except _RunTimeRange as unknown:
            return Unknown(f"a comprehension over {unknown.range.why}", e)
        return results

    def condition(self, test: ast.expr, env: Scope) -> bool:
        """A comprehension's filter, which must be known: an unknown one would silently keep or drop layers."""
        value = self.eval(test, env)
        if isinstance(value, _UNKNOWN_TRUTH):
            raise self.error(test, "this filter depends on values only known when the code runs",
                             "filter on constants, or write the layers as a spec")
        return bool(value)

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
