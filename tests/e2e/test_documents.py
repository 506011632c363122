"""Facts citing documents, through the real bot and the fake Discord: the document option
and its autocomplete, a wrong quote refused with the closest passage, verified and
unverified quotes in cards and answers, export and import, and /about's as-of."""

from __future__ import annotations

import json

from bot.discordbot.client import FactBot
from bot.documents.library import DocumentDraft, Documents
from bot.documents.records import Document
from bot.service import FactService
from tests.e2e.conftest import World, add_fact, peopled_world
from tests.fakediscord import Upload

BRIDGE = (
    "The ministry said on Monday that the bridge had reopened to traffic.\n\n"
    "Officials added that repairs had cost “around two million dollars”.\n"
)
QUESTION = "Did the bridge reopen to traffic?"


def add_bridge(service: FactService, guild_id: int, outlet: str = "Reuters") -> Document:
    draft = DocumentDraft(title="Bridge reopens", outlet=outlet, date="2031-01-05", text=BRIDGE)
    return Documents(service.store).add(draft, guild_id=guild_id, actor="test")


async def test_a_fact_cites_a_document_chosen_by_title(
    world: World, bot: FactBot, service: FactService
) -> None:
    bridge = add_bridge(service, world.guild.id)
    choices = await world.fake.autocomplete(
        world.mod, world.general, "fact add", "document", "brid"
    )
    assert [(c["name"], c["value"]) for c in choices] == [
        ("Bridge reopens (Reuters, 2031-01-05)", bridge.id)
    ]
    for_alice = await world.fake.autocomplete(
        world.alice, world.general, "fact edit", "document", "brid"
    )
    assert for_alice == []
    reply = await world.fact(
        "add",
        statement="The bridge reopened to traffic.",
        source="AFP",
        questions=QUESTION,
        quote="the bridge had reopened to traffic",
        document=bridge.id,
    )
    assert reply.content.startswith("Added"), reply.content
    assert reply.embed is not None
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    assert fields["Quote"] == "“the bridge had reopened to traffic”"
    assert fields["Document"] == "Bridge reopens (Reuters, 5 January 2031); quote verified"
    answer = await world.ask(QUESTION)
    assert answer.embed is not None
    answered = {f["name"]: f["value"] for f in answer.embed["fields"]}
    assert answered["Quote"] == "“the bridge had reopened to traffic”"
    # The server's facts now come from the article's outlet and Reuters, as of the bridge.
    assert answer.embed["footer"]["text"] == (
        f"From {service.knowledge.article.outlet} and Reuters reports, as of 5 January 2031. "
        "Events have moved on since. /about"
    )


async def test_a_wrong_quote_is_refused_with_the_closest_passage(
    world: World, bot: FactBot, service: FactService
) -> None:
    bridge = add_bridge(service, world.guild.id)
    reply = await world.fact(
        "add",
        statement="The bridge reopened to traffic.",
        source="AFP",
        questions=QUESTION,
        quote="the bridge has reopened to all traffic",
        document=bridge.id,
    )
    assert "didn't work" in reply.content
    assert 'quote: not in "Bridge reopens"; the closest passage is "' in reply.content
    assert "the bridge had reopened to traffic" in reply.content
    assert [f for f in service.list_facts(world.guild.id) if f.guild_id == world.guild.id] == []


async def test_fact_new_takes_the_document_and_edit_changes_it(
    world: World, bot: FactBot, service: FactService
) -> None:
    bridge = add_bridge(service, world.guild.id)
    handle = await world.fact_handle("new", document=bridge.id)
    await handle.modal_opened()
    submitted = await world.fake.submit_modal(
        world.mod,
        handle,
        {
            "factbot:new:statement": "Repairs cost about two million dollars.",
            "factbot:new:source": "AFP",
            "factbot:new:questions": "What did the repairs cost?",
            "factbot:new:quote": "repairs had cost “around two million dollars”",
        },
    )
    reply = await submitted.reply()
    assert reply.content.startswith("Added"), reply.content
    (fact,) = [f for f in service.list_facts(world.guild.id) if f.guild_id == world.guild.id]
    assert fact.document == bridge.id and fact.quote_verified
    edited = await world.fact("edit", fact_id=fact.id, document="-")
    assert edited.embed is not None
    fields = {f["name"]: f["value"] for f in edited.embed["fields"]}
    assert "Quote (unverified)" in fields and "unverified" in fields["Document"]
    answer = await world.ask("What did the repairs cost?")
    assert answer.embed is not None
    assert "Quote (unverified)" in {f["name"] for f in answer.embed["fields"]}
    shown = await world.fact("show", fact_id=fact.id)
    assert shown.embed is not None
    assert (
        "none; the quote is unverified"
        in {f["name"]: f["value"] for f in shown.embed["fields"]}["Document"]
    )


async def test_a_server_cannot_cite_or_see_another_servers_document(
    world: World, bot: FactBot, service: FactService
) -> None:
    elsewhere = peopled_world(world.fake, "Elsewhere")
    theirs = add_bridge(service, elsewhere.guild.id)
    choices = await world.fake.autocomplete(world.mod, world.general, "fact add", "document", "")
    assert theirs.id not in [c["value"] for c in choices]
    assert service.knowledge.article.id in [c["value"] for c in choices]
    reply = await world.fact(
        "add",
        statement="The bridge reopened to traffic.",
        source="AFP",
        questions=QUESTION,
        quote="the bridge had reopened",
        document=theirs.id,
    )
    assert f"no document '{theirs.id}' in this server" in reply.content


async def test_export_and_import_carry_the_documents(
    world: World, bot: FactBot, service: FactService
) -> None:
    bridge = add_bridge(service, world.guild.id)
    fact_id = add_fact(
        service,
        world.guild,
        "The bridge reopened to traffic.",
        (QUESTION,),
        quote="the bridge had reopened",
        document=bridge.id,
    )
    exported = await world.fact("export")
    data = exported.attachment("facts.jsonl").data.decode("utf-8")
    lines = [json.loads(line) for line in data.splitlines()]
    assert lines[0] == {
        "document": {
            "id": bridge.id,
            "title": "Bridge reopens",
            "outlet": "Reuters",
            "date": "2031-01-05",
            "url": None,
            "text": BRIDGE,
        }
    }
    assert lines[1]["id"] == fact_id and lines[1]["document"] == bridge.id
    # Into the same server again: the document is matched, the fact unchanged.
    handle = await world.fact_handle("import", file=Upload("facts.jsonl", data.encode()))
    reply = await handle.reply()
    assert "0 added, 0 updated, 1 unchanged." in reply.content, reply.content
    assert "document(s) added" not in reply.content


async def test_about_speaks_of_the_documents_the_facts_come_from(
    world: World, bot: FactBot, service: FactService
) -> None:
    article = service.knowledge.article
    reply = await (await world.fake.slash(world.alice, world.general, "about")).reply()
    assert reply.embed is not None
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    assert fields["From"] == f"From {article.outlet} reports, as of 30 November 2024"
    bridge = add_bridge(service, world.guild.id, outlet="Wire Service")
    add_fact(
        service,
        world.guild,
        "The bridge reopened to traffic.",
        (QUESTION,),
        quote="the bridge had reopened",
        document=bridge.id,
    )
    reply = await (await world.fake.slash(world.alice, world.general, "about")).reply()
    assert reply.embed is not None
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    line = f"From {article.outlet} and Wire Service reports, as of 5 January 2031"
    assert fields["From"] == line
    assert "Bridge reopens (Wire Service, 5 January 2031)" in fields["Documents"]
    assert "as of 5 January 2031" in fields["Keep in mind"]
    helped = await (await world.fake.slash(world.alice, world.general, "help")).reply()
    assert line in helped.content
