"""Importing an object a project names in its settings as ``package.module:attribute``.

The project's own package need not be installed: the project root and ``root/src`` are put on
``sys.path`` first, as :mod:`mlgate.validation.schema_loading` does for a schema.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from mlgate.errors import InputError


def import_object(spec: str, root: Path | None, *, what: str, example: str) -> Any:
    """The object ``spec`` (``"package.module:attribute"``) names.

    ``what`` names the setting in messages (e.g. ``"preprocessing"``) and ``example`` shows a
    well-formed spec. Every failure (a malformed spec, a module that does not import, a
    missing attribute) is an InputError naming the spec and where it was looked up.
    """
    module_name, _, attribute = str(spec).partition(":")
    if not module_name or not attribute:
        raise InputError(
            f"{what} '{spec}': expected 'package.module:attribute'", hint=f"e.g. {example}"
        )
    base = (root or Path.cwd()).resolve()
    for folder in (base / "src", base):
        if folder.is_dir() and str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # the user's module may raise anything while importing
        raise InputError(
            f"{what} '{spec}': module '{module_name}' failed to import "
            f"({type(error).__name__}: {error})",
            hint="install the project (pip install -e .) or fix the module; "
            f"it is looked up on sys.path, {base}/src and {base}",
        ) from error
    value: Any = module
    try:
        for part in attribute.split("."):
            value = getattr(value, part)
    except AttributeError as error:
        raise InputError(
            f"{what} '{spec}': module '{module_name}' has no '{attribute}'",
            hint=f"define it in {module.__file__ or module_name} or fix the name",
        ) from error
    return value
