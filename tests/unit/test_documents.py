"""Documents: the source texts facts quote, per server, in real SQLite files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.documents.library import DocumentDraft, Documents, QuoteNotFound
from bot.documents.records import MAX_DOCUMENT_BYTES
from bot.errors import NotFound, ValidationError
from bot.knowledge import Knowledge, KnowledgeError, load_knowledge
from bot.models import GLOBAL
from bot.store import Store

ARTICLE = "aleppo-2024-11-30"
ONE = 111111111111111111
TWO = 222222222222222222
STATEMENT = (
    "The ministry said on Monday that the bridge had reopened to traffic.\n\n"
    "Officials added that repairs had cost “around two million dollars”.\n"
)


@pytest.fixture
def store(db_path: Path, knowledge: Knowledge) -> Iterator[Store]:
    opened = Store(db_path)
    opened.seed(knowledge)
    yield opened
    opened.close()


@pytest.fixture
def documents(store: Store) -> Documents:
    return Documents(store)


def draft(**changes: object) -> DocumentDraft:
    values: dict[str, object] = {
        "title": "Bridge reopens",
        "outlet": "Reuters",
        "date": "2024-12-02",
        "text": STATEMENT.encode(),
        "url": "https://example.com/bridge",
    }
    values.update(changes)
    return DocumentDraft(**values)  # type: ignore[arg-type]


def problems_of(documents: Documents, **changes: object) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        documents.add(draft(**changes), guild_id=ONE, actor="test")
    return raised.value.problems


# -- add, list, show ---------------------------------------------------------------------


def test_the_article_is_the_first_curated_document(documents: Documents) -> None:
    [article] = documents.list(GLOBAL)
    assert (article.id, article.outlet, article.date) == (ARTICLE, "AFP", "2024-11-30")
    assert article.origin == "curated" and article.guild_id == GLOBAL
    knowledge_text = load_knowledge().article.text
    assert documents.show(GLOBAL, ARTICLE).text == knowledge_text
    assert article.characters == len(knowledge_text)


def test_add_stores_the_text_whole_and_who_added_it(documents: Documents, store: Store) -> None:
    added = documents.add(draft(), guild_id=ONE, actor="cli:alice")
    assert added.id == "bridge-reopens"
    shown = documents.show(ONE, added.id)
    assert shown.text == STATEMENT
    assert (shown.title, shown.outlet, shown.date) == ("Bridge reopens", "Reuters", "2024-12-02")
    assert shown.url == "https://example.com/bridge" and shown.added_by == "cli:alice"
    [entry] = store.db.query("select * from document_audit where document_id = ?", [added.id])
    assert (entry["actor"], entry["action"], entry["guild_id"]) == ("cli:alice", "add", ONE)
    assert json.loads(entry["record"])["title"] == "Bridge reopens"


def test_list_gives_the_curated_documents_then_the_servers_own(documents: Documents) -> None:
    first = documents.add(draft(), guild_id=ONE, actor="test")
    second = documents.add(draft(title="Bridge closes again"), guild_id=ONE, actor="test")
    assert [d.id for d in documents.list(ONE)] == [ARTICLE, first.id, second.id]


def test_a_server_never_sees_another_servers_documents(documents: Documents) -> None:
    own = documents.add(draft(), guild_id=ONE, actor="test")
    assert [d.id for d in documents.list(TWO)] == [ARTICLE]
    assert [d.id for d in documents.list(GLOBAL)] == [ARTICLE]
    with pytest.raises(NotFound):
        documents.show(TWO, own.id)
    with pytest.raises(NotFound):
        documents.verify_quote(TWO, own.id, "the bridge had reopened")
    # The same title is another server's own business: the same id, its own document, and
    # nothing that tells either server of the other's.
    theirs = documents.add(draft(), guild_id=TWO, actor="test")
    assert (theirs.guild_id, theirs.id) == (TWO, own.id)
    assert documents.show(TWO, own.id).guild_id == TWO
    assert documents.show(ONE, own.id).guild_id == ONE
    assert documents.show(TWO, ARTICLE).id == ARTICLE
    # A title that makes a curated document's id gets the next one.
    assert documents.add(draft(title=ARTICLE), guild_id=TWO, actor="test").id == f"{ARTICLE}-2"


def test_a_missing_document_is_not_found(documents: Documents) -> None:
    with pytest.raises(NotFound, match="no document 'nothing-here'"):
        documents.show(ONE, "nothing-here")


# -- quotes --------------------------------------------------------------------------------


def test_a_verbatim_quote_passes(documents: Documents) -> None:
    quote = "They also overran Aleppo Airport after government forces withdrew"
    assert documents.verify_quote(ONE, ARTICLE, quote).id == ARTICLE


def test_typographic_quote_marks_and_spacing_pass_as_check_allows(documents: Documents) -> None:
    # The article has “dozens of strategic towns without any resistance”, curly quotes.
    quote = 'took control of   "dozens of strategic towns\nwithout any resistance"'
    assert documents.verify_quote(ONE, ARTICLE, quote).id == ARTICLE
    added = documents.add(draft(), guild_id=ONE, actor="test")
    assert documents.verify_quote(ONE, added.id, 'cost "around two million dollars"')


def test_a_wrong_quote_is_refused_with_the_closest_passage(documents: Documents) -> None:
    with pytest.raises(QuoteNotFound) as raised:
        documents.verify_quote(ONE, ARTICLE, "They also overran Damascus Airport after troops left")
    assert "overran Aleppo Airport after government forces withdrew" in raised.value.closest
    assert str(raised.value).startswith('quote: not in "')
    assert raised.value.closest in str(raised.value)


def test_an_empty_or_overlong_quote_is_refused(documents: Documents) -> None:
    with pytest.raises(ValidationError, match="quote: required"):
        documents.verify_quote(ONE, ARTICLE, "  ")
    with pytest.raises(ValidationError, match="at most 1000 characters"):
        documents.verify_quote(ONE, ARTICLE, "Aleppo " * 200)


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"text": b"PK\x03\x04\x00\x00binary"}, "file: a binary file"),
        ({"text": "caf\xe9 au lait".encode("latin-1")}, "file: not UTF-8 text"),
        ({"text": b""}, "file: empty"),
        ({"text": b" \n\t\n"}, "file: empty"),
        ({"text": b"a" * (MAX_DOCUMENT_BYTES + 1)}, "file: at most 200 kB"),
        ({"date": "2024-02-30"}, "date: must be a date in the form YYYY-MM-DD"),
        ({"date": "30/11/2024"}, "date: must be a date in the form YYYY-MM-DD"),
        ({"date": "20241130"}, "date: must be a date in the form YYYY-MM-DD"),
        ({"title": "  "}, "title: required"),
        ({"title": "t" * 201}, "title: at most 200 characters"),
        ({"outlet": ""}, "outlet: required"),
        ({"outlet": "o" * 101}, "outlet: at most 100 characters"),
        ({"url": "ftp://example.com/file"}, "url: must be an http:// or https:// address"),
        ({"url": "example.com/bridge"}, "url: must be an http:// or https:// address"),
        ({"url": "javascript:alert(1)"}, "url: must be an http:// or https:// address"),
    ],
    ids=[
        "nul-bytes",
        "not-utf8",
        "empty",
        "blank",
        "over-200kB",
        "no-such-day",
        "day-first",
        "no-dashes",
        "no-title",
        "long-title",
        "no-outlet",
        "long-outlet",
        "ftp-url",
        "no-scheme-url",
        "javascript-url",
    ],
)
def test_bad_input_is_one_clear_problem(
    documents: Documents, changes: dict[str, object], expected: str
) -> None:
    [problem] = problems_of(documents, **changes)
    assert problem.startswith(expected), problem
    assert [d.id for d in documents.list(ONE)] == [ARTICLE]


def test_a_file_of_exactly_200_kB_is_accepted(documents: Documents) -> None:
    added = documents.add(draft(text=b"a" * MAX_DOCUMENT_BYTES), guild_id=ONE, actor="test")
    assert added.characters == MAX_DOCUMENT_BYTES


def test_a_title_the_server_already_has_is_refused(documents: Documents) -> None:
    documents.add(draft(), guild_id=ONE, actor="test")
    [problem] = problems_of(documents, title="BRIDGE  reopens!")
    assert problem == "title: this server already has a document titled 'Bridge reopens'"
    [curated] = problems_of(documents, title="Rebels take control of parts of Aleppo")
    assert curated.startswith("title: this server already has a document titled")


def test_every_problem_is_said_at_once(documents: Documents) -> None:
    problems = problems_of(documents, title="", outlet="", date="soon", url="ftp://x", text=b"")
    fields = [problem.split(":")[0] for problem in problems]
    assert fields == ["title", "outlet", "date", "url", "file"]


# -- curated documents from the knowledge files ---------------------------------------------


def _with_documents_file(folder: Path, toml: str, **texts: str) -> Knowledge:
    (folder / "documents.toml").write_text(toml, encoding="utf-8")
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_knowledge(folder)


STATEMENT_TOML = """
[[document]]
id = "ministry-bridge"
title = "Bridge reopens"
outlet = "Ministry of Transport"
date = 2024-12-02
url = "https://example.com/bridge"
file = "bridge.txt"
"""


def test_documents_toml_adds_curated_documents_on_seeding(
    db_path: Path, knowledge_copy: Path
) -> None:
    knowledge = _with_documents_file(knowledge_copy, STATEMENT_TOML, **{"bridge.txt": STATEMENT})
    store = Store(db_path)
    try:
        store.seed(knowledge)
        documents = Documents(store)
        assert [d.id for d in documents.list(ONE)] == [ARTICLE, "ministry-bridge"]
        bridge = documents.show(ONE, "ministry-bridge")
        assert bridge.text == STATEMENT and bridge.date == "2024-12-02"
        assert bridge.origin == "curated" and bridge.url == "https://example.com/bridge"

        # A changed text is stored on the next seeding; a document left out is removed.
        changed = _with_documents_file(knowledge_copy, STATEMENT_TOML, **{"bridge.txt": "New."})
        store.seed(changed)
        assert documents.show(ONE, "ministry-bridge").text == "New."
        (knowledge_copy / "documents.toml").unlink()
        store.seed(load_knowledge(knowledge_copy))
        assert [d.id for d in documents.list(ONE)] == [ARTICLE]
        actions = [r["action"] for r in store.db.query("select action from document_audit")]
        assert actions == ["seed-add", "seed-add", "seed-update", "seed-remove"]
    finally:
        store.close()


def test_a_curated_id_a_server_already_uses_is_refused(
    db_path: Path, knowledge: Knowledge, knowledge_copy: Path
) -> None:
    store = Store(db_path)
    try:
        store.seed(knowledge)
        theirs = Documents(store).add(draft(title="Ministry bridge"), guild_id=ONE, actor="t")
        assert theirs.id == "ministry-bridge"
        curated = _with_documents_file(knowledge_copy, STATEMENT_TOML, **{"bridge.txt": "New."})
        with pytest.raises(KnowledgeError, match="'ministry-bridge' already names"):
            store.seed(curated)
        assert Documents(store).show(ONE, "ministry-bridge").text == STATEMENT
    finally:
        store.close()


def test_a_bad_documents_toml_lists_every_problem(db_path: Path, knowledge_copy: Path) -> None:
    toml = """
[[document]]
id = "Not An Id"
outlet = "x"
date = "yesterday"
file = "missing.txt"
"""
    knowledge = _with_documents_file(knowledge_copy, toml)
    store = Store(db_path)
    try:
        with pytest.raises(KnowledgeError) as raised:
            store.seed(knowledge)
    finally:
        store.close()
    text = "\n".join(raised.value.problems)
    for expected in ("id: must be", "title: required", "date: must be", "'missing.txt'"):
        assert expected in text


def test_a_database_from_before_documents_gets_the_article_on_opening(
    db_path: Path, knowledge: Knowledge
) -> None:
    store = Store(db_path)
    store.seed(knowledge)
    # As such a database is: no documents tables, no record of them, the facts seeded.
    store.db.execute("drop table documents")
    store.db.execute("drop table document_audit")
    store.db.execute("delete from _sqlite_migrations where name = 'm003_documents'")
    store.db.execute("delete from meta where key = 'documents'")
    store.db.conn.commit()
    store.close()
    reopened = Store(db_path)
    try:
        assert reopened.seed(knowledge).skipped  # the facts are as they were
        assert [d.id for d in Documents(reopened).list(ONE)] == [ARTICLE]
    finally:
        reopened.close()


# -- the command line, through the real `python -m bot` -------------------------------------


def bot(db_path: Path, *args: str, guild: int = ONE) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db_path), "--guild", str(guild), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_add_prints_the_new_documents_id(db_path: Path, tmp_path: Path) -> None:
    file = tmp_path / "bridge.txt"
    file.write_text(STATEMENT, encoding="utf-8")
    ran = bot(
        db_path,
        *("documents", "add", str(file), "--outlet", "Reuters", "--date", "2024-12-02"),
        *("--title", "Bridge reopens", "--url", "https://example.com/bridge"),
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "bridge-reopens\n"
    store = Store(db_path)
    try:
        assert Documents(store).show(ONE, "bridge-reopens").text == STATEMENT
    finally:
        store.close()


def test_cli_list_shows_what_the_server_sees(db_path: Path) -> None:
    ran = bot(db_path, "documents", "list")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        f"{ARTICLE}  2024-11-30  AFP  (curated)",
        "    Rebels take control of parts of Aleppo",
        "1 document(s)",
    ]


def test_cli_show_gives_the_metadata_and_the_start_of_the_text(db_path: Path) -> None:
    ran = bot(db_path, "documents", "show", ARTICLE)
    assert ran.returncode == 0, ran.stderr
    assert f"id:       {ARTICLE}" in ran.stdout and "outlet:   AFP" in ran.stdout
    assert "Islamic fighters and their Turkish-backed allies" in ran.stdout
    assert "more characters)" in ran.stdout
    # The start, not the whole: the article's last words are not printed.
    assert load_knowledge().article.text.strip()[-40:] not in ran.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["documents", "add", "{bin}", "--outlet", "AFP", "--date", "2024-12-02", "--title", "B"],
        ["documents", "add", "{txt}", "--outlet", "AFP", "--date", "02/12/2024", "--title", "T"],
        ["documents", "add", "{txt}", "--outlet", "AFP", "--date", "2024-12-02"],
        ["documents", "show", "no-such-document"],
    ],
    ids=["binary-file", "bad-date", "no-title", "unknown-id"],
)
def test_cli_bad_input_is_one_line(db_path: Path, tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "b.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "t.txt").write_text(STATEMENT, encoding="utf-8")
    paths = {"bin": str(tmp_path / "b.bin"), "txt": str(tmp_path / "t.txt")}
    ran = bot(db_path, *(arg.format(**paths) for arg in args))
    assert ran.returncode != 0
    assert ran.stdout == ""
    assert len(ran.stderr.splitlines()) == 1 and ran.stderr.startswith("Error: "), ran.stderr
    assert "Traceback" not in ran.stderr
