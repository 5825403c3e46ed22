"""torchvision's pretrained-weights enums, as its model factories use them: ``weights = VGG16_Weights.verify(weights)``
with ``weights`` None (the default: no pretrained weights), which is then None, so the factory's ``if weights is not
None:`` block (``_ovewrite_named_param(kwargs, "num_classes", …)``, loading a state dict) does not run."""

from __future__ import annotations

import ast
import functools
from typing import Any

from .values import Builtin, Unknown, UserClass

#: Where torchvision defines WeightsEnum (torchvision/models/_api.py), and where it exports it.
_ABSOLUTE = frozenset({"torchvision.models._api", "torchvision.models"})


class WeightsEnumClass:
    """torchvision.models._api.WeightsEnum, imported by name: a base class of a file's weights enums."""


WEIGHTS_ENUM = WeightsEnumClass()


def weights_enum_import(s: ast.ImportFrom, name: str) -> WeightsEnumClass | None:
    """WeightsEnum imported from torchvision (``from torchvision.models._api import WeightsEnum``), or from the
    ``_api`` module beside the file, as torchvision's own model files import it (``from ._api import
    WeightsEnum``); None for any other import."""
    if name != "WeightsEnum":
        return None
    module = s.module or ""
    if (s.level == 0 and module in _ABSOLUTE) or (s.level == 1 and module == "_api"):
        return WEIGHTS_ENUM
    return None


def _derives(cls: UserClass, depth: int = 0) -> bool:
    """Whether every base of the class is WeightsEnum or such a class of the file: a base cnncalc cannot see (a
    mixin from another module) might define its own verify."""
    return depth < 50 and bool(cls.bases) and all(
        base is WEIGHTS_ENUM or (isinstance(base, UserClass) and _derives(base, depth + 1)) for base in cls.bases)


def weights_verify(cls: UserClass, name: str, node: ast.AST) -> Builtin | None:
    """``X_Weights.verify`` when X_Weights derives from torchvision's WeightsEnum and no class of the file defines
    its own verify (the caller checked): torchvision/models/_api.py's WeightsEnum.verify begins
    ``if obj is not None: …`` and returns ``obj``, so None gives None. Any other value is a weights entry only known
    when the code runs."""
    if name != "verify" or not _derives(cls):
        return None
    return Builtin(functools.partial(_verify, node), name)


def _verify(node: ast.AST, *args: Any, **kwargs: Any) -> Any:
    given = [*args, *kwargs.values()]  # verify(weights) or verify(obj=weights)
    if len(given) == 1 and set(kwargs) <= {"obj"} and given[0] is None:
        return None
    return Unknown("a pretrained weights entry (weights=…), which cnncalc does not load", node)
