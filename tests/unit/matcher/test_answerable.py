"""Answerability: a fact on the topic answers only if it supplies what is asked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pytest

from bot.matcher.answerable import FactFeatures, Premise, _initials, answers
from bot.matcher.kinds import AskKind
from bot.models import Fact


def words(items: Iterable[str]) -> list[str]:
    # Terms are the words themselves here, so each rule is seen on its own.
    return list(items)


def features(statement: str, quote: str | None = None) -> FactFeatures:
    fact = Fact("f", statement, "sohr", ("q",), quote=quote)
    return FactFeatures(fact, words)


def premise(
    kind: AskKind = "other",
    terms: Iterable[str] = (),
    *,
    numbers: Iterable[str] = (),
    actors: Iterable[str] = (),
    named: Iterable[str] = (),
    harm: Iterable[str] = (),
    outcomes: Iterable[Iterable[str]] = (),
    speakers: Iterable[Iterable[str]] = (),
    short: Iterable[str] = (),
    choice: bool = False,
) -> Premise:
    known = frozenset(terms)
    return Premise(
        kind=kind,
        numbers=frozenset(numbers),
        known_terms=known,
        weights=dict.fromkeys(known, 1.0),
        actors=tuple(frozenset({a}) for a in actors),
        named_actors=frozenset(named),
        harm=frozenset(harm),
        outcomes=tuple(frozenset(o) for o in outcomes),
        speakers=tuple(frozenset(s) for s in speakers),
        counted_harm=frozenset({"killed", "wounded", "lost"}),
        short_words=frozenset(short),
        offers_choice=choice,
    )


def check(question: Premise, fact: FactFeatures, claimant: Iterable[str] = ()) -> bool:
    agents = {"rebels", "army", "russia", "observatory"}
    return answers(question, fact, fact.terms, frozenset(claimant), agents, {"araghchi"})


CIVILIANS = features(
    "Later, at least 16 civilians were killed and 20 others wounded in fresh strikes."
)
LOSSES = features(
    "The government had lost 100 troops and militiamen, while the rebels had lost 183."
)
AIRPORT = features("Rebels overran Aleppo airport after government forces withdrew.")


def test_a_count_needs_a_figure_for_what_is_counted() -> None:
    assert check(premise("count", ["civilians", "killed"], outcomes=[["killed"]]), CIVILIANS)
    assert check(premise("count", ["wounded"], outcomes=[["wounded"]]), CIVILIANS)
    # The figure counts civilians, not rebels; and the airport fact gives no figure.
    assert not check(
        premise("count", ["rebels", "wounded"], actors=["rebels"], outcomes=[["wounded"]]),
        CIVILIANS,
    )
    assert not check(premise("count", ["rebels", "airport"]), AIRPORT)


def test_a_count_reads_the_clause_that_holds_the_figure() -> None:
    rebels = premise("count", ["rebels", "lost"], actors=["rebels"])
    government = premise("count", ["government", "lost"], actors=["government"])
    assert check(rebels, LOSSES)
    assert check(government, LOSSES)


def test_losses_are_not_a_head_count() -> None:
    # "how many rebels are there" is not answered by how many rebels were lost.
    assert not check(premise("count", ["rebels"], actors=["rebels"]), LOSSES)


def test_years_days_of_the_month_and_ages_are_not_figures() -> None:
    assert not features("The truce has held since 2020.").quantity
    assert not features("The report is dated 30 November.").quantity
    assert not features("The 29 year old fighter spoke to AFP.").quantity
    assert features("The fighting raged for a fourth day.").quantity


def test_a_stated_figure_must_be_the_facts_own() -> None:
    assert check(premise(numbers=["16"]), CIVILIANS)
    assert not check(premise(numbers=["100"]), CIVILIANS)


def test_harm_asked_about_must_be_reported() -> None:
    consulate = features("The Iranian consulate in Aleppo came under attack.")
    assert not check(premise(outcomes=[["wounded"]]), consulate)
    assert check(premise(outcomes=[["killed", "lost"]]), LOSSES)


def test_harm_pinned_on_an_actor_needs_that_actor() -> None:
    blaming = premise("other", ["rebels", "strikes"], actors=["rebels"], harm=["strikes"])
    assert not check(blaming, CIVILIANS)
    strikes = features("Russia carried out airstrikes in parts of Aleppo.")
    assert check(
        premise("other", ["russia", "airstrikes"], actors=["russia"], harm=["airstrikes"]), strikes
    )


def test_a_relation_between_named_actors_needs_them_all() -> None:
    backs = premise("other", ["turkey", "hts"], actors=["turkey", "hts"], named=["turkey", "hts"])
    allies = features("Islamic fighters and their Turkish-backed allies took five districts.")
    assert not check(backs, allies)


def test_what_someone_said_must_be_their_claim() -> None:
    asked = premise("other", ["assad", "said"], speakers=[["assad"]])
    assert not check(asked, LOSSES, claimant=["observatory"])
    assert check(premise(speakers=[["observatory"]]), LOSSES, claimant=["observatory"])
    # A fact about the government, said by the Observatory, is not the government's word.
    assert not check(premise(speakers=[["government"]]), LOSSES, claimant=["observatory"])
    # "what did Moscow and Tehran say": each claimant's fact answers for its part.
    both = premise(speakers=[["russia"], ["iran"]])
    assert check(both, LOSSES, claimant=["iran"])
    assert check(both, LOSSES, claimant=["russia"])


@pytest.mark.parametrize(
    ("kind", "statement", "expected"),
    [
        ("date", "Rebels overran the airport.", False),
        ("date", "Russia carried out airstrikes [today].", True),
        ("time", "Western districts were under rebel control until 2016.", True),
        ("time", "Rebels overran the airport.", False),
        ("duration", "Fierce battles over a strip exceeding 100km.", True),
        ("duration", "The truce has held since 2020.", True),
        ("duration", "Rebels overran the airport.", False),
    ],
)
def test_when_and_how_long_need_a_time(kind: AskKind, statement: str, expected: bool) -> None:
    assert check(premise(kind), features(statement)) is expected


@pytest.mark.parametrize("kind", ["date", "time", "reason"])
def test_when_and_why_need_the_event_asked_about(kind: AskKind) -> None:
    # "when did Assad leave": a time for something else does not say when he left.
    asked = replace(premise(kind, ["assad", "withdraw"]), deed="withdraw")
    assert not check(asked, features("Until now, Moscow carried out symbolic strikes [today]."))
    assert check(asked, features("Forces withdraw [today] from the airport after a rebel push."))


def test_how_long_needs_a_span_in_the_clause_of_the_event() -> None:
    asked = replace(premise("duration", ["siege"]), deed="siege")
    siege = "Rebels held the west until 2016, when a siege forced them out."
    assert not check(asked, features(siege))
    assert check(asked, features("The siege lasted four months, and the rebels left."))
    # A fact whose own words do not report the event: any span or size will do.
    assert check(premise("duration", ["front"]), features("Battles over a strip of 100km."))


def test_why_needs_a_reason_for_the_event_itself() -> None:
    asked = replace(premise("reason", ["assad", "withdraw"]), deed="withdraw")
    # The event, with no reason given.
    assert not check(asked, features("Government forces withdraw from the airport."))
    # The event given only as the reason for another.
    assert not check(asked, features("Rebels overran the airport after forces withdraw."))
    assert check(asked, features("Forces withdraw from the airport because rebels advanced."))
    assert check(asked, features("Forces withdraw, saying the aim was to spare the city."))


def test_an_expansion_needs_words_whose_initials_spell_it() -> None:
    sohr = features("The Syrian Observatory for Human Rights said so.")
    assert check(premise("expansion", short=["sohr"]), sohr)
    assert not check(premise("expansion", short=["hts"]), features("HTS is a militant alliance."))


def test_a_name_needs_a_rare_name_the_question_lacks() -> None:
    assert check(premise("name", ["iran"]), features("Tehran said Araghchi would travel."))
    assert not check(premise("name", ["araghchi"]), features("Tehran said Araghchi would travel."))


def test_who_did_it_needs_the_doer_of_the_deed_itself() -> None:
    who_attacked = replace(premise("agent", ["consulate"]), deed="attack")
    # The rebels are in the sentence, but not as the ones who attacked.
    assert not check(who_attacked, features("The consulate came under attack in a rebels push."))
    assert check(who_attacked, features("Rebels attack the consulate."))
    assert check(who_attacked, features("The consulate saw an attack by the army."))
    # "who" stands for the clause before: the observatory fled.
    who_fled = replace(premise("agent", ["town"]), deed="fled")
    assert check(who_fled, features("The observatory, a monitor who fled the town, said so."))


def test_who_did_it_needs_someone_the_question_does_not_name() -> None:
    assert check(premise("agent", ["airport"]), AIRPORT)
    assert not check(premise("agent", ["civilians", "strikes"]), CIVILIANS)
    # "who is losing more, the rebels or the army": the choice is among those named.
    assert check(
        premise("agent", ["rebels", "army"], choice=True), features("The rebels lost 183.")
    )


def test_a_count_is_not_the_figure_the_asker_gave() -> None:
    # "of the 100 government losses, how many were militiamen": 100 is not the answer.
    breakdown = premise(
        "count", ["government", "lost", "militiamen"], numbers=["100"], actors=["government"]
    )
    assert not check(breakdown, LOSSES)
    # A figure given in one clause and asked about in another is fine.
    wounded = premise("count", ["civilians", "wounded"], numbers=["16"], outcomes=[["wounded"]])
    assert check(wounded, CIVILIANS)


def test_who_is_needs_the_fact_to_say_everything_the_question_says_of_them() -> None:
    leader = features("Fighters posed under a portrait of Syrian leader Bashar al-Assad.")
    assert check(premise("identity", ["assad"]), leader)
    assert not check(premise("identity", ["hts", "leader"]), leader)


def test_a_yes_no_question_about_something_no_fact_reports_is_not_answered() -> None:
    resign = replace(premise("other", ["president"]), unsupported=frozenset({"resign"}))
    portrait = features("Fighters posed under a portrait of Syrian President Bashar al-Assad.")
    assert check(premise("other", ["president"]), portrait)
    assert not check(resign, portrait)


def test_where_needs_a_place_the_question_does_not_name() -> None:
    withdrew = features("The Governor of Aleppo and the commanders withdrew from the city centre.")
    places = frozenset({"city", "centre", "square"})
    # "where did the aleppo governor go after leaving the city centre"
    asked = ["aleppo", "governor", "city", "centre"]
    elsewhere = replace(premise("place", asked), places=places)
    assert not answers(elsewhere, withdrew, withdrew.terms, frozenset(), set(), set(), {"aleppo"})
    square = features("Hammadi spoke in a square in Aleppo.")
    where = replace(premise("place", ["hammadi"]), places=places)
    assert answers(where, square, square.terms, frozenset(), set(), set(), {"aleppo"})


def test_how_old_needs_an_age() -> None:
    aged = features("Mohamed Hammadi, a 29-year-old rebel fighter, said the offensive began.")
    told = features("Rebel fighter Mohamed Hammadi told AFP they had waited for years.")
    assert check(premise("age", ["hammadi"]), aged)
    assert not check(premise("age", ["hammadi"]), told)


def test_initials_come_from_each_run_of_capitalised_words() -> None:
    found = _initials("The Syrian Observatory for Human Rights said the Free Syrian Army")
    # "for" may sit inside a run; a run that ends the text counts too.
    assert {"sohr", "tsohr", "fsa", "sa"} <= found
    # A lower-case word other than "for", "of", "al" or "and" ends a run.
    assert "rtf" not in found and "sohrtfsa" not in found
    assert _initials("no capitals here at all") == frozenset()
