"""One server's export, written by the real `python -m bot --guild A facts export`, imports
into another server of the same database (ids are each server's own), and back into its
own server unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from bot.drafts import FactDraft
from bot.service import FactService
from tests.helpers import bot_process

ONE = 111111111111111111
TWO = 222222222222222222
MOD = "discord:1"


def run(db: Path, guild: int, *args: str) -> str:
    return bot_process(db, "--guild", str(guild), *args).stdout


def server_one(db: Path) -> list[str]:
    """Server ONE's facts: one citing its own source, one a curated source; the ids."""
    service = FactService.open(db)
    try:
        service.add_source("Local Monitor", guild_id=ONE, aliases=["the monitor"])
        # The other server has a source of that name too: the same id, its own.
        service.add_source("Local Monitor", guild_id=TWO)
        facts = [
            service.add_fact(
                FactDraft(
                    statement="The local monitor said the bakery on the square reopened.",
                    source="the monitor",
                    questions=("is the bakery on the square open again",),
                ),
                guild_id=ONE,
                actor=MOD,
            ),
            service.add_fact(
                FactDraft(
                    statement="AFP reported that the river bridge was closed.",
                    source="afp",
                    questions=("is the river bridge closed",),
                ),
                guild_id=ONE,
                actor=MOD,
            ),
        ]
        return [fact.id for fact in facts]
    finally:
        service.close()


def test_an_export_imports_into_another_server_and_back_into_its_own(
    db_path: Path, tmp_path: Path
) -> None:
    ids = server_one(db_path)
    export = tmp_path / "one.jsonl"
    run(db_path, ONE, "facts", "export", "-o", str(export))
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    # The server's own source by its name, which the importing server resolves.
    assert [(line["id"], line["source"]) for line in lines] == [
        (ids[0], "Local Monitor"),
        (ids[1], "afp"),
    ]

    imported = run(db_path, TWO, "facts", "import", str(export))
    assert imported.startswith("imported: 2 added, 0 updated, 0 unchanged")
    # The same facts, under the same ids, now the other server's own.
    assert run(db_path, TWO, "facts", "export") == export.read_text()
    # The round trip in the first server changes nothing.
    again = run(db_path, ONE, "facts", "import", str(export))
    assert again.startswith("imported: 0 added, 0 updated, 2 unchanged")

    service = FactService.open(db_path)
    try:
        for guild in (ONE, TWO):
            facts = [f for f in service.list_facts(guild) if f.guild_id]
            assert [(f.id, f.guild_id) for f in facts] == [(i, guild) for i in ids]
            assert facts[0].source == "local-monitor"
            answer = service.ask("is the bakery on the square open again", guild, log=False)
            assert [a.fact_id for a in answer.answers] == [ids[0]]
            assert answer.answers[0].citation.source == "Local Monitor"
        # Each server's history holds its own entries only.
        assert [e.action for e in service.history(ids[0], ONE)] == ["add"]
        assert [e.action for e in service.history(ids[0], TWO)] == ["import-add"]
    finally:
        service.close()
