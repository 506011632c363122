"""The text layer, `bot.compose`: dates, citations, fact cards and the article's description,
and that the command line and the Discord replies both word things through it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot import compose
from bot.discordbot.cogs.about import help_text as discord_help
from bot.discordbot.replies import answer_embed, ask_description, fact_embed, mention_help
from bot.documents.records import DocumentInfo
from bot.knowledge import check_knowledge, read_article
from bot.models import GLOBAL, ArticleInfo, AuditEntry, Citation, Fact, Origin, Reach
from bot.service import FactService

GUILD = 123456789012345678

ARTICLE = ArticleInfo(
    id="bread",
    title="Bread costs more",
    outlet="The Daily",
    date="2025-03-01",
    topic="the price of bread",
    summary="What a loaf costs now.",
    text="A loaf costs more.",
    examples=("How much is a loaf?", "Who bakes it?", "Why now?"),
)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, check=False
    )


# -- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("2025-03-01", "1 March 2025"),
        ("2024-11-30", "30 November 2024"),
        (None, "undated"),
        ("", "undated"),
        ("last week", "last week"),
    ],
)
def test_a_day_reads_as_people_write_it(iso: str | None, shown: str) -> None:
    assert compose.human_date(iso) == shown


@pytest.mark.parametrize(
    ("stamp", "shown"),
    [
        ("2025-03-01T14:05:09+00:00", "2025-03-01T14:05Z"),
        ("2025-03-01T01:05:09+02:00", "2025-02-28T23:05Z"),
        ("2025-03-01T14:05:09", "2025-03-01T14:05Z"),
        ("yesterday", "yesterday"),
    ],
)
def test_a_change_time_is_one_word_to_the_minute_in_utc(stamp: str, shown: str) -> None:
    assert compose.change_time(stamp) == shown


# -- citations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("citation", "shown"),
    [
        (
            Citation("m", "Monitor", "The Daily", "2025-03-01"),
            "Monitor, reported by The Daily, 1 March 2025",
        ),
        (Citation("m", "Monitor", None, "2025-03-01"), "Monitor, 1 March 2025"),
        (Citation("d", "The Daily", "The Daily", "2025-03-01"), "The Daily, 1 March 2025"),
        (Citation("m", "Monitor", "The Daily", None), "Monitor, reported by The Daily, undated"),
        (
            Citation("c", compose.cited_source("Ann Lee", "Monitor"), "The Daily", "2025-03-01"),
            "Ann Lee (Monitor), reported by The Daily, 1 March 2025",
        ),
    ],
    ids=["full", "no-reporter", "self-reported", "undated", "parent"],
)
def test_a_citation_says_who_who_reported_it_and_when(citation: Citation, shown: str) -> None:
    assert compose.citation_text(citation) == shown


def test_a_source_is_cited_with_the_organisation_it_speaks_for(service: FactService) -> None:
    fact = service.get_fact("rami-allies-abandoned")
    assert compose.citation_text(service.citation(fact)) == (
        "Rami Abdel Rahman (Syrian Observatory for Human Rights), reported by AFP, 30 November 2024"
    )
    assert compose.cited_source("Monitor", None) == "Monitor"


def test_a_quote_nests_its_own_marks() -> None:
    assert compose.quoted('He said "no" and “never”') == "“He said 'no' and ‘never’”"


# -- fact cards ------------------------------------------------------------------------

CITED = Citation("monitor", "Monitor", "The Daily", "2025-03-01")


LOAF = Fact(
    "loaf-price",
    "A loaf costs two coins.",
    "monitor",
    ("how much is a loaf", "what does bread cost"),
    quote='a loaf, "two coins"',
    topics=("prices", "bread"),
    points=("loaf-price",),
    document="bread",
)
BREAD = DocumentInfo(
    "bread", "Bread costs more", "The Daily", "2025-03-01", None, 18, GLOBAL, "curated", "k", "t"
)


def test_a_fact_card_shows_every_field() -> None:
    card = compose.fact_card(LOAF, CITED, BREAD)
    assert card.heading == "loaf-price" and card.statement == "A loaf costs two coins."
    assert [(d.label, d.value) for d in card.details] == [
        ("Source", "Monitor, reported by The Daily, 1 March 2025"),
        ("Quote", "“a loaf, 'two coins'”"),
        ("Document", "Bread costs more (The Daily, 1 March 2025); quote verified"),
        ("Topics", "prices, bread"),
        ("Point", "loaf-price"),
        ("Scope", "curated, every server"),
    ]
    assert card.questions == ("how much is a loaf", "what does bread cost")


def test_a_fact_card_marks_what_is_empty_and_what_is_removed() -> None:
    bare = replace(LOAF, quote=None, topics=(), points=(), active=False)
    card = compose.fact_card(bare, CITED, BREAD)
    assert card.heading == "loaf-price (removed)"
    details = {d.label: d.value for d in card.details}
    assert details["Quote (unverified)"] == details["Topics"] == details["Point"] == "-"
    assert details["Document"] == "Bread costs more (The Daily, 1 March 2025); no quote, unverified"
    gone = compose.fact_card(LOAF, CITED, None)
    assert {d.label: d.value for d in gone.details}["Document"] == (
        "bread, no longer here; unverified"
    )


def test_a_quote_without_a_document_is_unverified_on_the_card() -> None:
    card = compose.fact_card(replace(LOAF, document=None), CITED)
    details = {d.label: d.value for d in card.details}
    assert details["Quote (unverified)"] == "“a loaf, 'two coins'”"
    assert details["Document"] == "none; the quote is unverified"


@pytest.mark.parametrize(
    ("origin", "guild", "scope"),
    [
        ("curated", GLOBAL, "curated, every server"),
        ("moderator", GLOBAL, "every server"),
        ("moderator", GUILD, "this server"),
    ],
)
def test_a_facts_scope_follows_its_server(origin: Origin, guild: int, scope: str) -> None:
    assert compose.fact_scope(replace(LOAF, origin=origin, guild_id=guild)) == scope


def test_plain_text_cards_lists_and_histories() -> None:
    text = compose.card_text(compose.fact_card(replace(LOAF, active=False), CITED, BREAD))
    assert text.splitlines() == [
        "id:          loaf-price (removed)",
        "statement:   A loaf costs two coins.",
        "source:      Monitor, reported by The Daily, 1 March 2025",
        "quote:       “a loaf, 'two coins'”",
        "document:    Bread costs more (The Daily, 1 March 2025); quote verified",
        "topics:      prices, bread",
        "point:       loaf-price",
        "scope:       curated, every server",
        "questions:",
        "  - how much is a loaf",
        "  - what does bread cost",
    ]
    assert compose.fact_entry(replace(LOAF, origin="moderator", guild_id=GUILD)) == (
        "loaf-price  (monitor; this server)\n    A loaf costs two coins."
    )
    entry = AuditEntry(
        7, "2025-03-01T14:05:09+00:00", "cli:ann", GLOBAL, "edit", "loaf", None, None
    )
    assert compose.change_entry(entry) == "#7  2025-03-01T14:05Z  edit           by cli:ann"


# -- the article -----------------------------------------------------------------------


def test_the_article_describes_itself() -> None:
    assert compose.article_byline(ARTICLE) == "The Daily, 1 March 2025"
    assert compose.article_description(ARTICLE) == "the price of bread (The Daily, 1 March 2025)"
    assert compose.program_description(ARTICLE) == (
        "factbot: attributed answers about the price of bread (The Daily, 1 March 2025)."
    )
    assert (
        compose.program_description(None) == "factbot: attributed answers about one news article."
    )
    assert compose.unknown_text(ARTICLE) == (
        "The article doesn't say. I only know what The Daily reported on 1 March 2025 about "
        "the price of bread."
    )
    alone = Reach.of_article(ARTICLE)
    assert compose.dated_footer(alone) == (
        "From The Daily reports, as of 1 March 2025. Events have moved on since."
    )
    assert "what The Daily reported, as of 1 March 2025" in compose.caveat(alone)


def test_several_documents_are_spoken_of_by_their_outlets_and_latest_date() -> None:
    reach = Reach(("AFP", "Reuters"), "2024-12-02", 3)
    assert compose.reach_line(reach) == "From AFP and Reuters reports, as of 2 December 2024"
    assert compose.outlets_text(["AFP", "Reuters", "AP"]) == "AFP, Reuters and AP"
    assert compose.unknown_text(ARTICLE, reach) == (
        "The article doesn't say. I only know what AFP and Reuters reported about the price "
        "of bread, as of 2 December 2024."
    )
    assert "what AFP and Reuters reported about the price of bread, as of 2 December 2024" in (
        compose.help_text(ARTICLE, 12, reach)
    )


def test_help_gives_two_of_the_articles_examples_or_none() -> None:
    help_text = compose.help_text(ARTICLE, 12)
    assert "what The Daily reported on 1 March 2025 about the price of bread" in help_text
    assert "I know 12 facts" in help_text
    assert "for example “How much is a loaf?” or “Who bakes it?”." in help_text
    assert "Why now?" not in help_text
    bare = compose.help_text(replace(ARTICLE, examples=()), 12)
    assert "Ask in your own words. When the article doesn't say" in bare


def test_the_shipped_article_is_read_from_article_toml(knowledge_copy: Path) -> None:
    shipped = read_article()
    assert shipped is not None
    assert compose.article_description(shipped) == (
        "the rebel offensive on Aleppo (AFP, 30 November 2024)"
    )
    toml = knowledge_copy / "article.toml"
    toml.write_text(toml.read_text().replace(shipped.topic, "the price of bread"))
    edited = read_article(knowledge_copy)
    assert edited is not None and edited.topic == "the price of bread"
    toml.write_text("topic = ")
    assert read_article(knowledge_copy) is None


@pytest.mark.parametrize("examples", ['["How much?", ""]', '"How much?"', "[3]"])
def test_examples_must_be_questions(knowledge_copy: Path, examples: str) -> None:
    toml = knowledge_copy / "article.toml"
    lines = toml.read_text().splitlines()
    toml.write_text(
        "\n".join(
            f"examples = {examples}" if line.startswith("examples") else line for line in lines
        )
    )
    _, problems = check_knowledge(knowledge_copy)
    assert problems == ["article.toml: 'examples' must be a list of questions"]


# -- the front ends word things through it ---------------------------------------------


def test_help_names_the_article_without_loading_the_facts(knowledge_copy: Path) -> None:
    toml = knowledge_copy / "article.toml"
    toml.write_text(toml.read_text().replace("the rebel offensive on Aleppo", "the price of bread"))
    (knowledge_copy / "facts.toml").write_text("this is not TOML [")
    shown = run_cli("--knowledge", str(knowledge_copy), "--help")
    assert shown.returncode == 0, shown.stderr
    assert "attributed answers about the price of bread (AFP, 30" in shown.stdout


def test_the_cli_and_discord_cite_an_answer_alike(db_path: Path, service: FactService) -> None:
    question = "Did the rebels take the airport?"
    result = service.ask(question, log=False)
    citation = compose.citation_text(result.answers[0].citation)
    assert "reported by AFP, 30 November 2024" in citation
    shell = run_cli("--db", str(db_path), "ask", question)
    assert shell.returncode == 0, shell.stderr
    assert f"  Source: {citation}\n" in shell.stdout
    embed = answer_embed(result, service.knowledge.article)
    assert {f.name: f.value for f in embed.fields}["Source"] == citation
    assert (
        embed.footer.text
        == "From AFP reports, as of 30 November 2024. Events have moved on since. /about"
    )


def test_the_cli_and_discord_show_a_fact_alike(db_path: Path, service: FactService) -> None:
    shown = service.get_fact("rami-allies-abandoned")
    document = service.cited_document(shown)
    assert document is not None and document.id == service.knowledge.article.id
    card = compose.fact_card(shown, service.citation(shown), document)
    shell = run_cli("--db", str(db_path), "facts", "show", shown.id)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout == compose.card_text(card) + "\n"
    assert "; quote verified" in shell.stdout
    embed = fact_embed(shown, service.citation(shown), document)
    assert embed.title == card.heading
    fields = {f.name: f.value for f in embed.fields}
    for detail in card.details:
        assert fields[detail.label] == detail.value
    assert (fields["Questions"] or "").splitlines() == [f"• {q}" for q in card.questions]


def test_discord_names_the_article_from_it() -> None:
    assert ask_description(ARTICLE) == "Ask about the price of bread (The Daily, 1 March 2025)"
    long = replace(ARTICLE, topic="bread " * 40)
    assert len(ask_description(long)) == 100 and ask_description(long).endswith("…")
    assert compose.article_description(ARTICLE) in mention_help(ARTICLE)
    assert "ask about the price of bread." in discord_help(ARTICLE)
