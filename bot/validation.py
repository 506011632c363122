"""Checks on one fact record, whoever wrote it: a curator's facts.toml, an import line, a
moderator's draft. Every problem is reported at once, as a readable line per field."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bot.models import Fact, Source
from bot.records import date_text
from bot.text import fold, is_unicode, loose_quote_form

MIN_CURATED_QUESTIONS = 6
MIN_MODERATOR_QUESTIONS = 1
MAX_QUESTIONS = 40
MAX_STATEMENT = 1000
MAX_QUOTE = 1000
MAX_QUESTION = 200
MAX_TOPICS = 8
MAX_TOPIC = 40
MAX_POINTS = 4
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
FACT_FIELDS = frozenset(
    {
        "id",
        "statement",
        "source",
        "reported_by",
        "quote",
        "date",
        "topics",
        "point",
        "questions",
        "document",
    }
)


def validate_fact_record(
    record: Mapping[str, Any],
    *,
    known_sources: Mapping[str, Source] | Iterable[str],
    article_text: str | None,
    min_questions: int,
) -> list[str]:
    """Per-field problems with one fact record; shared by `check`, import and moderators."""
    problems: list[str] = []
    unknown = set(record) - FACT_FIELDS
    if unknown:
        problems.append(f"unknown field(s): {', '.join(sorted(unknown))}")
    for name in sorted(set(record) & FACT_FIELDS):
        if not _is_unicode(record[name]):
            problems.append(f"{name}: not valid Unicode text")
    fact_id = record.get("id")
    if not isinstance(fact_id, str) or not ID_PATTERN.match(fact_id):
        problems.append("id: must be 1-80 lowercase letters, digits and hyphens")
    _check_text(record.get("statement"), "statement", MAX_STATEMENT, problems, required=True)
    source = record.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append("source: required")
    elif source not in known_sources:
        problems.append(f"source: '{source}' is not a known source")
    _check_text(record.get("reported_by"), "reported_by", 100, problems, required=False)
    quote = record.get("quote")
    _check_text(quote, "quote", MAX_QUOTE, problems, required=False)
    if isinstance(quote, str) and quote.strip() and article_text is not None:
        if loose_quote_form(quote) not in loose_article(article_text):
            problems.append("quote: does not appear verbatim in the article")
    problems.extend(_document_problems(record.get("document")))
    if record.get("date") is not None and date_text(record.get("date")) is None:
        problems.append("date: must be a date in the form YYYY-MM-DD")
    topics = record.get("topics", [])
    if not is_string_list(topics) or len(topics) > MAX_TOPICS:
        problems.append(f"topics: must be a list of at most {MAX_TOPICS} words")
    elif any(len(topic) > MAX_TOPIC for topic in topics):
        problems.append(f"topics: each at most {MAX_TOPIC} characters")
    problems.extend(_point_problems(record.get("point")))
    questions = record.get("questions")
    if not isinstance(questions, list) or not is_string_list(questions):
        problems.append("questions: must be a list of question phrasings")
    else:
        usable = [q for q in questions if fold(q)]
        if len(usable) < min_questions:
            problems.append(
                f"questions: needs at least {min_questions} phrasing(s), has {len(usable)}"
            )
        if len(questions) > MAX_QUESTIONS:
            problems.append(f"questions: at most {MAX_QUESTIONS} phrasings")
        for question in questions:
            if len(question) > MAX_QUESTION:
                problems.append(f"questions: '{question[:40]}…' is over {MAX_QUESTION} characters")
        folded = [fold(q) for q in usable]
        if len(set(folded)) != len(folded):
            problems.append("questions: the same phrasing is listed twice")
    return problems


@functools.lru_cache(maxsize=4)
def loose_article(text: str) -> str:
    """The article evened out once, not once per quote checked against it."""
    return loose_quote_form(text)


def _point_problems(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        points: list[Any] = [value]
    elif isinstance(value, list | tuple):
        points = list(value)
    else:
        return ["point: must be a point id or a list of them"]
    problems: list[str] = []
    if any(not isinstance(p, str) or not ID_PATTERN.match(p) for p in points):
        problems.append("point: must be lowercase letters, digits and hyphens")
    if len(points) > MAX_POINTS:
        problems.append(f"point: at most {MAX_POINTS} points")
    names = [p for p in points if isinstance(p, str)]
    if len(set(names)) != len(names):
        problems.append("point: the same point is listed twice")
    return problems


def _check_text(value: Any, name: str, limit: int, problems: list[str], *, required: bool) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{name}: required")
        return
    if not isinstance(value, str):
        problems.append(f"{name}: must be text")
    elif len(value) > limit:
        problems.append(f"{name}: at most {limit} characters (got {len(value)})")


def _document_problems(document: Any) -> list[str]:
    # Whether the server sees it, and holds the quote, is checked against the database.
    if document is None or document == "":
        return []
    if not isinstance(document, str) or not ID_PATTERN.match(document.strip()):
        return ["document: must be a document's id"]
    return []


def _is_unicode(value: Any) -> bool:
    """False for text with lone surrogates (a JSON escape, undecodable shell bytes)."""
    items = value if isinstance(value, list | tuple) else [value]
    return all(is_unicode(item) for item in items if isinstance(item, str))


def is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def claimed_phrasings(
    facts: Iterable[Fact], owners: dict[str, str]
) -> Iterator[tuple[Fact, str, str]]:
    """(fact, phrasing, other fact id) for each phrasing another fact already owns.

    `owners` maps folded phrasings to the fact that has them, and grows as facts are
    read, so of two facts with one phrasing the second is the one reported.
    """
    for fact in facts:
        for question in fact.questions:
            other = owners.setdefault(fold(question), fact.id)
            if other != fact.id:
                yield fact, question, other
