"""``--model``: a name of the file (``resnet50``), or a call of one with literal arguments (``"VGG('VGG16')"``,
``"UNet(3, 2, bilinear=True)"``), read with :mod:`ast` and never evaluated."""

from __future__ import annotations

import ast
from typing import Any

from ...errors import CnnCalcError

#: The longest --model accepted: a name and a few literal arguments.
MAX_MODEL_ARGUMENT = 1_000
#: The deepest nesting of tuples, lists and dicts in its arguments.
_MAX_NESTING = 10


class ModelCall:
    """What ``--model`` asks for: a name, and the literal arguments it is called with (``called`` is False for a
    bare name, which builds a class or a factory with its defaults, or names an assigned model)."""

    def __init__(self, name: str, args: list[Any], kwargs: dict[str, Any], called: bool, text: str) -> None:
        self.name, self.args, self.kwargs, self.called, self.text = name, args, kwargs, called, text


def _bad(text: str, why: str) -> CnnCalcError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return CnnCalcError(f"--model {shown}: {why}",
                        "give a name of the file (--model resnet50), or a call of one with literal arguments: "
                        "numbers, strings, True, False, None, and tuples, lists or dicts of them "
                        "(--model \"VGG('VGG16')\", --model \"UNet(3, 2, bilinear=True)\")")


def parse_model_argument(text: str) -> ModelCall:
    """``--model``'s text as a name and literal arguments; anything else (a variable, an expression, a call inside
    the arguments) is refused, so nothing of it is ever run."""
    if len(text) > MAX_MODEL_ARGUMENT:
        raise _bad(text, f"longer than the {MAX_MODEL_ARGUMENT:,} characters --model takes")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise _bad(text, "not a name or a call") from None
    body = tree.body
    if isinstance(body, ast.Name):
        return ModelCall(body.id, [], {}, False, text)
    if not isinstance(body, ast.Call) or not isinstance(body.func, ast.Name):
        raise _bad(text, "not a name or a call of one")
    args = [_literal(argument, text, 0) for argument in body.args]
    kwargs: dict[str, Any] = {}
    for keyword in body.keywords:
        if keyword.arg is None:
            raise _bad(text, "**arguments are not literals")
        if keyword.arg in kwargs:
            raise _bad(text, f"the argument {keyword.arg} is given twice")
        kwargs[keyword.arg] = _literal(keyword.value, text, 0)
    return ModelCall(body.func.id, args, kwargs, True, text)


def _literal(node: ast.expr, text: str, depth: int) -> Any:
    """A literal's value, built from its syntax tree: a number, a string, True, False, None, a negative number, or
    a tuple, list or dict of them."""
    if depth > _MAX_NESTING:
        raise _bad(text, f"its arguments nest more than {_MAX_NESTING} deep")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (bool, int, float, str)) or node.value is None:
            return node.value
        raise _bad(text, f"{ast.unparse(node)[:40]} is not a number, a string, True, False or None")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
        return -node.operand.value
    if isinstance(node, ast.Tuple):
        return tuple(_literal(element, text, depth + 1) for element in node.elts)
    if isinstance(node, ast.List):
        return [_literal(element, text, depth + 1) for element in node.elts]
    if isinstance(node, ast.Dict):
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                raise _bad(text, "**mappings are not literals")
            item = _literal(key, text, depth + 1)
            if isinstance(item, (list, dict)):
                raise _bad(text, "a dict's key is a list or a dict")
            result[item] = _literal(value, text, depth + 1)
        return result
    raise _bad(text, f"{ast.unparse(node)[:40]} is not a literal")


def check_binding(node: ast.FunctionDef, call: ModelCall, shown: str, skip_self: bool) -> None:
    """That ``call``'s arguments fit the function (or ``__init__``) as Python would bind them: not too many, no
    keyword it lacks, none given twice, and every required one given; else the error, with the call to write."""
    parameters = node.args
    positional = [a.arg for a in [*parameters.posonlyargs, *parameters.args]][1 if skip_self else 0:]
    named = [a.arg for a in parameters.args][1 if skip_self and not parameters.posonlyargs else 0:]
    keywords = {*named, *(a.arg for a in parameters.kwonlyargs)}
    if len(call.args) > len(positional) and parameters.vararg is None:
        raise _bad(call.text, f"{shown} takes {len(positional)} positional argument"
                   f"{'' if len(positional) == 1 else 's'}, not {len(call.args)}")
    for key in call.kwargs:
        if key in positional[:len(call.args)]:
            raise _bad(call.text, f"{shown}'s argument {key} is given twice")
        if key not in keywords and parameters.kwarg is None:
            raise _bad(call.text, f"{shown} has no argument {key}")
    missing = needed(node, skip_self)
    missing = [name for index, name in enumerate(missing) if index >= len(call.args) and name not in call.kwargs]
    missing += [a.arg for a, default in zip(parameters.kwonlyargs, parameters.kw_defaults)
                if default is None and a.arg not in call.kwargs]
    if missing:
        raise CnnCalcError(f"--model {call.text}: {shown} needs the argument{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)}", f"give {'them' if len(missing) > 1 else 'it'} as literals: "
                           f"{call_hint(call.name, node, skip_self)}")


def needed(node: ast.FunctionDef, skip_self: bool) -> list[str]:
    """The positional parameters without a default, in order (those a call must give)."""
    parameters = node.args
    positional = [a.arg for a in [*parameters.posonlyargs, *parameters.args]]
    required = positional[:len(positional) - len(parameters.defaults)]
    return required[1:] if skip_self and required else required


def call_hint(name: str, node: ast.FunctionDef, skip_self: bool) -> str:
    """``--model "UNet(n_channels=…, n_classes=…)"``: the call to write, each required argument named."""
    parameters = node.args
    required = [f"{argument}=…" for argument in needed(node, skip_self)]
    required += [f"{a.arg}=…" for a, default in zip(parameters.kwonlyargs, parameters.kw_defaults) if default is None]
    return f"--model \"{name}({', '.join(required)})\" with a number, a string or True/False for each …"
