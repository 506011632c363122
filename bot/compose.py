"""The words of the bot's replies, shared by every front end."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from bot.models import Answer, ArticleInfo, Suggestion
from bot.text import unenclosed


@functools.lru_cache(maxsize=256)
def human_date(iso: str | None) -> str:
    if not iso:
        return "undated"
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def citation_text(answer: Answer) -> str:
    citation = answer.citation
    parts = [f"Source: {citation.source}"]
    if citation.reported_by and citation.reported_by != citation.source:
        parts.append(f"reported by {citation.reported_by}")
    parts.append(human_date(citation.date))
    return " · ".join(parts)


# Marks inside a quote turn single when the whole is put in double marks.
_NESTED = str.maketrans({"“": "‘", "”": "’", '"': "'"})


def quoted(quote: str) -> str:
    """The quote in double marks, the marks inside it turned single, as nesting wants."""
    return f"“{unenclosed(quote).translate(_NESTED)}”"


def answers_text(answers: Sequence[Answer]) -> str:
    blocks = []
    for answer in answers:
        lines = [answer.text, f"  {citation_text(answer)}"]
        if answer.quote:
            lines.append(f"  Quote: {quoted(answer.quote)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def suggestions_text(suggestions: Sequence[Suggestion]) -> str:
    options = "\n".join(f"  {n}. {s.question}" for n, s in enumerate(suggestions, start=1))
    return f"I'm not sure which of these you mean:\n{options}"


def unknown_text(article: ArticleInfo) -> str:
    return (
        f"The article doesn't say. I only know what {article.outlet} reported on "
        f"{human_date(article.date)} about {article.topic}."
    )


# What the article leaves out, by what the question asked for.
_NOT_SAID = {
    "count": "The article doesn't give that figure.",
    "date": "The article doesn't give that date.",
    "time": "The article doesn't say when.",
    "duration": "The article doesn't say how long.",
    "reason": "The article doesn't say why.",
    "agent": "The article doesn't say who did that.",
    "name": "The article doesn't give that name.",
    "expansion": "The article doesn't say what that stands for.",
}


def not_said_heading(kind: str) -> str:
    """The first line of a reply that is on the topic but not what was asked."""
    return _NOT_SAID.get(kind, "The article doesn't say that.")


def related_text(heading: str, related: Sequence[Answer]) -> str:
    return f"{heading} What it does say:\n\n{answers_text(related)}"


def help_text(article: ArticleInfo, fact_count: int) -> str:
    return (
        f"I answer questions about one news story: what {article.outlet} reported on "
        f"{human_date(article.date)} about {article.topic}. I know "
        f"{fact_count} facts, each with who claimed it. Ask in your own words, for example "
        "“did the rebels take the airport?” or “how many civilians were killed?”. "
        "When the article doesn't say, I tell you so, and what it does say instead."
    )
