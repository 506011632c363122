"""The fact model and the shapes the service hands to its front ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

# Guild scope of curated facts and sources: every server sees them.
GLOBAL = 0
# Discord ids (snowflakes) as this bot accepts them: 15 to 21 digits.
DISCORD_ID_RANGE = range(10**14, 10**21)

Origin = Literal["curated", "moderator"]


class FactKey(NamedTuple):
    """A fact as the database keys it: ids are unique within a guild scope, so two servers
    may each have a fact of one id."""

    guild_id: int
    id: str


@dataclass(frozen=True, slots=True)
class Source:
    """Someone who makes claims: an organisation, a government, a person, an outlet."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    part_of: str | None = None
    guild_id: int = GLOBAL

    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Fact:
    """One attributed claim and the question phrasings that lead to it."""

    id: str
    statement: str
    source: str
    questions: tuple[str, ...]
    reported_by: str | None = None
    quote: str | None = None
    date: str | None = None
    topics: tuple[str, ...] = ()
    # The points the fact speaks to: facts from different sources on one point are
    # answered together. A fact may belong to several.
    points: tuple[str, ...] = ()
    guild_id: int = GLOBAL
    origin: Origin = "curated"
    active: bool = True
    # The document the quote was checked against, verbatim, when the fact was written.
    document: str | None = None

    @property
    def key(self) -> FactKey:
        return FactKey(self.guild_id, self.id)

    @property
    def quote_verified(self) -> bool:
        """Whether the fact's quote stands checked: it has one, and cites its document."""
        return bool(self.quote) and self.document is not None

    def visible_in(self, guild_id: int) -> bool:
        """Whether a server sees the fact: its own, and the curated ones every server sees."""
        return self.guild_id in (GLOBAL, guild_id)


@dataclass(frozen=True, slots=True)
class Citation:
    """Who said something, as it is cited, who reported it and when; `bot.compose` words it."""

    source_id: str
    # The name as cited, with the organisation the source speaks for (`compose.cited_source`).
    source: str
    reported_by: str | None
    date: str | None

    def __post_init__(self) -> None:
        # The one rule the whole bot rests on: nothing is said without who said it.
        if not self.source.strip():
            raise ValueError("a citation needs a source")


@dataclass(frozen=True, slots=True)
class Answer:
    fact_id: str
    text: str
    citation: Citation
    quote: str | None
    score: float
    # Whether the quote was checked against the document the fact cites.
    quote_verified: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "fact_id": self.fact_id,
            "text": self.text,
            "source": self.citation.source,
            "reported_by": self.citation.reported_by,
            "quote": self.quote,
            "quote_verified": self.quote_verified,
            "date": self.citation.date,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    fact_id: str
    question: str

    def to_json(self) -> dict[str, Any]:
        return {"fact_id": self.fact_id, "question": self.question}


@dataclass(frozen=True, slots=True)
class Reach:
    """What a server's facts come from: the outlets of the documents they cite, in the
    order the documents were added, and the latest of their dates (YYYY-MM-DD)."""

    outlets: tuple[str, ...]
    as_of: str
    documents: int = 1

    @classmethod
    def of_article(cls, article: ArticleInfo) -> Reach:
        """The article alone: what the bot knows before any fact cites a document."""
        return cls((article.outlet,), article.date, 1)


# "unknown" may come with related facts: on the topic, but not what was asked. "help" is
# the reply to a greeting or a question about the bot itself.
Outcome = Literal["answered", "suggest", "unknown", "help"]


@dataclass(frozen=True, slots=True)
class AskResult:
    question: str
    outcome: Outcome
    message: str
    answers: tuple[Answer, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    # What the article does say on the topic, when it does not say what was asked, and
    # the line that says what it leaves out.
    related: tuple[Answer, ...] = ()
    not_said: str = ""
    # What the server's facts come from, for the line under an answer.
    reach: Reach | None = None

    @property
    def answered(self) -> bool:
        return self.outcome == "answered"

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answered": self.answered,
            "answers": [a.to_json() for a in self.answers],
            "suggestions": [s.to_json() for s in self.suggestions],
            "related": [a.to_json() for a in self.related],
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    guild_id: int
    action: str
    fact_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    question: str
    count: int
    first_asked: str
    last_asked: str


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """The one article, as article.toml describes it."""

    id: str
    title: str
    outlet: str
    date: str
    # What the article is about, as replies name it.
    topic: str
    summary: str
    text: str = field(repr=False)
    # Questions the article answers, to show how to ask.
    examples: tuple[str, ...] = ()
