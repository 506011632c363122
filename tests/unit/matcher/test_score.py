"""Scoring: skipping the literal similarity of phrasings that cannot lead changes nothing,
and neither does leaving out the facts the decision cannot weigh."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bench.synthetic import synthetic_facts
from bot.knowledge import Knowledge
from bot.matcher import MatchIndex
from bot.matcher.answerable import FactFeatures
from bot.matcher.decide import weighed_floor, window
from bot.matcher.score import SortedForms, _best_phrasing, sorted_form
from bot.matcher.structures import _Entry, _Names, _Record
from bot.models import GLOBAL, Fact
from tests.helpers import VALIDATION_QUESTIONS, questions_in

WORDS = ["who", "took", "the", "airport", "rebels", "city", "when", "aleppo", "army", "how"]


def entry_of(phrasings: list[str]) -> _Entry:
    fact = Fact("f", "A statement.", "afp", tuple(phrasings))
    record = _Record(fact, 0, (), b"", None, _Names(frozenset(), frozenset()), ())
    return _Entry(
        fact,
        {},
        tuple(b"" for _ in phrasings),
        255,
        FactFeatures(fact, lambda words: list(words)),
        record,
        0,
    )


def every_phrasing_tried(
    fits: list[float], phrasings: list[str], question: str
) -> tuple[float, float, int]:
    """The rule as written plainly: each phrasing in order, the first strictly better wins."""
    best_fit, best_literal, best_at = 0.0, 0.0, -1
    for at, text in enumerate(phrasings):
        literal = fuzz.ratio(question, sorted_form(text)) / 100.0
        if fits[at] + literal * 0.5 > best_fit + best_literal * 0.5:
            best_fit, best_literal, best_at = fits[at], literal, at
    return best_fit, best_literal, best_at


sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
# Fits from a few values, so that ties, which the first phrasing wins, are common.
fit_values = st.sampled_from([0.0, 0.2, 0.5, 0.5000001, 0.7, 1.0])


@settings(max_examples=1_000, deadline=None)
@given(
    pairs=st.lists(st.tuples(sentences, fit_values), min_size=1, max_size=8),
    question=sentences,
)
def test_the_best_phrasing_is_the_one_trying_every_phrasing_finds(
    pairs: list[tuple[str, float]], question: str
) -> None:
    phrasings = [text for text, _ in pairs]
    fits = [fit for _, fit in pairs]
    asked = sorted_form(question)
    expected = every_phrasing_tried(fits, phrasings, asked)
    assert _best_phrasing(entry_of(phrasings), fits, asked, SortedForms()) == expected


def test_a_phrasing_that_cannot_lead_is_never_compared_literally() -> None:
    entry = entry_of(["who took the airport", "what happened in the city", "when"])
    forms = SortedForms()
    question = sorted_form("who took the airport")
    fit, _, at = _best_phrasing(entry, [0.9, 0.1, 0.2], question, forms)
    assert (fit, at) == (0.9, 0)
    # The first leads with 0.9 + 0.5: the others, at most 0.2 + 0.5, are skipped.
    assert [forms.get(text) for text in entry.fact.questions] == [
        "airport the took who",
        None,
        None,
    ]


@pytest.fixture(scope="module")
def crowded(knowledge: Knowledge) -> MatchIndex:
    facts = [*knowledge.facts, *synthetic_facts(1_500, seed=11)]
    return MatchIndex(knowledge.lexicon, knowledge.sources, facts)


def test_a_fact_left_out_is_one_the_decision_never_weighs(crowded: MatchIndex) -> None:
    snapshot = crowded._snapshot
    scorer = crowded._scorer()
    policy = crowded.policy
    entries = [crowded._entry(record) for record in snapshot.entries.records()]
    left_out = 0
    for question in questions_in(VALIDATION_QUESTIONS)[:40]:
        for ask in crowded._read(snapshot, question, GLOBAL, crowded._worked_for(snapshot)):
            query = crowded._query(snapshot, ask, GLOBAL)
            if not query.weights:
                continue
            exact = scorer.score(entries, query)
            # The floor after the best facts, as the search has it after its first batches.
            floor = weighed_floor(exact[:3], policy)
            pruned = {m.fact.id: m for m in scorer.score(entries, query, floor)}
            for match in exact:
                kept = pruned.get(match.fact.id)
                if kept is None:
                    left_out += 1
                    assert not match.fact.points
                    assert match.coverage < policy.min_coverage or match.score < floor
                else:
                    assert kept == match
            assert window(exact, policy) == window(list(pruned.values()), policy)
    assert left_out > 1_000  # the test exercises the rule


def test_a_kept_sorted_form_is_the_one_rapidfuzz_would_compare(knowledge: Knowledge) -> None:
    # Kept forms skip rapidfuzz's processor: folded text is what it makes of it already.
    index = MatchIndex(knowledge.lexicon, knowledge.sources, knowledge.facts)
    tricky = Fact("tricky", "A statement.", "afp", ("???", "Maarat al-Nu'man’s fall?", "Ça va"))
    index.apply(upserts=[tricky])
    forms = SortedForms()
    for record in index._snapshot.entries.records():
        for at, phrasing in enumerate(record.fact.questions):
            folded = record.folded_phrasing(at)
            assert forms.add(phrasing, folded) == sorted_form(folded), phrasing
