"""Importing sqlite-utils without what the bot never uses of it.

sqlite-utils imports numpy and pandas whenever they are installed, only to map their value
types to column types. The bot never stores such values, and in an environment that has
them the two imports cost about a third of a second at every start of the CLI.

It also imports dateutil's parser (and with it dateutil's time zones, ctypes and
more: about 30 ms) for its date-parsing recipes, which the bot never calls. That module
is made lazy while sqlite-utils loads: it is executed when first used, by whoever uses it,
so nothing breaks if a later sqlite-utils uses it at import time; that start is only slower.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

_UNUSED_BY_THE_BOT = ("numpy", "pandas")
# Imported by sqlite-utils for what the bot does not use; loaded on first use instead.
_LOADED_ON_USE = ("dateutil.parser",)


def import_sqlite_utils() -> None:
    """Import sqlite-utils with numpy and pandas hidden, unless something already loaded
    them, and dateutil's parser lazy; afterwards they all import as usual."""
    if "sqlite_utils" in sys.modules:
        return
    modules: dict[str, Any] = sys.modules
    hidden = [name for name in _UNUSED_BY_THE_BOT if name not in modules]
    for name in hidden:
        # A None entry makes `import name` raise ImportError, which sqlite-utils expects.
        modules[name] = None
    try:
        for name in _LOADED_ON_USE:
            _load_on_use(name)
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            if modules.get(name) is None:
                del modules[name]


def _load_on_use(name: str) -> None:
    """Put module `name` in sys.modules unexecuted: it runs at its first attribute access
    (importlib.util.LazyLoader). Not if it is loaded already or is not installed."""
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:  # its package is missing
        return
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        # As the import system does: the package names its submodule.
        setattr(sys.modules[parent], child, module)
