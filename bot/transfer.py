"""Facts in and out of a server as JSON Lines, one fact a line, as the knowledge files
spell a fact, after a line per document they cite (bot/documents/portable.py): export
writes them, import checks every line before any is written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.checking import FactChecker
from bot.documents.library import Documents
from bot.documents.portable import DocumentImport, document_line, is_document_line
from bot.documents.records import Document
from bot.errors import ValidationError
from bot.models import GLOBAL, Fact
from bot.records import portable_record
from bot.sources import SourceRegistry
from bot.store import Store
from bot.text import fold
from bot.validation import ID_PATTERN, claimed_phrasings

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_FACTS = 2_000


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int
    documents_added: int = 0


@dataclass(frozen=True, slots=True)
class PlannedFact:
    before: Fact | None  # None: new
    after: Fact


def export_server(store: Store, sources: SourceRegistry, guild_id: int) -> str:
    """A server's own facts in use, after its own documents they cite."""
    facts = store.facts(guild_id=guild_id, include_retired=False)
    cited = {fact.document for fact in facts}
    documents = [
        document
        for document in Documents(store).visible(guild_id)
        # Curated documents are in every database already.
        if document.id in cited and document.guild_id == guild_id and document.origin != "curated"
    ]
    return export_jsonl(facts, sources, documents)


def export_jsonl(facts: list[Fact], sources: SourceRegistry, documents: list[Document]) -> str:
    """The documents' lines, then the facts'."""
    records = [
        *(document_line(document) for document in documents),
        *(portable_record(fact, sources.exported_name(fact)) for fact in facts),
    ]
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def import_lines(data: bytes | str) -> list[tuple[int, str]]:
    """The numbered lines of an import that holds some, within the limits."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationError([f"file: larger than {MAX_IMPORT_BYTES // 1000} kB"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(["file: not UTF-8 text"]) from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise ValidationError(["file: no facts in it"])
    if len(lines) > MAX_IMPORT_FACTS:
        raise ValidationError([f"file: more than {MAX_IMPORT_FACTS} facts"])
    return lines


class ImportPlan:
    """What importing some lines into a guild would write; `problems` lists every line's
    problems, and nothing may be written while there are any."""

    def __init__(self, store: Store, checker: FactChecker, guild_id: int, actor: str) -> None:
        self._store = store
        self._checker = checker
        self.documents = DocumentImport(Documents(store), guild_id, actor)
        self._guild_id = guild_id
        self.facts: list[PlannedFact] = []
        self.problems: list[str] = []
        self._lines: list[int] = []  # of each planned fact
        self._ids: set[str] = set()
        self._taken: set[str] | None = None  # by any server: what a curated id may not shadow

    def read(self, lines: list[tuple[int, str]]) -> ImportPlan:
        records: list[tuple[int, dict[str, Any]]] = []
        for number, line in lines:
            try:
                record = _parsed(line)
                if is_document_line(record):
                    # Before any fact, whichever line it is on: facts cite documents.
                    self.documents.read(record["document"])
                else:
                    records.append((number, record))
            except ValidationError as error:
                self.problems.extend(f"line {number}: {p}" for p in error.problems)
        for number, record in records:
            try:
                self._read(record)
            except ValidationError as error:
                self.problems.extend(f"line {number}: {p}" for p in error.problems)
            else:
                self._lines.append(number)
        self.problems.extend(self._clashes())
        return self

    def _read(self, record: dict[str, Any]) -> None:
        fact_id = record.get("id")
        if fact_id is None or fact_id == "":
            raise ValidationError(["id: missing; every fact needs one"])
        if not isinstance(fact_id, str) or not ID_PATTERN.match(fact_id):
            raise ValidationError(["id: must be lowercase letters, digits, hyphens"])
        if fact_id in self._ids:
            raise ValidationError([f"id '{fact_id}' appears twice in the file"])
        self._ids.add(fact_id)
        existing = self._store.fact(fact_id, self._guild_id)
        if existing is not None and existing.guild_id != self._guild_id:
            # A server's id may not shadow a curated one it sees; other servers' ids are
            # theirs alone, and no concern of this one.
            raise ValidationError(
                [f"id '{fact_id}' is taken by a curated fact; give this fact another id"]
            )
        if existing is None and self._guild_id == GLOBAL and fact_id in self._taken_anywhere():
            raise ValidationError(
                [f"id '{fact_id}' is taken by a server's fact; give this fact another id"]
            )
        fact = self._checker.imported(
            existing, record, self._guild_id, self.documents.by_exported_id()
        )
        self.facts.append(PlannedFact(existing, fact))

    def _taken_anywhere(self) -> set[str]:
        if self._taken is None:
            self._taken = self._store.fact_ids(GLOBAL)
        return self._taken

    def _clashes(self) -> list[str]:
        owners = self._store.phrasing_owners(
            (fold(q) for planned in self.facts for q in planned.after.questions),
            self._guild_id,
            exclude=[planned.after.id for planned in self.facts],
        )
        line_of = {p.after.id: n for p, n in zip(self.facts, self._lines, strict=True)}
        return [
            f"line {line_of[fact.id]}: questions: '{question}' already belongs to fact '{other}'"
            for fact, question, other in claimed_phrasings((p.after for p in self.facts), owners)
        ]


def _parsed(line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValidationError([f"not valid JSON ({error.msg})"]) from None
    except RecursionError:
        # Thousands of nested brackets exhaust the parser's stack.
        raise ValidationError(["not valid JSON (nested too deeply)"]) from None
    if not isinstance(record, dict):
        raise ValidationError(["expected a JSON object"])
    return record
