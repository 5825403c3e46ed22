"""torch functions and tensor methods on a tensor (F.max_pool2d, torch.flatten, x.view, x.mean, F.interpolate,
F.pad, x.permute …) as spec items."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .arguments import Requirement, _axes, _int, _option, _pair, _real, _shown, _unreadable
from .frameworks import TORCH_FUNCTIONS
from .layer_words import softmax_axis
from .requirements import _flattens_to
from .resizing import scaled_resize, sized_up
from .torch_global import map_reduction
from .torch_layers import _scale
from .torch_padding import pad_item
from .torch_sizes import known, squeezed
from .torch_tokens import map_to_tokens, swapped
from .values import BatchSize

if TYPE_CHECKING:
    from .calls import Interpreter


def function_item(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], interpreter: Interpreter,
                  node: ast.AST) -> tuple[str | None, Requirement | None]:
    """A torch function or tensor method on a tensor as a spec item (None for one that changes nothing), and
    what it requires of the resolved network."""
    try:
        return _function_item(name, args, kwargs, interpreter, node)
    except (ValueError, TypeError, LookupError) as error:
        raise _unreadable(name, error, node, interpreter) from None


def _function_item(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], interpreter: Interpreter,  # noqa: PLR0911, PLR0912
                   node: ast.AST) -> tuple[str | None, Requirement | None]:

    rest = args[1:]

    def arg(position: int, key: str, default: Any = None) -> Any:
        return rest[position] if position < len(rest) else kwargs.get(key, default)

    if name in TORCH_FUNCTIONS:
        if name == "leaky_relu":
            return f"leakyrelu{_real(arg(0, 'negative_slope', 0.01), 'negative_slope')}", None
        dim = arg(0, "dim") if name in ("softmax", "log_softmax") else None
        return TORCH_FUNCTIONS[name], None if dim is None else softmax_axis(name, dim)
    if name in ("max_pool2d", "avg_pool2d"):  # a window of the map's own size (x.size(2)) is that size's number
        size = _pair(_sizes(arg(0, "kernel_size"), interpreter, node), "kernel_size")
        stride = _sizes(arg(1, "stride"), interpreter, node)
        return ("pool" if name == "max_pool2d" else "avgpool") + _axes(size) + \
            ("" if stride is None else _option("s", stride, size, "stride")) + \
            _option("p", _sizes(arg(2, "padding", 0), interpreter, node), 0, "padding") + \
            (" ceil" if kwargs.get("ceil_mode") else ""), None
    if name == "local_response_norm":  # alpha, beta and k change no shape, weight nor operation counted
        return f"lrn{_int(arg(0, 'size'), 'size', 1)}", None
    if name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        return ("adaptiveavgpool" if "avg" in name else "adaptivemaxpool") + \
            _axes(_pair(arg(0, "output_size"), "output_size")), None
    if name in ("dropout", "dropout2d"):
        return f"dropout{_real(arg(0, 'p', 0.5), 'p')}", None
    if name == "flatten" and arg(0, "start_dim", 0) == 2 and arg(1, "end_dim", -1) in (-1, 3):
        return map_to_tokens(args[0], interpreter, node)  # x.flatten(2): a patch embedding's map, C×(H·W)
    if name == "flatten":
        if arg(0, "start_dim", 0) != 1:
            raise interpreter.error(node, "torch.flatten(x) without start_dim=1 flattens the batch too",
                                    "write torch.flatten(x, 1)")
        return "flatten", None
    if name == "view":
        shape = [a for a in rest if not isinstance(a, tuple)] if not (rest and isinstance(rest[0], tuple)) \
            else list(rest[0])
        batch = bool(shape) and (isinstance(shape[0], BatchSize) or shape[0] == -1)
        if len(shape) == 2 and batch:
            return "flatten", _flattens_to(shape[1])
        if len(shape) in (3, 4) and batch and all(type(size) is int and size > 0 for size in shape[1:]):
            return "reshape" + "x".join(map(str, shape[1:])), None  # s.view(-1, C, 1, 1): written channels-first
        raise interpreter.error(node, "a view or reshape cnncalc can read is x.view(x.size(0), -1) or "
                                "x.view(-1, N) (a flatten), or x.view(-1, C, H, W) with every size a number",
                                "write other reshapes as a spec's reshape layer")
    if name in ("mean", "amax"):
        return map_reduction(name, arg(0, "dim"), kwargs.get("keepdim"), interpreter, node), None
    if name == "interpolate":
        factor, size = arg(1, "scale_factor"), arg(0, "size")
        if size is not None and factor is None:  # a whole multiple of the map that reaches it (.resizing)
            return sized_up(interpreter, args[0], size, "an interpolate", node, arg(2, "mode", "nearest"),
                            arg(3, "align_corners")), None
        if factor is None or size is not None:
            raise interpreter.error(node, "an interpolate given both size and scale_factor, or neither",
                                    "PyTorch takes one of them: give size=(H, W) or scale_factor=2")
        resized = scaled_resize(interpreter, args[0], factor, arg(2, "mode", "nearest"), arg(3, "align_corners"),
                                "an interpolate", node)
        return resized or _scale(factor, "an interpolate", node, interpreter), None
    if name == "pad":
        return pad_item(args, kwargs, interpreter, node), None
    if name == "squeeze":
        return squeezed(args[0], arg(0, "dim"), interpreter, node), None
    if name in ("permute", "transpose"):  # x.permute(0, 2, 3, 1), torch.permute(x, [0, 2, 3, 1]), x.transpose(1, 2)
        dims = swapped(args[0], arg(0, "dim0"), arg(1, "dim1"), interpreter, node) if name == "transpose" else \
            list(rest[0]) if len(rest) == 1 and isinstance(rest[0], (tuple, list)) else list(kwargs.get("dims", rest))
        if sorted(dims) != list(range(len(dims))) or not dims or dims[0] != 0 or \
                any(isinstance(d, bool) for d in dims):
            raise interpreter.error(node, f"a permute cnncalc can read keeps the batch first and orders every axis "
                                    f"once (x.permute(0, 2, 3, 1)), not {_shown(dims)}")
        return "permute" + "x".join(str(d) for d in dims[1:]), None
    raise interpreter.error(node, f"cnncalc cannot follow {name}() on a tensor",
                            "use a layer cnncalc knows, or write this block as a spec")


def _sizes(value: Any, interpreter: Interpreter, node: ast.AST) -> Any:
    """A window's argument with each of a tensor's sizes in it (``x.size(2)``, as squeeze-and-excitation blocks pool
    their whole map) read as its number, from the graph built so far: ``F.avg_pool2d(x, x.size(2))`` pools a 4×8 map
    to 1×2, as PyTorch does."""
    if isinstance(value, (tuple, list)):
        return tuple(known(interpreter, part, node) for part in value)
    return known(interpreter, value, node)
