"""The knowledge files (bot.knowledge): loading and checking them, and the fact records that
moderators, import and export share, `point` lists included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.knowledge import (
    MAX_POINTS,
    Knowledge,
    fact_from_record,
    load_knowledge,
    split_points,
    validate_fact_record,
)
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
    result = CliRunner().invoke(main, ["--knowledge", str(knowledge_copy), "check"])
    assert result.exit_code == 1
    assert "'army-troops-killed': point: must be lowercase letters" in result.output


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
    exported = json.loads(json.dumps(fact.to_record()))
    assert exported["point"] == written
    assert "points" not in exported
    again = fact_from_record(exported, default_reported_by=None, guild_id=GUILD, origin="moderator")
    assert again == fact


def test_moderators_type_points_separated_by_commas() -> None:
    assert split_points("resistance, government-losses") == ("resistance", "government-losses")
    assert split_points("resistance") == ("resistance",)
    assert split_points(" , ") == ()
    assert split_points("-") == ()
