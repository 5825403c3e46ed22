"""What the writers know of each framework: its names for the spec's activations and merges, and the refusal of
what it cannot express, said at the layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import CnnCalcError

if TYPE_CHECKING:
    from ...graph.network import ResolvedLayer

__all__ = ["KERAS_ACTIVATIONS", "TORCHVISION_WORDS", "TORCH_ACTIVATIONS", "TORCH_MERGES", "tokens_in_torch",
           "unsupported"]

#: Keras' names for the spec's activations where they differ.
KERAS_ACTIVATIONS = {"leakyrelu": "leaky_relu", "hardswish": "hard_swish", "logsoftmax": "log_softmax",
                     "hardsigmoid": "hard_sigmoid"}

#: PyTorch modules for the spec's activations.
TORCH_ACTIVATIONS = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()",
                     "softmax": "nn.Softmax(dim=1)", "elu": "nn.ELU()", "selu": "nn.SELU()", "gelu": "nn.GELU()",
                     "swish": "nn.SiLU()", "linear": "nn.Identity()", "relu6": "nn.ReLU6()",
                     "hardswish": "nn.Hardswish()", "hardsigmoid": "nn.Hardsigmoid()", "mish": "nn.Mish()",
                     "leakyrelu": "nn.LeakyReLU()", "logsoftmax": "nn.LogSoftmax(dim=1)"}

#: the operators forward() merges tensors with (a concatenation is torch.cat).
TORCH_MERGES = {"add": " + ", "mul": " * ", "sub": " - "}

#: the words of torchvision's own modules (Swin's, MaxViT's), by layer record: neither writer writes them yet
TORCHVISION_WORDS = {"WindowAttention": "windowattention", "PatchMerging": "patchmerging",
                     "WindowPartition": "partition", "WindowDepartition": "departition", "RelativeAttention": "relmha"}


def unsupported(layer: ResolvedLayer, framework: str, why: str) -> CnnCalcError:
    """The error for a layer ``framework`` cannot express, with ``why``, at the layer."""
    return CnnCalcError(f"layer {layer.index} {layer.name} ({layer.source}): {why}",
                        f"write the network without it for {framework}, or use the other --format")


def tokens_in_torch(layer: ResolvedLayer) -> CnnCalcError:
    """The PyTorch writer's refusal of a layer on tokens (mha, clstoken, posembed, token) of a spec read the Keras
    way: the code it writes holds an L×D map channels-first, (N, D, L), where PyTorch's nn.MultiheadAttention and a
    vision transformer's tokens are (N, L, D), as the code of a spec with an nchw input holds them."""
    word = layer.source.split()[0] if layer.source else layer.layer.keras_class
    return CnnCalcError(f"layer {layer.index} {layer.name} ({layer.source}): cnncalc cannot write '{word}' as "
                        "PyTorch code yet: the code it writes holds an L×D map channels-first, (N, D, L), where "
                        "nn.MultiheadAttention and a vision transformer's tokens are (N, L, D)",
                        "write the input channels-first, as PyTorch does ('input 3x224x224 nchw'): a permute then "
                        "holds the tokens (N, L, D); or use --format keras")
