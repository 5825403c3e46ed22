"""Expressions followed as Python evaluates them, on known values; a run-time value stays unknown."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

from .constant_tensors import ConstTensor
from .core import _PYTHON_ERRORS
from .limits import _PLAIN, MAX_DEPTH, MAX_FORMAT_WIDTH, MAX_LENGTH, MAX_WORK, _size
from .operators import Operators, _operated
from .pybuiltins import _BUILTINS
from .torch_sizes import known
from .values import (
    _UNKNOWN_TRUTH,
    Failed,
    Function,
    Scope,
    Tensor,
    Unknown,
    _child,
)

#: The built-ins that look at the code's own objects (containers.Containers.reflective).
_REFLECTIVE = frozenset({"getattr", "setattr", "hasattr", "isinstance"})

_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}

class _RunTimeRange(Exception):  # noqa: N818 - control flow, not an error
    """A comprehension over a value only known when the code runs, outside a model: its value is unknown too."""

    def __init__(self, range_: Unknown) -> None:
        self.range = range_


class Expressions(Operators):
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
        if isinstance(e, ast.Lambda):  # a function value: its body is evaluated when it is called, as a def's
            return Function(_lambda_def(e, self.line_of(e) - e.lineno), env)
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


def _lambda_def(e: ast.Lambda, shift: int) -> ast.FunctionDef:
    """A lambda as the def it stands for: its parameters, and a body that returns its expression (both where the
    lambda is: ``shift`` as :meth:`.records.Lines.shift` gives it)."""
    returned = ast.copy_location(ast.Return(e.body), e.body)
    made = ast.copy_location(ast.FunctionDef(name="<lambda>", args=e.args, body=[returned], decorator_list=[]), e)
    for node in (returned, made):
        node.cnncalc_shift = shift  # type: ignore[attr-defined]
        if hasattr(e, "cnncalc_source"):
            node.cnncalc_source = e.cnncalc_source  # type: ignore[attr-defined]
    return made
