"""`python -m bot` as it is installed and started from a shell: what it imports, and what a
wheel install carries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO


def test_asking_from_the_shell_loads_neither_discord_nor_the_drafter(db_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "--db", str(db_path), "ask", "airport"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines()}
    assert "bot.matcher" in imported
    assert not any(name == "discord" or name.startswith("discord.") for name in imported)
    # The drafter serves `documents draft` and /fact drafts; a question does without it.
    assert not any(name.startswith("bot.drafting") for name in imported)


def test_an_answer_from_a_database_made_before_loads_no_sqlite_utils(db_path: Path) -> None:
    # The first start makes and seeds the database, through sqlite-utils; an answer after
    # only reads, from the store's own connection, and a question it cannot answer is
    # written down on that connection too.
    ask = [sys.executable, "-X", "importtime", "-m", "bot", "--db", str(db_path), "ask"]
    subprocess.run([*ask, "airport"], capture_output=True, check=True)
    # The second start reads the knowledge and the index kept beside it.
    for question in ("airport", "airport", "what is the weather in paris"):
        completed = subprocess.run([*ask, question], capture_output=True, text=True, check=True)
        imported = {line.split("|")[-1].strip() for line in completed.stderr.splitlines()}
        assert ("Source:" in completed.stdout) == (question == "airport")
        assert "bot.store" in imported
        assert not any(name.split(".")[0] in ("sqlite_utils", "dateutil") for name in imported)
    listed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db_path), "unanswered"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "what is the weather in paris" in listed.stdout


def test_asking_loads_no_numpy_or_sqlite_utils_plugins_where_they_are_installed(
    db_path: Path, tmp_path: Path
) -> None:
    # Stand-ins for numpy and pandas as an environment may have them installed.
    for name in ("numpy", "pandas"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
    program = (
        "import sys, runpy\n"
        # Listing the unanswered questions reads through sqlite-utils: it is loaded for it.
        f"sys.argv = ['bot', '--db', {str(db_path)!r}, 'unanswered']\n"
        "try:\n"
        "    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'sqlite_utils' in sys.modules\n"
        "import sqlite_utils.plugins\n"
        "print(sorted(n for n in ('numpy', 'pandas') if n in sys.modules))\n"
        "print(sqlite_utils.plugins._plugins_loaded)\n"
        "import numpy\n"  # hidden only while sqlite-utils was imported
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"},
    )
    assert completed.stdout.splitlines()[-2:] == ["[]", "False"], completed.stdout


def test_asking_leaves_dateutil_unloaded_and_sqlite_utils_dates_still_parse(
    db_path: Path,
) -> None:
    # sqlite-utils imports dateutil's parser for its date recipes; the bot leaves it to
    # load on first use, and a use still gets the real parser.
    program = (
        "import sys, runpy\n"
        f"sys.argv = ['bot', '--db', {str(db_path)!r}, 'ask', 'airport']\n"
        "try:\n"
        "    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('dateutil.parser._parser' in sys.modules)\n"
        "from sqlite_utils import recipes\n"
        "print(recipes.parsedate('30 November 2024'), recipes.parsedatetime('2024-11-30 10:05'))\n"
        "print('dateutil.parser._parser' in sys.modules)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=REPO
    )
    lines = completed.stdout.splitlines()
    assert "Aleppo" in completed.stdout, completed.stdout
    assert lines[-3:] == ["False", "2024-11-30 2024-11-30T10:05:00", "True"], completed.stdout


def test_a_wheel_install_carries_the_knowledge(tmp_path: Path) -> None:
    """Outside the checkout (Docker, pip install .) the knowledge comes from the wheel."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        # Not compiled: what this checks is the wheel's files, and the compile (setup.py)
        # costs a minute and more; the suite runs on the compiled matcher already.
        env={**os.environ, "FACTBOT_PURE_PYTHON": "1"},
    )
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(tmp_path / "w.db"), "check"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert "knowledge_data" not in completed.stderr and completed.stdout.startswith("check: ok")
