"""What the words about a claimant tell: their content words, the words written as
names, and whether they name a person or an organisation."""

from __future__ import annotations

import re

from bot.text import fold, stem

DETERMINERS = frozenset({"a", "an", "the"})

# Words that make the words name a person (who may speak for an organisation).
ROLES = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "official", "minister", "chief", "head",
     "director", "commander", "fighter", "resident", "doctor", "witness", "activist",
     "president", "leader", "general", "colonel", "mayor", "governor", "envoy", "ambassador",
     "analyst", "researcher", "student", "father", "mother", "man", "woman", "nurse", "medic",
     "journalist", "correspondent", "reporter", "teacher", "farmer", "driver", "soldier",
     "source", "rescuer", "volunteer", "diplomat", "officer", "negotiator", "secretary",
     "chairman", "founder", "member", "lawmaker", "mp", "worker", "survivor",
     "engineer", "shopkeeper", "lawyer", "coordinator"}
)  # fmt: skip

# Words in a source's name that make it an organisation, not a person.
ORGANISATION_WORDS = frozenset(
    {"army", "ministry", "government", "observatory", "forces", "council", "agency", "office",
     "radio", "tv", "fm", "news", "group", "committee", "union", "nations", "police", "front",
     "party", "movement", "organisation", "organization", "authority", "authorities",
     "military", "command", "coalition", "brigade", "brigades", "crescent", "cross",
     "network", "channel", "station", "television", "media", "department", "state",
     "republic", "kingdom", "commission", "institute", "centre", "center", "foundation",
     "federation", "alliance", "administration", "presidency", "embassy", "consulate"}
)  # fmt: skip

AGE = re.compile(r"\b\d+-year-old\b")


def content_words(text: str) -> list[str]:
    words = fold(text).split()
    while words and words[0] in DETERMINERS:
        words = words[1:]
    return words


def stems_of(text: str) -> list[str]:
    return [stem(word) for word in fold(text).split()]


def proper_words(text: str) -> set[str]:
    """The words of `text` written as names, other than its first word's capital."""
    found: set[str] = set()
    for index, word in enumerate(re.findall(r"[\w'’-]+", text)):
        if not word[0].isupper() or (index == 0 and fold(word) in DETERMINERS):
            continue
        found.update(stem(part) for part in fold(word).split())
    return found


def names_a_person(text: str) -> bool:
    words = content_words(text)
    if not words:
        return False
    if any(stem(word) in ROLES for word in words) or AGE.search(text):
        return True
    capitals = [word for word in re.findall(r"[\w'’-]+", text) if word[:1].isupper()]
    organisation = any(word in ORGANISATION_WORDS for word in words)
    return 2 <= len(capitals) <= 4 and len(capitals) == len(words) and not organisation
