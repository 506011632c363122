"""Attribution forms one by one: who each form of wire copy names as the claimant."""

from __future__ import annotations

import pytest

from bot.models import Source
from tests.unit.drafting.support import SOURCES, claimant_of, drafts_of


@pytest.mark.parametrize(
    ("text", "words", "source"),
    [
        ("The army said the rebels had fled the town.", "fled the town", "army"),
        ("Rebels took the airport, the Observatory said.", "took the airport", "sohr"),
        ("“We took the airport,” said Rami Abdel Rahman.", "We took the airport", "rami"),
        ("According to the Observatory, 30 people died.", "30 people died", "sohr"),
        ("Five towns fell, according to Tehran.", "Five towns fell", "tehran"),
        ("Abdel Rahman told AFP that “the regime is alone”.", "the regime is alone", "rami"),
        ("Tehran told Reuters the talks had failed.", "the talks had failed", "tehran"),
        ("The Syrian Army reported heavy fighting in Hama.", "heavy fighting", "army"),
        ("The army confirmed that rebels entered the city.", "rebels entered", "army"),
        ("A spokesman for the Syrian Army said the road was shut.", "the road was shut", "army"),
        ("The Britain-based monitor said 12 soldiers died.", "12 soldiers died", "sohr"),
        ("The rebels hold the city, a war monitor said.", "hold the city", "sohr"),
        ("Rebels reached the old town, the Syrian military told reporters.", "old town", "army"),
    ],
)
def test_an_attribution_form_names_the_claimant(text: str, words: str, source: str) -> None:
    assert claimant_of(text, words) == source


@pytest.mark.parametrize(
    ("text", "words", "source"),
    [
        # she added / he said after a quotation: the person last quoted
        (
            "Rami Abdel Rahman said the army had left. “They fled at night,” he said.",
            "They fled at night",
            "rami",
        ),
        (
            "The Observatory said 12 died. Rami Abdel Rahman said the army left. "
            "“It is over,” he added.",
            "It is over",
            "rami",
        ),
        # it added / the monitor said: the organisation last quoted
        (
            "Rami Abdel Rahman said the army left. The Observatory said 40 died. "
            "Another 10 were hurt, it added.",
            "Another 10 were hurt",
            "sohr",
        ),
        (
            "The Observatory said 40 died. Tehran said talks would go on. "
            "The toll was rising, the monitor said.",
            "The toll was rising",
            "sohr",
        ),
        # a quotation with no attribution of its own carries on the last speaker's
        (
            "Tehran said talks would go on. “We will not abandon our ally.”",
            "We will not abandon",
            "tehran",
        ),
        # an aside after the speaker's name
        (
            "“We walked for days,” Umm Ali, a mother of four who fled Hama, told AFP.",
            "We walked for days",
            "umm-ali",
        ),
        # a day after the verb; "the statement", "the aid group" for the one just quoted
        ("Rebels took two towns, Tehran said Monday.", "took two towns", "tehran"),
        (
            "Tehran issued a statement on the talks. The statement added that they would go on.",
            "they would go on",
            "tehran",
        ),
        (
            "The Observatory said 40 died. According to the rights group, 12 were children.",
            "12 were children",
            "sohr",
        ),
        # "she said" of a person the reporter introduced; many groups are no one source
        (
            "Tehran said talks went on. Fatima, 60, held a photograph. “I wait,” she said.",
            "I wait",
            "fatima",
        ),
        ("Rights groups say thousands remain missing.", "thousands remain", "rights-groups"),
        # a spokesman named by the body he speaks for
        (
            "The Observatory said 12 died. A monitor spokesman said more were hurt.",
            "more were hurt",
            "sohr",
        ),
        # "“…,” said X, which added that …": X, not the person quoted before, for both
        (
            "Rami Abdel Rahman said the army left. “The strikes must stop,” said Tehran, "
            "which added that it wanted to avoid “a new crisis” on its border.",
            "The strikes must stop",
            "tehran",
        ),
        (
            "Rami Abdel Rahman said the army left. “The strikes must stop,” said Tehran, "
            "which added that it wanted to avoid “a new crisis” on its border.",
            "it wanted to avoid",
            "tehran",
        ),
        # the reporter's own voice
        ("Aleppo was Syria's second city before the war.", "second city", "afp"),
        ("AFP images showed tanks in the square.", "tanks in the square", "afp"),
    ],
)
def test_a_continued_or_described_claimant_is_resolved(text: str, words: str, source: str) -> None:
    assert claimant_of(text, words) == source


def test_an_unknown_claimant_is_proposed_as_a_new_source() -> None:
    [draft] = [
        d for d in drafts_of("State news agency SANA said the road was open.") if d.claimant_words
    ]
    assert draft.new_source
    assert draft.source_name == "SANA"
    assert draft.source == "sana"


def test_a_misspelt_name_is_matched_fuzzily() -> None:
    sources = (*SOURCES, Source("hammadi", "Mohamed Hammadi", ("rebel fighter",)))
    text = "“We will stay,” rebel fighter Mohammed Hamadi told AFP."
    [draft] = drafts_of(text, sources)
    assert draft.source == "hammadi"


def test_an_unnamed_spokesman_speaks_for_his_organisation() -> None:
    [draft] = drafts_of("A spokesman for the Kurdish Red Crescent said 40 were hurt.")
    assert (draft.source_name, draft.new_source) == ("Kurdish Red Crescent", True)


def test_a_denied_claim_is_two_claims() -> None:
    text = "The Observatory said troops reached Qatana, a claim the Syrian army denied."
    drafts = drafts_of(text)
    assert [(d.source, d.statement) for d in drafts] == [
        ("sohr", "Troops reached Qatana."),
        ("army", "The Syrian army denied the claim."),
    ]


def test_a_body_described_then_named_is_proposed_by_its_name() -> None:
    text = "The UN peacekeeping force in the area, UNDOF, said the incursion broke the truce."
    [draft] = drafts_of(text)
    assert (draft.source_name, draft.new_source) == ("UNDOF", True)


def test_a_named_spokesman_speaks_for_himself() -> None:
    text = "Kremlin spokesman Dmitry Peskov told reporters Moscow was in contact with Ankara."
    [draft] = drafts_of(text)
    assert (draft.source_name, draft.new_source) == ("Dmitry Peskov", True)


def test_an_attribution_closing_the_sentence_governs_all_of_it() -> None:
    text = (
        "Rebels declared that they had taken the city and that the governor had fled, "
        "a war monitor said."
    )
    assert {draft.source for draft in drafts_of(text)} == {"sohr"}


def test_an_aside_about_a_named_speaker_names_no_one() -> None:
    text = "“We won,” said Ahmed, an engineer who spent years in exile in Tehran."
    [draft] = drafts_of(text)
    assert (draft.source_name, draft.new_source) == ("Ahmed", True)


def test_a_ministry_is_not_its_government() -> None:
    [draft] = drafts_of("Iran's defence ministry said its advisers had left.")
    assert (draft.source_name, draft.new_source) == ("Iran's defence ministry", True)


def test_a_person_named_like_a_country_is_not_the_country() -> None:
    sources = (*SOURCES, Source("israel", "Israeli government", ("Israel",)))
    [draft] = drafts_of("Defence Minister Israel Katz said the navy was hit.", sources)
    assert (draft.source_name, draft.new_source) == ("Israel Katz", True)


def test_a_surname_takes_the_full_name_the_report_gave_before() -> None:
    text = (
        "Mohammed al-Bashir was appointed prime minister, Tehran said. "
        "“It is time for calm,” Bashir told Al Jazeera."
    )
    assert drafts_of(text)[-1].source_name == "Mohammed al-Bashir"


def test_a_speaker_quoted_by_another_outlet_is_still_the_speaker() -> None:
    text = "The Observatory, quoted by Orient TV, said the strikes were the heaviest yet."
    assert claimant_of(text, "the heaviest yet") == "sohr"


def test_a_statement_read_on_air_is_the_last_speakers() -> None:
    text = (
        "Bashir was appointed prime minister, Tehran said. He will serve until March, "
        "according to a statement read on air."
    )
    assert claimant_of(text, "until March") == "tehran"


def test_an_acronym_names_a_source_only_in_capitals() -> None:
    sources = (*SOURCES, Source("who", "World Health Organization", ("WHO",)))
    text = "A doctor who treated the wounded said the ward was full."
    drafts = drafts_of(text, sources)
    assert all(draft.source != "who" for draft in drafts)


def test_a_speaker_names_the_claim_and_an_ally_joining_it_too() -> None:
    text = "Russia joined Tehran in expressing “extreme concern” over the losses."
    sources = (*SOURCES, Source("russia", "Russian government", ("Russia", "Moscow")))
    drafts = drafts_of(text, sources)
    assert {draft.source for draft in drafts} == {"russia", "tehran"}
