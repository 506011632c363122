"""Importing sqlite-utils without numpy and pandas.

sqlite-utils imports numpy and pandas whenever they are installed, only to map their value
types to column types. The bot never stores such values, and in an environment that has
them the two imports cost about a third of a second at every start of the CLI.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

_UNUSED_BY_THE_BOT = ("numpy", "pandas")


def import_sqlite_utils() -> None:
    """Import sqlite-utils with numpy and pandas hidden, unless something already loaded
    them; afterwards they import as usual."""
    if "sqlite_utils" in sys.modules:
        return
    modules: dict[str, Any] = sys.modules
    hidden = [name for name in _UNUSED_BY_THE_BOT if name not in modules]
    for name in hidden:
        # A None entry makes `import name` raise ImportError, which sqlite-utils expects.
        modules[name] = None
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            if modules.get(name) is None:
                del modules[name]
