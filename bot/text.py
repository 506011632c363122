"""Text normalisation shared by the knowledge checker and the matcher.

Two levels:

* `loose_quote_form` keeps the words as they are and only evens out typographic quotes,
  dashes and whitespace. `check` compares quotes with the article this way, so a quote
  must really be verbatim.
* `fold` goes further for matching: Unicode compatibility forms, accents, case and
  punctuation all disappear, leaving plain lowercase words.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz import utils as fuzz_utils

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)
_WHITESPACE = re.compile(r"\s+")
# Possessive 's is dropped so "Syria's" and "Syria" meet; other apostrophes join the word
# ("don't" -> "dont") instead of splitting it into a stray letter.
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# Invisible characters that users paste by accident and that would otherwise split words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# "100km" and "100 km" should be the same two words.
_DIGIT = re.compile(r"\d")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")


def loose_quote_form(text: str) -> str:
    """Even out quotes, dashes and whitespace, and nothing else."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)
    return _WHITESPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase words without accents or punctuation, separated by single spaces."""
    if text.isascii():
        # Nothing to decompose, strip or even out: the common case, and a hot path.
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.translate(_TYPOGRAPHIC).casefold()
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
        text = _APOSTROPHE.sub("", text)
    # rapidfuzz's processor turns every non-alphanumeric character into a space and
    # lowercases; it is the same processor the scorers use, so both sides agree.
    text = fuzz_utils.default_process(text)
    if _DIGIT.search(text):
        text = _DIGIT_LETTER.sub(" ", text)
    # str.split() splits at every whitespace run: _WHITESPACE's job, without a regex.
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    folded = fold(text)
    return folded.split() if folded else []


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A deliberately light English suffix stripper (cached: the same words recur).

    It only has to map the inflections people actually type ("strikes", "killed",
    "withdrawing") onto one form, the same way on both sides of a comparison. Anything
    cleverer belongs in the synonym lexicon, where a person can review it.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ing") and len(word) > 5:
        return _undouble(word[:-3])
    if word.endswith("ed") and len(word) > 4:
        return _undouble(word[:-2])
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _undouble(word: str) -> str:
    # "stopped" -> "stopp" -> "stop", so it meets "stop".
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        return word[:-1]
    return word


_NOT_ID = re.compile(r"[^a-z0-9]+")


# Words an id can do without: "the-rebels-reached-the-outskirts-of" says less than
# "rebels-reached-outskirts-town".
_ID_FILLER = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "",
    }
)


def slug(text: str, max_words: int = 6, default: str = "fact", max_length: int = 60) -> str:
    """A kebab-case id from the first content words of `text`, cut only between words.

    Ids are plain ASCII, so letters that fold to no ASCII ("ł", Arabic) are left out.
    """
    ascii_words = [w for w in (_NOT_ID.sub("", word) for word in words(text)) if w]
    content = [w for w in ascii_words if w not in _ID_FILLER] or ascii_words
    chosen: list[str] = []
    for word in content[:max_words]:
        if len("-".join([*chosen, word])) > max_length:
            break
        chosen.append(word)
    if not content:
        return default
    # One word longer than an id may be is cut; nothing else is.
    return "-".join(chosen) or content[0][:max_length]


_DOUBLE_MARKS = '"“”'


def unenclosed(quote: str) -> str:
    """The quoted words without double quotation marks around the whole of them, so every
    quote reads alike; marks inside ("fierce battles “over a strip …”") stay as written.
    Single marks are left alone: they double as apostrophes ("al-Qaeda’s")."""
    quote = quote.strip()
    if (
        len(quote) >= 2
        and quote[0] in '"“'
        and quote[-1] in '"”'
        and not any(mark in quote[1:-1] for mark in _DOUBLE_MARKS)
    ):
        return quote[1:-1].strip()
    return quote


def is_unicode(text: str) -> bool:
    """False for text with a lone surrogate (a JSON "\\ud800" escape, a shell argument's
    undecodable bytes): no UTF-8 text, SQLite's included, can hold one."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def worth_reviewing(question: str) -> bool:
    """Whether a moderator could learn from an unanswered question: an empty line or a bare
    number (a choice typed at the wrong moment) says nothing about what people want."""
    return any(ch.isalpha() for ch in question)
