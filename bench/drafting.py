"""Drafting: how many of a report's curated claims the drafter finds, and with whom.

    python -m bench.drafting                         # the shipped article and facts
    python -m bench.drafting --knowledge DIR         # a folder laid out like knowledge/
    python -m bench.drafting --report R.txt --claims R.toml [--sources S.toml]
                             [--outlet AFP] [--date 2024-11-30] [--runs 7] [--json]

Drafts the report with the known sources and the lexicon, then compares the drafts with
the curated claims (each a verbatim quote and the id of who made it; facts.toml's
[[fact]] tables or a [[claim]] list serve). Prints:

- coverage: the share of curated quotes at least half covered by one draft's quote;
- claimant agreement: of the covered quotes, the share whose closest draft (the one
  whose span overlaps the quote's most, relative to both) names the same source;
- verbatim: the share of drafted quotes that are exact slices of the report (must be 1);
- time to draft: the median of several runs;
then every miss. The curated claims only measure; the drafter never sees them.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.drafting import Document, Draft, draft_facts
from bot.knowledge import Lexicon, SynonymGroup, default_knowledge_dir
from bot.models import Source
from bot.text import fold, slug

# A curated quote counts as covered when one draft's quote spans at least this share of it.
COVERED_SHARE = 0.5


@dataclass(frozen=True)
class Claim:
    quote: str
    source: str


@dataclass(frozen=True)
class Case:
    document: Document
    sources: tuple[Source, ...]
    lexicon: Lexicon
    claims: tuple[Claim, ...]


@dataclass
class Measure:
    claims: int = 0
    covered: int = 0
    agreed: int = 0
    drafts: int = 0
    verbatim: int = 0
    new_sources: int = 0
    seconds: float = 0.0
    runs: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.covered / self.claims if self.claims else 1.0

    @property
    def agreement(self) -> float:
        return self.agreed / self.covered if self.covered else 1.0

    @property
    def verbatim_share(self) -> float:
        return self.verbatim / self.drafts if self.drafts else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "coverage": round(self.coverage, 4),
            "claimant_agreement": round(self.agreement, 4),
            "drafts": self.drafts,
            "verbatim": round(self.verbatim_share, 4),
            "new_sources": self.new_sources,
            "median_seconds": round(self.seconds, 4),
            "runs": self.runs,
            "misses": self.misses,
        }


def load_sources(path: Path) -> tuple[Source, ...]:
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Source(
            id=record["id"],
            name=record["name"],
            aliases=tuple(record.get("aliases", ())),
            description=record.get("description", ""),
            part_of=record.get("part_of"),
        )
        for record in table.get("source", [])
    )


def load_lexicon(path: Path) -> Lexicon:
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = tuple(
        SynonymGroup(record["canonical"], tuple(record["variants"]), record.get("broader"))
        for record in table.get("synonyms", [])
    )
    return Lexicon(frozenset(fold(word) for word in table.get("stopwords", [])), groups)


def load_claims(path: Path) -> tuple[Claim, ...]:
    """Curated claims from facts.toml ([[fact]]), a [[claim]] list, or JSON lines."""
    if path.suffix in (".json", ".jsonl"):
        text = path.read_text(encoding="utf-8").strip()
        records = (
            json.loads(text)
            if text.startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
    else:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        records = table.get("fact") or table.get("claim") or []
    return tuple(
        Claim(record["quote"], record.get("source") or record["claimant"])
        for record in records
        if record.get("quote")
    )


def shipped_case() -> Case:
    return folder_case(default_knowledge_dir())


def folder_case(directory: Path) -> Case:
    """A folder laid out like knowledge/: article.toml, sources.toml, facts.toml and,
    if it has one, lexicon.toml (else the shipped lexicon)."""
    article = tomllib.loads((directory / "article.toml").read_text(encoding="utf-8"))
    text = (directory / article["file"]).read_text(encoding="utf-8")
    document = Document(
        str(article["id"]),
        str(article.get("title", "")),
        str(article["outlet"]),
        str(article["date"]),
        text,
        article.get("url"),
    )
    lexicon_path = directory / "lexicon.toml"
    if not lexicon_path.exists():
        lexicon_path = default_knowledge_dir() / "lexicon.toml"
    claims_path = directory / "facts.toml"
    if not claims_path.exists():
        claims_path = directory / "claims.toml"
    return Case(
        document,
        load_sources(directory / "sources.toml"),
        load_lexicon(lexicon_path),
        load_claims(claims_path),
    )


def report_case(
    report: Path, claims: Path, sources: Path, lexicon: Path, outlet: str, date: str
) -> Case:
    text = report.read_text(encoding="utf-8")
    document = Document(report.stem, report.stem, outlet, date, text)
    return Case(document, load_sources(sources), load_lexicon(lexicon), load_claims(claims))


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where a curated quote is in the text; typographic quotes, dashes and spaces may
    differ, as the knowledge checker allows."""
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = ""
    for char in quote.strip():
        if char in "\"'“”‘’„":
            pattern += "[\"'“”‘’„]"
        elif char in "-–—‐‑":
            pattern += "[-–—‐‑]"
        elif char.isspace():
            pattern += r"\s+"
        else:
            pattern += re.escape(char)
    match = re.search(pattern, text)
    return match.span() if match else None


def same_source(draft: Draft, expected: str) -> bool:
    """The draft names the curated source: by id, or by name (a proposed source has no id
    yet, and a list of claims may name a known one)."""
    return draft.source == expected or slug(draft.source_name) == slug(expected)


def measure(case: Case, runs: int = 5) -> Measure:
    timings = []
    drafts: list[Draft] = []
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        drafts = draft_facts(case.document, case.sources, case.lexicon)
        timings.append(time.perf_counter() - started)
    text = case.document.text
    result = Measure(runs=len(timings), seconds=statistics.median(timings))
    result.drafts = len(drafts)
    result.verbatim = sum(1 for d in drafts if text[d.start : d.end] == d.quote and d.quote in text)
    result.new_sources = len({d.source for d in drafts if d.new_source})
    for draft in drafts:
        if text[draft.start : draft.end] != draft.quote:
            result.misses.append(f"NOT VERBATIM {draft.id}: {draft.quote!r}")
    for claim in case.claims:
        result.claims += 1
        span = locate(text, claim.quote)
        if span is None:
            result.misses.append(f"CURATED QUOTE NOT IN TEXT [{claim.source}] {claim.quote!r}")
            continue
        best = _closest(span, drafts)
        if best is None:
            result.misses.append(f"UNCOVERED [{claim.source}] {claim.quote!r}")
            continue
        result.covered += 1
        if same_source(best, claim.source):
            result.agreed += 1
        else:
            result.misses.append(
                f"CLAIMANT [{claim.source}] drafted as [{best.source}] "
                f"({best.claimant_words or 'reporter'}): {claim.quote!r}"
            )
    return result


def _closest(span: tuple[int, int], drafts: Sequence[Draft]) -> Draft | None:
    start, end = span
    best: tuple[float, Draft] | None = None
    for draft in drafts:
        overlap = min(end, draft.end) - max(start, draft.start)
        if overlap <= 0 or overlap < COVERED_SHARE * (end - start):
            continue
        union = max(end, draft.end) - min(start, draft.start)
        score = overlap / union
        if best is None or score > best[0]:
            best = (score, draft)
    return best[1] if best else None


def report(name: str, result: Measure) -> str:
    lines = [
        f"drafting {name}: {result.drafts} drafts, {result.new_sources} new source(s) proposed",
        f"  coverage            {result.covered}/{result.claims} = {result.coverage:.1%}",
        f"  claimant agreement  {result.agreed}/{result.covered} = {result.agreement:.1%}",
        f"  verbatim            {result.verbatim}/{result.drafts} = {result.verbatim_share:.1%}",
        f"  time to draft       {result.seconds * 1000:.1f} ms (median of {result.runs} runs)",
    ]
    if result.misses:
        lines.append("  misses:")
        lines.extend(f"    {miss}" for miss in result.misses)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, help="a folder laid out like knowledge/")
    parser.add_argument("--report", type=Path, help="a report's text")
    parser.add_argument("--claims", type=Path, help="its curated claims (TOML or JSON)")
    parser.add_argument("--sources", type=Path, default=default_knowledge_dir() / "sources.toml")
    parser.add_argument("--lexicon", type=Path, default=default_knowledge_dir() / "lexicon.toml")
    parser.add_argument("--outlet", default="AFP")
    parser.add_argument("--date", default="2024-11-30")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.report is not None:
        if args.claims is None:
            parser.error("--report needs --claims")
        case = report_case(
            args.report, args.claims, args.sources, args.lexicon, args.outlet, args.date
        )
        name = str(args.report)
    elif args.knowledge is not None:
        case, name = folder_case(args.knowledge), str(args.knowledge)
    else:
        case, name = shipped_case(), "the shipped article"
    result = measure(case, args.runs)
    print(json.dumps(result.to_json(), indent=2) if args.json else report(name, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
