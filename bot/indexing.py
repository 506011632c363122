"""The match index the service answers from: of every phrasing, or of only each fact's
first K (`eval --max-phrasings` measures how facts with few phrasings fare)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.knowledge import Lexicon
from bot.matcher import MatchIndex, MatchPolicy
from bot.models import Fact, Source


@dataclass(frozen=True, slots=True)
class IndexBuilder:
    lexicon: Lexicon
    policy: MatchPolicy | None = None
    phrasing_limit: int | None = None  # None: every phrasing

    def __call__(self, sources: Iterable[Source], facts: list[Fact]) -> MatchIndex:
        if self.phrasing_limit is None:
            return MatchIndex(self.lexicon, sources, facts, self.policy)
        return _PhrasingLimitedIndex(
            self.phrasing_limit,
            self.lexicon,
            sources,
            [_first_phrasings(fact, self.phrasing_limit) for fact in facts],
            self.policy,
        )


def _first_phrasings(fact: Fact, limit: int) -> Fact:
    if len(fact.questions) <= limit:
        return fact
    return dataclasses.replace(fact, questions=fact.questions[:limit])


class _PhrasingLimitedIndex(MatchIndex):
    """A match index that sees only each fact's first `limit` phrasings, for every fact that
    enters it (the first build and each later `apply`), so the service's writes need no
    change to honour `phrasing_limit`."""

    def __init__(self, limit: int, *args: Any, **kwargs: Any) -> None:
        self._phrasing_limit = limit  # before the base constructor applies the first facts
        super().__init__(*args, **kwargs)

    def apply(self, upserts: Iterable[Fact] = (), *args: Any, **kwargs: Any) -> None:
        limit = self._phrasing_limit
        super().apply([_first_phrasings(fact, limit) for fact in upserts], *args, **kwargs)
