"""Words into terms: folding, stemming, the lexicon's synonyms, and spelling correction.

A question is turned into *terms*: folded, lightly stemmed words, with misspellings of the
fact base's own words corrected and synonyms from the lexicon mapped onto one canonical
word. Function words are kept aside: they help compare phrasings literally but never
count as content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge import Lexicon
from bot.text import fold, stem

_WORD = re.compile(r"[^\W_]+")
# In a lexicon phrase, "*" stands for any one content word: "ask * to" reads "asked Moscow
# to" as a request, and Moscow stays a term of its own.
GAP = "*"
_SENTENCE_END = re.compile(r"[.!?:;\"“”‘’'(]\s*$")


class Analyzer:
    """Turns text into content terms and function words, using the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.stopwords = frozenset(stem(word) for word in lexicon.stopwords) | lexicon.stopwords
        phrases: dict[tuple[str, ...], str] = {}
        self.broader = {g.canonical: g.broader for g in lexicon.synonyms if g.broader}
        for group in lexicon.synonyms:
            for variant in (group.canonical, *group.variants):
                key = phrase_key(variant)
                if key:
                    phrases[key] = group.canonical
        self.phrases = phrases
        self.longest_phrase = max((len(key) for key in phrases), default=1)
        # The phrases by their first stem, longest first: one lookup a word finds the few
        # phrases that could start there.
        starting: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, canonical in sorted(phrases.items(), key=lambda item: -len(item[0])):
            starting.setdefault(key[0], []).append((key, canonical))
        self._starting = starting
        self.lexicon_words = frozenset(w for key in phrases for w in key if w != GAP) | frozenset(
            lexicon.stopwords
        )
        self.lexicon_words |= lexicon.light_words
        self.light_terms = frozenset(
            term for word in lexicon.light_words for term in self.analyse(word.split())[0]
        )

    def analyse(self, words: Sequence[str]) -> tuple[list[str], list[str]]:
        """(content terms, function words) of already folded and corrected words."""
        stems = [stem(word) for word in words]
        content: list[str] = []
        function: list[str] = []
        index = 0
        count = len(stems)
        starting = self._starting
        stopwords = self.stopwords
        while index < count:
            stemmed = stems[index]
            phrases = starting.get(stemmed)
            if phrases is not None:
                matched = self._phrase_at(phrases, stems, words, index, content)
                if matched:
                    index += matched
                    continue
            word = words[index]
            if word in stopwords or stemmed in stopwords:
                function.append(word)
            else:
                content.append(stemmed)
            index += 1
        return content, function

    def _phrase_at(
        self,
        phrases: list[tuple[tuple[str, ...], str]],
        stems: list[str],
        words: Sequence[str],
        index: int,
        content: list[str],
    ) -> int:
        """How many words the longest lexicon phrase at `index` covers (0: none); its
        canonical term, and the terms of the words filling its gaps, go into `content`."""
        for key, canonical in phrases:
            length = len(key)
            window = stems[index : index + length]
            if tuple(window) == key:
                content.append(canonical)
                return length
            if GAP in key and self._fills(key, window, words[index : index + length]):
                content.append(canonical)
                filled = words[index : index + length]
                gaps = [w for k, w in zip(key, filled, strict=True) if k == GAP]
                content.extend(self.analyse(gaps)[0])
                return length
        return 0

    def _fills(self, key: tuple[str, ...], stems: list[str], words: Sequence[str]) -> bool:
        """Whether words match a phrase with gaps, each gap filled by one content word."""
        if len(stems) != len(key):
            return False
        for wanted, stemmed, word in zip(key, stems, words, strict=True):
            if wanted == GAP:
                if word in self.stopwords or stemmed in self.stopwords:
                    return False
            elif wanted != stemmed:
                return False
        return True

    def key(self, text: str) -> tuple[str, ...]:
        """Stemmed words, as alias phrases are compared."""
        return tuple(stem(word) for word in fold(text).split())

    def terms_of(self, words: list[str]) -> list[str]:
        """Terms of a fact's words, with the broader terms they imply (HTS: rebels)."""
        terms = self.analyse(words)[0]
        broader = self.broader
        return terms + [broader[t] for t in terms if t in broader]


def phrase_key(variant: str) -> tuple[str, ...]:
    """A lexicon phrase as the stems it matches, with GAP for a gap."""
    key: list[str] = []
    for number, part in enumerate(variant.split(GAP)):
        if number:
            key.append(GAP)
        key.extend(stem(word) for word in fold(part).split())
    return tuple(key)


def _capitalised_words(text: str) -> list[str]:
    """Words written with a capital that do not start a sentence: most likely names."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        # Only the few characters before the word matter; slicing more would be quadratic.
        before = text[max(0, match.start() - 4) : match.start()]
        if word[0].isupper() and match.start() > 0 and not _SENTENCE_END.search(before):
            found.append(word)
    return found


def _closest_word(word: str, *vocabularies: Mapping[tuple[str, int], Sequence[str]]) -> str:
    # One slip (a wrong, missing, extra or swapped letter) in a short word, two in a long
    # one. The first letter must agree: people rarely get it wrong, and allowing it turns
    # real words the base never uses ("live") into ones it does ("five").
    limit = 2 if len(word) >= 9 else 1
    # A word within `limit` slips is within `limit` letters of the same length, so only
    # those buckets are read. Ties go to the first word in sorted order, as one sorted list
    # of all the words would give.
    best: tuple[int, str] | None = None
    for vocabulary in vocabularies:
        for length in range(len(word) - limit, len(word) + limit + 1):
            bucket = vocabulary.get((word[0], length))
            if bucket:
                found = process.extractOne(word, bucket, scorer=OSA.distance, score_cutoff=limit)
                if found is not None and (best is None or (found[1], found[0]) < best):
                    best = (found[1], found[0])
    return best[1] if best else word
