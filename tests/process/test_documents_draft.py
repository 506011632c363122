"""`python -m bot documents draft`, run as a moderator runs it: its JSON Lines go through
`facts import` into a server, whose members then get answers from them."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

GUILD = "333333333333333333"
ARTICLE = "aleppo-2024-11-30"
REPORT = (
    "ALEPPO, Syria (AFP) - Forty zebras paraded through the old city of Aleppo on Sunday, "
    "the Zebra Welfare Trust said.\n"
    "The Syrian Observatory for Human Rights said the parade lasted three hours.\n"
)


class Bot:
    """`python -m bot --db <database> --guild GUILD ...` in a fresh interpreter."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "factbot.db"
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))
        }
        self.env["XDG_DATA_HOME"] = str(folder / "data")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.command(
            [sys.executable, "-m", "bot", "--db", str(self.db), "--guild", GUILD, *args]
        )

    def command(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, capture_output=True, text=True, env=self.env, cwd=self.folder, timeout=120
        )

    def ok(self, *args: str) -> subprocess.CompletedProcess[str]:
        ran = self.run(*args)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        return ran

    def ask(self, question: str) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(self.ok("ask", "--json", question).stdout)
        return answer


@pytest.fixture
def bot(tmp_path: Path) -> Bot:
    return Bot(tmp_path)


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_article_s_drafts_import_into_a_server_and_answer_its_questions(bot: Bot) -> None:
    drafts = bot.folder / "drafts.jsonl"
    ran = bot.ok("documents", "draft", ARTICLE, "-o", str(drafts))
    drafted = records(drafts)
    assert drafted and f"{len(drafted)} draft(s), 0 new source(s)" in ran.stderr
    imported = bot.ok("facts", "import", str(drafts))
    assert f"imported: {len(drafted)} added, 0 updated" in imported.stdout

    attack = next(r for r in drafted if "broad attack" in r["statement"])
    answer = bot.ask("Who launched a broad attack from multiple axes?")
    [first, *_] = answer["answers"]
    assert first["fact_id"] == attack["id"], answer
    assert first["source"] == "Syrian Army" and first["quote"] in attack["quote"]
    # Their quotes are the server's facts now: drafting again offers none of them.
    again = bot.ok("documents", "draft", ARTICLE)
    assert again.stdout == "" and "0 draft(s)" in again.stderr


def test_a_new_claimant_is_created_with_the_printed_command_then_imported(bot: Bot) -> None:
    report = bot.folder / "zebras.txt"
    report.write_text(REPORT, encoding="utf-8")
    document = bot.ok(
        "documents",
        "add",
        str(report),
        "--title",
        "Zebras",
        "--outlet",
        "AFP",
        "--date",
        "2024-12-01",
    ).stdout.strip()
    drafts = bot.folder / "drafts.jsonl"
    ran = bot.ok("documents", "draft", document, "-o", str(drafts))
    assert "Zebra Welfare Trust" in [r["source"] for r in records(drafts)]
    [line] = [line for line in ran.stderr.splitlines() if "sources add" in line]
    assert line.startswith("new source, create it first: python -m bot ")

    refused = bot.run("facts", "import", str(drafts))
    assert refused.returncode != 0 and "create it first" in refused.stderr
    assert "Traceback" not in refused.stderr

    command = shlex.split(line.split(": ", 1)[1])
    created = bot.command([sys.executable, *command[1:]])
    assert created.returncode == 0, created.stderr
    added = f"imported: {len(records(drafts))} added"
    assert added in bot.ok("facts", "import", str(drafts)).stdout
    answer = bot.ask("Did zebras parade through the old city of Aleppo?")
    assert answer["answers"][0]["source"] == "Zebra Welfare Trust", answer
