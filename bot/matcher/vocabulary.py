"""What the facts a guild sees know: the words they use, the names they spell with a
capital, and the word of theirs a question's word misspells."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

from bot.matcher.analysis import Analyzer, _closest_word
from bot.matcher.chatter import STRETCHED
from bot.matcher.structures import _scopes, _Snapshot
from bot.text import stem


class Vocabulary:
    """Looks a question's words up among the facts a guild sees, in one snapshot."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._single_words: dict[str, tuple[str, ...]] = {}

    def knows(self, snapshot: _Snapshot, words: Sequence[str], guild_id: int) -> bool:
        """Whether any content word among these, framing words aside, is one the facts
        the guild sees use. The words are corrected as a question's are."""
        content = self._analyzer.analyse([self.correct(snapshot, w, guild_id) for w in words])[0]
        light = self._analyzer.light_terms
        return any(term not in light and uses(snapshot, term, guild_id) for term in content)

    def correct(self, snapshot: _Snapshot, word: str, guild_id: int) -> str:
        """The word that `word` misspells among those of the facts the guild sees, or
        `word` itself."""
        # Kept per snapshot, for every word: the same words come back in every question.
        known = snapshot.corrections.setdefault(guild_id, {})
        corrected = known.get(word)
        if corrected is None:
            corrected = self._corrected(snapshot, word, guild_id)
            if len(known) >= 50_000:
                # Every word is kept, so a busy server fills this up: starting afresh
                # keeps new misspellings, the costly ones, kept as well.
                known.clear()
            known[word] = corrected
        return corrected

    def _corrected(self, snapshot: _Snapshot, word: str, guild_id: int) -> str:
        counts = [snapshot.word_counts[s] for s in _scopes(guild_id) if s in snapshot.word_counts]
        if (
            len(word) < 5
            or word.isdigit()
            or any(word in seen for seen in counts)
            or word in self._analyzer.lexicon_words
            or stem(word) in self._analyzer.lexicon_words
        ):
            return word
        for plain in (STRETCHED.sub(r"\1\1", word), STRETCHED.sub(r"\1", word)):
            # "aleppppo": a stretched spelling of the base's own word.
            if plain != word and any(plain in seen for seen in counts):
                return plain
        vocabularies = [
            snapshot.vocabulary[s] for s in _scopes(guild_id) if s in snapshot.vocabulary
        ]
        return _closest_word(word, *vocabularies)

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The terms of one word on its own, kept: the same words recur."""
        terms = self._single_words.get(word)
        if terms is None:
            terms = tuple(self._analyzer.analyse([word])[0])
            if len(self._single_words) >= 50_000:
                self._single_words.clear()
            self._single_words[word] = terms
        return terms


def uses(snapshot: _Snapshot, term: str, guild_id: int) -> bool:
    """Whether a fact the guild sees uses the term."""
    posting = snapshot.postings.get(term)
    return posting is not None and any(s in posting.scopes for s in _scopes(guild_id))


def is_name(snapshot: _Snapshot, term: str, guild_id: int) -> bool:
    """Whether a fact the guild sees spells the term as a name."""
    # Kept per snapshot: each question asks it of every term, and reading the facts
    # was a third of the cost of weighing a question.
    known = snapshot.spelled_as_names.setdefault(guild_id, {})
    name = known.get(term)
    if name is None:
        name = _spelled_as_name(snapshot, term, guild_id)
        if len(known) < 50_000:
            known[term] = name
    return name


def _spelled_as_name(snapshot: _Snapshot, term: str, guild_id: int) -> bool:
    # A few facts are enough to tell; a term spelled with a capital there is a name.
    posting = snapshot.postings.get(term)
    if posting is None:
        return False
    visible = [s for s in _scopes(guild_id) if s in posting.scopes]
    slots = chain.from_iterable(posting.scopes[scope] for scope in visible)
    for count, slot in enumerate(slots):
        if term in snapshot.entries.at(slot).names:
            return True
        if count >= 64:
            break
    return False
