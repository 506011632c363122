"""What Discord is sent (bot.discordbot.replies, and the ask reply bot.discordbot.asking
builds from them): whatever was asked, every reply fits Discord's limits, and what the user
typed is echoed with its markdown and mentions neutralised."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import discord
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot import compose
from bot.discordbot.asking import PICK_PREFIX, PickButton, ask_reply
from bot.discordbot.replies import (
    BUTTON_LABEL_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    MESSAGE_LIMIT,
    TITLE_LIMIT,
    answer_embed,
    clip,
    clip_lines,
    echo,
    fact_embed,
    problems_text,
    related_embed,
)
from bot.models import GLOBAL, Answer, AskResult, Citation, Fact, Reach
from bot.service import FactService
from bot.text import fold
from bot.validation import MAX_QUESTION, MAX_QUESTIONS, MAX_QUOTE, MAX_STATEMENT
from tests.strategies import (
    ESSAY,
    GUILD,
    PROPERTY_SETTINGS,
    long_text,
    marked_up_service,
    mixed,
    question_text,
    user_text,
)

# Markdown characters Discord acts on, and how links and pings look.
MARKDOWN_CHARS = frozenset("*_~|`")
URL = re.compile(r"<[^: >]+:/[^ >]+>|(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s]")
PING = re.compile(r"@(?:everyone|here)|<@[!&]?\d{17,}>")
LINE_MARKUP = re.compile(r"\s*(?:#{1,3}\s|>(?:>>)?\s|-#?\s)")


def active_markdown(text: str) -> list[str]:
    """What in `text` Discord would still render as markdown (empty when fully escaped)."""
    text = URL.sub("link", text)  # a link is shown as a link, never formatted
    found: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2  # the escaped character is shown as it is
            continue
        if char in MARKDOWN_CHARS:
            found.append(char)
        position += 1
    found.extend(line for line in text.split("\n") if LINE_MARKUP.match(line))
    return found


def assert_safe_echo(shown: str) -> None:
    assert not active_markdown(shown), shown
    assert not PING.search(shown), shown


def assert_embed_fits(embed: discord.Embed) -> None:
    data = embed.to_dict()
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert len(data.get("title", "")) <= TITLE_LIMIT
    assert len(data.get("description", "")) <= DESCRIPTION_LIMIT
    fields = data.get("fields", [])
    assert len(fields) <= FIELD_COUNT_LIMIT
    for item in fields:
        # Discord refuses empty names and values as well as long ones.
        assert len(item["name"].strip()) > 0 and len(item["name"]) <= FIELD_NAME_LIMIT
        assert len(item["value"].strip()) > 0 and len(item["value"]) <= FIELD_VALUE_LIMIT
    assert len(data.get("footer", {}).get("text", "")) <= FOOTER_LIMIT


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FactService]:
    """One seeded database for the module: opening one seeds it, which takes a moment."""
    opened = marked_up_service(tmp_path_factory.mktemp("properties") / "factbot.db")
    yield opened
    opened.close()


def check_reply(service: FactService, question: str, guild: int) -> AskResult:
    """Ask, render the reply as the bot would, and check it against Discord's rules."""
    result = service.ask(question, guild)
    reply = ask_reply(result, service.knowledge.article)
    assert reply.kwargs()["allowed_mentions"].to_dict()["parse"] == []
    if reply.content is not None:
        assert 0 < len(reply.content) <= MESSAGE_LIMIT
    if reply.embed is not None:
        assert_embed_fits(reply.embed)
        title = reply.embed.title or ""
        assert title.startswith("You asked: ")
        assert_safe_echo(title.removeprefix("You asked: "))
    if result.outcome == "suggest":
        assert reply.content is not None and reply.view is not None
        echoed = reply.content.split("“", 1)[1].rsplit("”", 1)[0]
        assert_safe_echo(echoed)
        for item in reply.view.children:
            assert isinstance(item, PickButton)
            assert 0 < len(item.item.label or "") <= BUTTON_LABEL_LIMIT
            custom_id = item.item.custom_id or ""
            assert custom_id.startswith(PICK_PREFIX) and len(custom_id) <= 100
    return result


@PROPERTY_SETTINGS
@given(question_text, st.sampled_from([GLOBAL, GUILD]))
@example(ESSAY, GUILD)
@example("is the bridge shut " + "**@everyone** " * 500, GUILD)
def test_every_reply_fits_discord_and_echoes_safely(
    service: FactService, question: str, guild: int
) -> None:
    check_reply(service, question, guild)


def ambiguous_question(service: FactService, guild: int) -> str:
    """A question the service is unsure about: the scores move, so search for one."""
    seen: list[str] = []
    for fact in service.list_facts(guild):
        for question in fact.questions:
            seen.extend(w for w in fold(question).split() if w not in seen)
    for candidate in [*seen, *(f"{a} {b}" for a, b in itertools.pairwise(seen))]:
        if service.ask(candidate, guild, log=False).outcome == "suggest":
            return candidate
    pytest.fail("no question makes the service suggest; the did-you-mean path is untested")


def test_every_outcome_is_rendered_safely(service: FactService) -> None:
    # Markdown and mentions around a question; the properties above may never draw a
    # question the service is unsure about, so this covers each outcome on purpose.
    unsure = ambiguous_question(service, GUILD)
    wrappers = ["**{}**", "__{}__ ~~x~~", "||{}||", "`{}`", "> {}\n# hi", "{} @everyone"]
    questions = [
        "Did the rebels take the airport? **now** <@123456789012345678>",
        "is the bridge shut ||@here||",
        "pizza @everyone",
        ESSAY,
        *(wrapper.format(unsure) for wrapper in wrappers),
    ]
    outcomes = {check_reply(service, question, GUILD).outcome for question in questions}
    assert outcomes == {"answered", "suggest", "unknown"}


# Fact fields at any length the validation lets through, in any characters.
def bounded(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(min_size=1, max_size=60),
        mixed.filter(bool).map(lambda text: text[:limit]),
        long_text.map(lambda text: text[:limit]),
    ).filter(lambda text: bool(text.strip()))


answers = st.builds(
    lambda fact_id, text, source, reported_by, quote, date: Answer(
        fact_id, text.strip(), Citation("src", source.strip(), reported_by, date), quote, 1.0
    ),
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,79}", fullmatch=True),
    bounded(MAX_STATEMENT),
    bounded(100),
    st.none() | bounded(100),
    st.none() | bounded(MAX_QUOTE),
    st.none() | st.sampled_from(["2024-11-30", "not a date", ""]),
)


@PROPERTY_SETTINGS
@given(user_text, st.lists(answers, min_size=1, max_size=3))
@example(
    ESSAY,
    [
        Answer(
            "longest",
            "s" * MAX_STATEMENT,
            Citation("src", "n" * 100, "r" * 100, "2024-11-30"),
            "q" * MAX_QUOTE,
            1.0,
        )
    ]
    * 3,
)
# A source named with nothing but a direction control, which showing it drops.
@example("", [Answer("a", "a", Citation("src", "\u202a", None, None), None, 1.0)])
def test_answer_embeds_fit_for_any_fact_the_validation_accepts(
    service: FactService, question: str, shown: list[Answer]
) -> None:
    result = AskResult(question, "answered", compose.answers_text(shown), tuple(shown))
    embed = answer_embed(result, service.knowledge.article)
    assert_embed_fits(embed)
    assert_safe_echo((embed.title or "").removeprefix("You asked: "))


@PROPERTY_SETTINGS
@given(
    bounded(MAX_STATEMENT),
    st.none() | bounded(MAX_QUOTE),
    st.lists(bounded(MAX_QUESTION), min_size=1, max_size=MAX_QUESTIONS),
    bounded(300),
    st.lists(bounded(100), max_size=8),
)
def test_moderator_fact_embeds_fit(
    statement: str, quote: str | None, questions: list[str], source: str, topics: list[str]
) -> None:
    fact = Fact(
        "a-fact",
        statement,
        "src",
        tuple(questions),
        quote=quote,
        topics=tuple(topics),
        guild_id=GUILD,
    )
    assert_embed_fits(fact_embed(fact, Citation("src", source, source, "2024-11-30")))


@PROPERTY_SETTINGS
@given(user_text)
@example(ESSAY)
@example("@everyone @here <@123456789012345678> <@&123456789012345678> **x** ~~y~~ ||z||")
# discord.py escapes a masked link as a whole, so markdown between two links survived.
@example("[a](b) **bold** [c](d)")
@example("question\n- a list\n# a heading\n> a quote")
def test_echo_neutralises_markdown_and_mentions(text: str) -> None:
    assert_safe_echo(echo(text))


@PROPERTY_SETTINGS
@given(st.lists(user_text, max_size=40))
def test_problem_lists_fit_one_message_and_echo_safely(problems: list[str]) -> None:
    text = problems_text(problems)
    assert len(text) <= MESSAGE_LIMIT
    assert_safe_echo(text.removeprefix("That didn't work:\n").replace("\n• ", "\n"))


@PROPERTY_SETTINGS
@given(st.lists(user_text, max_size=30), st.integers(1, 6_000), user_text)
def test_clipping_respects_the_limit(lines: list[str], limit: int, text: str) -> None:
    assert len(clip_lines(lines, limit)) <= max(limit, len(f"…and {len(lines)} more."))
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    assert clipped == text or clipped.endswith("…")


def test_answers_from_many_sources_fit_under_a_footer_naming_many_outlets(
    service: FactService,
) -> None:
    # Two dozen documents from outlets of 100 characters: the footer is cut at 2,048.
    reach = Reach(tuple(f"Wire {n:02d} ".ljust(100, "x") for n in range(24)), "2024-12-01", 24)
    answers = tuple(
        Answer(
            f"fact-{n}",
            "A statement of a point. " * 40,
            Citation(f"source-{n}", f"Source {n}", "AFP", "2024-11-30"),
            "the words of the quote " * 40,
            0.9,
        )
        for n in range(6)
    )
    article = service.knowledge.article
    answered = AskResult("q", "answered", "", answers, reach=reach)
    related = AskResult(
        "q", "unknown", "", related=answers, not_said="It doesn't say.", reach=reach
    )
    for embed in (answer_embed(answered, article), related_embed(related, article)):
        assert_embed_fits(embed)
        assert embed.fields[-1].name == "More"  # whole answers left out, not every one cut
