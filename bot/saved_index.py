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

It is a pickle, and unpickling can run code: the bot only ever unpickles a file it wrote
itself. Each file is signed (HMAC-SHA256) with a key kept in the database's own meta table,
and the signature is checked before a byte is unpickled; the file sits in the database's
directory with the database's permissions, written to a temporary file and moved into
place, never changed in place; and the unpickler only makes the bot's own classes and the
few builtins the index is made of.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import hmac
import io
import json
import logging
import operator
import os
import pickle
import secrets
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlite_utils import Database

from bot.errors import StorageUnavailable
from bot.feed import FeedMark
from bot.indexing import IndexBuilder
from bot.matcher import MatchIndex, MatchPolicy
from bot.models import Source
from bot.settings import SAVED_INDEX_MIN_FACTS
from bot.store import Store

logger = logging.getLogger(__name__)

_MAGIC = b"factbot saved match index 1\n"
# The meta row holding the key saved indexes are signed with.
_KEY = "saved_index_key"
# After the payload: the signature (64 hex digits) and the payload's length (20 digits).
_TRAILER = 64 + 20
_CHUNK = 1 << 20
# What the index is made of besides the bot's own classes; nothing else is unpickled.
_BUILTINS = {("array", "_array_reconstructor"), ("array", "array"), ("builtins", "frozenset")}


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
        if file.read(len(_MAGIC)) != _MAGIC:
            raise ValueError("not a saved match index")
        header = file.readline(4096)
        stamp = _stamp(json.loads(header))
        if stamp.fingerprint != self._fingerprint:
            logger.info("Saved index %s is for other code or settings: rebuilding", self.path)
            return None
        key = self._store.meta_value(_KEY)
        if key is None:
            raise ValueError("this database never signed a saved index")
        start = file.tell()
        size = os.fstat(file.fileno()).st_size
        file.seek(size - _TRAILER)
        trailer = file.read(_TRAILER).decode("ascii")
        signature, length = trailer[:64], int(trailer[64:])
        if start + length + _TRAILER != size:
            raise ValueError("truncated or padded")
        file.seek(start)
        signer = hmac.new(bytes.fromhex(key), header, hashlib.sha256)
        remaining = length
        while remaining:
            chunk = file.read(min(_CHUNK, remaining))
            if not chunk:
                raise ValueError("truncated")
            signer.update(chunk)
            remaining -= len(chunk)
        if not hmac.compare_digest(signer.hexdigest(), signature):
            raise ValueError("the signature does not match: not written for this database")
        # Verified: the bytes are the bot's own. The file is never written in place (see
        # `save`), and this open file keeps the verified version even if one replaces it.
        file.seek(start)
        with _collector_paused():
            saved_sources, state = _Unpickler(file).load()
            # Long-lived, and none of it garbage: out of the collector's sight, or its next
            # full pass walks millions of objects for nothing (as the bot does for a built
            # index, once started).
            gc.freeze()
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
        key = bytes.fromhex(self._signing_key())
        header = json.dumps(dataclasses.asdict(stamp), sort_keys=True).encode() + b"\n"
        folder = self.path.parent
        temporary = folder / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        # The database's own permissions: whoever may not read the database may not read
        # its facts here either.
        mode = stat.S_IMODE(Path(self._store.path).stat().st_mode) & 0o666
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                os.fchmod(raw.fileno(), mode)  # the umask narrowed what os.open gave
                raw.write(_MAGIC + header)
                out = _SigningWriter(raw, hmac.new(key, header, hashlib.sha256))
                with _collector_paused():
                    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
                raw.write(f"{out.signer.hexdigest()}{out.length:020d}".encode("ascii"))
                raw.flush()
                os.fsync(raw.fileno())
            temporary.replace(self.path)  # atomic: a reader sees the old file or the new
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def _signing_key(self) -> str:
        """The database's key for saved indexes, made on first use."""
        key = self._store.meta_value(_KEY)
        if key is not None:
            return key
        self._store.commit(writes=[_put_key])
        key = self._store.meta_value(_KEY)
        assert key is not None
        return key


def _put_key(db: Database) -> None:
    # "or ignore": of two processes making one at once, the first one's stays.
    db.execute(
        "insert or ignore into meta (key, value) values (?, ?)", [_KEY, secrets.token_hex(32)]
    )


def fingerprint(build: IndexBuilder) -> str:
    """Everything but the facts and sources that an index built by `build` depends on."""
    parts = {
        "python": sys.version,
        "code": _code_digest(),
        "lexicon": _canonical(build.lexicon),
        "policy": _canonical(build.policy or MatchPolicy()),
        "phrasing_limit": build.phrasing_limit,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    """Of the bot's source: a saved index is only read by the code that wrote it."""
    package = Path(__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
    if not sources:
        # Installed without its source: no way to tell versions apart, so trust no file.
        return secrets.token_hex(32)
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


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


class _SigningWriter(io.RawIOBase):
    """Passes the pickle on to the file, signing and counting it on the way."""

    def __init__(self, raw: IO[bytes], signer: hmac.HMAC) -> None:
        super().__init__()
        self._raw = raw
        self.signer = signer
        self.length = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.signer.update(view)
        self.length += view.nbytes
        self._raw.write(view)
        return view.nbytes


class _Pickler(pickle.Pickler):
    """Frozen dataclasses pickled as their constructor's arguments: unpickling 100,000 facts
    then calls their __init__, where the default (a Python-level __setstate__ that looks up
    the fields of each object again) takes several times as long."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls not in _CONSTRUCTOR_FIELDS:
            _CONSTRUCTOR_FIELDS[cls] = _constructor_fields(cls)
        fields_of = _CONSTRUCTOR_FIELDS[cls]
        if fields_of is None:
            return NotImplemented
        return type(obj), fields_of(obj)


_CONSTRUCTOR_FIELDS: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}


def _constructor_fields(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """How to get the arguments that remake an instance of `cls`, if it is a dataclass whose
    constructor takes every field and does nothing else."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    fields = dataclasses.fields(cls)
    if not fields or not all(f.init and not f.kw_only for f in fields):
        return None
    names = [f.name for f in fields]
    if len(names) == 1:
        return lambda obj: (getattr(obj, names[0]),)
    getter: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
    return getter


class _Unpickler(pickle.Unpickler):
    """Makes only the bot's own classes and the few builtins an index holds."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _BUILTINS:
            return super().find_class(module, name)
        if module.startswith("bot.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a match index")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while millions of objects are made or walked: each pass
    would scan all of them again, for nothing, as none of them is garbage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
