"""One server's moderators can neither see nor change another server's facts, through any
command; and the bot token never shows up in logs, errors or exports."""

from __future__ import annotations

import io
import json
import logging
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.discordbot.runner import RedactSecret
from bot.drafts import FactDraft
from bot.errors import NotFound, ValidationError
from bot.models import GLOBAL
from bot.service import FactService
from bot.settings import BotSettings, SettingsError
from tests.helpers import REPO, Cli

HOME = 111111111111111111  # the server that owns the facts
INTRUDER = 222222222222222222  # another server whose moderators try to reach them
MOD = "discord:1"
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Home:
    """What the home server has: a source, a fact in use, a removed fact, history."""

    fact: str
    removed: str
    change: int
    question: str


@pytest.fixture(scope="module")
def home_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Home]:
    """Built once; each test gets its own copy of the file."""
    db = tmp_path_factory.mktemp("isolation") / "template.db"
    service = FactService.open(db)
    try:
        service.add_source("Local Radio", guild_id=HOME, aliases=["the radio"])
        fact = service.add_fact(
            FactDraft(
                statement="The home server's secret bakery reopened.",
                source="the radio",
                questions=("is the secret bakery open",),
            ),
            guild_id=HOME,
            actor=MOD,
        )
        removed = service.add_fact(
            FactDraft(
                statement="The home server's old market closed.",
                source="afp",
                questions=("is the old market closed",),
            ),
            guild_id=HOME,
            actor=MOD,
        )
        service.remove_fact(removed.id, guild_id=HOME, actor=MOD)
        service.ask("what did the home server ask privately", HOME)
        change = service.history(fact.id, HOME)[0].id
        return db, Home(fact.id, removed.id, change, "is the secret bakery open")
    finally:
        service.close()  # the last connection out folds the WAL into the file


@pytest.fixture
def home(home_template: tuple[Path, Home], db_path: Path) -> Home:
    template, facts = home_template
    shutil.copyfile(template, db_path)
    return facts


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(db)
    try:
        return {
            table: connection.execute(f"select * from {table} order by 1, 2").fetchall()
            for table in ("facts", "phrasings", "audit", "sources")
        }
    finally:
        connection.close()


# Every command that names a fact or a change, as another server's moderator would type it.
ATTEMPTS: dict[str, Callable[[Home], list[str]]] = {
    "show": lambda h: ["facts", "show", h.fact],
    "edit": lambda h: ["facts", "edit", h.fact, "--statement", "Taken over."],
    "remove": lambda h: ["facts", "remove", h.fact],
    "restore": lambda h: ["facts", "restore", h.removed],
    "history": lambda h: ["facts", "history", h.fact],
    "undo": lambda h: ["facts", "undo", str(h.change)],
    "attach": lambda h: ["facts", "attach", h.fact, "a question of my own"],
}


@pytest.mark.parametrize("scope", [INTRUDER, GLOBAL], ids=["other-server", "shared-scope"])
@pytest.mark.parametrize("command", sorted(ATTEMPTS))
def test_no_command_reaches_another_servers_fact(
    db_path: Path, home: Home, command: str, scope: int
) -> None:
    before = snapshot(db_path)
    args = ATTEMPTS[command](home)
    result = Cli(db_path, scope)(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    # The refusal is the one a missing fact gets: it does not even confirm the fact exists,
    # nor name a fact the moderator did not name.
    assert "No fact with id" in result.output or "No change #" in result.output
    for secret in (home.fact, home.removed, "secret bakery", "old market"):
        assert secret in args or secret not in result.output, secret
    assert snapshot(db_path) == before


def test_an_import_with_another_servers_fact_id_adds_a_fact_of_its_own(
    db_path: Path, home: Home
) -> None:
    before = snapshot(db_path)
    line = json.dumps(
        {
            "id": home.fact,
            "statement": "Taken over.",
            "source": "afp",
            "questions": ["is the secret bakery open"],
        }
    )
    # Ids are the server's own: nothing says the id is in use elsewhere, nothing is overwritten.
    result = Cli(db_path, INTRUDER)("facts", "import", "-", input=line + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("imported: 1 added, 0 updated")
    after = snapshot(db_path)
    for table in ("facts", "phrasings", "sources"):
        assert [row for row in after[table] if INTRUDER not in row] == before[table], table
    # One audit entry more, the new fact's (guild_id and fact_id are its 4th and 6th columns).
    added = [row for row in after["audit"] if row not in before["audit"]]
    assert [(row[3], row[5]) for row in added] == [(INTRUDER, home.fact)]
    service = FactService.open(db_path)
    try:
        assert service.get_fact(home.fact, HOME).statement.startswith("The home server's")
        assert service.get_fact(home.fact, INTRUDER).statement == "Taken over."
        assert service.answer_fact(home.fact, HOME).answers[0].text.startswith("The home")
        assert service.answer_fact(home.fact, INTRUDER).answers[0].text == "Taken over."
    finally:
        service.close()


def test_listings_exports_and_answers_show_nothing_of_another_server(
    db_path: Path, home: Home
) -> None:
    for scope in (INTRUDER, GLOBAL):
        outputs = [
            Cli(db_path, scope)(*args).output
            for args in (
                ["facts", "list", "--all"],
                ["facts", "export"],
                ["sources", "list"],
                ["unanswered"],
            )
        ]
        text = "\n".join(outputs)
        for secret in (home.fact, home.removed, "secret bakery", "old market", "Local Radio"):
            assert secret not in text, (scope, secret)
        assert "privately" not in text
        answer = json.loads(Cli(db_path, scope)("ask", "--json", home.question).output)
        assert home.fact not in json.dumps(answer["answers"] + answer["suggestions"])
        assert "reopened" not in answer["message"]
    # The home server itself sees all of it.
    exported = Cli(db_path, HOME)("facts", "export").output
    assert home.fact in exported and home.removed not in exported  # removed facts stay home


def test_the_service_keeps_servers_apart(db_path: Path, home: Home) -> None:
    service = FactService.open(db_path)
    try:
        with pytest.raises(NotFound):
            service.answer_fact(home.fact, INTRUDER)
        assert home.question not in service.suggest_questions("secret bakery", INTRUDER)
        assert home.question in service.suggest_questions("secret bakery", HOME)
        result = service.ask(home.question, INTRUDER, log=False)
        assert home.fact not in {a.fact_id for a in result.answers}
        assert home.fact not in {s.fact_id for s in result.suggestions}
        # Another server's source cannot be cited, nor its name taken over to confuse.
        with pytest.raises(ValidationError, match="not a known source"):
            service.add_fact(
                FactDraft(statement="Mine.", source="the radio", questions=("mine",)),
                guild_id=INTRUDER,
                actor=MOD,
            )
        # A source of the same name is the server's own, under the same id: ids say nothing
        # of other servers.
        theirs = service.add_source("Local Radio", guild_id=INTRUDER)
        assert (theirs.guild_id, theirs.id) == (
            INTRUDER,
            service.resolve_source("the radio", HOME).id,
        )
        assert service.citation(service.get_fact(home.fact, HOME), HOME).source == "Local Radio"
    finally:
        service.close()


# -- secrets ------------------------------------------------------------------------------


def test_settings_never_show_the_token() -> None:
    settings = BotSettings.from_env({"DISCORD_TOKEN": TOKEN, "FACTBOT_DB": "/tmp/f.db"})
    assert settings.token == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    malformed = TOKEN[:20] + " " + TOKEN[20:]
    with pytest.raises(SettingsError) as caught:
        BotSettings.from_env({"DISCORD_TOKEN": malformed})
    assert TOKEN[:20] not in str(caught.value) and TOKEN[20:] not in str(caught.value)


def test_log_lines_and_tracebacks_never_show_the_token() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecret(TOKEN))
    logger = logging.getLogger("factbot.test.secrets")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("connecting with %s", TOKEN)
        logger.warning(f"Authorization: Bot {TOKEN}")
        try:
            raise RuntimeError(f"the gateway refused {TOKEN}")
        except RuntimeError:
            logger.exception("start-up failed")
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert TOKEN not in logged
    assert logged.count("[token]") == 3
    assert "RuntimeError: the gateway refused [token]" in logged  # the trace is still there


def test_the_token_is_in_no_output_or_file(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Home
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    outputs = [
        Cli(db_path, HOME)(*args).output
        for args in (
            ["facts", "export"],
            ["facts", "show", "no-such-fact"],
            ["facts", "add", "--statement", "x"],
            ["backup", str(tmp_path / "copy.db")],
        )
    ]
    assert all(TOKEN not in output for output in outputs)
    for path in (db_path, tmp_path / "copy.db"):
        assert TOKEN.encode() not in path.read_bytes()


def test_env_files_stay_out_of_git_and_docker() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored
    assert "**/.env" in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    # The example file ships without a value.
    example = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    assert "DISCORD_TOKEN=" in example
