"""m006 and m007 on a database the previous schema made: facts, phrasings, audit,
documents, document links and draft reviews come through whole, facts and documents keyed
by (server, id) after them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database

from bot.documents.library import DocumentDraft, Documents
from bot.drafts import FactDraft
from bot.feed import FeedMark
from bot.migrations import migrations
from bot.models import GLOBAL, Fact, FactKey
from bot.records import fact_row, fact_snapshot
from bot.schema import STEPS, is_current
from bot.service import FactService
from bot.store import Store
from tests.helpers import integrity

ONE = 111111111111111111
TWO = 222222222222222222
STAMP = "2024-12-01T00:00:00+00:00"


def old_fact(fact_id: str, guild_id: int, statement: str, document: str | None = None) -> Fact:
    return Fact(
        fact_id,
        statement,
        "afp",
        (f"what about {fact_id}", f"tell me of {fact_id}"),
        reported_by="AFP",
        date="2024-11-30",
        topics=("territory",),
        points=("a-point",),
        guild_id=guild_id,
        origin="moderator",
        document=document,
    )


def build_old_database(path: Path) -> list[Fact]:
    """A database as the schema before m006 made it, with rows the code then wrote."""
    db = Database(path)
    migrations.apply(db, stop_before="m006_fact_ids_per_guild")
    assert "m006_fact_ids_per_guild" not in {m.name for m in migrations.applied(db)}
    db.table("documents").insert(
        {
            "id": "bridge-report",
            "guild_id": ONE,
            "title": "Bridge report",
            "title_key": "bridge report",
            "outlet": "Reuters",
            "date": "2024-12-02",
            "url": None,
            "text": "The bridge reopened on Monday.",
            "characters": 30,
            "origin": "moderator",
            "added_by": "t",
            "added_at": STAMP,
        }
    )
    facts = [
        old_fact("bridge-reopened", ONE, "The bridge reopened.", document="bridge-report"),
        old_fact("market-closed", ONE, "The market closed."),
        # Ids were unique across servers: the second server's fact got "-2".
        old_fact("market-closed-2", TWO, "The market closed, elsewhere."),
    ]
    for number, fact in enumerate(facts, start=1):
        db.table("facts").insert(
            {**fact_row(fact), "curated_hash": None, "created_at": STAMP, "updated_at": STAMP}
        )
        for position, text in enumerate(fact.questions):
            db.table("phrasings").insert(
                {"fact_id": fact.id, "position": position, "text": text, "key": text}
            )
        db.table("audit").insert(
            {
                "id": number,
                "at": STAMP,
                "actor": "discord:1",
                "guild_id": fact.guild_id,
                "action": "add",
                "fact_id": fact.id,
                "before": None,
                "after": json.dumps(fact_snapshot(fact)),
            }
        )
    db.table("draft_reviews").insert(
        {
            "guild_id": ONE,
            "document_id": "bridge-report",
            "quote_key": "the bridge reopened",
            "quote": "The bridge reopened",
            "decision": "accepted",
            "fact_id": "bridge-reopened",
            "created_source": None,
            "actor": "t",
            "at": STAMP,
        }
    )
    db.close()
    return facts


def test_an_old_database_moves_to_ids_per_server_with_nothing_lost(db_path: Path) -> None:
    facts = build_old_database(db_path)
    store = Store(db_path)  # migrates
    try:
        assert [m.name for m in migrations.applied(store.db)][-3:] == [
            "m006_fact_ids_per_guild",
            "m007_document_ids_per_guild",
            "m008_signing_key",
        ]
        assert store.db.table("facts").pks == ["guild_id", "id"]
        assert store.db.table("phrasings").pks == ["guild_id", "fact_id", "position"]
        assert store.db.table("documents").pks == ["guild_id", "id"]
        # Every fact, with its phrasings in order and its document, in the order added.
        assert store.facts() == facts
        assert [store.fact(f.id, f.guild_id) for f in facts] == facts
        assert [len(store.history(f.id, f.guild_id)) for f in facts] == [1, 1, 1]
        linked = store.db.execute(
            "select f.id, d.title from facts f"
            " join documents d on d.guild_id = f.guild_id and d.id = f.document"
        ).fetchall()
        assert linked == [("bridge-reopened", "Bridge report")]
        reviewed = store.db.execute("select fact_id from draft_reviews").fetchall()
        assert reviewed == [("bridge-reopened",)]
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert integrity(store) == "ok"
        # The change feed names each fact by server and id.
        batch = store.feed.changes_since(FeedMark(0, ""), 10)
        assert batch is not None and list(batch.facts) == [f.key for f in facts]
    finally:
        store.close()


def test_a_migrated_database_takes_a_second_servers_fact_of_the_same_id(db_path: Path) -> None:
    build_old_database(db_path)
    service = FactService.open(db_path)
    try:
        theirs = service.add_fact(
            FactDraft(
                statement="The market closed.",
                source="afp",
                questions=("what about market closed",),  # ONE's phrasing: free for TWO
            ),
            guild_id=TWO,
            actor="discord:2",
        )
        assert theirs.key == FactKey(TWO, "market-closed")
        ours = service.get_fact("market-closed", ONE)
        assert ours.guild_id == ONE and ours.statement == "The market closed."
        assert service.history("market-closed", ONE)[0].actor == "discord:1"
        assert service.history("market-closed", TWO)[0].actor == "discord:2"
        assert service.answer_fact("market-closed", TWO).answers[0].fact_id == "market-closed"
        # The document's id, too, is free for another server, and cited there as its own.
        their_document = Documents(service.store).add(
            DocumentDraft(
                title="Bridge report", outlet="AFP", date="2024-12-03", text="Closed again."
            ),
            guild_id=TWO,
            actor="discord:2",
        )
        assert their_document.id == "bridge-report"
        cited = service.cited_document(service.get_fact("bridge-reopened", ONE), ONE)
        assert cited is not None and cited.outlet == "Reuters"
        # The curated facts were seeded beside them, in the scope every server sees.
        assert all(f.guild_id == GLOBAL for f in service.store.facts(guild_id=GLOBAL))
    finally:
        service.close()


def test_the_schema_names_every_step_and_tells_a_current_database(db_path: Path) -> None:
    assert [m.name for m in migrations.pending(Database(memory=True))] == list(STEPS)
    db = Database(db_path)
    assert not is_current(db.conn)  # a new file: no record of any step
    migrations.apply(db, stop_before=STEPS[-1])
    assert not is_current(db.conn)
    migrations.apply(db)
    assert is_current(db.conn)
    db.close()
