"""The change feed: what every connection wrote, read from the audit log, so that a
process can bring its index up to date with the writes of others (see following.py).

Few statements, each returning few rows: every row SQLite steps through lets go of the
GIL, and with answers running on other threads each may take a switch interval (5 ms) to
get it back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.models import Fact, FactKey, Source
from bot.records import fact_from_row

if TYPE_CHECKING:
    from bot.store import Store


@dataclass(frozen=True, slots=True)
class FeedMark:
    """An audit entry, by id and by content: after a restore or a rewrite of the log, the
    same id can name a different entry."""

    id: int  # 0: before the first entry
    digest: str


@dataclass(frozen=True, slots=True)
class FeedBatch:
    mark: FeedMark  # the last entry read
    facts: dict[FactKey, Fact | None]  # None: no longer in the database
    sources_digest: str  # of the sources table as it is now (see sources_state)
    complete: bool  # no entry after `mark` yet


@dataclass(frozen=True, slots=True)
class IndexState:
    mark: FeedMark
    facts: list[Fact]
    sources: list[Source]
    sources_digest: str


class ChangeFeed:
    """The feed of one store; reads only."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def index_state(self) -> IndexState:
        """What the index is built from, and the audit entry it is up to, as of one moment."""
        with self._store.reading():
            facts = self._store.facts(include_retired=False)
            digest, sources = self.sources_state()
            return IndexState(self._latest_mark(), facts, sources, digest)

    def sources_state(self) -> tuple[str, list[Source]]:
        """The sources, and a digest of them that `changes_since` reports too."""
        with self._store.reading():
            return self._sources_digest(), self._store.sources()

    def changes_since(self, mark: FeedMark, limit: int) -> FeedBatch | None:
        """The facts the next `limit` audit entries after `mark` changed, as they are now.

        None when the entry `mark` names is gone or different (the audit log was truncated,
        the database restored from a backup or replaced): the log no longer says what
        changed since, and only a rebuild can.
        """
        with self._store.reading():
            if mark.id and self._mark_at(mark.id) != mark:
                return None
            rows = self._store.conn.execute(
                "select id, guild_id, fact_id from audit where id > ? order by id limit ?",
                [mark.id, limit],
            ).fetchall()
            keys = list(dict.fromkeys(FactKey(int(g), str(f)) for _, g, f in rows))
            facts: dict[FactKey, Fact | None] = dict.fromkeys(keys)
            facts.update((fact.key, fact) for fact in self._facts_by_key(keys))
            last = self._mark_at(int(rows[-1][0])) if rows else mark
            assert last is not None  # read in this same transaction
            return FeedBatch(last, facts, self._sources_digest(), complete=len(rows) < limit)

    def _facts_by_key(self, keys: list[FactKey]) -> list[Fact]:
        facts: list[Fact] = []
        # In slices, well under SQLite's limit on bound parameters; a fact's phrasings come
        # in its own row, as [position, text] pairs.
        for start in range(0, len(keys), 250):
            batch = keys[start : start + 250]
            marks = ", ".join(["(?, ?)"] * len(batch))
            for row in self._store.query(
                # Joined from the keys, so each fact is found by its primary key.
                f"with wanted (guild_id, id) as (values {marks})"
                " select f.*, (select json_group_array(json_array(p.position, p.text))"
                " from phrasings p where p.guild_id = f.guild_id and p.fact_id = f.id)"
                " as phrasings_json from wanted w"
                " join facts f on f.guild_id = w.guild_id and f.id = w.id",
                [part for key in batch for part in key],
            ):
                pairs = sorted(json.loads(row["phrasings_json"]))
                facts.append(fact_from_row(row, [text for _, text in pairs]))
        return facts

    def _sources_digest(self) -> str:
        row = self._store.conn.execute(
            "select group_concat(line, char(10)) from (select json_array(guild_id, id, name,"
            " aliases, description, part_of) as line from sources order by guild_id, id)"
        ).fetchone()
        return hashlib.sha256((row[0] or "").encode()).hexdigest()

    def _latest_mark(self) -> FeedMark:
        row = self._store.conn.execute("select max(id) from audit").fetchone()
        if row[0] is None:
            return FeedMark(0, "")
        mark = self._mark_at(int(row[0]))
        assert mark is not None
        return mark

    def _mark_at(self, entry_id: int) -> FeedMark | None:
        row = self._store.conn.execute(
            "select at, actor, action, fact_id, after from audit where id = ?", [entry_id]
        ).fetchone()
        if row is None:
            return None
        return FeedMark(entry_id, hashlib.sha256(json.dumps(list(row)).encode()).hexdigest())
