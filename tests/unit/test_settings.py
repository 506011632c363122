"""Settings from the environment and `.env`: a bad one is one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.settings import BotSettings, SettingsError, environment

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789"
# Line 3 is no NAME=value; line 5 opens a quote that never closes.
BAD_ENV = 'FACTBOT_DB=unused.db\n# a comment\nDISCORD_TOKEN is secret\nLOG_LEVEL=INFO\nX="oops\n'


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working folder and environment, with the database kept inside it."""
    monkeypatch.chdir(tmp_path)
    for name in ("DISCORD_TOKEN", "DISCORD_GUILD_ID", "FACTBOT_MOD_ROLE", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FACTBOT_DB", str(tmp_path / "factbot.db"))
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("token", ["abc", "not-a-token", "one.two", "a.b.c.d", "a..c", "a.b/c.d"])
def test_a_token_of_the_wrong_shape_is_refused_without_showing_it(token: str) -> None:
    with pytest.raises(SettingsError) as caught:
        BotSettings.from_env({"DISCORD_TOKEN": token, "FACTBOT_DB": "f.db"})
    message = str(caught.value)
    assert message.startswith("DISCORD_TOKEN is malformed") and token not in message


def test_a_token_of_the_right_shape_is_accepted() -> None:
    assert BotSettings.from_env({"DISCORD_TOKEN": TOKEN, "FACTBOT_DB": "f.db"}).token == TOKEN


def test_run_with_a_malformed_token_is_one_line_and_exit_2(in_tmp: Path) -> None:
    (in_tmp / ".env").write_text("DISCORD_TOKEN=abc\nDISCORD_API_BASE=http://127.0.0.1:9/api\n")
    result = invoke("run")
    assert result.exit_code == 2
    (line,) = result.output.splitlines()
    assert line.startswith("Error: DISCORD_TOKEN is malformed")


@pytest.mark.parametrize(
    ("content", "line"),
    [(BAD_ENV, 3), ('DISCORD_TOKEN="never closed\nA=1\n', 1)],
    ids=["no-equals", "open-quote"],
)
def test_environment_names_the_line_it_cannot_parse(in_tmp: Path, content: str, line: int) -> None:
    (in_tmp / ".env").write_text(content)
    with pytest.raises(SettingsError) as caught:
        environment()
    assert str(caught.value).startswith(f".env line {line} cannot be parsed")
    assert "secret" not in str(caught.value) and "never closed" not in str(caught.value)


@pytest.mark.parametrize(
    "args",
    [["facts", "list"], ["ask", "who took the airport"], ["unanswered"], ["run"], ["sync"]],
    ids=lambda args: args[0],
)
def test_every_command_reading_a_bad_env_says_one_line_and_fails(
    in_tmp: Path, args: list[str]
) -> None:
    (in_tmp / ".env").write_text(BAD_ENV)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        "Error: .env line 3 cannot be parsed: write it as NAME=value, closing any quote"
    ]


def test_run_names_the_env_file_it_was_given(in_tmp: Path) -> None:
    settings = in_tmp / "bot.env"
    settings.write_text(f"DISCORD_TOKEN={TOKEN}\n= no name\n")
    result = invoke("run", "--env-file", str(settings))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"Error: {settings} line 2 cannot be parsed: write it as NAME=value, closing any quote"
    ]


def test_an_env_file_that_is_not_text_is_one_line(in_tmp: Path) -> None:
    (in_tmp / ".env").write_bytes(b"DISCORD_TOKEN=\xff\xfe\n")
    result = invoke("facts", "list")
    assert result.exit_code == 2
    assert result.output.splitlines() == ["Error: .env is not UTF-8 text"]


def test_a_good_env_file_still_reads_and_the_environment_wins(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / ".env").write_text(f'DISCORD_TOKEN="{TOKEN}"\nLOG_LEVEL=debug\n# note\n\n')
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    settings = BotSettings.from_env(environment())
    assert settings.token == TOKEN and settings.log_level == "WARNING"
