"""The match index saved beside the database (`<database>.index`), so that a process starts
from it instead of indexing every fact again: at 100,000 facts, loading takes seconds where
reading the facts and building takes half a minute.

A saved index is stamped with the audit entry it is up to (following.py catches it up with
the feed from there) and a fingerprint of everything else it depends on but the facts and
sources: the code, the lexicon, the policy, the phrasing limit and the Python version; the
sources it was built with are saved with it. A file that is missing, truncated, garbled,
made by other code or for another database is ignored, and the index built afresh; so is
one whose sources have changed since (sources added since change no fact saved, and are
taken in).

It is a signed pickle (signed_pickle.py): the bot only ever unpickles a file it wrote
itself, for this database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.errors import StorageUnavailable
from bot.feed import FeedMark
from bot.indexing import IndexBuilder
from bot.matcher import MatchIndex, MatchPolicy
from bot.models import Source
from bot.settings import SAVED_INDEX_MIN_FACTS
from bot.signed_pickle import (
    code_digest,
    read_header,
    read_payload,
    signing_key,
    stored_key,
    write_signed,
)
from bot.store import Store

logger = logging.getLogger(__name__)

_MAGIC = b"factbot saved match index 1\n"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a saved index is up to, and what it was built from."""

    mark: FeedMark
    fingerprint: str
    facts: int


class SavedIndex:
    """The saved index of one database, for one way of building the index."""

    def __init__(
        self, store: Store, build: IndexBuilder, min_facts: int = SAVED_INDEX_MIN_FACTS
    ) -> None:
        self._store = store
        self._build = build
        self.min_facts = min_facts
        self.path = Path(f"{store.path}.index")
        self._fingerprint = fingerprint(build)

    @classmethod
    def beside(
        cls, store: Store, build: IndexBuilder, min_facts: int = SAVED_INDEX_MIN_FACTS
    ) -> SavedIndex | None:
        """The saved index of a database file; None for an in-memory database."""
        if store.path == ":memory:" or not Path(store.path).is_file():
            return None
        return cls(store, build, min_facts)

    # -- loading ----------------------------------------------------------------------

    def load(self, sources: list[Source]) -> tuple[MatchIndex, Stamp] | None:
        """The saved index, with `sources` (the database's now), if there is one this
        process can trust and use with them; None, saying why in the log, if not."""
        try:
            with self.path.open("rb") as file:
                return self._read(file, sources)
        except FileNotFoundError:
            return None
        except Exception as error:  # whatever a damaged file does, the bot starts
            logger.warning("Saved index %s ignored: %s", self.path, error)
            return None

    def _read(self, file: IO[bytes], sources: list[Source]) -> tuple[MatchIndex, Stamp] | None:
        header = read_header(file, _MAGIC)
        stamp = _stamp(json.loads(header))
        if stamp.fingerprint != self._fingerprint:
            logger.info("Saved index %s is for other code or settings: rebuilding", self.path)
            return None
        key = stored_key(self._store)
        if key is None:
            raise ValueError("this database never signed a saved index")
        saved_sources, state = read_payload(file, header, key)
        if not _only_added(saved_sources, sources):
            logger.info("Saved index %s predates a change of sources: rebuilding", self.path)
            return None
        index = self._build(sources, [])
        index.restore(state)
        return index, stamp

    # -- saving -----------------------------------------------------------------------

    def save(self, index: MatchIndex, mark: FeedMark, sources: list[Source]) -> bool:
        """Save `index`, built with `sources` and holding every change up to `mark`, if it
        holds at least `min_facts` facts; whether it was saved. Its state is taken at once,
        then written while answers and writes go on."""
        if len(index) < self.min_facts:
            return False
        state = (tuple(sources), index.saved_state())
        stamp = Stamp(mark, self._fingerprint, len(index))
        try:
            self._write(state, stamp)
        except (OSError, StorageUnavailable) as error:
            logger.warning("Match index not saved to %s: %s", self.path, error)
            return False
        logger.info("Match index of %d facts saved to %s", len(index), self.path)
        return True

    def _write(self, state: object, stamp: Stamp) -> None:
        header = json.dumps(dataclasses.asdict(stamp), sort_keys=True).encode() + b"\n"
        key = signing_key(self._store)
        write_signed(self.path, _MAGIC, header, state, key, self._store.path)


def fingerprint(build: IndexBuilder) -> str:
    """Everything but the facts and sources that an index built by `build` depends on."""
    lexicon = build.lexicon
    parts = {
        "python": sys.version,
        "code": code_digest(),
        # A lexicon read from files is told by theirs, with the code that reads them (above);
        # one made in code by what it holds, which takes longer.
        "lexicon": lexicon.files_digest or _canonical(lexicon),
        "policy": _canonical(build.policy or MatchPolicy()),
        "phrasing_limit": build.phrasing_limit,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _canonical(value: object) -> object:
    """`value` as JSON that is the same in every process (sets are sorted: their order
    follows string hashing, which differs from process to process)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return [type(value).__name__, {f.name: _canonical(getattr(value, f.name)) for f in fields}]
    if isinstance(value, Mapping):
        return sorted(([_canonical(k), _canonical(v)] for k, v in value.items()), key=_json)
    if isinstance(value, set | frozenset):
        return sorted((_canonical(item) for item in value), key=_json)
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def _only_added(saved: object, current: list[Source]) -> bool:
    """Whether the sources now are those saved, plus new ones under new ids: the names of
    a source are part of each of its facts' entries, and a new one has no fact saved."""
    if not isinstance(saved, tuple) or not all(isinstance(s, Source) for s in saved):
        return False
    added = set(current).difference(saved)
    return set(saved) <= set(current) and not {s.id for s in added} & {s.id for s in saved}


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _stamp(header: Any) -> Stamp:
    mark = header["mark"]
    return Stamp(
        FeedMark(int(mark["id"]), str(mark["digest"])),
        str(header["fingerprint"]),
        int(header["facts"]),
    )
