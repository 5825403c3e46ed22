"""A checked spec as runnable code: ``summary SPEC --format keras`` and ``--format pytorch``.

Keras (:mod:`.keras_model`, each row's layer by :mod:`.keras_layers`): a ``keras.Sequential`` for a chain, the
functional API for a graph.  PyTorch (:mod:`.pytorch_model`, each row's modules by :mod:`.pytorch_modules`): an
``nn.Module`` whose ``__init__`` builds one module per row and whose ``forward`` applies them.  A view: it formats
the resolved network and computes nothing new.  Anything the target framework cannot express is an error that says
so (Keras has no ceil_mode; PyTorch has no cropping module), and :mod:`.frameworks` holds each framework's names.

The code written holds no text a user typed except through the helpers of :mod:`.quoting` (:func:`literal`,
:func:`docstring`, :class:`Names`, :func:`number`): a quoted string literal, an escaped docstring that is checked
to read back as its text, a checked Python name, a number.
"""

from __future__ import annotations

from .keras_model import keras_code
from .pytorch_model import pytorch_code
from .quoting import Names, docstring, escaped, is_name, literal, number, spec_line

__all__ = ["Names", "docstring", "escaped", "is_name", "keras_code", "literal", "number", "pytorch_code",
           "spec_line"]
