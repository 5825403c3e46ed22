"""One PyTorch module (or ``forward()`` operation) of a summary row, with what the FLOP conventions count it by."""

from __future__ import annotations

from ...model.records import record

__all__ = ["Op"]


@record
class Op:
    """One PyTorch module (or ``forward()`` operation) of a row, for one input."""

    kind: str  # conv, linear, batch_norm, layer_norm, group_norm, instance_norm, lrn, activation, max_pool, avg_pool,
    #            adaptive_avg_pool, adaptive_max_pool, upsample, merge, free
    group: str
    label: str  # PyTorch's class (nn.Conv2d, nn.ReLU) or the operation (+, torch.cat)
    inputs: int
    outputs: int
    macs: int = 0
    bias: int = 0
    #: "26·26·32 outputs × 3·3·1 MACs": how the MACs come about
    macs_text: str = ""
    #: thop's conv rule: output values × in_channels/groups × kernel values
    in_group: int = 0
    window: int = 0
    affine: bool = True
    #: an activation's name (relu, softmax, …); softmax's features (its last axis)
    activation: str = ""
    features: int = 1
    #: adaptive pooling: spatial input and output sizes; spatial rank
    in_sizes: tuple[int, ...] = ()
    out_sizes: tuple[int, ...] = ()
    #: LocalResponseNorm: the window (F.local_response_norm average-pools the padded squares)
    size: int = 0
    #: the module's parameters (not buffers), and a conv's output positions: torchinfo's mult-adds
    params: int = 0
    positions: int = 0
