"""Every name a known source goes by: its name and aliases, which name it strongly, and the
words the lexicon treats as the same, which name it weakly."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.drafting.claimant_words import DETERMINERS, ROLES, content_words
from bot.knowledge import SynonymGroup
from bot.models import Source
from bot.text import fold, stem

STRONG = 3.0

WEAK = 1.0


@dataclass(frozen=True, slots=True)
class Alias:
    words: tuple[str, ...]
    source_id: str
    weight: float
    # A plain common word ("army") rather than a name ("Syrian Army").
    generic: bool
    # Words written in capitals ("WHO", "UN"): they name the source only so written.
    acronyms: frozenset[str] = frozenset()

    @property
    def stems(self) -> list[str]:
        return [stem(word) for word in self.words]


@functools.lru_cache(maxsize=8)
def source_aliases(
    sources: tuple[Source, ...], synonyms: tuple[SynonymGroup, ...]
) -> tuple[Alias, ...]:
    """Every name of every source, and the lexicon's words for them (built once for a
    set of sources and a lexicon)."""
    aliases: list[Alias] = []
    strong: set[tuple[str, ...]] = set()
    for source in sources:
        for name in source.all_names():
            words = tuple(content_words(name))
            if words:
                acronyms = frozenset(
                    fold(word)
                    for word in re.findall(r"[\w'’-]+", name)
                    if word.isupper() and len(word) > 1
                )
                generic = name == name.lower()
                aliases.append(Alias(words, source.id, STRONG, generic, acronyms))
                strong.add(words)
    # The lexicon's groups: every word the matcher treats as a source's name names it here
    # too, unless it would name two sources or is a plain word for a person.
    owners: dict[tuple[str, ...], set[str]] = {}
    for group in synonyms:
        variants = [fold(variant) for variant in (group.canonical, *group.variants)]
        members = [alias for alias in aliases if " ".join(alias.words) in variants]
        for variant in variants:
            words = tuple(word for word in variant.split() if word not in DETERMINERS)
            if not words or words in strong or (len(words) == 1 and stem(words[0]) in ROLES):
                continue
            for member in members:
                owners.setdefault(words, set()).add(member.source_id)
    for words, owner_ids in owners.items():
        if len(owner_ids) == 1:
            aliases.append(Alias(words, next(iter(owner_ids)), WEAK, True))
    return tuple(aliases)


def plural_of(word: str, alias: Alias) -> bool:
    """Whether `word` is the plural of the alias's last word ("groups" of "rights group")."""
    last = alias.words[-1]
    return word != last and word.endswith("s") and not last.endswith("s")


def find_run(words: Sequence[str], needle: Sequence[str]) -> int:
    size = len(needle)
    for index in range(len(words) - size + 1):
        if list(words[index : index + size]) == list(needle):
            return index
    return -1
