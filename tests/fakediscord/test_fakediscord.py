"""The fake Discord itself, proven with a small real discord.py bot defined here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
import pytest

from tests.fakediscord import (
    CommandNotAvailable,
    ErrorCapture,
    FakeDiscord,
    Guild,
    InvalidInput,
    Member,
    Upload,
    capture_errors,
    running_bot,
)
from tests.fakediscord.harness_bot import FastShardedBot, HarnessBot
from tests.fakediscord.models import Channel

pytestmark = pytest.mark.e2e

TOKEN = "harness-token"
MANAGE_GUILD = discord.Permissions(manage_guild=True).value


# --- fixtures -------------------------------------------------------------------------


@dataclass
class World:
    guild: Guild
    general: Channel
    alice: Member
    mod: Member


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, heartbeat_interval=0.5) as server:
        yield server


def make_world(fake: FakeDiscord) -> World:
    guild = fake.add_guild("Harness")
    moderators = fake.add_role(guild, "Moderators", MANAGE_GUILD)
    return World(
        guild=guild,
        general=guild.channel("general"),
        alice=fake.add_member(guild, "alice"),
        mod=fake.add_member(guild, "mod", roles=[moderators]),
    )


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    return make_world(fake)


@pytest.fixture
async def errors() -> AsyncIterator[ErrorCapture]:
    with capture_errors() as capture:
        yield capture


@pytest.fixture
async def bot(fake: FakeDiscord, world: World, errors: ErrorCapture) -> AsyncIterator[HarnessBot]:
    async with running_bot(fake, HarnessBot(world.guild.id)) as client:
        yield client


# --- connection -----------------------------------------------------------------------


async def test_login_gateway_and_registration(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    await fake.wait_until_connected(timeout=1)
    assert fake.connected and bot.is_ready() and bot.ready_events == 1
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.application_id
    login = fake.find_requests("GET", "/users/@me")[0]
    assert login.authorization == f"Bot {TOKEN}"
    identify = fake.identify_payload
    assert identify is not None and identify["token"] == TOKEN
    assert fake.intents == bot.intents.value
    assert fake.gateway_queries[0] == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert [c.compress for c in fake.connections] == ["zlib-stream"]  # binary, deflated frames
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Harness"
    assert {c.name for c in guild.text_channels} == {"general"}
    assert guild.me is not None and guild.me.guild_permissions.send_messages
    names = sorted(c["name"] for c in fake.commands(world.guild))
    assert names == [
        "ask",
        "boom",
        "fact",
        "feedback",
        "lifecycle",
        "long",
        "pick",
        "slow",
        "typed",
        "upload",
        "whisper",
    ]
    assert fake.commands() == []
    assert fake.command("fact", world.guild)["default_member_permissions"] == str(MANAGE_GUILD)
    # one on HELLO, then one every heartbeat_interval, each answered with op 11
    await fake.wait_until(lambda: sum(c.heartbeats for c in fake.connections) >= 2, 3.0)
    assert bot.latency < 1
    assert fake.unhandled_requests == []


async def test_bad_token_is_refused(fake: FakeDiscord, world: World) -> None:
    with pytest.raises(discord.LoginFailure):
        async with running_bot(fake, HarnessBot(world.guild.id), token="wrong"):
            pass
    assert fake.find_requests("GET", "/users/@me")[0].status == 401


async def test_disallowed_privileged_intent_closes_4014() -> None:
    async with FakeDiscord(token=TOKEN, privileged_intents=0) as strict:
        world = make_world(strict)
        client = HarnessBot(world.guild.id, intents=discord.Intents.default() | _content())
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running_bot(strict, client):
                pass


def _content() -> discord.Intents:
    intents = discord.Intents.none()
    intents.message_content = True
    return intents


# --- slash commands, components, modals -----------------------------------------------


async def test_slash_with_embed_and_button(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    handle = await fake.slash(world.alice, world.general, "ask", question="Is there water?")
    response = await handle.response()
    assert response.type == 4 and not handle.ephemeral and not handle.deferred
    message = await handle.reply()
    assert message.embed is not None
    assert message.embed["title"] == "Answer"
    assert message.embed["description"] == "You asked: Is there water?"
    assert message.embed["fields"] == [{"name": "Source", "value": "AFP", "inline": True}]
    assert "AFP" in message.text()
    assert [b["label"] for b in message.buttons()] == ["More", "Close"]
    assert message.interaction_metadata is not None
    assert message.interaction_metadata["user"]["id"] == str(world.alice.id)

    click = await fake.press_button(world.alice, message, "ask:more")
    more = await click.reply()
    assert more.content == "More details" and more.ephemeral and click.ephemeral

    close = await fake.press_button(world.mod, message, "ask:close")
    assert (await close.response()).type == 6
    closed = await close.wait_until(lambda h: h.final_message().revision and h.final_message())
    assert closed is message and message.content == "Closed"
    assert message.embeds == [] and message.components == []
    with pytest.raises(InvalidInput):
        await fake.press_button(world.alice, message, "ask:more")


async def test_group_subcommand_hidden_without_permission(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    with pytest.raises(CommandNotAvailable):
        await fake.slash(world.alice, world.general, "fact add", statement="s", source="AFP")
    forced = await fake.slash(
        world.alice, world.general, "fact add", statement="s", source="AFP", force=True
    )
    refusal = await forced.reply()
    assert refusal.content == "You may not do that." and refusal.ephemeral


async def test_deferred_followup_with_file(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    handle = await fake.slash(
        world.mod, world.general, "fact add", statement="Water is back.", source="AFP"
    )
    assert (await handle.response()).type == 5
    followups = await handle.followups(1)
    final = handle.final_message()
    assert followups == [final] and final is handle.original  # filled in the deferred message
    assert final.content == "Added: Water is back." and final.ephemeral and not final.loading
    attachment = final.attachment("fact.txt")
    assert attachment.data == b"Water is back.\n-- AFP\n"
    assert attachment.content_type == "text/plain; charset=utf-8"
    request = await fake.wait_for_request("POST", r"/webhooks/\d+/[^/]+")
    assert request.multipart and request.files[0].filename == "fact.txt"
    assert request.json["attachments"] == [{"id": 0, "filename": "fact.txt"}]


async def test_autocomplete(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    choices = await fake.autocomplete(world.alice, world.general, "ask", "question", "cl")
    assert choices == [{"name": "Road Closures", "value": "road closures"}]
    assert await fake.autocomplete(world.alice, world.general, "ask", "question", "zzz") == []


async def test_modal(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    handle = await fake.slash(world.alice, world.general, "feedback")
    modal = await handle.modal_opened()
    assert modal["title"] == "Feedback"
    assert [c["type"] for c in modal["components"]] == [1, 18, 18]
    with pytest.raises(InvalidInput):
        await fake.submit_modal(
            world.alice, handle, {"feedback:comment": "x" * 201, "feedback:topic": ["weather"]}
        )
    with pytest.raises(InvalidInput):  # the topic select is required
        await fake.submit_modal(world.alice, handle, {"feedback:comment": "Useful"})
    submitted = await fake.submit_modal(
        world.alice, handle, {"feedback:comment": "Useful", "feedback:topic": ["weather"]}
    )
    reply = await submitted.reply()
    assert reply.content == "Thanks: Useful (anonymous) on weather" and reply.ephemeral


async def test_typed_options(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    moderators = world.guild.role("Moderators")
    handle = await fake.slash(
        world.alice,
        world.general,
        "typed",
        number=3,
        flag=True,
        user=world.mod,
        role=moderators,
        channel=world.general,
    )
    assert (await handle.reply()).content == "3 True mod Moderators general 0.5"
    with pytest.raises(InvalidInput):
        await fake.slash(world.alice, world.general, "typed", number=11, flag=True)
    with pytest.raises(InvalidInput):
        await fake.slash(world.alice, world.general, "typed", number="3")


async def test_attachment_option(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    handle = await fake.slash(
        world.alice, world.general, "upload", file=Upload("notes.txt", b"hello there")
    )
    reply = await handle.reply()
    assert reply.content == "notes.txt: 11 bytes: hello there"
    assert reply.attachment("echo-notes.txt").data == b"HELLO THERE"
    assert fake.find_requests("GET", r"/attachments/.*")[0].status == 200


async def test_select_updates_message(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    handle = await fake.slash(world.alice, world.general, "pick")
    message = await handle.reply()
    with pytest.raises(InvalidInput):
        await fake.select(world.alice, message, "pick:topic", ["not a topic"])
    chosen = await fake.select(world.alice, message, "pick:topic", ["weather", "power cuts"])
    assert (await chosen.response()).type == 7
    updated = chosen.final_message()
    assert updated is message
    assert updated.content == "Picked weather, power cuts" and updated.components == []
    assert updated.edited_timestamp is not None


async def test_edit_followup_delete(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    handle = await fake.slash(world.alice, world.general, "lifecycle")
    followups = await handle.followups(2)
    assert handle.original is not None and handle.original.content == "edited"
    assert [m.content for m in followups] == ["extra", "kept"]
    assert followups[0].deleted and followups[1].ephemeral
    assert [m.content for m in handle.messages] == ["edited", "kept"]
    assert handle.final_message().content == "kept"


# --- messages -------------------------------------------------------------------------


async def test_mention_gets_a_reply(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    posted = await fake.post_message(world.alice, world.general, "is the road open?")
    assert posted.content == f"<@{fake.bot_user.id}> is the road open?"
    request = await fake.wait_for_request("POST", r"/channels/\d+/messages")
    assert int(request.json["message_reference"]["message_id"]) == posted.id
    assert request.json["allowed_mentions"]["replied_user"] is False
    reply = await fake.wait_for_message(world.general)
    assert reply.content == f"Heard: '<@{fake.bot_user.id}> is the road open?'"
    assert reply.referenced is posted and world.alice.user not in reply.mentions


async def test_content_hidden_without_intent(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    seen: list[str] = []

    async def record(message: discord.Message) -> None:
        seen.append(message.content)

    bot.add_listener(record, "on_message")
    await fake.post_message(world.alice, world.general, "no mention", mention_bot=False)
    await fake.post_message(world.alice, world.general, "with mention")
    await fake.wait_for_message(world.general)
    assert seen == ["", f"<@{fake.bot_user.id}> with mention"]


async def test_direct_message(fake: FakeDiscord, world: World, bot: HarnessBot) -> None:
    handle = await fake.slash(world.alice, world.general, "whisper")
    assert (await handle.reply()).ephemeral
    dm = fake.dm_channel(world.alice)
    [message] = fake.bot_messages(dm)
    assert message.content == "psst" and message.channel.recipients == [world.alice.user]
    assert await fake.wait_for_message(dm) is message


# --- errors, limits, deadlines ---------------------------------------------------------


async def test_handler_exception_fails_waits_and_capture(
    fake: FakeDiscord, world: World, bot: HarnessBot, errors: ErrorCapture
) -> None:
    handle = await fake.slash(world.alice, world.general, "boom")
    with pytest.raises(AssertionError, match="boom"):
        await handle.response(timeout=5)
    taken = errors.take()
    assert any("boom" in error.describe() for error in taken)


async def test_capture_errors_raises_on_exit() -> None:
    with pytest.raises(AssertionError, match="1 error"), capture_errors():
        logging.getLogger("some.module").error("broken")
    with capture_errors(allow=[r"expected"]) as capture:
        logging.getLogger("some.module").error("expected failure")
    assert len(capture.allowed) == 1


async def test_unretrieved_task_exception_is_captured() -> None:
    async def fail() -> None:
        raise ValueError("lost")

    with pytest.raises(AssertionError, match="lost"), capture_errors():
        task = asyncio.get_running_loop().create_task(fail())
        await asyncio.sleep(0.01)
        del task


async def test_message_limits_are_enforced(
    fake: FakeDiscord, world: World, bot: HarnessBot, errors: ErrorCapture
) -> None:
    errors.allow(r"command failed")
    handle = await fake.slash(world.alice, world.general, "long")
    request = await fake.wait_for_request("POST", r"/interactions/\d+/[^/]+/callback")
    assert request.status == 400 and request.response["code"] == 50035
    assert "content" in request.response["errors"]
    assert handle.callback is None
    await fake.wait_until(lambda: errors.allowed, what="the bot to log the failure")


async def test_interaction_deadline() -> None:
    async with FakeDiscord(token=TOKEN, interaction_deadline=0.1) as strict:
        world = make_world(strict)
        with capture_errors(allow=[r"Unknown interaction"]) as errors:
            async with running_bot(strict, HarnessBot(world.guild.id)):
                handle = await strict.slash(world.alice, world.general, "slow", seconds=0.3)
                await strict.wait_until(lambda: handle.rejected, what="the late callback")
                await strict.wait_until(lambda: errors.allowed, what="the bot's error log")
        assert handle.callback is None and [e.code for e in handle.rejected] == [10062]


async def test_unknown_endpoint_is_recorded(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/guilds/{g}/audit-logs", g=1))
    assert [r.path for r in fake.unhandled_requests] == ["/guilds/1/audit-logs"]


# --- gateway behaviour -----------------------------------------------------------------


async def test_reconnect_resumes_and_replays(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    session = fake.sessions[0]
    await fake.reconnect_bot()
    assert session.resumed == 1 and fake.sessions == [session]
    handle = await fake.slash(world.alice, world.general, "ask", question="still there?")
    assert (await handle.reply()).embed is not None
    assert bot.ready_events == 1


async def test_world_changes_after_connect(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    news = fake.add_channel(world.guild, "news")
    role = fake.add_role(world.guild, "Editors")
    await fake.flush()
    await fake.wait_until(lambda: bot.get_channel(news.id), what="CHANNEL_CREATE")
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    await fake.wait_until(lambda: guild.get_role(role.id), what="GUILD_ROLE_CREATE")
    later = fake.add_guild("Later")
    await fake.wait_until(lambda: bot.get_guild(later.id), what="GUILD_CREATE")


async def test_members_intent_chunks_the_guild(fake: FakeDiscord, world: World) -> None:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = True
    with capture_errors():
        async with running_bot(fake, HarnessBot(world.guild.id, intents=intents)) as client:
            guild = client.get_guild(world.guild.id)
            assert guild is not None and guild.chunked
            assert {m.name for m in guild.members} == {"owner", "FakeBot", "alice", "mod"}
            requests = [p for c in fake.connections for p in c.received if p["op"] == 8]
            assert [r["d"]["guild_id"] for r in requests] == [world.guild.id]


async def test_autosharded_bot() -> None:
    async with FakeDiscord(token=TOKEN, shard_count=2) as sharded:
        world = make_world(sharded)
        intents = discord.Intents.none()
        intents.guilds = True
        client = FastShardedBot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        with capture_errors():
            async with running_bot(sharded, client):
                assert client.shard_count == 2
                assert sorted(s.shard for s in sharded.sessions) == [(0, 2), (1, 2)]
                assert client.get_guild(world.guild.id) is not None
        assert sharded.find_requests("GET", "/gateway/bot")


async def test_each_guild_goes_only_to_the_shard_that_owns_it() -> None:
    async with FakeDiscord(token=TOKEN, shard_count=2) as sharded:
        first = sharded.add_guild("First", shard=(0, 2))
        second = sharded.add_guild("Second", shard=(1, 2))
        assert [(g.id >> 22) % 2 for g in (first, second)] == [0, 1]
        intents = discord.Intents.none()
        intents.guilds = True
        client = FastShardedBot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        with capture_errors():
            async with running_bot(sharded, client):
                later = sharded.add_guild("Later", shard=(1, 2))
                await sharded.wait_until(lambda: client.get_guild(later.id), what="GUILD_CREATE")
                created = {
                    s.shard[0]: [e["d"]["id"] for e in s.log if e["t"] == "GUILD_CREATE"]
                    for s in sharded.sessions
                }
                assert created == {0: [str(first.id)], 1: [str(second.id), str(later.id)]}
                for guild, shard_id in ((first, 0), (second, 1), (later, 1)):
                    found = client.get_guild(guild.id)
                    assert found is not None and found.shard_id == shard_id


async def test_a_client_running_some_of_the_shards() -> None:
    async with FakeDiscord(token=TOKEN, shard_count=2) as sharded:
        sharded.add_guild("First", shard=(0, 2))
        second = sharded.add_guild("Second", shard=(1, 2))
        intents = discord.Intents.none()
        intents.guilds = True
        client = FastShardedBot(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            shard_count=2,
            shard_ids=[1],
        )
        with capture_errors():
            async with running_bot(sharded, client):
                await sharded.wait_until_connected(shards=[1])
                assert sharded.shard_connected(1) and not sharded.shard_connected(0)
                assert not sharded.connected  # shard 0 has no session
                assert [g.id for g in client.guilds] == [second.id]
                assert sharded.identify_payload is not None
                assert sharded.identify_payload["shard"] == [1, 2]
        # A configured count needs no GET /gateway/bot.
        assert not sharded.find_requests("GET", "/gateway/bot")


async def test_a_gateway_close_waits_for_the_clients_close_frame(
    fake: FakeDiscord, world: World, bot: HarnessBot
) -> None:
    (connection,) = fake.connections
    # 4000 is one discord.py resumes after. Dropping the connection before the client's
    # own Close frame is in could make it read a fatal close (4004…) as a 1006.
    await fake.close_gateway(4000, "Unknown error")
    assert connection.ws.closed
    assert connection.ws.close_code == 4000  # the client's answer, not a dropped connection
    await fake.wait_until(lambda: fake.sessions[0].resumed == 1, what="the RESUME")


async def test_clean_shutdown_leaves_no_tasks(fake: FakeDiscord, world: World) -> None:
    with capture_errors():
        async with running_bot(fake, HarnessBot(world.guild.id)):
            handle = await fake.slash(world.alice, world.general, "pick")
            await handle.reply()
    await fake.stop()
    current = asyncio.current_task()
    await asyncio.sleep(0)
    leftover = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    assert leftover == []
