"""Reviewing the facts drafted from a server's document: which drafts still wait for a
decision, and accepting (as a fact, creating a new claimant's source first) or
rejecting one.

A draft is known by its document and its quote (drafts are made afresh each time, and
their ids follow the facts there are): a quote a fact of the server already rests on
has been accepted, and a rejected one is remembered in `draft_reviews`, so neither
comes back. Both front ends call this; it never speaks to Discord.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.documents.library import Documents
from bot.documents.records import Document as StoredDocument
from bot.drafting import Document, Draft, draft_facts
from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.models import GLOBAL, Fact, Source
from bot.service import FactService
from bot.store import now
from bot.text import fold

if TYPE_CHECKING:
    from sqlite_utils import Database

Decision = Literal["accepted", "rejected"]


@dataclass(frozen=True, slots=True)
class Accepted:
    """What accepting a draft wrote: the fact, and the source made for its claimant."""

    fact: Fact
    created_source: Source | None


def draft_fields(draft: Draft) -> FactDraft:
    """A draft as the fields of a new fact; its claimant by name, so a new source's name
    is what the moderator sees and may change."""
    return FactDraft(
        statement=draft.statement,
        source=draft.source_name if draft.new_source else draft.source,
        questions=draft.questions,
        reported_by=draft.reported_by,
        quote=draft.quote,
        date=draft.date,
        topics=draft.topics,
        point=draft.points,
    )


def draft_record(draft: Draft, document_id: str) -> dict[str, Any]:
    """A draft as a line of `facts import`, citing the document it was drafted from: a new
    claimant by name, which resolves once the source is created (until then, import
    refuses it: "create it first")."""
    record = {**draft.to_record(), "document": document_id}
    if draft.new_source:
        record["source"] = draft.source_name
    return record


def quote_key(quote: str) -> str:
    """A quote as drafts and facts are matched on: its words, whatever the marks around."""
    return fold(quote)


class DraftReview:
    def __init__(self, service: FactService) -> None:
        self.service = service
        self.documents = Documents(service.store)

    def pending(self, guild_id: int, document_id: str) -> list[Draft]:
        """The drafts of a document the server sees that nobody has decided on yet, in
        the order of its text; NotFound for a document the server does not see."""
        document = self.documents.show(guild_id, document_id)
        # Only the facts the server sees: drafts take none of their ids or phrasings, and
        # know nothing of another server's.
        facts = [
            f for f in self.service.store.facts(include_retired=True) if f.visible_in(guild_id)
        ]
        # A quote that one of the server's facts rests on was accepted (or written) already.
        taken = {quote_key(f.quote) for f in facts if f.quote}
        taken |= self._decided(guild_id, document.id)
        sources = [s for s in self.service.store.sources() if s.guild_id in (GLOBAL, guild_id)]
        drafts = draft_facts(
            _drafting_document(document), sources, self.service.knowledge.lexicon, existing=facts
        )
        return [draft for draft in drafts if quote_key(draft.quote) not in taken]

    def accept(
        self,
        guild_id: int,
        document_id: str,
        draft: Draft,
        *,
        actor: str,
        fields: FactDraft | None = None,
    ) -> Accepted:
        """Add the draft as a fact of the server, as `fields` (the draft's own, or as a
        moderator edited them) say; a new claimant named there becomes a source first.
        Should the fact then be refused, the source stays, and accepting again uses it."""
        fields = fields or draft_fields(draft)
        if fields.document is None:
            # The fact cites the document it was drafted from: its quote is checked there.
            fields = dataclasses.replace(fields, document=document_id)
        created = self._claimant_source(guild_id, draft, fields.source or "")
        if created is not None:
            fields = dataclasses.replace(fields, source=created.id)
        fact = self.service.add_fact(fields, guild_id=guild_id, actor=actor)
        self._record(guild_id, document_id, draft, "accepted", actor, fact.id, created)
        return Accepted(fact, created)

    def reject(self, guild_id: int, document_id: str, draft: Draft, *, actor: str) -> None:
        """Keep the draft from being offered to the server again."""
        self._record(guild_id, document_id, draft, "rejected", actor)

    def _claimant_source(self, guild_id: int, draft: Draft, name: str) -> Source | None:
        """The source to create for the claimant `name`: none when the server knows the
        name already; the draft's new source when it is that one's name."""
        try:
            self.service.resolve_source(name, guild_id)
        except ValidationError:
            if not (draft.new_source and fold(name) == fold(draft.source_name)):
                raise  # another unknown name: the moderator creates it deliberately
            return self.service.add_source(name, guild_id=guild_id)
        return None

    def _decided(self, guild_id: int, document_id: str) -> set[str]:
        store = self.service.store
        with store.reading():
            rows = store.db.query(
                "select quote_key from draft_reviews where guild_id = ? and document_id = ?",
                [guild_id, document_id],
            )
            return {row["quote_key"] for row in rows}

    def _record(
        self,
        guild_id: int,
        document_id: str,
        draft: Draft,
        decision: Decision,
        actor: str,
        fact_id: str | None = None,
        created: Source | None = None,
    ) -> None:
        row = {
            "guild_id": guild_id,
            "document_id": document_id,
            "quote_key": quote_key(draft.quote),
            "quote": draft.quote,
            "decision": decision,
            "fact_id": fact_id,
            "created_source": created.id if created else None,
            "actor": actor,
            "at": now(),
        }

        def decide(db: Database) -> None:
            db.table("draft_reviews").upsert(row, pk=("guild_id", "document_id", "quote_key"))

        self.service.write(decide)


def _drafting_document(document: StoredDocument) -> Document:
    return Document(
        document.id, document.title, document.outlet, document.date, document.text, document.url
    )
