"""NumPy twins of every layer kind: a real forward pass to confirm the inferred shapes.

Each twin is built from the layer record and the shape flowing into it, never from the
inferred output: windows are counted from the padded data itself, so ``summary --check``
really tests the shape rules.  The operations follow the frameworks:

* conv: cross-correlation with stride, explicit or Keras ``same`` padding (odd row at the
  bottom/right), dilation and bias, as a strided sliding-window view and one ``tensordot``;
* max/avg pooling: ``same`` excludes padding from averages (Keras/TensorFlow); explicit
  padding is PyTorch's, with ``count_include_pad=True``; ``ceil`` lets the last window hang
  over the edge if it starts inside the input or its left padding, and averages it over the
  cells it covers;
* dense on the last axis, batch normalization in inference mode (ε = 0.001, as Keras),
  dropout as the identity, and every activation.

The twins live in families named as the layer records' (``convolution``, ``transposed``, ``pooling``,
``global_pooling``, ``reshaping``, ``channels``, ``dense``, ``normalization``, ``activations``, ``merges``,
``windows_attention`` and ``grid_attention``;
``sequence`` runs the 1-D kinds as their 2-D counterparts); ``registry`` gathers them, ``memory`` estimates a pass
and ``forward`` runs it.  Adding a layer kind means adding its twin to its family's ``TWINS`` (and its
allocations to ``SCRATCH``).  NumPy is imported only in this package.
"""

from __future__ import annotations

from .activations import activation, activation_in_place, activation_scratch
from .base import _pads as _pads
from .base import require_numpy
from .convolution import conv2d, depthwise_conv2d, grouped_conv2d
from .forward import ForwardPass, forward
from .memory import BASELINE_BYTES, memory_estimate
from .merges import merge
from .pooling import pool2d
from .registry import SCRATCH, TWINS
from .transposed import _transposed_crops as _transposed_crops
from .transposed import conv2d_transpose

__all__ = ["BASELINE_BYTES", "SCRATCH", "TWINS", "ForwardPass", "activation", "activation_in_place",
           "activation_scratch", "conv2d", "conv2d_transpose", "depthwise_conv2d", "forward", "grouped_conv2d",
           "memory_estimate", "merge", "pool2d", "require_numpy"]
