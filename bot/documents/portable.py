"""Documents in and out of a server with its facts: export writes each document the
server's facts cite as a line of its own, `{"document": {...}}`, before the facts; import
matches each with one the server has (same title, text and date) or adds it, and the
facts that cite it cite that one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.documents.library import Documents, unique_document_id
from bot.documents.records import Document, date_text, document_text, metadata_problems
from bot.errors import ValidationError
from bot.store import now
from bot.text import fold, slug
from bot.validation import ID_PATTERN

DOCUMENT_KEY = "document"
PORTABLE_FIELDS = ("id", "title", "outlet", "date", "url", "text")


def document_line(document: Document) -> dict[str, Any]:
    """A document as one export line: every field another database needs to add it."""
    return {DOCUMENT_KEY: {name: getattr(document, name) for name in PORTABLE_FIELDS}}


def is_document_line(record: Mapping[str, Any]) -> bool:
    """A document's line, not a fact's: a fact has many fields, a document line one."""
    return set(record) == {DOCUMENT_KEY} and isinstance(record[DOCUMENT_KEY], dict)


@dataclass(frozen=True, slots=True)
class PlannedDocument:
    exported_id: str
    document: Document
    new: bool  # False: the server already has it


class DocumentImport:
    """The documents an import brings, each matched or new; nothing is written here."""

    def __init__(self, documents: Documents, guild_id: int, actor: str) -> None:
        self._guild_id = guild_id
        self._actor = actor
        self._visible = documents.visible(guild_id)
        self._ids = documents.ids(guild_id)
        self.planned: list[PlannedDocument] = []

    @property
    def new(self) -> list[Document]:
        return [planned.document for planned in self.planned if planned.new]

    def by_exported_id(self) -> dict[str, Document]:
        return {planned.exported_id: planned.document for planned in self.planned}

    def read(self, fields: Any) -> None:
        """Plan one document line's document, or ValidationError listing its problems."""
        if not isinstance(fields, dict) or set(fields) - set(PORTABLE_FIELDS):
            raise ValidationError([f"document: expected the fields {', '.join(PORTABLE_FIELDS)}"])
        exported_id = fields.get("id")
        if not isinstance(exported_id, str) or not ID_PATTERN.match(exported_id):
            raise ValidationError(["document: id must be lowercase letters, digits, hyphens"])
        if exported_id in {planned.exported_id for planned in self.planned}:
            raise ValidationError([f"document '{exported_id}' appears twice in the file"])
        values = {name: fields.get(name) for name in ("title", "outlet", "date", "url", "text")}
        if any(value is not None and not isinstance(value, str) for value in values.values()):
            raise ValidationError([f"document '{exported_id}': every field must be text"])
        title, outlet = values["title"] or "", values["outlet"] or ""
        text, problems = document_text(values["text"] or "")
        date = date_text(values["date"]) or str(values["date"])
        same = self._same(title, text, date)
        if same is not None:
            self.planned.append(PlannedDocument(exported_id, same, new=False))
            return
        taken = [d.title for d in self._visible] + [p.document.title for p in self.planned]
        problems = [
            *metadata_problems(
                title=title, outlet=outlet, date=date, url=values["url"], taken_titles=taken
            ),
            *problems,
        ]
        if problems:
            raise ValidationError([f"document '{exported_id}': {p}" for p in problems])
        document = Document(
            id=unique_document_id(slug(title, 6, "document"), self._ids),
            title=title.strip(),
            outlet=outlet.strip(),
            date=date,
            url=(values["url"] or "").strip() or None,
            characters=len(text),
            guild_id=self._guild_id,
            origin="moderator",
            added_by=self._actor,
            added_at=now(),
            text=text,
        )
        self._ids.add(document.id)
        self.planned.append(PlannedDocument(exported_id, document, new=True))

    def _same(self, title: str, text: str, date: str) -> Document | None:
        """The document the server sees with this title, text and date, if any."""
        for document in self._visible:
            if (fold(document.title), document.text, document.date) == (fold(title), text, date):
                return document
        return None
