"""Facts that cite a document: the quote is checked verbatim against it when a fact is
added or edited, through the service and the real CLI, in real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import compose
from bot.documents.library import DocumentDraft, Documents
from bot.documents.records import Document
from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.service import FactService
from tests.helpers import Cli

ONE = 111111111111111111
TWO = 222222222222222222
BRIDGE = (
    "The ministry said on Monday that the bridge had reopened to traffic.\n\n"
    "Officials added that repairs had cost “around two million dollars”.\n"
)


def add_bridge(service: FactService, guild_id: int = ONE, **changes: str) -> Document:
    values = {"title": "Bridge reopens", "outlet": "Reuters", "date": "2024-12-02"}
    values.update(changes)
    draft = DocumentDraft(text=BRIDGE, **values)
    return Documents(service.store).add(draft, guild_id=guild_id, actor="test")


def bridge_fact(document: str | None, quote: str | None, **changes: str) -> FactDraft:
    values: dict[str, str | None] = {
        "statement": "The bridge reopened to traffic.",
        "source": "AFP",
        "questions": "Did the bridge reopen?|Is the bridge open again?",
        "quote": quote,
        "document": document,
    }
    values.update(changes)
    return FactDraft.from_fields(**values)


def test_a_fact_citing_a_document_with_its_words_is_verified(service: FactService) -> None:
    bridge = add_bridge(service)
    fact = service.add_fact(
        bridge_fact(bridge.id, "the bridge had reopened to traffic"), guild_id=ONE, actor="t"
    )
    assert fact.document == bridge.id and fact.quote_verified
    stored = service.get_fact(fact.id, ONE)
    assert stored.document == bridge.id
    assert service.cited_document(stored, ONE) == bridge
    answer = service.ask("Did the bridge reopen?", ONE, log=False).answers[0]
    assert answer.fact_id == fact.id and answer.quote_verified
    assert "  Quote: “the bridge had reopened to traffic”" in compose.answers_text([answer])


def test_a_quote_the_document_lacks_is_refused_with_the_closest_passage(
    service: FactService,
) -> None:
    bridge = add_bridge(service)
    with pytest.raises(ValidationError) as raised:
        service.add_fact(
            bridge_fact(bridge.id, "the bridge had reopened to all traffic"),
            guild_id=ONE,
            actor="t",
        )
    [problem] = raised.value.problems
    assert problem.startswith('quote: not in "Bridge reopens"; the closest passage is "')
    assert "said on Monday that the bridge had reopened to traffic. Officials" in problem
    assert service.list_facts(ONE) == service.list_facts()  # nothing of ONE's own


def test_an_edit_is_checked_against_the_document_the_fact_cites(service: FactService) -> None:
    bridge = add_bridge(service)
    fact = service.add_fact(
        bridge_fact(bridge.id, "around two million dollars"), guild_id=ONE, actor="t"
    )
    with pytest.raises(ValidationError, match='quote: not in "Bridge reopens"'):
        service.edit_fact(
            fact.id, FactDraft(quote="around three million dollars"), guild_id=ONE, actor="t"
        )
    # Citing the article instead: the same words are not in it.
    with pytest.raises(ValidationError, match='quote: not in "Rebels take control'):
        service.edit_fact(
            fact.id, FactDraft(document=service.knowledge.article.id), guild_id=ONE, actor="t"
        )
    dropped = service.edit_fact(
        fact.id, FactDraft.from_fields(document="-"), guild_id=ONE, actor="t"
    )
    assert dropped.document is None and not dropped.quote_verified
    assert service.history(fact.id, ONE)[-1].after["document"] is None  # type: ignore[index]


def test_a_fact_without_a_document_or_a_quote_is_unverified(service: FactService) -> None:
    bridge = add_bridge(service)
    uncited = service.add_fact(
        bridge_fact(None, "the bridge had reopened"), guild_id=ONE, actor="t"
    )
    unquoted = service.add_fact(
        bridge_fact(bridge.id, None, questions="Is traffic back on the bridge?"),
        guild_id=ONE,
        actor="t",
    )
    assert service.cited_document(uncited, ONE) is None
    assert service.cited_document(unquoted, ONE) == bridge
    for fact in (uncited, unquoted):
        assert not fact.quote_verified
        document = service.cited_document(fact, ONE)
        card = compose.fact_card(fact, service.citation(fact, ONE), document)
        assert "unverified" in {d.label: d.value for d in card.details}["Document"]
    answer = service.ask("Did the bridge reopen?", ONE, log=False).answers[0]
    assert not answer.quote_verified
    assert "  Quote (unverified): “the bridge had reopened”" in compose.answers_text([answer])


def test_a_server_cannot_cite_another_servers_document(service: FactService) -> None:
    theirs = add_bridge(service, guild_id=TWO)
    with pytest.raises(ValidationError) as raised:
        service.add_fact(bridge_fact(theirs.id, "the bridge had reopened"), guild_id=ONE, actor="t")
    assert raised.value.problems == [f"document: no document '{theirs.id}' in this server"]
    # The curated article is every server's.
    cited = service.add_fact(
        bridge_fact(service.knowledge.article.id, "Syria's second city"), guild_id=ONE, actor="t"
    )
    assert cited.quote_verified


def test_the_cli_cites_a_document_and_shows_the_closest_passage(
    db_path: Path, tmp_path: Path
) -> None:
    cli = Cli(db_path, guild=ONE)
    text = tmp_path / "bridge.txt"
    text.write_text(BRIDGE, encoding="utf-8")
    document = cli.ok(
        "documents",
        "add",
        str(text),
        "--title",
        "Bridge reopens",
        "--outlet",
        "Reuters",
        "--date",
        "2024-12-02",
    ).strip()
    base = ["facts", "add", "--statement", "The bridge reopened.", "--source", "AFP"]
    refused = cli(
        *base,
        "--questions",
        "Did the bridge reopen?",
        "--document",
        document,
        "--quote",
        "the bridge has reopened",
    )
    assert refused.exit_code != 0
    assert 'quote: not in "Bridge reopens"; the closest passage is "' in refused.output
    assert "the bridge had reopened to traffic" in refused.output
    added = cli.ok(
        *base,
        "--questions",
        "Did the bridge reopen?",
        "--document",
        document,
        "--quote",
        "the bridge had reopened",
    ).split()[-1]
    shown = cli.ok("facts", "show", added)
    assert "quote:       “the bridge had reopened”" in shown
    assert "document:    Bridge reopens (Reuters, 2 December 2024); quote verified" in shown
    bare = cli.ok(*base, "--questions", "Is the bridge open?", "--quote", "reopened").split()[-1]
    shown = cli.ok("facts", "show", bare)
    assert "quote (unverified): “reopened”" in shown
    assert "document:    none; the quote is unverified" in shown
    assert "Quote (unverified): “reopened”" in cli.ok("ask", "Is the bridge open?")
