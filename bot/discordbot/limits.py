"""A per-user asking rate, shared by /ask, mentions and "did you mean" buttons."""

from __future__ import annotations

from discord import app_commands

# Forget idle users now and then so the table stays small on a busy server.
PRUNE_ABOVE = 1_000


class AskLimiter:
    """One token bucket per user (discord.py's Cooldown), however the user asks: `rate`
    asks in `per` seconds (the settings' ask_rate and ask_per_seconds)."""

    def __init__(self, rate: int, per: float) -> None:
        self.cooldown = app_commands.Cooldown(rate, per)
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def retry_after(self, user_id: int) -> float | None:
        """Count one ask; None when allowed, else the seconds until the user may ask again."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) > PRUNE_ABOVE:
                self._prune()
            bucket = self._buckets[user_id] = self.cooldown.copy()
        return bucket.update_rate_limit()

    def _prune(self) -> None:
        idle = [
            user for user, bucket in self._buckets.items() if bucket.get_tokens() == bucket.rate
        ]
        for user in idle:
            del self._buckets[user]
