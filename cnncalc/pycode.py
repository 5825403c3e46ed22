"""Model code, read and never run: a Keras or PyTorch model definition becomes a spec.

    cnncalc summary model.py                       # Sequential, model.add, functional, nn.Sequential, nn.Module
    cnncalc summary resnet.py --input 3x224x224    # PyTorch never states its input
    cnncalc summary model.py --emit-spec           # the equivalent spec, which summarises identically

The file is parsed with :mod:`ast` and interpreted by the small evaluator below, which knows numbers,
tuples, lists, dicts, names, arithmetic, comparisons, ``if`` on known values, ``for`` over known ranges,
comprehensions, functions and classes defined in the same file (a ``conv_block`` helper, a ``BasicBlock``
used by a ``ResNet``, torchvision's ``_make_layer``), and the layer classes and tensor operations of Keras
and PyTorch.  Nothing is imported or executed: neither framework needs to be installed.  A layer call
records a node of a graph; ``forward`` is interpreted with a tensor that records what is done to it
(``self.conv1(x)``, ``F.relu``, ``x + identity``, ``torch.cat(…, dim=1)``, ``x.view(x.size(0), -1)``).
The graph is then written as spec text, which the ordinary rules resolve; the sizes the code declares
(``nn.Linear(1600, 10)``, ``nn.Conv2d(32, 64, 3)``, ``nn.BatchNorm2d(64)``) are checked against what
reaches them.

What cannot be followed statically (a branch on a tensor's values, an unknown layer class, a call into
another module) is a :class:`~cnncalc.errors.CodeError` at ``file:line:col`` that says what to do.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from .errors import CnnCalcError, CodeError
from .sources import python_lines

__all__ = ["ModelCode", "read_model"]

#: Keras layer classes cnncalc models, with their Keras 1 and alias spellings.
KERAS_LAYERS = frozenset({
    "Conv2D", "Convolution2D", "Conv1D", "Convolution1D", "Conv3D", "Dense", "Flatten", "Dropout",
    "SpatialDropout2D", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D", "GlobalAveragePooling2D",
    "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D", "BatchNormalization", "Activation", "ReLU",
    "LeakyReLU", "PReLU", "ELU", "Softmax", "ZeroPadding2D", "Cropping2D", "UpSampling2D", "Conv2DTranspose",
    "Deconvolution2D", "DepthwiseConv2D", "SeparableConv2D", "Reshape", "Permute", "Embedding",
    "LayerNormalization", "MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D", "GlobalAveragePooling1D",
    "GlobalMaxPooling1D", "Add", "Concatenate", "Multiply", "Average", "Maximum", "Subtract", "InputLayer",
})
KERAS_MERGES = {"Add": "add", "Concatenate": "cat", "Multiply": "mul", "Average": "avg", "Maximum": "max",
                "Subtract": "sub", "add": "add", "concatenate": "cat", "multiply": "mul", "average": "avg",
                "maximum": "max", "subtract": "sub"}
TORCH_LAYERS = frozenset({
    "Conv2d", "Conv1d", "Conv3d", "ConvTranspose2d", "ConvTranspose1d", "Linear", "MaxPool2d", "MaxPool1d",
    "MaxPool3d", "AvgPool2d", "AvgPool1d", "AvgPool3d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
    "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "BatchNorm2d", "BatchNorm1d", "BatchNorm3d", "Dropout", "Dropout2d",
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax", "Hardswish", "Mish", "PReLU",
    "SELU", "Flatten", "Identity", "Upsample", "ZeroPad2d", "Embedding", "LayerNorm", "GroupNorm",
    "LocalResponseNorm",
})
#: torch.nn.functional, torch and Tensor methods that act on a tensor like a layer, as spec words.
TORCH_FUNCTIONS = {"relu": "relu", "relu6": "relu6", "elu": "elu", "selu": "selu", "gelu": "gelu", "silu": "swish",
                   "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax", "hardswish": "hardswish",
                   "mish": "mish", "leaky_relu": "leakyrelu"}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
#: The most statements one file may make cnncalc interpret (a loop that never ends is refused, not run).
MAX_STEPS = 200_000


# ---- values ---------------------------------------------------------------------------------------------

class Unknown:
    """A value the code computes at run time (data, a file, a call into another module): fine until a model
    needs it."""

    def __init__(self, why: str, node: ast.AST | None = None) -> None:
        self.why, self.node = why, node


class Failed:
    """A top-level assignment that could not be followed: its error, raised if its value is needed."""

    def __init__(self, error: CodeError) -> None:
        self.error = error


class Namespace:
    """A module or a part of one: ``keras``, ``keras.layers``, ``torch.nn``, ``torch.nn.functional``."""

    def __init__(self, path: str) -> None:
        self.path = path

    @property
    def framework(self) -> str:
        return "torch" if self.path.split(".")[0] == "torch" else "keras"


class FrameworkClass:
    """A layer class (or a model class) of Keras or PyTorch."""

    def __init__(self, framework: str, name: str) -> None:
        self.framework, self.name = framework, name


class Layer:
    """A framework layer as the code constructs it, with where."""

    def __init__(self, framework: str, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> None:
        self.framework, self.name, self.args, self.kwargs, self.node = framework, name, args, kwargs, node

    def arg(self, position: int, name: str, default: Any = None) -> Any:
        if position < len(self.args):
            return self.args[position]
        return self.kwargs.get(name, default)


class Tensor:
    """A tensor flowing through the code: the graph node that makes it."""

    def __init__(self, node: int) -> None:
        self.node = node


class BatchSize:
    """``x.size(0)`` or ``x.shape[0]``: the batch, which a ``view`` keeps."""


class Sequential:
    """Keras' Sequential (``model.add``) or PyTorch's nn.Sequential: layers applied in order."""

    def __init__(self, framework: str, layers: list[Any], node: ast.AST, names: list[str] | None = None) -> None:
        self.framework, self.layers, self.node = framework, layers, node
        self.names = names or []
        self.input_shape: tuple[int, ...] | None = None


class KerasModel:
    """``keras.Model(inputs, outputs)``."""

    def __init__(self, inputs: Any, outputs: Any, node: ast.AST) -> None:
        self.inputs, self.outputs, self.node = inputs, outputs, node


class Function:
    def __init__(self, node: ast.FunctionDef, env: dict[str, Any]) -> None:
        self.node, self.env = node, env


class UserClass:
    def __init__(self, node: ast.ClassDef, bases: list[Any], env: dict[str, Any]) -> None:
        self.node, self.bases, self.env = node, bases, env
        self.attributes: dict[str, Any] = {}

    @property
    def is_module(self) -> bool:
        return any((isinstance(b, FrameworkClass) and b.framework == "torch" and b.name == "Module") or
                   (isinstance(b, UserClass) and b.is_module) for b in self.bases)

    def lookup(self, name: str) -> Any:
        if name in self.attributes:
            return self.attributes[name]
        for base in self.bases:
            if isinstance(base, UserClass):
                found = base.lookup(name)
                if found is not _MISSING:
                    return found
        return _MISSING


class Instance:
    """An object of a class the file defines (a PyTorch module: its attributes are its sub-modules)."""

    def __init__(self, cls: UserClass) -> None:
        self.cls = cls
        self.attributes: dict[str, Any] = {}


class Method:
    def __init__(self, function: Function, owner: Any) -> None:
        self.function, self.owner = function, owner


class Builtin:
    def __init__(self, call: Callable[..., Any], name: str) -> None:
        self.call, self.name = call, name


_MISSING: Any = object()


class _Return(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):  # noqa: N818
    pass


class _Continue(Exception):  # noqa: N818
    pass


# ---- the graph ------------------------------------------------------------------------------------------

class Node:
    """One step of the network: an input, a layer (as spec text), or a merge of several tensors."""

    def __init__(self, kind: str, inputs: list[int], where: ast.AST | None, item: str = "", layer: Any = None,
                 declared: tuple[str, int] | None = None) -> None:
        self.kind, self.inputs, self.where, self.item, self.layer = kind, inputs, where, item, layer
        self.declared = declared  # ("channels" | "features", n): what the code says this layer reads


class ModelCode:
    """A model read from code: the spec it is, where each item came from, and how it prints."""

    def __init__(self, spec: str, conventions: str, items: list[tuple[tuple[int, int], Node]], path: str,
                 lines: list[str], name: str = "") -> None:
        self.spec, self.conventions, self.items, self.path, self.lines = spec, conventions, items, path, lines
        self.name = name  # the model's name in the file: a variable, a class or a function

    def error_at(self, node: ast.AST | None, message: str, hint: str | None = None) -> CodeError:
        return _code_error(self.path, self.lines, node, message, hint)


def _code_error(path: str, lines: list[str], node: ast.AST | None, message: str, hint: str | None = None) -> CodeError:
    line = getattr(node, "lineno", 1) or 1
    column = getattr(node, "col_offset", 0) or 0
    end = getattr(node, "end_col_offset", column + 1) if getattr(node, "end_lineno", line) == line else \
        len(lines[line - 1]) if line <= len(lines) else column + 1
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return CodeError(message, path, source, line, column, end or column + 1, hint)


# ---- the interpreter ------------------------------------------------------------------------------------

class Interpreter:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self.lines = python_lines(text)
        self.nodes: list[Node] = []
        self.steps = 0
        self.inside_model = 0  # > 0 while a model is being built: unknown values are errors there
        self.strict = 0  # > 0 while tensors flow (forward, a functional block): a run-time branch is an error

    def error(self, node: ast.AST | None, message: str, hint: str | None = None) -> CodeError:
        return _code_error(self.path, self.lines, node, message, hint)

    # -- statements

    def run_module(self, body: list[ast.stmt], env: dict[str, Any]) -> None:
        """The file's top level: a statement that fails is kept as its error, raised only if its model is the one
        asked for (a file may build resnet18 and resnet50, and the user want only one)."""
        for statement in body:
            try:
                self.run([statement], env)
            except CodeError as error:
                targets = statement.targets if isinstance(statement, ast.Assign) else []
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if not names:
                    raise
                for name in names:
                    env[name] = Failed(error)

    def run(self, body: list[ast.stmt], env: dict[str, Any]) -> None:
        for statement in body:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise self.error(statement, f"more than {MAX_STEPS:,} statements to follow",
                                 "a loop this long is not a model definition: write the model as a spec")
            self.statement(statement, env)

    def statement(self, s: ast.stmt, env: dict[str, Any]) -> None:  # noqa: PLR0912 - one branch per statement kind
        if isinstance(s, ast.Assign):
            value = self.eval(s.value, env)
            for target in s.targets:
                self.assign(target, value, env)
        elif isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.assign(s.target, self.eval(s.value, env), env)
        elif isinstance(s, ast.AugAssign):
            current = self.eval(s.target, env)
            self.assign(s.target, self.binary(s.op, current, self.eval(s.value, env), s), env)
        elif isinstance(s, ast.Expr):
            self.eval(s.value, env)
        elif isinstance(s, ast.If):
            test = self.eval(s.test, env)
            if isinstance(test, (Unknown, Tensor)):
                if self.strict:
                    raise self.error(s.test, "this branch depends on values only known when the model runs",
                                     "write this block as a spec, or make the condition a constant")
                return
            self.run(s.body if test else s.orelse, env)
        elif isinstance(s, ast.For):
            self.loop(s, env)
        elif isinstance(s, ast.Return):
            raise _Return(self.eval(s.value, env) if s.value is not None else None)
        elif isinstance(s, ast.FunctionDef):
            env[s.name] = Function(s, env)
        elif isinstance(s, ast.ClassDef):
            env[s.name] = UserClass(s, [self.eval(b, env) for b in s.bases], env)
            self.class_body(env[s.name], s, env)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            self.import_(s, env)
        elif isinstance(s, ast.Break):
            raise _Break
        elif isinstance(s, ast.Continue):
            raise _Continue
        elif isinstance(s, (ast.With, ast.Try)):
            self.run(s.body, env)
        elif isinstance(s, ast.While) and self.strict:
            raise self.error(s, "a while loop cannot be followed statically",
                             "write the loop's layers out, or use for with a constant range")
        # pass, assert, del, global, nonlocal, raise: nothing a model definition needs

    def loop(self, s: ast.For, env: dict[str, Any]) -> None:
        items = self.eval(s.iter, env)
        if isinstance(items, (Unknown, Tensor)) or not hasattr(items, "__iter__"):
            if self.strict:
                raise self.error(s.iter, "this loop's range is only known when the model runs",
                                 "loop over a constant range or list, or write the layers as a spec")
            return  # weight initialisation over self.modules(), say: nothing the shapes depend on
        for item in items:  # lazily: range(10 ** 9) is refused by the step limit, never built
            self.assign(s.target, item, env)
            try:
                self.run(s.body, env)
            except _Break:
                break
            except _Continue:
                continue

    def class_body(self, cls: UserClass, s: ast.ClassDef, env: dict[str, Any]) -> None:
        scope = dict(env)
        for statement in s.body:
            if isinstance(statement, ast.FunctionDef):
                cls.attributes[statement.name] = Function(statement, env)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                self.statement(statement, scope)
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        cls.attributes[target.id] = scope.get(target.id)

    def import_(self, s: ast.Import | ast.ImportFrom, env: dict[str, Any]) -> None:
        if isinstance(s, ast.Import):
            for alias in s.names:
                if alias.asname:
                    env[alias.asname] = Namespace(alias.name)
                else:
                    env[alias.name.split(".")[0]] = Namespace(alias.name.split(".")[0])
            return
        module = s.module or ""
        for alias in s.names:
            env[alias.asname or alias.name] = self.attribute(Namespace(module), alias.name, s)

    def assign(self, target: ast.expr, value: Any, env: dict[str, Any]) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, Unknown) or not hasattr(value, "__iter__"):
                for element in target.elts:
                    self.assign(element, value if isinstance(value, Unknown) else Unknown("unpacked", target), env)
                return
            values = list(value)
            starred = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
            if starred:
                i = starred[0]
                tail = len(target.elts) - i - 1
                values = [*values[:i], values[i:len(values) - tail], *values[len(values) - tail:]]
            for element, item in zip(target.elts, values):
                self.assign(element.value if isinstance(element, ast.Starred) else element, item, env)
        elif isinstance(target, ast.Attribute):
            owner = self.eval(target.value, env)
            if isinstance(owner, (Instance, UserClass)):
                owner.attributes[target.attr] = value
        elif isinstance(target, ast.Subscript):
            owner = self.eval(target.value, env)
            if isinstance(owner, (dict, list)):
                owner[self.eval(target.slice, env)] = value
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, env)

    # -- expressions

    def eval(self, e: ast.expr, env: dict[str, Any]) -> Any:  # noqa: PLR0911, PLR0912 - one branch per kind
        if isinstance(e, ast.Constant):
            return e.value
        if isinstance(e, ast.Name):
            return self.name(e, env)
        if isinstance(e, (ast.Tuple, ast.List, ast.Set)):
            values = self.elements(e.elts, env)
            return tuple(values) if isinstance(e, ast.Tuple) else values
        if isinstance(e, ast.Dict):
            return {self.eval(k, env): self.eval(v, env) for k, v in zip(e.keys, e.values) if k is not None}
        if isinstance(e, ast.Attribute):
            return self.attribute(self.eval(e.value, env), e.attr, e)
        if isinstance(e, ast.Call):
            return self.call(e, env)
        if isinstance(e, ast.BinOp):
            return self.binary(e.op, self.eval(e.left, env), self.eval(e.right, env), e)
        if isinstance(e, ast.UnaryOp):
            operand = self.eval(e.operand, env)
            if isinstance(operand, (Unknown, Tensor)):
                return operand if isinstance(operand, Unknown) else Unknown("an operation on a tensor", e)
            unary: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos,
                                                        ast.Not: operator.not_, ast.Invert: operator.invert}
            return unary[type(e.op)](operand)
        if isinstance(e, ast.Compare):
            return self.compare(e, env)
        if isinstance(e, ast.BoolOp):
            values = [self.eval(v, env) for v in e.values]
            if any(isinstance(v, (Unknown, Tensor)) for v in values):
                return Unknown("a condition on run-time values", e)
            result = values[0]
            for value in values[1:]:
                result = (result and value) if isinstance(e.op, ast.And) else (result or value)
            return result
        if isinstance(e, ast.IfExp):
            test = self.eval(e.test, env)
            if isinstance(test, (Unknown, Tensor)):
                return Unknown("a choice made at run time", e)
            return self.eval(e.body if test else e.orelse, env)
        if isinstance(e, ast.Subscript):
            return self.subscript(self.eval(e.value, env), self.eval(e.slice, env), e)
        if isinstance(e, ast.Slice):
            return slice(*(self.eval(p, env) if p is not None else None for p in (e.lower, e.upper, e.step)))
        if isinstance(e, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self.comprehension(e, env)
        if isinstance(e, ast.DictComp):
            pairs = self.comprehension(ast.ListComp(ast.Tuple([e.key, e.value], ast.Load()), e.generators), env)
            return dict(pairs) if isinstance(pairs, list) else pairs
        if isinstance(e, ast.Starred):
            return self.eval(e.value, env)
        if isinstance(e, ast.JoinedStr):
            return Unknown("an f-string", e)
        if isinstance(e, ast.Lambda):
            return Unknown("a lambda", e)
        return Unknown(f"a {type(e).__name__}", e)

    def elements(self, elements: list[ast.expr], env: dict[str, Any]) -> list[Any]:
        values: list[Any] = []
        for element in elements:
            value = self.eval(element, env)
            if isinstance(element, ast.Starred) and hasattr(value, "__iter__") and not isinstance(value, str):
                values += list(value.layers if isinstance(value, Sequential) else value)
            else:
                values.append(value)
        return values

    def name(self, e: ast.Name, env: dict[str, Any]) -> Any:
        if e.id in env:
            value = env[e.id]
            if isinstance(value, Failed):
                raise value.error
            return value
        if e.id in _BUILTINS:
            return _BUILTINS[e.id]
        return Unknown(f"the name '{e.id}'", e)

    def comprehension(self, e: ast.ListComp | ast.GeneratorExp | ast.SetComp, env: dict[str, Any]) -> Any:
        results: list[Any] = []

        def walk(index: int, scope: dict[str, Any]) -> None:
            if index == len(e.generators):
                results.append(self.eval(e.elt, scope))
                return
            generator = e.generators[index]
            items = self.eval(generator.iter, scope)
            if isinstance(items, Unknown) or not hasattr(items, "__iter__"):
                raise self.error(generator.iter, "this comprehension's range is only known at run time",
                                 "use a constant range or list")
            for item in items:
                self.steps += 1
                if self.steps > MAX_STEPS:
                    raise self.error(generator.iter, f"more than {MAX_STEPS:,} steps to follow",
                                     "a comprehension this long is not a model definition")
                inner = dict(scope)
                self.assign(generator.target, item, inner)
                if all(self.eval(test, inner) for test in generator.ifs):
                    walk(index + 1, inner)

        walk(0, env)
        return results

    def compare(self, e: ast.Compare, env: dict[str, Any]) -> Any:
        left = self.eval(e.left, env)
        for op, right_node in zip(e.ops, e.comparators):
            right = self.eval(right_node, env)
            if any(isinstance(v, (Unknown, Tensor, BatchSize)) for v in (left, right)) and \
                    not isinstance(op, (ast.Is, ast.IsNot)):
                return Unknown("a comparison of run-time values", e)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                return Unknown("a comparison cnncalc cannot make", e)
            left = right
        return True

    def binary(self, op: ast.operator, left: Any, right: Any, node: ast.AST) -> Any:
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            if isinstance(left, Tensor) and isinstance(right, Tensor) and isinstance(op, (ast.Add, ast.Mult, ast.Sub)):
                word = {ast.Add: "add", ast.Mult: "mul", ast.Sub: "sub"}[type(op)]
                return self.merge(word, [left, right], node)
            raise self.error(node, "an operation between a tensor and a number has no layer in cnncalc",
                             "write it as a layer of the spec, or remove it")
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return left if isinstance(left, Unknown) else right
        if not _bounded(op, left, right):
            return Unknown("a number or sequence too large to compute", node)
        try:
            return _BINARY[type(op)](left, right)
        except (TypeError, ZeroDivisionError, KeyError, OverflowError, ValueError):
            return Unknown("an operation cnncalc cannot make", node)

    def subscript(self, value: Any, index: Any, node: ast.AST) -> Any:
        if isinstance(value, _Shape):
            return BatchSize() if index == 0 else Unknown("a tensor's size", node)
        if isinstance(value, Sequential):
            return value.layers[index] if not isinstance(index, slice) else \
                Sequential(value.framework, value.layers[index], value.node)
        try:
            return value[index]
        except (TypeError, KeyError, IndexError):
            return Unknown("an element cnncalc cannot find", node)

    def attribute(self, owner: Any, name: str, node: ast.AST) -> Any:  # noqa: PLR0911, PLR0912 - one per owner kind
        if isinstance(owner, Namespace):
            path = f"{owner.path}.{name}" if owner.path else name
            framework = owner.framework
            if (name in KERAS_LAYERS and framework == "keras") or (name in ("Sequential", "Model", "Input") and \
                    framework == "keras"):
                return FrameworkClass("keras", name)
            if name in KERAS_MERGES and framework == "keras" and name.islower():
                return FrameworkClass("keras", name)
            if framework == "torch" and (name in TORCH_LAYERS or name in ("Module", "Sequential", "ModuleList",
                                                                          "ModuleDict")):
                return FrameworkClass("torch", name)
            if framework == "torch" and owner.path in ("torch", "torch.nn.functional", "F") and \
                    (name in TORCH_FUNCTIONS or name in _TORCH_OPS):
                return Builtin(lambda *a, _n=name, **k: ("torch-function", _n, a, k), name)
            if name == "OrderedDict":
                return _BUILTINS["OrderedDict"]
            return Namespace(path)
        if isinstance(owner, Instance):
            if name in owner.attributes:
                return owner.attributes[name]
            found = owner.cls.lookup(name)
            if isinstance(found, Function):
                return Method(found, owner)
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, UserClass):
            found = owner.lookup(name)
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, Tensor):
            if name == "shape":
                return _Shape(owner)
            return Builtin(lambda *a, _n=name, _t=owner, **k: ("tensor-method", _n, _t, a, k), name)
        if isinstance(owner, Sequential) and name in ("add", "append"):
            return Builtin(lambda layer, _s=owner: _s.layers.append(layer), name)
        if isinstance(owner, list) and name in ("append", "extend", "insert"):
            return getattr(owner, name)
        if isinstance(owner, dict) and name in ("items", "keys", "values", "get"):
            return getattr(owner, name)
        if isinstance(owner, FrameworkClass) and owner.name == "Module":
            return Unknown("nn.Module", node)
        if isinstance(owner, Layer):
            return owner.kwargs.get(name, Unknown(f"the attribute '{name}'", node))
        return Unknown(f"the attribute '{name}'", node)

    # -- calls

    def call(self, e: ast.Call, env: dict[str, Any]) -> Any:  # noqa: PLR0911, PLR0912 - one branch per callee kind
        function = self.eval(e.func, env)
        args = self.elements(e.args, env)
        kwargs: dict[str, Any] = {}
        for keyword in e.keywords:
            value = self.eval(keyword.value, env)
            if keyword.arg is None:
                if isinstance(value, dict):
                    kwargs.update(value)
            else:
                kwargs[keyword.arg] = value
        if isinstance(function, FrameworkClass):
            return self.framework_call(function, args, kwargs, e)
        if isinstance(function, (Layer, Sequential)):
            return self.apply(function, args, e)
        if isinstance(function, Function):
            return self.invoke(function, args, kwargs, e)
        if isinstance(function, Method):
            return self.invoke(function.function, [function.owner, *args], kwargs, e)
        if isinstance(function, UserClass):
            return self.instantiate(function, args, kwargs, e)
        if isinstance(function, Instance):
            forward = function.cls.lookup("forward")
            if not isinstance(forward, Function):
                raise self.error(e, f"{function.cls.node.name} has no forward() to call")
            return self.invoke(forward, [function, *args], kwargs, e)
        if isinstance(function, Builtin):
            result = function.call(*args, **kwargs)
            if isinstance(result, tuple) and result[:1] == ("torch-function",):
                return self.torch_function(result[1], result[2], result[3], e)
            if isinstance(result, tuple) and result[:1] == ("tensor-method",):
                return self.tensor_method(result[1], result[2], result[3], result[4], e)
            return result
        if isinstance(function, _Super):
            return _SuperCall()
        if isinstance(function, _SuperCall):
            return None
        if callable(function) and not isinstance(function, Unknown) and \
                (not isinstance(function, type) or function in _SAFE_TYPES):
            try:
                return function(*args, **kwargs)
            except (TypeError, ValueError, IndexError, KeyError):
                return Unknown("a call cnncalc cannot make", e)
        if any(isinstance(a, Tensor) for a in args):
            raise self.error(e.func, f"cnncalc cannot follow a call to {ast.unparse(e.func)} on a tensor",
                             "define it in this file, use a layer cnncalc knows, or write this block as a spec")
        return Unknown(f"a call to {ast.unparse(e.func)}", e)

    def invoke(self, function: Function, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        parameters = function.node.args
        scope = dict(function.env)
        names = [a.arg for a in [*parameters.posonlyargs, *parameters.args]]
        defaults = parameters.defaults
        for i, name in enumerate(names):
            if i < len(args):
                scope[name] = args[i]
            elif name in kwargs:
                scope[name] = kwargs[name]
            elif i >= len(names) - len(defaults):
                scope[name] = self.eval(defaults[i - (len(names) - len(defaults))], function.env)
            else:
                scope[name] = Unknown(f"the argument '{name}'", node)
        if parameters.vararg is not None:
            scope[parameters.vararg.arg] = tuple(args[len(names):])
        for keyword, default in zip(parameters.kwonlyargs, parameters.kw_defaults):
            scope[keyword.arg] = kwargs.get(keyword.arg, self.eval(default, function.env) if default else None)
        if parameters.kwarg is not None:
            scope[parameters.kwarg.arg] = {k: v for k, v in kwargs.items() if k not in scope}
        scope.setdefault("super", _Super())
        flowing = any(isinstance(a, Tensor) for a in [*args, *kwargs.values()])
        self.inside_model += 1
        self.strict += flowing
        try:
            self.run(function.node.body, scope)
        except _Return as returned:
            return returned.value
        finally:
            self.inside_model -= 1
            self.strict -= flowing
        return None

    def instantiate(self, cls: UserClass, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Instance:
        instance = Instance(cls)
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.invoke(init, [instance, *args], kwargs, node)
        return instance

    def framework_call(self, cls: FrameworkClass, args: list[Any], kwargs: dict[str, Any],  # noqa: PLR0911
                       node: ast.Call) -> Any:
        if cls.framework == "keras" and cls.name == "Sequential":
            layers = list(args[0]) if args and isinstance(args[0], (list, tuple)) else list(kwargs.get("layers", []))
            return Sequential("keras", layers, node)
        if cls.framework == "keras" and cls.name == "Input":
            shape = kwargs.get("shape", args[0] if args else None)
            return self.input_tensor(shape, node)
        if cls.framework == "keras" and cls.name == "Model":
            inputs = kwargs.get("inputs", args[0] if args else None)
            outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
            return KerasModel(inputs, outputs, node)
        if cls.framework == "keras" and cls.name in KERAS_MERGES and cls.name.islower():  # layers.add([a, b])
            return self.merge(KERAS_MERGES[cls.name], list(args[0]) if args else [], node,
                              kwargs.get("axis", -1))
        if cls.framework == "torch" and cls.name == "Sequential":
            if args and isinstance(args[0], dict):
                return Sequential("torch", list(args[0].values()), node, list(args[0].keys()))
            return Sequential("torch", list(args), node)
        if cls.framework == "torch" and cls.name in ("ModuleList",):
            return list(args[0]) if args else []
        if cls.framework == "torch" and cls.name == "ModuleDict":
            return dict(args[0]) if args else {}
        if cls.framework == "torch" and cls.name == "Module":
            return None
        for value in [*args, *kwargs.values()]:
            if isinstance(value, Unknown) and self.inside_model >= 0:
                raise self.error(value.node or node, f"{cls.name}'s argument is {value.why}, which is only known "
                                 "when the code runs", "use a constant, or write the layer in a spec")
        return Layer(cls.framework, cls.name, args, kwargs, node)

    def input_tensor(self, shape: Any, node: ast.AST) -> Tensor:
        if not isinstance(shape, (tuple, list)) or not all(isinstance(d, int) for d in shape if d is not None):
            raise self.error(node, "the input's shape is not a constant", "write it as keras.Input(shape=(28, 28, 1))")
        self.nodes.append(Node("input", [], node, "x".join(str(d) for d in shape if d is not None)))
        return Tensor(len(self.nodes) - 1)

    def apply(self, layer: Layer | Sequential, args: list[Any], node: ast.AST) -> Any:
        """A layer (or a Sequential) called on a tensor: Keras' functional API, or a PyTorch module."""
        if not args:
            raise self.error(node, "a layer called with nothing to act on")
        if isinstance(layer, Sequential):
            current = args[0]
            for inner in layer.layers:
                current = self.apply(inner, [current], node) if isinstance(inner, (Layer, Sequential)) else \
                    self.module_call(inner, current, node)
            return current
        source = args[0]
        if isinstance(source, (list, tuple)) and layer.name in KERAS_MERGES:
            return self.merge(KERAS_MERGES[layer.name], list(source), node, layer.kwargs.get("axis", -1))
        if not isinstance(source, Tensor):
            raise self.error(node, f"{layer.name} is applied to something that is not a tensor here")
        from .pyspec import layer_item

        item, declared = layer_item(layer, self)
        if item is None:  # a layer with no row (nn.Identity in a chain is written as 'linear')
            return source
        self.nodes.append(Node("layer", [source.node], layer.node, item, layer, declared))
        return Tensor(len(self.nodes) - 1)

    def module_call(self, module: Any, tensor: Any, node: ast.AST) -> Any:
        if isinstance(module, Instance):
            forward = module.cls.lookup("forward")
            if isinstance(forward, Function):
                return self.invoke(forward, [module, tensor], {}, node)
        raise self.error(node, "cnncalc cannot apply this to a tensor")

    def merge(self, word: str, tensors: list[Any], node: ast.AST, axis: Any = -1) -> Tensor:
        if len(tensors) < 2 or not all(isinstance(t, Tensor) for t in tensors):
            raise self.error(node, f"a {word} merge needs two or more tensors")
        if word == "cat" and axis not in (-1, 1, 3):
            raise self.error(node, f"a concatenation on axis {axis}: cnncalc concatenates channels only",
                             "concatenate on the channel axis (-1 in Keras, dim=1 in PyTorch)")
        self.nodes.append(Node("merge", [t.node for t in tensors], node, word))
        return Tensor(len(self.nodes) - 1)

    def torch_function(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], node: ast.AST) -> Any:
        from .pyspec import function_item

        if name == "cat":
            tensors = list(args[0]) if args else []
            return self.merge("cat", tensors, node, kwargs.get("dim", args[1] if len(args) > 1 else 0))
        if name in ("add", "mul", "sub") and len(args) >= 2:
            return self.merge(name, list(args[:2]), node)
        tensor = args[0] if args else None
        if not isinstance(tensor, Tensor):
            return Unknown(f"torch.{name}", node)
        item = function_item(name, args, kwargs, self, node)
        if item is None:
            return tensor
        self.nodes.append(Node("layer", [tensor.node], node, item))
        return Tensor(len(self.nodes) - 1)

    def tensor_method(self, name: str, tensor: Tensor, args: tuple[Any, ...], kwargs: dict[str, Any],
                      node: ast.AST) -> Any:
        if name == "size":
            return BatchSize() if args and args[0] == 0 else _Shape(tensor) if not args else \
                Unknown("a tensor's size", node)
        if name in ("contiguous", "clone", "detach", "float", "to", "cuda", "cpu"):
            return tensor
        if name in _READ_OUTS:  # a value read off the tensor at run time, not a layer
            return Unknown(f"x.{name}()", node)
        return self.torch_function({"view": "view", "reshape": "view"}.get(name, name), (tensor, *args), kwargs,
                                   node)


#: The largest number, and the longest sequence, arithmetic in model code may make (10 ** 10 ** 10 is refused).
_LARGEST = 10 ** 36
_LONGEST = 100_000


def _bounded(op: ast.operator, left: Any, right: Any) -> bool:
    """Whether an operation's result stays small enough to compute at once."""
    if isinstance(op, ast.Pow) and isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return abs(right) <= 128 and abs(left) <= 10 ** 6
    if isinstance(op, ast.Mult):
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
                return len(seq) * abs(count) <= _LONGEST
        if isinstance(left, int) and isinstance(right, int):
            return abs(left) <= _LARGEST and abs(right) <= _LARGEST
    return not (isinstance(left, int) and abs(left) > _LARGEST ** 2)


class _Shape:
    """``x.shape``: its [0] is the batch."""

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor


class _Super:
    pass


class _SuperCall:
    def __getattr__(self, name: str) -> Any:
        return self


_TORCH_OPS = frozenset({"flatten", "cat", "add", "mul", "sub", "view", "reshape", "max_pool2d", "avg_pool2d",
                        "adaptive_avg_pool2d", "adaptive_max_pool2d", "dropout", "dropout2d", "interpolate",
                        "max_pool1d", "avg_pool1d", "mean", "squeeze", "log_softmax"})


#: Built-in types a model definition calls: int(planes * (base_width / 64.0)), list(…), tuple(…).
_SAFE_TYPES = (int, float, list, tuple, dict, str, bool, range)


#: Tensor methods that read a value off the tensor: what they give is only known when the model runs.
_READ_OUTS = frozenset({"sum", "max", "min", "item", "norm", "any", "all", "argmax", "argmin", "numel", "dim",
                        "std", "var", "tolist", "numpy"})


def _ordered_dict(pairs: Any = ()) -> dict[Any, Any]:
    return dict(pairs)


def _small(function: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in that walks its arguments, refused (Unknown) on a sequence too long to walk at once."""
    def call(*args: Any, **kwargs: Any) -> Any:
        if any(hasattr(a, "__len__") and not isinstance(a, (str, dict)) and len(a) > _LONGEST for a in args):
            return Unknown("a sequence too long to follow")
        return function(*args, **kwargs)
    return call


_BUILTINS: dict[str, Any] = {
    "range": range, "len": len, "int": int, "float": float, "list": _small(list), "tuple": _small(tuple),
    "dict": _small(dict), "min": _small(min), "max": _small(max), "sum": _small(sum), "abs": abs, "round": round,
    "enumerate": _small(lambda x, start=0: list(enumerate(x, start))), "zip": _small(lambda *a: list(zip(*a))),
    "reversed": _small(lambda x: list(reversed(x))), "sorted": _small(sorted), "str": str, "bool": bool,
    "isinstance": lambda *a: Unknown("isinstance"), "print": lambda *a, **k: None, "OrderedDict": _ordered_dict,
    "True": True, "False": False, "None": None, "super": _Super(),
}


# ---- from code to a model -------------------------------------------------------------------------------

def read_model(text: str, path: str, model: str | None = None) -> ModelCode:
    """The model a Python file defines, as spec text with where each item came from."""
    from .pyspec import graph_spec

    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as error:
        lines = python_lines(text)
        raise CodeError(f"not valid Python: {error.msg}", path, lines[(error.lineno or 1) - 1] if lines else "",
                        error.lineno or 1, (error.offset or 1) - 1, error.offset or 1,
                        "cnncalc reads a model definition's .py file without running it") from None
    except (ValueError, RecursionError, MemoryError):
        raise CnnCalcError(f"{path} cannot be parsed as Python", "give a Python file with a model definition") from None
    interpreter = Interpreter(path, text)
    env: dict[str, Any] = {}
    try:
        interpreter.run_module(tree.body, env)
    except RecursionError:
        raise interpreter.error(None, "the code recurses too deeply to follow") from None
    name, found = _pick(interpreter, env, model, tree)
    return graph_spec(interpreter, found, name)


def _pick(interpreter: Interpreter, env: dict[str, Any], model: str | None, tree: ast.Module) -> tuple[str, Any]:
    """The model to summarise: --model NAME, or the file's one model."""
    candidates = {name: value for name, value in env.items()
                  if isinstance(value, (Sequential, KerasModel, Instance, Failed)) and
                  (not isinstance(value, Instance) or value.cls.is_module)}
    classes = {name: value for name, value in env.items() if isinstance(value, UserClass) and value.is_module}
    used = {n.id for cls in classes.values() for n in ast.walk(cls.node) if isinstance(n, ast.Name)}
    if model is not None:
        if model in candidates:
            chosen = candidates[model]
            if isinstance(chosen, Failed):
                raise chosen.error
            return model, chosen
        if model in classes:
            return model, _instantiate_class(interpreter, classes[model])
        function = env.get(model)
        if isinstance(function, Function):
            return model, interpreter.invoke(function, [], {}, function.node)
        known = sorted([*candidates, *classes])
        raise CnnCalcError(f"--model {model}: the file defines no such model",
                           f"its models are: {', '.join(known)}" if known else "it defines no model")
    if len(candidates) == 1:
        name, value = next(iter(candidates.items()))
        if isinstance(value, Failed):
            raise value.error
        return name, value
    if len(candidates) > 1:
        raise CnnCalcError(f"the file defines {len(candidates)} models: {', '.join(candidates)}",
                           "pick one with --model NAME")
    top = [name for name in classes if name not in used or name == model]
    if len(top) == 1:
        return top[0], _instantiate_class(interpreter, classes[top[0]])
    functions = [name for name, value in env.items() if isinstance(value, Function) and not value.node.args.args
                 and any(isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute)) and
                         (getattr(n.func, "id", None) or getattr(n.func, "attr", None)) in ("Sequential", "Model")
                         for n in ast.walk(value.node))]
    if len(functions) == 1:
        function = env[functions[0]]
        return functions[0], interpreter.invoke(function, [], {}, function.node)
    if len(top) > 1:
        raise CnnCalcError(f"the file defines {len(top)} models: {', '.join(top)}", "pick one with --model NAME")
    raise CnnCalcError("the file defines no model cnncalc can find",
                       "assign it (model = keras.Sequential([...]) or model = Net()), define an nn.Module, or a "
                       "function without arguments that returns one")


def _instantiate_class(interpreter: Interpreter, cls: UserClass) -> Instance:
    init = cls.lookup("__init__")
    if isinstance(init, Function):
        parameters = init.node.args
        required = len(parameters.args) - 1 - len(parameters.defaults)
        if required > 0:
            names = ", ".join(a.arg for a in parameters.args[1:1 + required])
            raise interpreter.error(init.node, f"{cls.node.name}({names}) needs arguments to be built",
                                    f"add a line such as 'model = {cls.node.name}(…)' with constant arguments, "
                                    "and summarise that")
    instance: Instance = interpreter.instantiate(cls, [], {}, cls.node)
    return instance
