"""A fact's `point` as a list: the knowledge files, validation, import and export, the
SQLite column (old databases included) and the audit log's snapshots, on real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.drafts import FactDraft
from bot.knowledge import Knowledge, load_knowledge
from bot.models import Fact
from bot.records import fact_from_record, fact_from_snapshot, fact_record, fact_snapshot
from bot.store import Store
from bot.validation import MAX_POINTS, validate_fact_record

GUILD = 444444444444444444
Invoke = Callable[..., Result]


@pytest.fixture
def cli(db_path: Path) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, guild: int | None = GUILD) -> Result:
        prefix = ["--db", str(db_path)]
        if guild is not None:
            prefix += ["--guild", str(guild)]
        return runner.invoke(main, [*prefix, *args], input=input, catch_exceptions=False)

    return invoke


def fact_with(points: tuple[str, ...], fact_id: str = "a-fact") -> Fact:
    return Fact(
        fact_id,
        "A statement.",
        "afp",
        ("first phrasing", "second phrasing"),
        reported_by="AFP",
        quote=None,
        date="2024-11-30",
        topics=("territory",),
        points=points,
        guild_id=GUILD,
        origin="moderator",
    )


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
    fact = fact_with(points)
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


def test_the_discord_options_take_points_separated_by_commas() -> None:
    from bot.discordbot.cogs.moderation import draft

    assert draft(point="a, b").point == ("a", "b")
    assert draft(point="-").point == ()
    assert draft().point is None


# -- the database ----------------------------------------------------------------------


def _put(store: Store, fact: Fact, before: Fact | None = None) -> None:
    with store.transaction() as db:
        store.put_fact(db, fact, actor="test", action="edit" if before else "add", before=before)


def test_points_are_stored_in_the_point_column_joined_by_commas(db_path: Path) -> None:
    store = Store(db_path)
    try:
        _put(store, fact_with(("one", "two")))
        _put(store, fact_with((), "no-point"))
        column = dict(store.db.execute("select id, point from facts").fetchall())
        assert column == {"a-fact": "one,two", "no-point": None}
    finally:
        store.close()
    again = Store(db_path)
    try:
        assert again.fact("a-fact") == fact_with(("one", "two"))
        assert again.fact("no-point") == fact_with((), "no-point")
    finally:
        again.close()


def test_an_old_row_with_one_point_string_still_loads(db_path: Path) -> None:
    # A fact row as the code before point lists wrote it: one point id in `point`.
    store = Store(db_path)
    try:
        with store.transaction() as db:
            db.table("facts").insert(
                {
                    "id": "old-fact",
                    "guild_id": GUILD,
                    "statement": "An old statement.",
                    "source_id": "afp",
                    "reported_by": "AFP",
                    "quote": None,
                    "date": "2024-11-30",
                    "topics": "[]",
                    "point": "government-losses",
                    "origin": "moderator",
                    "active": 1,
                    "curated_hash": None,
                    "created_at": "2024-12-01T00:00:00+00:00",
                    "updated_at": "2024-12-01T00:00:00+00:00",
                }
            )
            db.table("phrasings").insert(
                {
                    "fact_id": "old-fact",
                    "position": 0,
                    "text": "old phrasing",
                    "key": "old phrasing",
                }
            )
    finally:
        store.close()
    again = Store(db_path)
    try:
        old = again.fact("old-fact")
        assert old is not None and old.points == ("government-losses",)
        assert [f.points for f in again.facts(guild_id=GUILD)] == [("government-losses",)]
        assert fact_record(old)["point"] == "government-losses"
    finally:
        again.close()


def test_audit_snapshots_round_trip_every_shape(db_path: Path) -> None:
    one, two = fact_with(("one",)), fact_with(("one", "two"))
    store = Store(db_path)
    try:
        _put(store, one)
        _put(store, two, before=one)
        added, edited = store.history("a-fact")
        assert added.after is not None and edited.before is not None and edited.after is not None
        assert edited.before["point"] == "one" and edited.after["point"] == ["one", "two"]
        assert fact_from_snapshot(added.after) == one
        assert fact_from_snapshot(edited.before) == one
        assert fact_from_snapshot(edited.after) == two
    finally:
        store.close()
    for points in [(), ("one",), ("one", "two")]:
        fact = fact_with(points)
        assert fact_from_snapshot(json.loads(json.dumps(fact_snapshot(fact)))) == fact


@pytest.mark.parametrize(
    ("snapshot_point", "points"),
    [("government-losses", ("government-losses",)), (None, ()), ("absent", ())],
)
def test_old_audit_snapshots_still_load(
    snapshot_point: str | None, points: tuple[str, ...]
) -> None:
    # The shape the audit log kept before point lists: `point` a string or null, or no
    # `point` key at all in the oldest entries.
    snapshot: dict[str, Any] = {
        "id": "old-fact",
        "statement": "An old statement.",
        "source": "afp",
        "questions": ["old phrasing"],
        "reported_by": "AFP",
        "quote": None,
        "date": "2024-11-30",
        "topics": [],
        "guild_id": GUILD,
        "origin": "moderator",
        "active": True,
    }
    if snapshot_point != "absent":
        snapshot["point"] = snapshot_point
    assert fact_from_snapshot(snapshot).points == points


# -- through the CLI (the service, and so the matcher, included) -------------------------


def _exported(cli: Invoke) -> dict[str, dict[str, Any]]:
    result = cli("facts", "export")
    assert result.exit_code == 0, result.output
    return {line["id"]: line for line in map(json.loads, result.output.splitlines())}


def test_cli_sets_clears_and_undoes_a_list_of_points(cli: Invoke) -> None:
    added = cli(
        "facts",
        "add",
        "--statement",
        "The bakery on the main square reopened.",
        "--source",
        "AFP",
        "--questions",
        "is the bakery open|bread in aleppo?",
        "--point",
        "bakery, daily-life",
    )
    assert added.exit_code == 0, added.output
    fact_id = added.output.split()[1]
    assert "point:       bakery, daily-life" in cli("facts", "show", fact_id).output
    assert _exported(cli)[fact_id]["point"] == ["bakery", "daily-life"]

    assert cli("facts", "edit", fact_id, "--point", "-").exit_code == 0
    assert "point:       -" in cli("facts", "show", fact_id).output
    assert _exported(cli)[fact_id]["point"] is None

    history = cli("facts", "history", fact_id).output.splitlines()
    edit_change = history[-1].split()[0].lstrip("#")
    assert cli("facts", "undo", edit_change).exit_code == 0
    assert _exported(cli)[fact_id]["point"] == ["bakery", "daily-life"]

    refused = cli("facts", "edit", fact_id, "--point", "a,b,c,d,e")
    assert refused.exit_code == 1 and "point: at most 4 points" in refused.output


def test_import_takes_a_string_or_a_list_and_export_gives_them_back(cli: Invoke) -> None:
    lines = [
        {
            "id": "bakery-one",
            "statement": "The bakery reopened.",
            "source": "afp",
            "questions": ["is the bakery open again"],
            "point": "daily-life",
        },
        {
            "id": "bakery-two",
            "statement": "The market reopened.",
            "source": "afp",
            "questions": ["is the market open again"],
            "point": ["daily-life", "markets"],
        },
    ]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    imported = cli("facts", "import", "-", input=text)
    assert imported.exit_code == 0, imported.output
    assert "2 added" in imported.output
    exported = _exported(cli)
    assert exported["bakery-one"]["point"] == "daily-life"
    assert exported["bakery-two"]["point"] == ["daily-life", "markets"]
    # The export imports back as it is.
    again = "".join(json.dumps(exported[i]) + "\n" for i in ("bakery-one", "bakery-two"))
    assert "2 unchanged" in cli("facts", "import", "-", input=again).output


def test_an_old_database_works_through_the_cli(cli: Invoke, db_path: Path) -> None:
    assert cli("facts", "list").exit_code == 0  # creates and seeds the database
    store = Store(db_path)
    try:
        # A moderator's fact and its audit entry as the code before point lists left them.
        old = {
            "id": "old-fact",
            "statement": "The bakery reopened.",
            "source": "afp",
            "questions": ["is the old bakery open"],
            "reported_by": None,
            "quote": None,
            "date": "2024-12-01",
            "topics": [],
            "point": "daily-life",
        }
        with store.transaction() as db:
            store.put_fact(
                db,
                fact_from_record(old, default_reported_by=None, guild_id=GUILD),
                actor="test",
                action="add",
                before=None,
            )
            db.execute("update facts set point = 'daily-life' where id = 'old-fact'")
            db.execute(
                "update audit set after = ? where fact_id = 'old-fact'",
                [json.dumps({**old, "guild_id": GUILD, "origin": "moderator", "active": True})],
            )
    finally:
        store.close()
    assert "point:       daily-life" in cli("facts", "show", "old-fact").output
    assert _exported(cli)["old-fact"]["point"] == "daily-life"
    assert cli("facts", "edit", "old-fact", "--point", "daily-life,markets").exit_code == 0
    history = cli("facts", "history", "old-fact").output.splitlines()
    assert cli("facts", "undo", history[-1].split()[0].lstrip("#")).exit_code == 0
    assert _exported(cli)["old-fact"]["point"] == "daily-life"
