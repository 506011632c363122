"""Pickles the bot keeps beside its database (the saved match index, the parsed knowledge),
signed so that it only ever unpickles a file it wrote itself.

Unpickling can run code. Each file is signed (HMAC-SHA256) with a key kept in the
database's own meta table, and the signature is checked before a byte is unpickled; the
file sits in the database's directory with the database's permissions, written to a
temporary file and moved into place, never changed in place; and the unpickler only makes
the bot's own classes and the few builtins these files are made of.

A file is: a magic line naming what it holds, a header line (what the reader checks before
the payload), the pickle, then the signature of header and pickle (64 hex digits) and the
pickle's length (20 digits).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import hmac
import io
import operator
import os
import pickle
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.store import Store

# The meta row holding the key the files are signed with (made with the database: see
# migrations.py).
SIGNING_KEY = "saved_index_key"
_TRAILER = 64 + 20
_CHUNK = 1 << 20
# What the files are made of besides the bot's own classes; nothing else is unpickled.
_BUILTINS = {("array", "_array_reconstructor"), ("array", "array"), ("builtins", "frozenset")}


@functools.cache
def code_digest() -> str:
    """Of the bot's source: a file is only read by the code that wrote it."""
    package = Path(__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
    if not sources:
        # Installed without its source: no way to tell versions apart, so trust no file.
        return secrets.token_hex(32)
    from bot.matcher import COMPILED  # here: loading a saved file loads the matcher anyway

    # Compiled classes pickle apart from the same classes run as Python.
    digest = hashlib.sha256(b"compiled matcher\0" if COMPILED else b"")
    for path in sources:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_key(store: Store) -> bytes | None:
    """The database's signing key; None if it never signed a file."""
    key = store.meta_value(SIGNING_KEY)
    return None if key is None else bytes.fromhex(key)


def signing_key(store: Store) -> bytes:
    """The database's signing key, made now if the database has none."""
    key = stored_key(store)
    if key is not None:
        return key
    store.commit(writes=[_put_key])
    key = stored_key(store)
    assert key is not None
    return key


def new_signing_key() -> str:
    return secrets.token_hex(32)


def _put_key(db: Database) -> None:
    # "or ignore": of two processes making one at once, the first one's stays.
    db.execute(
        "insert or ignore into meta (key, value) values (?, ?)", [SIGNING_KEY, new_signing_key()]
    )


def read_header(file: IO[bytes], magic: bytes) -> bytes:
    """The header line of a signed file, after its magic line; ValueError if it is none."""
    if file.read(len(magic)) != magic:
        raise ValueError("not a file of this kind")
    return file.readline(4096)


def read_payload(file: IO[bytes], header: bytes, key: bytes) -> Any:
    """The pickle after `header`, once its signature is checked; ValueError if the file is
    truncated, padded or was not signed with `key`."""
    start = file.tell()
    size = os.fstat(file.fileno()).st_size
    file.seek(size - _TRAILER)
    trailer = file.read(_TRAILER).decode("ascii")
    signature, length = trailer[:64], int(trailer[64:])
    if start + length + _TRAILER != size:
        raise ValueError("truncated or padded")
    file.seek(start)
    signer = hmac.new(key, header, hashlib.sha256)
    remaining = length
    while remaining:
        chunk = file.read(min(_CHUNK, remaining))
        if not chunk:
            raise ValueError("truncated")
        signer.update(chunk)
        remaining -= len(chunk)
    if not hmac.compare_digest(signer.hexdigest(), signature):
        raise ValueError("the signature does not match: not written for this database")
    # Verified: the bytes are the bot's own. A file is never written in place (see
    # `write_signed`), and this open file keeps the verified version even if one replaces it.
    file.seek(start)
    with collector_paused():
        payload = Unpickler(file).load()
        # Long-lived, and none of it garbage: out of the collector's sight, or its next
        # full pass walks all of it for nothing.
        gc.freeze()
    return payload


def write_signed(
    path: Path,
    magic: bytes,
    header: bytes,
    payload: object,
    key: bytes,
    database: str,
    *,
    durable: bool = True,
) -> None:
    """Write `payload` to `path` under `header` (one line), signed with `key`, with the
    permissions of the `database` file. `durable`: synced to disk before it replaces the
    old file; a file that is cheap to make again need not be, as a torn one fails its
    signature check."""
    folder = path.parent
    temporary = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    # The database's own permissions: whoever may not read the database may not read
    # its facts here either.
    mode = stat.S_IMODE(Path(database).stat().st_mode) & 0o666
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            os.fchmod(raw.fileno(), mode)  # the umask narrowed what os.open gave
            raw.write(magic + header)
            out = _SigningWriter(raw, hmac.new(key, header, hashlib.sha256))
            with collector_paused():
                Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(payload)
            raw.write(f"{out.signer.hexdigest()}{out.length:020d}".encode("ascii"))
            raw.flush()
            if durable:
                os.fsync(raw.fileno())
        temporary.replace(path)  # atomic: a reader sees the old file or the new
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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


class Pickler(pickle.Pickler):
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


class Unpickler(pickle.Unpickler):
    """Makes only the bot's own classes and the few builtins the files hold."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _BUILTINS:
            return super().find_class(module, name)
        if module.startswith("bot.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a saved file")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while millions of objects are made or walked: each pass
    would scan all of them again, for nothing, as none of them is garbage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
