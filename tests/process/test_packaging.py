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


def test_asking_loads_no_numpy_or_sqlite_utils_plugins_where_they_are_installed(
    db_path: Path, tmp_path: Path
) -> None:
    # Stand-ins for numpy and pandas as an environment may have them installed.
    for name in ("numpy", "pandas"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
    program = (
        "import sys, runpy\n"
        f"sys.argv = ['bot', '--db', {str(db_path)!r}, 'ask', 'airport']\n"
        "try:\n"
        "    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
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
