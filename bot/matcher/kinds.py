"""What a question asks for (a count, a date, a name…), and the words that open a question.

The kind lets the scoring stage tell whether a fact on the topic actually answers: "how
many died" wants a count, "when did they leave" a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

from bot.knowledge import Chatter
from bot.matcher.phrases import as_phrases, by_first_word

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

# Words that open a question inside a sentence, after a lead-in.
QUESTION_OPENERS = frozenset(
    {"what", "whats", "which", "who", "whos", "whose", "where", "when", "why", "how", "hows"}
)
# Words that open a question when a message has no question mark.
OPENERS = frozenset(
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

_KindPhrase = tuple[tuple[str, ...], AskKind, int]


class KindFinder:
    """Tells a question's kind from the kind phrases of the chatter knowledge."""

    def __init__(self, chatter: Chatter) -> None:
        kinds = {kind: as_phrases(chatter.kinds.get(kind, ())) for kind in KIND_ORDER}
        starting = {
            kind: by_first_word([p for p in phrases if p[-1] != "$"])
            for kind, phrases in kinds.items()
        }
        final = {
            kind: [p[:-1] for p in phrases if p[-1] == "$" and len(p) > 1]
            for kind, phrases in kinds.items()
        }
        # The same phrases in one table, with each kind's rank in KIND_ORDER, so `kind`
        # looks each word up once instead of once per kind.
        self._kind_phrases: dict[str, list[_KindPhrase]] = {}
        # The phrases that count only at the end, by their last word.
        self._final_kind_phrases: dict[str, list[_KindPhrase]] = {}
        for rank, kind in enumerate(KIND_ORDER):
            for first, phrases in starting[kind].items():
                self._kind_phrases.setdefault(first, []).extend((p, kind, rank) for p in phrases)
            for phrase in final[kind]:
                self._final_kind_phrases.setdefault(phrase[-1], []).append((phrase, kind, rank))

    def kind(self, words: Sequence[str]) -> AskKind:
        """What a question asks for, from the longest kind phrase in its words; on a tie,
        the kind listed first."""
        best: AskKind = "other"
        best_size, best_rank = 0, len(KIND_ORDER)
        # Only as the question's last words: "whats the turkish fm called".
        for phrase, kind, rank in self._final_kind_phrases.get(words[-1], ()) if words else ():
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
