"""What the drafter's tests share: the made-up reports, a few known sources, and drafting
a text with the shipped lexicon."""

from __future__ import annotations

from pathlib import Path

from bench.drafting import Case, load_claims, load_lexicon, load_sources
from bot.drafting import Document, Draft, draft_facts
from bot.models import Source

ROOT = Path(__file__).resolve().parent.parent.parent.parent
REPORTS = ROOT / "tests" / "data" / "reports"
LEXICON = ROOT / "knowledge" / "lexicon.toml"
# Each made-up report and the outlet that filed it.
OUTLETS = {
    "hama-advance": "Reuters",
    "aid-warning": "AFP",
    "idlib-strikes": "AFP",
    "homs-outskirts": "AP",
    "damascus-encircled": "AFP",
    "deir-ezzor": "AFP",
    "latakia-strikes": "Reuters",
    "damascus-falls": "AFP",
    "manbij-clashes": "AFP",
    "saydnaya-search": "AFP",
    "deraa-clashes": "AFP",
    "idlib-hospitals": "BBC",
    "golan-buffer": "AFP",
}


def report_case(name: str, outlet: str) -> Case:
    text = (REPORTS / f"{name}.txt").read_text(encoding="utf-8")
    return Case(
        Document(name, name, outlet, "2024-12-03", text),
        load_sources(REPORTS / f"{name}-sources.toml"),
        load_lexicon(LEXICON),
        load_claims(REPORTS / f"{name}.toml"),
    )


SOURCES = (
    Source(
        "sohr",
        "Syrian Observatory for Human Rights",
        ("SOHR", "the Observatory", "war monitor"),
        "Britain-based war monitor.",
    ),
    Source("rami", "Rami Abdel Rahman", ("Abdel Rahman",), part_of="sohr"),
    Source("army", "Syrian Army", ("Syrian military", "army")),
    Source("tehran", "Iranian government", ("Tehran", "Iran")),
    Source("afp", "AFP", ("Agence France-Presse",)),
)


def drafts_of(text: str, sources: tuple[Source, ...] = SOURCES) -> list[Draft]:
    document = Document("test", "Test", "AFP", "2024-12-01", text)
    return draft_facts(document, sources, load_lexicon(LEXICON))


def claimant_of(text: str, words: str) -> str:
    """The source of the draft whose quote holds `words`."""
    drafts = [draft for draft in drafts_of(text) if words in draft.quote]
    assert drafts, f"no draft quotes {words!r}"
    return min(drafts, key=lambda draft: len(draft.quote)).source
