"""Settings, read once: the command line's options over the environment over an optional
`.env` file over the defaults. The CLI, the service and the Discord bot get them from here."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from dotenv.parser import parse_stream

from bot.knowledge import default_knowledge_dir

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A bot token is three base64url parts joined by dots (user id, timestamp, signature).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
# ASCII digits only: str.isdigit() also takes "²", which int() refuses.
NUMBER = re.compile(r"[0-9]+")

# Questions are matched on their first characters, and /ask takes no more: an essay pasted
# in costs no more than a long question.
MAX_QUESTION_CHARS = 300
# Discord's own limit on a slash command's text option.
DISCORD_OPTION_CHARS = 6000
# Asks a user may make in ASK_PER_SECONDS, however they ask: enough for a conversation,
# not enough to flood a channel.
ASK_RATE = 5
ASK_PER_SECONDS = 30
# An index of this many facts or more is saved beside the database for the next start to
# load. Loading beats building at every size: at the 45 shipped facts a build takes about
# 50 ms and a load about 30 ms, of a cold `ask` that takes 0.4 s.
SAVED_INDEX_MIN_FACTS = 1


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the user."""


def default_db_path() -> Path:
    """`$XDG_DATA_HOME/factbot/factbot.db`, i.e. `~/.local/share/factbot/factbot.db`."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "factbot" / "factbot.db"


def environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """The process environment laid over the values of `env_file`, if it exists."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update(_read_env_file(Path(env_file)))
    values.update(os.environ)
    return values


def _read_env_file(path: Path) -> dict[str, str]:
    """The file's settings. A line python-dotenv cannot parse is an error naming the line:
    dotenv itself would only warn and skip it, and a skipped DISCORD_TOKEN misleads."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise SettingsError(f"cannot read {path}: {error.strerror}") from None
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            # The line itself is not shown: it may hold the token.
            raise SettingsError(
                f"{path} line {binding.original.line} cannot be parsed: "
                "write it as NAME=value, closing any quote"
            )
    return {k: v for k, v in dotenv_values(stream=io.StringIO(text)).items() if v is not None}


def db_path(env: Mapping[str, str] | None = None) -> Path:
    env = environment() if env is None else env
    configured = env.get("FACTBOT_DB", "").strip()
    return Path(configured).expanduser() if configured else default_db_path()


def knowledge_dir(env: Mapping[str, str]) -> Path:
    """`FACTBOT_KNOWLEDGE`, else the shipped knowledge files."""
    configured = env.get("FACTBOT_KNOWLEDGE", "").strip()
    return Path(configured).expanduser() if configured else default_knowledge_dir()


@dataclass(frozen=True, slots=True)
class BotSettings:
    """Every setting of factbot: where its data is, its limits, and (for `run` and `sync`)
    how it reaches Discord. The token is kept out of repr so it never reaches a log."""

    token: str = field(repr=False)
    db_path: Path
    knowledge_dir: Path = field(default_factory=default_knowledge_dir)
    max_question_chars: int = MAX_QUESTION_CHARS
    ask_rate: int = ASK_RATE
    ask_per_seconds: int = ASK_PER_SECONDS
    saved_index_min_facts: int = SAVED_INDEX_MIN_FACTS
    guild_id: int | None = None
    mod_role_id: int | None = None
    api_base: str | None = None
    gateway_url: str | None = None
    log_level: str = "INFO"
    # None: as many shards as Discord recommends, all in this process.
    shard_count: int | None = None
    # None: every shard of shard_count; else this process's share of them.
    shard_ids: tuple[int, ...] | None = None

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        db: Path | None = None,
        knowledge: Path | None = None,
        discord: bool = True,
    ) -> BotSettings:
        """The settings from `env` (the environment over `.env` by default) and the command
        line's `--db` and `--knowledge`, which win. With `discord` False the Discord settings
        are left unread: a command that never reaches Discord needs no token."""
        env = environment() if env is None else env
        shared = cls(
            token="",
            db_path=db or db_path(env),
            knowledge_dir=knowledge or knowledge_dir(env),
            max_question_chars=_whole(
                env, "FACTBOT_MAX_QUESTION_CHARS", MAX_QUESTION_CHARS, DISCORD_OPTION_CHARS
            ),
            ask_rate=_whole(env, "FACTBOT_ASK_RATE", ASK_RATE),
            ask_per_seconds=_whole(env, "FACTBOT_ASK_PER_SECONDS", ASK_PER_SECONDS),
            saved_index_min_facts=_whole(
                env, "FACTBOT_SAVED_INDEX_MIN_FACTS", SAVED_INDEX_MIN_FACTS
            ),
        )
        if not discord:
            return shared
        token = _token(env)
        level = _log_level(env)
        shard_count, shard_ids = _shards(env)
        return dataclasses.replace(
            shared,
            token=token,
            guild_id=_snowflake(env, "DISCORD_GUILD_ID"),
            mod_role_id=_snowflake(env, "FACTBOT_MOD_ROLE"),
            api_base=_url(env, "DISCORD_API_BASE", ("http://", "https://")),
            gateway_url=_url(env, "DISCORD_GATEWAY_URL", ("ws://", "wss://")),
            log_level=level,
            shard_count=shard_count,
            shard_ids=shard_ids,
        )

    @property
    def log_level_number(self) -> int:
        return int(getattr(logging, self.log_level))


def _token(env: Mapping[str, str]) -> str:
    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise SettingsError(
            "DISCORD_TOKEN is not set: put the bot token in .env or the environment"
        )
    if any(ch.isspace() for ch in token):
        raise SettingsError("DISCORD_TOKEN is malformed: it must not contain spaces")
    if not TOKEN_SHAPE.fullmatch(token):
        # Caught here, not by a failed login: the token is never echoed back.
        raise SettingsError(
            "DISCORD_TOKEN is malformed: a bot token is three parts joined by dots; "
            "copy it again from the developer portal (Bot > Reset Token)"
        )
    return token


def _log_level(env: Mapping[str, str]) -> str:
    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return level


def _whole(env: Mapping[str, str], name: str, default: int, highest: int | None = None) -> int:
    """A whole number of 1 or more (and at most `highest`), or `default` when unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    value = int(raw) if NUMBER.fullmatch(raw) else 0
    if value < 1 or (highest is not None and value > highest):
        most = "" if highest is None else f" and at most {highest}"
        raise SettingsError(f"{name} must be a whole number of 1 or more{most}, not {raw!r}")
    return value


def _snowflake(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not NUMBER.fullmatch(raw) or not 15 <= len(raw) <= 21:
        raise SettingsError(
            f"{name} must be a Discord id (a number of 15 to 21 digits), not {raw!r}"
        )
    return int(raw)


def _shards(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS, checked against each other: Discord closes
    the gateway (4010) on a shard id outside the count, and two processes running one shard
    would answer its servers twice."""
    raw_count = env.get("DISCORD_SHARD_COUNT", "").strip()
    raw_ids = env.get("DISCORD_SHARD_IDS", "").strip()
    count: int | None = None
    if raw_count:
        if not NUMBER.fullmatch(raw_count) or int(raw_count) < 1:
            raise SettingsError(
                f"DISCORD_SHARD_COUNT must be a whole number of 1 or more, not {raw_count!r}"
            )
        count = int(raw_count)
    if not raw_ids:
        return count, None
    if count is None:
        raise SettingsError(
            "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT: the number of shards of all the "
            "bot's processes together"
        )
    parts = [part.strip() for part in raw_ids.split(",")]
    if not all(NUMBER.fullmatch(part) for part in parts):
        raise SettingsError(
            f"DISCORD_SHARD_IDS must be shard numbers separated by commas (say 0,1), "
            f"not {raw_ids!r}"
        )
    ids = tuple(int(part) for part in parts)
    for shard_id in ids:
        if shard_id >= count:
            shards = "the only shard is 0" if count == 1 else f"the shards are 0 to {count - 1}"
            raise SettingsError(
                f"DISCORD_SHARD_IDS names shard {shard_id}, but with "
                f"DISCORD_SHARD_COUNT={count} {shards}"
            )
        if ids.count(shard_id) > 1:
            raise SettingsError(f"DISCORD_SHARD_IDS names shard {shard_id} twice")
    return count, ids


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.startswith(schemes):
        raise SettingsError(f"{name} must start with {' or '.join(schemes)}, not {raw!r}")
    return raw.rstrip("/")
