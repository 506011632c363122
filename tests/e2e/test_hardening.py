"""Failures found by probing the running bot, each reproduced through the fake Discord or a
real `python -m bot run`: a database another process holds, forms opened at once, moderator
text that renders as markdown, a large export, fatal gateway closes, secrets in debug logs.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.discordbot.client import FactBot
from bot.discordbot.forms import NOT_OPEN, NOT_YOURS
from bot.drafts import FactDraft
from bot.models import Fact
from bot.service import FactService
from tests.e2e.conftest import TOKEN, World, jsonl, make_bot
from tests.e2e.test_scenarios import (
    ANSWERABLE,
    OFF_TOPIC,
    ZEBRA_QUESTION,
    ZEBRA_STATEMENT,
    fake_env,
    running_process,
)
from tests.fakediscord import ErrorCapture, FakeDiscord, InteractionHandle, Upload, running_bot
from tests.helpers import last_change

pytestmark = pytest.mark.e2e

# Far longer than Discord's 3 s to answer: a reply arriving at all means it did not wait.
PATIENCE = 30.0
GIRAFFE_STATEMENT = "A giraffe parade followed the zebras through the old souk."
GIRAFFE_QUESTION = "Did giraffes parade through the old souk?"


@contextmanager
def write_lock_held(db_path: Path) -> Iterator[None]:
    """Another process's write transaction (the CLI, a backup tool) on the bot's database."""
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def facts_stated(service: FactService, guild_id: int, statement: str) -> list[Fact]:
    return [f for f in service.list_facts(guild_id) if f.statement == statement]


def shown(handle: InteractionHandle) -> list[str]:
    """The contents of the messages the interaction shows so far ("thinking…" aside)."""
    return [m.content for m in handle.messages if not m.loading]


# -- 1. the event loop never waits on SQLite ----------------------------------------------


async def test_answers_come_while_another_process_holds_the_write_lock(
    world: World, bot: FactBot, service: FactService, db_path: Path
) -> None:
    with write_lock_held(db_path):
        # An unanswered question is counted, a write: it used to block the event loop
        # until SQLite gave up, and every interaction sent meanwhile expired.
        unknown = await world.fake.slash(world.alice, world.general, "ask", question=OFF_TOPIC)
        known = await world.fake.slash(world.checker, world.general, "ask", question=ANSWERABLE)
        about = await world.fake.slash(world.alice, world.general, "about")
        assert "doesn't say" in (await unknown.reply(PATIENCE)).content
        assert (await known.reply(PATIENCE)).embed is not None
        assert (await about.reply(PATIENCE)).embed is not None

        # A moderator's write waits for the lock, deferred, and holds up no answer.
        write = await world.fact_handle(
            "add", statement=ZEBRA_STATEMENT, source="AFP", questions=ZEBRA_QUESTION
        )
        assert (await write.response(PATIENCE)).type == 5
        again = await world.fake.slash(world.alice, world.general, "ask", question=ANSWERABLE)
        assert (await again.reply(PATIENCE)).embed is not None
        assert shown(write) == []  # answered while the write still waits
        assert facts_stated(service, world.guild.id, ZEBRA_STATEMENT) == []
    added = await write.reply(PATIENCE)
    assert added.content.startswith("Added"), added.content
    assert len(facts_stated(service, world.guild.id, ZEBRA_STATEMENT)) == 1
    await world.fake.wait_until(
        lambda: OFF_TOPIC in [row.question for row in service.unanswered(world.guild.id)],
        PATIENCE,
        "the unanswered question to be counted once the lock is released",
    )


async def test_a_write_that_cannot_get_the_lock_says_so_and_the_answer_still_comes(
    fake: FakeDiscord, world: World, service: FactService, db_path: Path, errors: ErrorCapture
) -> None:
    async with running_bot(fake, make_bot(world, service, db_path, write_wait=0.2)):
        audits = last_change(service.store)
        with write_lock_held(db_path):
            write = await world.fact_handle(
                "add", statement=ZEBRA_STATEMENT, source="AFP", questions=ZEBRA_QUESTION
            )
            refused = await write.reply(PATIENCE)
            unknown = await world.ask(OFF_TOPIC)  # its count is lost, not its answer
        assert refused.ephemeral and "database is busy" in refused.content
        assert "Nothing was changed" in refused.content and "Sorry" not in refused.content
        assert "doesn't say" in unknown.content
        assert last_change(service.store) == audits
        assert facts_stated(service, world.guild.id, ZEBRA_STATEMENT) == []


# -- 2. every /fact new form is its own ---------------------------------------------------


def form_values(statement: str, question: str) -> dict[str, str]:
    return {
        "factbot:new:statement": statement,
        "factbot:new:source": "AFP",
        "factbot:new:questions": question,
    }


async def test_two_moderators_with_forms_open_at_once_both_add_their_fact(
    world: World, bot: FactBot, service: FactService
) -> None:
    first = await world.fact_handle("new")
    second = await world.fact_handle("new", world.checker)
    first_form, second_form = await first.modal_opened(), await second.modal_opened()
    assert first_form["custom_id"] != second_form["custom_id"]

    mine = await world.fake.submit_modal(
        world.mod, first, form_values(ZEBRA_STATEMENT, ZEBRA_QUESTION)
    )
    theirs = await world.fake.submit_modal(
        world.checker, second, form_values(GIRAFFE_STATEMENT, GIRAFFE_QUESTION)
    )
    assert (await mine.reply()).content.startswith("Added")
    assert (await theirs.reply()).content.startswith("Added")
    (zebra,) = facts_stated(service, world.guild.id, ZEBRA_STATEMENT)
    (giraffe,) = facts_stated(service, world.guild.id, GIRAFFE_STATEMENT)
    assert service.history(zebra.id, world.guild.id)[0].actor == f"discord:{world.mod.id}"
    assert service.history(giraffe.id, world.guild.id)[0].actor == f"discord:{world.checker.id}"


async def test_a_form_opened_for_someone_else_is_refused(
    world: World, bot: FactBot, service: FactService
) -> None:
    opened = await world.fact_handle("new")
    values = form_values(ZEBRA_STATEMENT, ZEBRA_QUESTION)
    other = await world.fake.submit_modal(world.checker, opened, values, force=True)
    refusal = await other.reply()
    assert refusal.ephemeral and refusal.content == NOT_YOURS
    assert facts_stated(service, world.guild.id, ZEBRA_STATEMENT) == []
    # The form is still its moderator's to submit.
    own = await world.fake.submit_modal(world.mod, opened, values)
    assert (await own.reply()).content.startswith("Added")
    (fact,) = facts_stated(service, world.guild.id, ZEBRA_STATEMENT)
    assert service.history(fact.id, world.guild.id)[0].actor == f"discord:{world.mod.id}"


@pytest.mark.parametrize(
    "custom_id", ["factbot:new", "factbot:new:0123456789abcdef"], ids=["old", "forged"]
)
async def test_a_submit_for_a_form_never_opened_or_already_used_is_refused(
    world: World, bot: FactBot, service: FactService, custom_id: str
) -> None:
    audits = last_change(service.store)
    opened = await world.fact_handle("new")
    values = form_values(ZEBRA_STATEMENT, ZEBRA_QUESTION)
    forged = await world.fake.submit_modal(
        world.mod, opened, values, force=True, custom_id=custom_id
    )
    refusal = await forged.reply()
    assert refusal.ephemeral and refusal.content == NOT_OPEN
    assert last_change(service.store) == audits

    assert (await (await world.fake.submit_modal(world.mod, opened, values)).reply()).content
    audits = last_change(service.store)
    twice = await world.fake.submit_modal(world.mod, opened, form_values("Again.", "Again?"))
    assert (await twice.reply()).content == NOT_OPEN
    assert last_change(service.store) == audits


# -- 3. moderators' text shows as written, never as markdown ------------------------------

DISGUISED_SOURCE = "[AFP](https://evil.example)"
DISGUISED_STATEMENT = "The [official UN report](https://evil.example/x) counted **zebras**."
DISGUISED_OUTLET = "[Reuters](https://evil.example/r)"
DISGUISED_QUOTE = "read [the report](https://evil.example/q) @everyone"


def assert_shown_as_written(text: str) -> None:
    """No masked link survives (the escaped form shows the brackets and the address)."""
    assert "](" not in text, text
    assert "**zebras**" not in text and "@everyone" not in text, text


async def test_moderator_text_is_escaped_wherever_it_is_shown(
    world: World, bot: FactBot, service: FactService
) -> None:
    created = await world.fact("source", name=DISGUISED_SOURCE)
    assert created.content.startswith("Added source"), created.content
    added = await world.fact(
        "add",
        statement=DISGUISED_STATEMENT,
        source=DISGUISED_SOURCE,
        questions=ZEBRA_QUESTION,
        reported_by=DISGUISED_OUTLET,
        quote=DISGUISED_QUOTE,
    )
    assert added.content.startswith("Added"), added.content
    (fact,) = facts_stated(service, world.guild.id, DISGUISED_STATEMENT)

    answer = await world.ask(ZEBRA_QUESTION)
    shown_fact = await world.fact("show", fact_id=fact.id)
    sources = await (await world.fake.slash(world.alice, world.general, "sources")).reply()
    one_source = await (
        await world.fake.slash(world.alice, world.general, "sources", name=DISGUISED_SOURCE)
    ).reply()
    about = await (await world.fake.slash(world.alice, world.general, "about")).reply()
    listed = await world.fact("list", source=DISGUISED_SOURCE)

    for message in (added, answer, shown_fact, sources, one_source, about, listed):
        assert_shown_as_written(message.text())
    # Still readable: the brackets, the address, the words.
    for message in (added, answer, shown_fact, sources, one_source, about):
        assert "[AFP]\u200b(https://evil.example)" in message.text()
    for message in (added, answer, shown_fact, one_source, listed):
        assert "official UN report" in message.text() and "\\*\\*zebras\\*\\*" in message.text()
    for message in (answer, shown_fact):
        assert "Reuters" in message.text() and "the report" in message.text()
        assert "@\u200beveryone" in message.text()


# -- 4. an export too large for one upload ------------------------------------------------


def add_many_facts(service: FactService, guild_id: int, count: int) -> None:
    for n in range(count):
        words = "-".join(f"w{n}x{k}" for k in range(3))
        service.add_fact(
            FactDraft(
                statement=f"Zebra parade number {n} ({words}) crossed the citadel square.",
                source="AFP",
                questions=(f"Did zebra parade {words} cross the square?",),
                quote=f"zebras of parade {n} everywhere",
            ),
            guild_id=guild_id,
            actor="test",
        )


async def test_a_large_export_is_compressed_and_imports_as_it_is(
    world: World, bot: FactBot, service: FactService
) -> None:
    add_many_facts(service, world.guild.id, 40)
    exported = service.export_jsonl(world.guild.id).encode()
    packed_size = len(gzip.compress(exported))
    world.fake.settings.attachment_size_limit = (len(exported) + packed_size) // 2
    assert packed_size < world.fake.settings.attachment_size_limit < len(exported)

    reply = await world.fact("export")
    assert reply.ephemeral and "gzip" in reply.content and "Sorry" not in reply.content
    (attachment,) = reply.attachments
    assert attachment.filename == "facts.jsonl.gz"
    assert gzip.decompress(attachment.data) == exported

    handle = await world.fact_handle("import", file=Upload("facts.jsonl.gz", attachment.data))
    imported = await handle.reply()
    assert "0 added, 0 updated, 40 unchanged" in imported.content, imported.content


async def test_an_export_too_large_even_compressed_points_to_the_shell(
    world: World, bot: FactBot, service: FactService
) -> None:
    add_many_facts(service, world.guild.id, 5)
    world.fake.settings.attachment_size_limit = 100
    reply = await world.fact("export")
    assert reply.ephemeral and reply.attachments == []
    assert f"python -m bot --guild {world.guild.id} facts export" in reply.content
    assert "Sorry" not in reply.content


async def test_a_damaged_gzip_import_is_refused_in_one_line(
    world: World, bot: FactBot, service: FactService
) -> None:
    audits = last_change(service.store)
    damaged = gzip.compress(jsonl([{"id": "zebra"}]))[:-12]
    reply = await world.fact("import", file=Upload("facts.jsonl.gz", damaged))
    assert reply.ephemeral and "damaged gzip file" in reply.content
    assert last_change(service.store) == audits


# -- 5. a fatal gateway close mid-run -----------------------------------------------------

FATAL_CLOSE_WORDS = {
    4004: "token was reset or is wrong",
    4010: "invalid shard",
    4011: "sharding required",
    4012: "invalid API version",
    4013: "invalid intents",
    4014: "privileged intents not enabled",
}


@pytest.mark.parametrize("code", sorted(FATAL_CLOSE_WORDS))
async def test_a_fatal_gateway_close_mid_run_is_one_line_and_exit_2(
    fake: FakeDiscord, world: World, tmp_path: Path, code: int
) -> None:
    env = fake_env(fake, tmp_path, LOG_LEVEL="WARNING")
    async with running_process(env, tmp_path) as process:
        await fake.wait_until_connected(timeout=PATIENCE)
        await fake.close_gateway(code, "Closed by the test")
        stdout, stderr = await asyncio.wait_for(process.communicate(), PATIENCE)
    output = (stdout + stderr).decode()
    assert process.returncode == 2, output
    assert "Traceback" not in output
    (line,) = output.strip().splitlines()
    assert line.startswith("Error: Discord closed the gateway connection: ")
    assert FATAL_CLOSE_WORDS[code] in line and TOKEN not in line


# -- 6. no interaction token in the logs, at any level ------------------------------------


async def test_debug_logs_show_no_interaction_or_webhook_token(
    fake: FakeDiscord, world: World, tmp_path: Path
) -> None:
    env = fake_env(fake, tmp_path, LOG_LEVEL="DEBUG")
    async with running_process(env, tmp_path) as process:
        await fake.wait_until_connected(timeout=PATIENCE)
        asked = await world.fake.slash(world.alice, world.general, "ask", question=ANSWERABLE)
        await asked.reply(PATIENCE)
        # A deferred reply goes to the interaction's webhook.
        listed = await world.fact_handle("list")
        await listed.reply(PATIENCE)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), PATIENCE)
    log = (stdout + stderr).decode()
    assert process.returncode == 0, log[-2000:]
    # The lines are there, with what they said, only the tokens are not.
    assert re.search(r"/interactions/\d+/\[token\]/callback", log), log[-2000:]
    assert re.search(r"/webhooks/\d+/\[token\]", log)
    assert "INTERACTION_CREATE" in log
    for handle in (asked, listed):
        assert handle.token not in log
    assert TOKEN not in log
