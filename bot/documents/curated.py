"""The curated documents in `knowledge/`: the article, and any listed in documents.toml.

The article (article.toml + its file) is always the first. documents.toml is optional; it
holds one `[[document]]` table per further document, with the fields article.toml uses
for the same things (id, title, outlet, date, file) and an optional url.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.documents.records import Document, date_text, document_text, metadata_problems
from bot.knowledge import Knowledge, KnowledgeError
from bot.models import GLOBAL
from bot.validation import ID_PATTERN

DOCUMENTS_FILE = "documents.toml"
DOCUMENT_FIELDS = frozenset({"id", "title", "outlet", "date", "url", "file"})
CURATOR = "knowledge"


def curated_documents(knowledge: Knowledge, added_at: str) -> list[Document]:
    """Every curated document, or KnowledgeError listing every problem with them."""
    article = knowledge.article
    documents = [
        _document(
            article.id, article.title, article.outlet, article.date, None, article.text, added_at
        )
    ]
    problems: list[str] = []
    path = knowledge.directory / DOCUMENTS_FILE
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return documents
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise KnowledgeError([f"{DOCUMENTS_FILE}: not valid TOML: {error}"]) from None
    except OSError as error:  # a folder, or a file this user may not read
        raise KnowledgeError([f"{DOCUMENTS_FILE}: cannot be read: {error.strerror}"]) from None
    records = table.get("document", [])
    if not isinstance(records, list) or set(table) - {"document"}:
        raise KnowledgeError([f"{DOCUMENTS_FILE}: expected only [[document]] tables"])
    for index, record in enumerate(records, start=1):
        found = _record(record, knowledge.directory, documents, index, added_at, problems)
        if found is not None:
            documents.append(found)
    if problems:
        raise KnowledgeError(problems)
    return documents


def _record(
    record: Mapping[str, Any],
    directory: Path,
    earlier: list[Document],
    index: int,
    added_at: str,
    problems: list[str],
) -> Document | None:
    document_id = record.get("id")
    label = document_id if isinstance(document_id, str) else f"#{index}"
    where = f"{DOCUMENTS_FILE} document '{label}'"
    found: list[str] = []
    unknown = set(record) - DOCUMENT_FIELDS
    if unknown:
        found.append(f"unknown field(s) {', '.join(sorted(unknown))}")
    if not isinstance(document_id, str) or not ID_PATTERN.match(document_id):
        found.append("id: must be 1-80 lowercase letters, digits and hyphens")
    elif document_id in {document.id for document in earlier}:
        found.append("id: another curated document has it")
    strings = {name: record.get(name) for name in ("title", "outlet", "url", "file")}
    for name, value in strings.items():
        if value is not None and not isinstance(value, str):
            found.append(f"{name}: must be text")
            strings[name] = None
    date = date_text(record.get("date"))
    found.extend(
        metadata_problems(
            title=strings["title"] or "",
            outlet=strings["outlet"] or "",
            date=date or str(record.get("date", "")),
            url=strings["url"],
            taken_titles=[document.title for document in earlier],
        )
    )
    text = ""
    file = strings["file"]
    if not file:
        found.append("file: required, the document's text relative to this folder")
    else:
        try:
            text, text_problems = document_text((directory / file).read_bytes())
            found.extend(text_problems)
        except OSError:
            found.append(f"file: '{file}' cannot be read")
    problems.extend(f"{where}: {problem}" for problem in found)
    if found or date is None or not isinstance(document_id, str):
        return None
    return _document(
        document_id,
        str(strings["title"]).strip(),
        str(strings["outlet"]).strip(),
        date,
        (strings["url"] or "").strip() or None,
        text,
        added_at,
    )


def _document(
    document_id: str,
    title: str,
    outlet: str,
    date: str,
    url: str | None,
    text: str,
    added_at: str,
) -> Document:
    return Document(
        id=document_id,
        title=title,
        outlet=outlet,
        date=date,
        url=url,
        characters=len(text),
        guild_id=GLOBAL,
        origin="curated",
        added_by=CURATOR,
        added_at=added_at,
        text=text,
    )
