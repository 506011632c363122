"""The report a draft is made from: its text and what is known about it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models import ArticleInfo


@dataclass(frozen=True, slots=True)
class Document:
    """A news report as received. `text` is kept exactly: every quote is a slice of it."""

    id: str
    title: str
    outlet: str
    date: str  # YYYY-MM-DD: the day the report was published
    text: str = field(repr=False)
    url: str | None = None

    @classmethod
    def from_article(cls, article: ArticleInfo, url: str | None = None) -> Document:
        return cls(article.id, article.title, article.outlet, article.date, article.text, url)
