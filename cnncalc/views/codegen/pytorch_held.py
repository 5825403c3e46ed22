"""The rows of a network read with an ``nchw`` input, whose axes are PyTorch's own: a tensor is channels-first,
(N, C, H, W), unless a ``permute`` (or an embedding) left it *held* with its features last, as PyTorch then holds it
(ConvNeXt's ``x.permute(0, 2, 3, 1)``, then ``nn.LayerNorm`` and ``nn.Linear`` on the last axis). A permute is
written on PyTorch's axes (torchvision's ``Permute`` module, or ``x.permute(…)`` for one written ``fn``), a reshape
reads the tensor in PyTorch's order, and a layer that acts on axis 1 is refused on a held tensor, never written on
the wrong axis. The parameters of a row written ``fn`` (ConvNeXt's layer scale, ``LayerNorm2d``'s weight and
bias, a vision transformer's class token and position embedding) are ``nn.Parameter``s of the model, used by the
operation in ``forward()``; its attention is ``nn.MultiheadAttention(D, H, batch_first=True)`` on the (N, L, D)
tokens, called as ``attn(x, x, x, need_weights=False)[0]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .frameworks import TORCH_ACTIVATIONS, TORCHVISION_WORDS, unsupported
from .quoting import number, number_tuple

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["held_function", "held_modules", "layer_norm", "parameters_in_forward", "pytorch_axes", "require_held_kept"]


def pytorch_axes(rank: int, held: bool) -> list[int]:
    """cnncalc's axis (0-based, without the batch) at each of PyTorch's axes after the batch: channels-first
    (the last of cnncalc's axes first) unless ``held``."""
    return list(range(rank)) if held or rank < 2 else [rank - 1, *range(rank - 1)]


def _permutation(layer: ResolvedLayer, held_in: bool) -> tuple[int, ...]:
    """The dims of PyTorch's ``x.permute(…)`` (with the batch, 0) that make the row's permutation of cnncalc's axes
    of a tensor held as ``held_in``, giving one held as the row's output is."""
    dims = layer.layer.dims  # type: ignore[attr-defined]
    rank = len(layer.input_shape)
    source = {axis: at for at, axis in enumerate(pytorch_axes(rank, held_in))}
    return (0, *(source[dims[axis] - 1] + 1 for axis in pytorch_axes(rank, layer.tokens)))


def _target(layer: ResolvedLayer) -> tuple[int, ...]:
    """A reshape's target in PyTorch's order, the order in which PyTorch reads and fills the tensor."""
    return tuple(layer.output_shape[axis] for axis in pytorch_axes(len(layer.output_shape), layer.tokens))


#: what acts on the last axis of a held tensor, or on no axis in particular, as PyTorch's module does
_LAST_AXIS_KINDS = ("Dense", "Dropout", "DropPath", "Activation", "LeakyReLU", "LayerNormalization", "LayerScale",
                    "Flatten", "Permute", "Reshape")


#: layers on tokens that the writer refuses with their own reason, held or not
_REFUSED_OWN_WAY = (*TORCHVISION_WORDS, "MultiHeadAttention", "ClassToken", "PositionEmbedding", "TokenSelect")


def _require_last_axis(layer: ResolvedLayer, held_in: bool) -> None:
    from ...model import layers as L  # noqa: N812

    if not held_in or len(layer.input_shape) < 2 or type(layer.layer).__name__ in _REFUSED_OWN_WAY:
        return
    if not any(isinstance(layer.layer, getattr(L, kind)) for kind in _LAST_AXIS_KINDS):
        raise unsupported(layer, "PyTorch", f"{layer.layer.keras_class} acts on PyTorch's axis 1, but its input is "
                          "held with its features on the last axis (after a permute or an embedding)")


def require_held_kept(layer: ResolvedLayer, held_in: bool) -> None:
    """Refuse a row whose written operation keeps its input held with its features last where cnncalc reads its
    output channels-first (a slice of the channels of a permuted tensor): what follows would be written on the
    wrong axis."""
    from ...model import layers as L  # noqa: N812

    if not isinstance(layer.layer, (L.Merge, L.ChannelSlice)):  # a layer on axis 1: refused as one
        _require_last_axis(layer, held_in)
    if held_in and not layer.tokens and len(layer.output_shape) > 1 and \
            not isinstance(layer.layer, (L.Permute, L.Reshape)):
        raise unsupported(layer, "PyTorch", f"{layer.layer.keras_class} of a tensor held with its features last "
                          "keeps them last in PyTorch, where cnncalc reads its output channels-first")


def held_modules(layer: ResolvedLayer, held_in: bool) -> list[tuple[str, str]] | None:  # noqa: PLR0911 - by kind
    """(attribute stem, module) for a row (not written ``fn``) that an nchw input writes its own way; None for a
    row written as under Keras' reading."""
    from ...model import layers as L  # noqa: N812

    _require_last_axis(layer, held_in)
    r: Any = layer.layer
    if isinstance(r, L.Permute):
        return [("permute", f"Permute({number_tuple(_permutation(layer, held_in))})")]
    if isinstance(r, L.Reshape):
        return [("reshape", f"Reshape({number_tuple(_target(layer))})")]
    if isinstance(r, L.Embedding):  # (N, L, D), as PyTorch's nn.Embedding gives it
        return [("embedding", f"nn.Embedding({number(r.vocabulary)}, {number(r.dimension)})")]
    if isinstance(r, L.MultiHeadAttention) and held_in:  # (N, L, D) tokens, as torchvision's encoder holds them
        bias = "" if r.use_bias else ", bias=False"
        return [("attention", f"nn.MultiheadAttention({number(layer.input_shape[-1])}, {number(r.heads)}{bias}, "
                              "batch_first=True)")]
    if type(r).__name__ in _REFUSED_OWN_WAY[-4:]:  # tokens not held as PyTorch holds them (N, L, D)
        raise unsupported(layer, "PyTorch", f"cnncalc writes {r.keras_class} on tokens held (N, L, D), as "
                          "PyTorch holds them after a permute (permute2x1)")
    if not held_in or len(layer.input_shape) < 2:
        return None
    channels = layer.input_shape[-1]
    if isinstance(r, L.Dense):
        bias = "" if r.use_bias else ", bias=False"
        return [("fc", f"nn.Linear({number(channels)}, {number(r.units)}{bias})")]
    if isinstance(r, L.LayerNormalization):
        return [("norm", layer_norm(layer, channels))]
    if isinstance(r, L.LayerScale):
        return [("layerscale", f"LayerScale({number(channels)}, 0)")]
    if isinstance(r, L.Activation) and r.activation in ("softmax", "logsoftmax"):
        return [(r.activation, TORCH_ACTIVATIONS[r.activation].replace("dim=1", "dim=-1"))]
    return None


def layer_norm(layer: ResolvedLayer, features: int) -> str:
    """``nn.LayerNorm`` of the last axis, its ``features`` long, with the weight and bias the layer learns."""
    r: Any = layer.layer
    if r.center and not r.scale:
        raise unsupported(layer, "PyTorch", "PyTorch's LayerNorm learns a bias only with its weight "
                          "(elementwise_affine=True)")
    options = "" if r.scale and r.center else ", bias=False" if r.scale else ", elementwise_affine=False"
    return f"nn.LayerNorm({number(features)}{options})"


def held_function(layer: ResolvedLayer, held_in: bool) -> tuple[str, str] | None:
    """(before, after) the tensor in forward() for a row written ``fn`` that an nchw input writes its own way."""
    from ...model import layers as L  # noqa: N812

    _require_last_axis(layer, held_in)
    r: Any = layer.layer
    if isinstance(r, L.Permute):
        return "", f".permute{number_tuple(_permutation(layer, held_in))}"
    if isinstance(r, L.Reshape):
        return "", f".reshape{number_tuple((-1, *_target(layer)))}"
    if isinstance(r, L.TokenSelect):
        if not held_in:
            raise unsupported(layer, "PyTorch", "cnncalc writes a token of tokens held (N, L, D), as PyTorch holds "
                              "them after a permute (permute2x1)")
        return "", f"[:, {number(r.index)}]"
    if held_in and len(layer.input_shape) > 1 and isinstance(r, L.Activation) and \
            r.activation in ("softmax", "logsoftmax"):
        return ("F.softmax(" if r.activation == "softmax" else "F.log_softmax("), ", dim=-1)"
    return None


def parameters_in_forward(layer: ResolvedLayer, held_in: bool, take: Callable[[str], str],
                          source: str) -> tuple[list[str], str] | None:
    """A row written ``fn`` that holds parameters (a layer scale, a layer normalization inside a block named after
    a module class): the ``nn.Parameter`` attributes it needs (``self.NAME = …`` lines, ``take`` giving each
    attribute's name) and the operation in forward() on ``source``; None for a row without parameters."""
    from ...model import layers as L  # noqa: N812

    r: Any = layer.layer
    if not layer.params.total:
        return None
    channels = layer.input_shape[-1]
    if isinstance(r, L.LayerScale):
        dims = 0 if held_in else len(layer.input_shape) - 1
        name = take("layerscale")
        shape = number_tuple((channels,) + (1,) * dims)
        return [f"self.{name} = nn.Parameter(torch.full({shape}, 1e-06))"], f"{source} * self.{name}"
    if isinstance(r, (L.ClassToken, L.PositionEmbedding)) and held_in:  # torchvision's class_token, pos_embedding
        name = take("class_token" if isinstance(r, L.ClassToken) else "pos_embedding")
        if isinstance(r, L.PositionEmbedding):
            shape = number_tuple((1, *layer.input_shape))
            return [f"self.{name} = nn.Parameter(torch.empty({shape}).normal_(std=0.02))"], f"{source} + self.{name}"
        return ([f"self.{name} = nn.Parameter(torch.zeros(1, 1, {number(channels)}))"],
                f"torch.cat([self.{name}.expand({source}.shape[0], -1, -1), {source}], dim=1)")
    if isinstance(r, L.LayerNormalization) and (held_in or len(layer.input_shape) == 1) and (r.scale or not r.center):
        weight = take("norm_weight") if r.scale else None
        bias = take("norm_bias") if r.center else None
        init = [*([f"self.{weight} = nn.Parameter(torch.ones({number(channels)}))"] if weight else []),
                *([f"self.{bias} = nn.Parameter(torch.zeros({number(channels)}))"] if bias else [])]
        arguments = f"self.{weight}" if weight else "None"
        arguments += f", self.{bias}" if bias else ""
        return init, f"F.layer_norm({source}, ({number(channels)},), {arguments})"
    raise unsupported(layer, "PyTorch", f"cnncalc cannot write {r.keras_class} written 'fn' with its parameters as "
                      "PyTorch code yet (a layer scale, a layer normalization of the last axis, and a class token "
                      "and a position embedding of tokens held (N, L, D), it writes)")
