"""Two servers' facts and sources of one id, held apart in one index: each server is
answered from its own, on the candidate path as on the exact one."""

from __future__ import annotations

from bot.matcher import Decision, MatchIndex
from bot.models import Fact, FactKey, Source
from tests.unit.matcher.test_index import tiny_lexicon

ONE, TWO, THREE = 7, 8, 9
QUESTIONS = ("is the water cut", "what did the town watch say", "what did the river post say")


def water(guild_id: int, statement: str) -> Fact:
    return Fact(
        "water-cut",
        statement,
        "local-monitor",
        ("is the water cut", "was the water supply cut"),
        guild_id=guild_id,
        origin="moderator",
    )


def sources() -> list[Source]:
    """Each server's own source, under one id and two names."""
    return [
        Source("afp", "AFP"),
        Source("local-monitor", "Town Watch", guild_id=ONE),
        Source("local-monitor", "River Post", guild_id=TWO),
    ]


def answer(decision: Decision) -> list[str]:
    return [match.fact.statement for match in decision.matches]


def scored(decision: Decision) -> list[tuple[str, int, float]]:
    return [(m.fact.id, m.fact.guild_id, round(m.score, 9)) for m in decision.matches]


def test_facts_of_one_id_in_two_servers_answer_each_its_own() -> None:
    one = water(ONE, "Water was cut in the east, the town watch said.")
    two = water(TWO, "Water was cut in the west, the river post said.")
    index = MatchIndex(tiny_lexicon(), sources(), [one, two])
    assert len(index) == 2
    assert answer(index.match("is the water cut", ONE)) == [one.statement]
    assert answer(index.match("is the water cut", TWO)) == [two.statement]
    assert index.match("is the water cut", THREE).outcome == "unknown"
    assert index.fact("water-cut", ONE) == one
    assert index.fact("water-cut", TWO) == two
    assert index.fact("water-cut", THREE) is None
    # The candidate path decides as scoring every visible fact does.
    for question in QUESTIONS:
        for guild in (ONE, TWO, THREE):
            exact = index.match(question, guild, exact=True)
            assert scored(index.match(question, guild)) == scored(exact), (question, guild)


def test_a_fact_is_named_by_its_source_as_its_own_server_has_it() -> None:
    one = water(ONE, "Water was cut in the east.")
    two = water(TWO, "Water was cut in the west.")
    index = MatchIndex(tiny_lexicon(), sources(), [one, two])
    # Each fact takes the words of its own server's source, not the other's of that id.
    assert "town" in index._claimant_terms(one) and "river" not in index._claimant_terms(one)
    assert "river" in index._claimant_terms(two) and "town" not in index._claimant_terms(two)


def test_removing_one_servers_fact_leaves_the_others() -> None:
    one = water(ONE, "Water was cut in the east.")
    two = water(TWO, "Water was cut in the west.")
    index = MatchIndex(tiny_lexicon(), sources(), [one, two])
    index.apply(removals=[FactKey(ONE, "water-cut")])
    assert index.fact("water-cut", ONE) is None and index.fact("water-cut", TWO) == two
    assert index.match("is the water cut", ONE).outcome == "unknown"
    assert answer(index.match("is the water cut", TWO)) == [two.statement]
    # An edit of one server's fact touches only that one; the index is as a fresh build.
    edited = water(TWO, "Water was cut in the north.")
    index.apply(upserts=[edited, one])
    fresh = MatchIndex(tiny_lexicon(), sources(), [edited, one])
    for question in QUESTIONS:
        for guild in (ONE, TWO):
            assert scored(index.match(question, guild)) == scored(fresh.match(question, guild))
    assert index.fact("water-cut", TWO) == edited and index.fact("water-cut", ONE) == one
