"""The real click CLI, through click's runner, against real SQLite files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.records import fact_from_record
from bot.service import FactService
from bot.store import Store
from tests.helpers import Cli

POINTS_GUILD = 444444444444444444


def test_ask_prints_the_answer_with_its_citation(cli: Cli) -> None:
    result = cli("ask", "Did the rebels take the airport?")
    assert result.exit_code == 0
    assert "airport" in result.output.lower()
    assert "Source: Syrian Observatory for Human Rights" in result.output
    assert "reported by AFP" in result.output and "30 November 2024" in result.output
    assert "Quote:" in result.output


def test_ask_json_keeps_the_public_contract(cli: Cli) -> None:
    result = cli("ask", "--json", "Did the rebels take the airport?")
    payload = json.loads(result.output)
    assert set(payload) == {"question", "answered", "answers", "suggestions", "related", "message"}
    assert payload["answered"] is True
    answer = payload["answers"][0]
    assert set(answer) == {
        "fact_id",
        "text",
        "source",
        "reported_by",
        "quote",
        "quote_verified",
        "date",
        "score",
    }
    # The curated facts' quotes are checked against the article they cite.
    assert answer["quote_verified"] is True
    assert answer["source"] and answer["reported_by"] == "AFP" and answer["date"] == "2024-11-30"
    assert isinstance(answer["score"], float)


def test_ask_json_stdin_writes_json_lines(cli: Cli) -> None:
    questions = "Did the rebels take the airport?\n\nWhat is the capital of France?\n"
    result = cli("ask", "--json", "-", input=questions)
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["answered"] for line in lines] == [True, False]
    assert lines[1]["answers"] == [] and "doesn't say" in lines[1]["message"]


def test_unknown_questions_are_logged_for_review(cli: Cli) -> None:
    cli("ask", "Who is the mayor of Aleppo?")
    cli("ask", "who is the mayor of aleppo")
    result = cli("unanswered")
    assert "2  who is the mayor of aleppo" in result.output


def test_check_passes_on_the_shipped_files(cli: Cli) -> None:
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("check: ok:")


def test_check_lists_every_problem(cli: Cli, knowledge_copy: Path) -> None:
    facts = knowledge_copy / "facts.toml"
    text = facts.read_text(encoding="utf-8")
    first_quote = text.index('quote = "') + len('quote = "')
    text = text[:first_quote] + "Invented words " + text[first_quote:]
    text = text.replace('source = "sohr"', 'source = "nobody"', 1)
    facts.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--knowledge", str(knowledge_copy), "check"])
    assert result.exit_code == 1
    assert "quote: does not appear verbatim in the article" in result.output
    assert "source: 'nobody' is not a known source" in result.output
    assert "check: 2 problem(s)" in result.output


def test_check_looks_at_the_curated_documents_too(knowledge_copy: Path) -> None:
    (knowledge_copy / "documents.toml").write_text(
        '[[document]]\nid = "follow-up"\ntitle = "A follow-up"\noutlet = "AFP"\n'
        'date = 2024-12-01\nfile = "missing.txt"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["--knowledge", str(knowledge_copy), "check"])
    assert result.exit_code == 1
    assert "missing.txt" in result.output
    assert "check: 1 problem(s)" in result.output


def test_moderator_operations_from_the_shell(cli: Cli) -> None:
    guild = 333333333333333333
    added = cli(
        "facts",
        "add",
        "--statement",
        "The bakery on the main square reopened.",
        "--source",
        "AFP",
        "--questions",
        "is the bakery open|bread in aleppo?",
        guild=guild,
    )
    assert added.exit_code == 0 and added.output.startswith("added ")
    fact_id = added.output.split()[1]
    assert "bakery on the main square" in cli("ask", "is the bakery open", guild=guild).output
    assert (
        cli(
            "facts", "edit", fact_id, "--statement", "The bakery closed again today.", guild=guild
        ).exit_code
        == 0
    )
    assert cli("facts", "remove", fact_id, guild=guild).exit_code == 0
    assert cli("facts", "restore", fact_id, guild=guild).exit_code == 0
    history = cli("facts", "history", fact_id, guild=guild).output
    assert [line.split()[2] for line in history.splitlines()] == [
        "add",
        "edit",
        "remove",
        "restore",
    ]
    edit_change = history.splitlines()[1].split()[0].lstrip("#")
    assert cli("facts", "undo", edit_change, guild=guild).exit_code == 0
    assert "main square reopened" in cli("facts", "show", fact_id, guild=guild).output
    exported = cli("facts", "export", guild=guild).output
    assert json.loads(exported)["id"] == fact_id
    assert "1 unchanged" in cli("facts", "import", "-", input=exported, guild=guild).output
    assert fact_id not in cli("facts", "list").output


def test_bad_input_gets_a_short_message_not_a_traceback(cli: Cli) -> None:
    result = cli("facts", "add", "--statement", "x" * 20, "--source", "nobody", "--questions", "q?")
    assert result.exit_code == 1
    assert "source: 'nobody' is not a known source" in result.output
    assert "Traceback" not in result.output
    missing = cli("facts", "show", "no-such-fact")
    assert missing.exit_code == 1 and "No fact with id 'no-such-fact'" in missing.output
    bad_import = cli("facts", "import", "-", input="{broken\n")
    assert bad_import.exit_code == 1 and "line 1: not valid JSON" in bad_import.output


def test_chat_answers_and_offers_choices(cli: Cli) -> None:
    result = cli("chat", input="Did the rebels take the airport?\nWho is the mayor of Aleppo?\n\n")
    assert result.exit_code == 0
    assert "Syrian Observatory for Human Rights" in result.output
    assert "doesn't say" in result.output


def test_backup_refuses_to_overwrite(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    assert cli("backup", str(target)).exit_code == 0 and target.exists()
    again = cli("backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.output


# -- a fact's points, set from the shell -----------------------------------------------


@pytest.fixture
def guild_cli(db_path: Path) -> Cli:
    """The CLI as a moderator of one server."""
    return Cli(db_path, guild=POINTS_GUILD)


def _exported(cli: Cli) -> dict[str, dict[str, Any]]:
    result = cli("facts", "export")
    assert result.exit_code == 0, result.output
    return {line["id"]: line for line in map(json.loads, result.output.splitlines())}


def test_cli_sets_clears_and_undoes_a_list_of_points(guild_cli: Cli) -> None:
    added = guild_cli(
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
    assert "point:       bakery, daily-life" in guild_cli("facts", "show", fact_id).output
    assert _exported(guild_cli)[fact_id]["point"] == ["bakery", "daily-life"]

    assert guild_cli("facts", "edit", fact_id, "--point", "-").exit_code == 0
    assert "point:       -" in guild_cli("facts", "show", fact_id).output
    assert _exported(guild_cli)[fact_id]["point"] is None

    history = guild_cli("facts", "history", fact_id).output.splitlines()
    edit_change = history[-1].split()[0].lstrip("#")
    assert guild_cli("facts", "undo", edit_change).exit_code == 0
    assert _exported(guild_cli)[fact_id]["point"] == ["bakery", "daily-life"]

    refused = guild_cli("facts", "edit", fact_id, "--point", "a,b,c,d,e")
    assert refused.exit_code == 1 and "point: at most 4 points" in refused.output


def test_import_takes_a_string_or_a_list_and_export_gives_them_back(guild_cli: Cli) -> None:
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
    imported = guild_cli("facts", "import", "-", input=text)
    assert imported.exit_code == 0, imported.output
    assert "2 added" in imported.output
    exported = _exported(guild_cli)
    assert exported["bakery-one"]["point"] == "daily-life"
    assert exported["bakery-two"]["point"] == ["daily-life", "markets"]
    # The export imports back as it is.
    again = "".join(json.dumps(exported[i]) + "\n" for i in ("bakery-one", "bakery-two"))
    assert "2 unchanged" in guild_cli("facts", "import", "-", input=again).output


def test_an_old_database_works_through_the_cli(guild_cli: Cli, db_path: Path) -> None:
    assert guild_cli("facts", "list").exit_code == 0  # creates and seeds the database
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
                fact_from_record(old, default_reported_by=None, guild_id=POINTS_GUILD),
                actor="test",
                action="add",
                before=None,
            )
            db.execute("update facts set point = 'daily-life' where id = 'old-fact'")
            db.execute(
                "update audit set after = ? where fact_id = 'old-fact'",
                [
                    json.dumps(
                        {**old, "guild_id": POINTS_GUILD, "origin": "moderator", "active": True}
                    )
                ],
            )
    finally:
        store.close()
    assert "point:       daily-life" in guild_cli("facts", "show", "old-fact").output
    assert _exported(guild_cli)["old-fact"]["point"] == "daily-life"
    assert guild_cli("facts", "edit", "old-fact", "--point", "daily-life,markets").exit_code == 0
    history = guild_cli("facts", "history", "old-fact").output.splitlines()
    assert guild_cli("facts", "undo", history[-1].split()[0].lstrip("#")).exit_code == 0
    assert _exported(guild_cli)["old-fact"]["point"] == "daily-life"


# -- `eval`: scoring a question set, with the index cut to a few phrasings a fact ------

SUMMARY = re.compile(
    r"^in-scope \d+/\d+  out-of-scope abstained \d+/\d+  hard out-of-scope abstained \d+/\d+"
    r"  overall \d+/\d+ = \d+\.\d%$"
)


@pytest.fixture
def eval_file(tmp_path: Path) -> Path:
    items = [
        {
            "id": "a1",
            "q": "Did the rebels take the airport?",
            "expect": "answer",
            "any": ["airport"],
        },
        {"id": "o1", "q": "What is the capital of France?", "expect": "abstain"},
    ]
    path = tmp_path / "questions.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def test_eval_max_phrasings_scores_and_leaves_the_database_whole(
    cli: Cli, db_path: Path, eval_file: Path, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.jsonl"
    result = cli("eval", str(eval_file), "--max-phrasings", "1", "--answers-out", str(answers))
    assert result.exit_code == 0, result.output
    assert SUMMARY.match(result.output.splitlines()[-1]), result.output
    assert len(answers.read_text(encoding="utf-8").splitlines()) == 2

    service = FactService.open(db_path)
    try:
        phrasings = [len(fact.questions) for fact in service.store.facts()]
    finally:
        service.close()
    assert max(phrasings) > 1


def test_eval_without_max_phrasings_prints_the_summary_last(cli: Cli, eval_file: Path) -> None:
    result = cli("eval", str(eval_file))
    assert result.exit_code == 0, result.output
    assert SUMMARY.match(result.output.splitlines()[-1]), result.output


@pytest.mark.parametrize("value", ["0", "-3", "two", "1.5", ""])
def test_eval_rejects_a_bad_max_phrasings_in_one_line(
    cli: Cli, eval_file: Path, value: str
) -> None:
    result = cli("eval", str(eval_file), "--max-phrasings", value)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --max-phrasings"), result.output


def test_eval_names_a_bad_question_file_in_one_line(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "x", "expect": "answer", "any": "airport"}\n', encoding="utf-8")
    result = cli("eval", str(bad))
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:1:" in lines[0], result.output
