"""Phrase lists from the knowledge files as word tuples, and finding them in a sentence.

The reader's chatter and question-kind phrases are looked up by their first word, longest
first, so the longest phrase that fits wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from bot.text import fold

_DOUBLES = re.compile(r"(\w)\1+")

PhraseTable = dict[str, list[tuple[str, ...]]]


def as_phrases(entries: Iterable[str]) -> list[tuple[str, ...]]:
    """Folded phrases as word tuples, longest first, so the longest match wins."""
    phrases = {
        (*fold(entry[:-1]).split(), "$") if entry.endswith(" $") else tuple(fold(entry).split())
        for entry in entries
    }
    return sorted((p for p in phrases if p), key=lambda p: (-len(p), p))


def leading(words: Sequence[str], phrases: PhraseTable) -> int:
    """How many words the longest phrase that starts `words` covers (0 for none)."""
    for phrase in phrases.get(words[0], ()) if words else ():
        if tuple(words[: len(phrase)]) == phrase:
            return len(phrase)
    return 0


def by_first_word(phrases: Sequence[tuple[str, ...]]) -> PhraseTable:
    """Phrases grouped by their first word, longest first within each group."""
    grouped: PhraseTable = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        grouped.setdefault(phrase[0], []).append(phrase)
    return grouped


@functools.lru_cache(maxsize=65_536)
def _undoubled(word: str) -> str:
    """The word with every doubled letter single: "lool" -> "lol"."""
    return _DOUBLES.sub(r"\1", word)


def remove_all(words: list[str], phrases: PhraseTable) -> list[str]:
    """Words with every occurrence of the phrases taken out, longest phrases first.

    A single word also goes when it only stretches one ("lool", "ummm", "heyy").
    """
    kept: list[str] = []
    index = 0
    count = len(words)
    while index < count:
        word = words[index]
        matched = 0
        for phrase in phrases.get(word, ()):
            if tuple(words[index : index + len(phrase)]) == phrase:
                matched = len(phrase)
                break
        if matched:
            index += matched
            continue
        index += 1
        single = _undoubled(word)
        # A word that is its own undoubled form was looked up above, and stays.
        if single == word or (single,) not in phrases.get(single, ()):
            kept.append(word)
    return kept
