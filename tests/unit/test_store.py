"""The store on real SQLite files: schema, seeding, audit, unanswered log, backup."""

from __future__ import annotations

import json
import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bot.drafts import FactDraft
from bot.knowledge import Knowledge, KnowledgeError, load_knowledge
from bot.models import GLOBAL, Fact
from bot.records import fact_from_snapshot, fact_record, fact_snapshot
from bot.schema import STEPS
from bot.service import FactService
from bot.store import Store
from tests.helpers import moderator_fact

GUILD = 444444444444444444


def test_schema_is_migrated_in_wal_mode(db_path: Path) -> None:
    store = Store(db_path)
    try:
        tables = set(store.db.table_names())
        assert {"facts", "sources", "phrasings", "audit", "unanswered", "meta"} <= tables
        assert store.db.journal_mode == "wal"
        applied = [row["name"] for row in store.db.query("select name from _sqlite_migrations")]
        # Every step, in order (test_migrations keeps STEPS in line with migrations.py).
        assert applied == list(STEPS)
    finally:
        store.close()
    # Opening again applies nothing twice.
    again = Store(db_path)
    assert again.db.execute("select count(*) from _sqlite_migrations").fetchone()[0] == len(applied)
    again.close()


def test_first_use_seeds_every_curated_fact(db_path: Path, knowledge: Knowledge) -> None:
    service = FactService.open(db_path)
    try:
        stored = service.store.facts()
        assert {f.id for f in stored} == {f.id for f in knowledge.facts}
        assert all(f.origin == "curated" and f.guild_id == GLOBAL for f in stored)
        assert all(len(service.store.history(f.id)) == 1 for f in knowledge.facts)
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
        assert all(len(store.history(f.id)) == 1 for f in knowledge.facts)
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


def test_a_new_curated_fact_may_not_take_a_servers_fact_id(
    db_path: Path, knowledge_copy: Path
) -> None:
    service = FactService.open(db_path, knowledge_copy)
    own = service.add_fact(
        FactDraft(statement="A server's own fact.", source="afp", questions=("what of it",)),
        guild_id=GUILD,
        actor="discord:1",
    )
    service.close()
    # The curators rename a fact to the server's id: every server would see two of that id.
    first = load_knowledge(knowledge_copy).facts[0]
    facts_file = knowledge_copy / "facts.toml"
    text = facts_file.read_text(encoding="utf-8")
    facts_file.write_text(text.replace(f'id = "{first.id}"', f'id = "{own.id}"', 1), "utf-8")
    with pytest.raises(KnowledgeError, match=f"the id '{own.id}' already names a server's fact"):
        FactService.open(db_path, knowledge_copy)
    # Nothing of the seeding landed.
    store = Store(db_path)
    try:
        assert store.fact(first.id, GLOBAL) is not None
        assert store.fact(own.id, GUILD) == own and store.fact(own.id, GLOBAL) is None
    finally:
        store.close()


def test_unanswered_questions_are_counted_per_guild(db_path: Path) -> None:
    store = Store(db_path)
    try:
        for guild_id, question in [
            (7, "Who is the mayor?"),
            (7, "who is the MAYOR"),
            (7, "What's the weather?"),
            (8, "who is the mayor"),
        ]:
            store.commit(
                writes=[partial(store.count_unanswered, guild_id=guild_id, questions=[question])]
            )
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


# -- a fact's points: the `point` column and the audit log's snapshots -----------------


def _put(store: Store, fact: Fact, before: Fact | None = None) -> None:
    with store.transaction() as db:
        store.put_fact(db, fact, actor="test", action="edit" if before else "add", before=before)


def test_points_are_stored_in_the_point_column_joined_by_commas(db_path: Path) -> None:
    store = Store(db_path)
    try:
        _put(store, moderator_fact(("one", "two"), guild_id=GUILD))
        _put(store, moderator_fact((), "no-point", guild_id=GUILD))
        column = dict(store.db.execute("select id, point from facts").fetchall())
        assert column == {"a-fact": "one,two", "no-point": None}
    finally:
        store.close()
    again = Store(db_path)
    try:
        assert again.fact("a-fact") == moderator_fact(("one", "two"), guild_id=GUILD)
        assert again.fact("no-point") == moderator_fact((), "no-point", guild_id=GUILD)
    finally:
        again.close()


def test_an_old_row_with_one_point_string_still_loads(db_path: Path) -> None:
    # A fact row as the code before point lists wrote it: one point id in `point`.
    store = Store(db_path)
    try:
        with store.transaction() as db:
            db.table("facts").insert(
                {
                    "id": "old-fact",
                    "guild_id": GUILD,
                    "statement": "An old statement.",
                    "source_id": "afp",
                    "reported_by": "AFP",
                    "quote": None,
                    "date": "2024-11-30",
                    "topics": "[]",
                    "point": "government-losses",
                    "origin": "moderator",
                    "active": 1,
                    "curated_hash": None,
                    "created_at": "2024-12-01T00:00:00+00:00",
                    "updated_at": "2024-12-01T00:00:00+00:00",
                }
            )
            db.table("phrasings").insert(
                {
                    "guild_id": GUILD,
                    "fact_id": "old-fact",
                    "position": 0,
                    "text": "old phrasing",
                    "key": "old phrasing",
                }
            )
    finally:
        store.close()
    again = Store(db_path)
    try:
        old = again.fact("old-fact")
        assert old is not None and old.points == ("government-losses",)
        assert [f.points for f in again.facts(guild_id=GUILD)] == [("government-losses",)]
        assert fact_record(old)["point"] == "government-losses"
    finally:
        again.close()


def test_audit_snapshots_round_trip_every_shape(db_path: Path) -> None:
    one, two = (
        moderator_fact(("one",), guild_id=GUILD),
        moderator_fact(("one", "two"), guild_id=GUILD),
    )
    store = Store(db_path)
    try:
        _put(store, one)
        _put(store, two, before=one)
        added, edited = store.history("a-fact")
        assert added.after is not None and edited.before is not None and edited.after is not None
        assert edited.before["point"] == "one" and edited.after["point"] == ["one", "two"]
        assert fact_from_snapshot(added.after) == one
        assert fact_from_snapshot(edited.before) == one
        assert fact_from_snapshot(edited.after) == two
    finally:
        store.close()
    for points in [(), ("one",), ("one", "two")]:
        fact = moderator_fact(points, guild_id=GUILD)
        assert fact_from_snapshot(json.loads(json.dumps(fact_snapshot(fact)))) == fact


@pytest.mark.parametrize(
    ("snapshot_point", "points"),
    [("government-losses", ("government-losses",)), (None, ()), ("absent", ())],
)
def test_old_audit_snapshots_still_load(
    snapshot_point: str | None, points: tuple[str, ...]
) -> None:
    # The shape the audit log kept before point lists: `point` a string or null, or no
    # `point` key at all in the oldest entries.
    snapshot: dict[str, Any] = {
        "id": "old-fact",
        "statement": "An old statement.",
        "source": "afp",
        "questions": ["old phrasing"],
        "reported_by": "AFP",
        "quote": None,
        "date": "2024-11-30",
        "topics": [],
        "guild_id": GUILD,
        "origin": "moderator",
        "active": True,
    }
    if snapshot_point != "absent":
        snapshot["point"] = snapshot_point
    assert fact_from_snapshot(snapshot).points == points
