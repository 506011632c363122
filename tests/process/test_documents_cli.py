"""`python -m bot` as separate processes: a server cites its documents, a wrong quote is
refused with the closest passage, and an export moves documents and facts into another
server of another database, as an old export without documents still does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ONE = 111111111111111111
TWO = 222222222222222222
BRIDGE = (
    "The ministry said on Monday that the bridge had reopened to traffic.\n\n"
    "Officials added that repairs had cost “around two million dollars”.\n"
)


def bot(db: Path, guild: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "--guild", str(guild), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def ok(db: Path, guild: int, *args: str) -> str:
    ran = bot(db, guild, *args)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.stdout


def test_documents_and_their_facts_move_between_databases(tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    text = tmp_path / "bridge.txt"
    text.write_text(BRIDGE, encoding="utf-8")
    meta = ["--title", "Bridge reopens", "--outlet", "Reuters", "--date", "2031-01-05"]
    document = ok(first, ONE, "documents", "add", str(text), *meta).strip()
    fact = ["facts", "add", "--statement", "The bridge reopened.", "--source", "AFP"]
    fact += ["--questions", "Did the bridge reopen?", "--document", document]

    refused = bot(first, ONE, *fact, "--quote", "the bridge has reopened")
    assert refused.returncode != 0
    shown = refused.stdout + refused.stderr
    assert 'quote: not in "Bridge reopens"; the closest passage is "' in shown
    assert "the bridge had reopened to traffic" in shown
    # Another server cannot cite it.
    elsewhere = bot(first, TWO, *fact, "--quote", "the bridge had reopened")
    assert f"no document '{document}' in this server" in elsewhere.stdout + elsewhere.stderr

    added = ok(first, ONE, *fact, "--quote", "the bridge had reopened").split()[-1]
    exported = tmp_path / "one.jsonl"
    ok(first, ONE, "facts", "export", "-o", str(exported))
    first_line = json.loads(exported.read_text(encoding="utf-8").splitlines()[0])
    assert first_line["document"]["title"] == "Bridge reopens"

    report = ok(second, TWO, "facts", "import", str(exported))
    assert report.strip() == "imported: 1 added, 0 updated, 0 unchanged; 1 document(s) added"
    card = ok(second, TWO, "facts", "show", added)
    assert "Bridge reopens (Reuters, 5 January 2031); quote verified" in card
    assert "as of 5 January 2031" in ok(second, TWO, "ask", "hello")
    assert "Quote: “the bridge had reopened”" in ok(second, TWO, "ask", "Did the bridge reopen?")


def test_an_export_without_document_lines_still_imports(tmp_path: Path) -> None:
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
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    db = tmp_path / "bot.db"
    assert ok(db, ONE, "facts", "import", str(path)).strip() == (
        "imported: 1 added, 0 updated, 0 unchanged"
    )
    assert "none; the quote is unverified" in ok(db, ONE, "facts", "show", "an-old-fact")
    answer = ok(db, ONE, "ask", "Did the bridge reopen?")
    assert "Quote (unverified): “the bridge reopened”" in answer
