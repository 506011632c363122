"""Questions about facts accepted from a report's drafts as they stand.

    python -m bench.accepted --report R.txt --questions Q.jsonl [--outlet AFP]
                             [--date 2024-12-01] [--title T] [--show-failures]

Drafts the report with the shipped sources and lexicon, adds every proposed source and
imports every draft, unedited, into one server of a new database beside the curated
facts, then scores the question set (the shared/eval format) asked in that server. This
is what a server gets when a moderator accepts every draft without touching it: the
drafts arrive with a few generated phrasings, so the score says how far the matching
generalises from them.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bot.drafting import Document, draft_facts
from bot.evaluation import Tally, evaluate, load_questions
from bot.service import FactService

SERVER = 123456789012345678


def report_text(path: Path) -> str:
    """The report without a `date …` first line, as the shipped article's file has one."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    return rest if first.startswith("date ") else text


def accept_all(service: FactService, document: Document) -> int:
    """Add the proposed sources, import every draft; the number of facts added."""
    drafts = draft_facts(
        document, service.store.sources(), service.knowledge.lexicon, existing=service.store.facts()
    )
    added: dict[str, str] = {}
    for draft in drafts:
        if draft.new_source and draft.source_name not in added:
            source = service.add_source(draft.source_name, guild_id=SERVER)
            added[draft.source_name] = source.id
    lines = []
    for draft in drafts:
        record = draft.to_record()
        if draft.new_source:
            record["source"] = added[draft.source_name]
        lines.append(json.dumps(record, ensure_ascii=False))
    return service.import_jsonl("\n".join(lines), guild_id=SERVER, actor="bench").added


def measure(report: Path, questions: Path, outlet: str, date: str, title: str) -> Tally:
    items = load_questions(questions)
    document = Document(report.stem, title, outlet, date, report_text(report))
    with tempfile.TemporaryDirectory() as folder:
        service = FactService.open(Path(folder) / "factbot.db")
        try:
            accepted = accept_all(service, document)
            print(f"{report.name}: {accepted} drafts accepted as they stand")
            return evaluate(items, lambda q: service.ask(q, SERVER, log=False).to_json())
        finally:
            service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--outlet", default="AFP")
    parser.add_argument("--date", default="2024-12-01")
    parser.add_argument("--title", default="A follow-up report")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    tally = measure(args.report, args.questions, args.outlet, args.date, args.title)
    if args.show_failures:
        for failure in tally.failures:
            print(failure)
    print(tally.summary())


if __name__ == "__main__":
    main()
