"""The one mapping between a Fact and the records it is kept and exchanged as.

Three shapes: the record of the knowledge files and of export (fields a curator writes),
the audit log's snapshot (that record and the fields the bot keeps about the fact), and
the row of the `facts` table (the phrasings are rows of their own).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from bot.models import GLOBAL, Fact, Origin
from bot.text import fold


def fact_record(fact: Fact) -> dict[str, Any]:
    """The fields of the knowledge files, as export writes them.

    `point` is written as facts.toml spells it: null for none, a string for one (as every
    export did before facts could have several), a list for two or more.
    """
    point: str | list[str] | None = None
    if len(fact.points) == 1:
        point = fact.points[0]
    elif fact.points:
        point = list(fact.points)
    return {
        "id": fact.id,
        "statement": fact.statement,
        "source": fact.source,
        "questions": list(fact.questions),
        "reported_by": fact.reported_by,
        "quote": fact.quote,
        "date": fact.date,
        "topics": list(fact.topics),
        "point": point,
        "document": fact.document,
    }


def fact_from_record(
    record: Mapping[str, Any],
    *,
    default_reported_by: str | None,
    default_document: str | None = None,
    guild_id: int = GLOBAL,
    origin: Origin = "curated",
) -> Fact:
    """Build a Fact from a record that `validate_fact_record` accepted; a record without
    a `document` field cites `default_document` (curated facts: the article), one with
    an empty document cites none."""
    document = record.get("document", default_document)
    return Fact(
        id=record["id"],
        statement=record["statement"].strip(),
        source=record["source"].strip(),
        reported_by=(record.get("reported_by") or default_reported_by or None),
        quote=(record.get("quote") or "").strip() or None,
        date=date_text(record.get("date")),
        topics=tuple(record.get("topics", ())),
        points=record_points(record.get("point")),
        questions=tuple(q.strip() for q in record["questions"] if fold(q)),
        guild_id=guild_id,
        origin=origin,
        document=(document or "").strip() or None,
    )


def portable_record(fact: Fact, own_source_name: str | None) -> dict[str, Any]:
    """The record export writes. A server's own source goes by its name: the server it is
    imported into may have the source under another id, and import resolves names as well
    as ids."""
    record = fact_record(fact)
    if fact.guild_id != GLOBAL and own_source_name is not None:
        record["source"] = own_source_name
    return record


def fact_snapshot(fact: Fact) -> dict[str, Any]:
    """Everything about a fact, as the audit log keeps it."""
    record = fact_record(fact)
    record.update(guild_id=fact.guild_id, origin=fact.origin, active=fact.active)
    return record


def fact_from_snapshot(snapshot: Mapping[str, Any]) -> Fact:
    return Fact(
        id=snapshot["id"],
        statement=snapshot["statement"],
        source=snapshot["source"],
        questions=tuple(snapshot["questions"]),
        reported_by=snapshot.get("reported_by"),
        quote=snapshot.get("quote"),
        date=snapshot.get("date"),
        topics=tuple(snapshot.get("topics", ())),
        # Older entries hold one point as a string, newer ones a list when there are more.
        points=record_points(snapshot.get("point")),
        guild_id=snapshot.get("guild_id", GLOBAL),
        origin=snapshot.get("origin", "moderator"),
        active=snapshot.get("active", True),
        document=snapshot.get("document"),
    )


def fact_row(fact: Fact) -> dict[str, Any]:
    """The fact's columns of the `facts` table; the store adds its own bookkeeping."""
    return {
        "id": fact.id,
        "guild_id": fact.guild_id,
        "statement": fact.statement,
        "source_id": fact.source,
        "reported_by": fact.reported_by,
        "quote": fact.quote,
        "date": fact.date,
        "topics": json.dumps(list(fact.topics)),
        # The fact's points joined by commas (an id never has one), so a database written
        # before facts could have several reads the same way.
        "point": ",".join(fact.points) or None,
        "origin": fact.origin,
        "active": int(fact.active),
        "document": fact.document,
    }


def fact_from_row(row: Mapping[str, Any], questions: list[str]) -> Fact:
    return Fact(
        id=row["id"],
        statement=row["statement"],
        source=row["source_id"],
        questions=tuple(questions),
        reported_by=row["reported_by"],
        quote=row["quote"],
        date=row["date"],
        topics=tuple(json.loads(row["topics"] or "[]")),
        points=tuple(part for part in (row["point"] or "").split(",") if part),
        guild_id=row["guild_id"],
        origin=row["origin"],
        active=bool(row["active"]),
        document=row["document"],
    )


def record_points(value: Any) -> tuple[str, ...]:
    """A record's `point` as a tuple: a string is one point (the form every file and export
    had before facts could have several), a list is several, None or [] is none."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def date_text(value: Any) -> str | None:
    """A record's date as YYYY-MM-DD (TOML reads dates as dates); None if it is none."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None
