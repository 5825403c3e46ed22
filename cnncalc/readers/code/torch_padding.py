"""PyTorch's ``F.pad(x, [left, right, top, bottom])`` on an image, as U-Nets pad the upsampled map to its skip's
size: amounts the code computes from the tensors' sizes (known from --input while the code is read) become the
spec's asymmetric ``zeropad``, negative ones its ``crop`` (PyTorch crops on a negative amount), and amounts that are
all 0 no row at all (torchinfo, too, shows no row for a function); ``F.pad(x, (0, 0, 0, 0, a, b))``, zeros before
and after the channels, the spec's ``chanpad``; and ``nn.ZeroPad2d``, whose negative amounts
crop as well."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .arguments import _int, _NotConstantError, _shown
from .torch_sizes import known

if TYPE_CHECKING:
    from .calls import Interpreter


def pad_item(args: tuple[Any, ...], kwargs: dict[str, Any], interpreter: Interpreter, node: ast.AST) -> str | None:
    """``zeropad t… b… l… r…``, ``crop t… b… l… r…``, ``chanpad…`` or None for F.pad(input, pad, mode='constant',
    value=0)."""
    rest = args[1:]

    def arg(position: int, key: str, default: Any = None) -> Any:
        return rest[position] if position < len(rest) else kwargs.get(key, default)

    mode, value = arg(1, "mode", "constant"), arg(2, "value")
    if mode != "constant" or value not in (None, 0) or isinstance(value, bool):
        raise interpreter.error(node, f"F.pad with mode={_shown(mode)}" if mode != "constant" else
                                f"F.pad with value={_shown(value)}",
                                "cnncalc's zeropad pads with zeros: F.pad(x, [l, r, t, b]) with mode='constant'")
    amounts = arg(0, "pad")
    if not isinstance(amounts, (tuple, list)):
        raise _NotConstantError(amounts, "pad")
    sides = [known(interpreter, side, node) for side in amounts]
    for side in sides:
        _int(side, "pad")
    if len(sides) == 6 and any(sides[4:]) and not any(sides[:4]) and min(sides[4:]) >= 0:
        before, after = sides[4:]  # F.pad(x, (0, 0, 0, 0, a, b)): zero channels before and after the input's
        return f"chanpad{before}" if before == after else f"chanpad{before}x{after}"
    if len(sides) not in (2, 4, 6) or any(sides[4:]):
        raise interpreter.error(node, f"F.pad of {len(sides)} amounts" + (" that pad the channels" if
                                                                          len(sides) == 6 else ""),
                                "cnncalc reads F.pad(x, [left, right, top, bottom]) on an image's map, and "
                                "F.pad(x, (0, 0, 0, 0, before, after)) on the channels by amounts of at least 0")
    left, right, top, bottom = (*sides, 0, 0)[:4]
    word, named = _one_way("F.pad", (left, right, top, bottom), interpreter, node)
    written = " ".join(f"{side}{amount}" for side, amount in named.items() if amount)
    return f"{word} {written}" if written else None


def zero_pad_module_item(value: Any, interpreter: Interpreter, node: ast.AST) -> str:
    """``nn.ZeroPad2d(P)`` or ``nn.ZeroPad2d((left, right, top, bottom))``: ``zeropad``, or ``crop`` where every
    amount is negative or 0 (PyTorch crops on a negative amount, as cnncalc writes a crop); a module, so a row
    even when it pads nothing."""
    if isinstance(value, (tuple, list)) and len(value) == 4:
        amounts = tuple(int(_int(side, "padding")) for side in value)
        word, named = _one_way("nn.ZeroPad2d", amounts, interpreter, node)  # type: ignore[arg-type]
        return f"{word} " + " ".join(f"{side}{amount}" for side, amount in named.items())
    amount = int(_int(value, "padding"))
    return f"zeropad{amount}" if amount >= 0 else f"crop{-amount}"


def _one_way(what: str, sides: tuple[int, int, int, int], interpreter: Interpreter,
             node: ast.AST) -> tuple[str, dict[str, int]]:
    """'zeropad' or 'crop' and each side's amount, for amounts (left, right, top, bottom) that all go one way."""
    left, right, top, bottom = sides
    named = {"t": top, "b": bottom, "l": left, "r": right}
    if all(amount >= 0 for amount in named.values()):
        return "zeropad", named
    if all(amount <= 0 for amount in named.values()):
        return "crop", {side: -amount for side, amount in named.items()}
    raise interpreter.error(node, f"{what} by {_shown(list(sides))}, which pads some sides and crops others",
                            "cnncalc's zeropad and crop each go one way: write this block as a spec")
