"""Other words for a phrase of a question, from the lexicon's synonym groups.

The groups are made for matching, so they hold every form and register of a word:
"civilians", "civvies", "people", "innocent". A question takes only a swap that keeps
its grammar and register: a whole phrase of the group for a whole phrase, singular for
singular and plural for plural, no clipped or chat form, nothing the question already
says ("the army's armies"), no inflection or misspelling of the word it replaces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from bot.drafting.clause import IRREGULAR
from bot.drafting.question_words import tidy
from bot.knowledge import Lexicon, SynonymGroup
from bot.text import fold, stem

# Plurals that do not end in -s.
_IRREGULAR_PLURALS = frozenset({"people", "police", "children", "men", "women", "militia"})
_SINGULAR_ENDINGS = ("ss", "us", "is", "ics", "news")
_MIN_LETTERS = 5
_BASE_FORMS = frozenset(IRREGULAR.values())
# A variant this much shorter than another of the group that starts like it is a clipping
# ("civvies" of "civilians", "govts" of "governments").
_CLIPPED_SHARE = 0.8


def thesaurus(lexicon: Lexicon) -> Thesaurus:
    return _thesaurus(lexicon.synonyms)


@functools.lru_cache(maxsize=8)
def _thesaurus(synonyms: tuple[SynonymGroup, ...]) -> Thesaurus:
    # Built once per lexicon: folding its thousand-odd words is most of a draft's time.
    return Thesaurus(synonyms)


class Thesaurus:
    """For a folded phrase, the phrases of its synonym groups that may stand for it."""

    def __init__(self, synonyms: tuple[SynonymGroup, ...]) -> None:
        self._others: dict[str, list[str]] = {}
        for group in synonyms:
            phrases = list(dict.fromkeys(fold(p) for p in (group.canonical, *group.variants)))
            usable = [p for p in phrases if _standard(p, phrases) and not _verb_of(p, phrases)]
            for phrase in phrases:
                others = self._others.setdefault(phrase, [])
                others.extend(
                    other
                    for other in usable
                    if other not in others and _another_word(other, phrase, fold(group.canonical))
                )
        self.longest = max((len(phrase.split()) for phrase in self._others), default=1)

    def other(self, phrase: str, question: Sequence[str]) -> str | None:
        """A phrase to put for `phrase` in a question of the words `question`, if one fits."""
        said = {stem(word) for word in fold(" ".join(question)).split()}
        own = {stem(word) for word in phrase.split()}
        for other in self._others.get(phrase, ()):
            if _plural(other) != _plural(phrase) or _verb_form(other):
                continue  # "had 25 civilian been killed", "an stopping"
            if {stem(word) for word in other.split()} & (said | own):
                continue  # "the syrian army's armies", "the city centre" -> "the centre"
            if any(Levenshtein.distance(other, word) <= 2 for word in phrase.split()):
                continue  # "centre" -> "center" is a spelling
            return other
        return None


def _verb_form(phrase: str) -> bool:
    """A verb's form ("bombed", "broken", "tipped the balance", "take over"): no word for
    a noun."""
    return any(
        word.endswith(("ing", "ed")) or word in IRREGULAR or word in _BASE_FORMS
        for word in phrase.split()
    )


def _plural(phrase: str) -> bool:
    last = phrase.split()[-1]
    if last in _IRREGULAR_PLURALS:
        return True
    return last.endswith("s") and not last.endswith(_SINGULAR_ENDINGS)


def _standard(phrase: str, group: Sequence[str]) -> bool:
    """Written out in full, in plain letters: not "ppl", "govts" or "civvies"."""
    letters = phrase.replace(" ", "")
    if len(letters) < _MIN_LETTERS or not letters.isalpha():
        return False
    if not re.search(r"[aeiouy]", phrase) or phrase.endswith(("ly", "ward", "wards")):
        return False  # no vowels ("ppl"), or an adverb ("northward") for a noun
    if " " not in phrase and any(
        " " in other and other.replace(" ", "") == phrase for other in group
    ):
        return False  # "foreignminister": words run together
    return not any(
        longer != phrase
        and longer[:3] == phrase[:3]
        and len(phrase) <= _CLIPPED_SHARE * len(longer)
        and stem(longer) != stem(phrase)
        for longer in group
    )


def _verb_of(phrase: str, group: Sequence[str]) -> bool:
    """A verb's -s form ("speaks", "calls") where the group has the verb's past or -ing
    too: it would read as a plural noun, and is none."""
    if " " in phrase or not phrase.endswith("s"):
        return False
    base = phrase[:-1]
    pasts = {base + "ed", base + "d", base + "ing", base[:-1] + "ing"}
    return bool(pasts & set(group)) or any(
        IRREGULAR.get(other) == base for other in group if other != base
    )


def _another_word(other: str, phrase: str, canonical: str) -> bool:
    """Another word for `phrase`, not an inflection or a misspelling of it."""
    return (
        stem(other) != stem(phrase)
        and Levenshtein.distance(other, phrase) > 2
        and (other == canonical or Levenshtein.distance(other, canonical) > 2)
    )


def swapped(
    question: str | None, thesaurus: Thesaurus, names: set[str], verb: set[str]
) -> str | None:
    """`question` with one noun phrase's head in other words from the lexicon: the last
    that has a fitting synonym. Only a head after a determiner, preposition, figure or
    possessive and before the verb, a preposition or the end; never the verb or a name."""
    if question is None:
        return None
    words = tidy(question).split()
    for start in range(len(words) - 1, 0, -1):
        for size in range(min(thesaurus.longest, len(words) - start), 0, -1):
            if not _swappable(words, start, size, names, verb):
                continue
            phrase = " ".join(words[start : start + size])
            other = thesaurus.other(fold(phrase), [*words[:start], *words[start + size :]])
            if other is not None:
                return " ".join([*_article(words[:start], other), other, *words[start + size :]])
    return None


def swapped_ask(ask: tuple[str, ...], thesaurus: Thesaurus, keep: set[str]) -> str | None:
    """An ask with one of its noun phrases in other words ("air strikes" is not "air
    warplanes": a head alone may not take another word for the whole)."""
    for index, phrase in enumerate(ask):
        words = phrase.split()
        rest = [*ask[:index], *ask[index + 1 :]]
        if set(fold(phrase).split()) & keep or _inflected(words[-1]):
            continue
        other = thesaurus.other(fold(phrase), " ".join(rest).split())
        if other is not None:
            return " ".join([*ask[:index], other, *ask[index + 1 :]])
    return None


def _article(before: list[str], other: str) -> list[str]:
    """ "a" or "an" as the new word wants."""
    if before and before[-1] in {"a", "an"}:
        return [*before[:-1], "an" if other[:1] in "aeiou" else "a"]
    return before


def _swappable(
    words: Sequence[str], start: int, size: int, names: set[str], verb: set[str]
) -> bool:
    phrase = words[start : start + size]
    if any(fold(word) in names | verb or _inflected(word) for word in phrase):
        return False
    before = words[start - 1]
    after = words[start + size] if start + size < len(words) else ""
    opens = (
        before in {"the", "a", "an", "its", "their", "his", "her", "many", "of", "in", "on"}
        or before.endswith(("'s", "s'"))
        or before.isdigit()
    )
    closes = not after or fold(after) in verb or after in {"in", "on", "at", "of", "and"}
    return opens and closes


def _inflected(word: str) -> bool:
    """A participle or past tense, whose synonym from the lexicon would not fit in."""
    return word.endswith(("ed", "ing")) or word in IRREGULAR
