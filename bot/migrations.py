"""The database's schema, as the steps that built it: a database of any age is brought
up to date by applying the steps it has not had yet."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.text import fold

migrations = Migrations("factbot")


@migrations()
def m001_initial(db: Database) -> None:
    _create_sources(db)
    _create_facts(db)
    db.table("phrasings").create(
        {"fact_id": str, "position": int, "text": str},
        pk=("fact_id", "position"),
        foreign_keys=[("fact_id", "facts", "id")],
    )
    _create_audit(db)
    db.table("unanswered").create(
        {
            "guild_id": int,
            "key": str,
            "question": str,
            "count": int,
            "first_at": str,
            "last_at": str,
        },
        pk=("guild_id", "key"),
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")


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


def _create_sources(db: Database) -> None:
    db.table("sources").create(
        {
            "guild_id": int,
            "id": str,
            "name": str,
            "aliases": str,
            "description": str,
            "part_of": str,
            "origin": str,
        },
        pk=("guild_id", "id"),
        not_null={"name", "origin"},
    )


def _create_facts(db: Database) -> None:
    db.table("facts").create(
        {
            "id": str,
            "guild_id": int,
            "statement": str,
            "source_id": str,
            "reported_by": str,
            "quote": str,
            "date": str,
            "topics": str,
            "point": str,
            "origin": str,
            "active": int,
            "curated_hash": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"guild_id", "statement", "source_id", "origin", "active"},
    )
    db.table("facts").create_index(["guild_id", "active"])


def _create_audit(db: Database) -> None:
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "guild_id": int,
            "action": str,
            "fact_id": str,
            "before": str,
            "after": str,
        },
        pk="id",
    )
    db.table("audit").create_index(["fact_id"])
