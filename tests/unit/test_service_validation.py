"""Moderator input validation beyond test_service.py: every length limit, every kind
of bad import line with its number, sources by alias, and imports that change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.service import FactService
from bot.transfer import MAX_IMPORT_FACTS
from bot.validation import (
    MAX_QUESTION,
    MAX_QUESTIONS,
    MAX_QUOTE,
    MAX_STATEMENT,
    MAX_TOPIC,
    MAX_TOPICS,
)
from tests.helpers import last_change

GUILD = 111111111111111111
OTHER_GUILD = 222222222222222222
MOD = "discord:999"


def largest_draft(**overrides: Any) -> FactDraft:
    """A draft with every field as long as the limits allow."""
    values: dict[str, Any] = {
        "statement": "s" * MAX_STATEMENT,
        "source": "AFP",
        "questions": tuple(f"{n:02d} " + "q" * (MAX_QUESTION - 3) for n in range(MAX_QUESTIONS)),
        "reported_by": "r" * 100,
        "quote": "w" * MAX_QUOTE,
        "date": "2024-12-01",
        "topics": tuple(f"{n}" + "t" * (MAX_TOPIC - 1) for n in range(MAX_TOPICS)),
        "point": "p" * 80,
    }
    values.update(overrides)
    return FactDraft(**values)


def refused(service: FactService, draft: FactDraft) -> list[str]:
    audit_before = last_change(service.store)
    with pytest.raises(ValidationError) as caught:
        service.add_fact(draft, guild_id=GUILD, actor=MOD)
    assert last_change(service.store) == audit_before
    return caught.value.problems


def test_every_field_may_be_as_long_as_its_limit(service: FactService) -> None:
    fact = service.add_fact(largest_draft(), guild_id=GUILD, actor=MOD)
    assert service.store.fact(fact.id) == fact
    assert len(fact.questions) == MAX_QUESTIONS and len(fact.topics) == MAX_TOPICS


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"statement": "s" * (MAX_STATEMENT + 1)}, "statement: at most 1000 characters"),
        ({"quote": "w" * (MAX_QUOTE + 1)}, "quote: at most 1000 characters"),
        ({"reported_by": "r" * 101}, "reported_by: at most 100 characters"),
        ({"questions": ("q" * (MAX_QUESTION + 1),)}, "questions: 'qqqq"),
        (
            {"questions": tuple(f"question {n}" for n in range(MAX_QUESTIONS + 1))},
            "questions: at most 40 phrasings",
        ),
        ({"topics": ("t" * (MAX_TOPIC + 1),)}, "topics: each at most 40 characters"),
        ({"topics": tuple(f"t{n}" for n in range(MAX_TOPICS + 1))}, "topics: must be a list"),
        ({"point": "p" * 81}, "point: must be lowercase letters"),
        ({"point": "Not A Point"}, "point: must be lowercase letters"),
        ({"date": "2024-13-01"}, "date: must be a date"),
        ({"date": "1 December"}, "date: must be a date"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_one_over_a_limit_is_refused_naming_the_field(
    service: FactService, overrides: dict[str, Any], message: str
) -> None:
    problems = refused(service, largest_draft(**overrides))
    assert any(problem.startswith(message) for problem in problems), problems
    assert len(problems) == 1, problems


def test_every_missing_required_field_is_reported_at_once(service: FactService) -> None:
    problems = refused(service, FactDraft(statement=" ", source="", questions=("?!", "")))
    assert problems == [
        "statement: required",
        "source: required",
        "questions: needs at least 1 phrasing(s), has 0",
    ]
    assert refused(service, FactDraft()) == [
        "statement: required",
        "source: required",
        "questions: must be a list of question phrasings",
    ]


def test_an_edit_must_change_something(service: FactService) -> None:
    fact = service.add_fact(
        FactDraft(statement="A bridge was shut.", source="afp", questions=("is the bridge shut",)),
        guild_id=GUILD,
        actor=MOD,
    )
    with pytest.raises(ValidationError, match="nothing to change"):
        service.edit_fact(fact.id, FactDraft(), guild_id=GUILD, actor=MOD)
    with pytest.raises(ValidationError, match="statement: at most 1000"):
        service.edit_fact(fact.id, FactDraft(statement="x" * 1001), guild_id=GUILD, actor=MOD)
    assert service.get_fact(fact.id, GUILD) == fact


@pytest.mark.parametrize(
    "name",
    ["sohr", "Syrian Observatory for Human Rights", "syrian observatory  FOR human rights", "Rami"],
)
def test_sources_resolve_by_id_name_or_alias_whatever_the_case(
    service: FactService, name: str
) -> None:
    fact = service.add_fact(
        FactDraft(statement="A bridge was shut.", source=name, questions=("is the bridge shut",)),
        guild_id=GUILD,
        actor=MOD,
    )
    assert fact.source in {"sohr", "rami-abdel-rahman"}


def test_an_unknown_source_asks_for_it_to_be_created_explicitly(service: FactService) -> None:
    [problem] = refused(
        service,
        FactDraft(statement="A bridge was shut.", source="Reuters", questions=("bridge?",)),
    )
    assert problem.startswith("source: 'Reuters' is not a known source")
    assert "Syrian Observatory for Human Rights" in problem  # the known names are listed
    assert "create it first: /fact source in Discord, 'sources add' in the shell" in problem

    service.add_source("Reuters", guild_id=GUILD, aliases=["Thomson Reuters"])
    fact = service.add_fact(
        FactDraft(statement="A bridge was shut.", source="thomson reuters", questions=("bridge?",)),
        guild_id=GUILD,
        actor=MOD,
    )
    assert fact.source == "reuters"
    # Another server has not created it.
    with pytest.raises(ValidationError, match="not a known source"):
        service.add_fact(
            FactDraft(statement="A bridge was shut.", source="Reuters", questions=("bridge?",)),
            guild_id=OTHER_GUILD,
            actor=MOD,
        )


def test_source_names_are_checked(service: FactService) -> None:
    with pytest.raises(ValidationError, match="name: required, at most 100"):
        service.add_source(" ", guild_id=GUILD)
    with pytest.raises(ValidationError, match="name: required, at most 100"):
        service.add_source("n" * 101, guild_id=GUILD)
    with pytest.raises(ValidationError, match="aliases: each at most 100"):
        service.add_source("Reuters", guild_id=GUILD, aliases=["a" * 101])
    with pytest.raises(ValidationError, match="'Observatory chief' already names source"):
        service.add_source("Reuters", guild_id=GUILD, aliases=["Observatory chief"])
    # A name in a script without Latin letters still gets a usable id.
    source = service.add_source("الجزيرة", guild_id=GUILD)
    fact = service.add_fact(
        FactDraft(statement="الجسر مغلق", source="الجزيرة", questions=("هل الجسر مغلق",)),
        guild_id=GUILD,
        actor=MOD,
    )
    assert fact.source == source.id and fact.id == "fact"


def test_a_phrasing_of_another_fact_is_refused_on_every_path(service: FactService) -> None:
    first = service.add_fact(
        FactDraft(statement="A bridge was shut.", source="afp", questions=("is the bridge shut",)),
        guild_id=GUILD,
        actor=MOD,
    )
    second = service.add_fact(
        FactDraft(statement="A road was shut.", source="afp", questions=("is the road shut",)),
        guild_id=GUILD,
        actor=MOD,
    )
    clash = f"questions: 'Is the BRIDGE shut?' already belongs to fact '{first.id}'"
    with pytest.raises(ValidationError, match="already belongs") as caught:
        service.edit_fact(
            second.id, FactDraft(questions=("Is the BRIDGE shut?",)), guild_id=GUILD, actor=MOD
        )
    assert caught.value.problems == [clash]
    with pytest.raises(ValidationError, match="already belongs"):
        service.attach_question(second.id, "Is the BRIDGE shut?", guild_id=GUILD, actor=MOD)
    # A removed fact's phrasings are free; restoring it once they are taken is refused.
    service.remove_fact(first.id, guild_id=GUILD, actor=MOD)
    service.attach_question(second.id, "is the bridge shut", guild_id=GUILD, actor=MOD)
    with pytest.raises(ValidationError, match=f"already belongs to fact '{second.id}'"):
        service.restore_fact(first.id, guild_id=GUILD, actor=MOD)
    assert not service.get_fact(first.id, GUILD).active


# -- import files ------------------------------------------------------------------------


def record(fact_id: str, question: str, **fields: Any) -> str:
    values = {
        "id": fact_id,
        "statement": f"Statement of {fact_id}.",
        "source": "afp",
        "questions": [question],
    }
    values.update(fields)
    return json.dumps(values)


def import_problems(service: FactService, text: str | bytes) -> list[str]:
    audit_before = last_change(service.store)
    facts_before = service.store.facts()
    with pytest.raises(ValidationError) as caught:
        service.import_jsonl(text, guild_id=GUILD, actor=MOD)
    # All or nothing: a refused file changes nothing at all.
    assert last_change(service.store) == audit_before
    assert service.store.facts() == facts_before
    return caught.value.problems


def test_every_kind_of_bad_line_is_reported_with_its_number(service: FactService) -> None:
    curated = service.list_facts(GUILD)[0]
    foreign = service.add_fact(
        FactDraft(statement="Elsewhere.", source="afp", questions=("what happened elsewhere",)),
        guild_id=OTHER_GUILD,
        actor=MOD,
    )
    lines = [
        record("good-one", "is the first thing fine"),  # 1
        "{not json",  # 2
        "[1, 2, 3]",  # 3
        record("Bad Id", "bad id question"),  # 4
        record("good-one", "a second time"),  # 5: the same id twice
        record(curated.id, "curated id question"),  # 6
        record(foreign.id, "foreign id question"),  # 7: another server's id is free here
        record("no-source", "who said this", source="Reuters"),  # 8
        record("too-long", "long statement", statement="x" * 1001),  # 9
        record("extra", "extra field", colour="blue"),  # 10
        "",  # 11: blank lines are skipped but still counted
        record("takes-curated", curated.questions[0]),  # 12
        record("clash-a", "one phrasing for two"),  # 13
        record("clash-b", "One phrasing, for two?"),  # 14
        record("bad-date", "when was it", date="30/11/2024"),  # 15
        record("surrogate", "broken", statement="bad \ud800 text"),  # 16: JSON "\\ud800"
    ]
    problems = import_problems(service, "\n".join(lines) + "\n")
    expected = [
        "line 2: not valid JSON",
        "line 3: expected a JSON object",
        "line 4: id: must be lowercase letters",
        "line 5: id 'good-one' appears twice",
        f"line 6: id '{curated.id}' is taken by a curated fact",
        "line 8: source: 'Reuters' is not a known source",
        "line 9: statement: at most 1000 characters",
        "line 10: unknown field(s): colour",
        f"line 12: questions: '{curated.questions[0]}' already belongs to fact '{curated.id}'",
        "line 14: questions: 'One phrasing, for two?' already belongs to fact 'clash-a'",
        "line 15: date: must be a date",
        "line 16: statement: not valid Unicode text",
    ]
    for start in expected:
        assert sum(problem.startswith(start) for problem in problems) == 1, (start, problems)
    assert len(problems) == len(expected), problems


def test_a_clash_after_a_bad_line_names_its_own_line(service: FactService) -> None:
    curated = service.list_facts(GUILD)[0]
    problems = import_problems(service, "{broken\n" + record("mine", curated.questions[0]) + "\n")
    assert problems[0].startswith("line 1: not valid JSON")
    assert problems[1].startswith(f"line 2: questions: '{curated.questions[0]}' already belongs")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file: no facts in it"),
        (b"\n  \n", "file: no facts in it"),
        (b"\xff\xfe{}", "file: not UTF-8 text"),
        (b"x" * 1_000_001, "file: larger than 1000 kB"),
        (
            "".join(record(f"f-{n}", f"question {n}") + "\n" for n in range(MAX_IMPORT_FACTS + 1)),
            "file: more than 2000 facts",
        ),
    ],
    ids=["empty", "blank", "not-utf8", "too-large", "too-many"],
)
def test_whole_file_problems(service: FactService, data: str | bytes, message: str) -> None:
    assert import_problems(service, data) == [message]


def test_importing_the_same_file_twice_changes_nothing(service: FactService) -> None:
    text = "\ufeff" + "\r\n".join(
        [
            record("power-cut", "is there electricity", topics=["power"], date="2024-12-01"),
            record("water-cut", "is there water", quote=" “water was cut” ", reported_by=""),
        ]
    )
    first = service.import_jsonl(text.encode(), guild_id=GUILD, actor=MOD)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    facts = service.store.facts()
    audit = last_change(service.store)
    again = service.import_jsonl(text.encode(), guild_id=GUILD, actor=MOD)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert service.store.facts() == facts and last_change(service.store) == audit
    # An export of those facts, imported back, is just as idle.
    exported = service.export_jsonl(GUILD)
    report = service.import_jsonl(exported, guild_id=GUILD, actor=MOD)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 2)
    assert last_change(service.store) == audit
