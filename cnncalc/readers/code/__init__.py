"""Model code, read and never run: a Keras or PyTorch model definition becomes a network.

    cnncalc summary model.py                       # Sequential, model.add, functional, nn.Sequential, nn.Module
    cnncalc summary resnet.py --input 3x224x224    # PyTorch never states its input
    cnncalc summary model.py --emit-spec           # the equivalent spec, which summarises identically

The file is parsed with :mod:`ast` and interpreted by a small evaluator (:mod:`.statements`, :mod:`.expressions`,
:mod:`.calls`), which knows numbers, tuples, lists, dicts, names, arithmetic, comparisons, ``if`` on known values,
``for`` over known ranges, comprehensions, functions and classes defined in the same file (a ``conv_block`` helper,
a ``BasicBlock`` used by a ``ResNet``, torchvision's ``_make_layer``), and the layer classes and tensor operations
of Keras and PyTorch (:mod:`.frameworks`).  Nothing is imported or executed: neither framework needs to be
installed.  A layer call records a node of a graph; ``forward`` is interpreted with a tensor that records what is
done to it (``self.conv1(x)``, ``F.relu``, ``x + identity``, ``torch.cat(…, dim=1)``, ``x.view(x.size(0), -1)``).
Each layer becomes a spec item (:mod:`.keras_layers`, :mod:`.torch_layers`); the graph becomes the network's spec
records (:mod:`.builder`, :mod:`.spec_records`), which the ordinary rules resolve; the sizes the code declares
(``nn.Linear(1600, 10)``, ``nn.Conv2d(32, 64, 3)``, ``nn.BatchNorm2d(64)``) are checked against what reaches them
(:mod:`.requirements`, :mod:`.network`).

What cannot be followed statically (a branch on a tensor's values, an unknown layer class, a call into
another module) is a :class:`~cnncalc.errors.CodeError` at ``file:line:col`` that says what to do.

Reading is bounded, whatever the file holds (:mod:`.limits`): the source by its size before Python parses it, the
reading by a budget of work (every statement and expression followed, and every item of a sequence, string or
mapping built, walked, compared or hashed), each string and sequence by its length, and the nesting of calls and
expressions by a depth of the reader's own.  Python's own errors on the code's values (``-'a'``, ``[][0]``,
``int(float('inf'))``) become errors at the construct that makes them, in one place (:func:`.core._followed`).
"""

from .network import build_model
from .reader import read_model

__all__ = ["build_model", "read_model"]
