"""What a summary of a network of the zoo says besides its rows: the modules a framework's model builds but applies
only while training.  A spec is the network that runs in eval mode, so it does not write them, and the spec language
has no way to write a layer that is built but not applied; the note says what they are and how the framework
counts them, so that its total is never mistaken for the spec's."""

from __future__ import annotations

__all__ = ["zoo_notes"]

#: (framework, name): the notes of its summary
_NOTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("torchvision", "googlenet"): (
        "torchvision's googlenet built without weights (aux_logits=True) also holds two auxiliary classifiers, "
        "aux1 and aux2 (6,379,984 parameters and 514 buffers), which forward() applies only while training, so "
        "they are not among these rows; PyTorch counts "
        "13,004,888 parameters for that model, torchvision documents 6,624,904, the eval network's",),
    ("torchvision", "inception_v3"): (
        "torchvision's inception_v3 also holds an auxiliary classifier, AuxLogits (3,326,696 parameters and 1,794 "
        "buffers), which forward() applies only while training, so it is not among these rows; PyTorch counts "
        "27,161,264 parameters for the model, as "
        "torchvision documents it",),
}


def zoo_notes(framework: str, name: str) -> tuple[str, ...]:
    """The notes of a network of the zoo's summary (none for most).

    >>> zoo_notes("torchvision", "resnet50")
    ()
    """
    return _NOTES.get((framework, name), ())
