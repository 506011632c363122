"""What a document is, and what makes one acceptable.

A document is a source text that facts quote: an article, a statement, a transcript. It is
stored whole, with who published it and when, so a quote can be checked against it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.models import Origin
from bot.text import fold, is_unicode

MAX_DOCUMENT_BYTES = 200_000  # 200 kB of UTF-8: a long article, not a book
MAX_TITLE = 200
MAX_OUTLET = 100
MAX_URL = 2000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document without its text: what a listing shows."""

    id: str
    title: str
    outlet: str
    date: str  # YYYY-MM-DD
    url: str | None
    characters: int
    guild_id: int
    origin: Origin
    added_by: str
    added_at: str


@dataclass(frozen=True, slots=True)
class Document(DocumentInfo):
    text: str


def document_text(data: bytes | str) -> tuple[str, list[str]]:
    """The text of a file as it will be stored, and what makes it unusable (if anything)."""
    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError:
            return "", ["file: not valid Unicode text"]
    else:
        raw = data
    if len(raw) > MAX_DOCUMENT_BYTES:
        return "", [f"file: at most {MAX_DOCUMENT_BYTES // 1000} kB (got {len(raw) / 1000:.0f} kB)"]
    if b"\0" in raw:
        return "", ["file: a binary file (it has NUL bytes); a document is plain text"]
    try:
        # utf-8-sig: a byte-order mark some editors write is not part of the text.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return "", [f"file: not UTF-8 text (byte {error.start} cannot be decoded)"]
    if not text.strip():
        return "", ["file: empty; a document needs its text"]
    return text, []


def metadata_problems(
    *, title: str, outlet: str, date: str, url: str | None, taken_titles: Iterable[str]
) -> list[str]:
    """Every problem with a document's metadata; `taken_titles` are the titles the same
    server already sees."""
    problems: list[str] = []
    _one_line(title, "title", MAX_TITLE, problems)
    _one_line(outlet, "outlet", MAX_OUTLET, problems)
    same = [taken for taken in taken_titles if title.strip() and fold(taken) == fold(title)]
    if same:
        problems.append(f"title: this server already has a document titled '{same[0]}'")
    if date_text(date) is None:
        problems.append(f"date: must be a date in the form YYYY-MM-DD, not '{date}'")
    if url is not None and url.strip():
        problems.extend(_url_problems(url.strip()))
    return problems


def date_text(value: object) -> str | None:
    """A date as YYYY-MM-DD, from that text or a TOML date; None if it is not one."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def _one_line(value: str, name: str, limit: int, problems: list[str]) -> None:
    text = value.strip()
    if not text:
        problems.append(f"{name}: required")
    elif len(text) > limit:
        problems.append(f"{name}: at most {limit} characters (got {len(text)})")
    elif any(ch in text for ch in "\r\n\0"):
        problems.append(f"{name}: must be one line")
    elif not is_unicode(text):
        problems.append(f"{name}: not valid Unicode text")


def _url_problems(url: str) -> list[str]:
    if len(url) > MAX_URL:
        return [f"url: at most {MAX_URL} characters"]
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        return [f"url: must be an http:// or https:// address, not '{url[:80]}'"]
    if any(ch.isspace() for ch in url):
        return ["url: must not contain spaces"]
    if not is_unicode(url):
        return ["url: not valid Unicode text"]
    return []
