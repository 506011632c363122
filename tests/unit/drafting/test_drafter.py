"""Drafts as records: points, ids, the knowledge checks, `facts import`, and what the
drafter needs to run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.drafting import Document, draft_facts
from bot.knowledge import Lexicon, load_knowledge
from bot.validation import validate_fact_record
from tests.unit.drafting.support import ROOT, SOURCES, drafts_of


def test_two_casualty_figures_from_different_sources_share_a_point() -> None:
    text = (
        "The Syrian Army said dozens of soldiers were killed. "
        "The Observatory said the army had lost 100 troops."
    )
    army, monitor = drafts_of(text)
    assert army.points
    assert army.points == monitor.points


def test_ids_are_unique_slugs_of_content_words() -> None:
    drafts = draft_facts(
        Document.from_article(load_knowledge().article),
        load_knowledge().sources,
        load_knowledge().lexicon,
    )
    ids = [draft.id for draft in drafts]
    assert len(set(ids)) == len(ids)
    assert all(
        draft.id.replace("-", "").isalnum() and draft.id == draft.id.lower() for draft in drafts
    )


def test_every_record_passes_the_knowledge_checks() -> None:
    knowledge = load_knowledge()
    drafts = draft_facts(
        Document.from_article(knowledge.article), knowledge.sources, knowledge.lexicon
    )
    for draft in drafts:
        problems = validate_fact_record(
            draft.to_record(),
            known_sources={source.id: source for source in knowledge.sources},
            article_text=knowledge.article.text,
            min_questions=3,
        )
        assert problems == [], (draft.id, problems)


def test_facts_import_takes_the_drafts_next_to_the_curated_facts(tmp_path: Path) -> None:
    knowledge = load_knowledge()
    drafts = draft_facts(
        Document.from_article(knowledge.article),
        knowledge.sources,
        knowledge.lexicon,
        existing=knowledge.facts,
    )
    records = tmp_path / "drafts.jsonl"
    records.write_text("".join(json.dumps(d.to_record()) + "\n" for d in drafts), "utf-8")
    db = tmp_path / "factbot.db"
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db), "facts", "import", str(records)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"{len(drafts)} added" in completed.stdout


def test_the_drafter_needs_no_database_network_or_discord() -> None:
    probe = (
        "import sys, bot.drafting; "
        "print(sorted(m for m in ('discord', 'sqlite3', 'sqlite_utils', 'socket', 'aiohttp') "
        "if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_a_lexicon_without_synonyms_still_gives_three_phrasings() -> None:
    document = Document("t", "t", "AFP", "2024-12-01", "Tehran said the talks failed.")
    [draft] = draft_facts(document, SOURCES, Lexicon())
    assert len(draft.questions) >= 3
