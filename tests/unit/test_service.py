"""Moderator operations through the service the CLI and the cogs share."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from bot.drafts import FactDraft
from bot.errors import FactbotError, Forbidden, NotFound, ValidationError
from bot.records import fact_record
from bot.service import FactService
from tests.helpers import last_change

GUILD_A = 111111111111111111
GUILD_B = 222222222222222222
MOD = "discord:999"


def water_draft(**overrides: Any) -> FactDraft:
    water = FactDraft(
        statement="The water supply in the eastern quarter was cut on Saturday.",
        source="AFP",
        questions=("is there water in the eastern quarter", "water supply cut?"),
        quote="water was cut",
        date="2024-12-01",
    )
    return dataclasses.replace(water, **overrides)


def test_add_is_stored_audited_and_answerable(service: FactService) -> None:
    fact = service.add_fact(water_draft(), guild_id=GUILD_A, actor=MOD)
    assert fact.guild_id == GUILD_A and fact.origin == "moderator" and fact.source == "afp"
    assert service.store.fact(fact.id) == fact
    [entry] = service.history(fact.id, GUILD_A)
    assert (entry.action, entry.actor, entry.before) == ("add", MOD, None)
    assert entry.after is not None and entry.after["statement"] == fact.statement

    result = service.ask("is the water cut in the eastern quarter?", GUILD_A)
    assert result.answered and result.answers[0].fact_id == fact.id
    assert result.answers[0].citation.source == "AFP"


def test_another_guild_never_sees_the_fact(service: FactService) -> None:
    fact = service.add_fact(water_draft(), guild_id=GUILD_A, actor=MOD)
    assert not service.ask("is there water in the eastern quarter", GUILD_B).answered
    assert fact.id not in {f.id for f in service.list_facts(GUILD_B)}
    for attempt in (
        lambda: service.get_fact(fact.id, GUILD_B),
        lambda: service.history(fact.id, GUILD_B),
        lambda: service.edit_fact(
            fact.id, FactDraft(statement="x" * 20), guild_id=GUILD_B, actor=MOD
        ),
        lambda: service.remove_fact(fact.id, guild_id=GUILD_B, actor=MOD),
        lambda: service.restore_fact(fact.id, guild_id=GUILD_B, actor=MOD),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert fact.id not in service.export_jsonl(GUILD_B)
    assert service.store.fact(fact.id) == fact


def test_curated_facts_cannot_be_changed_from_a_guild(service: FactService) -> None:
    curated = service.list_facts(GUILD_A)[0]
    with pytest.raises(Forbidden):
        service.remove_fact(curated.id, guild_id=GUILD_A, actor=MOD)
    assert service.store.fact(curated.id) == curated


def test_edit_remove_restore_and_undo(service: FactService) -> None:
    fact = service.add_fact(water_draft(), guild_id=GUILD_A, actor=MOD)
    edited = service.edit_fact(
        fact.id,
        FactDraft(statement="The water supply was restored on Sunday."),
        guild_id=GUILD_A,
        actor=MOD,
    )
    assert edited.statement.startswith("The water supply was restored")
    assert edited.questions == fact.questions

    removed = service.remove_fact(fact.id, guild_id=GUILD_A, actor=MOD)
    assert not removed.active
    assert not service.ask("is there water in the eastern quarter", GUILD_A).answered
    with pytest.raises(FactbotError, match="already removed"):
        service.remove_fact(fact.id, guild_id=GUILD_A, actor=MOD)

    service.restore_fact(fact.id, guild_id=GUILD_A, actor=MOD)
    assert service.ask("is there water in the eastern quarter", GUILD_A).answered

    history = service.history(fact.id, GUILD_A)
    assert [e.action for e in history] == ["add", "edit", "remove", "restore"]
    edit_entry = history[1]
    undone = service.undo(edit_entry.id, guild_id=GUILD_A, actor=MOD)
    assert undone.statement == fact.statement and undone.active
    assert service.history(fact.id, GUILD_A)[-1].action == f"undo #{edit_entry.id}"
    # Undoing the add retires the fact.
    service.undo(history[0].id, guild_id=GUILD_A, actor=MOD)
    assert not service.get_fact(fact.id, GUILD_A).active


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (water_draft(statement=""), "statement: required"),
        (water_draft(statement="x" * 1001), "statement: at most 1000 characters"),
        (water_draft(source="Der Spiegel"), "source: 'Der Spiegel' is not a known source"),
        (water_draft(questions=("",)), "questions: needs at least 1 phrasing"),
        (water_draft(date="yesterday"), "date: must be a date in the form YYYY-MM-DD"),
        (water_draft(date="2024-02-30"), "date: must be a date"),
    ],
)
def test_bad_drafts_are_refused_with_a_field_message(
    service: FactService, draft: FactDraft, message: str
) -> None:
    before = last_change(service.store)
    with pytest.raises(ValidationError) as caught:
        service.add_fact(draft, guild_id=GUILD_A, actor=MOD)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert last_change(service.store) == before


def test_a_phrasing_that_belongs_to_another_fact_is_reported(service: FactService) -> None:
    curated = service.list_facts(GUILD_A)[0]
    with pytest.raises(ValidationError, match="already belongs to fact"):
        service.add_fact(
            water_draft(questions=(curated.questions[0].upper(),)), guild_id=GUILD_A, actor=MOD
        )


def test_sources_must_be_created_explicitly(service: FactService) -> None:
    source = service.add_source("Der Spiegel", guild_id=GUILD_A, aliases=["Spiegel"])
    fact = service.add_fact(water_draft(source="spiegel"), guild_id=GUILD_A, actor=MOD)
    assert fact.source == source.id
    assert (
        service.ask("is there water in the eastern quarter", GUILD_A).answers[0].citation.source
        == "Der Spiegel"
    )
    with pytest.raises(ValidationError, match="not a known source"):
        service.add_fact(water_draft(source="spiegel"), guild_id=GUILD_B, actor=MOD)
    with pytest.raises(ValidationError, match="already names source"):
        service.add_source("spiegel", guild_id=GUILD_A)


def test_attach_an_unanswered_question(service: FactService) -> None:
    fact = service.add_fact(water_draft(), guild_id=GUILD_A, actor=MOD)
    question = "any news on the taps in the east"
    assert not service.ask(question, GUILD_A).answered
    assert [u.question for u in service.unanswered(GUILD_A)] == [question]
    service.attach_question(fact.id, question, guild_id=GUILD_A, actor=MOD)
    assert service.ask(question, GUILD_A).answers[0].fact_id == fact.id
    assert service.unanswered(GUILD_A) == []


def test_export_then_import_round_trips_and_is_idempotent(service: FactService) -> None:
    fact = service.add_fact(water_draft(), guild_id=GUILD_A, actor=MOD)
    exported = service.export_jsonl(GUILD_A)
    assert [json.loads(line)["id"] for line in exported.splitlines()] == [fact.id]

    report = service.import_jsonl(exported, guild_id=GUILD_A, actor=MOD)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    audit_before = last_change(service.store)
    service.import_jsonl(exported, guild_id=GUILD_A, actor=MOD)
    assert last_change(service.store) == audit_before

    record = json.loads(exported)
    record["statement"] = "The water supply in the eastern quarter came back."
    new = dict(
        record,
        id="power-cut",
        statement="Power was cut in the west.",
        questions=["is there electricity in the west"],
    )
    text = json.dumps(record) + "\n" + json.dumps(new) + "\n"
    report = service.import_jsonl(text, guild_id=GUILD_A, actor=MOD)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 0)
    assert service.ask("is there electricity in the west", GUILD_A).answered


def test_import_is_all_or_nothing_with_line_numbers(service: FactService) -> None:
    good = {
        "id": "power-cut",
        "statement": "Power was cut in the west.",
        "source": "afp",
        "questions": ["is there electricity in the west"],
    }
    bad_source = dict(good, id="other", source="nobody", questions=["who is nobody"])
    text = "\n".join([json.dumps(good), "{not json", json.dumps(bad_source), "[1, 2]"])
    before = last_change(service.store)
    with pytest.raises(ValidationError) as caught:
        service.import_jsonl(text, guild_id=GUILD_A, actor=MOD)
    problems = caught.value.problems
    assert any(p.startswith("line 2: not valid JSON") for p in problems)
    assert any(p.startswith("line 3: source:") for p in problems)
    assert any(p.startswith("line 4: expected a JSON object") for p in problems)
    assert last_change(service.store) == before
    assert service.store.fact("power-cut") is None


def test_import_refuses_oversized_files_and_foreign_ids(service: FactService) -> None:
    with pytest.raises(ValidationError, match="larger than"):
        service.import_jsonl(b"x" * 1_000_001, guild_id=GUILD_A, actor=MOD)
    curated = service.list_facts(GUILD_A)[0]
    line = json.dumps(dict(fact_record(curated), questions=["something new entirely"]))
    with pytest.raises(ValidationError, match="is taken by a curated fact"):
        service.import_jsonl(line, guild_id=GUILD_A, actor=MOD)


# -- what a newcomer or moderator could trip on -------------------------------------------


def test_undoing_the_seeding_of_a_curated_fact_is_refused(service: FactService) -> None:
    seeding = service.history("sohr-five-districts")[0]
    assert seeding.action == "seed-add"
    with pytest.raises(Forbidden, match=r"knowledge/facts\.toml"):
        service.undo(seeding.id, actor=MOD)
    assert service.get_fact("sohr-five-districts").active
    answer = service.ask("how many districts did they take").answers[0]
    assert answer.fact_id == "sohr-five-districts"


@pytest.mark.parametrize("question", ["", "   ", "?!"])
def test_attaching_an_empty_question_is_refused(service: FactService, question: str) -> None:
    fact = service.add_fact(water_draft(), guild_id=GUILD_A, actor=MOD)
    audit = last_change(service.store)
    with pytest.raises(ValidationError, match="empty"):
        service.attach_question(fact.id, question, guild_id=GUILD_A, actor=MOD)
    assert last_change(service.store) == audit
    assert service.get_fact(fact.id, GUILD_A).questions == fact.questions


def test_attaching_a_question_the_fact_has_says_so(service: FactService) -> None:
    fact = service.add_fact(water_draft(), guild_id=GUILD_A, actor=MOD)
    with pytest.raises(FactbotError, match="already a phrasing"):
        service.attach_question(fact.id, "Water supply cut", guild_id=GUILD_A, actor=MOD)


def test_generated_ids_are_made_of_whole_content_words(service: FactService) -> None:
    fact = service.add_fact(
        water_draft(statement="The rebels reached the outskirts of the town of Saraqib."),
        guild_id=GUILD_A,
        actor=MOD,
    )
    assert fact.id == "rebels-reached-outskirts-town-saraqib"
    source = service.add_source("The Local Council of the City of Aleppo", guild_id=GUILD_A)
    assert source.id == "local-council-city-aleppo"


def test_an_import_line_without_an_id_says_the_id_is_missing(service: FactService) -> None:
    line = json.dumps({"statement": "Power was cut.", "source": "afp", "questions": ["power?"]})
    with pytest.raises(ValidationError) as caught:
        service.import_jsonl(line, guild_id=GUILD_A, actor=MOD)
    assert caught.value.problems == ["line 1: id: missing; every fact needs one"]


def test_scores_are_confidences_between_0_and_1(service: FactService) -> None:
    # A named claimant earns a bonus that can take the matcher's own score past 1.
    for question in ["what did sham fm say", "pro government radio report aleppo"]:
        result = service.ask(question)
        scores = [a.score for a in (*result.answers, *result.related)]
        assert scores and all(0.0 <= s <= 1.0 for s in scores)


def test_other_sources_on_the_point_join_only_when_on_the_question(
    service: FactService,
) -> None:
    # The Army's 100 km front shares a point with the districts the Observatory counted,
    # but says nothing about them.
    front = service.ask("how long is the front line")
    assert [a.fact_id for a in front.answers] == ["army-100km-front"]
    # The government's losses, counted by the Army and by the Observatory, both answer.
    losses = service.ask("who's losing more men, the rebels or the army")
    assert {"army-troops-killed", "sohr-government-losses"} <= {a.fact_id for a in losses.answers}


@pytest.mark.parametrize("typed", ["", "   ", "9", "3", "?", "42!"])
def test_empty_lines_and_bare_numbers_are_not_logged_as_unanswered(
    service: FactService, typed: str
) -> None:
    service.ask(typed)
    list(service.ask_stream([typed]))
    assert service.unanswered() == []


@pytest.mark.parametrize(
    "message",
    ["help", "hi", "what can i ask you", "what do you know", "hey! what do you know?", ""],
)
def test_questions_about_the_bot_get_an_introduction(service: FactService, message: str) -> None:
    result = service.ask(message)
    assert result.outcome == "help" and not result.answers
    assert "I answer questions about one news story" in result.message


def test_a_question_beside_what_do_you_know_is_still_answered(service: FactService) -> None:
    result = service.ask("what do you know about the airport")
    assert result.answers[0].fact_id == "sohr-airport"


# -- phrasing_limit: the index keeps at most that many phrasings a fact ----------------


def test_phrasing_limit_cuts_the_index_but_not_the_database(db_path: Path) -> None:
    full = FactService.open(db_path)
    try:
        stored = {fact.id: fact for fact in full.store.facts(include_retired=False)}
    finally:
        full.close()
    assert any(len(fact.questions) > 1 for fact in stored.values()), "nothing to cut"

    limited = FactService.open(db_path, phrasing_limit=1)
    try:
        for fact_id, fact in stored.items():
            indexed = limited.index.fact(fact_id)
            assert indexed is not None
            assert indexed.questions == fact.questions[:1]
            assert limited.store.fact(fact_id) == fact  # the database keeps every phrasing
    finally:
        limited.close()


def test_phrasing_limit_also_cuts_facts_added_later(db_path: Path) -> None:
    service = FactService.open(db_path, phrasing_limit=2)
    try:
        draft = FactDraft(
            statement="The water supply in the eastern quarter was cut on Saturday.",
            source="AFP",
            questions=("is there water in the east", "water supply cut?", "any water left"),
            date="2024-12-01",
        )
        fact = service.add_fact(draft, guild_id=GUILD_A, actor="test")
        indexed = service.index.fact(fact.id)
        assert indexed is not None and len(indexed.questions) == 2
        stored = service.store.fact(fact.id)
        assert stored is not None and len(stored.questions) == 3
    finally:
        service.close()


@pytest.mark.parametrize("limit", [0, -1])
def test_phrasing_limit_must_be_positive(db_path: Path, limit: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FactService.open(db_path, phrasing_limit=limit)
