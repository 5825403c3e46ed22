"""A pasted summary checked against itself: each row re-derived from the rows around it, no spec needed.

``cnncalc check --summary FILE`` without a SPEC.  A row's input is the row before it (or, in a
functional summary, the rows its 'Connected to' cell names); from the input and the row's own
output the rules below say whether its parameter count and its output shape can be right:

* Dense/Linear: (n + 1)·units, or n·units without a bias;
* a convolution (transposed too): a whole-number kernel must explain the params from the input and
  output channels, and some kernel, stride and padding must turn the input size into the output
  size (the verdict says which);
* pooling keeps the channels and has no parameters, and its output must be reachable too;
* Flatten is the product of its input, Reshape keeps it and Permute reorders it; zero padding,
  cropping and upsampling keep the channels; BatchNormalization is 4·C in Keras (2·C of them
  non-trainable; any axis, as ``axis=1`` normalises the other one) and 2·C in a torchinfo table;
  dropout, activations and batch norm keep the shape; Keras' GetItem (a slice of the channels) keeps
  every other axis and at most its input's channels, and a channel shuffle keeps the shape;
* the rows sum to the totals, and trainable + non-trainable = total.

A row that cannot be decided (its input is not in the paste, several kernels explain it equally,
a layer kind cnncalc does not model, a subclassed model's 'multiple' shape) is ``unchecked``, with
a note saying why, never ``wrong``.  A row whose output is wrong passes its corrected shape on
when the rule knows it (a flatten's product); otherwise the rows that read it are checked against
it, and what then disagrees is in doubt (one of the two is misprinted), not a second ✗.

A Keras paste whose shapes are channels-first (Keras 1 on Theano, ``data_format='channels_first'``)
is read as such when that explains more of its rows.
"""

from __future__ import annotations

from ...model.records import replace
from ...readers.pasted import PastedSummary
from ..answers import Verdict
from .pairing import _Check
from .reading import _wrong

__all__ = ["self_check"]


def self_check(pasted: PastedSummary) -> list[Verdict]:
    """Every row's parameters and output shape, then the totals, each against the paste's own other rows."""
    checked = _Check(pasted, channels_first=False).run()
    if pasted.kind == "keras" and _wrong(checked) and any(len(row.shape) > 1 for row in pasted.rows):
        other = _Check(pasted, channels_first=True).run()
        if _wrong(other) < _wrong(checked) and _doubts(other) < _doubts(checked):
            note = "read channels-first (Keras 1 on Theano, or data_format='channels_first'): " \
                   "(None, C, H, W) is C channels of H×W"
            return [replace(other[0], note=f"{other[0].note}; {note}" if other[0].note else note), *other[1:]]
    return checked


def _doubts(verdicts: list[Verdict]) -> int:
    """How badly a reading of the paste fits it: its ✗s, and each batch norm it explains only by an axis other
    than the channels (so that one misprint cannot make a channels-last paste read channels-first)."""
    return _wrong(verdicts) + sum(v.note.startswith("BatchNormalization(axis=") for v in verdicts)
