"""The compiled matcher (setup.py, bot/matcher/build.py): used where it was built from the
sources beside it, never when a source changed since, and giving the same answers as the
sources run as Python."""

from __future__ import annotations

import importlib.machinery
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bot.matcher
from bot.matcher import build, score
from bot.matcher.build import STAMP, compiled_is_current, compiled_sources, sources_digest
from tests.helpers import REPO, VALIDATION_QUESTIONS, questions_in

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
compiled_here = pytest.mark.skipif(
    not bot.matcher.COMPILED, reason="the matcher runs as Python here (no compiler at install)"
)


def test_the_suite_runs_on_the_compiled_matcher_where_it_can() -> None:
    """Installed with a C compiler at hand (as .ci/run installs), the matcher runs compiled;
    a failed compile would otherwise pass unseen, every test running the Python sources."""
    if os.environ.get(build.PURE_PYTHON) == "1" or not shutil.which("cc"):
        pytest.skip("the matcher is not meant to be compiled here")
    assert bot.matcher.COMPILED, (
        "the matcher runs from its sources: a source changed since it was compiled, or the "
        "compile failed; `pip install -e .` compiles it again (and says why it could not)"
    )
    assert score.__file__ is not None and score.__file__.endswith(SUFFIX)


def test_compiled_is_current_only_for_the_sources_it_was_built_from(tmp_path: Path) -> None:
    for source in compiled_sources():
        shutil.copy(source, tmp_path)
    sources = compiled_sources(tmp_path)
    assert not compiled_is_current(tmp_path)  # never compiled
    (tmp_path / STAMP).write_text(sources_digest(sources) + "\n", encoding="ascii")
    assert not compiled_is_current(tmp_path)  # stamped, but no module for this Python
    (tmp_path / f"{sources[0].stem}{SUFFIX}").write_bytes(b"")
    assert compiled_is_current(tmp_path)
    with sources[-1].open("a", encoding="utf-8") as edited:
        edited.write("\n# edited\n")
    assert not compiled_is_current(tmp_path)


@compiled_here
def test_a_source_edited_since_the_compile_is_what_runs(tmp_path: Path) -> None:
    copy = _installed_copy(tmp_path)
    assert _imported(copy) == "True compiled no-edit"
    with (copy / "bot" / "matcher" / "policy.py").open("a", encoding="utf-8") as policy:
        policy.write("\nEDITED = 'edit'\n")
    # Every module then comes from its source, not only the edited one: compiled modules
    # call one another directly, past the import system.
    assert _imported(copy) == "False source edit"


@compiled_here
def test_a_module_never_compiled_is_never_shadowed(tmp_path: Path) -> None:
    """An extension left by an earlier build beside a module no longer compiled (here, a
    file that would not even load) is passed over for the module's source."""
    copy = _installed_copy(tmp_path)
    (copy / "bot" / "matcher" / f"structures{SUFFIX}").write_bytes(b"not a module")
    code = "import bot.matcher.structures as s; print(s.__file__.endswith('.py'))"
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy)},
        timeout=60,
        check=True,
    )
    assert completed.stdout.strip() == "True"


@compiled_here
def test_compiled_and_python_give_the_same_answers(tmp_path: Path) -> None:
    questions = "\n".join(questions_in(VALIDATION_QUESTIONS)) + "\n"
    outputs = []
    for pure in ("0", "1"):
        database = str(tmp_path / f"{pure}.db")
        completed = subprocess.run(
            [sys.executable, "-m", "bot", "--db", database, "ask", "--json", "--jobs", "1", "-"],
            input=questions.encode(),
            capture_output=True,
            cwd=REPO,
            env={**os.environ, build.PURE_PYTHON: pure},
            timeout=300,
            check=True,
        )
        outputs.append(completed.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == questions.count("\n")


def _installed_copy(tmp_path: Path) -> Path:
    """The bot package with its compiled modules, as an install would place them."""
    shutil.copytree(REPO / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    for group in REPO.glob(f"*__mypyc{SUFFIX}"):  # what the compiled modules share
        shutil.copy(group, tmp_path)
    return tmp_path


def _imported(where: Path) -> str:
    """Whether the copy's matcher runs compiled, where its policy module came from, and
    whether that module has the edit."""
    code = (
        "import bot.matcher, bot.matcher.policy as p; "
        "print(bot.matcher.COMPILED, 'source' if p.__file__.endswith('.py') else 'compiled', "
        "getattr(p, 'EDITED', 'no-edit'))"
    )
    env = {k: v for k, v in os.environ.items() if k != build.PURE_PYTHON}
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=where,
        env={**env, "PYTHONPATH": str(where)},
        timeout=60,
        check=True,
    )
    return completed.stdout.strip()
