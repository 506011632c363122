"""The match index the service answers from: of every phrasing, or of only each fact's
first K (`eval --max-phrasings` measures how facts with few phrasings fare)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge import Lexicon
from bot.matcher import MatchIndex, MatchPolicy
from bot.models import Fact, Source


@dataclass(frozen=True, slots=True)
class IndexBuilder:
    lexicon: Lexicon
    policy: MatchPolicy | None = None
    phrasing_limit: int | None = None  # None: every phrasing

    def __call__(self, sources: Iterable[Source], facts: list[Fact]) -> MatchIndex:
        return MatchIndex(self.lexicon, sources, facts, self.policy, self.phrasing_limit)
