"""The sources each server can see: the curated ones, shared by every server, and each
server's own, which its moderators add.

A registry never changes once made: adding a source makes a new one, so a reader going
through the old one (an answer, an autocomplete) is never disturbed.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.errors import ValidationError
from bot.models import GLOBAL, Fact, Source
from bot.text import fold, slug


class SourceRegistry:
    def __init__(self, sources: Iterable[Source]) -> None:
        # By (guild, id): two servers may each have a source of one name.
        self._sources = {(source.guild_id, source.id): source for source in sources}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SourceRegistry) and self._sources == other._sources

    def all(self) -> list[Source]:
        return list(self._sources.values())

    def visible(self, guild_id: int) -> list[Source]:
        """The curated sources and the guild's own."""
        return [s for (scope, _), s in self._sources.items() if scope in (GLOBAL, guild_id)]

    def source(self, source_id: str, guild_id: int = GLOBAL) -> Source | None:
        return self._sources.get((guild_id, source_id)) or self._sources.get((GLOBAL, source_id))

    def resolve(self, name: str, guild_id: int = GLOBAL) -> Source:
        """A source by id, name or alias, among the sources this guild can see."""
        wanted = fold(name)
        visible = self.visible(guild_id)
        for source in visible:
            if name.strip() == source.id or wanted in {fold(n) for n in source.all_names()}:
                return source
        known = ", ".join(sorted(s.name for s in visible))
        raise ValidationError(
            [
                f"source: '{name.strip()}' is not a known source. Use a known name or alias "
                f"({known}), or create it first: /fact source in Discord, "
                "'sources add' in the shell."
            ]
        )

    def counts(self, facts: Iterable[Fact], guild_id: int = GLOBAL) -> list[tuple[Source, int]]:
        """The guild's sources that have some of `facts`, with how many, most first."""
        counts: dict[str, int] = {}
        for fact in facts:
            counts[fact.source] = counts.get(fact.source, 0) + 1
        result = []
        for (scope, source_id), source in self._sources.items():
            if scope in (GLOBAL, guild_id) and counts.get(source_id):
                result.append((source, counts[source_id]))
        return sorted(result, key=lambda pair: (-pair[1], pair[0].name))

    def new_id(self, name: str, guild_id: int) -> str:
        """An id for a new source of the guild called `name`: unique among the sources it
        sees, whatever other servers have. A curated one may shadow no server's."""
        taken = {
            source_id
            for (scope, source_id) in self._sources
            if guild_id == GLOBAL or scope in (GLOBAL, guild_id)
        }
        return unique_id(slug(name, 4, "source"), taken)

    def exported_name(self, fact: Fact) -> str | None:
        """The name a server's own source is exported under (None for a curated one)."""
        own = self._sources.get((fact.guild_id, fact.source))
        return own.name if own is not None and fact.guild_id != GLOBAL else None

    def adding(self, source: Source) -> SourceRegistry:
        return SourceRegistry([*self._sources.values(), source])


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken yet."""
    base = base.strip("-") or "fact"
    candidate, counter = base, 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate
