"""One settings object, from the defaults, `.env`, the environment and the command line's
options, each over the one before; a bad value is one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.knowledge import default_knowledge_dir
from bot.settings import (
    ASK_PER_SECONDS,
    ASK_RATE,
    MAX_QUESTION_CHARS,
    BotSettings,
    SettingsError,
    environment,
)

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789"
SETTING_NAMES = (
    "DISCORD_TOKEN",
    "LOG_LEVEL",
    "FACTBOT_DB",
    "FACTBOT_KNOWLEDGE",
    "FACTBOT_MAX_QUESTION_CHARS",
    "FACTBOT_ASK_RATE",
    "FACTBOT_ASK_PER_SECONDS",
    "FACTBOT_SAVED_INDEX_MIN_FACTS",
)
ANSWERABLE = "Who took Aleppo airport?"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working folder and an environment without any factbot setting."""
    monkeypatch.chdir(tmp_path)
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_unset_settings_take_their_defaults(in_tmp: Path) -> None:
    settings = BotSettings.from_env(environment(), discord=False)
    assert settings.db_path == in_tmp / "data" / "factbot" / "factbot.db"
    assert settings.knowledge_dir == default_knowledge_dir()
    assert settings.max_question_chars == MAX_QUESTION_CHARS == 300
    assert (settings.ask_rate, settings.ask_per_seconds) == (ASK_RATE, ASK_PER_SECONDS)


def test_the_environment_sets_every_one(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "FACTBOT_DB": "env.db",
        "FACTBOT_KNOWLEDGE": "env-knowledge",
        "FACTBOT_MAX_QUESTION_CHARS": "120",
        "FACTBOT_ASK_RATE": "2",
        "FACTBOT_ASK_PER_SECONDS": "10",
        "FACTBOT_SAVED_INDEX_MIN_FACTS": "20000",
        "DISCORD_TOKEN": TOKEN,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = BotSettings.from_env(environment())
    assert settings.db_path == Path("env.db")
    assert settings.knowledge_dir == Path("env-knowledge")
    assert settings.max_question_chars == 120
    assert (settings.ask_rate, settings.ask_per_seconds) == (2, 10)
    assert settings.saved_index_min_facts == 20000
    assert settings.token == TOKEN


def test_the_env_file_sets_them_and_the_environment_wins(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / ".env").write_text(
        "FACTBOT_DB=file.db\nFACTBOT_KNOWLEDGE=file-knowledge\nFACTBOT_ASK_RATE=3\n"
    )
    monkeypatch.setenv("FACTBOT_ASK_RATE", "4")
    settings = BotSettings.from_env(environment(), discord=False)
    assert settings.db_path == Path("file.db")
    assert settings.knowledge_dir == Path("file-knowledge")
    assert settings.ask_rate == 4


def test_the_command_lines_options_win_over_both(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / ".env").write_text("FACTBOT_DB=file.db\nFACTBOT_KNOWLEDGE=file-knowledge\n")
    monkeypatch.setenv("FACTBOT_DB", "env.db")
    settings = BotSettings.from_env(
        environment(), db=Path("cli.db"), knowledge=Path("cli-knowledge"), discord=False
    )
    assert settings.db_path == Path("cli.db")
    assert settings.knowledge_dir == Path("cli-knowledge")


def test_a_command_that_never_reaches_discord_reads_no_discord_setting() -> None:
    env = {"FACTBOT_DB": "f.db", "DISCORD_TOKEN": "not a token", "LOG_LEVEL": "loud"}
    assert BotSettings.from_env(env, discord=False).token == ""
    with pytest.raises(SettingsError, match="DISCORD_TOKEN is malformed"):
        BotSettings.from_env(env)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FACTBOT_ASK_RATE", "0"),
        ("FACTBOT_ASK_RATE", "five"),
        ("FACTBOT_ASK_PER_SECONDS", "-3"),
        ("FACTBOT_ASK_PER_SECONDS", "2.5"),
        ("FACTBOT_MAX_QUESTION_CHARS", "6001"),
        ("FACTBOT_MAX_QUESTION_CHARS", "²"),
        ("FACTBOT_SAVED_INDEX_MIN_FACTS", "0"),
    ],
)
def test_a_bad_limit_is_one_message_naming_the_setting_and_the_value(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        BotSettings.from_env({name: value}, discord=False)
    message = str(caught.value)
    assert message.startswith(f"{name} must be a whole number of 1 or more")
    assert repr(value) in message and "\n" not in message


def test_a_bad_limit_stops_a_command_with_one_line_and_exit_2(in_tmp: Path) -> None:
    (in_tmp / ".env").write_text("FACTBOT_ASK_RATE=lots\n")
    result = invoke("ask", ANSWERABLE)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: FACTBOT_ASK_RATE must be a whole number of 1 or more, not 'lots'"
    ]


def test_check_reads_the_knowledge_folder_from_the_env_file_and_the_option_wins(
    in_tmp: Path,
) -> None:
    empty = in_tmp / "empty-knowledge"
    empty.mkdir()
    (in_tmp / ".env").write_text(f"FACTBOT_KNOWLEDGE={empty}\n")
    configured = invoke("check")
    assert configured.exit_code == 1 and f"problem(s) in {empty}" in configured.output
    chosen = invoke("--knowledge", str(default_knowledge_dir()), "check")
    assert chosen.exit_code == 0 and chosen.output.startswith("check: ok")


def test_the_question_length_limit_reaches_the_service(in_tmp: Path) -> None:
    database = str(in_tmp / "f.db")
    whole = json.loads(invoke("--db", database, "ask", "--json", ANSWERABLE).output)
    assert whole["answered"]
    (in_tmp / ".env").write_text("FACTBOT_MAX_QUESTION_CHARS=3\n")
    cut = json.loads(invoke("--db", database, "ask", "--json", ANSWERABLE).output)
    assert not cut["answered"]  # matched on "Who" alone
