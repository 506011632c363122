"""What a moderator sends for a new fact or an edit, before the service checks it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FactDraft:
    """What a moderator supplies for a new fact, or the fields an edit changes."""

    statement: str | None = None
    source: str | None = None
    questions: tuple[str, ...] | None = None
    reported_by: str | None = None
    quote: str | None = None
    date: str | None = None
    topics: tuple[str, ...] | None = None
    # The points the fact shares with facts from other sources: one id, or several
    # (at most four); an empty tuple takes the fact out of every point.
    point: tuple[str, ...] | str | None = None
    # The id of the document the quote is checked against; "" cites none.
    document: str | None = None

    @classmethod
    def from_fields(
        cls,
        *,
        questions: str | None = None,
        topics: str | None = None,
        point: str | None = None,
        document: str | None = None,
        **fields: str | None,
    ) -> FactDraft:
        """A draft from fields as a moderator types them on one line: questions separated
        by "|", topics and points by ","; a point or document of "-" means none. A field
        left out (None) is not changed."""
        return cls(
            questions=tuple(questions.split("|")) if questions is not None else None,
            topics=tuple(topics.split(",")) if topics is not None else None,
            point=_points(point) if point is not None else None,
            document=("" if document.strip() == "-" else document)
            if document is not None
            else None,
            **fields,
        )

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


def _points(text: str) -> tuple[str, ...]:
    if text.strip() == "-":
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())
