"""Points: claims from different sources that answer the same question.

Two figures for the same kind of harm to the same side (the army's "dozens of men … were
killed", the monitor's "lost 100 troops") share a point, and so do two claims that say
mostly the same things in the lexicon's terms. A point is only suggested: a person decides.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge import Lexicon, SynonymGroup
from bot.text import fold, stem

_HARM = frozenset({"kill", "wound", "loss", "dead", "die", "injur", "casualt", "lose", "lost"})
_FIGURE = re.compile(
    r"\b(?:\d[\d,.]*|dozens|hundreds|thousands|scores|tens|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twenty|fifty|hundred)\b",
    re.IGNORECASE,
)
_MIN_SHARED = 2
_MIN_OVERLAP = 0.3
_COMMON_SHARE = 0.2
# A point gathers a few claims; a word in more of them than this may still be common.
_POINT_SIZE = 3
_NUMBERS = re.compile(
    r"^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand|"
    r"million|dozen|sixteen|report|day)$"
)
_MAX_NGRAM = 4


@dataclass(frozen=True, slots=True)
class PointCandidate:
    source: str  # a source id, or the name of a proposed one
    statement: str
    reporter_voice: bool


def suggest_points(candidates: Sequence[PointCandidate], lexicon: Lexicon) -> list[tuple[str, ...]]:
    """The points suggested for each candidate, in order (empty where none)."""
    canon = _canonical_map(lexicon.synonyms)
    terms = [_terms(candidate.statement, canon) for candidate in candidates]
    # Words most of the report's claims use ("syria", "hama", "rebel") say nothing about
    # which point a claim speaks to; nor do figures ("100 troops", "100km").
    counts = Counter(term for found in terms for term in found)
    common = {
        term
        for term, count in counts.items()
        if count > max(_COMMON_SHARE * len(terms), _POINT_SIZE)
    }
    terms = [{t for t in found if t not in common and not _NUMBERS.match(t)} for found in terms]
    harm = _harm_terms(canon)
    # The sides a figure can be about are the lexicon's groups ("army", "civilian").
    canonical = set(canon.values())
    points: list[list[str]] = [[] for _ in candidates]
    for first in range(len(candidates)):
        for second in range(first + 1, len(candidates)):
            a, b = candidates[first], candidates[second]
            if a.source == b.source or a.reporter_voice or b.reporter_voice:
                continue
            point = _shared_point(
                a.statement, b.statement, terms[first], terms[second], harm, canonical
            )
            if point is None:
                continue
            for index in (first, second):
                if point not in points[index] and len(points[index]) < 4:
                    points[index].append(point)
    return [tuple(found) for found in points]


def _shared_point(
    a: str, b: str, a_terms: set[str], b_terms: set[str], harm: set[str], canonical: set[str]
) -> str | None:
    shared = a_terms & b_terms
    if a_terms & harm and b_terms & harm and _FIGURE.search(a) and _FIGURE.search(b):
        # Two tolls: the same point only when they count the same side's losses.
        sides = sorted((shared - harm) & canonical)
        return f"{sides[0]}-losses" if sides else None
    if len(shared) >= _MIN_SHARED and len(shared) / min(len(a_terms), len(b_terms)) >= _MIN_OVERLAP:
        ordered = sorted(shared)[:2]
        return "-".join(ordered)
    return None


def _harm_terms(canon: dict[str, str]) -> set[str]:
    """Words of harm, and the lexicon groups they head ("kill" for "dead", "toll")."""
    found = {term for term in canon.values() if any(term.startswith(h) for h in _HARM)}
    return found | {stem(word) for word in _HARM}


@functools.lru_cache(maxsize=8)
def _canonical_map(synonyms: tuple[SynonymGroup, ...]) -> dict[str, str]:
    canon: dict[str, str] = {}
    for group in synonyms:
        for variant in (group.canonical, *group.variants):
            canon.setdefault(fold(variant), group.canonical)
    return canon


def _terms(statement: str, canon: dict[str, str]) -> set[str]:
    """The statement's content words, each as its lexicon group's word where it has one."""
    words = fold(statement).split()
    terms: set[str] = set()
    index = 0
    while index < len(words):
        for size in range(min(_MAX_NGRAM, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            if phrase in canon:
                terms.add(canon[phrase])
                index += size
                break
        else:
            word = words[index]
            if len(word) > 3 and not word.isdigit():
                terms.add(stem(word))
            index += 1
    return terms
