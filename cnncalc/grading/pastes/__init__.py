"""A pasted summary graded against a spec: ``align`` (each row, then the connections, totals and footer, against
the spec's network), with ``expected`` (the rows a paste of the network should have), ``pairing`` (which row is
which layer), ``rows`` (a row against its layer), ``connections`` ('Connected to') and ``totals`` (the totals
lines and torchinfo's footer). The paste is read by :mod:`cnncalc.readers.pasted`.
"""

from __future__ import annotations

from .align import align
from .pairing import pairing

__all__ = ["align", "pairing"]
