"""Imports: Keras, TensorFlow, PyTorch and a few of Python's modules are namespaces cnncalc knows; a module whose
file is in the model file's folder tree (:mod:`.files`) is read with ``ast`` and followed as Python would run it
on import, never imported; any other module is only known when the code runs."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from .files import Files, MissingModuleError, RefusedImportError
from .frameworks import _KNOWN_MODULES, _module, _star_names
from .statements import Statements
from .torchvision_weights import weights_enum_import
from .values import AbsentName, Scope, UserModule


class Imports(Statements):
    """import and from … import, of the frameworks and of the model's own files."""

    files: Files
    #: the modules of the folder tree read so far, by their file: each is run once, and a cycle sees it partly run
    modules: dict[Path, UserModule]

    def import_(self, s: ast.Import | ast.ImportFrom, env: Scope) -> None:
        if isinstance(s, ast.Import):
            self.import_modules(s, env)
        else:
            self.import_from(s, env)

    def import_modules(self, s: ast.Import, env: Scope) -> None:
        """import M, import M as N: a framework's namespace, or a module of the folder tree."""
        for alias in s.names:
            own = self.own_module(s, alias.name, 0)
            if own is not None and "." in alias.name and not alias.asname:
                raise self.error(s, f"cnncalc reads 'import {alias.name[:60]}' with 'as NAME' only",
                                 f"write 'import {alias.name[:60]} as NAME', or 'from … import …'")
            path = alias.name if alias.asname else alias.name.split(".")[0]
            env[alias.asname or path] = own if own is not None else _module(path, s)

    def import_from(self, s: ast.ImportFrom, env: Scope) -> None:
        """from M import a, b as c, *: names of a framework's namespace, or of a module of the folder tree."""
        if s.module is None:  # from . import unet_parts: modules of the package
            for alias in s.names:
                if alias.name == "*":
                    raise self.error(s, "'from . import *' imports only what the package's __init__.py lists")
                env[alias.asname or alias.name] = self.absent_or_read(s, alias.name)
            return
        # torchvision's WeightsEnum, whose verify(None) is None (see .torchvision_weights), before its file is read
        enums = {alias.name: weights_enum_import(s, alias.name) for alias in s.names}
        if all(enum is not None for enum in enums.values()):
            for alias in s.names:
                env[alias.asname or alias.name] = enums[alias.name]
            return
        module = self.absent_or_read(s, s.module)
        missing = isinstance(module, AbsentName)
        if missing and any(alias.name == "*" for alias in s.names):
            raise self.error(s, f"cnncalc cannot read the module {'.' * s.level}{s.module[:60]}: {module.file}",
                             "keep the model's files together in its folder, or put its classes in one file")
        for alias in s.names:
            if alias.name == "*":
                self.star(module, s, env)
            elif enums[alias.name] is not None:
                env[alias.asname or alias.name] = enums[alias.name]
            else:
                env[alias.asname or alias.name] = module if missing else \
                    self.imported_name(module, alias.name, s)

    def absent_or_read(self, s: ast.ImportFrom, name: str) -> Any:
        """The module a from-import names: of the folder tree, a framework's, or (a relative import whose file is
        not there) unknown, an error where a name of it is used."""
        try:
            module = self.own_module(s, name, s.level)
        except MissingModuleError as missing:
            return AbsentName(f"a name from the module {'.' * s.level}{name[:60]}, whose file is not there", s,
                              str(missing))
        return module if module is not None else _module(name, s)

    def star(self, module: Any, s: ast.ImportFrom, env: Scope) -> None:
        """from M import *: a framework module's names cnncalc knows; a module of the folder tree's names as
        Python binds them (its __all__, else every name not starting with an underscore)."""
        if not isinstance(module, UserModule):
            for name in _star_names(module):  # from keras.layers import *
                env[name] = self.attribute(module, name, s)
            return
        names = module.names.get("__all__")
        if names is None:
            names = [name for name in module.names if not name.startswith("_")]
        elif not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
            raise self.error(s, f"{module.path}'s __all__ is not a list of names cnncalc can read")
        for name in self.items(names, s):
            env[name] = self.imported_name(module, name, s)

    def imported_name(self, module: Any, name: str, s: ast.ImportFrom) -> Any:
        if not isinstance(module, UserModule):
            return self.attribute(module, name, s)
        if name in module.names:
            return module.names[name]
        raise self.error(s, f"{module.path} defines no name '{name[:60]}'",
                         "import a name the file defines, or put the model's classes in one file")

    def own_module(self, s: ast.Import | ast.ImportFrom, name: str | None, level: int) -> UserModule | None:
        """The module of the folder tree an import names, read and run on first import; None for a module that
        is not one of the tree's files (an absolute import of Keras, PyTorch or another installed module)."""
        try:
            found = self.files.find(s, name, level)
            if found is None:
                return None
            real, shown = found
            if level == 0 and (name or "").split(".")[0] in _KNOWN_MODULES:
                raise RefusedImportError(f"{shown} in the model's folder would be imported instead of the "
                                         f"installed {name}, which cnncalc does not follow")
            if real in self.modules:
                return self.modules[real]  # imported before, or being imported (a cycle): as Python has it so far
            tree, _ = self.files.read(real, shown)
        except MissingModuleError:
            raise
        except RefusedImportError as refused:
            dots = "." * level
            raise self.error(s, f"cnncalc cannot read the module {dots}{(name or '')[:60]}: {refused}",
                             "keep the model's files together in its folder, or put its classes in one file") \
                from None
        module = UserModule(shown, {})
        self.modules[real] = module
        self.enter(s)  # a chain of imports nests as deep as calls do
        try:
            self.run_module(tree.body, module.names)
        finally:
            self.depth -= 1
        return module
