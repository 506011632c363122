"""Spelling against the facts' own words, and what is kept of it."""

from __future__ import annotations

from bot.knowledge import Knowledge
from bot.matcher import MatchIndex
from bot.models import GLOBAL


def test_a_misspelling_becomes_the_base_s_word(knowledge: Knowledge) -> None:
    index = MatchIndex(knowledge.lexicon, knowledge.sources, knowledge.facts)
    vocabulary, snapshot = index._queries.vocabulary, index._snapshot
    assert vocabulary.correct(snapshot, "airprot", GLOBAL) == "airport"
    assert vocabulary.correct(snapshot, "airport", GLOBAL) == "airport"


def test_what_is_kept_starts_afresh_when_full_and_keeps_the_newest(knowledge: Knowledge) -> None:
    index = MatchIndex(knowledge.lexicon, knowledge.sources, knowledge.facts)
    vocabulary, snapshot = index._queries.vocabulary, index._snapshot
    for number in range(50_010):
        vocabulary.correct(snapshot, f"w{number}", GLOBAL)
    kept = snapshot.corrections[GLOBAL]
    assert len(kept) <= 50_000
    # A costly correction asked now is kept, however many words came before it.
    assert vocabulary.correct(snapshot, "airprot", GLOBAL) == "airport"
    assert kept.get("airprot") == "airport"
