"""The errors a user can cause and fix. Each message is written for that user."""

from __future__ import annotations

from collections.abc import Sequence


class FactbotError(Exception):
    """An error the user caused and can fix; the message is meant for them."""


class ValidationError(FactbotError):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class NotFound(FactbotError):
    pass


class Forbidden(FactbotError):
    pass


class DatabaseUnavailable(FactbotError):
    """The database file cannot be opened, created or written where it was asked for."""


class StorageUnavailable(DatabaseUnavailable):
    """A write the disk or another process refused (full, read-only, locked, failing),
    raised once it was rolled back: nothing of it was written."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Nothing was changed: {reason}.")
        self.reason = reason


class QuestionSetError(Exception):
    """A question set (the shared/eval format) that cannot be read; one line says why."""
