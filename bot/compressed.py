"""Gzip-compressed fact files: `/fact export` compresses a file too large to upload as it is,
and both importers (`/fact import`, `facts import`) take such a file as it came.

A gzip file is known by its first bytes, not its name, so a renamed or piped one works too.
"""

from __future__ import annotations

import gzip
import io
import zlib

from bot.errors import ValidationError

GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(data: bytes) -> bool:
    return data.startswith(GZIP_MAGIC)


def gunzip_within(data: bytes, limit: int) -> bytes:
    """`data` decompressed when it is gzip, else as it is; never more than `limit` bytes
    are unpacked, so a small file cannot unpack into a huge one."""
    if not is_gzip(data):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacking:
            unpacked = unpacking.read(limit + 1)
    except (OSError, EOFError, zlib.error):
        raise ValidationError(["file: a damaged gzip file (it does not decompress)"]) from None
    if len(unpacked) > limit:
        raise ValidationError([f"file: larger than {limit // 1000} kB once decompressed"])
    return unpacked
