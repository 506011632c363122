"""Fact and source ids are each server's own: two servers may each have a fact and a source
of one id, nothing a server does tells it of another's, and no server's id shadows a
curated one."""

from __future__ import annotations

import json

import pytest

from bot.drafts import FactDraft
from bot.errors import NotFound, ValidationError
from bot.models import GLOBAL, FactKey, Source
from bot.records import fact_record
from bot.service import FactService
from bot.sources import SourceRegistry

ONE = 111111111111111111
TWO = 222222222222222222
MOD = "discord:1"
CLAIM = "Rebels said they took the airport at dawn."


def claim(guild_id: int, service: FactService, question: str, source: str = "afp") -> str:
    fact = service.add_fact(
        FactDraft(statement=CLAIM, source=source, questions=(question,)),
        guild_id=guild_id,
        actor=f"discord:{guild_id}",
    )
    return fact.id


def test_two_servers_each_get_the_same_ids_and_see_only_their_own(
    service: FactService,
) -> None:
    monitors = [service.add_source("Local Monitor", guild_id=g) for g in (ONE, TWO)]
    assert [(s.guild_id, s.id) for s in monitors] == [
        (ONE, "local-monitor"),
        (TWO, "local-monitor"),
    ]
    # One phrasing in both servers: a clash is only with facts the server sees.
    question = "did the rebels take the airport at dawn"
    ids = [claim(g, service, question, source="Local Monitor") for g in (ONE, TWO)]
    assert ids[0] == ids[1] == "rebels-said-they-took-airport-dawn"
    for guild in (ONE, TWO):
        fact = service.get_fact(ids[0], guild)
        assert fact.key == FactKey(guild, ids[0])
        assert [f.id for f in service.list_facts(guild) if f.guild_id] == [ids[0]]
        [entry] = service.history(ids[0], guild)
        assert entry.guild_id == guild and entry.actor == f"discord:{guild}"
        assert service.answer_fact(ids[0], guild).answers[0].fact_id == ids[0]
        [answer] = service.ask(question, guild, log=False).answers
        assert answer.citation.source == "Local Monitor"
    # A change in one server leaves the other's fact of that id as it was.
    service.remove_fact(ids[0], guild_id=ONE, actor=MOD)
    assert not service.get_fact(ids[0], ONE).active and service.get_fact(ids[0], TWO).active
    assert service.ask(question, ONE, log=False).outcome != "answered"
    assert service.ask(question, TWO, log=False).outcome == "answered"
    # Nor can one server undo the other's change, or learn that it exists.
    change = service.history(ids[0], ONE)[-1].id
    with pytest.raises(NotFound, match=f"No change #{change} here"):
        service.undo(change, guild_id=TWO, actor=MOD)


def test_a_server_never_learns_another_servers_ids(service: FactService) -> None:
    """Before, the second server's fact was '...-2', its source 'local-monitor-2', and an
    import of the first server's id said 'already used elsewhere'."""
    service.add_source("Local Monitor", guild_id=ONE)
    first = claim(ONE, service, "did the rebels take the airport at dawn")
    assert service.add_source("Local Monitor", guild_id=TWO).id == "local-monitor"
    assert claim(TWO, service, "was the airport taken at dawn") == first
    # An import into a third server of the same id is a fact of its own, not a clash.
    line = dict(fact_record(service.get_fact(first, ONE)), questions=["airport at dawn?"])
    report = service.import_jsonl(json.dumps(line), guild_id=333333333333333333, actor=MOD)
    assert (report.added, report.updated) == (1, 0)
    assert service.get_fact(first, ONE).questions == ("did the rebels take the airport at dawn",)


def test_no_server_id_shadows_a_curated_one(service: FactService) -> None:
    curated = service.list_facts(ONE)[0]
    assert curated.guild_id == GLOBAL
    # A statement that would make the curated fact's id gets the next one.
    own = service.add_fact(
        FactDraft(statement=curated.id.replace("-", " "), source="afp", questions=("a question",)),
        guild_id=ONE,
        actor=MOD,
    )
    assert own.id == f"{curated.id}-2"
    line = json.dumps(dict(fact_record(curated), questions=["something new entirely"]))
    with pytest.raises(ValidationError) as refused:
        service.import_jsonl(line, guild_id=ONE, actor=MOD)
    assert refused.value.problems == [
        f"line 1: id '{curated.id}' is taken by a curated fact; give this fact another id"
    ]
    # The curated scope, in turn, takes no id a server has.
    line = json.dumps(dict(fact_record(own), id="a-servers-own", questions=["mine"]))
    service.import_jsonl(line, guild_id=TWO, actor=MOD)
    with pytest.raises(ValidationError, match="'a-servers-own' is taken by a server's fact"):
        service.import_jsonl(line.replace('"mine"', '"ours"'), guild_id=GLOBAL, actor=MOD)


def test_a_new_source_id_is_unique_among_the_sources_its_server_sees() -> None:
    registry = SourceRegistry([Source("afp", "AFP"), Source("watch", "Watch", guild_id=ONE)])
    assert registry.new_id("Watch", TWO) == "watch"  # another server's: free here
    assert registry.new_id("Watch", ONE) == "watch-2"
    assert registry.new_id("AFP", TWO) == "afp-2"  # a curated one the server sees
    assert registry.new_id("Watch", GLOBAL) == "watch-2"  # curated ids shadow no server's
