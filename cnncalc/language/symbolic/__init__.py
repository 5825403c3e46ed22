"""Symbolic sizes: a spec whose input is written with names, as the lectures write R×C×3.

    cnncalc summary "input RxCx3, conv5x3, conv7x3, flatten, dense10"
    (None, R−2, C−2, 5)   (None, R−4, C−4, 7)   (None, (R−4)·(C−4)·7)   ((R−4)·(C−4)·7 + 1)·10 parameters

No rule is written twice.  The network is built by the ordinary rules several times, each time with
other numbers standing in for the names (odd, far apart, of different residues), and each output size
and count is then written in the names by the first form that reproduces every one of those builds:
a number that never changes; the window formula ⌊(n + p_before + p_after − d(k − 1) − 1)/s⌋ + 1 of the
layer's own axes (⌈n/s⌉ for 'same', ⌈…⌉ + 1 for ceil mode); a·n + b of the same axis (padding,
cropping, upsampling, a transposed convolution, any layer that keeps the size); the product of every
input size (a flatten); the sum of the inputs' sizes (a concatenation); an input size moved to another
axis (a permute).  A count is a number or a·F + b in the input's last size F (a dense layer reading a
symbolic flatten).  A size no form reproduces is an error that asks for numbers, never a guess.

The spec is parsed once (the parser reads the names, :attr:`cnncalc.language.spec.ParsedInput.names`), so every error
points into the text as written; an error met with stand-in numbers never shows them (:func:`_unfollowable`).

sympy does the algebra, and is imported only when a spec has a name in it: numeric summaries never
load it.  Sizes print as the lectures write them (``R−2``, ``⌊(R − 3)/2⌋ + 1``, ``(R−4)·(C−4)·7``) and
as plain ASCII in JSON (``"R-2"``, ``"floor((R-3)/2)+1"``).  Answers in the names are read by
:mod:`cnncalc.language.expression` (never by sympy, which would evaluate them), and :func:`compare` decides exactly
whether an answer equals the size for every value of the names.
"""

from __future__ import annotations

from .comparison import Comparison, compare
from .exact import MAX_EVALUATIONS, MAX_FACTORS
from .resolving import Counted, symbolic_network
from .sizes import Size, sized

__all__ = ["MAX_EVALUATIONS", "MAX_FACTORS", "Comparison", "Counted", "Size", "compare", "sized", "symbolic_network"]
