"""The documents table: its migration, its rows, its audit log, and the curated documents
stored when the database is seeded."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING, Any

from bot.documents.curated import CURATOR, curated_documents
from bot.documents.records import Document, DocumentInfo
from bot.knowledge import Knowledge, KnowledgeError
from bot.models import GLOBAL
from bot.text import fold

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.store import Store

# Audit actions of the curated documents being loaded, as facts have them.
SEED_ADD, SEED_UPDATE, SEED_REMOVE = "seed-add", "seed-update", "seed-remove"
_FINGERPRINT_KEY = "documents"
INFO_COLUMNS = "id, guild_id, title, outlet, date, url, characters, origin, added_by, added_at"


def insert_document(db: Database, document: Document, *, action: str) -> None:
    """Store a new document whole and record who added it; inside the caller's transaction."""
    db.table("documents").insert(_row(document))
    log_change(db, document, action=action, actor=document.added_by, at=document.added_at)


def _row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "guild_id": document.guild_id,
        "title": document.title,
        "title_key": fold(document.title),
        "outlet": document.outlet,
        "date": document.date,
        "url": document.url,
        "text": document.text,
        "characters": document.characters,
        "origin": document.origin,
        "added_by": document.added_by,
        "added_at": document.added_at,
    }


def log_change(db: Database, document: Document, *, action: str, actor: str, at: str) -> None:
    # The metadata and a digest of the text: the text itself is in the row.
    record = {
        "title": document.title,
        "outlet": document.outlet,
        "date": document.date,
        "url": document.url,
        "characters": document.characters,
        "sha256": _digest(document.text),
    }
    db.table("document_audit").insert(
        {
            "at": at,
            "actor": actor,
            "guild_id": document.guild_id,
            "action": action,
            "document_id": document.id,
            "record": json.dumps(record, ensure_ascii=False),
        }
    )


def info_from_row(row: dict[str, Any]) -> DocumentInfo:
    # The columns are named as the fields are.
    return DocumentInfo(**{name: row[name] for name in DocumentInfo.__dataclass_fields__})


def document_from_row(row: dict[str, Any]) -> Document:
    info = info_from_row(row)
    return Document(
        **{name: getattr(info, name) for name in DocumentInfo.__dataclass_fields__},
        text=row["text"],
    )


def curated_documents_seeded(store: Store, knowledge: Knowledge) -> bool:
    """Whether the curated documents are as the last seeding left them (a read only)."""
    fingerprint = _fingerprint(curated_documents(knowledge, ""))
    return store.meta_value(_FINGERPRINT_KEY) == fingerprint


def seed_curated_documents(
    db: Database, knowledge: Knowledge, stamp: str, *, force: bool = False
) -> None:
    """Bring the curated documents in line with the knowledge files, inside the caller's
    transaction; no write when they are as the last seeding left them."""
    documents = curated_documents(knowledge, stamp)
    fingerprint = _fingerprint(documents)
    stored = db.execute("select value from meta where key = ?", [_FINGERPRINT_KEY]).fetchone()
    if stored and stored[0] == fingerprint and not force:
        return
    # Only the curated rows: a server's documents may be many, and are not touched.
    current = {
        row["id"]: row
        for row in db.query(
            "select id, title, outlet, date, url, text, added_at from documents"
            " where origin = 'curated' and guild_id = ?",
            [GLOBAL],
        )
    }
    for document in documents:
        row = current.pop(document.id, None)
        if row is None:
            if db.execute("select 1 from documents where id = ?", [document.id]).fetchone():
                raise KnowledgeError(
                    [f"documents: the id '{document.id}' already names a server's document"]
                )
            insert_document(db, document, action=SEED_ADD)
        elif _content(row) != _content(_fields(document)):
            # Still the document added then; the audit log says when it changed.
            kept = dataclasses.replace(document, added_at=row["added_at"])
            db.table("documents").update((document.guild_id, document.id), _row(kept))
            log_change(db, kept, action=SEED_UPDATE, actor=CURATOR, at=stamp)
    for document_id in current:
        gone = document_from_row(
            next(
                db.query(
                    "select * from documents where guild_id = ? and id = ?", [GLOBAL, document_id]
                )
            )
        )
        db.execute("delete from documents where guild_id = ? and id = ?", [GLOBAL, document_id])
        log_change(db, gone, action=SEED_REMOVE, actor=CURATOR, at=stamp)
    db.table("meta").upsert({"key": _FINGERPRINT_KEY, "value": fingerprint}, pk="key")


def _fields(document: Document) -> dict[str, Any]:
    return {name: getattr(document, name) for name in ("title", "outlet", "date", "url", "text")}


def _content(values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values[name] for name in ("title", "outlet", "date", "url", "text"))


def _fingerprint(documents: list[Document]) -> str:
    payload = json.dumps(
        [[document.id, *_content(_fields(document))] for document in documents],
        ensure_ascii=False,
    )
    return _digest(payload)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
