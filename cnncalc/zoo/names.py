"""Networks by name: which names the zoo holds, and the one place a SPEC argument becomes spec text.

A SPEC argument is read in this order: ``-`` (standard input) and an existing file win; then a name of the zoo
(``resnet50`` or ``torchvision:resnet50`` for torchvision's, ``keras:ResNet50`` or the bare Keras spelling
``ResNet50`` for Keras'); then the argument is the spec text itself.  A name of either framework that the zoo
does not hold is refused with the reason, and a near miss (``resnet5``, ``keras:resnet50``) gets "did you mean".
"""

from __future__ import annotations

import os
import re
from functools import cache

from ..errors import CnnCalcError
from ..language.sources import read_text

__all__ = ["FRAMEWORKS", "ZooError", "held", "item", "lookup", "near", "read_named", "read_spec", "shown",
           "spec_text"]

#: the frameworks whose networks the zoo holds, in the order a bare name is looked up
FRAMEWORKS = ("torchvision", "keras")


def _known(framework: str) -> tuple[str, ...]:
    """The framework's own list of names (imported only when an argument is written as a name)."""
    from .catalogue import KERAS, TORCHVISION

    return TORCHVISION if framework == "torchvision" else KERAS


class ZooError(CnnCalcError):
    """A name of a network that the zoo does not hold."""


@cache
def held(framework: str) -> tuple[str, ...]:
    """The names the zoo holds for a framework, in natural order (``resnet18`` before ``resnet101``): the spec files
    shipped in ``cnncalc/zoo/<framework>/``.

    >>> "resnet50" in held("torchvision"), "ResNet50" in held("keras")
    (True, True)
    >>> [name for name in held("torchvision") if name.startswith("resnet")]
    ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152']
    """
    from importlib import resources  # here, not at the top: a summary of a file or of text never needs it

    folder = resources.files(__package__) / framework
    names = (entry.name.removesuffix(".cnn") for entry in folder.iterdir() if entry.name.endswith(".cnn"))
    return tuple(sorted(names, key=_natural))


def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders the numbers in a name by value: vgg11 < vgg16 < vgg16_bn, resnet50 < resnet101."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower())
                 for part in re.split(r"(\d+)", name) if part)


def spec_text(framework: str, name: str) -> str:
    """The spec file of a network the zoo holds."""
    from importlib import resources

    return (resources.files(__package__) / framework / f"{name}.cnn").read_text(encoding="utf-8")


def shown(framework: str, name: str) -> str:
    """How a name is written on the command line: torchvision's bare, Keras' with its prefix.

    >>> shown("torchvision", "resnet50"), shown("keras", "ResNet50")
    ('resnet50', 'keras:ResNet50')
    """
    return name if framework == "torchvision" else f"keras:{name}"


def read_spec(argument: str) -> str:
    """The spec text a SPEC argument stands for: stdin, a file, a network of the zoo, or the text itself."""
    return read_named(argument)[0]


def read_named(argument: str) -> tuple[str, tuple[str, str] | None]:
    """The spec text a SPEC argument stands for, and (framework, name) when it names a network of the zoo."""
    if argument == "-" or _is_file(argument):
        return read_text(argument), None
    found = lookup(argument)
    return (spec_text(*found), found) if found is not None else (read_text(argument), None)


def lookup(argument: str) -> tuple[str, str] | None:
    """(framework, name) of the network the zoo holds under this name; None if the argument is not a name.

    Raises :class:`ZooError` for a framework's network the zoo does not hold, and for a near miss.

    >>> lookup("resnet50"), lookup("ResNet50"), lookup("keras:VGG16"), lookup("input 28x28x1, relu")
    (('torchvision', 'resnet50'), ('keras', 'ResNet50'), ('keras', 'VGG16'), None)
    """
    split = _split(argument)
    if split is None:
        return None
    prefix, name = split
    if prefix is not None and prefix.lower() not in FRAMEWORKS:
        raise ZooError(f"'{prefix}:' names no framework cnncalc's zoo knows",
                       "write torchvision:NAME (or the bare name) or keras:NAME; cnncalc zoo lists the names")
    frameworks = (prefix.lower(),) if prefix is not None else FRAMEWORKS
    for framework in frameworks:
        if name in held(framework):
            return framework, name
    for framework in frameworks:
        if name in _known(framework):
            from .catalogue import why_not_held

            message, hint = why_not_held(framework, name)
            raise ZooError(message, hint)
    close = _near_misses(name, frameworks)
    if prefix is not None or (close and not _parses(argument)):
        whose = {"torchvision": "torchvision's", "keras": "Keras'"}.get(prefix.lower() if prefix else "",
                                                                      "torchvision's or Keras'")
        raise ZooError(f"{argument} is no network of {whose} that cnncalc knows",
                       f"did you mean {' or '.join(close)}? (cnncalc zoo lists the names)" if close else
                       "cnncalc zoo lists the names")
    return None


def item(word: str) -> tuple[str, str] | None:
    """(framework, name) of the network a spec's item names (``keras:MobileNetV2``, ``resnet50``); None if the
    word names none.  A name with a framework's prefix that the zoo does not hold is refused with the reason (or
    "did you mean"); a bare word that names no network is left to the spec's own "unknown layer".

    >>> item("keras:MobileNetV2"), item("resnet50"), item("conv32x3")
    (('keras', 'MobileNetV2'), ('torchvision', 'resnet50'), None)
    """
    split = _split(word)
    if split is None:
        return None
    if split[0] is not None:
        return lookup(word)
    for framework in FRAMEWORKS:
        if split[1] in held(framework):
            return framework, split[1]
    for framework in FRAMEWORKS:
        if split[1] in _known(framework):
            from .catalogue import why_not_held

            raise ZooError(*why_not_held(framework, split[1]))
    return None


def near(word: str) -> list[str]:
    """The networks a word that names no layer and no network probably meant (``mobilenetv2`` →
    keras:MobileNetV2), as a spec's "unknown layer" suggests them; none for a word not written as a name."""
    split = _split(word)
    return _near_misses(split[1], FRAMEWORKS) if split is not None and split[0] is None else []


def _split(argument: str) -> tuple[str | None, str] | None:
    """(framework or None, name) if the argument is written as a name (``resnet50``, ``keras:ResNet50``), else None:
    letters, digits and ``_``, starting with a letter, after an optional ``word:``.  No spec text and no file path
    is written so.  (String methods, not a regular expression: compiling one would cost every start-up a
    millisecond.)

    >>> _split("keras:ResNet50"), _split("resnet50"), _split("input 8x8x1, relu"), _split("a/b"), _split("x:")
    (('keras', 'ResNet50'), (None, 'resnet50'), None, None, None)
    """
    prefix, _, name = argument.rpartition(":")
    if prefix and not (prefix.isascii() and prefix.isalpha()):
        return None
    if not (name[:1].isalpha() and name.isascii() and name.replace("_", "").isalnum()):
        return None
    return (prefix or None), name


def _near_misses(name: str, frameworks: tuple[str, ...]) -> list[str]:
    """The names a misspelling probably meant: the same letters in another case first, then close spellings."""
    import difflib

    spelled = {shown(framework, known): known.lower() for framework in frameworks for known in _known(framework)}
    same = [written for written, lower in spelled.items() if lower == name.lower()]
    if same:
        return same
    close = difflib.get_close_matches(name.lower(), list(dict.fromkeys(spelled.values())), n=3, cutoff=0.8)
    return [written for lower in close for written, other in spelled.items() if other == lower][:3]


def _parses(argument: str) -> bool:
    """Whether a word is spec text after all (``relu``, ``dense10``): then it is not a misspelt name."""
    from ..language.spec import parse

    try:
        parse(argument)
    except CnnCalcError:
        return False
    return True


def _is_file(argument: str) -> bool:
    try:
        return "\n" not in argument and len(argument) < 4096 and os.path.exists(argument)
    except (OSError, ValueError):
        return False
