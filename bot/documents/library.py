"""The documents of each server: add, list, show, and check a quote against one.

A server sees its own documents and the curated ones (guild 0), never another server's.
A quote is checked as `python -m bot check` checks the curated facts' quotes: verbatim,
with only typographic quotes, dashes and whitespace evened out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot.documents.records import (
    Document,
    DocumentInfo,
    document_text,
    metadata_problems,
)
from bot.documents.table import INFO_COLUMNS, document_from_row, info_from_row, insert_document
from bot.errors import NotFound, ValidationError
from bot.models import GLOBAL
from bot.store import Store, now
from bot.text import fold, is_unicode, loose_quote_form, slug
from bot.validation import MAX_QUOTE, loose_article

if TYPE_CHECKING:
    from sqlite_utils import Database

# Characters of context shown on each side of the closest passage to a refused quote.
PASSAGE_MARGIN = 40


class QuoteNotFound(ValidationError):
    """A quote the document does not contain; `closest` is the passage nearest to it."""

    def __init__(self, document: DocumentInfo, closest: str) -> None:
        super().__init__([f'quote: not in "{document.title}"; the closest passage is "{closest}"'])
        self.document = document
        self.closest = closest


@dataclass(frozen=True, slots=True)
class DocumentDraft:
    """A document as a moderator gives it, before it is checked."""

    title: str
    outlet: str
    date: str
    text: bytes | str
    url: str | None = None


class Documents:
    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def _reading(self) -> Iterator[Database]:
        # The store's connection serves every thread of the process, one at a time.
        with self.store.reading():
            yield self.store.db

    def add(self, draft: DocumentDraft, *, guild_id: int, actor: str) -> Document:
        """Store a new document in a server, or ValidationError listing every problem."""
        text, text_problems = document_text(draft.text)
        added: list[Document] = []

        def insert(db: Database) -> None:
            # Checked in the write transaction, so two adds of one title cannot both pass.
            taken = [
                row["title"]
                for row in db.query(
                    "select title from documents where title_key = ? and guild_id in (?, ?)",
                    [fold(draft.title), GLOBAL, guild_id],
                )
            ]
            problems = [
                *metadata_problems(
                    title=draft.title,
                    outlet=draft.outlet,
                    date=draft.date,
                    url=draft.url,
                    taken_titles=taken,
                ),
                *text_problems,
            ]
            if problems:
                raise ValidationError(problems)
            document = Document(
                id=unique_document_id(slug(draft.title, 6, "document"), taken_ids(db, guild_id)),
                title=draft.title.strip(),
                outlet=draft.outlet.strip(),
                date=draft.date.strip(),  # checked: YYYY-MM-DD
                url=(draft.url or "").strip() or None,
                characters=len(text),
                guild_id=guild_id,
                origin="moderator",
                added_by=actor,
                added_at=now(),
                text=text,
            )
            insert_document(db, document, action="add")
            added.append(document)

        self.store.commit(writes=[insert])
        return added[0]

    def visible(self, guild_id: int) -> list[Document]:
        """The documents a server sees, text and all, curated ones first."""
        with self._reading() as db:
            rows = db.query(
                "select * from documents where guild_id in (?, ?) order by guild_id != 0, rowid",
                [GLOBAL, guild_id],
            )
            return [document_from_row(row) for row in rows]

    def ids(self, guild_id: int) -> set[str]:
        """The ids a new document of the server may not take (see `taken_ids`)."""
        with self._reading() as db:
            return taken_ids(db, guild_id)

    def cited(self, guild_id: int) -> list[DocumentInfo]:
        """The documents the server's facts in use cite, in the order they were added."""
        # Straight from the store's connection: every answer reads this.
        with self.store.reading():
            rows = self.store.query(
                # A server's fact cites its server's document of that id or a curated one;
                # a curated fact, a curated one.
                f"select {INFO_COLUMNS} from documents d where d.guild_id in (?, ?) and exists"
                " (select 1 from facts f where f.active and f.document = d.id"
                " and f.guild_id in (d.guild_id, ?))"
                " order by d.guild_id != 0, d.rowid",
                [GLOBAL, guild_id, guild_id],
            )
            return [info_from_row(row) for row in rows]

    def list(self, guild_id: int) -> list[DocumentInfo]:
        """The documents a server sees, curated ones first, each in the order added."""
        with self._reading() as db:
            rows = db.query(
                f"select {INFO_COLUMNS} from documents where guild_id in (?, ?)"
                " order by guild_id != 0, rowid",
                [GLOBAL, guild_id],
            )
            return [info_from_row(row) for row in rows]

    def show(self, guild_id: int, document_id: str) -> Document:
        """One document the server sees, text and all; NotFound otherwise."""
        if not is_unicode(document_id):
            # No stored id has a lone surrogate, and SQLite cannot be asked for one.
            raise NotFound(
                f"no document '{document_id}' here; `documents list` shows the ones there are"
            )
        with self._reading() as db:
            rows = list(
                db.query(
                    # The server's own first: no server's id shadows a curated one.
                    "select * from documents where id = ? and guild_id in (?, ?)"
                    " order by guild_id = ? desc limit 1",
                    [document_id.strip(), GLOBAL, guild_id, guild_id],
                )
            )
        if not rows:
            raise NotFound(
                f"no document '{document_id}' here; `documents list` shows the ones there are"
            )
        return document_from_row(rows[0])

    def find(self, guild_id: int, document_id: str) -> Document | None:
        """One document the server sees, or None."""
        try:
            return self.show(guild_id, document_id)
        except NotFound:
            return None

    def verify_quote(self, guild_id: int, document_id: str, quote: str) -> DocumentInfo:
        """The document, if it contains `quote` as `check` reads quotes; QuoteNotFound (with
        the closest passage) if it does not."""
        if not quote.strip():
            raise ValidationError(["quote: required"])
        document = self.show(guild_id, document_id)
        check_quote(document, quote)
        return document


def check_quote(document: Document, quote: str) -> None:
    """QuoteNotFound (with the closest passage) unless `document` holds `quote` as `check`
    reads quotes: verbatim, typographic marks, dashes and spacing evened out."""
    if len(quote) > MAX_QUOTE:
        raise ValidationError([f"quote: at most {MAX_QUOTE} characters (got {len(quote)})"])
    wanted = loose_quote_form(quote)
    text = loose_article(document.text)
    if wanted not in text:
        raise QuoteNotFound(document, closest_passage(wanted, text))


def closest_passage(quote: str, text: str) -> str:
    """The passage of `text` most like `quote`, widened to whole words and a little context."""
    span = fuzz.partial_ratio_alignment(quote, text)
    # None only below a score cutoff, and there is none: a passage is always found.
    found_start, found_end = (span.dest_start, span.dest_end) if span else (0, len(quote))
    start = max(0, found_start - PASSAGE_MARGIN)
    end = min(len(text), found_end + PASSAGE_MARGIN)
    # Out to the nearest spaces, so no word is cut.
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    passage = text[start:end].strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{passage}{suffix}"


def taken_ids(db: Database, guild_id: int) -> set[str]:
    """The document ids a server sees, which its new document may not take; a new curated
    one may take no server's."""
    if guild_id == GLOBAL:
        rows = db.query("select id from documents")
    else:
        rows = db.query("select id from documents where guild_id in (?, ?)", [GLOBAL, guild_id])
    return {row["id"] for row in rows}


def unique_document_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... the first not in `taken`."""
    candidate, counter = base, 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate
