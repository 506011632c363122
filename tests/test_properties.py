"""Property-based tests: whatever a Discord user types, the bot answers safely.

Inputs mix hypothesis's arbitrary Unicode with the fragments a public server actually
sees: zero-width and control characters, combining marks, right-to-left text, emoji,
Discord markdown and mentions, SQL, and pasted essays of 10,000 characters.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
from hypothesis import HealthCheck, event, example, given, settings
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
)
from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.models import GLOBAL, Answer, AskResult, Citation, Fact
from bot.service import FactService
from bot.text import fold, stem, words
from bot.validation import MAX_QUESTION, MAX_QUESTIONS, MAX_QUOTE, MAX_STATEMENT
from tests.conftest import last_change

GUILD = 555555555555555555
# Every property runs this many examples; enough to find the odd character, fast in CI.
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
FRAGMENTS = [
    *ZERO_WIDTH,
    # Combining marks, alone, on a letter, and stacked ("Zalgo").
    "\u0301",
    "e\u0301",
    "Z\u0351\u0358\u0337\u035c\u0489",
    "\u20dd",
    # Right-to-left scripts and bidirectional controls.
    "حلب",
    "هيئة تحرير الشام",
    "שלום",
    "\u200f",
    "\u202e",
    "\u2067",
    # Emoji, with skin tones, joiners and flags.
    "😀",
    "👍🏽",
    "👨‍👩‍👧",
    "🇸🇾",
    "❤️",
    # Discord markdown and mentions.
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "<:aleppo:123456789012345678>",
    "**bold**",
    "__underline__",
    "*italic*",
    "~~strike~~",
    "||spoiler||",
    "`code`",
    "```py\nprint('hi')\n```",
    "\n> quote",
    "\n>>> block",
    "\n# Heading",
    "\n-# small print",
    "\n- item",
    "[click](https://example.com/x)",
    "https://example.com/a_b*c~d",
    "\\",
    "\\*",
    # SQL, which must only ever be data.
    "'; DROP TABLE facts; --",
    '" OR 1=1 --',
    "1; DELETE FROM audit",
    "%",
    "_",
    # Control characters.
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\x7f",
    "\u0085",
    "\u2028",
    # Words the fact base knows, so some questions get answered.
    "Did the rebels take the airport",
    "how many civilians were killed",
    "Aleppo",
    "Syrian Observatory",
    "HTS",
    "?",
    " ",
]
fragment = st.sampled_from(FRAGMENTS)
mixed = st.lists(st.one_of(fragment, st.text(max_size=12)), max_size=30).map("".join)
# Pasted essays: a piece repeated to a length around Discord's own limits.
long_text = st.builds(
    lambda piece, length: (piece * (length // len(piece) + 1))[:length],
    st.lists(st.one_of(fragment, st.text(min_size=1, max_size=8)), min_size=1, max_size=6)
    .map("".join)
    .filter(bool),
    st.sampled_from([501, 2_001, 4_097, 6_001, 10_000]),
)
user_text = st.one_of(st.text(), mixed, long_text)
KNOWN_QUESTIONS = [
    json.loads(line)["q"]
    for line in (Path(__file__).parent / "data" / "validation-questions.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
# Real questions dressed in the same noise, so answers and suggestions come up too.
NOISE = [
    *ZERO_WIDTH,
    "\u0301",
    "😀",
    "👨‍👩‍👧",
    "**",
    "__",
    "||",
    "`",
    "~~",
    "\u202e",
    "\n",
    "?",
    "!",
]
short_noise = st.lists(st.sampled_from(NOISE), max_size=3).map("".join)
dressed = st.builds(
    lambda before, question, after: before + question + after,
    short_noise,
    st.sampled_from([*KNOWN_QUESTIONS, "is the bridge shut"]),
    short_noise,
)
question_text = st.one_of(user_text, dressed)
ESSAY = ("Did the rebels take the airport? **@everyone** حلب 😀 '; DROP TABLE facts; -- " * 200)[
    :10_000
]

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
    opened = FactService.open(tmp_path_factory.mktemp("properties") / "factbot.db")
    opened.add_source("الجزيرة", guild_id=GUILD, aliases=["Al Jazeera"])
    opened.add_fact(
        FactDraft(
            statement="**Bold claim** for @everyone: the bridge <@123456789012345678> is shut.",
            source="Al Jazeera",
            questions=("is the bridge shut", "هل الجسر مغلق"),
            quote="`the bridge` is ||shut||",
            reported_by="@here",
            date="2024-12-01",
        ),
        guild_id=GUILD,
        actor="discord:1",
    )
    yield opened
    opened.close()


# -- the normaliser ---------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(user_text)
@example("")
@example(ESSAY)
@example("İstanbul ǅ ﬁ ß Ⅻ ²")
def test_fold_gives_plain_lowercase_words(text: str) -> None:
    folded = fold(text)
    assert folded == folded.strip() and "  " not in folded
    assert all(char.isalnum() or char == " " for char in folded), folded
    assert folded == folded.lower()
    # Folding twice changes nothing, so folded text can be compared with folded text.
    assert fold(folded) == folded
    assert words(text) == folded.split()


# Accents and other marks that sit on a letter ("cre\u0300me" is "crème").
COMBINING = ["\u0300", "\u0301", "\u0308", "\u0327", "\u0331", "\u0337", "\u0358"]


@PROPERTY_SETTINGS
@given(
    user_text,
    st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(ZERO_WIDTH + COMBINING))),
)
@example("creme brulee", [(3, "\u0300"), (9, "\u0301"), (5, "\u200b")])
def test_invisible_characters_and_accents_never_change_the_words(
    text: str, insertions: list[tuple[int, str]]
) -> None:
    pasted = text
    for position, char in insertions:
        at = position % (len(pasted) + 1)
        pasted = pasted[:at] + char + pasted[at:]
    assert fold(pasted) == fold(text)


@PROPERTY_SETTINGS
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ '?!.,"))
def test_case_and_punctuation_never_matter(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@PROPERTY_SETTINGS
@given(user_text)
def test_stem_keeps_every_word_a_word(text: str) -> None:
    for word in words(text):
        stemmed = stem(word)
        assert stemmed and len(stemmed) <= len(word)
        assert stem(word) == stemmed


# -- the matcher and the answerer -------------------------------------------------------


@PROPERTY_SETTINGS
@given(question_text, st.sampled_from([GLOBAL, GUILD, 777]))
@example(ESSAY, GUILD)
@example("", GLOBAL)
# Lone surrogates, as undecodable bytes in a shell argument arrive, in an unknown question
# (which gets logged) and in an answered one.
@example("what is \udcff pizza \ud800", GUILD)
@example("\ud800 who took the airport \udcff", GUILD)
def test_ask_never_raises_and_every_answer_is_cited(
    service: FactService, question: str, guild: int
) -> None:
    result = service.ask(question, guild)
    event(result.outcome)  # --hypothesis-show-statistics shows how often each came up
    assert result.outcome in {"answered", "suggest", "unknown", "help"}
    assert result.message.strip()
    # What the article does say, offered when it does not say what was asked, is cited too.
    for answer in result.related:
        assert result.outcome == "unknown"
        assert answer.citation.source.strip()
        assert f"Source: {answer.citation.source}" in result.message
    if result.outcome == "answered":
        assert result.answers
        for answer in result.answers:
            assert answer.citation.source.strip()
            assert f"Source: {answer.citation.source}" in result.message
            fact = service.index.fact(answer.fact_id)
            assert fact is not None and fact.guild_id in (GLOBAL, guild)
    elif result.outcome == "suggest":
        assert result.suggestions and not result.answers
        for suggestion in result.suggestions:
            fact = service.index.fact(suggestion.fact_id)
            assert fact is not None and fact.guild_id in (GLOBAL, guild)
    else:
        assert not result.answers and not result.suggestions


@PROPERTY_SETTINGS
@given(user_text, st.sampled_from([GLOBAL, GUILD]))
@example("is the bridge", GLOBAL)  # a guild's phrasing, typed where it is not visible
@example("", GUILD)
def test_autocomplete_never_raises_and_offers_visible_phrasings(
    service: FactService, partial: str, guild: int
) -> None:
    offered = service.suggest_questions(partial, guild)
    assert len(offered) <= 25
    visible = {q for f in service.list_facts(guild) for q in f.questions}
    assert set(offered) <= visible


# -- what Discord is sent ---------------------------------------------------------------


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
)
def test_moderator_fact_embeds_fit(
    statement: str, quote: str | None, questions: list[str], citation: str
) -> None:
    fact = Fact("a-fact", statement, "src", tuple(questions), quote=quote, guild_id=GUILD)
    assert_embed_fits(fact_embed(fact, citation))


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


# -- moderator input ----------------------------------------------------------------------

# Lone surrogates: what undecodable bytes in a shell argument or a JSON "\\ud800" become.
surrogate_text = st.text(alphabet=st.characters(exclude_categories=()), min_size=1).map(
    lambda text: text + "\udcff"
)
plain_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=3, max_size=60)
# For each field a good value and bad ones; each example breaks a few fields at most,
# so drafts are stored often enough for the success path to count.
FIELDS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "statement": (plain_words.map(lambda w: f"Moderator fact: {w}."), user_text | surrogate_text),
    "source": (st.sampled_from(["afp", "AFP", "Al Jazeera"]), user_text | st.just("nobody")),
    "questions": (
        st.lists(plain_words.map(lambda w: f"zq {w}"), min_size=1, max_size=3, unique_by=fold),
        st.lists(user_text | surrogate_text, max_size=4),
    ),
    "quote": (st.none() | plain_words, user_text | surrogate_text),
    "date": (
        st.none() | st.just("2024-12-01"),
        st.sampled_from(["2024-02-30", "yesterday", "01/12/2024"]) | user_text,
    ),
    "reported_by": (st.none() | st.just("AFP"), user_text | surrogate_text),
}


@PROPERTY_SETTINGS
@given(st.data(), st.sets(st.sampled_from(sorted(FIELDS)), max_size=3))
def test_moderator_input_is_stored_or_refused_with_field_messages(
    service: FactService, data: st.DataObject, broken: set[str]
) -> None:
    values = {name: data.draw(pair[name in broken], label=name) for name, pair in FIELDS.items()}
    values["questions"] = tuple(values["questions"])
    draft = FactDraft(**values)
    audit_before = last_change(service.store)
    try:
        fact = service.add_fact(draft, guild_id=GUILD, actor="discord:2")
    except ValidationError as error:
        event("refused")
        # Every problem names a field to fix (one that was broken), and nothing was written.
        assert error.problems
        assert {problem.split(":", 1)[0] for problem in error.problems} <= broken
        assert last_change(service.store) == audit_before
        return
    event("stored")
    assert service.store.fact(fact.id) == fact
    # One audit entry, for this fact: the only change since the one before.
    changed = service.store.feed.changes_since(audit_before, 2)
    assert changed is not None and changed.facts == {fact.id: fact}
    assert len(service.history(fact.id, GUILD)) == 1
    # Free the phrasings again for the next example.
    service.remove_fact(fact.id, guild_id=GUILD, actor="discord:2")
