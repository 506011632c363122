"""The first stage: a Discord message becomes the question or questions it asks.

A message is read the way a person skims it:

1. Discord syntax goes and the message is split into sentences (markup.py).
2. Each sentence is folded into plain words and its chatter goes (chatter.py): internet
   spelling, greetings, addressing the bot, reactions, hedges, thanks, tags such as "is
   that right" (the question then checks a claim), and lead-ins such as "my friend says"
   that report someone else's claim.
3. The sentences that ask are kept. One too short to stand alone ("what did they say
   exactly") takes the sentence before it as its subject.

Each question also says what kind of thing it asks for (a count, a date, a name…: kinds.py),
so the scoring stage can tell whether a fact on the topic actually answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from bot.knowledge import Chatter
from bot.matcher.chatter import ChatterFilter
from bot.matcher.kinds import OPENERS, QUESTION_OPENERS, AskKind, KindFinder
from bot.matcher.markup import split_sentences
from bot.matcher.phrases import as_phrases
from bot.text import fold


@dataclass(frozen=True, slots=True)
class Ask:
    """One question a message asks, in folded words with the chatter taken out."""

    text: str
    kind: AskKind = "other"
    # The asker reports a claim to be checked ("my friend says 100 died", "3 districts,
    # right?"): its figures are what is asked about, not what the asker takes as true.
    checking: bool = False
    # How many leading words come before the word that opens the question ("bonjour tout
    # le monde, who took…" has 4): the matcher drops them if the base knows none of them.
    lead: int = 0


class Reader:
    """Turns a raw message into the questions it asks."""

    def __init__(self, chatter: Chatter, stopwords: Iterable[str] = ()) -> None:
        self._chatter = ChatterFilter(chatter)
        self._kinds = KindFinder(chatter)
        self._stopwords = frozenset(stopwords)
        self._help = frozenset(as_phrases(chatter.kinds.get("help", ())))
        self._greetings = frozenset(as_phrases(chatter.greetings))
        # Message -> its reading; the same questions come back, in a channel and in a batch.
        self._readings: dict[str, _Reading] = {}

    def read(self, message: str, knows: Knows | None = None) -> tuple[Ask, ...]:
        """The questions a message asks, in order; empty when it asks nothing.

        `knows` tells whether the fact base knows any content word of a sentence: a
        sentence it knows nothing of is chatter ("made pancakes this morning"), whatever
        its words, as long as another sentence names something the base knows.

        A greeting alone ("hi bot") or a question about the bot itself ("what can I ask
        you") is one Ask of kind "help".
        """
        knows = knows or _knows_everything
        reading = self._readings.get(message)
        if reading is None:
            reading = self._reading(message)
            if len(self._readings) >= _KEPT_READINGS:
                # Starting afresh is simpler than LRU bookkeeping and as safe for readers.
                self._readings.clear()
            self._readings[message] = reading
        sentences = list(reading.sentences)
        if reading.asks_help:
            # "help pls" after a question asks for its answer: the help reply comes only
            # when nothing else in the message finds a fact (see MatchIndex.match).
            others = [s for s in sentences if s.words not in self._help]
            if others:
                return (*self._asks(others, knows), Ask("", "help"))
            return (Ask("", "help"),)
        if reading.greets:
            return (Ask("", "help"),)
        return self._asks(sentences, knows, reading.asking)

    def _reading(self, message: str) -> _Reading:
        """What the message says, before the fact base is asked what it knows: this part
        depends on the message alone, so a message asked again is not read again."""
        raws = split_sentences(message)
        # Each sentence folded into words and its internet spelling read, once.
        folded = [fold(text).split() for text, _ in raws]
        spelled = [self._chatter.spell(words) for words in folded]
        # A sentence that is a question about the bot, word for word, before its chatter
        # goes: "what do you know" would otherwise lose "do you know" and read as "what".
        about_the_bot = [tuple(words) in self._help for words in spelled]
        asks_help = any(about_the_bot)
        kept = [
            (words, marked)
            for words, (_, marked), helps in zip(spelled, raws, about_the_bot, strict=True)
            if not helps
        ]
        sentences: list[_Sentence] = []
        for raw in self._thoughts(kept):
            sentence = self._sentence(raw)
            if sentence is None:
                continue
            if not sentence.words:
                # A bare "is that true?" asks to check the sentence before it.
                if sentences:
                    sentences[-1] = _Sentence(sentences[-1].words, True, True)
                continue
            sentences.append(sentence)
        asks_help = asks_help or any(s.words in self._help for s in sentences)
        greets = not sentences and any(self._greets(words) for words in folded)
        return _Reading(tuple(sentences), asks_help, greets, self._asking(sentences))

    def _thoughts(self, sentences: list[tuple[list[str], bool]]) -> list[_Thought]:
        """Each sentence's spelled words (with whether a question mark ended it), split
        where an interjection ends a thought ("this channel is dead today lol rebel
        losses"); a question mark belongs to the last thought of its sentence."""
        thoughts: list[_Thought] = []
        for spelled, marked in sentences:
            # Read before "like" goes with the chatter: "like 10 million?" offers a figure.
            offered = _offers_figures(spelled)
            kept = [
                (question, at > 0)
                for part in self._chatter.thoughts(spelled)
                for at, question in enumerate(self._joined(part))
            ]
            last = len(kept) - 1
            thoughts.extend(
                _Thought(part, marked and at == last, offered, joined)
                for at, (part, joined) in enumerate(kept)
            )
        return thoughts

    def _joined(self, words: list[str]) -> list[list[str]]:
        """Two questions joined by "and" ("who is Rami Abdel Rahman and why is he quoted
        everywhere"), apart, when the first can stand alone; anything else whole."""
        if not words or words[0] not in QUESTION_OPENERS:
            return [words]
        for at in range(2, len(words) - 1):
            if words[at] == "and" and words[at + 1] in QUESTION_OPENERS:
                first = words[:at]
                if not self._too_short(first):
                    return [first, *self._joined(words[at + 1 :])]
        return [words]

    def _asks(
        self, sentences: list[_Sentence], knows: Knows, asking: _Asking | None = None
    ) -> tuple[Ask, ...]:
        """The questions among the sentences that name something the base knows; `asking`
        is what the sentences ask, when already worked out (see _asking)."""
        questions, wanted = asking or self._asking(sentences)
        asks = dict(questions)
        known = {at: ask for at, ask in asks.items() if knows(ask.text.split())}
        if known:
            asks = known
        else:
            # No question names anything the base knows ("you seen this?", "is this thing
            # on?"): what the other sentences say may still ("observatory director name").
            told = [s for s in sentences if not s.asking and knows(s.words)]
            if told or not asks:
                return self._statement(told or sentences)
        if wanted is not None:
            asks = {
                at: Ask(a.text, wanted, a.checking, a.lead) if a.kind == "other" else a
                for at, a in asks.items()
            }
        return tuple(dict.fromkeys(asks.values()))

    def _asking(self, sentences: Sequence[_Sentence]) -> _Asking:
        """The sentences' questions, and the kind of thing a sentence that does not ask
        says is wanted: both depend on the sentences alone."""
        # "which 5 districts? need the names": a sentence that does not ask can still say
        # what is wanted.
        wanted = next(
            (k for s in sentences if not s.asking and (k := self._kinds.kind(s.words)) != "other"),
            None,
        )
        return _Asking(tuple(self._questions(sentences).items()), wanted)

    def _statement(self, sentences: list[_Sentence]) -> tuple[Ask, ...]:
        """A message that asks nothing: a statement ("rebels took the airport") or a bare
        topic ("lavrov") is read as one question about everything it says, less what the
        asker says of themselves ("my friend keeps asking me this", "been offline all day")."""
        told = [s for s in sentences if not _about_the_asker(s.words)] or sentences
        words = [w for s in told for w in s.words]
        checking = any(s.checking for s in told)
        if len(told) > 1:
            # Small talk before a bare topic ("long time lurker, first post. rebel
            # losses"): the last sentence is also read on its own.
            last = told[-1]
            return (self._ask(words, checking), self._ask(last.words, last.checking))
        return (self._ask(words, checking),) if words else ()

    def _questions(self, sentences: Sequence[_Sentence]) -> dict[int, Ask]:
        """The asking sentences as questions, by position; a short one takes its subject
        from the sentence before."""
        asks: dict[int, Ask] = {}
        for at, sentence in enumerate(sentences):
            if not sentence.asking:
                continue
            words = list(sentence.words)
            checking = sentence.checking
            if all(w in self._stopwords for w in words) and not QUESTION_OPENERS & set(words):
                # "anyone? anyone?", "thoughts?": a call for answers, not a question.
                continue
            if self._too_short(words) and at > 0 and not sentence.joined:
                # "what did they say exactly" takes its subject from the sentence before,
                # and stands for it if that one asked too.
                previous = sentences[at - 1]
                words = [*previous.words, *words]
                checking = checking or previous.checking
                asks.pop(at - 1, None)
                # The sentence before is a lead-in the matcher drops if the base knows
                # none of its words ("qq for whoever knows. how wide is the front").
                asks[at] = self._ask(words, checking, lead=len(previous.words))
                continue
            asks[at] = self._ask(words, checking)
        return asks

    def _greets(self, words: list[str]) -> bool:
        return any(
            tuple(words[i : i + len(g)]) == g for g in self._greetings for i in range(len(words))
        )

    def _ask(self, words: Sequence[str], checking: bool, *, lead: int | None = None) -> Ask:
        """One question; `lead` says where it starts when the caller knows (a merged
        sentence), else the first question word after a lead-in does."""
        if lead is None:
            start = next((i for i, word in enumerate(words) if word in QUESTION_OPENERS), 0)
            # A sentence that opens as a question has no lead-in: its "when" joins clauses.
            start = start if words and words[0] not in OPENERS else 0
        else:
            start = lead
        return Ask(" ".join(words), self._kinds.kind(words[start:]), checking, start)

    def _too_short(self, words: Sequence[str]) -> bool:
        return sum(1 for w in words if w not in self._stopwords) < 2

    def _sentence(self, thought: _Thought) -> _Sentence | None:
        """The sentence's question words; empty words for a bare confirmation tag."""
        words, reported = self._chatter.drop_hearsay(thought.words)
        words, tagged = self._chatter.drop_chatter(words)
        if not words:
            return _Sentence((), True, True) if tagged else None
        asking = thought.marked or tagged or words[0] in OPENERS or _asks_inside(words)
        words = self._without_aside(words)
        # "rebels took 3 districts?", "did 500 civilians die": a figure put forward to be
        # confirmed, not one the asker vouches for ("of the 100 dead, how many…" does).
        offered = any(w.isdigit() for w in words) and not QUESTION_OPENERS.intersection(words)
        checking = reported or tagged or thought.offered or (asking and offered)
        return _Sentence(tuple(words), asking, checking, thought.joined)

    def _without_aside(self, words: list[str]) -> list[str]:
        """A sentence without the clause about the asker that follows it: "what does the
        video show, i cant open twitter at work", "radio report in the city ok i cooked".
        "my" after a preposition belongs to the question ("can you help me with my
        homework" is about the homework)."""
        for index in range(_ASIDE_AFTER, len(words)):
            if words[index] in _ASIDE_OPENERS:
                return words if words[index - 1] in PREPOSITIONS else words[:index]
        return words


Knows = Callable[[Sequence[str]], bool]


def _knows_everything(words: Sequence[str]) -> bool:
    return True


def _about_the_asker(words: Sequence[str]) -> bool:
    """Whether a sentence that asks nothing is about the asker, not the news."""
    return bool(words) and words[0] in _PERSONAL


# Words that open a sentence about the asker or someone they know.
_PERSONAL = frozenset(
    {"i", "im", "ive", "id", "me", "my", "mine", "we", "our", "been", "was", "just", "got"}
)


def _offers_figures(words: Sequence[str]) -> bool:
    """Whether figures are offered to be checked: "16 or 60 dead?", "like 10 million?"."""
    for index, word in enumerate(words):
        if not word.isdigit():
            continue
        before = words[index - 1] if index else ""
        after = words[index + 1 : index + 3]
        if before in _HEDGES or (after[:1] == ["or"] and any(w.isdigit() for w in after[1:])):
            return True
    return False


# Words that hedge a figure as a guess: "like 10 million?".
_HEDGES = frozenset({"like", "about", "around", "approx", "approximately", "roughly", "or"})


# A first-person clause this far into a question or further is an aside ("what did my
# uncle hear" is not).
_ASIDE_AFTER = 3
_ASIDE_OPENERS = frozenset({"i", "im", "ive", "id", "my"})
# Words after which a pronoun belongs to a phrase of the question ("with my homework").
PREPOSITIONS = frozenset(
    {"with", "for", "about", "to", "of", "in", "on", "at", "from", "by", "like", "than"}
)


def _asks_inside(words: Sequence[str]) -> bool:
    """Whether a question opens after a lead-in: "that fighter, how old was he"."""
    return any(
        word in QUESTION_OPENERS and following in _ASKING_NEXT
        for word, following in pairwise(words)
    )


# What follows a question word that opens a question rather than a clause ("the man who
# took it"): "how old was", "what did", "how many".
_ASKING_NEXT = frozenset(
    {"is", "are", "was", "were", "did", "does", "do", "has", "have", "had", "will"}
    | {"would", "can", "could", "many", "much", "long", "old", "far", "big", "exactly"}
)


class _Thought(NamedTuple):
    words: list[str]
    # Whether a question mark ended it, and whether it offers figures to check.
    marked: bool
    offered: bool
    # Asked after another question in the same sentence, joined to it by "and".
    joined: bool = False


@dataclass(frozen=True, slots=True)
class _Sentence:
    words: tuple[str, ...]
    asking: bool
    checking: bool
    joined: bool = False


@dataclass(frozen=True, slots=True)
class _Reading:
    """A message's sentences, and whether it asks about the bot or only greets it."""

    sentences: tuple[_Sentence, ...]
    asks_help: bool
    greets: bool
    asking: _Asking


class _Asking(NamedTuple):
    """What sentences ask: their questions by position, and the kind of thing a
    sentence that does not ask says is wanted ("need the names")."""

    questions: tuple[tuple[int, Ask], ...]
    wanted: AskKind | None


# Readings kept: the service cuts a message to a few hundred characters, so a few MB.
_KEPT_READINGS = 4_096
