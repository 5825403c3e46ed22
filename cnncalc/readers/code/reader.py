"""Model code, read and never run: a Keras or PyTorch model definition becomes a network's records."""

from __future__ import annotations

import ast
from typing import Any

from ...errors import CnnCalcError
from .builder import graph_spec
from .calls import Interpreter
from .candidates import Candidate, classes_of, find_candidates
from .command_line import defaults_note
from .files import parse_source
from .known_values import KnownNetwork
from .limits import collector_paused, kept_to_the_end
from .model_argument import ModelCall, call_hint, check_binding, needed, parse_model_argument
from .records import ModelCode
from .settings import FixedScope, check_settings, parse_settings, settings_note
from .unused import unused_layers
from .values import Failed, Function, Instance, KerasModel, Sequential, Unknown, UserClass, UserModule

# ---- from code to a model -------------------------------------------------------------------------------

def read_model(text: str, path: str, model: str | None = None, input_shape: str | None = None,
               layout: str | None = None, settings: tuple[str, ...] = (), keep: bool = False) -> ModelCode:
    """The model a Python file defines, as spec text with where each item came from; ``input_shape`` (--input) is
    the input's shape when Keras code reads a tensor's shape and computes its input's when it runs; ``settings``
    (--set NAME=VALUE) fix module-level names of the file (.settings). ``keep``: the process ends soon after, and
    what was read is kept to its end, never freed (:func:`.limits.kept_to_the_end`)."""
    fixed = parse_settings(settings)
    with collector_paused():
        tree = parse_source(text, path)
        check_settings(fixed, tree)
        interpreter = Interpreter(path, text)
        interpreter.lines.chunks = getattr(tree, "cnncalc_chunks", [])  # a long file's parts (.files._parsed)
        interpreter.given_input = (input_shape, layout)
        env: dict[str, Any] = FixedScope(fixed) if fixed else {}
        interpreter.modules[interpreter.files.main.real] = UserModule(path, env)  # a sibling may import it back
        try:
            interpreter.run_module(tree.body, env)
            name, found, chosen = _pick(interpreter, env, model, tree)
            code = graph_spec(interpreter, found, name)
            code.notes += [chosen] if chosen else []
            for note in (defaults_note(interpreter.parsers), settings_note(fixed)):
                code.notes += [note] if note else []
            if interpreter.eval_reads:
                lines = ", ".join(map(str, sorted(set(interpreter.eval_reads))[:8]))
                code.notes.append("read as model.eval() runs it: self.training is False "
                                  f"(line{'s' if ',' in lines else ''} {lines})")
            if code.conventions == "torch" and isinstance(found, (Instance, Sequential, KnownNetwork)):
                applied = {id(node.layer) for _, node in code.items if node.layer is not None}
                unused = unused_layers(interpreter, found, applied)
                code.unused = (unused.params, unused.buffers, unused.lines)
                code.unused_held = unused.held
            if keep:
                kept_to_the_end(tree, interpreter, env, code)
            return code
        except RecursionError:  # the interpreter's own depth guard comes first; this is the last line of defence
            raise interpreter.error(None, "the code recurses too deeply to follow") from None


def _pick(interpreter: Interpreter, env: dict[str, Any], model: str | None,
          tree: ast.Module) -> tuple[str, Any, str | None]:
    """The model to summarise: what --model asks for, or the file's one model (see :func:`_obvious`); and a note
    saying why, when the file defines others."""
    if model is not None:
        call = parse_model_argument(model)
        value = env.get(call.name)
        if isinstance(value, UserClass) and not value.is_module:
            raise _not_a_module(interpreter, value, tree, env)
        return (*_asked(interpreter, env, call, tree), None)
    candidates = find_candidates(env, tree, interpreter.line_of)
    chosen = _obvious(candidates, env)
    buildable = [c for c in candidates if c.buildable]
    failed = [c for c in candidates if c.kind == "assigned" and isinstance(env[c.name], Failed)]
    if chosen is not None:
        why = "the one model the file assigns"
    elif buildable and not failed:  # a family (resnet18 … resnet152), or netG and netD: the first, said so
        chosen = buildable[0]
        built = "" if chosen.kind == "assigned" else " without arguments"
        why = f"the first of the file's {len(buildable)} models that build{built}"
    if chosen is not None:
        others = [str(c) for c in candidates if c is not chosen]
        note = f"read {chosen.name}, {why}; it also defines {', '.join(others[:6])}" + \
            (" and more" if len(others) > 6 else "") + "; pick another with --model NAME" if others else None
        return chosen.name, _build(interpreter, env, ModelCall(chosen.name, [], {}, False, chosen.name)), note
    if not candidates:
        unknown = [value for value in env.values() if isinstance(value, UserClass) and
                   any(isinstance(base, Unknown) for base in value.bases)]
        if unknown:
            raise _not_a_module(interpreter, unknown[0], tree, env)
        raise CnnCalcError("the file defines no model cnncalc can find",
                           "assign it (model = keras.Sequential([...]) or model = Net()), define an nn.Module, or a "
                           "function that returns one")
    if not buildable and len(candidates) == 1:
        cls = classes_of(env)[candidates[0].name]
        init = cls.lookup("__init__").node
        raise interpreter.error(init, f"{cls.node.name}({', '.join(needed(init, True))}) needs arguments to be built",
                                f"give them with {call_hint(cls.node.name, init, True)}")
    built = [c for c in candidates if c not in failed]
    unfollowed = "; ".join(f"{c.name} ({c.how})" for c in failed)
    ways = "\n".join(f"  {c.name}: {c.how}" for c in built)
    raise CnnCalcError(f"the file defines {len(built)} model{'s' if len(built) != 1 else ''}: "
                       f"{', '.join(c.name for c in built)}" +
                       (f"; cnncalc cannot follow these assignments, which may be models too: {unfollowed}"
                        if failed else ""), f"{ways}\npick one with --model NAME, or --model \"Name(arguments)\" "
                       "with literal arguments")

def _obvious(candidates: list[Candidate], env: dict[str, Any]) -> Candidate | None:
    """The file's one model, when it has one: the one model assigned at the top level (whatever else it defines),
    else its one top-level class or factory that builds without arguments. Several are the user's choice."""
    assigned = [c for c in candidates if c.kind == "assigned"]
    if assigned:
        failed = [c for c in assigned if isinstance(env[c.name], Failed)]
        if len(failed) == len(assigned):
            raise env[failed[0].name].error  # the first that failed: those after it often fail because of it
        return assigned[0] if len(assigned) == 1 else None
    others = [c for c in candidates if c.buildable]
    return others[0] if len(others) == 1 and len(candidates) == 1 else None


def _asked(interpreter: Interpreter, env: dict[str, Any], call: ModelCall, tree: ast.Module) -> tuple[str, Any]:
    """The model --model names, built with its literal arguments."""
    value = env.get(call.name)
    if isinstance(value, (Sequential, KerasModel, KnownNetwork, Instance, Failed)) and call.called:
        raise CnnCalcError(f"--model {call.text}: {call.name} is a model the file assigns, not a class or a "
                           "function to call", f"give its name alone: --model {call.name}")
    if isinstance(value, Failed):
        raise value.error
    if isinstance(value, (Sequential, KerasModel, KnownNetwork)) or \
            (isinstance(value, Instance) and value.cls.is_module):
        return call.name, value
    if isinstance(value, UserClass) and value.is_module:
        init = value.lookup("__init__")
        if isinstance(init, Function):
            check_binding(init.node, call, call.name, skip_self=True)
        elif call.args or call.kwargs:
            raise CnnCalcError(f"--model {call.text}: {call.name} takes no arguments", f"--model {call.name}")
        return call.name, _build(interpreter, env, call)
    if isinstance(value, Function):
        check_binding(value.node, call, f"{call.name}()", skip_self=False)
        return call.name, _build(interpreter, env, call)
    known = [c.name for c in find_candidates(env, tree, interpreter.line_of)]
    known += [name for name in classes_of(env) if name not in known]
    raise CnnCalcError(f"--model {call.text}: the file defines no such model (no model, nn.Module class or "
                       f"function named {call.name})",
                       f"its models are: {', '.join(known)}" if known else "it defines no model")


def _build(interpreter: Interpreter, env: dict[str, Any], call: ModelCall) -> Any:
    """A candidate built: an assigned model as it is, a class instantiated, a factory called, with the arguments
    --model gives (checked against the parameters first)."""
    value = env[call.name]
    if isinstance(value, UserClass):
        return interpreter.instantiate(value, list(call.args), dict(call.kwargs), value.node)
    if isinstance(value, Function):
        return interpreter.invoke(value, list(call.args), dict(call.kwargs), value.node)
    return value



def _not_a_module(interpreter: Interpreter, cls: UserClass, tree: ast.Module, env: dict[str, Any]) -> CnnCalcError:
    """The error for a class asked for that is no nn.Module cnncalc knows: its base, and the star import it may
    come from."""
    for node, base in zip(cls.node.bases, cls.bases):
        if isinstance(base, Unknown):
            stars = [s for s in tree.body if isinstance(s, ast.ImportFrom) and any(a.name == "*" for a in s.names)]
            hint = (f"it may come from 'from {'.' * stars[0].level}{stars[0].module or ''} import *' (line "
                    f"{interpreter.line_of(stars[0])}): cnncalc reads the files of the model's own folder that it "
                    "imports, and no installed module's") if stars else "import it from torch (from torch import nn)"
            root = node
            while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
                root = root.value if not isinstance(root, ast.Call) else root.func
            what = f"names {root.id}, which this file neither defines nor imports from torch" if \
                isinstance(root, ast.Name) and root.id not in env else f"is {base.why}, which cnncalc cannot find"
            return interpreter.error(node, f"{cls.node.name}'s base class {ast.unparse(node)[:60]} {what}", hint)
    return interpreter.error(cls.node, f"{cls.node.name} is not a torch.nn.Module",
                             "give the name of a model, an nn.Module class or a function that builds one")
