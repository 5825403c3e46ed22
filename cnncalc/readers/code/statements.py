"""Statements followed as Python runs them: assignments, if, for, while, functions, classes, imports."""

from __future__ import annotations

import ast
from typing import Any

from ...errors import CodeError
from .command_line import Arguments
from .core import Core, _followed, _TooMuchWorkError
from .frameworks import _neutral
from .known_freezing import Parameter, set_parameter
from .known_heads import HeadPart, replace_head
from .known_networks import set_network_attribute
from .known_values import KnownNetwork
from .layer_attributes import plain_attribute
from .layer_subclasses import LayerWeights
from .model_checks import assert_statement
from .own_weights import OwnParameter
from .plain_classes import is_dataclass, make_dataclass
from .top_level import block_constants, failed_names
from .values import (
    _UNKNOWN_TRUTH,
    DecidedByRun,
    Failed,
    Function,
    Instance,
    KerasModel,
    Layer,
    Scope,
    Sequential,
    Tensor,
    Unknown,
    UserClass,
    _Break,
    _child,
    _Continue,
    _lookup,
    _Return,
    _Shape,
)


class Statements(Core):
    """The statements of model code."""


    def run_module(self, body: list[ast.stmt], env: dict[str, Any]) -> None:
        """The file's top level: a statement that fails is kept as its error, raised only if its model is the one
        asked for (a file may build resnet18 and resnet50, and the user want only one)."""
        imported: set[str] = set()  # a module's name (plt) is not one a failed statement's value can be
        for statement in body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                imported |= {alias.asname or alias.name.split(".")[0] for alias in statement.names}
            try:
                self.statement(statement, env)
            except _TooMuchWorkError:
                raise
            except CodeError as error:
                names = failed_names(statement, env, imported)
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
            if is_dataclass(self, s, env):
                make_dataclass(self, env[s.name], s)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            self.import_(s, env)
        elif isinstance(s, (ast.Break, ast.Continue)):
            raise _Break if isinstance(s, ast.Break) else _Continue
        elif isinstance(s, ast.With):
            self.run(s.body, env)
        elif isinstance(s, ast.Try):  # as when nothing is raised: the handlers are not followed
            self.run([*s.body, *s.orelse, *s.finalbody], env)
        elif isinstance(s, ast.While):
            self.while_loop(s, env)
        elif isinstance(s, (ast.Assert, ast.Raise)):  # the model's own checks (.model_checks)
            assert_statement(self, s, env)  # type: ignore[arg-type]
        elif isinstance(s, ast.Match):
            raise self.error(s, "cnncalc does not follow match statements",
                             "choose the case with if, or write the model as a spec")
        # pass, del, global, nonlocal: nothing a model definition needs

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
                                     f"known when the code runs decide (line {self.line_of(condition)})",
                                     "make the condition a constant, or write the model as a spec")
        for statement in block:  # nc = 3 in a dataset's branch: nc is what the run decides, not the value before
            neutral = {target.id for node in ast.walk(statement) if isinstance(node, ast.Assign)
                       for target in node.targets if isinstance(target, ast.Name) and _neutral(node, target.id)}
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in neutral and \
                        not isinstance(_lookup(env, node.id), (Function, UserClass)):
                    env[node.id] = DecidedByRun(f"the name '{node.id}', set at line {self.line_of(node)} in a block "
                                                f"that runs or not as the run decides (line "
                                                f"{self.line_of(condition)})", node.id, block_constants(block, node.id))
                # a list or dict handed to a call may be changed by it: _ovewrite_named_param(kwargs, …)
                if isinstance(node, ast.Call):
                    for argument in (*node.args, *(keyword.value for keyword in node.keywords)):
                        if isinstance(argument, ast.Name) and isinstance(_lookup(env, argument.id), (dict, list)):
                            env[argument.id] = Unknown(
                                f"the {type(_lookup(env, argument.id)).__name__} '{argument.id}', handed to a call "
                                f"at line {self.line_of(node)} in a block that runs or not as the run decides (line "
                                f"{self.line_of(condition)})", node)

    def changes_model(self, node: ast.AST, env: Scope) -> bool:
        """Whether a construct of a skipped block may change a model (see skip)."""
        if isinstance(node, ast.Call):
            return isinstance(node.func, ast.Attribute) and node.func.attr in ("add", "append", "extend", "insert")
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, (ast.Attribute, ast.Subscript)) and isinstance(part.ctx, ast.Store):
                    return not isinstance(_base_value(part, env), Unknown)  # state_dict[k] = …, opt.seed = …
                if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Store) and \
                        isinstance(_lookup(env, part.id), _MODELS) and \
                        not _neutral(node, part.id):
                    return True
        return False

    def class_body(self, cls: UserClass, s: ast.ClassDef, env: Scope) -> None:
        scope = _child(env)
        for statement in s.body:
            if isinstance(statement, ast.FunctionDef):
                cls.attributes[statement.name] = Function(statement, env, cls)
            elif isinstance(statement, ast.Assign) or (isinstance(statement, ast.AnnAssign) and statement.value):
                self.statement(statement, scope)  # an annotation alone (a dataclass's field) makes no attribute
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        cls.attributes[target.id] = scope.get(target.id)

    def import_(self, s: ast.Import | ast.ImportFrom, env: Scope) -> None:
        """An import: followed by :class:`.imports.Imports`."""
        raise NotImplementedError

    def assign(self, target: ast.expr, value: Any, env: Scope) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.unpack(target, value, env)
        elif isinstance(target, ast.Attribute):
            self.set_attribute(self.eval(target.value, env), target.attr, value, target)
        elif isinstance(target, ast.Subscript):
            owner = self.eval(target.value, env)
            index = self.touch(self.eval(target.slice, env), target.slice)
            if isinstance(owner, (dict, list)):
                owner[index] = value
            elif isinstance(owner, HeadPart):  # model.classifier[-1] = nn.Linear(…)
                replace_head(self, owner.network, owner.name, index, value, target)
            elif isinstance(owner, Sequential) and owner.framework == "torch" and isinstance(index, int):
                owner.layers[index] = value  # nn.Sequential's __setitem__: a layer replaced
            elif isinstance(owner, (Layer, Sequential, KerasModel, Instance)):
                raise self.error(target, "cnncalc cannot follow this assignment into a layer or a model",
                                 "build the model with its final layers, or write it as a spec")
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, env)

    def set_attribute(self, owner: Any, name: str, value: Any, node: ast.AST) -> None:
        """owner.name = value, setattr(owner, name, value), self.add_module(name, value)."""
        if isinstance(owner, Instance) and owner.base_layer is not None and name in ("weight", "bias"):
            owner = owner.base_layer  # the weights of the layer a class built on nn.LayerNorm is: refused below
        if isinstance(owner, (Instance, UserClass, Arguments)):
            owner.attributes[name] = value
        elif isinstance(owner, KnownNetwork):  # base.trainable = False, model.fc = nn.Linear(…)
            set_network_attribute(self, owner, name, value, node)
        elif isinstance(owner, Parameter):  # for p in model.parameters(): p.requires_grad = False
            set_parameter(self, owner, name, value, node)
        elif isinstance(owner, HeadPart):
            raise self.error(node, f"cnncalc cannot follow a change to {owner.network.name}'s {owner.name} "
                             f"(.{name[:40]} = …)", "replace the module instead: model.fc = nn.Linear(…)")
        elif isinstance(owner, Layer) and plain_attribute(owner, name, value):
            return  # self.fc.stddev = 0.001: the code's own note on the layer, no change to it
        elif isinstance(owner, Unknown) and name in ("trainable", "requires_grad"):  # what it freezes is not known
            raise self.error(node, f"cnncalc cannot tell what this freezes (.{name} = …): it is {owner.why}",
                             "freeze a known network whole (base.trainable = False), or write the model as a spec")
        elif isinstance(owner, (Layer, Sequential, KerasModel, OwnParameter, LayerWeights)):
            raise self.error(node, f"cnncalc cannot follow a change to a built layer or model (.{name[:40]} = …)",
                             "give the layer its arguments when it is made, or write the model as a spec")

    def unpack(self, target: ast.Tuple | ast.List, value: Any, env: Scope) -> None:
        """a, b = …, a, *rest = …: as Python unpacks, an iterable of the wrong length included."""
        if isinstance(value, Unknown) or not (hasattr(value, "__iter__") or isinstance(value, _Shape)):
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


#: the values a name holds that make rebinding it a change of the model
_MODELS = (Tensor, Layer, Sequential, KerasModel, Instance, KnownNetwork, list)


def _base_value(target: ast.expr, env: Scope) -> Any:
    """The value of the name an attribute or item store starts from (state_dict in state_dict[key].x = …), or None
    when it starts from no name or a name not bound yet."""
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        target = target.value
    return _lookup(env, target.id) if isinstance(target, ast.Name) else None
