"""Failures found by probing the running bot at Discord's limits and with hostile text,
each reproduced through the fake Discord, which answers as Discord does (a 400 for an
embed over its limits)."""

from __future__ import annotations

import json
import re

import pytest

from bot.discordbot.client import FactBot
from bot.documents.library import DocumentDraft, Documents
from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.service import FactService
from tests.e2e.conftest import World, add_fact
from tests.fakediscord import Message

# Discord's limit on all of one message's embeds together.
EMBED_TOTAL = 6000
# Unicode's explicit direction controls: embeddings, overrides, isolates and their ends.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
RLO = "\u202e"  # right-to-left override: what follows reads backwards, to its line's end


def embed_size(message: Message) -> int:
    """What Discord counts towards the 6,000: titles, descriptions, field names and values,
    footers and author names."""
    size = 0
    for embed in message.embeds:
        size += len(embed.get("title") or "") + len(embed.get("description") or "")
        for field in embed.get("fields") or []:
            size += len(field["name"]) + len(field["value"])
        size += len((embed.get("footer") or {}).get("text") or "")
        size += len((embed.get("author") or {}).get("name") or "")
    return size


def largest_fact(service: FactService, guild_id: int) -> str:
    """A fact with every field at its limit, each written in characters that markdown
    escaping doubles; its id is returned."""
    wide = "_*"
    quote = wide * 500
    source = service.add_source(wide * 50, guild_id=guild_id)
    document = Documents(service.store).add(
        DocumentDraft(
            title=wide * 100, outlet=wide * 50, date="2024-11-30", text=f"It said {quote} then."
        ),
        guild_id=guild_id,
        actor="test",
    )
    fact_id = "a" * 80
    record = {
        "id": fact_id,
        "statement": wide * 500,
        "source": source.name,
        "questions": [f"question {n} {wide * 90}" for n in range(40)],
        "reported_by": wide * 50,
        "quote": quote,
        "date": "2024-11-30",
        "topics": [f"{n}{'_' * 39}" for n in range(8)],
        "point": [f"point-{n}-{'a' * 72}" for n in range(4)],
        "document": document.id,
    }
    service.import_jsonl(json.dumps(record) + "\n", guild_id=guild_id, actor="test")
    return fact_id


async def test_a_fact_at_every_limit_still_shows_in_one_embed(
    world: World, bot: FactBot, service: FactService
) -> None:
    fact_id = largest_fact(service, world.guild.id)
    for command in ("show", "remove", "restore"):
        reply = await world.fact(command, fact_id=fact_id)
        assert reply.embed is not None, reply.content
        assert reply.embed["title"].startswith(fact_id)
        assert embed_size(reply) <= EMBED_TOTAL


def direction_controls(message: Message) -> list[str]:
    shown = message.content + json.dumps(message.embeds, ensure_ascii=False)
    return DIRECTION_CONTROLS.findall(shown)


async def test_direction_overrides_in_what_users_wrote_never_reach_the_channel(
    world: World, bot: FactBot, service: FactService
) -> None:
    # A source whose name turns the rest of its citation line around: "…, reported by".
    service.add_source(f"Local monitor{RLO}", guild_id=world.guild.id)
    add_fact(
        service,
        world.guild,
        "A zebra crossed the citadel bridge at dawn.",
        ("Did a zebra cross the citadel bridge?",),
        source=f"Local monitor{RLO}",
    )
    answered = await world.ask(f"{RLO}did a zebra cross the citadel bridge?")
    assert answered.embed is not None
    assert "Local monitor" in answered.embed["fields"][0]["value"]
    unsure = await world.ask(f"aleppo{RLO}")  # "did you mean…": the question is echoed
    assert unsure.components, unsure.content
    unknown = f"what{RLO} is the weather like in paris"
    assert "doesn't say" in (await world.ask(unknown)).content
    await world.fake.wait_until(
        lambda: any(RLO in row.question for row in service.unanswered(world.guild.id)),
        10,
        "the unanswered question to be counted",
    )
    listed = await world.fact("unanswered")
    assert listed.embed is not None and "weather" in listed.embed["description"]
    for reply in (answered, unsure, listed):
        assert direction_controls(reply) == []


# A lone surrogate: JSON's "\ud800" escape carries one, and no UTF-8 file can store it.
LONE = "\ud800"


async def test_text_that_is_not_unicode_is_refused_or_not_found_never_a_crash(
    world: World, bot: FactBot, service: FactService
) -> None:
    upload = ("report.txt", b"The ministry said the bridge had reopened.\n", "text/plain")
    commands = [
        ("fact show", {"fact_id": f"sohr-airport{LONE}"}, "No fact"),
        ("fact history", {"fact_id": f"sohr-airport{LONE}"}, "No fact"),
        ("fact remove", {"fact_id": f"zebra{LONE}"}, "No fact"),
        ("fact source", {"name": f"Zebra{LONE} watch"}, "not valid Unicode"),
        ("fact source", {"name": "Zebra watch", "description": f"Ze{LONE}"}, "not valid Unicode"),
        ("fact document", {"file": upload, "title": f"Bridge{LONE}", "outlet": "Reuters",
                           "date": "2031-01-05"}, "not valid Unicode"),
        ("fact drafts", {"document": f"bridge{LONE}"}, "no document"),
    ]  # fmt: skip
    for command, values, said in commands:
        handle = await world.fake.slash(world.mod, world.general, command, **values)
        reply = await handle.reply()
        assert reply.ephemeral and said in reply.content, (command, reply.content)
    for name in (f"Zebra{LONE} watch", "Zebra watch"):  # neither source was created
        with pytest.raises(ValidationError, match="not a known source"):
            service.resolve_source(name, world.guild.id)


def cite_many_outlets(service: FactService, guild_id: int, count: int) -> None:
    """`count` documents, each from an outlet of 100 characters (the first a masked link),
    each cited by a fact: the server's reach then names them all."""
    library = Documents(service.store)
    for n in range(count):
        outlet = "[Wire](https://evil.example)" if n == 0 else f"**Wire {n:02d}** ".ljust(100, "x")
        text = f"Officials said that zebra herd {n} crossed the river."
        document = library.add(
            DocumentDraft(title=f"Herd {n}", outlet=outlet, date="2024-12-01", text=text),
            guild_id=guild_id,
            actor="test",
        )
        service.add_fact(
            FactDraft(
                statement=f"Zebra herd {n} crossed the river.",
                source="AFP",
                questions=(f"did zebra herd {n} cross the river",),
                quote=f"zebra herd {n} crossed the river",
                document=document.id,
            ),
            guild_id=guild_id,
            actor="test",
        )


async def test_replies_naming_many_outlets_fit_and_show_them_as_written(
    world: World, bot: FactBot, service: FactService
) -> None:
    cite_many_outlets(service, world.guild.id, 24)
    unknown = await world.ask("who is the mayor of paris")
    helped = await world.ask("???", world.checker)
    listed = await world.fake.slash(world.mod, world.general, "help")
    for reply in (unknown, helped, await listed.reply()):
        assert len(reply.content) <= 2000
        assert "](" not in reply.content and "**Wire" not in reply.content, reply.content
    assert "doesn't say" in unknown.content and "/about" in unknown.content
    answered = await world.ask("did zebra herd 3 cross the river", world.mod)
    assert answered.embed is not None and "Wire 03" in answered.embed["footer"]["text"]
    assert embed_size(answered) <= EMBED_TOTAL
