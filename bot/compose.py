"""The words the bot shows, for every front end: dates, citations, fact cards, what the
article is, and the replies to questions.

Front ends add only their own shapes (a terminal's columns; Discord's embeds, escaping
and length limits), so a citation or a date reads the same wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from bot.documents.records import DocumentInfo
from bot.models import GLOBAL, Answer, ArticleInfo, AuditEntry, Citation, Fact, Reach, Suggestion
from bot.text import unenclosed

# What a fact card shows for a field the fact leaves empty.
NOTHING = "-"
REMOVED = "removed"
# The label of a fact card's question phrasings, shown after its details.
QUESTIONS = "Questions"
# A quote's label: verified only when it was checked against the document the fact cites.
QUOTE = "Quote"
UNVERIFIED_QUOTE = "Quote (unverified)"

# -- dates -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def human_date(iso: str | None) -> str:
    """A day as people write it ("1 March 2024"); "undated" for none, as it is if malformed."""
    if not iso:
        return "undated"
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def change_time(stamp: str) -> str:
    """When a change was made, to the minute, in UTC and in one word, so a history line
    splits into columns: "2024-03-01T14:05Z". The stamp as it is if malformed."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M}Z"


# -- the article -----------------------------------------------------------------------


def article_byline(article: ArticleInfo) -> str:
    """Who published the article and when: "Outlet, 1 March 2024"."""
    return f"{article.outlet}, {human_date(article.date)}"


def article_description(article: ArticleInfo) -> str:
    """What the bot knows about: "the topic (Outlet, 1 March 2024)"."""
    return f"{article.topic} ({article_byline(article)})"


def outlets_text(outlets: Sequence[str]) -> str:
    """Outlets as a sentence names them: "A", "A and B", "A, B and C"."""
    if len(outlets) <= 1:
        return "".join(outlets)
    return f"{', '.join(outlets[:-1])} and {outlets[-1]}"


def reach_line(reach: Reach) -> str:
    """Where the facts come from and how recent they are: "From Outlet and Wire reports,
    as of 2 March 2024"."""
    return f"From {outlets_text(reach.outlets)} reports, as of {human_date(reach.as_of)}"


def reach_clause(topic: str, reach: Reach) -> str:
    """All the bot knows, as a clause: "what Outlet reported on 1 March 2024 about the
    topic"; from several documents, "what Outlet and Wire reported about the topic, as of …"."""
    outlets = outlets_text(reach.outlets)
    if reach.documents <= 1:
        return f"what {outlets} reported on {human_date(reach.as_of)} about {topic}"
    return f"what {outlets} reported about {topic}, as of {human_date(reach.as_of)}"


def article_reach(article: ArticleInfo) -> str:
    """What the article alone says, as a clause (`reach_clause` of the article)."""
    return reach_clause(article.topic, Reach.of_article(article))


def program_description(article: ArticleInfo | None) -> str:
    """The bot in one line, for `--help`; without an article, what is true of any."""
    if article is None:
        return "factbot: attributed answers about one news article."
    return f"factbot: attributed answers about {article_description(article)}."


def dated_footer(reach: Reach) -> str:
    """Under every answer: the answer is only as recent as the latest document."""
    return f"{reach_line(reach)}. Events have moved on since."


def caveat(reach: Reach) -> str:
    return (
        f"I only know what {outlets_text(reach.outlets)} reported, as of "
        f"{human_date(reach.as_of)}. Events have moved on since then; check current news "
        "for what happened next."
    )


# -- citations and quotes --------------------------------------------------------------


def cited_source(name: str, parent: str | None) -> str:
    """A source as cited: a person with the organisation they speak for, if any."""
    return f"{name} ({parent})" if parent else name


def citation_text(citation: Citation) -> str:
    """Who said it, who reported it (when not the same), when: "Source, reported by Outlet,
    1 March 2024"."""
    parts = [citation.source]
    if citation.reported_by and citation.reported_by != citation.source:
        parts.append(f"reported by {citation.reported_by}")
    parts.append(human_date(citation.date))
    return ", ".join(parts)


# Marks inside a quote turn single when the whole is put in double marks.
_NESTED = str.maketrans({"“": "‘", "”": "’", '"': "'"})


def quoted(quote: str) -> str:
    """The quote in double marks, the marks inside it turned single, as nesting wants."""
    return f"“{unenclosed(quote).translate(_NESTED)}”"


def quote_label(verified: bool) -> str:
    return QUOTE if verified else UNVERIFIED_QUOTE


def document_text(fact: Fact, document: DocumentInfo | None) -> str:
    """The document a fact cites (`document`, when the server sees it) and whether its
    quote was checked against it."""
    if fact.document is None:
        return "none; the quote is unverified" if fact.quote else "none; unverified"
    if document is None:
        return f"{fact.document}, no longer here; unverified"
    cited = f"{document.title} ({document.outlet}, {human_date(document.date)})"
    return f"{cited}; quote verified" if fact.quote_verified else f"{cited}; no quote, unverified"


# -- facts, as moderators see them -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Detail:
    label: str
    value: str
    # Short enough to stand beside another detail rather than on a line of its own.
    brief: bool = False


@dataclass(frozen=True, slots=True)
class FactCard:
    """One fact in full: a heading, the statement, labelled details, the phrasings."""

    heading: str
    statement: str
    details: tuple[Detail, ...]
    questions: tuple[str, ...]


def fact_heading(fact: Fact) -> str:
    """The fact's id, marked when it is removed."""
    return fact.id if fact.active else f"{fact.id} ({REMOVED})"


def fact_scope(fact: Fact) -> str:
    """Which servers see the fact: the shared scope is every server, curated or not."""
    if fact.guild_id != GLOBAL:
        return "this server"
    return "curated, every server" if fact.origin == "curated" else "every server"


def fact_card(fact: Fact, citation: Citation, document: DocumentInfo | None = None) -> FactCard:
    """The card; `document` is the one the fact's quote was checked against, if any."""
    details = (
        Detail("Source", citation_text(citation)),
        Detail(quote_label(fact.quote_verified), quoted(fact.quote) if fact.quote else NOTHING),
        Detail("Document", document_text(fact, document)),
        Detail("Topics", ", ".join(fact.topics) or NOTHING, brief=True),
        Detail("Point", ", ".join(fact.points) or NOTHING, brief=True),
        Detail("Scope", fact_scope(fact), brief=True),
    )
    return FactCard(fact_heading(fact), fact.statement, details, fact.questions)


def card_text(card: FactCard) -> str:
    """The card as plain text, in columns, labels as the command-line options that set them."""
    lines = [
        _column("id", card.heading),
        _column("statement", card.statement),
        *(_column(detail.label.lower(), detail.value) for detail in card.details),
        f"{QUESTIONS.lower()}:",
        *(f"  - {q}" for q in card.questions),
    ]
    return "\n".join(lines)


def _column(label: str, value: str) -> str:
    return f"{label + ':':<12} {value}"


def fact_entry(fact: Fact) -> str:
    """A fact in a plain-text list: heading, source and scope, then the statement."""
    return f"{fact_heading(fact)}  ({fact.source}; {fact_scope(fact)})\n    {fact.statement}"


def change_entry(entry: AuditEntry) -> str:
    """One change in a plain-text history; `undo` takes the number it starts with."""
    return f"#{entry.id}  {change_time(entry.at)}  {entry.action:<14} by {entry.actor}"


# -- replies to questions --------------------------------------------------------------


def answers_text(answers: Sequence[Answer]) -> str:
    blocks = []
    for answer in answers:
        lines = [answer.text, f"  Source: {citation_text(answer.citation)}"]
        if answer.quote:
            lines.append(f"  {quote_label(answer.quote_verified)}: {quoted(answer.quote)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def suggestions_text(suggestions: Sequence[Suggestion]) -> str:
    options = "\n".join(f"  {n}. {s.question}" for n, s in enumerate(suggestions, start=1))
    return f"I'm not sure which of these you mean:\n{options}"


def unknown_text(article: ArticleInfo, reach: Reach | None = None) -> str:
    known = reach_clause(article.topic, reach or Reach.of_article(article))
    return f"The article doesn't say. I only know {known}."


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


def help_text(article: ArticleInfo, fact_count: int, reach: Reach | None = None) -> str:
    examples = " or ".join(f"“{example}”" for example in article.examples[:2])
    for_example = f", for example {examples}" if examples else ""
    known = reach_clause(article.topic, reach or Reach.of_article(article))
    return (
        f"I answer questions about one news story: {known}. I know "
        f"{fact_count} facts, each with who claimed it. Ask in your own words{for_example}. "
        "When the article doesn't say, I tell you so, and what it does say instead."
    )
