"""The build: pyproject.toml says what the package is; this compiles the matcher.

The matcher (bot/matcher) is typed throughout, and mypyc compiles its modules into C
extensions that answer a question in about 40% fewer instructions. Everything else stays
Python. Where no C compiler is at hand, or FACTBOT_PURE_PYTHON=1 is set, the package
installs as plain Python, which gives the same answers (bot/matcher/__init__.py).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
MATCHER = ROOT / "bot" / "matcher"


def _build_module() -> ModuleType:
    """bot/matcher/build.py, read on its own: importing the package would import the
    matcher, and what it needs is not installed yet."""
    spec = importlib.util.spec_from_file_location("_factbot_build", ROOT / "bot/matcher/build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _build_module()


class CompileIfPossible(build_ext):
    """Builds the compiled matcher whole or not at all: its modules call one another
    directly, so a part of them would be worse than none. mypyc reads the sources only
    here, when extensions are built, not each time pip asks setup.py something."""

    def finalize_options(self) -> None:
        try:
            self.distribution.ext_modules = compiled_matcher()
        except (Exception, SystemExit) as error:  # mypyc refused: say so, and go on
            _plain_python(error)
            self.distribution.ext_modules = []
        super().finalize_options()

    def run(self) -> None:
        if self._editable():
            # What an earlier build compiled in place goes first: a module no longer
            # compiled must not be shadowed by its old extension.
            (MATCHER / BUILD.STAMP).unlink(missing_ok=True)
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                for stale in [*MATCHER.glob(f"*{suffix}"), *ROOT.glob(f"*__mypyc{suffix}")]:
                    stale.unlink()
        try:
            super().run()
        except (Exception, SystemExit) as error:  # no compiler, no headers
            for output in super().get_outputs():
                Path(output).unlink(missing_ok=True)
            _plain_python(error)
            return
        if self.extensions:
            sources = BUILD.compiled_sources(MATCHER)
            (self._matcher_dir() / BUILD.STAMP).write_text(
                BUILD.sources_digest(sources) + "\n", encoding="ascii"
            )

    def get_outputs(self) -> list[str]:
        outputs = super().get_outputs()
        if self.extensions:
            outputs.append(str(self._matcher_dir() / BUILD.STAMP))
        return outputs

    def _editable(self) -> bool:
        return bool(self.inplace or getattr(self, "editable_mode", False))

    def _matcher_dir(self) -> Path:
        return MATCHER if self._editable() else Path(self.build_lib) / "bot" / "matcher"


def _plain_python(error: BaseException) -> None:
    print(f"factbot: the matcher is not compiled ({error}); it runs as Python", file=sys.stderr)


def compiled_matcher() -> list[Extension]:
    if os.environ.get(BUILD.PURE_PYTHON) == "1":
        return []
    from mypyc.build import mypycify

    sources = BUILD.compiled_sources(MATCHER)
    paths = [str(p.relative_to(ROOT)) for p in sources]
    # -O1: a third less compile time than -O3, for 1.4% more instructions a question.
    return list(mypycify(paths, opt_level="1", group_name="bot_matcher"))


# A stand-in, so that setuptools runs build_ext (which puts the real ones in its place)
# and tags the wheel for this platform.
setup(
    ext_modules=[Extension("bot.matcher._placeholder", sources=[])],
    cmdclass={"build_ext": CompileIfPossible},
)
