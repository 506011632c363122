"""Export and import carry the documents a server's facts cite: a line per document
before the facts, added (or matched) in the importing server with the facts, all or
nothing, in real SQLite files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.documents.library import Documents
from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.service import FactService
from tests.helpers import Cli
from tests.unit.test_checking import BRIDGE, ONE, TWO, add_bridge, bridge_fact

THREE = 333333333333333333


@pytest.fixture
def other(tmp_path: Path) -> Iterator[FactService]:
    """Another database, as another bot's: fact ids are unique within one."""
    opened = FactService.open(tmp_path / "other.db")
    yield opened
    opened.close()


def exported_server(service: FactService) -> str:
    """Server ONE with a document of its own, a fact citing it and one citing the article."""
    bridge = add_bridge(service)
    service.add_fact(bridge_fact(bridge.id, "around two million dollars"), guild_id=ONE, actor="t")
    article = service.knowledge.article.id
    service.add_fact(
        bridge_fact(
            article,
            "Syria's second city",
            questions="Which city ranks second in Syria by size, per the bridge report?",
        ),
        guild_id=ONE,
        actor="t",
    )
    return service.export_jsonl(ONE)


def test_export_writes_the_cited_documents_before_the_facts(service: FactService) -> None:
    lines = [json.loads(line) for line in exported_server(service).splitlines()]
    assert [sorted(line) for line in lines[:1]] == [["document"]]
    document = lines[0]["document"]
    assert document["title"] == "Bridge reopens" and document["text"] == BRIDGE
    assert document["outlet"] == "Reuters" and document["date"] == "2024-12-02"
    facts = lines[1:]
    assert len(facts) == 2 and all("statement" in fact for fact in facts)
    # The article is in every database: cited by its id, not written out.
    assert {fact["document"] for fact in facts} == {document["id"], service.knowledge.article.id}


def test_import_into_another_server_carries_documents_and_facts(
    service: FactService, other: FactService
) -> None:
    data = exported_server(service)
    # A third server there already has the id the export's document has: ids are each
    # server's own, so the imported copy has it too, and the facts cite that copy.
    taken = add_bridge(other, guild_id=THREE)
    report = other.import_jsonl(data, guild_id=TWO, actor="t")
    assert (report.added, report.documents_added) == (2, 1)
    theirs = [d for d in Documents(other.store).list(TWO) if d.guild_id == TWO]
    assert [d.title for d in theirs] == ["Bridge reopens"]
    [own] = theirs
    assert own.id == taken.id
    facts = {fact.document: fact for fact in other.list_facts(TWO) if fact.guild_id == TWO}
    assert set(facts) == {own.id, other.knowledge.article.id}
    assert all(fact.quote_verified for fact in facts.values())
    audit = other.store.db.query(
        "select action, actor from document_audit where guild_id = ? and document_id = ?",
        [TWO, own.id],
    )
    assert [(row["action"], row["actor"]) for row in audit] == [("import-add", "t")]
    # Again: the document is matched (same title, text and date), the facts unchanged.
    again = other.import_jsonl(data, guild_id=TWO, actor="t")
    assert (again.added, again.unchanged, again.documents_added) == (0, 2, 0)


def test_a_fact_whose_quote_is_not_in_the_imported_document_stops_the_import(
    service: FactService, other: FactService
) -> None:
    lines = exported_server(service).splitlines()
    fact = json.loads(lines[1])
    fact["quote"] = "around three million dollars"
    with pytest.raises(ValidationError) as raised:
        other.import_jsonl("\n".join([lines[0], json.dumps(fact)]), guild_id=THREE, actor="t")
    assert [p.split(";")[0] for p in raised.value.problems] == [
        'line 2: quote: not in "Bridge reopens"'
    ]
    # All or nothing: neither the document nor any fact was written.
    assert [d for d in Documents(other.store).list(THREE) if d.guild_id == THREE] == []
    assert [f for f in other.list_facts(THREE) if f.guild_id == THREE] == []


def test_a_document_line_with_a_clashing_title_is_refused(
    service: FactService, other: FactService
) -> None:
    data = exported_server(service)
    add_bridge(other, guild_id=TWO, date="2024-12-03")  # same title, another day
    with pytest.raises(ValidationError, match="already has a document titled 'Bridge reopens'"):
        other.import_jsonl(data, guild_id=TWO, actor="t")


def test_an_export_written_before_documents_still_imports(service: FactService) -> None:
    old = {
        "id": "an-old-fact",
        "statement": "The bridge reopened.",
        "source": "AFP",
        "questions": ["Did the bridge reopen?"],
        "reported_by": "AFP",
        "quote": "the bridge reopened",
        "date": "2024-12-02",
        "topics": [],
        "point": None,
    }
    report = service.import_jsonl(json.dumps(old) + "\n", guild_id=ONE, actor="t")
    assert report.added == 1
    fact = service.get_fact("an-old-fact", ONE)
    assert fact.document is None and not fact.quote_verified


def test_the_cli_exports_and_imports_documents(
    service: FactService, db_path: Path, tmp_path: Path
) -> None:
    exported_server(service)
    service.add_fact(
        FactDraft.from_fields(statement="Uncited.", source="AFP", questions="Anything uncited?"),
        guild_id=ONE,
        actor="t",
    )
    target = tmp_path / "one.jsonl"
    Cli(db_path, guild=ONE).ok("facts", "export", "-o", str(target))
    assert json.loads(target.read_text().splitlines()[0])["document"]["title"] == "Bridge reopens"
    shown = Cli(tmp_path / "other.db", guild=THREE).ok("facts", "import", str(target))
    assert shown.strip() == ("imported: 3 added, 0 updated, 0 unchanged; 1 document(s) added")
