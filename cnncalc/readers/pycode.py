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

Reading is bounded, whatever the file holds: the source by its size before Python parses it, the reading by a
budget of work (every statement and expression followed, and every item of a sequence, string or mapping built,
walked, compared or hashed), each string and sequence by its length, and the nesting of calls and expressions by
a depth of the reader's own.  Python's own errors on the code's values (``-'a'``, ``[][0]``, ``int(float('inf'))``)
become errors at the construct that makes them, in one place (:func:`_followed`).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gc
import operator
import re
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from ..errors import CnnCalcError, CodeError
from ..language.sources import python_lines

# pyspec imports this module only inside its functions: at load time the import goes one way
from .pyspec import concat_axis, function_item, graph_spec, input_text, layer_item

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
#: The largest model file parsed: Python's own parser takes up to 600 bytes of memory per byte of source (a
#: 4 MiB file took 2 GB). 512 KiB holds a model of 10,000 layers written one a line.
MAX_SOURCE_BYTES = 512 * 1024
#: The most syntax-tree nodes a model file may hold. A byte of source makes at most two (``-`` is a UnaryOp and
#: its USub), so only a source over half this many bytes is walked to count them.
MAX_NODES = 1_000_000
#: The most work one file may make cnncalc do, in units: one per statement and expression followed, one per item
#: of a sequence, string or mapping built, walked, compared or hashed, and one per 64 bits of a big number. A
#: loop that never ends, or that sorts a long list 190,000 times, is refused rather than followed.
MAX_WORK = 1_000_000
#: The deepest nesting of calls and expressions followed: recursion is refused here, long before Python's own limit.
MAX_DEPTH = 120
#: The longest string or sequence the code may build (the spec's own limit is 100,000 layers).
MAX_LENGTH = 100_000
#: The deepest nesting of lists, tuples and dicts the code may compare or hash (Python hashes a tuple recursively).
MAX_NESTING = 100
#: The widest field or precision a %-format may ask for ('%.999999999f' would make a gigabyte).
MAX_FORMAT_WIDTH = 1_000

#: A scope of names: the module's dict, or a function's locals in front of the scopes it was defined in.
Scope = MutableMapping[str, Any]


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

    def __iter__(self) -> Any:  # for layer in self.features: an nn.Sequential iterates its layers
        return iter(self.layers)


class KerasModel:
    """``keras.Model(inputs, outputs)``."""

    def __init__(self, inputs: Any, outputs: Any, node: ast.AST) -> None:
        self.inputs, self.outputs, self.node = inputs, outputs, node


class Function:
    def __init__(self, node: ast.FunctionDef, env: Scope) -> None:
        self.node, self.env = node, env
        decorators = {d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else ""
                      for d in node.decorator_list}
        #: how a class's attribute binds it: "method" (self first), "static", "class" (cls first) or "property"
        self.binding = next((kind for decorator, kind in (("staticmethod", "static"), ("classmethod", "class"),
                                                          ("property", "property")) if decorator in decorators),
                            "method")


class UserClass:
    def __init__(self, node: ast.ClassDef, bases: list[Any], env: Scope) -> None:
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
                 requires: Callable[[Any, Any], tuple[str, str | None] | None] | None = None,
                 applied: ast.AST | None = None) -> None:
        self.kind, self.inputs, self.where, self.item, self.layer = kind, inputs, where, item, layer
        self.requires = requires  # what the code says of the resolved network (pyspec.Requirement)
        self.applied = applied  # where the layer is called on a tensor (``where`` is where it is made)


class ModelCode:
    """A model read from code: the spec it is, where each item came from, and how it prints."""

    def __init__(self, spec: str, conventions: str, items: list[tuple[tuple[int, int], Node]], path: str,
                 lines: list[str], name: str = "") -> None:
        self.spec, self.conventions, self.items, self.path, self.lines = spec, conventions, items, path, lines
        self.name = name  # the model's name in the file: a variable, a class or a function
        self.starts = [start for (start, _), _ in items]  # for a binary search from a spec position to its item

    def error_at(self, node: ast.AST | None, message: str, hint: str | None = None) -> CodeError:
        return _code_error(self.path, self.lines, node, message, hint)


def _code_error(path: str, lines: list[str], node: ast.AST | None, message: str, hint: str | None = None,
                kind: type[CodeError] = CodeError) -> CodeError:
    line = getattr(node, "lineno", 1) or 1
    column = getattr(node, "col_offset", 0) or 0
    end = getattr(node, "end_col_offset", column + 1) if getattr(node, "end_lineno", line) == line else \
        len(lines[line - 1]) if line <= len(lines) else column + 1
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return kind(message, path, source, line, column, end or column + 1, hint)


# ---- the interpreter ------------------------------------------------------------------------------------

class _TooMuchWorkError(CodeError):
    """The file's budget of work is spent: fatal, never kept as one assignment's error (every later step would
    fail the same way)."""


#: Python's own errors from operating on the code's values: -'a' (TypeError), [][0] (IndexError), {[1]: 2},
#: int(float('inf')) (OverflowError), 1 / 0, a C-level recursion, an allocation that fails.
_PYTHON_ERRORS = (ArithmeticError, LookupError, TypeError, ValueError, AttributeError, RuntimeError, MemoryError)


def _followed(method: Callable[[Interpreter, Any, Scope], Any]) -> Callable[[Interpreter, Any, Scope], Any]:
    """Wraps :meth:`Interpreter.eval` and :meth:`Interpreter.statement`, through which every construct is followed:
    the one place where work and depth are counted, and where Python's own errors on the code's values become
    errors at the innermost construct that made them (an outer one sees a CodeError, which it lets through)."""
    @functools.wraps(method)
    def follow(self: Interpreter, node: Any, env: Scope) -> Any:
        self.work += 1
        self.depth += 1
        try:
            if self.work > MAX_WORK or self.depth > MAX_DEPTH:  # the checks of charge() and enter(), inlined: this
                self.charge(0, node)                            # runs for every construct of the file
                self.enter(node, 0)
            return method(self, node, env)
        except _PYTHON_ERRORS as error:
            raise self.python_error(error, node) from None
        finally:
            self.depth -= 1
    return follow


class Interpreter:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        self.lines = python_lines(text)
        self.nodes: list[Node] = []
        self.work = 0  # units of MAX_WORK spent
        self.depth = 0  # statements and expressions being followed, one inside the other
        self.inside_model = 0  # > 0 while a model is being built: unknown values are errors there
        self.strict = 0  # > 0 while tensors flow (forward, a functional block): a run-time branch is an error

    def error(self, node: ast.AST | None, message: str, hint: str | None = None) -> CodeError:
        return _code_error(self.path, self.lines, node, message, hint)

    def python_error(self, error: Exception, node: ast.AST) -> CodeError:
        """What Python would raise here, as an error at the construct."""
        if isinstance(error, (RecursionError, MemoryError)):
            return self.error(node, "this is nested or sized beyond what cnncalc follows",
                              "build the model without recursion or huge values, or write it as a spec")
        # a KeyError's text is the key's repr, which may be as large as the key: name only its type
        detail = f"{type(error).__name__}" if isinstance(error, LookupError) else \
            f"{type(error).__name__}: {str(error)[:200]}"
        return self.error(node, f"Python fails here when the code runs ({detail})",
                          "cnncalc reads the code as Python would run it: fix this line, or write the model as a "
                          "spec")

    def enter(self, node: ast.AST | None, levels: int = 1) -> None:
        """``levels`` deeper into the code (the caller takes them back off ``depth``): recursion is refused here,
        at about four of Python's frames a level, long before Python's own limit of 1,000."""
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.error(node, f"calls and expressions nest more than {MAX_DEPTH} deep here",
                             "cnncalc does not follow recursion: build the model without it, or write it as a spec")

    def charge(self, units: int, node: ast.AST | None) -> None:
        """Count work done for the code, and refuse the file once it has asked for more than MAX_WORK."""
        self.work += units
        if self.work > MAX_WORK:
            raise _code_error(self.path, self.lines, node, f"more than {MAX_WORK:,} units of work to follow this "
                              "file", "a model definition takes far less: write a long loop's layers as a spec",
                              _TooMuchWorkError)

    def touch(self, value: Any, node: ast.AST) -> Any:
        """A value walked item by item (compared, hashed, sorted, printed): its size charged, its nesting bounded."""
        size, depth = _weight(value, MAX_WORK - self.work + 1)
        if depth > MAX_NESTING:
            raise self.error(node, f"a value nested more than {MAX_NESTING} deep",
                             "cnncalc compares and hashes values of at most this depth")
        self.charge(size, node)
        return value

    def items(self, value: Any, node: ast.AST) -> list[Any]:
        """The items of a sequence the code expands or unpacks (*x, a, *b = x, list(x)), refused when too long."""
        if isinstance(value, Sequential):
            value = value.layers
        length = _length(value)
        if length is None:
            raise self.error(node, "this is not a sequence cnncalc can expand")
        if length > MAX_LENGTH:
            raise self.error(node, f"a sequence of {_count(length)} items, over the {MAX_LENGTH:,} cnncalc follows",
                             "a model definition needs far fewer: write the layers as a spec, with [ … ]xN")
        self.charge(length, node)
        return list(value)

    # -- statements

    def run_module(self, body: list[ast.stmt], env: dict[str, Any]) -> None:
        """The file's top level: a statement that fails is kept as its error, raised only if its model is the one
        asked for (a file may build resnet18 and resnet50, and the user want only one)."""
        for statement in body:
            try:
                self.run([statement], env)
            except _TooMuchWorkError:
                raise
            except CodeError as error:
                targets = statement.targets if isinstance(statement, ast.Assign) else []
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if not names:
                    raise
                for name in names:
                    env[name] = Failed(error)

    def run(self, body: list[ast.stmt], env: Scope) -> None:
        for statement in body:
            self.statement(statement, env)

    @_followed
    def statement(self, s: ast.stmt, env: Scope) -> None:  # noqa: PLR0912 - one branch per statement kind
        if isinstance(s, ast.Assign):
            value = self.eval(s.value, env)
            for target in s.targets:
                self.assign(target, value, env)
        elif isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.assign(s.target, self.eval(s.value, env), env)
        elif isinstance(s, ast.AugAssign):
            current = self.eval(s.target, env)
            value = self.eval(s.value, env)
            if isinstance(current, list) and isinstance(s.op, ast.Add) and hasattr(value, "__iter__"):
                self.grow(current, "extend", "+=", s, value)  # layers += [...] extends the list itself, in place
            else:
                self.assign(s.target, self.binary(s.op, current, value, s), env)
        elif isinstance(s, ast.Expr):
            self.eval(s.value, env)
        elif isinstance(s, ast.If):
            test = self.eval(s.test, env)
            if isinstance(test, _UNKNOWN_TRUTH):
                if self.strict:
                    raise self.error(s.test, "this branch depends on values only known when the model runs",
                                     "write this block as a spec, or make the condition a constant")
                self.skip([*s.body, *s.orelse], s.test, env)
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
        elif isinstance(s, ast.With):
            self.run(s.body, env)
        elif isinstance(s, ast.Try):  # as when nothing is raised: the handlers are not followed
            self.run([*s.body, *s.orelse, *s.finalbody], env)
        elif isinstance(s, ast.While):
            self.while_loop(s, env)
        elif isinstance(s, ast.Match):
            raise self.error(s, "cnncalc does not follow match statements",
                             "choose the case with if, or write the model as a spec")
        # pass, assert, del, global, nonlocal, raise: nothing a model definition needs

    def loop(self, s: ast.For, env: Scope) -> None:
        items = self.eval(s.iter, env)
        if isinstance(items, (Unknown, Tensor)) or not hasattr(items, "__iter__"):
            if self.strict:
                raise self.error(s.iter, "this loop's range is only known when the model runs",
                                 "loop over a constant range or list, or write the layers as a spec")
            self.skip([*s.body, *s.orelse], s.iter, env)  # weight initialisation over self.modules(), say
            return
        for item in items:  # lazily: range(10 ** 9) is refused by the work budget, never built
            self.charge(1, s)
            self.assign(s.target, item, env)
            try:
                self.run(s.body, env)
            except _Break:
                break
            except _Continue:
                continue
        else:
            self.run(s.orelse, env)

    def while_loop(self, s: ast.While, env: Scope) -> None:
        """A while loop on known values, followed as Python runs it (within the work budget)."""
        while True:
            test = self.eval(s.test, env)
            if isinstance(test, _UNKNOWN_TRUTH):
                if self.strict:
                    raise self.error(s.test, "a while loop on values only known when the model runs",
                                     "write the loop's layers out, or use for with a constant range")
                self.skip([*s.body, *s.orelse], s.test, env)
                return
            if not test:
                self.run(s.orelse, env)
                return
            try:
                self.run(s.body, env)
            except _Break:
                return
            except _Continue:
                continue

    def skip(self, block: list[ast.stmt], condition: ast.expr, env: Scope) -> None:
        """A block not followed because whether (or how often) it runs is only known when the code runs: a weight
        initialisation over self.modules(), a device chosen by torch.cuda.is_available(). Skipping one that may
        change the model would drop or keep layers silently, so such a block is refused: one that adds to a model
        or a list (.add, .append, .extend, .insert), sets an attribute (self.fc = …, layer.trainable = …), or
        rebinds a name that holds a model, a layer, a tensor or a list (other than model = model.cuda())."""
        for statement in block:
            for node in ast.walk(statement):
                self.charge(1, node)
                if self.changes_model(node, env):
                    raise self.error(node, "this may change the model, in a block that runs or not as values only "
                                     f"known when the code runs decide (line {condition.lineno})",
                                     "make the condition a constant, or write the model as a spec")

    def changes_model(self, node: ast.AST, env: Scope) -> bool:
        """Whether a construct of a skipped block may change a model (see skip)."""
        if isinstance(node, ast.Call):
            return isinstance(node.func, ast.Attribute) and node.func.attr in ("add", "append", "extend", "insert")
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, (ast.Attribute, ast.Subscript)) and isinstance(part.ctx, ast.Store):
                    return True
                if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Store) and \
                        isinstance(_lookup(env, part.id), (Tensor, Layer, Sequential, KerasModel, Instance, list)) and \
                        not _neutral(node, part.id):
                    return True
        return False

    def class_body(self, cls: UserClass, s: ast.ClassDef, env: Scope) -> None:
        scope = _child(env)
        for statement in s.body:
            if isinstance(statement, ast.FunctionDef):
                cls.attributes[statement.name] = Function(statement, env)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                self.statement(statement, scope)
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        cls.attributes[target.id] = scope.get(target.id)

    def import_(self, s: ast.Import | ast.ImportFrom, env: Scope) -> None:
        """Keras, TensorFlow, PyTorch and collections are namespaces cnncalc knows; any other module is only known
        when the code runs (a layer class of its own named Dense is not Keras' Dense)."""
        if isinstance(s, ast.Import):
            for alias in s.names:
                path = alias.name if alias.asname else alias.name.split(".")[0]
                env[alias.asname or path] = _module(path, s)
            return
        module = _module(s.module or "", s)
        for alias in s.names:
            env[alias.asname or alias.name] = self.attribute(module, alias.name, s)

    def assign(self, target: ast.expr, value: Any, env: Scope) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.unpack(target, value, env)
        elif isinstance(target, ast.Attribute):
            owner = self.eval(target.value, env)
            if isinstance(owner, (Instance, UserClass)):
                owner.attributes[target.attr] = value
            elif isinstance(owner, (Layer, Sequential, KerasModel)):
                raise self.error(target, f"cnncalc cannot follow a change to a built layer or model "
                                 f"(.{target.attr} = …)", "give the layer its arguments when it is made, or write "
                                 "the model as a spec")
        elif isinstance(target, ast.Subscript):
            owner = self.eval(target.value, env)
            index = self.touch(self.eval(target.slice, env), target.slice)
            if isinstance(owner, (dict, list)):
                owner[index] = value
            elif isinstance(owner, Sequential) and owner.framework == "torch" and isinstance(index, int):
                owner.layers[index] = value  # nn.Sequential's __setitem__: a layer replaced
            elif isinstance(owner, (Layer, Sequential, KerasModel, Instance)):
                raise self.error(target, "cnncalc cannot follow this assignment into a layer or a model",
                                 "build the model with its final layers, or write it as a spec")
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, env)

    def unpack(self, target: ast.Tuple | ast.List, value: Any, env: Scope) -> None:
        """a, b = …, a, *rest = …: as Python unpacks, an iterable of the wrong length included."""
        if isinstance(value, Unknown) or not hasattr(value, "__iter__"):
            for element in target.elts:
                self.assign(element, value if isinstance(value, Unknown) else Unknown("unpacked", target), env)
            return
        values = self.items(value, target)
        starred = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
        fixed = len(target.elts) - len(starred)
        if (starred and len(values) < fixed) or (not starred and len(values) != fixed):
            raise ValueError(f"{len(values)} values to unpack into {len(target.elts)} names")
        if starred:
            i = starred[0]
            tail = len(target.elts) - i - 1
            values = [*values[:i], values[i:len(values) - tail], *values[len(values) - tail:]]
        for element, item in zip(target.elts, values):
            self.assign(element.value if isinstance(element, ast.Starred) else element, item, env)

    # -- expressions

    def eval(self, e: ast.expr, env: Scope) -> Any:
        """An expression's value. A constant and a name, the most common, cannot fail nor nest: they are counted
        here, and everything else is followed by _expression."""
        kind = type(e)
        if kind is ast.Constant:
            self.work += 1
            return e.value  # type: ignore[attr-defined]
        if kind is ast.Name:
            self.work += 1
            return self.name(e, env)  # type: ignore[arg-type]
        return self._expression(e, env)

    @_followed
    def _expression(self, e: ast.expr, env: Scope) -> Any:  # noqa: PLR0911, PLR0912 - one branch per kind
        if isinstance(e, ast.Call):  # the most common first: a model file is mostly calls
            return self.call(e, env)
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
            operand = self.eval(e.operand, env)
            if isinstance(operand, Unknown):
                return operand
            if isinstance(e.op, ast.Not):
                return Unknown("a condition on run-time values", e) if isinstance(operand, _UNKNOWN_TRUTH) else \
                    not operand
            if not isinstance(operand, _PLAIN):  # -x.size(0), -tensor: values only known when the model runs
                return Unknown("an operation on a run-time value", e)
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
                return Unknown("a choice made at run time", e)
            return self.eval(e.body if test else e.orelse, env)
        if isinstance(e, ast.Subscript):
            return self.subscript(self.eval(e.value, env), self.eval(e.slice, env), e)
        if isinstance(e, ast.Slice):
            return slice(*(self.eval(p, env) if p is not None else None for p in (e.lower, e.upper, e.step)))
        if isinstance(e, (ast.ListComp, ast.GeneratorExp)):
            return self.comprehension(e, env)
        if isinstance(e, ast.SetComp):
            return {self.touch(value, e) for value in self.comprehension(e, env)}
        if isinstance(e, ast.DictComp):
            pairs = self.comprehension(ast.ListComp(ast.Tuple([e.key, e.value], ast.Load()), e.generators), env)
            return {self.touch(key, e.key): value for key, value in pairs}
        if isinstance(e, ast.Starred):
            return self.eval(e.value, env)
        if isinstance(e, ast.JoinedStr):
            return Unknown("an f-string", e)
        if isinstance(e, ast.Lambda):
            return Unknown("a lambda", e)
        return Unknown(f"a {type(e).__name__}", e)

    def elements(self, elements: list[ast.expr], env: Scope) -> list[Any]:
        values: list[Any] = []
        for element in elements:
            value = self.eval(element, env)
            if type(element) is ast.Starred and hasattr(value, "__iter__"):
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
            return _BUILTINS[e.id] if e.id in _BUILTINS else Unknown(f"the name '{e.id}'", e)
        if isinstance(value, Failed):
            raise value.error
        return value

    def comprehension(self, e: ast.ListComp | ast.GeneratorExp | ast.SetComp, env: Scope) -> list[Any]:
        """A comprehension's items, in a scope of its own (its names do not leak), each charged to the work."""
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
                raise self.error(generator.iter, "this comprehension's range is only known at run time",
                                 "use a constant range or list")
            for item in items:  # lazily: range(10 ** 9) is refused by the work budget, never built
                self.charge(1, generator.iter)
                self.assign(generator.target, item, scope)
                if all(self.condition(test, scope) for test in generator.ifs):
                    walk(index + 1)

        walk(0)
        return results

    def condition(self, test: ast.expr, env: Scope) -> bool:
        """A comprehension's filter, which must be known: an unknown one would silently keep or drop layers."""
        value = self.eval(test, env)
        if isinstance(value, _UNKNOWN_TRUTH):
            raise self.error(test, "this filter depends on values only known when the code runs",
                             "filter on constants, or write the layers as a spec")
        return bool(value)

    def compare(self, e: ast.Compare, env: Scope) -> Any:
        left = self.eval(e.left, env)
        for op, right_node in zip(e.ops, e.comparators):
            right = self.eval(right_node, env)
            if isinstance(op, (ast.Is, ast.IsNot)):
                if not _COMPARE[type(op)](left, right):
                    return False
            elif isinstance(left, _RUN_TIME) or isinstance(right, _RUN_TIME):
                return Unknown("a comparison of run-time values", e)
            elif not _COMPARE[type(op)](self.touch(left, e), self.touch(right, e)):
                return False  # a comparison Python refuses ('a' < 1) fails here, as when the code runs
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
        if not isinstance(left, _PLAIN) or not isinstance(right, _PLAIN) or type(op) not in _BINARY:
            return Unknown("an operation on values only known when the code runs", node)  # x.size(0) * 2
        refusal = _too_large(op, left, right)
        if refusal:
            raise self.error(node, refusal, "a model definition computes with small numbers and short sequences")
        result = _BINARY[type(op)](left, right)  # 'a' + 1 and 1 / 0 fail here, as when the code runs
        self.charge(_size(result), node)
        return result

    def subscript(self, value: Any, index: Any, node: ast.AST) -> Any:
        if isinstance(value, _Shape):
            return BatchSize() if index == 0 else Unknown("a tensor's size", node)
        if isinstance(value, Sequential):
            return value.layers[index] if not isinstance(index, slice) else \
                Sequential(value.framework, value.layers[index], value.node)
        if not _is_plain(value) or not _is_plain(index):
            return Unknown("an element cnncalc cannot find", node)
        result = value[self.touch(index, node)]  # [][0] and {}['a'] fail here, as when the code runs
        self.charge(_size(result) if isinstance(index, slice) else 1, node)
        return result

    def attribute(self, owner: Any, name: str, node: ast.AST) -> Any:  # noqa: PLR0911, PLR0912 - one per owner kind
        if isinstance(owner, Namespace):
            return _namespace_attribute(owner.path, name)
        if isinstance(owner, Instance):
            if name in owner.attributes:
                return owner.attributes[name]
            found = owner.cls.lookup(name)
            if isinstance(found, Function):
                return self.bound(found, owner, owner.cls, node)
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, UserClass):
            found = owner.lookup(name)
            if isinstance(found, Function) and found.binding == "class":
                return Method(found, owner)
            return found if found is not _MISSING else Unknown(f"the attribute '{name}'", node)
        if isinstance(owner, Tensor):
            if name == "shape":
                return _Shape(owner)
            return Builtin(functools.partial(_torch_call, "tensor-method", name, owner), name)
        if isinstance(owner, Sequential) and name in ("add", "append"):
            return Builtin(functools.partial(self.grow, owner.layers, "append", name, node), name)
        if isinstance(owner, list) and name in ("append", "extend", "insert"):
            return Builtin(functools.partial(self.grow, owner, name, name, node), name)
        if isinstance(owner, dict) and name in ("items", "keys", "values", "get"):
            return getattr(owner, name)
        if isinstance(owner, FrameworkClass) and owner.name == "Module":
            return Unknown("nn.Module", node)
        if isinstance(owner, Layer):
            return owner.kwargs.get(name, Unknown(f"the attribute '{name}'", node))
        return Unknown(f"the attribute '{name}'", node)

    def bound(self, function: Function, instance: Instance, cls: UserClass, node: ast.AST) -> Any:
        """A function of a class read off an instance: a method, a static or class method, or a property's value."""
        if function.binding == "static":
            return function
        if function.binding == "class":
            return Method(function, cls)
        if function.binding == "property":
            return self.invoke(function, [instance], {}, node)
        return Method(function, instance)

    # -- calls

    def call(self, e: ast.Call, env: Scope) -> Any:  # noqa: PLR0911, PLR0912 - one branch per callee kind
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
            return self.builtin(function, args, kwargs, e)
        if any(isinstance(a, Tensor) for a in args):
            raise self.error(e.func, f"cnncalc cannot follow a call to {ast.unparse(e.func)} on a tensor",
                             "define it in this file, use a layer cnncalc knows, or write this block as a spec")
        return Unknown(f"a call to {ast.unparse(e.func)}", e)

    def builtin(self, function: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        """A call to one of Python's built-ins (len, int, sorted, dict.get…): each argument charged by its size,
        a sequence too long to walk refused, and what Python would raise raised here."""
        values = [*args, *kwargs.values()]
        if not all(_is_plain(value) for value in values):
            return Unknown("a call on values only known when the code runs", node)  # len(nn.Sequential(…))
        for value in values:
            self.touch(value, node)
            if function in _WALKING and (_length(value) or 0) > MAX_LENGTH:
                raise self.error(node, f"a sequence of {_count(_length(value) or 0)} items, over the "
                                 f"{MAX_LENGTH:,} cnncalc follows", "a model definition walks far shorter sequences")
        result = function(*args, **kwargs)  # int(float('inf')), len(range(10 ** 30)) fail here, as in Python
        self.charge(_size(result), node)
        return result

    def grow(self, target: list[Any], method: str, name: str, node: ast.AST, *args: Any) -> None:
        """list.append, .extend, .insert and Sequential.add, within MAX_LENGTH items."""
        if len(args) != {"append": 1, "extend": 1, "insert": 2}[method]:  # model.add() fails, as in Python
            raise TypeError(f"{name}() takes {'two arguments' if method == 'insert' else 'one argument'} "
                            f"({len(args)} given)")
        added = len(self.items(args[0], node)) if method == "extend" else 1
        if len(target) + added > MAX_LENGTH:
            raise self.error(node, f"a list of more than {MAX_LENGTH:,} items",
                             "a model definition needs far fewer: write the layers as a spec, with [ … ]xN")
        getattr(target, method)(*args)

    def invoke(self, function: Function, args: list[Any], kwargs: dict[str, Any], node: ast.AST) -> Any:
        parameters = function.node.args
        scope = _child(function.env)
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
            bound = {*names, *(keyword.arg for keyword in parameters.kwonlyargs)}
            scope[parameters.kwarg.arg] = {k: v for k, v in kwargs.items() if k not in bound}
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

    def framework_call(self, cls: FrameworkClass, args: list[Any], kwargs: dict[str, Any], node: ast.Call) -> Any:
        """A framework class called: a layer made (with constant arguments), or a model or container."""
        if cls.name in _MODEL_CLASSES:
            return self.model_class(cls, args, kwargs, node)
        for value in [*args, *kwargs.values()]:
            if isinstance(value, Unknown) and self.inside_model >= 0:
                raise self.error(value.node or node, f"{cls.name}'s argument is {value.why}, which is only known "
                                 "when the code runs", "use a constant, or write the layer in a spec")
        return Layer(cls.framework, cls.name, args, kwargs, node)

    def model_class(self, cls: FrameworkClass, args: list[Any], kwargs: dict[str, Any],  # noqa: PLR0911
                    node: ast.Call) -> Any:
        """keras.Sequential, keras.Input, keras.Model, layers.add(…), nn.Sequential, nn.ModuleList/Dict, nn.Module."""
        if cls.framework == "keras" and cls.name == "Sequential":
            layers = args[0] if args else kwargs.get("layers")
            return Sequential("keras", [] if layers is None else self.items(layers, node), node)
        if cls.framework == "keras" and cls.name == "Input":
            shape = kwargs.get("shape", args[0] if args else None)
            return self.input_tensor(shape, node)
        if cls.framework == "keras" and cls.name == "Model":
            inputs = kwargs.get("inputs", args[0] if args else None)
            outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
            return KerasModel(inputs, outputs, node)
        if cls.framework == "keras" and cls.name in KERAS_MERGES and cls.name.islower():  # layers.add([a, b])
            return self.merge(KERAS_MERGES[cls.name], self.items(args[0], node) if args else [], node,
                              kwargs.get("axis", -1))
        if cls.framework == "torch" and cls.name == "Sequential":
            if args and isinstance(args[0], dict):
                return Sequential("torch", list(args[0].values()), node, list(args[0].keys()))
            return Sequential("torch", list(args), node)
        if cls.framework == "torch" and cls.name in ("ModuleList",):
            return self.items(args[0], node) if args else []
        if cls.framework == "torch" and cls.name == "ModuleDict":
            return dict(self.touch(args[0], node)) if args else {}
        if cls.framework == "torch" and cls.name == "Module":
            return None
        return Layer(cls.framework, cls.name, args, kwargs, node)

    def input_tensor(self, shape: Any, node: ast.AST) -> Tensor:
        self.nodes.append(Node("input", [], node, input_text(shape, node, self)))
        return Tensor(len(self.nodes) - 1)

    def apply(self, layer: Layer | Sequential, args: list[Any], node: ast.AST) -> Any:
        """A layer (or a Sequential) called on a tensor: Keras' functional API, or a PyTorch module."""
        if not args:
            raise self.error(node, "a layer called with nothing to act on")
        if isinstance(layer, Sequential):
            current = args[0]
            try:
                self.enter(node)  # a Sequential nested in a Sequential, two thousand deep
                for inner in layer.layers:
                    current = self.apply(inner, [current], node) if isinstance(inner, (Layer, Sequential)) else \
                        self.module_call(inner, current, node)
            finally:
                self.depth -= 1
            return current
        source = args[0]
        if isinstance(source, (list, tuple)) and layer.name in KERAS_MERGES:
            return self.merge(KERAS_MERGES[layer.name], list(source), node, layer.arg(0, "axis", -1))
        if not isinstance(source, Tensor):
            raise self.error(node, f"{layer.name} is applied to something that is not a tensor here")
        item, requires = layer_item(layer, self)
        if item is None:  # a layer with no row (nn.Identity in a chain is written as 'linear')
            return source
        self.nodes.append(Node("layer", [source.node], layer.node, item, layer, requires, node))
        return Tensor(len(self.nodes) - 1)

    def module_call(self, module: Any, tensor: Any, node: ast.AST) -> Any:
        if isinstance(module, Instance):
            forward = module.cls.lookup("forward")
            if isinstance(forward, Function):
                return self.invoke(forward, [module, tensor], {}, node)
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

    def torch_function(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], node: ast.AST) -> Any:
        if name == "cat":
            tensors = list(args[0]) if args and isinstance(args[0], (list, tuple)) else []
            return self.merge("cat", tensors, node, kwargs.get("dim", args[1] if len(args) > 1 else 0), "torch")
        if name in ("add", "mul", "sub") and len(args) >= 2:
            return self.merge(name, list(args[:2]), node)
        tensor = args[0] if args else None
        if not isinstance(tensor, Tensor):
            return Unknown(f"torch.{name}", node)
        item, requires = function_item(name, args, kwargs, self, node)
        if item is None:
            return tensor
        self.nodes.append(Node("layer", [tensor.node], node, item, requires=requires, applied=node))
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


#: The most bits a product or a power in model code may have (10 ** 10 ** 10 is refused, not computed).
_BITS = 4096
#: Python's own values, which the code's operators act on as Python does; anything else is cnncalc's own
#: (a layer, a tensor, x.size(0)) and is only known when the model runs.
_PLAIN: tuple[type, ...] = (int, float, complex, str, bytes, list, tuple, dict, set, frozenset, range, slice,
                            type(None), type({}.keys()), type({}.values()), type({}.items()))
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
#: A %-format's conversion: its width and precision, which may not be huge nor read from the arguments (*).
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")


def _shown_axis(axis: Any) -> str:
    shown = repr(axis) if isinstance(axis, (int, float, str)) else ""
    return shown if 0 < len(shown) < 40 else "a value that is not a number"


def _is_plain(value: Any) -> bool:
    if isinstance(value, slice):
        return all(_is_plain(part) for part in (value.start, value.stop, value.step))
    return isinstance(value, _PLAIN)


def _length(value: Any) -> int | None:
    """len(value), or None for a value without one; a range too long for len() is longer than anything followed."""
    if not hasattr(value, "__len__"):
        return None
    try:
        return len(value)
    except OverflowError:  # len(range(10 ** 30))
        return MAX_LENGTH + 1


def _size(value: Any) -> int:
    """The units a value costs to make: one, one per item of a sequence or character of a string, one per 64 bits."""
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        return 1 + len(value)
    if isinstance(value, int):
        return 1 + value.bit_length() // 64
    return 1


def _weight(value: Any, cap: int) -> tuple[int, int]:
    """A value's size counted through its nested lists, tuples, sets and dicts, and how deep they nest: what
    comparing, hashing or printing it walks. The count stops once it passes ``cap`` or MAX_NESTING."""
    if not isinstance(value, (list, tuple, dict, set, frozenset)):
        return _size(value), 0
    size, deepest, stack = 0, 0, [(value, 1)]
    while stack and size <= cap and deepest <= MAX_NESTING:
        container, depth = stack.pop()
        deepest = max(deepest, depth)
        size += 1
        for part in (container.keys(), container.values()) if isinstance(container, dict) else (container,):
            for item in part:
                if isinstance(item, (list, tuple, dict, set, frozenset)):
                    stack.append((item, depth + 1))
                else:
                    size += _size(item)
    return size, deepest


def _count(number: int) -> str:
    return f"{number:,}" if number < 10 ** 15 else "more than 10^15"


def _too_large(op: ast.operator, left: Any, right: Any) -> str | None:
    """Why an operation's result is too large to compute at once (10 ** 10 ** 10, s += s forty times,
    '%.999999999f' % 1.0), or None."""
    if isinstance(left, int) and isinstance(right, int):
        bits = abs(left).bit_length()
        if (isinstance(op, ast.Pow) and right > 0 and right * max(bits, 1) > _BITS) or \
                (isinstance(op, ast.Mult) and bits + abs(right).bit_length() > _BITS):
            return f"a number of more than {_BITS:,} bits"
        return None
    if isinstance(op, ast.Mult):
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(count, int) and \
                    len(sequence) * count > MAX_LENGTH:
                return f"a sequence of {_count(len(sequence) * count)} items, over the {MAX_LENGTH:,} cnncalc follows"
    if isinstance(op, ast.Add) and isinstance(left, (str, bytes, list, tuple)) and \
            isinstance(right, (str, bytes, list, tuple)) and len(left) + len(right) > MAX_LENGTH:
        return f"a sequence of {_count(len(left) + len(right))} items, over the {MAX_LENGTH:,} cnncalc follows"
    if isinstance(op, ast.Mod) and isinstance(left, (str, bytes)):
        text = left.decode("latin-1") if isinstance(left, bytes) else left
        for match in _CONVERSION.finditer(text):
            for field in match.groups():
                if field == "*" or (field and (len(field) > 6 or int(field) > MAX_FORMAT_WIDTH)):
                    return f"a %-format whose width or precision is over {MAX_FORMAT_WIDTH:,} or read from its " \
                           "arguments (*)"
    return None


class _Shape:
    """``x.shape``: its [0] is the batch."""

    def __init__(self, tensor: Tensor) -> None:
        self.tensor = tensor


class _Super:
    pass


class _SuperCall:
    def __getattr__(self, name: str) -> Any:
        return self


#: The framework classes that make a model or a container rather than a layer (Interpreter.model_class).
_MODEL_CLASSES = frozenset({"Sequential", "Input", "Model", "ModuleList", "ModuleDict", "Module",
                            *(name for name in KERAS_MERGES if name.islower())})
#: Values only known when the model runs: an operation on them is unknown too.
_RUN_TIME = (Unknown, Tensor, BatchSize, _Shape, Namespace)
#: Values whose truth is only known when the model runs: a branch on one cannot be chosen.
_UNKNOWN_TRUTH = _RUN_TIME
#: The modules whose names cnncalc knows; the layer classes of Keras (and TensorFlow's Keras) and of PyTorch.
_KNOWN_MODULES = frozenset({"keras", "tensorflow", "tf_keras", "torch", "collections"})


#: Methods that give a PyTorch model back unchanged in shape and count: model = model.cuda() may be skipped.
_NEUTRAL_METHODS = frozenset({"cuda", "cpu", "to", "eval", "train", "float", "double", "half", "share_memory"})


def _neutral(node: ast.AST, name: str) -> bool:
    """``name = name.cuda()``, ``name = name.to(device)``: a rebinding that leaves the model as it is."""
    value = getattr(node, "value", None)
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
        value.func.attr in _NEUTRAL_METHODS and isinstance(value.func.value, ast.Name) and value.func.value.id == name


def _module(path: str, node: ast.AST) -> Namespace | Unknown:
    return Namespace(path) if path.split(".", 1)[0] in _KNOWN_MODULES else Unknown(f"the module {path}", node)


class _Scope(dict[str, Any]):
    """A function's or a comprehension's names, in front of the scope it was made in: a name not found here is
    looked up there (dict's ``__missing__``), so nothing is copied, and the module's names are seen as they are
    when the code runs. Names are set here; the chain is as long as the code's functions are nested."""

    __slots__ = ("parent",)

    def __init__(self, parent: Scope) -> None:
        super().__init__()
        self.parent = parent

    def __missing__(self, key: str) -> Any:
        return self.parent[key]


def _child(env: Scope) -> Scope:
    """A new scope in front of ``env`` (a function's locals, a comprehension's names)."""
    return _Scope(env)


def _lookup(env: Scope, name: str) -> Any:
    try:
        return env[name]
    except KeyError:
        return None


_TORCH_OPS = frozenset({"flatten", "cat", "add", "mul", "sub", "view", "reshape", "max_pool2d", "avg_pool2d",
                        "adaptive_avg_pool2d", "adaptive_max_pool2d", "dropout", "dropout2d", "interpolate",
                        "max_pool1d", "avg_pool1d", "mean", "squeeze", "log_softmax"})


#: Built-in types a model definition calls: int(planes * (base_width / 64.0)), list(…), tuple(…).
_SAFE_TYPES = (int, float, list, tuple, dict, str, bool, range, set)


#: Tensor methods that read a value off the tensor: what they give is only known when the model runs.
_READ_OUTS = frozenset({"sum", "max", "min", "item", "norm", "any", "all", "argmax", "argmin", "numel", "dim",
                        "std", "var", "tolist", "numpy"})


@functools.lru_cache(maxsize=4096)
def _namespace_attribute(path: str, name: str) -> Any:
    """A name of a module cnncalc knows: a layer class of Keras or PyTorch, a function of torch's, or a deeper
    namespace (the same object each time: a file of 10,000 layers asks 10,000 times)."""
    framework = Namespace(path).framework
    if framework == "keras" and (name in KERAS_LAYERS or name in ("Sequential", "Model", "Input") or
                                 (name in KERAS_MERGES and name.islower())):
        return FrameworkClass("keras", name)
    if framework == "torch" and (name in TORCH_LAYERS or name in ("Module", "Sequential", "ModuleList", "ModuleDict")):
        return FrameworkClass("torch", name)
    if framework == "torch" and path in ("torch", "torch.nn.functional", "F") and \
            (name in TORCH_FUNCTIONS or name in _TORCH_OPS):
        return Builtin(functools.partial(_torch_call, "torch-function", name), name)
    if name == "OrderedDict":
        return _BUILTINS["OrderedDict"]
    return Namespace(f"{path}.{name}" if path else name)


def _torch_call(kind: str, name: str, /, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """A call of a torch function (kind "torch-function") or of a tensor's method ("tensor-method", the tensor
    first), handed back to the interpreter; positional-only, so no keyword of the code's can replace the name."""
    if kind == "tensor-method":
        return kind, name, args[0], args[1:], kwargs
    return kind, name, args, kwargs


def _ordered_dict(pairs: Any = ()) -> dict[Any, Any]:
    return dict(pairs)


def _enumerate(items: Any, start: int = 0) -> list[tuple[int, Any]]:
    return list(enumerate(items, start))


def _zip(*sequences: Any) -> list[tuple[Any, ...]]:
    return list(zip(*sequences))


def _reversed(items: Any) -> list[Any]:
    return list(reversed(items))


def _sum(items: Any, start: Any = 0) -> Any:
    """sum() of numbers; summing lists (sum(lists, [])) takes quadratic time, and is left unknown."""
    values = [start, *items]
    if not all(isinstance(value, (int, float)) for value in values):
        return Unknown("a sum of things other than numbers")
    return sum(values)


def _round(number: Any, ndigits: Any = None) -> Any:
    """round(), without the 10 ** 10 ** 9 that Python computes for round(5, -10 ** 9) (which is 0)."""
    if isinstance(number, int) and isinstance(ndigits, int) and ndigits < -(abs(number).bit_length() // 3 + 2):
        return 0  # 10 ** -ndigits is over twice |number|
    return round(number, ndigits)


_BUILTINS: dict[str, Any] = {
    "range": range, "len": len, "int": int, "float": float, "list": list, "tuple": tuple, "dict": dict, "min": min,
    "max": max, "sum": _sum, "abs": abs, "round": _round, "enumerate": _enumerate, "zip": _zip,
    "reversed": _reversed, "sorted": sorted, "str": str, "bool": bool, "set": set,
    "isinstance": lambda *a: Unknown("isinstance"), "print": lambda *a, **k: None, "OrderedDict": _ordered_dict,
    "True": True, "False": False, "None": None, "super": _Super(),
}
#: The built-ins that walk their arguments item by item: a sequence longer than MAX_LENGTH is refused.
_WALKING = frozenset({list, tuple, dict, set, min, max, _sum, _enumerate, _zip, _reversed, sorted, _ordered_dict})


# ---- from code to a model -------------------------------------------------------------------------------

def read_model(text: str, path: str, model: str | None = None) -> ModelCode:
    """The model a Python file defines, as spec text with where each item came from."""
    with _collector_paused():
        tree = _parse(text, path)
        interpreter = Interpreter(path, text)
        env: dict[str, Any] = {}
        try:
            interpreter.run_module(tree.body, env)
            name, found = _pick(interpreter, env, model, tree)
            return graph_spec(interpreter, found, name)
        except RecursionError:  # the interpreter's own depth guard comes first; this is the last line of defence
            raise interpreter.error(None, "the code recurses too deeply to follow") from None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a file is parsed and read: the parser makes some 16 objects a
    line, none in a cycle, and the collector's passes over them cost a quarter of the parse (the memory they take
    is bounded by the file's size and the work budget, and freed when reading ends)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(text: str, path: str) -> ast.Module:
    """The file's syntax tree, its size bounded before Python's parser sees it and its node count after."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        raise CnnCalcError(f"{path} is {size:,} bytes, over the {MAX_SOURCE_BYTES // 1024:,} KiB cnncalc reads as "
                           "model code", "a model definition is far shorter: keep the model in a file of its own, or "
                           "write it as a spec")
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as error:
        lines = python_lines(text)
        raise CodeError(f"not valid Python: {error.msg}", path, lines[(error.lineno or 1) - 1] if lines else "",
                        error.lineno or 1, (error.offset or 1) - 1, error.offset or 1,
                        "cnncalc reads a model definition's .py file without running it") from None
    except (ValueError, RecursionError, MemoryError):
        raise CnnCalcError(f"{path} cannot be parsed as Python", "give a Python file with a model definition") from None
    if 2 * size + 2 > MAX_NODES:
        for nodes, _ in enumerate(ast.walk(tree)):
            if nodes >= MAX_NODES:
                raise CnnCalcError(f"{path} holds more than {MAX_NODES:,} pieces of syntax, over what cnncalc reads "
                                   "as model code", "keep the model in a file of its own, or write it as a spec")
    return tree


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
    failed = {name: value.error for name, value in candidates.items() if isinstance(value, Failed)}
    if failed and len(failed) == len(candidates):
        raise next(iter(failed.values()))  # the first that failed: those after it often fail because of it
    if len(candidates) == 1:
        return next(iter(candidates.items()))
    if len(candidates) > 1:
        built = [name for name in candidates if name not in failed]
        unfollowed = "; ".join(f"{name} (line {error.line}: {error.message})" for name, error in failed.items())
        raise CnnCalcError(f"the file defines {len(built)} model{'s' if len(built) > 1 else ''}: {', '.join(built)}" +
                           (f"; cnncalc cannot follow these assignments, which may be models too: {unfollowed}"
                            if failed else ""), "pick one with --model NAME")
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
