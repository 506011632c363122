"""Chatter out of a sentence's words, the way a person skims past it.

Internet spelling ("wat", "ppl", "b4") becomes plain words; greetings, reactions, hedges
and thanks go wherever they stand; openers ("wait", "so"), addressing ("guys", "bot") and
confirmation tags ("is that right") go where they stand at a sentence's edge; an
interjection ("lol") ends a thought; and lead-ins such as "my friend says" that report
someone else's claim go, saying that the question checks a claim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.knowledge import Chatter
from bot.matcher.kinds import OPENERS
from bot.matcher.phrases import as_phrases, by_first_word, leading, remove_all

# Three or more of a letter: "sooo", "heyyy", "aleppppo".
STRETCHED = re.compile(r"(\w)\1{2,}")


class ChatterFilter:
    """Takes the chatter out of a sentence's folded words."""

    def __init__(self, chatter: Chatter) -> None:
        self._chatter = chatter
        anywhere = as_phrases(chatter.chatter | chatter.hedges)
        self._drop_anywhere = by_first_word(anywhere)
        addressing = as_phrases(chatter.addressing)
        tags = as_phrases(chatter.confirm_tags)
        openers = as_phrases(chatter.openers)
        # What may go at the start of a sentence, and (written backwards) at its end.
        self._starts = by_first_word([*openers, *addressing])
        self._ends = by_first_word([p[::-1] for p in (*addressing, *tags)])
        self._tag_set = frozenset(tags)
        self._chat_words = frozenset(chatter.spelling) | {
            phrase[0]
            for phrase in (
                *anywhere,
                *as_phrases(chatter.interjections),
                *openers,
                *addressing,
            )
            if len(phrase) == 1
        }
        self._interjections = by_first_word(as_phrases(chatter.interjections))
        # The first words of what is said in two words ("b 4", "told me"): only those
        # start a two-word look-up.
        self._two_word_spelling = {k.split()[0] for k in chatter.spelling if len(k.split()) == 2}
        self._hearsay_starts = {verb.split()[0] for verb in chatter.hearsay_verbs if verb.split()}
        self._words_read: dict[str, tuple[str, bool]] = {}

    def spell(self, words: list[str]) -> list[str]:
        """The words with internet spelling put into plain words."""
        # "sooo", "heyyy": a run of three letters is read as the chat word it stretches,
        # when it is one; the matcher tries the same for the base's own words.
        read = [self._read_word(word) for word in words]
        words = [word for word, _ in read]
        spelling = self._chatter.spelling
        spelled: list[str] = []
        index = 0
        two_words = self._two_word_spelling
        while index < len(words):
            word = words[index]
            if word in two_words and index + 1 < len(words):
                plain = spelling.get(f"{word} {words[index + 1]}")
                if plain is not None:
                    spelled.extend(plain.split())
                    index += 2
                    continue
            plain = spelling.get(word)
            if plain is None and read[index][1]:
                plain = spelling.get(STRETCHED.sub(r"\1", word))
            if plain is None:
                spelled.append(word)
            else:
                spelled.extend(plain.split())
            index += 1
        return spelled

    def _read_word(self, word: str) -> tuple[str, bool]:
        """The word unstretched, and whether it still has a run of three letters; kept,
        as the same words come back in every message."""
        known = self._words_read.get(word)
        if known is None:
            plain = self._unstretched(word)
            known = (plain, STRETCHED.search(plain) is not None)
            if len(self._words_read) >= 50_000:
                self._words_read.clear()
            self._words_read[word] = known
        return known

    def _unstretched(self, word: str) -> str:
        if not STRETCHED.search(word):
            return word
        for plain in (STRETCHED.sub(r"\1\1", word), STRETCHED.sub(r"\1", word)):
            if plain in self._chat_words:
                return plain
        return word

    def thoughts(self, spelled: list[str]) -> list[list[str]]:
        """The words without the chatter that goes anywhere, split where an interjection
        ends a thought ("this channel is dead today lol rebel losses"); one empty thought
        when nothing is left."""
        # Chatter phrases go first, so "sorry if this is dumb" goes whole before "sorry"
        # could end a thought.
        words = remove_all(spelled, self._drop_anywhere)
        parts: list[list[str]] = [[]]
        index = 0
        while index < len(words):
            size = leading(words[index:], self._interjections)
            if size:
                parts.append([])
                index += size
            else:
                parts[-1].append(words[index])
                index += 1
        return [part for part in parts if part] or [[]]

    def drop_chatter(self, words: list[str]) -> tuple[list[str], bool]:
        """The words without chatter, and whether a confirmation tag ended them."""
        words = remove_all(words, self._drop_anywhere)
        tagged = False
        # Openers ("wait", "so"), addressing ("guys", "bot") and tags ("is that right")
        # only where they stand: at the start, at either end, at the end.
        changed = True
        while changed and words:
            changed = False
            head = leading(words, self._starts)
            if head:
                words, changed = words[head:], True
            tail = leading(words[::-1], self._ends)
            if tail:
                tagged = tagged or tuple(words[-tail:]) in self._tag_set
                words, changed = words[:-tail], True
            if words and words[-1] in ("or", "and", "but", "so"):
                words, changed = words[:-1], True
        return words, tagged

    def drop_hearsay(self, words: list[str]) -> tuple[list[str], bool]:
        """Drop the words that report someone else's claim; say whether there were any.

        "my friend says X", "a guy on twitter said X", "saw on tiktok that X", "heard X",
        and mid-sentence "how long is the front, my mate reckons 50km".
        """
        chatter = self._chatter
        for start in range(len(words)):
            if words[start] not in self._hearsay_starts:
                continue
            for size in (2, 1):
                verb = " ".join(words[start : start + size])
                if len(verb.split()) != size or verb not in chatter.hearsay_verbs:
                    continue
                head, rest = words[:start], words[start + size :]
                if head and head[0] in OPENERS:
                    # "what did the rebel guy say": a question about a claim, not hearsay.
                    return words, False
                who = self._someone_before(head)
                if who is None:
                    continue
                while rest and (rest[0] in ("me", "that", "on", "in", "about")):
                    rest = rest[1:]
                    if rest and rest[0] in chatter.hearsay_platforms:
                        rest = rest[1:]
                return [*head[:who], *rest], True
        return words, False

    def _someone_before(self, head: Sequence[str]) -> int | None:
        """Where the person or platform named just before a verb of saying starts."""
        if not head:
            return 0  # "heard 300 soldiers died", "apparently…"
        chatter = self._chatter
        for start in range(max(0, len(head) - 5), len(head)):
            tail = " ".join(head[start:])
            named = any(tail == p or tail.endswith(f" {p}") for p in chatter.hearsay_people)
            placed = any(
                f" on {p}" in f" {tail}" or f" in {p}" in f" {tail}"
                for p in chatter.hearsay_platforms
            )
            if named or placed:
                return start
        return None
