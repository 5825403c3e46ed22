"""SPEC as a network, for every command that reads one: spec text, a .cnn file, stdin, a zoo name or a model's .py
file.

Free of click, so that the lean entry (:mod:`cnncalc.cli.entry`) reads a SPEC exactly as the commands do.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import CnnCalcError, SpecError

__all__ = ["load_network"]

#: Set by the process entry (:func:`cnncalc.cli.entry.run`), whose process ends once its command is done: the first
#: model file read is then kept to the end and never freed (:func:`cnncalc.readers.code.read_model`'s ``keep``),
#: since freeing its syntax tree object by object costs a sixth of reading a file of 10,000 lines, and the end of
#: the process frees its memory at once. Only the first: a command that reads many files frees each as usual.
KEEP_FIRST_MODEL_FILE = False


def load_network(spec: str, input_shape: str | None, layout: str | None, conventions: str | None,
                 model: str | None = None, settings: tuple[str, ...] = ()) -> Any:
    """SPEC as a network: spec text, a .cnn file, stdin, a network of the zoo by name (resnet50, keras:ResNet50),
    or a Keras/PyTorch model's .py file (read, never run)."""
    from ..graph.network import build
    from ..language.sources import read_text

    if spec.lower().endswith(".py"):
        from ..readers.code import build_model, read_model

        global KEEP_FIRST_MODEL_FILE  # one flag of the process's, read once
        keep, KEEP_FIRST_MODEL_FILE = KEEP_FIRST_MODEL_FILE, False
        code = read_model(read_text(spec, suffixes=(".py",), what="model file"), spec, model, input_shape, layout,
                          settings, keep)
        return build_model(code, input_shape, layout, conventions)
    if model is not None or settings:
        import click

        raise click.UsageError(f"{'--model' if model is not None else '--set'} is for a model's .py file; this SPEC "
                               "is not one")
    if _written_as_name(spec):  # perhaps a network of the zoo (a file of that name wins)
        from ..zoo.names import read_named

        text, named = read_named(spec)
    else:  # a file, stdin or the text itself, as the zoo would read it: its module is not loaded
        text, named = read_text(spec), None
    try:
        net = build(text, input_shape, layout, conventions)
    except SpecError:
        if re.search(_PASTED_SUMMARY, text):
            raise CnnCalcError("this is a printed model.summary(), not a spec",
                               "to check its numbers, give it to cnncalc check --summary FILE (alone, or with the "
                               "spec of the network it should be)") from None
        raise
    if named is not None:
        from ..zoo.notes import zoo_notes

        if notes := zoo_notes(*named):
            from ..model.records import replace

            net = replace(net, notes=(*net.notes, *notes))
    return net


#: the header and footer lines of the summaries Keras, torchinfo and torchsummary print
def _written_as_name(spec: str) -> bool:
    """Whether SPEC could name a network of the zoo: ASCII letters, digits, '_' and ':' only (``resnet50``,
    ``keras:ResNet50``); spec text and file paths hold other characters.

    >>> _written_as_name("keras:ResNet50"), _written_as_name("examples/mnist.cnn"), _written_as_name("conv8x3, relu")
    (True, False, False)
    """
    return spec.isascii() and spec.replace("_", "a").replace(":", "a").isalnum()


#: (a pattern compiled only when a spec does not read)
_PASTED_SUMMARY = r"(?i)Layer \(type|Param #|Total params|Trainable params|Output Shape"
