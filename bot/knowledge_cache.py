"""The parsed knowledge kept beside the database (`<database>.knowledge`), so that a start
whose knowledge files have not changed reads it back instead of parsing and validating
the TOML again, which takes most of a quick answer's time.

The copy names the files it was read from with the SHA-256 of each one's bytes, and the
code and Python that read them: it is used only while every one of those is the same, and
parsed afresh (and saved again) otherwise. It is a signed pickle (signed_pickle.py), with
the database's key: a file that is missing, damaged or written for another database is
never unpickled, only replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import IO

from bot.errors import StorageUnavailable
from bot.knowledge import Knowledge, load_knowledge
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

_MAGIC = b"factbot parsed knowledge 1\n"


class KnowledgeCache:
    """The parsed knowledge of one database's knowledge folder."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.path = Path(f"{store.path}.knowledge")

    def load(self, directory: Path) -> Knowledge:
        """The knowledge in `directory`: the copy beside the database if it was read from
        these very files, else parsed (KnowledgeError as load_knowledge raises it) and kept."""
        kept = self._kept(directory)
        if kept is not None:
            return kept
        knowledge = load_knowledge(directory)
        self.save(knowledge)
        return knowledge

    def _kept(self, directory: Path) -> Knowledge | None:
        if self._store.path == ":memory:":
            return None
        try:
            with self.path.open("rb") as file:
                return self._read(file, directory)
        except FileNotFoundError:
            return None
        except Exception as error:  # whatever a damaged file does, the bot starts
            logger.warning("Parsed knowledge %s ignored: %s", self.path, error)
            return None

    def _read(self, file: IO[bytes], directory: Path) -> Knowledge | None:
        header = read_header(file, _MAGIC)
        stamp = json.loads(header)
        if stamp["reader"] != _reader():
            return None
        key = stored_key(self._store)
        if key is None:
            raise ValueError("this database never signed a file")
        # Verified before the files it names are read: those names are the bot's own.
        article, sources, facts, lexicon = read_payload(file, header, key)
        if not _unchanged(directory, stamp["files"]):
            return None
        return Knowledge(article, sources, facts, lexicon, directory, stamp["files"])

    def save(self, knowledge: Knowledge) -> None:
        """Keep `knowledge` for the next start; a database or folder that cannot be written
        to only means the next start parses again."""
        if self._store.path == ":memory:":
            return
        stamp = {"reader": _reader(), "files": dict(knowledge.files)}
        header = json.dumps(stamp, sort_keys=True).encode() + b"\n"
        # Where the files are is the caller's to say, and what they were is in the header.
        payload = (knowledge.article, knowledge.sources, knowledge.facts, knowledge.lexicon)
        try:
            key = signing_key(self._store)
            # Not synced to disk: a copy torn by a crash fails its signature check, and is
            # parsed again.
            write_signed(self.path, _MAGIC, header, payload, key, self._store.path, durable=False)
        except (OSError, StorageUnavailable) as error:
            logger.warning("Parsed knowledge not kept in %s: %s", self.path, error)


def _reader() -> str:
    """The code and Python that parse the files: a copy from others is not this one's."""
    return f"{code_digest()} {sys.version}"


def _unchanged(directory: Path, files: dict[str, str]) -> bool:
    """Whether each file in `files` (name: SHA-256) still has those bytes."""
    try:
        return all(
            hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest
            for name, digest in files.items()
        )
    except OSError:
        return False
