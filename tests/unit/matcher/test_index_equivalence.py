"""The candidate index changes no answer: the indexed and the exact (score every fact) paths
agree, and an index updated in place is the index built afresh from the final facts."""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import synthetic_facts, synthetic_questions
from bot.knowledge import Knowledge
from bot.matcher import Decision, Match, MatchIndex, MatchPolicy
from bot.matcher import index as matcher
from bot.matcher.answerable import Premise
from bot.matcher.decide import decide
from bot.matcher.query import _Query
from bot.models import GLOBAL, Fact
from tests.helpers import SHARED_EVAL, VALIDATION_QUESTIONS, questions_in

GUILD = 4242


def question_sets() -> list[object]:
    dev = SHARED_EVAL / "dev-questions.jsonl"
    marks = [] if dev.exists() else [pytest.mark.skip(reason=f"{dev} is absent")]
    return [
        pytest.param(questions_in(VALIDATION_QUESTIONS), id="validation"),
        pytest.param(questions_in(dev) if dev.exists() else [], id="dev", marks=marks),
    ]


def outcome(decision: Decision) -> tuple[str, list[str]]:
    return decision.outcome, [match.fact.id for match in decision.matches]


def disagreements(index: MatchIndex, questions: list[str], guild_id: int) -> list[str]:
    """Questions whose indexed decision differs from the exact one (with both decisions)."""
    found = []
    for question in questions:
        indexed = outcome(index.match(question, guild_id))
        exact = outcome(index.match(question, guild_id, exact=True))
        if indexed != exact:
            found.append(f"{question!r}: indexed {indexed}, exact {exact}")
    return found


@pytest.fixture(scope="module")
def shipped(knowledge: Knowledge) -> MatchIndex:
    return MatchIndex(knowledge.lexicon, knowledge.sources, knowledge.facts)


@pytest.fixture(scope="module")
def crowded(knowledge: Knowledge) -> MatchIndex:
    """The shipped base plus 2,000 synthetic facts that one server added."""
    extra = synthetic_facts(2_000, guild_id=GUILD)
    return MatchIndex(knowledge.lexicon, knowledge.sources, [*knowledge.facts, *extra])


@pytest.mark.parametrize("questions", question_sets())
def test_indexed_and_exact_agree_on_the_shipped_base(
    shipped: MatchIndex, questions: list[str]
) -> None:
    assert disagreements(shipped, questions, GLOBAL) == []


@pytest.mark.parametrize("questions", question_sets())
def test_they_agree_when_another_server_adds_thousands_of_facts(
    crowded: MatchIndex, questions: list[str]
) -> None:
    # The other server's facts change word weights and the spelling vocabulary for
    # everyone, and fill the posting lists the index reads; the answers must not move.
    assert disagreements(crowded, questions, GLOBAL) == []


@pytest.mark.slow
@pytest.mark.parametrize("questions", question_sets())
def test_in_the_crowded_server_every_proven_answer_is_the_exact_one(
    crowded: MatchIndex, questions: list[str]
) -> None:
    # Here 2,043 facts compete and the index scores a few dozen. A search that cannot prove
    # its decision within its budget of scored facts falls back to the best by overlap and
    # is counted; every other one must be exactly the full scoring's decision.
    asked = [*questions, *synthetic_questions(synthetic_facts(2_000), 60, seed=3)]
    wrong, capped = [], 0
    for question in asked:
        before = crowded.capped_searches
        indexed = outcome(crowded.match(question, GUILD))
        exact = outcome(crowded.match(question, GUILD, exact=True))
        if crowded.capped_searches > before:
            capped += 1
        elif indexed != exact:
            wrong.append(f"{question!r}: indexed {indexed}, exact {exact}")
    assert wrong == []
    assert capped <= len(asked) // 4, "the index should settle most questions"


POLICIES = {
    "tiny-budget": {"candidate_limit": 2},
    "lenient-conflicts": {"conflict_factor": 0.5, "narrow_credit": 1.0},
    "wide-answers": {"alongside": 0.3, "max_answers": 5, "max_suggestions": 5},
    "no-vague-rule": {"min_information": 0.0, "margin": 0.0},
}


@pytest.mark.parametrize("changes", POLICIES.values(), ids=POLICIES.keys())
def test_the_proof_holds_whatever_the_policy(knowledge: Knowledge, changes: dict[str, Any]) -> None:
    policy = dataclasses.replace(MatchPolicy(), **changes)
    index = MatchIndex(knowledge.lexicon, knowledge.sources, knowledge.facts, policy)
    questions = questions_in(VALIDATION_QUESTIONS)
    wrong = []
    for question in questions:
        before = index.capped_searches
        indexed = outcome(index.match(question))
        if index.capped_searches == before and indexed != outcome(
            index.match(question, exact=True)
        ):
            wrong.append(question)
    assert wrong == []


@pytest.mark.slow
def test_the_proof_holds_when_it_may_stop_after_any_fact(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scored one fact at a time, the search stops at the first moment its proof allows,
    # which is where a flaw in the proof would show. Twins (facts asked almost the same
    # way) put close rivals and facts answered alongside at the edge of what was scored.
    monkeypatch.setattr(matcher, "_FIRST_BATCH", 1)
    monkeypatch.setattr(matcher, "_BUDGET_FACTOR", 10_000)
    facts = synthetic_facts(600)
    twins = [
        dataclasses.replace(
            fact,
            id=f"{fact.id}-twin",
            statement=f"{fact.statement} Others gave another figure.",
            questions=tuple(q.replace(" in ", " near ", 1) for q in fact.questions),
        )
        for fact in facts[:40]
    ]
    index = MatchIndex(knowledge.lexicon, knowledge.sources, [*knowledge.facts, *facts, *twins])
    rng = random.Random(7)
    known = [*knowledge.facts, *facts[:100]]
    words = sorted({word for fact in known for q in fact.questions for word in q.split()})
    questions = [
        *questions_in(VALIDATION_QUESTIONS),
        *(" ".join(rng.sample(words, rng.randint(1, 4))) for _ in range(150)),
        *(question for fact in facts[:20] for question in fact.questions[:3]),
    ]
    assert disagreements(index, questions, GLOBAL) == []
    assert index.capped_searches == 0


def _plain_query(weights: dict[str, float]) -> _Query:
    """A question with these term weights that takes nothing for granted."""
    premise = Premise(
        kind="other",
        numbers=frozenset(),
        known_terms=frozenset(weights),
        weights=weights,
        actors=(),
        named_actors=frozenset(),
        harm=frozenset(),
        outcomes=(),
        speakers=(),
        counted_harm=frozenset(),
        short_words=frozenset(),
        offers_choice=False,
    )
    return _Query("q", weights, frozenset(), frozenset(), premise)


def _fact(fact_id: str, point: str | None) -> Fact:
    return Fact(fact_id, "A statement.", "afp", ("a question",), points=(point,) if point else ())


scores = st.floats(0.0, 1.1, allow_nan=False)
fractions = st.floats(0.0, 1.0, allow_nan=False)
points = st.sampled_from([None, "p", "q"])


@settings(max_examples=4_000, deadline=None)
@given(
    known=st.lists(st.tuples(scores, fractions, points), max_size=6),
    everything_scored=st.booleans(),
    # The ceilings sit near the best score and near the coverage threshold, and the facts
    # not scored just under them: close calls are where a wrong rule would show.
    gap=st.floats(-0.1, 0.3),
    coverage=st.floats(0.5, 1.0),
    unknown=st.lists(st.tuples(st.floats(0.0, 0.1), st.floats(0.0, 0.3), points), max_size=5),
    weight=st.floats(0.1, 3.0),
)
def test_the_stopping_rule_never_changes_the_decision(
    shipped: MatchIndex,
    known: list[tuple[float, float, str | None]],
    everything_scored: bool,
    gap: float,
    coverage: float,
    unknown: list[tuple[float, float, str | None]],
    weight: float,
) -> None:
    # Straight against _decide: whenever _settled says the facts scored so far decide, the
    # facts not scored (at most `ceiling`, at most `coverage`, none sharing a point with an
    # on-topic fact, since the search scores those) must leave the decision as it is.
    ranked = sorted(
        (Match(_fact(f"k{i}", p), s, c, "") for i, (s, c, p) in enumerate(known)),
        key=lambda m: (-m.score, m.fact.id),
    )
    if everything_scored:
        ceiling, unknown = -math.inf, []
    else:
        ceiling = max((ranked[0].score if ranked else 0.5) - gap, 0.0)
    query = _plain_query({"term": weight})
    if not shipped._settled(ranked, ceiling, coverage, query):
        return
    # The search scores the same-point siblings of every on-topic fact it has scored.
    on_topic = [m for m in ranked if m.coverage >= shipped.policy.min_coverage]
    best_points = {point for m in on_topic for point in m.fact.points}
    hidden = [
        Match(_fact(f"u{i}", p), max(ceiling - below, 0.0), max(coverage - less, 0.0), "")
        for i, (below, less, p) in enumerate(unknown)
        if p is None or p not in best_points
    ]
    everything = sorted([*ranked, *hidden], key=lambda m: (-m.score, m.fact.id))
    assert outcome(shipped._decide(ranked, query)) == outcome(shipped._decide(everything, query))


@settings(max_examples=2_000, deadline=None)
@given(
    facts=st.lists(st.tuples(scores, fractions, points, st.booleans(), fractions), max_size=8),
    speakers=st.booleans(),
    weight=st.floats(0.1, 3.0),
)
def test_judging_only_the_facts_the_rule_reads_changes_no_decision(
    shipped: MatchIndex,
    facts: list[tuple[float, float, str | None, bool, float]],
    speakers: bool,
    weight: float,
) -> None:
    # The search leaves whether a fact answers to the rule, which asks it of the facts it
    # reads, one by one. That must decide as if every fact had been judged beforehand.
    judged = sorted(
        (
            Match(_fact(f"k{i}", p), s, c, "", answers=a, grounded=g)
            for i, (s, c, p, a, g) in enumerate(facts)
        ),
        key=lambda m: (-m.score, m.fact.id),
    )
    query = _plain_query({"term": weight})
    if speakers:
        query = dataclasses.replace(
            query, premise=dataclasses.replace(query.premise, speakers=(frozenset({"sohr"}),))
        )
    scored = [dataclasses.replace(m, answers=False, grounded=0.0) for m in judged]
    verdict = {id(m): j for m, j in zip(scored, judged, strict=True)}
    lazily = decide(scored, query, shipped.policy, lambda m: verdict[id(m)])
    assert outcome(lazily) == outcome(decide(judged, query, shipped.policy))


def _match(fact_id: str, score: float, coverage: float) -> Match:
    return Match(_fact(fact_id, None), score, coverage, "")


def close_calls(policy: MatchPolicy) -> dict[str, tuple[list[Match], float, list[Match]]]:
    """(scored facts, ceiling, a fact not scored that changes the decision), per trap."""
    sure = min(policy.sure_score + policy.alongside, 1.0)
    edge = (policy.answer_score + policy.sure_score) / 2  # answered only if clearly ahead
    doubtful = (policy.suggest_score + policy.answer_score) / 2  # choices offered
    near = policy.alongside / 2
    # Too close for a clear answer, yet too far to be answered alongside, where there is room.
    behind = (policy.alongside + policy.margin) / 2 if policy.margin > policy.alongside else near
    return {
        "answered-alongside": (
            [_match("k0", sure, 1.0)],
            sure - near,
            [_match("u0", sure - near, 1.0)],
        ),
        "runner-up-too-close": (
            [_match("k0", edge, 1.0)],
            edge - behind,
            # On the topic: only on-topic facts are rivals.
            [_match("u0", edge - behind, 1.0)],
        ),
        "second-choice": (
            [_match("k0", doubtful, 1.0), _match("k1", doubtful - 0.3, 1.0)],
            doubtful - 0.1,
            [_match("u0", doubtful - 0.1, 1.0)],
        ),
    }


@pytest.mark.parametrize("trap", ["answered-alongside", "runner-up-too-close", "second-choice"])
def test_the_stopping_rule_waits_for_a_fact_that_would_change_the_decision(
    shipped: MatchIndex, trap: str
) -> None:
    policy = shipped.policy
    ranked, ceiling, hidden = close_calls(policy)[trap]
    query = _plain_query({"term": policy.min_information + 1.0})
    everything = sorted([*ranked, *hidden], key=lambda m: (-m.score, m.fact.id))
    # The trap is real: the fact not scored does change the decision...
    assert outcome(shipped._decide(ranked, query)) != outcome(shipped._decide(everything, query))
    # ...so the search must not stop there, and may once the ceiling is below it.
    assert not shipped._settled(ranked, ceiling, 1.0, query)
    assert shipped._settled(ranked, -math.inf, 1.0, query)


# -- updating in place ------------------------------------------------------------------


def edited(fact: Fact, number: int) -> Fact:
    """A moderator's edit: new wording, a new phrasing, a point, another source."""
    return dataclasses.replace(
        fact,
        statement=f"{fact.statement} Update {number}: the Observatory revised the toll.",
        questions=(*fact.questions[1:], f"what was revised in update {number}"),
        points=(f"update-{number % 3}",),
        source="sohr" if fact.source != "sohr" else "afp",
    )


def fingerprint(index: MatchIndex) -> dict[str, object]:
    """The index's contents by fact id, whatever slots the facts were given."""
    snapshot = index._snapshot
    entries = snapshot.entries
    postings = {
        term: {
            scope: sorted(entries.at(slot).fact.id for slot in slots)
            for scope, slots in posting.scopes.items()
        }
        for term, posting in snapshot.postings.items()
    }
    return {
        "facts": sorted(entries),
        "postings": postings,
        "sizes": {term: len(posting) for term, posting in snapshot.postings.items()},
        "scopes": {s: sorted(entries.at(i).fact.id for i in v) for s, v in snapshot.scopes.items()},
        "points": snapshot.points,
        "word_counts": snapshot.word_counts,
        "vocabulary": snapshot.vocabulary,
        "records": {
            r.fact.id: (r.fact, r.terms, r.names, index._entry(r)) for r in entries.records()
        },
    }


def test_apply_in_place_equals_a_fresh_build(knowledge: Knowledge) -> None:
    synthetic = synthetic_facts(300, guild_id=GUILD)
    rng = random.Random(11)
    curated = list(knowledge.facts)
    index = MatchIndex(knowledge.lexicon, knowledge.sources, [*curated, *synthetic[:250]])
    final: dict[str, Fact] = {fact.id: fact for fact in [*curated, *synthetic[:250]]}

    for fact in synthetic[250:]:  # added one by one, as moderators do
        index.apply(upserts=[fact])
        final[fact.id] = fact
    for number, fact in enumerate(rng.sample([*curated, *synthetic], 25)):
        change = edited(final[fact.id], number)
        index.apply(upserts=[change])
        final[fact.id] = change
    gone = rng.sample(sorted(final), 30)
    index.apply(removals=[final[i].key for i in gone[:15]])
    index.apply(upserts=[dataclasses.replace(final[i], active=False) for i in gone[15:]])
    removed = {fact_id: final.pop(fact_id) for fact_id in gone}
    # A removed fact restored goes to the end, in the index as in a dict.
    index.apply(upserts=[removed[gone[0]]])
    final[gone[0]] = removed[gone[0]]
    # One batch mixing everything, with one fact named twice: the last word wins.
    twice, other, dropped = [f for f in synthetic if f.id in final and f.id != gone[0]][:3]
    index.apply(
        upserts=[edited(final[twice.id], 90), edited(final[twice.id], 91), other],
        removals=[dropped.key],
    )
    final[twice.id] = edited(final[twice.id], 91)
    final[other.id] = other
    del final[dropped.id]

    fresh = MatchIndex(knowledge.lexicon, knowledge.sources, list(final.values()))
    assert fingerprint(index) == fingerprint(fresh)
    questions = [
        *questions_in(VALIDATION_QUESTIONS),
        *synthetic_questions(list(final.values()), 80, seed=5),
    ]
    for guild_id in (GLOBAL, GUILD):
        for question in questions:
            assert index.match(question, guild_id) == fresh.match(question, guild_id), question


def test_a_changed_source_reindexes_its_facts(knowledge: Knowledge) -> None:
    index = MatchIndex(knowledge.lexicon, knowledge.sources, knowledge.facts)
    renamed = [
        dataclasses.replace(s, aliases=(*s.aliases, "the watchdog")) if s.id == "sohr" else s
        for s in knowledge.sources
    ]
    index.set_sources(renamed)
    fresh = MatchIndex(knowledge.lexicon, renamed, knowledge.facts)
    assert fingerprint(index) == fingerprint(fresh)


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_choices_offer_the_best_and_as_many_rivals_as_the_policy_allows(
    shipped: MatchIndex, limit: int
) -> None:
    # Six facts on the topic, close together, none clearly ahead: "did you mean" offers
    # the first `max_suggestions` of them, best first.
    policy = dataclasses.replace(shipped.policy, max_suggestions=limit)
    close = [Match(_fact(f"k{i}", None), policy.answer_score - 0.01 * i, 1.0, "") for i in range(6)]
    decision = decide(close, _plain_query({"term": 2.0}), policy)
    assert outcome(decision) == ("suggest", [f"k{i}" for i in range(limit)])
