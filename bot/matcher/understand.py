"""The first stage: a Discord message becomes the question or questions it asks.

A message is read the way a person skims it:

1. Discord syntax goes: mentions, custom and Unicode emoji, links, markdown, spoilers and
   code marks. Emoji and line breaks end a sentence, as they do when people write.
2. The message is split into sentences, and each is folded into plain words, its internet
   spelling ("wat", "ppl", "b4") put into plain words.
3. Chatter is dropped: greetings, addressing the bot, reactions, hedges, thanks, tags such
   as "is that right", and lead-ins such as "my friend says" that report someone else's
   claim, and tags such as "is that right" (the question then checks a claim).
4. The sentences that ask are kept. One too short to stand alone ("what did they say
   exactly") takes the sentence before it as its subject.

Each question also says what kind of thing it asks for (a count, a date, a name…), so the
scoring stage can tell whether a fact on the topic actually answers it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, NamedTuple, get_args

from bot.knowledge import Chatter
from bot.text import fold

# What a question asks for. The kinds told by their phrases come first, in the order they
# are checked: on phrases of equal length, the earlier kind wins.
AskKind = Literal[
    "claimant",
    "expansion",
    "count",
    "date",
    "name",
    "time",
    "duration",
    "age",
    "place",
    "reason",
    "figure",
    "identity",
    "agent",
    "help",
    "other",
]
KIND_ORDER: tuple[AskKind, ...] = get_args(AskKind)[:-2]


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


# Discord's own markup: <@123>, <@!123>, <@&123>, <#123>, <:name:123>, <a:name:123>,
# <t:1700000000:R>, and the two mass mentions.
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b|<t:\d+(?::\w)?>")
# "@mike" typed as text names someone in the channel, not what is asked.
_HANDLE = re.compile(r"(?<![\w@])@\w+")
# Hashtags that close a message ("#justasking #confused") comment on it.
_TRAILING_TAGS = re.compile(r"(?:\s*#\w+)+\s*$")
_CUSTOM_EMOJI = re.compile(r"<a?:\w{1,32}:\d+>")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# "[10:42]", "10:42 pm": when a message was written, not what it asks.
_CLOCK = re.compile(r"\[?\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?\b)?\]?", re.IGNORECASE)
_CODE_BLOCK = re.compile(r"```(?:[a-z0-9_+-]*\n)?(.*?)```", re.DOTALL | re.IGNORECASE)
# "*sips tea*": an action in asterisks, two words or more, stands apart from the question
# ("did they *really* take it" is emphasis, and stays).
_ACTION = re.compile(r"(?<![*\w])\*(?![*\s])([^*\n]*\s[^*\n]*?)(?<![*\s])\*(?![*\w])")
# Punctuation spoken to a phone: "was it captured question mark".
_DICTATED = {"question mark": "?", "exclamation mark": "!", "exclamation point": "!"}
_DICTATED |= {"full stop": ".", "new line": "\n", "comma": ","}
_DICTATION = re.compile(r"\b(?:" + "|".join(_DICTATED) + r")\b", re.IGNORECASE)
# Six consonants in a row: no English word has them ("twelfths" has five).
_SMASH = re.compile(r"[b-df-hj-np-tv-xz]{6}", re.IGNORECASE)
_MARKUP = re.compile(r"\|\||\*\*|__|~~|`|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_QUOTE_PREFIX = re.compile(r"^\s*>+\s?", re.MULTILINE)
# Unicode emoji and pictographs, flags, keycaps, and the joiners that build them.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff"
    "\u2190-\u21ff\u2300-\u23ff\u2b00-\u2bff\ufe0f\u200d\u20e3]+"
)
# A token made mostly of symbols is an emoticon or kaomoji: ":)", "<3", "^_^", "¯\\_(ツ)_/¯".
_TOKEN = re.compile(r"\S+")
_ASIDE = re.compile(r"\(([^()\n]*)\)")
_ENDINGS = frozenset(".,?!;\u2026")
_WORDLIKE = frozenset({"&", "+", "/", "%", "$", "#", "@", "'", '"'})
_SENTENCE = re.compile(r"[^.?!;:\n\u2026]+[.?!;:\n\u2026]*")
# "--", "—" and " - " join two thoughts as a full stop would.
_DASHES = re.compile(r"\s+(?:-{1,2}|\u2014|\u2013)\s+|\u2014|(?<=\w)--(?=\w)")
_REPEATS = re.compile(r"(\w)\1{2,}")
STRETCHED = _REPEATS
_DOUBLES = re.compile(r"(\w)\1+")
_BREAK = "\n"

# Words that open a question inside a sentence, after a lead-in.
_QUESTION_OPENERS = frozenset(
    {"what", "whats", "which", "who", "whos", "whose", "where", "when", "why", "how", "hows"}
)
# Words that open a question when a message has no question mark.
_OPENERS = frozenset(
    [
        "what",
        "whats",
        "which",
        "who",
        "whos",
        "whom",
        "whose",
        "where",
        "wheres",
        "when",
        "whens",
        "why",
        "how",
        "hows",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "has",
        "have",
        "had",
        "any",
        "anyone",
        "anybody",
        "tell",
        "explain",
        "since",
    ]
)


# Kinds whose phrases ask wherever they stand ("did the army say how many…").
_DISTINCT_KINDS = frozenset({"claimant", "expansion", "count", "name", "date", "age"})
_JOINERS = frozenset({"and", "or", "but", "so", "then", "exactly", "me", "know"})


class Reader:
    """Turns a raw message into the questions it asks."""

    def __init__(self, chatter: Chatter, stopwords: Iterable[str] = ()) -> None:
        self._chatter = chatter
        self._stopwords = frozenset(stopwords)
        anywhere = _phrases(chatter.chatter | chatter.hedges)
        self._drop_anywhere = _by_first_word(anywhere)
        self._addressing = _phrases(chatter.addressing)
        self._tags = _phrases(chatter.confirm_tags)
        self._openers = _phrases(chatter.openers)
        # What may go at the start of a sentence, and (written backwards) at its end.
        self._starts = _by_first_word([*self._openers, *self._addressing])
        self._ends = _by_first_word([p[::-1] for p in (*self._addressing, *self._tags)])
        self._tag_set = frozenset(self._tags)
        self._chat_words = frozenset(chatter.spelling) | {
            phrase[0]
            for phrase in (
                *anywhere,
                *_phrases(chatter.interjections),
                *self._openers,
                *self._addressing,
            )
            if len(phrase) == 1
        }
        self._help = frozenset(_phrases(chatter.kinds.get("help", ())))
        self._longest_help = max(map(len, self._help), default=0)
        self._greetings = frozenset(_phrases(chatter.greetings))
        self._interjections = _by_first_word(_phrases(chatter.interjections))
        kinds = {kind: _phrases(chatter.kinds.get(kind, ())) for kind in KIND_ORDER}
        starting = {
            kind: _by_first_word([p for p in phrases if p[-1] != "$"])
            for kind, phrases in kinds.items()
        }
        final = {
            kind: [p[:-1] for p in phrases if p[-1] == "$" and len(p) > 1]
            for kind, phrases in kinds.items()
        }
        # The same phrases in one table, with each kind's rank in KIND_ORDER, so `kind`
        # looks each word up once instead of once per kind.
        self._kind_phrases: dict[str, list[tuple[tuple[str, ...], AskKind, int]]] = {}
        self._final_kind_phrases: list[tuple[tuple[str, ...], AskKind, int]] = []
        for rank, kind in enumerate(KIND_ORDER):
            for first, phrases in starting[kind].items():
                self._kind_phrases.setdefault(first, []).extend((p, kind, rank) for p in phrases)
            self._final_kind_phrases.extend((p, kind, rank) for p in final[kind])

    def read(self, message: str, knows: Knows | None = None) -> tuple[Ask, ...]:
        """The questions a message asks, in order; empty when it asks nothing.

        `knows` tells whether the fact base knows any content word of a sentence: a
        sentence it knows nothing of is chatter ("made pancakes this morning"), whatever
        its words, as long as another sentence names something the base knows.

        A greeting alone ("hi bot") or a question about the bot itself ("what can I ask
        you") is one Ask of kind "help".
        """
        knows = knows or _knows_everything
        raws = _sentences(message)
        # A sentence that is a question about the bot, word for word, before its chatter
        # goes: "what do you know" would otherwise lose "do you know" and read as "what".
        about_the_bot = [self._asks_help(text) for text, _ in raws]
        asks_help = any(about_the_bot)
        raws = [raw for raw, helps in zip(raws, about_the_bot, strict=True) if not helps]
        sentences: list[_Sentence] = []
        for raw in self._thoughts(raws):
            sentence = self._sentence(raw)
            if sentence is None:
                continue
            if not sentence.words:
                # A bare "is that true?" asks to check the sentence before it.
                if sentences:
                    sentences[-1] = _Sentence(sentences[-1].words, True, True)
                continue
            sentences.append(sentence)
        if asks_help or any(s.words in self._help for s in sentences):
            # "help pls" after a question asks for its answer: the help reply comes only
            # when nothing else in the message finds a fact (see MatchIndex.match).
            others = [s for s in sentences if s.words not in self._help]
            if others:
                return (*self._asks(others, knows), Ask("", "help"))
            return (Ask("", "help"),)
        if not sentences and any(self._greets(text) for text, _ in raws):
            return (Ask("", "help"),)
        return self._asks(sentences, knows)

    def _asks_help(self, text: str) -> bool:
        words = fold(text).split()
        # Spelling at most halves a sentence (two-word slang such as "b 4" is one word):
        # a longer one cannot be a question about the bot.
        return len(words) <= 2 * self._longest_help and tuple(self._spell(words)) in self._help

    def _thoughts(self, raws: list[tuple[str, bool]]) -> list[_Thought]:
        """Each sentence's spelled words, split where an interjection ends a thought
        ("this channel is dead today lol rebel losses"); a question mark belongs to the
        last thought of its sentence."""
        thoughts: list[_Thought] = []
        for text, marked in raws:
            spelled = self._spell(fold(text).split())
            # Read before "like" goes with the chatter: "like 10 million?" offers a figure.
            offered = _offers_figures(spelled)
            # Chatter phrases go first, so "sorry if this is dumb" goes whole before
            # "sorry" could end a thought.
            words = _remove_all(spelled, self._drop_anywhere)
            parts: list[list[str]] = [[]]
            index = 0
            while index < len(words):
                size = _leading(words[index:], self._interjections)
                if size:
                    parts.append([])
                    index += size
                else:
                    parts[-1].append(words[index])
                    index += 1
            kept = [part for part in parts if part] or [[]]
            last = len(kept) - 1
            thoughts.extend(
                _Thought(part, marked and at == last, offered) for at, part in enumerate(kept)
            )
        return thoughts

    def _asks(self, sentences: list[_Sentence], knows: Knows) -> tuple[Ask, ...]:
        asks = self._questions(sentences)
        known = {at: ask for at, ask in asks.items() if knows(ask.text.split())}
        if known:
            asks = known
        else:
            # No question names anything the base knows ("you seen this?", "is this thing
            # on?"): what the other sentences say may still ("observatory director name").
            told = [s for s in sentences if not s.asking and knows(s.words)]
            if told or not asks:
                return self._statement(told or sentences)
        # "which 5 districts? need the names": a sentence that does not ask can still say
        # what is wanted.
        wanted = next(
            (k for s in sentences if not s.asking and (k := self.kind(s.words)) != "other"),
            None,
        )
        if wanted is not None:
            asks = {
                at: Ask(a.text, wanted, a.checking, a.lead) if a.kind == "other" else a
                for at, a in asks.items()
            }
        return tuple(dict.fromkeys(asks.values()))

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

    def _questions(self, sentences: list[_Sentence]) -> dict[int, Ask]:
        """The asking sentences as questions, by position; a short one takes its subject
        from the sentence before."""
        asks: dict[int, Ask] = {}
        for at, sentence in enumerate(sentences):
            if not sentence.asking:
                continue
            words = list(sentence.words)
            checking = sentence.checking
            if all(w in self._stopwords for w in words) and not _QUESTION_OPENERS & set(words):
                # "anyone? anyone?", "thoughts?": a call for answers, not a question.
                continue
            if self._too_short(words) and at > 0:
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

    def _greets(self, text: str) -> bool:
        words = fold(text).split()
        return any(
            tuple(words[i : i + len(g)]) == g for g in self._greetings for i in range(len(words))
        )

    def kind(self, words: Sequence[str]) -> AskKind:
        """What a question asks for, from the longest kind phrase in its words; on a tie,
        the kind listed first."""
        best: AskKind = "other"
        best_size, best_rank = 0, len(KIND_ORDER)
        # Only as the question's last words: "whats the turkish fm called".
        for phrase, kind, rank in self._final_kind_phrases:
            size = len(phrase)
            if (size, -rank) > (best_size, -best_rank) and tuple(words[-size:]) == phrase:
                best_size, best_rank, best = size, rank, kind
        for at, word in enumerate(words):
            starting = self._kind_phrases.get(word)
            if not starting:
                continue
            # "when" and "who" also join clauses ("hurt when the consulate got attacked"):
            # they ask only where a question or a clause starts.
            opens = at <= 1 or words[at - 1] in _JOINERS
            for phrase, kind, rank in starting:
                size = len(phrase)
                if (
                    (opens or kind in _DISTINCT_KINDS)
                    and (size, -rank) > (best_size, -best_rank)
                    and tuple(words[at : at + size]) == phrase
                ):
                    best_size, best_rank, best = size, rank, kind
        return best

    def _ask(self, words: Sequence[str], checking: bool, *, lead: int | None = None) -> Ask:
        """One question; `lead` says where it starts when the caller knows (a merged
        sentence), else the first question word after a lead-in does."""
        if lead is None:
            start = next((i for i, word in enumerate(words) if word in _QUESTION_OPENERS), 0)
            # A sentence that opens as a question has no lead-in: its "when" joins clauses.
            start = start if words and words[0] not in _OPENERS else 0
        else:
            start = lead
        return Ask(" ".join(words), self.kind(words[start:]), checking, start)

    def _too_short(self, words: Sequence[str]) -> bool:
        return sum(1 for w in words if w not in self._stopwords) < 2

    def _sentence(self, thought: _Thought) -> _Sentence | None:
        """The sentence's question words; empty words for a bare confirmation tag."""
        words, reported = self._drop_hearsay(thought.words)
        words, tagged = self._drop_chatter(words)
        if not words:
            return _Sentence((), True, True) if tagged else None
        asking = thought.marked or tagged or words[0] in _OPENERS or _asks_inside(words)
        words = self._without_aside(words)
        # "rebels took 3 districts?", "did 500 civilians die": a figure put forward to be
        # confirmed, not one the asker vouches for ("of the 100 dead, how many…" does).
        offered = any(w.isdigit() for w in words) and not _QUESTION_OPENERS.intersection(words)
        checking = reported or tagged or thought.offered or (asking and offered)
        return _Sentence(tuple(words), asking, checking)

    def _without_aside(self, words: list[str]) -> list[str]:
        """A sentence without the clause about the asker that follows it: "what does the
        video show, i cant open twitter at work", "radio report in the city ok i cooked".
        "my" after a preposition belongs to the question ("can you help me with my
        homework" is about the homework)."""
        for index in range(_ASIDE_AFTER, len(words)):
            if words[index] in _ASIDE_OPENERS:
                return words if words[index - 1] in PREPOSITIONS else words[:index]
        return words

    def _spell(self, words: list[str]) -> list[str]:
        # "sooo" and "heyyy": three or more of a letter are two at most in English.
        # "sooo", "heyyy": a run of three letters is read as the chat word it stretches,
        # when it is one; the matcher tries the same for the base's own words.
        words = [self._unstretched(word) for word in words]
        spelling = self._chatter.spelling
        spelled: list[str] = []
        index = 0
        while index < len(words):
            for size in (2, 1):
                written = " ".join(words[index : index + size])
                plain = spelling.get(written)
                if plain is None and size == 1 and _REPEATS.search(written):
                    plain = spelling.get(_REPEATS.sub(r"\1", written))
                if plain is not None and len(written.split()) == size:
                    spelled.extend(plain.split())
                    index += size
                    break
            else:
                spelled.append(words[index])
                index += 1
        return spelled

    def _unstretched(self, word: str) -> str:
        if not _REPEATS.search(word):
            return word
        for plain in (_REPEATS.sub(r"\1\1", word), _REPEATS.sub(r"\1", word)):
            if plain in self._chat_words:
                return plain
        return word

    def _drop_chatter(self, words: list[str]) -> tuple[list[str], bool]:
        """The words without chatter, and whether a confirmation tag ended them."""
        words = _remove_all(words, self._drop_anywhere)
        tagged = False
        # Openers ("wait", "so"), addressing ("guys", "bot") and tags ("is that right")
        # only where they stand: at the start, at either end, at the end.
        changed = True
        while changed and words:
            changed = False
            head = _leading(words, self._starts)
            if head:
                words, changed = words[head:], True
            tail = _leading(words[::-1], self._ends)
            if tail:
                tagged = tagged or tuple(words[-tail:]) in self._tag_set
                words, changed = words[:-tail], True
            if words and words[-1] in ("or", "and", "but", "so"):
                words, changed = words[:-1], True
        return words, tagged

    def _drop_hearsay(self, words: list[str]) -> tuple[list[str], bool]:
        """Drop the words that report someone else's claim; say whether there were any.

        "my friend says X", "a guy on twitter said X", "saw on tiktok that X", "heard X",
        and mid-sentence "how long is the front, my mate reckons 50km".
        """
        chatter = self._chatter
        for start in range(len(words)):
            for size in (2, 1):
                verb = " ".join(words[start : start + size])
                if len(verb.split()) != size or verb not in chatter.hearsay_verbs:
                    continue
                head, rest = words[:start], words[start + size :]
                if head and head[0] in _OPENERS:
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
        word in _QUESTION_OPENERS and following in _ASKING_NEXT
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


@dataclass(frozen=True, slots=True)
class _Sentence:
    words: tuple[str, ...]
    asking: bool
    checking: bool


def clean_markup(message: str) -> str:
    """The message without Discord syntax; emoji become sentence breaks."""
    text = _CODE_BLOCK.sub(lambda m: f"{_BREAK}{m.group(1)}{_BREAK}", message)
    text = _QUOTE_PREFIX.sub("", text)
    text = _URL.sub(" ", text)
    text = _CLOCK.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _TRAILING_TAGS.sub(" ", text)
    text = _CUSTOM_EMOJI.sub(_BREAK, text)
    text = _EMOJI.sub(_BREAK, text)
    text = _ACTION.sub(_unless_stage_direction, text)
    text = _DICTATION.sub(lambda m: f" {_DICTATED[m.group().lower()]} ", text)
    text = _MARKUP.sub(" ", text)
    text = _TOKEN.sub(_unless_emoticon, text)
    # "(asking for real this time)": a remark in brackets stands apart.
    return _ASIDE.sub(lambda m: f"{_BREAK}{m.group(1)}{_BREAK}", text)


def _unless_stage_direction(action: re.Match[str]) -> str:
    """ "*sips tea*" narrates; it goes. A longer span, or one that asks, is the question
    in italics and stays, as a sentence of its own."""
    words = fold(action.group(1)).split()
    if len(words) <= 4 and not _QUESTION_OPENERS.intersection(words) and "?" not in action[1]:
        return _BREAK
    return f"{_BREAK}{action.group(1)}{_BREAK}"


def _unless_emoticon(token: re.Match[str]) -> str:
    """The token, or a sentence break for an emoticon: mostly symbols, but not the
    punctuation that ends a sentence ("?!", "...") or a lone "&"."""
    text = token.group()
    if text.isalpha() and _SMASH.search(text):
        return _BREAK  # a keyboard smash: "jfkdlsjf", "asdfghjkl"
    # "symbolic?!?!" is a word and its punctuation.
    core = text.strip("".join(_ENDINGS))
    symbols = sum(1 for c in core if not c.isalnum())
    if not core or symbols * 2 < len(core) or core in _WORDLIKE:
        return text
    return _BREAK


def _sentences(message: str) -> list[tuple[str, bool]]:
    """(sentence, ends with a question mark) for each sentence of the cleaned message."""
    text = _DASHES.sub(_BREAK, clean_markup(message))
    found = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group()
        body = chunk.rstrip(".?!;:\n\u2026 ")
        if body.strip():
            found.append((body, "?" in chunk[len(body) :]))
    return found


def _phrases(entries: Iterable[str]) -> list[tuple[str, ...]]:
    """Folded phrases as word tuples, longest first, so the longest match wins."""
    phrases = {
        (*fold(entry[:-1]).split(), "$") if entry.endswith(" $") else tuple(fold(entry).split())
        for entry in entries
    }
    return sorted((p for p in phrases if p), key=lambda p: (-len(p), p))


def _leading(words: Sequence[str], phrases: dict[str, list[tuple[str, ...]]]) -> int:
    """How many words the longest phrase that starts `words` covers (0 for none)."""
    for phrase in phrases.get(words[0], ()) if words else ():
        if tuple(words[: len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _by_first_word(phrases: Sequence[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases grouped by their first word, longest first within each group."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        grouped.setdefault(phrase[0], []).append(phrase)
    return grouped


@functools.lru_cache(maxsize=65_536)
def _undoubled(word: str) -> str:
    """The word with every doubled letter single: "lool" -> "lol"."""
    return _DOUBLES.sub(r"\1", word)


def _remove_all(words: list[str], phrases: dict[str, list[tuple[str, ...]]]) -> list[str]:
    """Words with every occurrence of the phrases taken out, longest phrases first.

    A single word also goes when it only stretches one ("lool", "ummm", "heyy").
    """
    kept: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        for phrase in phrases.get(word, ()):
            if tuple(words[index : index + len(phrase)]) == phrase:
                index += len(phrase)
                break
        else:
            single = _undoubled(word)
            if (single,) in phrases.get(single, ()):
                index += 1
            else:
                kept.append(word)
                index += 1
    return kept
