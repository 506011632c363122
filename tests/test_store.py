"""The store on real SQLite files: schema, seeding, audit, unanswered log, backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.knowledge import Knowledge, load_knowledge
from bot.models import GLOBAL
from bot.service import FactDraft, FactService
from bot.store import Store


def test_schema_is_migrated_in_wal_mode(db_path: Path) -> None:
    store = Store(db_path)
    try:
        tables = set(store.db.table_names())
        assert {"facts", "sources", "phrasings", "audit", "unanswered", "meta"} <= tables
        assert store.db.journal_mode == "wal"
        applied = [row["name"] for row in store.db.query("select name from _sqlite_migrations")]
        assert applied == ["m001_initial", "m002_phrasing_keys", "m003_documents"]
    finally:
        store.close()
    # Opening again applies nothing twice.
    again = Store(db_path)
    assert again.db.execute("select count(*) from _sqlite_migrations").fetchone()[0] == 3
    again.close()


def test_first_use_seeds_every_curated_fact(db_path: Path, knowledge: Knowledge) -> None:
    service = FactService.open(db_path)
    try:
        stored = service.store.facts()
        assert {f.id for f in stored} == {f.id for f in knowledge.facts}
        assert all(f.origin == "curated" and f.guild_id == GLOBAL for f in stored)
        assert service.store.audit_count() == len(knowledge.facts)
        first = knowledge.facts[0]
        assert service.store.fact(first.id) == first
    finally:
        service.close()


def test_reseeding_unchanged_files_does_nothing(db_path: Path, knowledge: Knowledge) -> None:
    FactService.open(db_path).close()
    store = Store(db_path)
    try:
        assert store.seed(knowledge).skipped
        report = store.seed(knowledge, force=True)
        assert (report.added, report.updated, report.unchanged) == (0, 0, len(knowledge.facts))
        assert store.audit_count() == len(knowledge.facts)
    finally:
        store.close()


def test_reseeding_changed_files_updates_curated_and_keeps_moderator_facts(
    db_path: Path, knowledge_copy: Path
) -> None:
    service = FactService.open(db_path, knowledge_copy)
    added = service.add_fact(
        FactDraft(
            statement="A moderator's own fact about the local situation.",
            source="afp",
            questions=("what does the moderator say about the local situation",),
        ),
        guild_id=42,
        actor="discord:1",
    )
    service.close()

    original = load_knowledge(knowledge_copy)
    first, second = original.facts[0], original.facts[1]
    facts_file = knowledge_copy / "facts.toml"
    text = facts_file.read_text(encoding="utf-8")
    text = text.replace(first.statement, first.statement + " (Updated.)", 1)
    # Drop the second fact entirely: it must be retired, not deleted.
    start = text.index(f'id = "{second.id}"')
    table_start = text.rindex("[[fact]]", 0, start)
    table_end = text.find("[[fact]]", start)
    text = text[:table_start] + (text[table_end:] if table_end != -1 else "")
    facts_file.write_text(text, encoding="utf-8")

    reopened = FactService.open(db_path, knowledge_copy)
    try:
        updated = reopened.store.fact(first.id)
        assert updated is not None and updated.statement.endswith("(Updated.)")
        retired = reopened.store.fact(second.id)
        assert retired is not None and not retired.active
        assert reopened.store.fact(added.id) == added
        actions = [entry.action for entry in reopened.store.history(first.id)]
        assert actions == ["seed-add", "seed-update"]
        assert [e.action for e in reopened.store.history(second.id)] == ["seed-add", "seed-retire"]
    finally:
        reopened.close()


def test_unanswered_questions_are_counted_per_guild(db_path: Path) -> None:
    store = Store(db_path)
    try:
        for question in ("Who is the mayor?", "who is the MAYOR", "What's the weather?"):
            store.log_unanswered(7, question)
        store.log_unanswered(8, "who is the mayor")
        rows = store.unanswered(7)
        assert [(r.question, r.count) for r in rows] == [
            ("who is the MAYOR", 2),
            ("What's the weather?", 1),
        ]
        assert [r.count for r in store.unanswered(8)] == [1]
    finally:
        store.close()


def test_backup_is_a_consistent_copy(service: FactService, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    service.backup(target)
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("pragma integrity_check").fetchone()[0] == "ok"
        count = copy.execute("select count(*) from facts").fetchone()[0]
        assert count == len(service.store.facts())
    finally:
        copy.close()


def test_changes_from_another_connection_are_noticed(db_path: Path) -> None:
    bot_side = FactService.open(db_path)
    shell_side = FactService.open(db_path)
    try:
        fact = shell_side.add_fact(
            FactDraft(
                statement="Shell-added fact about the water supply in the eastern quarter.",
                source="afp",
                questions=("is there water in the eastern quarter",),
            ),
            actor="cli:test",
        )
        result = bot_side.ask("is there water in the eastern quarter")
        assert result.answered and result.answers[0].fact_id == fact.id
    finally:
        bot_side.close()
        shell_side.close()
