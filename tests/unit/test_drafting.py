"""The drafter: every attributed claim of a report, quoted verbatim and attributed.

Measured on the shipped article against the curated facts, and on made-up reports in
other attribution styles (tests/data/reports/, each with the claims a curator lists);
then the attribution forms one by one, the statement, the phrasings, the points, and
the records `facts import` takes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.drafting import Case, load_claims, load_lexicon, load_sources, measure, shipped_case
from bot.drafting import Document, Draft, draft_facts
from bot.knowledge import Lexicon, load_knowledge
from bot.models import Source
from bot.validation import validate_fact_record

ROOT = Path(__file__).resolve().parent.parent.parent
REPORTS = ROOT / "tests" / "data" / "reports"
LEXICON = ROOT / "knowledge" / "lexicon.toml"
MIN_COVERAGE = 0.9
MIN_AGREEMENT = 0.9


def report_case(name: str, outlet: str) -> Case:
    text = (REPORTS / f"{name}.txt").read_text(encoding="utf-8")
    return Case(
        Document(name, name, outlet, "2024-12-03", text),
        load_sources(REPORTS / f"{name}-sources.toml"),
        load_lexicon(LEXICON),
        load_claims(REPORTS / f"{name}.toml"),
    )


# --- measured on whole reports ------------------------------------------------------------


def test_the_shipped_article_is_covered_with_the_curated_claimants() -> None:
    result = measure(shipped_case(), runs=1)
    assert result.claims == len(load_knowledge().facts)
    assert result.coverage >= MIN_COVERAGE, result.misses
    assert result.agreement >= MIN_AGREEMENT, result.misses
    assert result.verbatim_share == 1.0, result.misses


@pytest.mark.parametrize(
    ("name", "outlet"),
    [
        ("hama-advance", "Reuters"),
        ("aid-warning", "AFP"),
        ("idlib-strikes", "AFP"),
        ("homs-outskirts", "AP"),
        ("damascus-encircled", "AFP"),
        ("deir-ezzor", "AFP"),
        ("latakia-strikes", "Reuters"),
        ("damascus-falls", "AFP"),
        ("manbij-clashes", "AFP"),
        ("saydnaya-search", "AFP"),
        ("deraa-clashes", "AFP"),
        ("idlib-hospitals", "BBC"),
        ("golan-buffer", "AFP"),
    ],
)
def test_a_made_up_report_is_covered_with_its_claimants(name: str, outlet: str) -> None:
    case = report_case(name, outlet)
    assert len(case.claims) >= 10
    result = measure(case, runs=1)
    assert result.coverage >= MIN_COVERAGE, result.misses
    assert result.agreement >= MIN_AGREEMENT, result.misses
    assert result.verbatim_share == 1.0, result.misses


def test_the_made_up_reports_are_wire_length() -> None:
    for path in REPORTS.glob("*.txt"):
        assert 300 <= len(path.read_text(encoding="utf-8").split()) <= 500, path.name


# --- the attribution forms, one by one -----------------------------------------------------

SOURCES = (
    Source(
        "sohr",
        "Syrian Observatory for Human Rights",
        ("SOHR", "the Observatory", "war monitor"),
        "Britain-based war monitor.",
    ),
    Source("rami", "Rami Abdel Rahman", ("Abdel Rahman",), part_of="sohr"),
    Source("army", "Syrian Army", ("Syrian military", "army")),
    Source("tehran", "Iranian government", ("Tehran", "Iran")),
    Source("afp", "AFP", ("Agence France-Presse",)),
)


def drafts_of(text: str, sources: tuple[Source, ...] = SOURCES) -> list[Draft]:
    document = Document("test", "Test", "AFP", "2024-12-01", text)
    return draft_facts(document, sources, load_lexicon(LEXICON))


def claimant_of(text: str, words: str) -> str:
    """The source of the draft whose quote holds `words`."""
    drafts = [draft for draft in drafts_of(text) if words in draft.quote]
    assert drafts, f"no draft quotes {words!r}"
    return min(drafts, key=lambda draft: len(draft.quote)).source


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


# --- quotes and statements -----------------------------------------------------------------


def test_every_quote_is_a_verbatim_slice_of_the_report() -> None:
    text = "“At least 16 civilians were killed,” the Observatory said. Photo / AFP"
    drafts = drafts_of(text)
    assert drafts
    for draft in drafts:
        assert text[draft.start : draft.end] == draft.quote
    assert not any("Photo" in draft.quote for draft in drafts)


def test_headlines_subheadings_and_credits_are_no_claims() -> None:
    text = (
        "Rebels advance on Hama\n\nBEIRUT (AFP) - Rebels took two towns, the Observatory "
        "said. Photo / AFP\n\nGunfire\n\nThe army said it had pulled back"
    )
    drafts = drafts_of(text)
    quotes = [draft.quote for draft in drafts]
    assert quotes == [
        "BEIRUT (AFP)",
        "Rebels took two towns, the Observatory said",
        "The army said it had pulled back",
    ]
    assert drafts[0].statement == "The report was filed from Beirut."
    assert drafts[0].source == "afp"


def test_a_statement_keeps_every_hedge_and_drops_the_attribution() -> None:
    text = (
        "The Observatory said “at least 16 civilians were killed” and the regime appears "
        "to have lost dozens of towns."
    )
    [draft] = drafts_of(text)
    assert "at least 16" in draft.statement.lower()
    assert "appears to" in draft.statement
    assert "dozens" in draft.statement
    assert "Observatory" not in draft.statement
    assert "“" not in draft.statement


def test_a_leading_pronoun_is_resolved_from_the_claim_before() -> None:
    text = (
        "Islamic fighters took five districts, a war monitor said. "
        "They also overran the airport, it added."
    )
    second = drafts_of(text)[-1]
    assert second.statement == "Islamic fighters also overran the airport."


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        (
            "HTS claimed responsibility for the attack.",
            "HTS claimed responsibility for the attack.",
        ),
        ("Tehran warned of a wider war.", "Tehran warned of a wider war."),
        ("The army told residents to stay indoors.", "The army told residents to stay indoors."),
        ("Tehran told reporters in Geneva the talks failed.", "The talks failed."),
        ("The Kremlin said on Monday it was in contact.", "On Monday the Kremlin was in contact."),
        ("It is not clear how many died, the Observatory said.", "It is not clear how many died."),
    ],
)
def test_a_statement_says_what_the_claimant_said_or_did(text: str, statement: str) -> None:
    sources = (*SOURCES, Source("russia", "Russian government", ("the Kremlin",)))
    drafts = [draft for draft in drafts_of(text, sources) if draft.claimant_words]
    assert [draft.statement for draft in drafts] == [statement]


def test_first_person_words_stay_in_the_claimants_mouth() -> None:
    [draft] = drafts_of("“We are going to clear all of Syria,” Rami Abdel Rahman said.")
    assert draft.statement == "Rami Abdel Rahman said: “We are going to clear all of Syria.”"


def test_background_inside_a_claim_goes_to_the_outlet() -> None:
    text = "Rebels took Aleppo, Syria's second city, the Observatory said."
    drafts = drafts_of(text)
    background = [draft for draft in drafts if draft.source == "afp"]
    assert [draft.statement for draft in background] == ["Aleppo is Syria's second city."]


# --- phrasings, points and records ---------------------------------------------------------


def test_phrasings_ask_by_figure_place_and_claimant() -> None:
    text = "At least 16 civilians were killed in Aleppo, the Observatory said."
    [draft] = drafts_of(text)
    assert len(draft.questions) >= 3
    assert all(question == question.lower() for question in draft.questions)
    assert "how many civilians were killed" in draft.questions
    assert any(question.startswith("where") for question in draft.questions)
    assert any(question.startswith("what did sohr say about") for question in draft.questions)


def test_phrasings_take_synonyms_from_the_lexicon() -> None:
    [draft] = drafts_of("The rebels took the airport, the Observatory said.")
    # The lexicon has "insurgent" for rebels and "airfield" for airport.
    assert any("insurgent" in question for question in draft.questions)
    assert any("airfield" in question for question in draft.questions)


def test_two_casualty_figures_from_different_sources_share_a_point() -> None:
    text = (
        "The Syrian Army said dozens of soldiers were killed. "
        "The Observatory said the army had lost 100 troops."
    )
    army, monitor = drafts_of(text)
    assert army.points
    assert army.points == monitor.points


def test_ids_are_unique_slugs_of_content_words() -> None:
    drafts = draft_facts(
        Document.from_article(load_knowledge().article),
        load_knowledge().sources,
        load_knowledge().lexicon,
    )
    ids = [draft.id for draft in drafts]
    assert len(set(ids)) == len(ids)
    assert all(
        draft.id.replace("-", "").isalnum() and draft.id == draft.id.lower() for draft in drafts
    )


def test_every_record_passes_the_knowledge_checks() -> None:
    knowledge = load_knowledge()
    drafts = draft_facts(
        Document.from_article(knowledge.article), knowledge.sources, knowledge.lexicon
    )
    for draft in drafts:
        problems = validate_fact_record(
            draft.to_record(),
            known_sources={source.id: source for source in knowledge.sources},
            article_text=knowledge.article.text,
            min_questions=3,
        )
        assert problems == [], (draft.id, problems)


def test_facts_import_takes_the_drafts_next_to_the_curated_facts(tmp_path: Path) -> None:
    knowledge = load_knowledge()
    drafts = draft_facts(
        Document.from_article(knowledge.article),
        knowledge.sources,
        knowledge.lexicon,
        existing=knowledge.facts,
    )
    records = tmp_path / "drafts.jsonl"
    records.write_text("".join(json.dumps(d.to_record()) + "\n" for d in drafts), "utf-8")
    db = tmp_path / "factbot.db"
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "facts", "import", str(records)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"{len(drafts)} added" in completed.stdout


def test_the_drafter_needs_no_database_network_or_discord() -> None:
    probe = (
        "import sys, bot.drafting; "
        "print(sorted(m for m in ('discord', 'sqlite3', 'sqlite_utils', 'socket', 'aiohttp') "
        "if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_a_lexicon_without_synonyms_still_gives_three_phrasings() -> None:
    document = Document("t", "t", "AFP", "2024-12-01", "Tehran said the talks failed.")
    [draft] = draft_facts(document, SOURCES, Lexicon())
    assert len(draft.questions) >= 3
