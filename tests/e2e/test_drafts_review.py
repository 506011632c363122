"""/fact document and /fact drafts: a moderator adds a report, then accepts, edits,
rejects and skips the facts drafted from it, and members get answers from what was
accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.discordbot.client import FactBot
from bot.service import FactService
from tests.e2e.conftest import World
from tests.fakediscord import Message, Upload

ZEBRA_REPORT = (
    "ALEPPO, Syria (AFP) - Forty zebras paraded through the old city of Aleppo on Sunday, "
    "the Zebra Welfare Trust said.\n"
    '"We have never seen so many zebras in one street," said Layla Haddad, a spokeswoman '
    "for the trust.\n"
    "The Syrian Observatory for Human Rights said the parade lasted three hours.\n"
)
TITLE = "Zebras parade in Aleppo"
DOCUMENT = "zebras-parade-aleppo"
EDITED = "A spokeswoman for the Zebra Welfare Trust said she had never seen so many zebras."


async def add_document(world: World, content: bytes, **changes: Any) -> Message:
    values = {"title": TITLE, "outlet": "AFP", "date": "2024-12-01"} | changes
    return await world.fact("document", file=Upload("zebras.txt", content), **values)


async def press(world: World, message: Message, button: str, shows: str) -> Message:
    """Press a review button; the review message once it shows `shows`."""
    await world.fake.press_button(world.mod, message, f"factbot:drafts:{button}")
    return await until_shown(world, message, shows)


async def until_shown(world: World, message: Message, shows: str) -> Message:
    def shown() -> Message | None:
        current = world.fake.get_message(message.id)
        return current if shows in json.dumps(current.payload()) else None

    return await world.fake.wait_until(shown, what=f"the review to show {shows!r}")


def title_of(message: Message) -> str:
    assert message.embed is not None
    return str(message.embed["title"])


async def test_a_document_s_drafts_are_accepted_edited_rejected_and_skipped(
    world: World, bot: FactBot, service: FactService
) -> None:
    added = await add_document(world, ZEBRA_REPORT.encode())
    assert added.ephemeral and f"Added document `{DOCUMENT}`" in added.content, added.content
    review = await world.fact("drafts", document=DOCUMENT)
    assert review.ephemeral and title_of(review) == f"Draft 1 of 4 · {TITLE}"
    assert "The report was filed from Aleppo." in review.text()

    review = await press(world, review, "reject", "Draft 2 of 4")
    assert review.content.startswith("Rejected")
    assert "a new source: Accept creates it" in review.text()  # the Zebra Welfare Trust

    review = await press(world, review, "accept", "Draft 3 of 4")
    assert "and source `zebra-welfare-trust`" in review.content, review.content
    accepted = service.get_fact("forty-zebras-paraded-through-old-city", world.guild.id)
    assert accepted.source == "zebra-welfare-trust"
    [entry] = service.history(accepted.id, world.guild.id)
    assert (entry.action, entry.actor) == ("add", f"discord:{world.mod.id}")

    # Edit: the fact form, filled in with Layla Haddad's draft; attributed to the trust.
    edit = await world.fake.press_button(world.mod, review, "factbot:drafts:edit")
    form = await edit.modal_opened()
    assert "Layla Haddad said" in json.dumps(form)
    await world.fake.submit_modal(
        world.mod,
        edit,
        {"factbot:new:statement": EDITED, "factbot:new:source": "Zebra Welfare Trust"},
    )
    review = await until_shown(world, review, "Draft 4 of 4")
    [edited] = [f for f in service.list_facts(world.guild.id) if f.statement == EDITED]
    assert edited.source == "zebra-welfare-trust" and edited.quote is not None
    assert "Layla Haddad" in edited.quote and len(edited.questions) >= 3

    review = await press(world, review, "skip", "No drafts left")
    assert review.buttons() == []

    answer = await world.ask("Did zebras parade through the old city of Aleppo?")
    assert answer.embed is not None
    assert answer.embed["description"] == accepted.statement
    assert "Zebra Welfare Trust" in answer.text()

    # Only the skipped draft comes back: the rejected one stays gone.
    again = await world.fact("drafts", document=DOCUMENT)
    assert title_of(again) == f"Draft 1 of 1 · {TITLE}"
    assert "The parade lasted three hours." in again.text()
    assert "filed from Aleppo" not in again.text()


async def test_only_the_moderator_who_asked_reviews_the_drafts(
    world: World, bot: FactBot, service: FactService
) -> None:
    await add_document(world, ZEBRA_REPORT.encode())
    review = await world.fact("drafts", document=DOCUMENT)
    facts = len(service.list_facts(world.guild.id))
    # The review is ephemeral: only a tampered client could press another's buttons.
    other = await world.fake.press_button(
        world.checker, review, "factbot:drafts:accept", force=True
    )
    refusal = await other.reply()
    assert refusal.ephemeral and "Only the moderator who opened" in refusal.content
    assert len(service.list_facts(world.guild.id)) == facts


@pytest.mark.parametrize(
    ("filename", "content", "changes", "said"),
    [
        ("zebras.txt", b"\x00\x01binary\x00", {}, "a binary file"),
        ("zebras.txt", b"  \n", {}, "file: empty"),
        ("zebras.txt", b"z" * 200_001, {}, "file: at most 200 kB (got 200 kB)"),
        ("zebras.pdf", b"%PDF-1.4", {}, "a .txt or .md file"),
        ("zebras.md", ZEBRA_REPORT.encode(), {"date": "1 December"}, "date: must be a date"),
        ("zebras.txt", ZEBRA_REPORT.encode(), {"title": "zebras PARADE in aleppo"}, "already"),
    ],
)
async def test_a_bad_document_gets_one_clear_message_and_nothing_is_stored(
    world: World,
    bot: FactBot,
    service: FactService,
    filename: str,
    content: bytes,
    changes: dict[str, str],
    said: str,
) -> None:
    await add_document(world, ZEBRA_REPORT.encode())  # the title the last case repeats
    values: dict[str, Any] = {"title": "Another report", "outlet": "AFP", "date": "2024-12-01"}
    values |= changes
    reply = await world.fact("document", file=Upload(filename, content), **values)
    assert reply.ephemeral and reply.content.startswith("That didn't work:"), reply.content
    assert said in reply.content and reply.content.count("•") == 1, reply.content
    with service.store.reading():
        count = service.store.db.execute("select count(*) from documents").fetchone()[0]
    assert count == 2  # the curated article and the first report


async def test_drafts_of_an_unknown_document_say_how_to_find_one(
    world: World, bot: FactBot
) -> None:
    await add_document(world, ZEBRA_REPORT.encode())
    reply = await world.fact("drafts", document="no-such-report")
    assert reply.ephemeral and "There is no document 'no-such-report' here" in reply.content
    choices = await world.fake.autocomplete(
        world.mod, world.general, "fact drafts", "document", "zebra"
    )
    assert [c["value"] for c in choices] == [DOCUMENT]
