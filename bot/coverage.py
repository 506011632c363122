"""What a server's facts come from: the documents they cite, the outlets that published
them and the latest date, which is as recent as anything the bot says can be."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.documents.records import DocumentInfo
from bot.models import ArticleInfo, Reach, Source


@dataclass(frozen=True, slots=True)
class About:
    title: str
    outlet: str
    date: str
    summary: str
    fact_count: int
    sources: tuple[tuple[Source, int], ...]
    # The documents the server's facts cite, and what they add up to.
    documents: tuple[DocumentInfo, ...] = ()
    reach: Reach | None = None


def about_of(
    article: ArticleInfo,
    counts: Sequence[tuple[Source, int]],
    documents: Sequence[DocumentInfo],
) -> About:
    """What /about shows: the article, the facts by source, the documents they cite."""
    return About(
        title=article.title,
        outlet=article.outlet,
        date=article.date,
        summary=article.summary,
        fact_count=sum(count for _, count in counts),
        sources=tuple(counts),
        documents=tuple(documents),
        reach=reach_of(documents, article),
    )


def reach_of(documents: Sequence[DocumentInfo], article: ArticleInfo) -> Reach:
    """The outlets of `documents` (each once, in the order given) and their latest date;
    the article's, when no fact cites a document."""
    if not documents:
        return Reach.of_article(article)
    outlets = tuple(dict.fromkeys(document.outlet for document in documents))
    return Reach(outlets, max(document.date for document in documents), len(documents))


class ReachCache:
    """Each server's reach, worked out once from the database and kept until a write or a
    refresh may have changed which documents its facts cite: answers read it every time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._reaches: dict[int, Reach] = {}

    def get(self, guild_id: int, compute: Callable[[], Reach]) -> Reach:
        with self._lock:
            cached, generation = self._reaches.get(guild_id), self._generation
        if cached is not None:
            return cached
        reach = compute()
        with self._lock:
            # Kept only if nothing was forgotten meanwhile: it may predate a write.
            if generation == self._generation:
                self._reaches[guild_id] = reach
        return reach

    def forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._reaches = {}
