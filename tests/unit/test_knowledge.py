"""The knowledge files (bot.knowledge): loading and checking them, and the fact records that
moderators, import and export share, `point` lists included."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.drafts import FactDraft
from bot.knowledge import Knowledge, KnowledgeError, check_knowledge, load_knowledge
from bot.records import fact_from_record, fact_record
from bot.text import loose_quote_form
from bot.validation import MAX_POINTS, validate_fact_record
from tests.helpers import moderator_fact

GUILD = 444444444444444444


def record(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": "a-fact",
        "statement": "A statement.",
        "source": "afp",
        "questions": ["a phrasing"],
    }
    values.update(overrides)
    return values


# -- the knowledge files ---------------------------------------------------------------


def test_shipped_facts_may_belong_to_several_points(knowledge: Knowledge) -> None:
    facts = {fact.id: fact for fact in knowledge.facts}
    assert facts["sohr-five-districts"].points == ("rebel-advance-city", "resistance")
    assert facts["army-troops-killed"].points == ("government-losses",)
    assert facts["aleppo-population"].points == ()


def test_every_shipped_point_joins_facts_from_different_sources(knowledge: Knowledge) -> None:
    # A point only matters when it brings another claimant's answer along.
    sources: dict[str, set[str]] = {}
    for fact in knowledge.facts:
        for point in fact.points:
            sources.setdefault(point, set()).add(fact.source)
    assert sources, "the shipped facts have points"
    assert {point: found for point, found in sources.items() if len(found) < 2} == {}


def test_a_point_string_and_a_point_list_both_load_from_toml(knowledge_copy: Path) -> None:
    facts_file = knowledge_copy / "facts.toml"
    text = facts_file.read_text(encoding="utf-8")
    assert text.count('point = "government-losses"') == 2
    text = text.replace(
        'point = "government-losses"', 'point = ["government-losses", "army-account"]', 1
    )
    text = text.replace('point = ["rebel-advance-city", "resistance"]', 'point = "resistance"', 1)
    facts_file.write_text(text, encoding="utf-8")

    facts = {fact.id: fact for fact in load_knowledge(knowledge_copy).facts}
    assert facts["army-troops-killed"].points == ("government-losses", "army-account")
    assert facts["sohr-government-losses"].points == ("government-losses",)
    assert facts["sohr-five-districts"].points == ("resistance",)


def test_check_names_a_bad_point_in_a_list(knowledge_copy: Path) -> None:
    facts_file = knowledge_copy / "facts.toml"
    text = facts_file.read_text(encoding="utf-8")
    text = text.replace('point = "government-losses"', 'point = ["government-losses", "Bad"]', 1)
    facts_file.write_text(text, encoding="utf-8")
    _, problems = check_knowledge(knowledge_copy)
    assert problems == [
        "facts.toml fact 'army-troops-killed': point: must be lowercase letters, digits and hyphens"
    ]


@pytest.mark.parametrize(
    ("point", "message"),
    [
        ([f"p{n}" for n in range(MAX_POINTS + 1)], "point: at most 4 points"),
        (["same", "same"], "point: the same point is listed twice"),
        (["fine", "Not Fine"], "point: must be lowercase letters"),
        (["fine", 7], "point: must be lowercase letters"),
        ("", "point: must be lowercase letters"),
        ({"id": "x"}, "point: must be a point id or a list of them"),
    ],
    ids=["too-many", "twice", "bad-id", "not-text", "empty-string", "a-table"],
)
def test_bad_points_are_refused(point: Any, message: str) -> None:
    problems = validate_fact_record(
        record(point=point), known_sources={"afp"}, article_text=None, min_questions=1
    )
    assert any(problem.startswith(message) for problem in problems), problems


@pytest.mark.parametrize(
    "point", [None, [], "one", ["one"], ["one", "two"], [f"p{n}" for n in range(MAX_POINTS)]]
)
def test_good_points_are_accepted(point: Any) -> None:
    problems = validate_fact_record(
        record(point=point), known_sources={"afp"}, article_text=None, min_questions=1
    )
    assert problems == []


# -- records: what export writes and import reads --------------------------------------


@pytest.mark.parametrize(
    ("points", "written"),
    [((), None), (("one",), "one"), (("one", "two"), ["one", "two"])],
    ids=["none", "one", "two"],
)
def test_a_record_round_trips_through_json(points: tuple[str, ...], written: Any) -> None:
    fact = moderator_fact(points, guild_id=GUILD)
    exported = json.loads(json.dumps(fact_record(fact)))
    assert exported["point"] == written
    assert "points" not in exported
    again = fact_from_record(exported, default_reported_by=None, guild_id=GUILD, origin="moderator")
    assert again == fact


def test_moderators_type_points_separated_by_commas() -> None:
    assert FactDraft.from_fields(point="resistance, government-losses").point == (
        "resistance",
        "government-losses",
    )
    assert FactDraft.from_fields(point="resistance").point == ("resistance",)
    assert FactDraft.from_fields(point=" , ").point == ()
    assert FactDraft.from_fields(point="-").point == ()


# -- checking the files: each kind of problem, and the shipped files -------------------


def test_the_shipped_files_pass_the_check() -> None:
    knowledge, problems = check_knowledge()
    assert problems == []
    assert knowledge is not None and knowledge.facts


def test_every_shipped_quote_is_in_the_article_word_for_word(knowledge: Knowledge) -> None:
    # Word for word once quotation marks, dashes and spaces are evened out: the article
    # writes ’ where a TOML string is easier with '.
    article = loose_quote_form(knowledge.article.text)
    quoted = [fact for fact in knowledge.facts if fact.quote]
    assert len(quoted) >= len(knowledge.facts) // 2
    assert [f.id for f in quoted if loose_quote_form(f.quote or "") not in article] == []


FACT = """
[[fact]]
id = "{id}"
statement = "A statement of the copy."
source = "{source}"
quote = "{quote}"
questions = [{questions}]
"""
SIX = ", ".join(f'"copy phrasing number {n}"' for n in range(6))


def fact_table(
    fact_id: str = "a-copy",
    source: str = "afp",
    quote: str = "Aleppo",
    questions: str = SIX,
) -> str:
    return FACT.format(id=fact_id, source=source, quote=quote, questions=questions)


def appended(table: str) -> Callable[[str], str]:
    return lambda text: text + table


def replaced(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"{old!r} is no longer in the file"
        return text.replace(old, new, 1)

    return edit


# (file, how it is broken, what the line `check` gives for it says)
BROKEN: dict[str, tuple[str, Callable[[str], str], str]] = {
    "not-toml": ("chatter.toml", appended("\nbroken = \n"), "chatter.toml: not valid TOML:"),
    "article-field": (
        "article.toml",
        replaced('title = "Rebels take control of parts of Aleppo"', 'title = ""'),
        "article.toml: 'title' must be a non-empty string",
    ),
    "article-date": (
        "article.toml",
        replaced("date = 2024-11-30", 'date = "the last day of November"'),
        "article.toml: 'date' must be a date such as 2001-02-03",
    ),
    "article-file": (
        "article.toml",
        replaced('file = "article.txt"', 'file = "gone.txt"'),
        "article.toml: article file 'gone.txt' not found",
    ),
    "no-sources": (
        "sources.toml",
        lambda text: text.replace("[[source]]", "[[sources]]"),
        "sources.toml: expected one or more [[source]] tables",
    ),
    "source-id": (
        "sources.toml",
        appended('\n[[source]]\nid = "Bad Id"\nname = "Somebody"\n'),
        "'id' must be lowercase letters, digits and hyphens",
    ),
    "source-name": (
        "sources.toml",
        appended('\n[[source]]\nid = "nameless"\nname = " "\n'),
        "sources.toml 'nameless': 'name' must be a non-empty string",
    ),
    "source-aliases": (
        "sources.toml",
        appended('\n[[source]]\nid = "odd"\nname = "Odd"\naliases = "one"\n'),
        "sources.toml 'odd': 'aliases' must be a list of strings",
    ),
    "source-field": (
        "sources.toml",
        appended('\n[[source]]\nid = "odd"\nname = "Odd"\ncolour = "red"\n'),
        "sources.toml 'odd': unknown field(s) colour",
    ),
    "source-twice": (
        "sources.toml",
        appended('\n[[source]]\nid = "sohr"\nname = "Another Observatory"\n'),
        "sources.toml 'sohr': duplicate source id",
    ),
    "source-part-of": (
        "sources.toml",
        appended('\n[[source]]\nid = "odd"\nname = "Odd"\npart_of = "nobody"\n'),
        "sources.toml 'odd': part_of 'nobody' is unknown",
    ),
    "stopwords": (
        "lexicon.toml",
        replaced("stopwords = [", 'stopwords = ["said", 7, '),
        "lexicon.toml: 'stopwords' must be a list of strings",
    ),
    "stopword-and-light": (
        "lexicon.toml",
        replaced("light_words = [", 'light_words = ["the", '),
        "lexicon.toml: 'the' is both a stopword and a light word",
    ),
    "synonym-canonical": (
        "lexicon.toml",
        appended('\n[[synonyms]]\ncanonical = "Two Words"\nvariants = ["x"]\n'),
        "'canonical' must be one lowercase word of letters/digits",
    ),
    "synonym-variants": (
        "lexicon.toml",
        appended('\n[[synonyms]]\ncanonical = "lonely"\nvariants = []\n'),
        "'lonely': 'variants' must be a non-empty list",
    ),
    "synonym-elsewhere": (
        "lexicon.toml",
        appended('\n[[synonyms]]\ncanonical = "lots"\nvariants = ["millions"]\n'),
        "'lots': 'millions' is already in group 'million'",
    ),
    "synonym-no-letters": (
        "lexicon.toml",
        appended('\n[[synonyms]]\ncanonical = "dash"\nvariants = ["--"]\n'),
        "'dash': variant '--' has no letters",
    ),
    "synonym-gap-first": (
        "lexicon.toml",
        appended('\n[[synonyms]]\ncanonical = "beg"\nvariants = ["* to beg"]\n'),
        "'beg': in '* to beg', '*' must stand alone between words",
    ),
    "synonym-gap-glued": (
        "lexicon.toml",
        appended('\n[[synonyms]]\ncanonical = "beg"\nvariants = ["beg *s to"]\n'),
        "'beg': in 'beg *s to', '*' must stand alone between words",
    ),
    "synonym-broader": (
        "lexicon.toml",
        appended('\n[[synonyms]]\ncanonical = "drone"\nvariants = ["uav"]\nbroader = "sky"\n'),
        "lexicon.toml synonyms 'drone': broader 'sky' is not the canonical word of a group",
    ),
    "no-facts": (
        "facts.toml",
        lambda text: text.replace("[[fact]]", "[[facts]]"),
        "facts.toml: expected one or more [[fact]] tables",
    ),
    "fact-twice": (
        "facts.toml",
        appended(fact_table("sohr-five-districts")),
        "facts.toml fact 'sohr-five-districts': duplicate fact id",
    ),
    "fact-source": (
        "facts.toml",
        appended(fact_table(source="nobody")),
        "facts.toml fact 'a-copy': source: 'nobody' is not a known source",
    ),
    "fact-quote": (
        "facts.toml",
        appended(fact_table(quote="Words the article never printed")),
        "facts.toml fact 'a-copy': quote: does not appear verbatim in the article",
    ),
    "fact-few-phrasings": (
        "facts.toml",
        appended(fact_table(questions='"one phrasing", "two phrasings"')),
        "facts.toml fact 'a-copy': questions: needs at least 6 phrasing(s), has 2",
    ),
    "phrasing-of-another-fact": (
        "facts.toml",
        appended(fact_table(questions=SIX + ', "Did the rebels capture Aleppo?"')),
        "facts.toml fact 'a-copy': phrasing 'Did the rebels capture Aleppo?' also belongs to "
        "'sohr-five-districts'",
    ),
    "chatter-list": (
        "chatter.toml",
        replaced("greetings = [", "greetings = 3\nformer_greetings = ["),
        "chatter.toml: 'chatter.greetings' must be a list of strings",
    ),
    "chatter-no-letters": (
        "chatter.toml",
        replaced("greetings = [", 'greetings = ["!!", '),
        "chatter.toml: 'chatter.greetings' has an entry with no letters",
    ),
    "spelling": (
        "chatter.toml",
        replaced("[spelling]\n", '[spelling]\nbrb = "..."\n'),
        "chatter.toml: spelling 'brb' must map words to words",
    ),
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_each_kind_of_problem_is_reported_in_its_own_words(
    knowledge_copy: Path, broken: tuple[str, Callable[[str], str], str]
) -> None:
    name, edit, message = broken
    path = knowledge_copy / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    _, problems = check_knowledge(knowledge_copy)
    assert any(message in problem for problem in problems), problems


def test_a_missing_file_is_named_with_the_folder_looked_in(knowledge_copy: Path) -> None:
    (knowledge_copy / "lexicon.toml").unlink()
    knowledge, problems = check_knowledge(knowledge_copy)
    assert knowledge is None
    assert problems == [f"lexicon.toml: missing (looked in {knowledge_copy})"]


def test_every_problem_is_listed_at_once_and_loading_refuses_them_all(
    knowledge_copy: Path,
) -> None:
    facts = knowledge_copy / "facts.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8") + fact_table(source="nobody", quote="Never printed"),
        encoding="utf-8",
    )
    _, problems = check_knowledge(knowledge_copy)
    assert problems == [
        "facts.toml fact 'a-copy': source: 'nobody' is not a known source",
        "facts.toml fact 'a-copy': quote: does not appear verbatim in the article",
    ]
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(knowledge_copy)
    assert refused.value.problems == problems
