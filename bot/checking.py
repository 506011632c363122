"""Moderators' facts, checked against the database they go into: what a draft or an
import line gives becomes a complete fact of one server only if every field is valid, its
source is one the server can see, its document (if it cites one) is one the server can see
and holds its quote verbatim, and no other fact the server sees has its phrasings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from bot.documents.library import Documents, check_quote
from bot.documents.records import Document
from bot.errors import NotFound, ValidationError
from bot.models import Fact
from bot.records import fact_from_record, fact_record
from bot.sources import SourceRegistry, unique_id
from bot.store import Store
from bot.text import fold, slug
from bot.validation import MIN_MODERATOR_QUESTIONS, validate_fact_record


class FactChecker:
    def __init__(self, store: Store, sources: SourceRegistry) -> None:
        self._store = store
        self._sources = sources
        self._documents = Documents(store)

    def drafted(self, before: Fact | None, changes: Mapping[str, Any], guild_id: int) -> Fact:
        """A complete, checked fact from `before` with `changes` applied (or a new one)."""
        record: dict[str, Any] = fact_record(before) if before else {}
        record.update(changes)
        if "questions" in changes:
            record["questions"] = [q.strip() for q in changes["questions"]]
        if "topics" in changes:
            record["topics"] = [t.strip() for t in changes["topics"] if t.strip()]
        record.setdefault("date", dt.date.today().isoformat())
        if before is None:
            record["id"] = unique_id(
                slug(str(record.get("statement") or "fact"), 6), self._store.fact_ids(guild_id)
            )
        fact = self._fact(record, before, guild_id)
        if before is not None:
            fact = dataclasses.replace(fact, active=before.active)
        self.check_phrasings(fact.questions, guild_id, exclude=fact.id)
        return fact

    def imported(
        self,
        existing: Fact | None,
        record: Mapping[str, Any],
        guild_id: int,
        documents: Mapping[str, Document],
    ) -> Fact:
        """The fact an import line describes, in full (phrasing clashes aside: the lines
        of one file are checked against each other and the database together).
        `documents` are the file's own, by the id the file gives them: a fact citing one
        cites the document it was matched with or added as."""
        return self._fact(dict(record), existing, guild_id, documents)

    def check_phrasings(self, questions: Iterable[str], guild_id: int, exclude: str) -> None:
        questions = list(questions)
        owners = self._store.phrasing_owners(map(fold, questions), guild_id, [exclude])
        clashes = [
            f"questions: '{q}' already belongs to fact '{owners[fold(q)]}'"
            for q in questions
            if fold(q) in owners
        ]
        if clashes:
            raise ValidationError(clashes)

    def _fact(
        self,
        record: dict[str, Any],
        before: Fact | None,
        guild_id: int,
        documents: Mapping[str, Document] | None = None,
    ) -> Fact:
        problems = self._problems(record, guild_id)
        if not problems:
            problems = self._document_problems(record, guild_id, documents or {})
        if problems:
            raise ValidationError(problems)
        origin = before.origin if before else "moderator"
        return fact_from_record(record, default_reported_by=None, guild_id=guild_id, origin=origin)

    def _problems(self, record: dict[str, Any], guild_id: int) -> list[str]:
        """Every problem with a moderator's fact record; resolves its source in place."""
        problems: list[str] = []
        unresolved = False
        source = record.get("source")
        if isinstance(source, str) and source.strip():
            try:
                record["source"] = self._sources.resolve(source, guild_id).id
            except ValidationError as error:
                problems.extend(error.problems)
                unresolved = True
        field_problems = validate_fact_record(
            record,
            known_sources={s.id for s in self._sources.visible(guild_id)},
            article_text=None,
            min_questions=MIN_MODERATOR_QUESTIONS,
        )
        # The resolver already explained an unknown source; say it once.
        problems.extend(p for p in field_problems if not (unresolved and p.startswith("source:")))
        return list(dict.fromkeys(problems))

    def _document_problems(
        self, record: dict[str, Any], guild_id: int, imported: Mapping[str, Document]
    ) -> list[str]:
        """What is wrong with the document a record cites, or its quote's place in it;
        puts the cited document's id in place."""
        document_id = str(record.get("document") or "").strip()
        if not document_id:
            return []
        document = imported.get(document_id)
        if document is None:
            try:
                document = self._documents.show(guild_id, document_id)
            except NotFound:
                return [f"document: no document '{document_id}' in this server"]
        record["document"] = document.id
        quote = record.get("quote")
        if isinstance(quote, str) and quote.strip():
            try:
                check_quote(document, quote)
            except ValidationError as error:
                return error.problems
        return []
