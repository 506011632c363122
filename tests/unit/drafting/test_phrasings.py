"""Phrasings: complete questions a person would type, by what the claim answers.

Checked on every draft of the shipped article and the made-up reports (no phrasing
stops mid-phrase, stacks key words or breaks the grammar with a synonym), then form by
form on single claims, then the thesaurus and the phrase cutting on their own.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from bench.drafting import load_lexicon, shipped_case
from bot.drafting import Draft, draft_facts
from bot.drafting.question_words import (
    BAD_ENDINGS,
    QUESTION_WORDS,
    is_noun_phrase_ask,
    is_question,
    whole_phrase,
)
from bot.drafting.thesaurus import Thesaurus
from bot.knowledge import SynonymGroup
from bot.text import fold, stem
from bot.validation import validate_fact_record
from tests.unit.drafting.support import LEXICON, OUTLETS, drafts_of, report_case

HEDGES = re.compile(r"\b(?:at least|more than|up to|as many as|nearly|almost|reportedly)\b")
# Chat forms and slang the lexicon holds for matching, never for asking.
SLANG = frozenset({"civvies", "ppl", "govt", "govts", "regime's", "folks"})


@cache
def every_draft() -> tuple[Draft, ...]:
    cases = [shipped_case(), *(report_case(name, outlet) for name, outlet in OUTLETS.items())]
    return tuple(
        draft for case in cases for draft in draft_facts(case.document, case.sources, case.lexicon)
    )


def every_phrasing() -> list[str]:
    return [question for draft in every_draft() for question in draft.questions]


# --- every draft of every report ----------------------------------------------------------


def test_no_phrasing_ends_in_a_preposition_article_or_determiner() -> None:
    bad = [q for q in every_phrasing() if q.split()[-1].strip("'") in BAD_ENDINGS]
    assert bad == []


def test_each_phrasing_is_a_question_or_a_noun_phrase_ask() -> None:
    bad = [q for q in every_phrasing() if not (is_question(q) or is_noun_phrase_ask(q))]
    assert bad == []


def test_no_phrasing_repeats_a_word_twice_in_a_row() -> None:
    bad = [q for q in every_phrasing() if re.search(r"\b(\w+) \1\b", q)]
    assert bad == []


def test_every_claim_has_three_complete_questions_and_they_ask_without_hedges() -> None:
    for draft in every_draft():
        questions = [q for q in draft.questions if q.split()[0] in QUESTION_WORDS]
        assert len(questions) >= 3, (draft.statement, draft.questions)
        assert all(q == q.lower() for q in draft.questions), draft.questions
        assert not [q for q in draft.questions if HEDGES.search(q)], draft.questions


def test_most_claims_have_a_noun_phrase_ask_and_none_has_more_than_two() -> None:
    asks = [sum(map(is_noun_phrase_ask, draft.questions)) for draft in every_draft()]
    assert max(asks) <= 2
    assert sum(1 for count in asks if count) >= 0.75 * len(asks)


def test_no_phrasing_uses_slang_or_a_word_run_together() -> None:
    words = {word for q in every_phrasing() for word in q.split()}
    assert not words & SLANG
    assert not [word for word in words if word.startswith("foreignminister")]


def test_every_phrasing_passes_the_knowledge_checks() -> None:
    for draft in every_draft():
        problems = validate_fact_record(
            draft.to_record(), known_sources=[], article_text=None, min_questions=3
        )
        assert [p for p in problems if p.startswith("questions")] == [], draft.questions


# --- form by form ---------------------------------------------------------------------------


def test_phrasings_ask_by_figure_place_and_claimant() -> None:
    text = "At least 16 civilians were killed in Aleppo, the Observatory said."
    [draft] = drafts_of(text)
    assert "how many civilians were killed" in draft.questions
    assert "where were 16 civilians killed" in draft.questions
    assert "what did sohr say about 16 civilians" in draft.questions
    assert "civilians killed" in draft.questions


def test_a_figure_the_claim_gives_as_an_object_is_asked_how_many_without_its_hedge() -> None:
    text = "Air strikes on Idlib city killed at least 15 civilians, the Observatory said."
    [draft] = drafts_of(text)
    assert "how many civilians did air strikes on idlib city kill" in draft.questions
    assert "air strikes death toll" in draft.questions


def test_a_phrase_cut_short_ends_on_its_own_word() -> None:
    text = "Rebels controlled most of the city of Aleppo by Friday evening, the Observatory said."
    [draft] = drafts_of(text)
    assert any(
        q.startswith("did rebels control most of the city of aleppo") for q in draft.questions
    )
    assert all(q.split()[-1] not in BAD_ENDINGS for q in draft.questions)


def test_the_claimant_is_asked_about_the_claims_subject() -> None:
    [draft] = drafts_of("Russia carried out airstrikes in Aleppo, the Observatory said.")
    assert "what did sohr say about russia" in draft.questions
    assert "where did russia carry out airstrikes" in draft.questions
    assert "did russia carry out airstrikes in aleppo" in draft.questions


def test_a_claim_about_the_claimant_asks_about_what_it_is_about() -> None:
    [draft] = drafts_of("The Syrian army said it had retaken the town of Souran.")
    assert not any("about the syrian army" in q or "about it" in q for q in draft.questions)


def test_a_second_predicate_is_not_asked_with_the_first() -> None:
    text = "Fighters entered the prison and freed the detainees, the Observatory said."
    [draft] = drafts_of(text)
    assert "did fighters enter the prison" in draft.questions
    assert not any("freed" in q for q in draft.questions if q.startswith("did "))


def test_phrasings_take_whole_phrase_synonyms_from_the_lexicon() -> None:
    lexicon = load_lexicon(LEXICON)
    groups = {fold(group.canonical): group for group in lexicon.synonyms}
    rebels = {fold(word) for word in groups["rebel"].variants} - {"rebels"}
    [draft] = drafts_of("The rebels took the airport, the Observatory said.")
    swapped = [q for q in draft.questions if "rebels" not in q and q.split()[0] != "who"]
    assert any(set(q.split()) & rebels for q in swapped), draft.questions
    assert any("airport" not in q and q.startswith("did the rebels") for q in draft.questions)


def test_a_synonym_keeps_the_number_of_the_word_it_replaces() -> None:
    [draft] = drafts_of("At least 25 civilians had been killed, the Observatory said.")
    plural = {"civilians", "people", "residents", "locals", "inhabitants", "citizens"}
    for question in draft.questions:
        if "25" in question:
            assert question.split()[question.split().index("25") + 1] in plural, question


def test_a_synonym_never_repeats_a_word_of_the_question() -> None:
    text = "The Syrian army's forces carried out strikes on Idlib, the army said."
    for question in drafts_of(text)[0].questions:
        stems = [stem(word) for word in fold(question).split()]
        assert len(stems) == len(set(stems)) or "army" not in question.split()[-1], question
        assert "armies" not in question


def test_a_verb_keeps_its_spelling_in_the_base_form() -> None:
    [draft] = drafts_of("The insurgents now controlled the town, the Observatory said.")
    assert "did the insurgents control the town" in draft.questions


# --- the thesaurus and the phrase cutting -----------------------------------------------------


def thesaurus_of(*groups: tuple[str, tuple[str, ...]]) -> Thesaurus:
    return Thesaurus(tuple(SynonymGroup(canonical, variants) for canonical, variants in groups))


def test_the_thesaurus_keeps_number_and_leaves_clipped_forms_out() -> None:
    words = thesaurus_of(("civilian", ("civilians", "civvies", "people", "resident")))
    assert words.other("civilians", ["how", "many"]) == "people"
    assert words.other("civilian", ["a"]) == "resident"


def test_the_thesaurus_takes_no_verb_for_a_noun_nor_a_word_already_said() -> None:
    words = thesaurus_of(("talk", ("talks", "talked", "speaks", "spoke", "discussions")))
    assert words.other("talks", ["the"]) == "discussions"
    assert words.other("talks", ["the", "discussions"]) is None


@pytest.mark.parametrize(
    ("text", "limit", "phrase"),
    [
        ("control of five districts of Syria's second city", 5, "control of five districts"),
        ("most of the city of Aleppo by Friday", 6, "most of the city of aleppo"),
        ("at least 15 people on Sunday", 2, "15 people"),
        ("a militant alliance led by al-Qaeda's former branch", 4, None),
        ("homes and public and private shops in the city", 6, "homes and public and private shops"),
        ("More than 48,000 people", 4, "48,000 people"),
    ],
)  # fmt: skip
def test_a_whole_phrase_is_cut_before_a_preposition_never_after(
    text: str, limit: int, phrase: str | None
) -> None:
    assert whole_phrase(text, limit) == phrase
