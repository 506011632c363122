"""Settings, from the environment and an optional `.env` file (the environment wins)."""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from dotenv.parser import parse_stream

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# A bot token is three base64url parts joined by dots (user id, timestamp, signature).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
# ASCII digits only: str.isdigit() also takes "²", which int() refuses.
NUMBER = re.compile(r"[0-9]+")


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


@dataclass(frozen=True, slots=True)
class BotSettings:
    """What `run` needs. The token is kept out of repr so it never reaches a log."""

    token: str = field(repr=False)
    db_path: Path
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
    def from_env(cls, env: Mapping[str, str] | None = None) -> BotSettings:
        env = environment() if env is None else env
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
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
        shard_count, shard_ids = _shards(env)
        return cls(
            token=token,
            db_path=db_path(env),
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


def _snowflake(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
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
