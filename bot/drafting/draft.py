"""A drafted fact, waiting for a person to approve it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.models import Fact
from bot.records import fact_record


@dataclass(frozen=True, slots=True)
class Draft:
    id: str
    # Verbatim: document.text[start:end] == quote.
    quote: str
    start: int
    end: int
    # A known source's id, or the id proposed for a new source named `source_name`.
    source: str
    source_name: str
    new_source: bool
    # The report's words for the claimant ("the monitor", "it"); empty in the reporter's voice.
    claimant_words: str
    statement: str
    date: str
    reported_by: str
    questions: tuple[str, ...]
    topics: tuple[str, ...] = ()
    points: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The fields of `facts export`, so `facts import` takes the draft as it is."""
        fact = Fact(
            id=self.id,
            statement=self.statement,
            source=self.source,
            questions=self.questions,
            reported_by=self.reported_by,
            quote=self.quote,
            date=self.date,
            topics=self.topics,
            points=self.points,
        )
        return fact_record(fact)
