"""Whether the matcher runs compiled, and the check that it never runs stale code.

setup.py compiles the matcher's modules with mypyc where a C compiler is at hand, and
writes the digest of the sources it compiled into COMPILED beside them. Python imports an
extension module before a source of the same name, so a source edited since (in a checkout
installed with `pip install -e`) would go unused: this module, never compiled itself,
compares the digests before any other module of the matcher is imported, and has them all
imported from their sources unless the compiled ones are current.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
STAMP = "COMPILED"
# Never compiled: the package's own module, which imports this one first, and this one;
# and the snapshot's structures and their updates, which build the index rather than
# answer from it. Compiled, they made the index at 100,000 facts 44 MB larger in memory
# (331 MB against 287) and its p99 slower, to save 5% of the instructions of an answer.
NOT_COMPILED = frozenset({"__init__.py", "build.py", "structures.py", "update.py"})
# Set to 1, the matcher runs from its sources even where it was compiled.
PURE_PYTHON = "FACTBOT_PURE_PYTHON"


def compiled_sources(folder: Path = HERE) -> list[Path]:
    """The modules mypyc compiles, in a fixed order."""
    return sorted(p for p in folder.glob("*.py") if p.name not in NOT_COMPILED)


def sources_digest(sources: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def compiled_is_current(folder: Path = HERE) -> bool:
    """Whether this Python can import the compiled modules, made from these sources."""
    stamp = folder / STAMP
    sources = compiled_sources(folder)
    if not stamp.exists() or not sources:
        return False
    built = [f"{sources[0].stem}{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES]
    if not any((folder / name).exists() for name in built):
        return False  # compiled for another Python
    return stamp.read_text(encoding="ascii").strip() == sources_digest(sources)


class _FromSources(importlib.abc.MetaPathFinder):
    """Imports modules of the matcher from their sources, compiled ones present or not:
    every module (`everything`), or only those never compiled, which a module compiled
    by an earlier build could otherwise shadow."""

    def __init__(self, everything: bool) -> None:
        self.everything = everything

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, module = fullname.rpartition(".")
        if package != __package__ or not (self.everything or f"{module}.py" in NOT_COMPILED):
            return None
        source = HERE / f"{module}.py"
        return importlib.util.spec_from_file_location(fullname, source) if source.exists() else None


def use_compiled() -> bool:
    """Whether the matcher runs compiled; where it must not (stale, or PURE_PYTHON set),
    its modules are imported from their sources from now on."""
    compiled = os.environ.get(PURE_PYTHON) != "1" and compiled_is_current()
    finder = next((f for f in sys.meta_path if isinstance(f, _FromSources)), None)
    if finder is None:
        sys.meta_path.insert(0, _FromSources(everything=not compiled))
    else:
        finder.everything = not compiled
    return compiled
