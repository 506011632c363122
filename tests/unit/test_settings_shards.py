"""DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS: one process's share of the bot's shards.

A bad pair is one line and exit 2 before Discord is called: Discord would close the
gateway on a shard outside the count, and two processes on one shard answer twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import BotSettings, SettingsError

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789"


def settings(**shards: str) -> BotSettings:
    return BotSettings.from_env({"DISCORD_TOKEN": TOKEN, "FACTBOT_DB": "f.db", **shards})


def refusal(**shards: str) -> str:
    with pytest.raises(SettingsError) as caught:
        settings(**shards)
    return str(caught.value)


def test_unset_means_the_recommended_count_all_in_this_process() -> None:
    unset = settings()
    assert (unset.shard_count, unset.shard_ids) == (None, None)


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("2", "", (2, None)),  # every shard of the two, here
        ("2", "0", (2, (0,))),
        ("4", " 3, 1 ", (4, (3, 1))),
        ("1", "0", (1, (0,))),
    ],
)
def test_a_count_and_a_share_of_its_shards_are_read(
    count: str, ids: str, expected: tuple[int, tuple[int, ...] | None]
) -> None:
    read = settings(DISCORD_SHARD_COUNT=count, DISCORD_SHARD_IDS=ids)
    assert (read.shard_count, read.shard_ids) == expected


@pytest.mark.parametrize("count", ["0", "-1", "two", "1.5", "²", "0x2"])
def test_a_count_that_is_no_whole_number_of_one_or_more_is_refused(count: str) -> None:
    assert refusal(DISCORD_SHARD_COUNT=count) == (
        f"DISCORD_SHARD_COUNT must be a whole number of 1 or more, not {count!r}"
    )


def test_shard_ids_need_a_count() -> None:
    assert refusal(DISCORD_SHARD_IDS="0").startswith("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")


@pytest.mark.parametrize("ids", ["0,,1", "0;1", "a", "-1", "1,", "0 1"])
def test_shard_ids_that_are_not_numbers_and_commas_are_refused(ids: str) -> None:
    assert refusal(DISCORD_SHARD_COUNT="2", DISCORD_SHARD_IDS=ids) == (
        f"DISCORD_SHARD_IDS must be shard numbers separated by commas (say 0,1), not {ids!r}"
    )


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        ("2", "0,2", "names shard 2, but with DISCORD_SHARD_COUNT=2 the shards are 0 to 1"),
        ("1", "1", "names shard 1, but with DISCORD_SHARD_COUNT=1 the only shard is 0"),
        ("3", "1,0,1", "names shard 1 twice"),
    ],
)
def test_shard_ids_outside_the_count_or_twice_are_refused(
    count: str, ids: str, message: str
) -> None:
    assert refusal(DISCORD_SHARD_COUNT=count, DISCORD_SHARD_IDS=ids) == (
        f"DISCORD_SHARD_IDS {message}"
    )


@pytest.mark.parametrize("command", ["run", "sync"])
def test_a_bad_shard_setting_stops_the_bot_with_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "DISCORD_TOKEN": TOKEN,
        "FACTBOT_DB": str(tmp_path / "factbot.db"),
        # Nothing listens there: a bot that went on would fail differently.
        "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        "DISCORD_SHARD_COUNT": "2",
        "DISCORD_SHARD_IDS": "1,2",
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, [command])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        "Error: DISCORD_SHARD_IDS names shard 2, but with DISCORD_SHARD_COUNT=2 "
        "the shards are 0 to 1"
    ]
