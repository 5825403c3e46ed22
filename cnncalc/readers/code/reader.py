"""Model code, read and never run: a Keras or PyTorch model definition becomes a network's records."""

from __future__ import annotations

import ast
from typing import Any

from ...errors import CnnCalcError, CodeError
from ...language.sources import python_lines
from .builder import graph_spec
from .calls import Interpreter
from .limits import MAX_NODES, MAX_SOURCE_BYTES, collector_paused
from .records import ModelCode
from .values import Failed, Function, Instance, KerasModel, Sequential, UserClass

# ---- from code to a model -------------------------------------------------------------------------------

def read_model(text: str, path: str, model: str | None = None) -> ModelCode:
    """The model a Python file defines, as spec text with where each item came from."""
    with collector_paused():
        tree = _parse(text, path)
        interpreter = Interpreter(path, text)
        env: dict[str, Any] = {}
        try:
            interpreter.run_module(tree.body, env)
            name, found = _pick(interpreter, env, model, tree)
            return graph_spec(interpreter, found, name)
        except RecursionError:  # the interpreter's own depth guard comes first; this is the last line of defence
            raise interpreter.error(None, "the code recurses too deeply to follow") from None


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
