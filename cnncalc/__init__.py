"""cnncalc: exact shapes, parameter counts and stride checks for CNNs, from one line of text.

In Python, :func:`summary` is ``cnncalc summary`` as an object (imported when first asked for, so that importing
cnncalc costs nothing the command line does not need):

>>> import cnncalc
>>> s = cnncalc.summary("input 28x28x1, conv32x3 relu, maxpool2, flatten, dense10")
>>> s.layers[0].name, s.layers[0].output_shape, s.total_params
('conv2d', (None, 26, 26, 32), 54410)
>>> try:
...     cnncalc.summary("input 28x28x1, conv32x0")
... except cnncalc.SpecError as error:
...     print(error.message)
'conv32x0' has a size of zero
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["CnnCalcError", "CodeError", "Layer", "ShapeError", "SourceError", "SpecError", "Summary", "summary"]

#: each name of the API, and its module (imported when the name is first asked for, PEP 562)
_API = {"summary": "cli.api", "Summary": "cli.api", "Layer": "cli.api", "CnnCalcError": "errors",
        "CodeError": "errors", "ShapeError": "errors", "SourceError": "errors", "SpecError": "errors"}


def __getattr__(name: str) -> Any:
    from .lazy import attribute

    return attribute(__name__, _API, name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
