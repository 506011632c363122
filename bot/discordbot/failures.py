"""Unexpected errors: logged once with their traceback, shown to users as an apology with an id."""

from __future__ import annotations

import logging
import secrets

log = logging.getLogger("bot.discordbot.errors")


def log_unexpected(error: BaseException, where: str) -> str:
    """Log `error` with its traceback under a fresh id, and return the id."""
    error_id = secrets.token_hex(4)
    log.error("Unexpected error %s in %s", error_id, where, exc_info=error)
    return error_id


def apology(error_id: str) -> str:
    return f"Sorry, something went wrong on my side. (error id `{error_id}`)"
