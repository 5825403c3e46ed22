"""Model code (Keras, PyTorch) read without running it: :func:`read_model`, then :func:`build_model`."""

from .network import build_model
from .reader import read_model

__all__ = ["build_model", "read_model"]
