"""Pasted model summaries: Keras 1's, 2's ASCII and 3's box tables, torchinfo's tree and torchsummary's rows.

Rows are read leniently (OCR'd lecture slides included): a name, a type in parentheses (Keras 2 truncates long
ones: ``(MaxPooling2``), a shape and a parameter count. torchinfo's shapes are channels-first with the batch axis,
and its types are torch classes; both are turned into Keras' terms. The paste is only read here:
:mod:`cnncalc.grading.pastes` compares it with a spec, :mod:`cnncalc.grading.selfcheck` with itself.

One concept a module: ``lines`` (a paste's lines made plain), ``classes`` (Keras' and PyTorch's classes and Keras'
auto-names), ``numbers`` (shapes and counts), ``records`` (:class:`PastedRow`, :class:`PastedSummary`),
``references`` ('Connected to'), ``keras_rows`` and ``torch_rows`` (each framework's table), ``totals`` (the
totals lines and torchinfo's footer) and ``reader`` (:func:`parse_summary`).
"""

from __future__ import annotations

from .classes import ACTIVATION_CLASSES, KERAS1_CLASSES, KERAS_CLASSES, TORCH_ACTIVATIONS, TORCH_CLASSES
from .lines import MAX_LINE
from .numbers import UNREADABLE_SHAPE
from .reader import parse_summary
from .records import PastedRow, PastedSummary, normalised_axis
from .references import reference_name

__all__ = ["ACTIVATION_CLASSES", "KERAS1_CLASSES", "KERAS_CLASSES", "MAX_LINE", "TORCH_ACTIVATIONS", "TORCH_CLASSES",
           "UNREADABLE_SHAPE", "PastedRow", "PastedSummary", "normalised_axis", "parse_summary", "reference_name"]
