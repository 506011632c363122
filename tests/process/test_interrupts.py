"""Ctrl-C at any moment of `python -m bot`'s start: one line and exit code 1, as click
says it once a command runs, never a traceback, and nothing written half.

The interrupt is sent at a known moment, not after a guessed delay: `-X importtime`
reports every import as it finishes, so the test waits for the first of the bot's own
modules and interrupts while the rest of them load."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

# Among the first of the bot's own modules bot.cli imports, before the commands' modules,
# the service and the store.
FIRST_MODULE = "bot.models"


def interrupted_while_loading(db_path: Path, *args: str) -> tuple[int, str]:
    """The exit code and the output (import timings left out) of `python -m bot ARGS`
    interrupted while its modules load."""
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "bot", "--db", str(db_path), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.rstrip().endswith(FIRST_MODULE):
            process.send_signal(signal.SIGINT)
            break
    else:
        pytest.fail(f"{FIRST_MODULE} was never imported")
    stdout, stderr = process.communicate(timeout=60)
    said = [line for line in (stdout + stderr).splitlines() if not line.startswith("import time:")]
    return process.returncode, "\n".join(said).strip()


@pytest.mark.parametrize("command", [("chat",), ("seed",)])
def test_ctrl_c_while_the_modules_load_is_one_line(db_path: Path, command: tuple[str]) -> None:
    code, said = interrupted_while_loading(db_path, *command)
    assert "Traceback" not in said, said
    assert said == "Aborted."
    assert code == 1
    assert not db_path.exists()  # interrupted before it was opened: nothing half made
