"""factbot end to end: the real discord.py client against the fake Discord, a real database.

Each test acts as Discord users would (slash commands, buttons, mentions) and checks what
reaches Discord and what lands in the database.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.discordbot.client import FactBot
from bot.models import GLOBAL, AskResult
from bot.service import FactService
from tests.e2e.conftest import (
    MANAGE_GUILD,
    TOKEN,
    World,
    add_fact,
    jsonl,
    make_bot,
)
from tests.fakediscord import (
    CommandNotAvailable,
    ErrorCapture,
    FakeDiscord,
    RecordedRequest,
    Upload,
    running_bot,
)
from tests.helpers import last_change

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ANSWERABLE = "Who took Aleppo airport?"
OFF_TOPIC = "What is the boiling point of mercury on Mars?"
# A guild fact with words no curated fact uses, so the matcher can only mean this one.
ZEBRA_STATEMENT = "A zebra parade crossed the citadel square at noon."
ZEBRA_QUESTION = "Did a zebra parade cross the citadel square?"
COMMAND_NAMES = {"ask", "about", "sources", "help", "fact"}


def answered(service: FactService, question: str, guild_id: int) -> AskResult:
    result = service.ask(question, guild_id, log=False)
    assert result.outcome == "answered", f"the knowledge no longer answers {question!r}"
    return result


def find_ambiguous(service: FactService, guild_id: int) -> AskResult:
    """A question the service is unsure about, found by trying the words of known phrasings."""
    words: list[str] = []
    for fact in service.list_facts(guild_id):
        for question in fact.questions:
            words.extend(w for w in re.findall(r"[a-z']+", question.lower()) if w not in words)
    candidates = [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]
    for candidate in candidates:
        result = service.ask(candidate, guild_id, log=False)
        if result.outcome == "suggest":
            return result
    pytest.fail("no question makes the service suggest; the did-you-mean path is untested")


async def counted(world: World, service: FactService, question: str, guild_id: int) -> None:
    """Until the unanswered `question` is counted: the bot does it after answering."""
    await world.fake.wait_until(
        lambda: question in [row.question for row in service.unanswered(guild_id)],
        5,
        f"{question!r} to be counted as unanswered",
    )


def message_payloads(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Every message body the bot sent or edited: responses, followups, channel messages."""
    payloads = []
    for request in fake.requests:
        body = request.json
        if not isinstance(body, dict) or request.method not in ("POST", "PATCH"):
            continue
        if re.fullmatch(r"/interactions/\d+/[^/]+/callback", request.path):
            if body.get("type") in (4, 7):  # a message, or a message update
                payloads.append(body.get("data") or {})
        elif re.fullmatch(r"/webhooks/\d+/[^/]+(/messages/\w+)?", request.path) or re.fullmatch(
            r"/channels/\d+/messages(/\d+)?", request.path
        ):
            payloads.append(body)
    return payloads


def assert_pings_no_one(payload: dict[str, Any]) -> None:
    allowed = payload.get("allowed_mentions")
    assert allowed is not None, f"no allowed_mentions in {payload}"
    assert allowed.get("parse") == []
    assert not allowed.get("users") and not allowed.get("roles")
    assert not allowed.get("replied_user")


# -- 1. start-up ------------------------------------------------------------------------


async def test_startup_logs_in_syncs_commands_and_identifies_with_few_intents(
    fake: FakeDiscord, world: World, bot: FactBot
) -> None:
    login = fake.find_requests("GET", "/users/@me")[0]
    assert login.authorization == f"Bot {TOKEN}"
    assert fake.identify_payload is not None and fake.identify_payload["token"] == TOKEN

    wanted = discord.Intents.none()
    wanted.guilds = wanted.guild_messages = True
    assert fake.intents == wanted.value
    identified = discord.Intents._from_value(fake.intents or 0)
    assert not (identified.members or identified.presences or identified.message_content)

    commands = {c["name"]: c for c in fake.commands()}
    assert set(commands) == {"ask", "about", "sources", "help", "fact"}
    # Named from knowledge/article.toml, once the knowledge is loaded.
    assert commands["ask"]["description"] == (
        "Ask about the rebel offensive on Aleppo (AFP, 30 November 2024)"
    )
    (question,) = commands["ask"]["options"]
    assert question["name"] == "question" and question["required"]
    assert question["max_length"] == 300 and question["autocomplete"]
    fact = commands["fact"]
    assert fact["default_member_permissions"] is None  # a moderator role is set: see below
    assert fact["contexts"] == [0]  # guild only
    subcommands = {o["name"]: o for o in fact["options"]}
    assert set(subcommands) == {
        "add",
        "edit",
        "remove",
        "restore",
        "show",
        "history",
        "list",
        "unanswered",
        "attach",
        "export",
        "import",
        "undo",
        "new",
        "source",
        "document",
        "drafts",
    }
    add_options = {o["name"]: o["required"] for o in subcommands["add"]["options"]}
    assert add_options == {
        "statement": True,
        "source": True,
        "questions": True,
        "reported_by": False,
        "quote": False,
        "date": False,
        "document": False,
    }
    assert [o["type"] for o in subcommands["import"]["options"]] == [11]  # an attachment
    assert fake.unhandled_requests == []


async def test_commands_sync_instantly_to_the_development_guild(
    fake: FakeDiscord, world: World, service: FactService, db_path: Path, errors: ErrorCapture
) -> None:
    client = make_bot(world, service, db_path, guild_id=world.guild.id)
    async with running_bot(fake, client):
        names = {c["name"] for c in fake.commands(world.guild)}
        assert names == COMMAND_NAMES
        assert fake.commands() == []


def command_syncs(fake: FakeDiscord) -> list[RecordedRequest]:
    """The bulk overwrites of the command list, global or for a server."""
    return fake.find_requests("PUT", r"/applications/\d+(/guilds/\d+)?/commands")


async def test_commands_are_synced_only_when_the_tree_changed(
    fake: FakeDiscord,
    world: World,
    service: FactService,
    db_path: Path,
    errors: ErrorCapture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(fake, make_bot(world, service, db_path)):
        pass
    assert len(command_syncs(fake)) == 1
    with caplog.at_level(logging.INFO, logger="bot.discordbot.client"):
        async with running_bot(fake, make_bot(world, service, db_path)):
            pass
    assert len(command_syncs(fake)) == 1  # same tree, same database: Discord has it
    assert "Commands unchanged since the last sync globally; not syncing" in caplog.text
    # Without a moderator role /fact gets Manage Server's default permission: a new tree.
    async with running_bot(fake, make_bot(world, service, db_path, mod_role_id=None)):
        pass
    assert len(command_syncs(fake)) == 2
    assert fake.command("fact")["default_member_permissions"] == str(MANAGE_GUILD)
    # The development server is a scope of its own, synced once too.
    for _ in range(2):
        async with running_bot(fake, make_bot(world, service, db_path, guild_id=world.guild.id)):
            pass
    *_, last = command_syncs(fake)
    assert len(command_syncs(fake)) == 3 and last.path.endswith(f"/{world.guild.id}/commands")


# -- 2-4. asking ------------------------------------------------------------------------


async def test_ask_answers_with_the_fact_source_outlet_and_date(
    world: World, bot: FactBot, service: FactService
) -> None:
    expected = answered(service, ANSWERABLE, world.guild.id).answers[0]
    handle = await world.fake.slash(world.alice, world.general, "ask", question=ANSWERABLE)
    reply = await handle.reply()
    assert not reply.ephemeral
    embed = reply.embed
    assert embed is not None
    assert embed["description"] == expected.text
    text = reply.text()
    assert expected.citation.source in text
    assert "AFP" in text
    assert "30 November 2024" in text
    assert expected.quote and expected.quote.strip('“”"') in text


async def test_ask_unknown_says_the_article_does_not_say_and_logs_it(
    world: World, bot: FactBot, service: FactService
) -> None:
    assert service.ask(OFF_TOPIC, world.guild.id, log=False).outcome == "unknown"
    reply = await world.ask(OFF_TOPIC)
    assert "doesn't say" in reply.content and "/about" in reply.content
    assert reply.embeds == []
    await counted(world, service, OFF_TOPIC, world.guild.id)


FALSE_PREMISE = "so the rebels were the ones bombing civilians?? how many did they kill"


async def test_a_false_premise_gets_what_the_article_does_say(
    world: World, bot: FactBot, service: FactService
) -> None:
    result = service.ask(FALSE_PREMISE, world.guild.id, log=False)
    assert result.outcome == "unknown" and result.related
    handle = await world.fake.slash(world.alice, world.general, "ask", question=FALSE_PREMISE)
    reply = await handle.reply()
    embed = reply.embed
    assert embed is not None
    assert embed["description"].startswith(result.not_said)
    text = reply.text()
    for related in result.related:
        assert related.text in text and related.citation.source in text
    assert "30 November 2024" in text


async def test_a_greeting_gets_an_introduction(world: World, bot: FactBot) -> None:
    reply = await world.ask("hey bot 👋")
    assert "Ask in your own words" in reply.content and "/help" in reply.content
    assert reply.embeds == []


async def test_did_you_mean_buttons_answer_the_fact_pressed(
    world: World, bot: FactBot, service: FactService
) -> None:
    unsure = find_ambiguous(service, world.guild.id)
    reply = await world.ask(unsure.question)
    assert "Did you mean" in reply.content
    suggestions = unsure.suggestions[:3]
    buttons = reply.buttons()
    assert [b["custom_id"] for b in buttons] == [f"factbot:pick:{s.fact_id}" for s in suggestions]
    assert [b["label"] for b in buttons] == [s.question[:80] for s in suggestions]

    picked = suggestions[-1]
    click = await world.fake.press_button(world.alice, reply, f"factbot:pick:{picked.fact_id}")
    answer = await click.reply()
    assert answer is reply  # the question became its answer
    expected = service.answer_fact(picked.fact_id, world.guild.id).answers[0]
    assert answer.embed is not None and answer.embed["description"] == expected.text
    assert expected.citation.source in answer.text()
    assert answer.buttons() == []


async def test_did_you_mean_buttons_still_work_after_a_restart(
    fake: FakeDiscord, world: World, service: FactService, db_path: Path, errors: ErrorCapture
) -> None:
    unsure = find_ambiguous(service, world.guild.id)
    async with running_bot(fake, make_bot(world, service, db_path)):
        reply = await world.ask(unsure.question)
    picked = unsure.suggestions[0]
    async with running_bot(fake, make_bot(world, service, db_path)):
        click = await fake.press_button(world.alice, reply, f"factbot:pick:{picked.fact_id}")
        answer = await click.reply()
    expected = service.answer_fact(picked.fact_id, world.guild.id).answers[0]
    assert answer.embed is not None and answer.embed["description"] == expected.text


async def test_ask_autocomplete_offers_known_phrasings(
    world: World, bot: FactBot, service: FactService
) -> None:
    choices = await world.fake.autocomplete(world.alice, world.general, "ask", "question", "airp")
    expected = service.suggest_questions("airp", world.guild.id, 25)
    assert choices and [c["value"] for c in choices] == [q[:100] for q in expected]


async def test_ask_in_a_dm_uses_the_curated_base(
    world: World, bot: FactBot, service: FactService
) -> None:
    expected = answered(service, ANSWERABLE, GLOBAL).answers[0]
    dm = world.fake.dm_channel(world.alice)
    handle = await world.fake.slash(world.alice, dm, "ask", question=ANSWERABLE)
    reply = await handle.reply()
    assert reply.embed is not None and reply.embed["description"] == expected.text
    await (await world.fake.slash(world.alice, dm, "ask", question=OFF_TOPIC)).reply()
    await counted(world, service, OFF_TOPIC, GLOBAL)


# -- 5. mentions ------------------------------------------------------------------------


async def test_mention_gets_an_answer_as_a_reply(
    world: World, bot: FactBot, service: FactService
) -> None:
    expected = answered(service, ANSWERABLE, world.guild.id).answers[0]
    posted = await world.fake.post_message(world.alice, world.general, ANSWERABLE)
    reply = await world.fake.wait_for_message(world.general)
    assert reply.referenced is posted
    assert reply.embed is not None and reply.embed["description"] == expected.text
    assert expected.citation.source in reply.text()
    assert reply.mentions == []


async def test_mention_without_a_question_gets_help(world: World, bot: FactBot) -> None:
    posted = await world.fake.post_message(world.alice, world.general, "")
    reply = await world.fake.wait_for_message(world.general)
    assert reply.referenced is posted
    assert "/ask" in reply.content and "/about" in reply.content


async def test_messages_not_mentioning_the_bot_are_ignored(world: World, bot: FactBot) -> None:
    await world.fake.post_message(world.alice, world.general, ANSWERABLE, mention_bot=False)
    with pytest.raises(TimeoutError):
        await world.fake.wait_for_message(world.general, timeout=0.3)


# -- 6-8. moderating --------------------------------------------------------------------


async def test_moderator_adds_a_fact_that_is_audited_and_answered(
    world: World, bot: FactBot, service: FactService
) -> None:
    handle = await world.fact_handle(
        "add",
        statement=ZEBRA_STATEMENT,
        source="AFP",
        questions=f"{ZEBRA_QUESTION}|Was there a zebra parade?",
        quote="zebras everywhere",
    )
    assert (await handle.response()).type == 5  # deferred: the write runs in a thread
    reply = await handle.reply()
    assert reply.ephemeral and reply.content.startswith("Added")
    (fact,) = [f for f in service.list_facts(world.guild.id) if f.statement == ZEBRA_STATEMENT]
    assert f"`{fact.id}`" in reply.content
    (entry,) = service.history(fact.id, world.guild.id)
    assert entry.action == "add" and entry.actor == f"discord:{world.mod.id}"
    assert entry.guild_id == world.guild.id

    answer = await world.ask(ZEBRA_QUESTION)
    assert answer.embed is not None and answer.embed["description"] == ZEBRA_STATEMENT
    assert "zebras everywhere" in answer.text()


async def test_a_moderator_creates_a_source_then_cites_it(
    world: World, bot: FactBot, service: FactService
) -> None:
    refused = await world.fact_handle(
        "add", statement=ZEBRA_STATEMENT, source="Spiegel", questions=ZEBRA_QUESTION
    )
    assert "not a known source" in (await refused.reply()).text()

    created = await world.fact_handle(
        "source", name="Der Spiegel", aliases="Spiegel|SPON", description="German weekly"
    )
    reply = await created.reply()
    assert reply.ephemeral and reply.content.startswith("Added source `der-spiegel`")
    assert service.resolve_source("SPON", world.guild.id).name == "Der Spiegel"

    added = await world.fact_handle(
        "add", statement=ZEBRA_STATEMENT, source="Spiegel", questions=ZEBRA_QUESTION
    )
    assert (await added.reply()).content.startswith("Added")
    answer = await world.ask(ZEBRA_QUESTION)
    assert "Der Spiegel" in answer.text()


async def test_fact_new_form_adds_a_fact_with_long_text(
    world: World, bot: FactBot, service: FactService
) -> None:
    handle = await world.fact_handle("new")
    form = await handle.modal_opened()
    assert form["title"] == "New fact"
    long_quote = "zebras " * 120
    submitted = await world.fake.submit_modal(
        world.mod,
        handle,
        {
            "factbot:new:statement": ZEBRA_STATEMENT,
            "factbot:new:source": "AFP",
            "factbot:new:questions": f"{ZEBRA_QUESTION}\n\nWas there a zebra parade?",
            "factbot:new:quote": long_quote,
        },
    )
    reply = await submitted.reply()
    assert reply.ephemeral and reply.content.startswith("Added"), reply.content
    (fact,) = [f for f in service.list_facts(world.guild.id) if f.statement == ZEBRA_STATEMENT]
    assert fact.questions == (ZEBRA_QUESTION, "Was there a zebra parade?")
    assert fact.quote == long_quote.strip()
    assert service.history(fact.id, world.guild.id)[0].actor == f"discord:{world.mod.id}"


async def test_member_without_rights_is_refused_and_nothing_is_written(
    world: World, bot: FactBot, service: FactService
) -> None:
    # With a moderator role set, Discord shows /fact to everyone; the bot refuses them.
    audits = last_change(service.store)
    facts = len(service.list_facts(world.guild.id, include_retired=True))
    handle = await world.fact_handle(
        "add", world.alice, statement=ZEBRA_STATEMENT, source="AFP", questions=ZEBRA_QUESTION
    )
    reply = await handle.reply()
    assert reply.ephemeral and "Only moderators" in reply.content
    assert last_change(service.store) == audits
    assert len(service.list_facts(world.guild.id, include_retired=True)) == facts


async def test_without_a_mod_role_fact_is_shown_to_manage_server_only(
    fake: FakeDiscord, world: World, service: FactService, db_path: Path, errors: ErrorCapture
) -> None:
    async with running_bot(fake, make_bot(world, service, db_path, mod_role_id=None)):
        assert fake.command("fact")["default_member_permissions"] == str(MANAGE_GUILD)
        with pytest.raises(CommandNotAvailable):  # Discord hides the command from them...
            await world.fact_handle("export", world.checker)
        # ...and the bot checks again when they send it anyway.
        reply = await (await world.fact_handle("export", world.checker, force=True)).reply()
        assert reply.ephemeral and "Only moderators" in reply.content
        reply = await world.fact("export")  # a member with Manage Server may
        assert reply.ephemeral and "Only moderators" not in reply.content


async def test_configured_mod_role_may_moderate_without_manage_server(
    world: World, bot: FactBot, service: FactService
) -> None:
    assert not world.checker.permissions & MANAGE_GUILD
    handle = await world.fake.slash(  # not forced: with a role set, everyone sees /fact
        world.checker,
        world.general,
        "fact add",
        statement=ZEBRA_STATEMENT,
        source="AFP",
        questions=ZEBRA_QUESTION,
    )
    reply = await handle.reply()
    assert reply.content.startswith("Added"), reply.content
    (fact,) = [f for f in service.list_facts(world.guild.id) if f.statement == ZEBRA_STATEMENT]
    assert service.history(fact.id, world.guild.id)[0].actor == f"discord:{world.checker.id}"


async def test_moderator_commands_are_refused_in_dms(world: World, bot: FactBot) -> None:
    dm = world.fake.dm_channel(world.mod)
    handle = await world.fake.slash(world.mod, dm, "fact export", force=True)
    reply = await handle.reply()
    assert reply.ephemeral and "only works in a server" in reply.content


async def test_validation_problems_are_listed(
    world: World, bot: FactBot, service: FactService
) -> None:
    audits = last_change(service.store)
    reply = await world.fact(
        "add", statement=ZEBRA_STATEMENT, source="Nobody Knows", questions=ZEBRA_QUESTION
    )
    assert reply.ephemeral and "didn't work" in reply.content
    assert "Nobody Knows" in reply.content and "not a known source" in reply.content
    assert last_change(service.store) == audits


async def test_remove_restore_and_history(world: World, bot: FactBot, service: FactService) -> None:
    fact_id = add_fact(service, world.guild, ZEBRA_STATEMENT, (ZEBRA_QUESTION,))

    removed = await world.fact("remove", fact_id=fact_id)
    assert removed.ephemeral and removed.content == f"Removed `{fact_id}`."
    assert not service.get_fact(fact_id, world.guild.id).active
    gone = await world.ask(ZEBRA_QUESTION)
    assert ZEBRA_STATEMENT not in gone.text()

    restored = await world.fact("restore", fact_id=fact_id)
    assert restored.content == f"Restored `{fact_id}`."
    assert service.get_fact(fact_id, world.guild.id).active

    history = await world.fact("history", fact_id=fact_id)
    assert history.ephemeral and history.embed is not None
    description = history.embed["description"]
    assert re.findall(r"\*\*(.+?)\*\*", description) == ["add", "remove", "restore"]
    assert f"<@{world.mod.id}>" in description and history.mentions == []


async def test_curated_facts_cannot_be_changed_here(
    world: World, bot: FactBot, service: FactService
) -> None:
    curated = answered(service, ANSWERABLE, world.guild.id).answers[0].fact_id
    reply = await world.fact("remove", fact_id=curated)
    assert reply.ephemeral and "curated base" in reply.content
    assert service.get_fact(curated, world.guild.id).active


async def test_show_and_missing_fact(world: World, bot: FactBot, service: FactService) -> None:
    fact_id = add_fact(service, world.guild, ZEBRA_STATEMENT, (ZEBRA_QUESTION,))
    shown = await world.fact("show", fact_id=fact_id)
    assert shown.embed is not None and shown.embed["description"] == ZEBRA_STATEMENT
    assert ZEBRA_QUESTION in shown.text() and "AFP" in shown.text()
    missing = await world.fact("show", fact_id="no-such-fact")
    assert missing.ephemeral and "No fact with id 'no-such-fact'" in missing.content


async def test_edit_then_undo_puts_the_fact_back(
    world: World, bot: FactBot, service: FactService
) -> None:
    fact_id = add_fact(service, world.guild, ZEBRA_STATEMENT, (ZEBRA_QUESTION,))
    edited = await world.fact("edit", fact_id=fact_id, statement="A giraffe parade it was.")
    assert edited.content == f"Saved `{fact_id}`."
    assert service.get_fact(fact_id, world.guild.id).statement == "A giraffe parade it was."
    change = service.history(fact_id, world.guild.id)[-1]
    assert change.action == "edit"

    undone = await world.fact("undo", change=change.id)
    assert undone.content == f"Undid change #{change.id} on `{fact_id}`."
    assert service.get_fact(fact_id, world.guild.id).statement == ZEBRA_STATEMENT
    assert service.history(fact_id, world.guild.id)[-1].action == f"undo #{change.id}"


async def test_fact_list_pages_ten_at_a_time_for_the_invoker_only(
    world: World, bot: FactBot, service: FactService
) -> None:
    total = len(service.list_facts(world.guild.id))
    pages = -(-total // 10)
    assert pages >= 2, "the curated base should need more than one page"
    handle = await world.fact_handle("list")
    assert (await handle.response()).type == 5
    listing = await handle.reply()
    assert listing.ephemeral and listing.embed is not None
    assert listing.embed["footer"]["text"] == f"Page 1/{pages} · {total} in all"
    assert len(listing.embed["description"].splitlines()) == 10
    previous, following = listing.buttons()
    assert previous["label"] == "Previous" and previous.get("disabled")
    assert following["label"] == "Next" and not following.get("disabled")

    turned = await world.fake.press_button(world.mod, listing, following["custom_id"])
    page_two = await turned.reply()
    assert page_two is listing and page_two.embed is not None
    assert page_two.embed["footer"]["text"].startswith(f"Page 2/{pages}")

    intruder = await world.fake.press_button(
        world.checker, listing, following["custom_id"], force=True
    )
    refusal = await intruder.reply()
    assert refusal.ephemeral and "Only the member who asked" in refusal.content
    assert listing.embed["footer"]["text"].startswith(f"Page 2/{pages}")


async def test_unanswered_and_attach_teach_the_bot_a_question(
    world: World, bot: FactBot, service: FactService
) -> None:
    fact_id = add_fact(service, world.guild, ZEBRA_STATEMENT, (ZEBRA_QUESTION,))
    await world.ask(OFF_TOPIC)
    await counted(world, service, OFF_TOPIC, world.guild.id)
    listed = await world.fact("unanswered")
    assert listed.ephemeral and OFF_TOPIC in listed.text()

    choices = await world.fake.autocomplete(
        world.mod, world.general, "fact attach", "question", "mercury", fact_id=fact_id
    )
    assert [c["value"] for c in choices] == [OFF_TOPIC]

    attached = await world.fact("attach", fact_id=fact_id, question=OFF_TOPIC)
    assert attached.ephemeral and f"`{fact_id}`" in attached.content
    assert OFF_TOPIC in service.get_fact(fact_id, world.guild.id).questions
    assert OFF_TOPIC not in [row.question for row in service.unanswered(world.guild.id)]
    answer = await world.ask(OFF_TOPIC)
    assert answer.embed is not None and answer.embed["description"] == ZEBRA_STATEMENT


async def test_moderator_autocomplete_shows_nothing_to_members(
    world: World, bot: FactBot, service: FactService
) -> None:
    fact_id = add_fact(service, world.guild, ZEBRA_STATEMENT, (ZEBRA_QUESTION,))
    for_mod = await world.fake.autocomplete(world.mod, world.general, "fact show", "fact_id", "zeb")
    assert [c["value"] for c in for_mod] == [fact_id]
    for_alice = await world.fake.autocomplete(
        world.alice, world.general, "fact show", "fact_id", "zeb", force=True
    )
    assert for_alice == []


# -- 9. export and import ---------------------------------------------------------------


async def test_export_sends_a_json_lines_attachment(
    world: World, bot: FactBot, service: FactService
) -> None:
    fact_id = add_fact(service, world.guild, ZEBRA_STATEMENT, (ZEBRA_QUESTION,))
    handle = await world.fact_handle("export")
    assert (await handle.response()).type == 5
    reply = await handle.reply()
    assert reply.ephemeral
    data = reply.attachment("facts.jsonl").data.decode("utf-8")
    records = [json.loads(line) for line in data.splitlines()]
    assert [r["id"] for r in records] == [fact_id]
    assert records[0]["statement"] == ZEBRA_STATEMENT
    assert records[0]["questions"] == [ZEBRA_QUESTION]


async def test_import_adds_facts_from_a_good_file(
    world: World, bot: FactBot, service: FactService
) -> None:
    records = [
        {
            "id": "zebra-parade",
            "statement": ZEBRA_STATEMENT,
            "source": "AFP",
            "questions": [ZEBRA_QUESTION],
            "date": "2024-11-30",
        },
        {
            "id": "giraffe-parade",
            "statement": "A giraffe parade followed the zebras.",
            "source": "Syrian Observatory for Human Rights",
            "questions": ["Did giraffes parade after the zebras?"],
        },
    ]
    handle = await world.fact_handle("import", file=Upload("facts.jsonl", jsonl(records)))
    assert (await handle.response()).type == 5
    reply = await handle.reply()
    assert reply.ephemeral and "2 added, 0 updated, 0 unchanged" in reply.content
    assert service.get_fact("giraffe-parade", world.guild.id).source == "sohr"
    answer = await world.ask(ZEBRA_QUESTION)
    assert answer.embed is not None and answer.embed["description"] == ZEBRA_STATEMENT


async def test_import_of_a_bad_file_names_the_lines_and_writes_nothing(
    world: World, bot: FactBot, service: FactService
) -> None:
    good = {
        "id": "zebra-parade",
        "statement": ZEBRA_STATEMENT,
        "source": "AFP",
        "questions": [ZEBRA_QUESTION],
    }
    content = jsonl([good]) + b"{not json\n" + jsonl([{"id": "no-statement", "source": "AFP"}])
    audits = last_change(service.store)
    reply = await world.fact("import", file=Upload("facts.jsonl", content))
    assert reply.ephemeral and "didn't work" in reply.content
    assert "line 2" in reply.content and "line 3" in reply.content
    assert "line 1" not in reply.content
    assert last_change(service.store) == audits
    assert service.export_jsonl(world.guild.id) == ""


# -- 10. nobody is pinged ---------------------------------------------------------------


async def test_no_message_ever_pings_anyone(
    fake: FakeDiscord, world: World, bot: FactBot, service: FactService
) -> None:
    role = world.guild.role("Moderators")
    pings = f"@everyone @here {role.mention} {world.alice.user.mention}"
    statement = f"Organisers told {pings} to gather at the zebra parade."
    added = await world.fact(
        "add", statement=statement, source="AFP", questions=f"Who was told to gather? {pings}"
    )
    fact_id = service.list_facts(world.guild.id)[-1].id
    assert fact_id in added.content

    answer = await world.ask(f"Who was told to gather? {pings}")  # the statement pings
    assert answer.embed is not None
    description = answer.embed["description"]  # shown with its mentions defused too
    assert "Organisers told @\u200beveryone" in description and "@everyone" not in description
    title = answer.embed["title"]  # the question, echoed, with its mentions defused
    assert "@\u200beveryone" in title and "@everyone" not in title
    assert f"<@\u200b&{role.id}>" in title
    await world.ask(f"{pings} {OFF_TOPIC}")  # unknown
    unsure = find_ambiguous(service, world.guild.id)
    suggestion = await world.ask(f"{unsure.question} {pings}", world.checker)
    await world.fact("show", fact_id=fact_id)
    await world.fact("history", fact_id=fact_id)
    await world.fact("unanswered")
    await world.fake.post_message(world.mod, world.general, f"Who was told to gather? {pings}")
    await world.fake.wait_for_message(world.general)
    if suggestion.buttons():
        click = await world.fake.press_button(
            world.checker, suggestion, suggestion.buttons()[0]["custom_id"]
        )
        await click.reply()

    payloads = message_payloads(fake)
    assert len(payloads) >= 8
    for payload in payloads:
        assert_pings_no_one(payload)
    for message in fake.bot_messages():
        assert message.mentions == [] and message.mention_roles == []
        assert not message.mention_everyone


# -- 11. guild isolation ----------------------------------------------------------------


async def test_a_guild_fact_never_answers_in_another_guild(
    fake: FakeDiscord, world: World, bot: FactBot, service: FactService
) -> None:
    other = fake.add_guild("Elsewhere")
    bob = fake.add_member(other, "bob", roles=[fake.add_role(other, "Admins", MANAGE_GUILD)])
    elsewhere = other.channel("general")
    await fake.wait_until(lambda: bot.get_guild(other.id) is not None, 5, "the second guild")

    await world.fact("add", statement=ZEBRA_STATEMENT, source="AFP", questions=ZEBRA_QUESTION)
    (fact,) = [f for f in service.list_facts(world.guild.id) if f.statement == ZEBRA_STATEMENT]
    here = await world.ask(ZEBRA_QUESTION)
    assert ZEBRA_STATEMENT in here.text()

    there = await (await fake.slash(bob, elsewhere, "ask", question=ZEBRA_QUESTION)).reply()
    assert ZEBRA_STATEMENT not in there.text()
    for button in there.buttons():
        assert fact.id not in button["custom_id"]
    shown = await (await fake.slash(bob, elsewhere, "fact show", fact_id=fact.id)).reply()
    assert "No fact with id" in shown.content
    exported = await (await fake.slash(bob, elsewhere, "fact export")).reply()
    assert exported.attachment("facts.jsonl").data == b""


# -- cooldown, about, sources, errors ---------------------------------------------------


async def test_asking_too_fast_gets_a_polite_notice_on_every_path(
    world: World, bot: FactBot
) -> None:
    for _ in range(bot.settings.ask_rate):
        reply = await world.ask(ANSWERABLE)
        assert reply.embed is not None
    notice = await world.ask(ANSWERABLE)
    assert notice.ephemeral and re.search(r"Try again in \d+ s", notice.content)
    posted = await world.fake.post_message(world.alice, world.general, ANSWERABLE)
    reply = await world.fake.wait_for_message(world.general)
    assert reply.referenced is posted and "Try again in" in reply.content
    other = await world.ask(ANSWERABLE, world.checker)  # the limit is per user
    assert other.embed is not None


async def test_about_says_what_the_bot_knows_and_since_when(
    world: World, bot: FactBot, service: FactService
) -> None:
    about = service.about(world.guild.id)
    reply = await (await world.fake.slash(world.alice, world.general, "about")).reply()
    assert reply.ephemeral and reply.embed is not None
    assert reply.embed["title"] == about.title
    fields = {f["name"]: f["value"] for f in reply.embed["fields"]}
    assert fields["Outlet"] == "AFP"
    assert fields["Date"] == "30 November 2024"
    assert fields["Facts"] == str(about.fact_count)
    for source, count in about.sources:
        assert f"{source.name} ({count})" in fields["Sources"]
    assert "moved on" in fields["Keep in mind"]
    helped = await (await world.fake.slash(world.alice, world.general, "help")).reply()
    assert "/ask" in helped.content and "/fact add" in helped.content
    assert "ask about the rebel offensive on Aleppo" in helped.content


async def test_sources_lists_counts_and_one_sources_facts(
    world: World, bot: FactBot, service: FactService
) -> None:
    listing = await (await world.fake.slash(world.alice, world.general, "sources")).reply()
    assert listing.embed is not None
    for source, count in service.source_counts(world.guild.id):
        assert f"**{source.name}** — {count} fact(s)" in listing.embed["description"]

    one = await (await world.fake.slash(world.alice, world.general, "sources", name="SOHR")).reply()
    assert one.embed is not None
    assert one.embed["title"] == "What Syrian Observatory for Human Rights said"
    for fact in service.list_facts(world.guild.id, source="sohr"):
        assert fact.statement in one.embed["description"]

    unknown = await (
        await world.fake.slash(world.alice, world.general, "sources", name="Nobody")
    ).reply()
    assert unknown.ephemeral and "not a known source" in unknown.content


async def test_unexpected_error_gets_an_apology_with_an_id_that_is_logged(
    world: World, bot: FactBot, service: FactService, errors: ErrorCapture, monkeypatch: Any
) -> None:
    def broken(guild_id: int = GLOBAL) -> Any:
        raise RuntimeError("the about page is on fire")

    monkeypatch.setattr(service, "about", broken)
    errors.allow("Unexpected error")
    reply = await (await world.fake.slash(world.alice, world.general, "about")).reply()
    assert reply.ephemeral and "Sorry" in reply.content
    match = re.search(r"error id `([0-9a-f]{8})`", reply.content)
    assert match is not None
    (logged,) = errors.allowed
    assert match.group(1) in logged.message and "/about" in logged.message
    assert isinstance(logged.exception, RuntimeError)


# -- 12 and the command line: the whole process -------------------------------------------


def bot_env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "FACTBOT_")) and k != "LOG_LEVEL"
    }
    env.update(values)
    return env


def fake_env(
    fake: FakeDiscord,
    tmp_path: Path,
    *,
    token: str = TOKEN,
    db: str = "process.db",
    **settings: str,
) -> dict[str, str]:
    """The settings of a bot process that talks to `fake`, with its own database."""
    return bot_env(
        tmp_path,
        DISCORD_TOKEN=token,
        FACTBOT_DB=str(tmp_path / db),
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        **settings,
    )


async def start_process(
    env: dict[str, str], cwd: Path, command: str = "run"
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        command,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@asynccontextmanager
async def running_process(
    env: dict[str, str], cwd: Path, command: str = "run"
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot COMMAND`, killed on the way out if the test left it running."""
    process = await start_process(env, cwd, command)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
async def test_whole_process_answers_and_stops_cleanly_on_a_signal(
    fake: FakeDiscord,
    world: World,
    service: FactService,
    tmp_path: Path,
    stop_signal: signal.Signals,
) -> None:
    expected = answered(service, ANSWERABLE, world.guild.id).answers[0]
    database = tmp_path / "process.db"
    env = fake_env(fake, tmp_path, LOG_LEVEL="INFO")
    async with running_process(env, tmp_path) as process:
        await fake.wait_until_connected(timeout=20)
        reply = await world.ask(ANSWERABLE)
        assert reply.embed is not None and reply.embed["description"] == expected.text
        await world.ask(OFF_TOPIC)
        process.send_signal(stop_signal)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 15)
    log = (stdout + stderr).decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log and TOKEN not in log
    assert "Synced 5 command(s) globally" in log
    assert "\x1b[" not in log  # stderr is a pipe: no colour codes, even in a container
    assert not fake.connected
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("select count(*) from facts").fetchone()[0] > 0
    reopened = FactService.open(database)
    try:
        assert OFF_TOPIC in [row.question for row in reopened.unanswered(world.guild.id)]
    finally:
        reopened.close()


async def run_process(env: dict[str, str], cwd: Path, command: str) -> tuple[int, str, str]:
    """Run `python -m bot COMMAND` to its end (without blocking the fake's event loop)."""
    process = await start_process(env, cwd, command)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_a_rejected_token_is_one_line_and_exit_2(
    fake: FakeDiscord, world: World, tmp_path: Path, command: str
) -> None:
    wrong = "MTExMTExMTExMTExMTExMTEx.V3Jvbmc.bm90LXRoZS1yaWdodC1zaWduYXR1cmU"  # well formed
    env = fake_env(fake, tmp_path, token=wrong, db="f.db", LOG_LEVEL="WARNING")
    code, stdout, stderr = await run_process(env, tmp_path, command)
    output = stdout + stderr
    assert code == 2, output
    assert [r.status for r in fake.find_requests("GET", "/users/@me")] == [401]
    (line,) = output.strip().splitlines()
    assert line.startswith("Error: the token was refused") and "DISCORD_TOKEN" in line
    assert wrong not in output


@pytest.mark.parametrize("wrong", ["abc", "not-a-token", "MTEx.V3Jvbmc"])
async def test_a_token_of_the_wrong_shape_stops_before_calling_discord(
    fake: FakeDiscord, tmp_path: Path, wrong: str
) -> None:
    env = fake_env(fake, tmp_path, token=wrong, db="f.db")
    code, stdout, stderr = await run_process(env, tmp_path, "run")
    assert code == 2, stdout + stderr
    (line,) = (stdout + stderr).strip().splitlines()
    assert line.startswith("Error: DISCORD_TOKEN is malformed") and wrong not in line
    assert fake.requests == []


async def test_sync_command_syncs_over_http_and_later_starts_skip_the_sync(
    fake: FakeDiscord, world: World, tmp_path: Path, errors: ErrorCapture
) -> None:
    database = tmp_path / "process.db"
    env = fake_env(fake, tmp_path, FACTBOT_MOD_ROLE=str(world.checkers.id))
    code, stdout, stderr = await run_process(env, tmp_path, "sync")
    assert code == 0, stderr
    assert stdout.splitlines() == ["synced 5 commands globally"] and stderr == ""
    assert len(command_syncs(fake)) == 1
    assert {c["name"] for c in fake.commands()} == COMMAND_NAMES
    assert fake.identify_payload is None  # REST only: no gateway connection
    # The same settings and database: the bot finds the tree already synced...
    service = FactService.open(database)
    try:
        async with running_bot(fake, make_bot(world, service, database)):
            pass
    finally:
        service.close()
    assert len(command_syncs(fake)) == 1
    # ...and `sync` syncs all the same.
    code, stdout, stderr = await run_process(env, tmp_path, "sync")
    assert code == 0, stderr
    assert len(command_syncs(fake)) == 2


def test_missing_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=bot_env(tmp_path, FACTBOT_DB=str(tmp_path / "f.db")),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert completed.returncode == 2
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in completed.stderr
