"""The words of an attribution: the verbs of saying and doing that attribute a claim,
and the words that can name a claimant ("a war monitor", "Ahmad al-Hamwi, a shopkeeper")."""

from __future__ import annotations

import re

from bot.drafting.clause import IRREGULAR
from bot.drafting.segment import in_quote

_SAY = (
    r"(?:was|were) quoted (?:by (?:[\w'’-]+ ){1,4})?as saying|"
    "said|says|say|told|tells|added|adds|reported|reports|confirmed|confirms|stated|states|"
    "announced|announces|claimed|claims|noted|notes|warned|warns|explained|explains|insisted|"
    "stressed|wrote|writes|tweeted|posted|estimated|denied|denies|acknowledged|admitted|"
    "alleged|argued|declared|indicated|revealed|maintained|asserted|affirmed|recalled|"
    "recounted|cautioned|predicted|replied|continued|went on|quoted|warn|claim|"
    "insist|insists|estimate|estimates|add|note|argue|argues|fear|fears|believe|believes"
)

_ACT = (
    r"called on|called for|calls on|calls for|urged|urges|condemned|condemns|denounced|"
    r"welcomed|welcomes|demanded|demands|accused|accuses|blamed|vowed|pledged|threatened|"
    r"expressed|expresses|voiced|rejected|dismissed|praised|appealed|criticised|criticized|"
    r"slammed|reaffirmed|called|described|branded|hailed|termed|"
    r"issued an? (?:[\w-]+ )?(?:statement|warning|appeal|call|communique)|"
    r"put the (?:[\w-]+ )?(?:toll|number|figure|count)|gave a (?:[\w-]+ )?toll|"
    r"joined (?:[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*|the [A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*) "
    r"in \w+ing"
)

_SHOW = "showed|shows|show|showing"

_VERB = re.compile(rf"\b(?:(?P<act>{_ACT})|(?P<say>{_SAY})|(?P<show>{_SHOW}))\b")

# Verbs that only attribute after the claim ("…,” he continued).
END_ONLY = frozenset({"continued", "went on", "replied", "quoted"})

# Verbs that report a thing rather than a clause: "X reported fierce battles".
OBJECT_VERBS = frozenset(
    {"reported", "reports", "confirmed", "confirms", "announced", "announces", "denied",
     "denies", "estimated", "acknowledged", "admitted", "revealed", "claimed", "claims"}
)  # fmt: skip

VISUAL_NOUNS = re.compile(
    r"\b(?:footage|images?|video|videos|pictures?|photos?|photographs?|imagery|AFPTV|"
    r"livestream|broadcast)\b",
    re.IGNORECASE,
)

# Words that cannot stand in the noun phrase naming a claimant.
_NOT_IN_NAME = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "will", "would", "can", "could", "may",
     "might", "should", "shall", "must", "did", "does", "do", "has", "have", "had", "that",
     "which", "where", "when", "while", "as", "because", "if", "since", "until", "although",
     "though", "after", "before", "not", "there", "this", "these", "than", "into", "onto"}
)  # fmt: skip

_NOT_FIRST = frozenset(
    {"and", "but", "or", "so", "then", "to", "of", "in", "on", "at", "with", "by", "for",
     "from", "also", "later", "earlier", "over", "under", "about"}
)  # fmt: skip

MAX_NAME_WORDS = 10

_MAX_ASIDE_WORDS = 16

_ASIDE = re.compile(r",|\s(?:who|which)\s")

# Participles that describe a speaker rather than say what they did.
_ADJECTIVE_PARTICIPLES = frozenset(
    {"armed", "based", "unnamed", "unidentified", "detained", "displaced", "injured",
     "wounded", "concerned", "affected", "united", "killed", "led", "left", "set", "hit",
     "put", "cut", "let", "retired", "elected", "exiled", "appointed", "named"}
)  # fmt: skip

# A claimant's words may end with these before the verb: "the army also said".
_BEFORE_VERB = re.compile(
    r"(?:,?\s+(?:also|later|earlier|previously|separately|further|then|again|had|has|have|"
    r"would|on \w+day|late on \w+day|in a statement|in a statement on \w+day))+\s*$",
    re.IGNORECASE,
)

PREPOSITION = re.compile(
    r"^(?:in|on|at|during|after|before|via|by|from|to|while|when|as|late|earlier|later|last|"
    r"this|overnight|also|again|through|without|with|under|over|near|inside|outside|"
    r"yesterday|today|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)

# Where a claimant is told something: "told Reuters", "told reporters".
TOLD_OBJECT = re.compile(
    r"^\s*(?:[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*|reporters|journalists|the agency|the press|"
    r"him|her|them|us|me|"
    r"a news conference|a press conference|a briefing|"
    r"(?:(?:the|a|an) )?(?:[\w-]+ ){0,3}(?:newspaper|daily|channel|broadcaster|television|TV|"
    r"agency|radio|station|outlet|website|media)(?: [A-Z][\w'’.-]*)*)"
)

CLAUSE_VERB = re.compile(
    r"\b(?:is|are|was|were|had|has|have|will|would|could|can|did|do|does|may|might|[a-z]+ed)\b"
)


def attribution_verbs(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]]
) -> list[re.Match[str]]:
    return [m for m in _VERB.finditer(sentence, start, end) if not in_quote(regions, m.start())]


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,":
        start += 1
    while end > start and text[end - 1] in " ,":
        end -= 1
    return start, end


def claimant_words_end(sentence: str, start: int, end: int) -> int:
    """The end of the claimant's words, without "also", "had" or "on Saturday" after them."""
    match = _BEFORE_VERB.search(sentence, start, end)
    if match is not None and match.start() > start:
        return trimmed(sentence, start, match.start())[1]
    return end


def is_claimant(words_text: str, max_words: int = MAX_NAME_WORDS) -> bool:
    """Words that can name a claimant: a name, perhaps with an aside after it
    ("Ahmad al-Hamwi, a 45-year-old shopkeeper", "a commander who gave his name as …")."""
    aside = _ASIDE.search(words_text)
    if aside is None:
        return _is_name(words_text, max_words)
    rest = words_text[aside.start() :]
    return (
        _is_name(words_text[: aside.start()], max_words)
        and len(re.findall(r"[\w'’-]+", rest)) <= _MAX_ASIDE_WORDS
        and not re.search(r"[“”\"]", rest)
    )


def _is_name(words_text: str, max_words: int = MAX_NAME_WORDS) -> bool:
    words = re.findall(r"[\w'’-]+", words_text)
    if not words or len(words) > max_words or re.search(r"[“”\"]", words_text):
        return False
    if words[0].lower() in _NOT_FIRST or all(w.lower() in {"a", "an", "the"} for w in words):
        return False
    # "Residents reached by phone": a participle before "by" describes them.
    following = [*words[1:], ""]
    return not any(
        word.lower() in _NOT_IN_NAME or (_finite(word) and after.lower() != "by")
        for word, after in zip(words, following, strict=True)
    )


def _finite(word: str) -> bool:
    """A word that makes a clause rather than a name ("took", "carried")."""
    if word in IRREGULAR and word not in _ADJECTIVE_PARTICIPLES:
        return True
    return re.fullmatch(r"[a-z]{3,}ed", word) is not None and word not in _ADJECTIVE_PARTICIPLES
