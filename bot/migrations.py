"""The database's schema, as the steps that built it: a database of any age is brought
up to date by applying the steps it has not had yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.lean_imports import import_sqlite_utils
from bot.schema import MIGRATION_SET
from bot.signed_pickle import SIGNING_KEY, new_signing_key
from bot.text import fold

import_sqlite_utils()

from sqlite_utils.migrations import Migrations  # noqa: E402  (after the lean import above)

if TYPE_CHECKING:
    from sqlite_utils import Database

# A new step is also named in schema.py's STEPS.
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    db.table("sources").create(
        _columns("guild_id:int id name aliases description part_of origin"),
        pk=("guild_id", "id"),
        not_null={"name", "origin"},
    )
    db.table("facts").create(
        _columns(
            "id guild_id:int statement source_id reported_by quote date topics point origin"
            " active:int curated_hash created_at updated_at"
        ),
        pk="id",
        not_null={"guild_id", "statement", "source_id", "origin", "active"},
    )
    db.table("facts").create_index(["guild_id", "active"])
    db.table("phrasings").create(
        _columns("fact_id position:int text"),
        pk=("fact_id", "position"),
        foreign_keys=[("fact_id", "facts", "id")],
    )
    db.table("audit").create(
        _columns("id:int at actor guild_id:int action fact_id before after"), pk="id"
    )
    db.table("audit").create_index(["fact_id"])
    db.table("unanswered").create(
        _columns("guild_id:int key question count:int first_at last_at"), pk=("guild_id", "key")
    )
    db.table("meta").create(_columns("key value"), pk="key")


@migrations()
def m002_phrasing_keys(db: Database) -> None:
    # The folded form of each phrasing, indexed, so a clash check asks SQLite for the
    # few phrasings in question instead of loading every fact.
    db.table("phrasings").add_column("key", str)
    for row in list(db.query("select fact_id, position, text from phrasings")):
        db.execute(
            "update phrasings set key = ? where fact_id = ? and position = ?",
            [fold(row["text"]), row["fact_id"], row["position"]],
        )
    db.table("phrasings").create_index(["key"])


@migrations()
def m003_documents(db: Database) -> None:
    db.table("documents").create(
        {
            "id": str,
            "guild_id": int,
            "title": str,
            # The folded title: two titles that read the same clash in one server.
            "title_key": str,
            "outlet": str,
            "date": str,
            "url": str,
            "text": str,
            "characters": int,
            "origin": str,
            "added_by": str,
            "added_at": str,
        },
        pk="id",
        not_null={"guild_id", "title", "title_key", "outlet", "date", "text", "origin"},
    )
    db.table("documents").create_index(["guild_id", "title_key"])
    # Apart from `audit`, whose entries are fact changes the answer index follows.
    db.table("document_audit").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "guild_id": int,
            "action": str,
            "document_id": str,
            "record": str,
        },
        pk="id",
    )
    db.table("document_audit").create_index(["document_id"])


@migrations()
def m004_fact_documents(db: Database) -> None:
    # The document a fact's quote was checked against; none for facts written before.
    db.table("facts").add_column("document", str)


@migrations()
def m005_draft_reviews(db: Database) -> None:
    # What moderators decided about drafted facts, so a rejected draft stays gone for
    # its server; an accepted one names the fact (and any source) it became.
    db.table("draft_reviews").create(
        _columns(
            "guild_id:int document_id quote_key quote decision fact_id created_source actor at"
        ),
        pk=("guild_id", "document_id", "quote_key"),
        not_null={"decision", "quote", "actor", "at"},
    )


@migrations()
def m006_fact_ids_per_guild(db: Database) -> None:
    # A fact id is unique within its guild scope, not across every server: two servers may
    # each have a fact of one id, and neither learns of the other's. The phrasings name their
    # fact by (guild, id) too; the audit log has both columns already.
    facts = _columns(
        "id guild_id:int statement source_id reported_by quote date topics point origin"
        " active:int curated_hash created_at updated_at document"
    )
    db.table("facts_by_guild").create(
        facts,
        pk=("guild_id", "id"),
        not_null={"guild_id", "statement", "source_id", "origin", "active"},
    )
    names = ", ".join(facts)
    # In rowid order: facts are listed in the order they were added.
    db.execute(f"insert into facts_by_guild ({names}) select {names} from facts order by rowid")
    db.execute(
        "create temporary table phrasings_by_guild as select f.guild_id, p.fact_id,"
        " p.position, p.text, p.key from phrasings p join facts f on f.id = p.fact_id"
        " order by p.rowid"
    )
    db.execute("drop table phrasings")
    db.execute("drop table facts")
    db.execute("alter table facts_by_guild rename to facts")
    db.table("facts").create_index(["guild_id", "active"])
    db.execute(
        """
        create table phrasings (
            fact_id text not null,
            position integer not null,
            text text,
            key text,
            guild_id integer not null,
            primary key (guild_id, fact_id, position),
            foreign key (guild_id, fact_id) references facts (guild_id, id)
        )
        """
    )
    db.execute(
        "insert into phrasings (fact_id, position, text, key, guild_id)"
        " select fact_id, position, text, key, guild_id from temp.phrasings_by_guild"
    )
    db.execute("drop table temp.phrasings_by_guild")
    db.table("phrasings").create_index(["key"])
    db.execute("drop index if exists idx_audit_fact_id")
    db.table("audit").create_index(["guild_id", "fact_id"])


@migrations()
def m007_document_ids_per_guild(db: Database) -> None:
    # Document ids, likewise, are unique within a guild scope: a server's new document is
    # named after its title whatever other servers have. A fact cites a document by id, its
    # server's own or a curated one (which no server's id shadows).
    db.table("documents").transform(pk=("guild_id", "id"))
    db.execute("drop index if exists idx_document_audit_document_id")
    db.table("document_audit").create_index(["guild_id", "document_id"])


@migrations()
def m008_signing_key(db: Database) -> None:
    # The key the files kept beside the database are signed with (signed_pickle.py), made
    # with the database: a start that keeps such a file then writes nothing to the database.
    db.execute(
        "insert or ignore into meta (key, value) values (?, ?)", [SIGNING_KEY, new_signing_key()]
    )


def _columns(spec: str) -> dict[str, type]:
    """A table's columns in order, from words "name" (text) and "name:int"."""
    columns: dict[str, type] = {}
    for word in spec.split():
        name, _, kind = word.partition(":")
        columns[name] = int if kind == "int" else str
    return columns
