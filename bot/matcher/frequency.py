"""How common a word is in general English: the prior for words the base never uses.

A word no fact uses tells the most about a question when it is rare ("shawarma",
"hezbollah": the question is about something else) and little when it is everyday
English ("people", "like", "anyway": chatter around a real question). The figures are
wordfreq's Zipf frequencies (log10 of occurrences per billion words; "the" is 7.7).

wordfreq's English list is read straight from the package's data file, in its published
cB format, so the bot pays 20 ms for the 29,000 commonest words instead of importing
wordfreq's tokenisers (0.1 s) and its 300,000-word list (0.16 s).
"""

from __future__ import annotations

import gzip
import importlib.util
import threading
from pathlib import Path
from typing import Any

import msgpack

# Words missing from the list are rarer than its rarest entries.
RARE_ZIPF = 3.0


class WordFrequency:
    """Zipf frequencies of English words, loaded on first use."""

    def __init__(self, wordlist: str = "small_en") -> None:
        self._wordlist = wordlist
        self._zipf: dict[str, float] | None = None
        self._lock = threading.Lock()

    def zipf(self, word: str) -> float:
        table = self._zipf if self._zipf is not None else self._load()
        return table.get(word, RARE_ZIPF)

    def _load(self) -> dict[str, float]:
        with self._lock:
            if self._zipf is None:
                self._zipf = _read_cb_pack(_data_file(self._wordlist))
        return self._zipf


def _data_file(wordlist: str) -> Path | None:
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / f"{wordlist}.msgpack.gz"


def _read_cb_pack(path: Path | None) -> dict[str, float]:
    """word -> Zipf frequency; empty (every word rare) if the list cannot be read.

    A cB pack is a header, then buckets of words: bucket i holds the words whose
    frequency is -i centibels, that is Zipf 9 - i/100.
    """
    if path is None:
        return {}
    try:
        data: Any = msgpack.unpackb(gzip.decompress(path.read_bytes()), raw=False)
    except (OSError, ValueError, msgpack.UnpackException):
        return {}
    header = data[0] if isinstance(data, list) and data else None
    if not isinstance(header, dict) or header.get("format") != "cB":
        return {}
    return {
        word: 9.0 - bucket / 100.0
        for bucket, words in enumerate(data[1:])
        for word in words
        if isinstance(word, str)
    }
