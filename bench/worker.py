"""One measurement in a fresh process, so that peak memory belongs to it alone.

    python -m bench.worker bot --size 10000 --questions 390 --check 40
    python -m bench.worker reference --size 10000 --questions 100

`bot` builds the MatchIndex on the shipped facts plus `size` synthetic ones, then times
`match()` per question; `reference` times a plain rapidfuzz extractOne over every phrasing of
the same base, on the same questions. Each prints one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.synthetic import synthetic_facts, synthetic_questions
from bot.knowledge import Knowledge, default_knowledge_dir, load_knowledge
from bot.matcher import Decision, MatchIndex
from bot.models import Fact, FactKey

VALIDATION = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "validation-questions.jsonl"
)
WARM_UP = 30


def base(size: int) -> tuple[Knowledge, list[Fact], list[Fact]]:
    """The knowledge, every fact (the shipped ones plus `size` synthetic ones), and the
    facts to ask about (the synthetic ones, if any)."""
    knowledge = load_knowledge(default_knowledge_dir())
    extra = synthetic_facts(size)
    return knowledge, [*knowledge.facts, *extra], extra or list(knowledge.facts)


def questions(about: Sequence[Fact], count: int) -> list[str]:
    """The validation questions, then questions generated about `about`, `count` in all."""
    lines = VALIDATION.read_text(encoding="utf-8").splitlines()
    validation = [json.loads(line)["q"] for line in lines if line.strip()]
    return (validation + synthetic_questions(about, max(count - len(validation), 0)))[:count]


def percentiles(samples_ns: list[int]) -> dict[str, float]:
    ordered = sorted(samples_ns)

    def at(share: float) -> float:
        return ordered[min(int(share * len(ordered)), len(ordered) - 1)] / 1e6

    return {"p50_ms": at(0.50), "p99_ms": at(0.99), "max_ms": ordered[-1] / 1e6}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def outcome(decision: Decision) -> tuple[str, list[str]]:
    return decision.outcome, [m.fact.id for m in decision.matches]


def measure_bot(size: int, count: int, check: int) -> dict[str, Any]:
    knowledge, facts, about = base(size)
    started = time.perf_counter()
    index = MatchIndex(knowledge.lexicon, knowledge.sources, facts)
    build_s = time.perf_counter() - started
    # As the bot does once its index is built (runner.run_bot, and after a rebuild): a
    # long-lived index left to the collector costs a full rescan of it now and then,
    # up to 0.7 s at 100,000 facts, which the bot never pays.
    gc.freeze()
    # Warmed up on questions of its own: the index keeps what a question came to, so a
    # timed question asked during warm-up would be timed as a look-up.
    asked = questions(about, count + WARM_UP)
    asked, warm_up = asked[:count], asked[count:]
    for question in warm_up:
        index.match(question)
    index.capped_searches = 0
    samples = []
    for question in asked:
        started_ns = time.perf_counter_ns()
        index.match(question)
        samples.append(time.perf_counter_ns() - started_ns)
    result: dict[str, Any] = {
        "facts": len(index),
        "build_s": build_s,
        "questions": len(asked),
        "capped": index.capped_searches,
        "peak_rss_mb": peak_rss_mb(),
        **percentiles(samples),
    }
    result["update_ms"] = updates(index, about)
    # Checked last: scoring every fact builds every entry, which would swell the peak above.
    sample = asked[:: max(len(asked) // check, 1)][:check] if check else []
    agree = sum(outcome(index.match(q)) == outcome(index.match(q, exact=True)) for q in sample)
    result.update(checked=len(sample), agree=agree)
    return result


def updates(index: MatchIndex, about: Sequence[Fact], rounds: int = 7) -> dict[str, float]:
    """Median milliseconds to add, edit and remove one fact in place."""
    new = synthetic_facts(rounds, seed=7, prefix="bench-new")
    timings: dict[str, list[float]] = {"add": [], "edit": [], "remove": []}
    for number, fact in enumerate(new):
        edit = dataclasses.replace(about[number], statement=f"Revised: {about[number].statement}")
        changes: list[tuple[str, list[Fact], list[FactKey]]] = [
            ("add", [fact], []),
            ("edit", [edit], []),
            ("remove", [], [fact.key]),
        ]
        for kind, upserts, removals in changes:
            started = time.perf_counter()
            index.apply(upserts=upserts, removals=removals)
            timings[kind].append((time.perf_counter() - started) * 1000)
    return {kind: statistics.median(values) for kind, values in timings.items()}


def measure_reference(size: int, count: int) -> dict[str, Any]:
    from rapidfuzz import fuzz, process, utils

    _, facts, about = base(size)
    # Processed once, as anyone would; the question is processed per call.
    phrasings = [utils.default_process(q) for fact in facts for q in fact.questions]
    asked = questions(about, count)
    for question in asked[:3]:
        process.extractOne(question, phrasings, scorer=fuzz.token_set_ratio)
    samples = []
    for question in asked:
        started_ns = time.perf_counter_ns()
        process.extractOne(utils.default_process(question), phrasings, scorer=fuzz.token_set_ratio)
        samples.append(time.perf_counter_ns() - started_ns)
    return {"phrasings": len(phrasings), "questions": len(asked), **percentiles(samples)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["bot", "reference"])
    parser.add_argument("--size", type=int, required=True, help="synthetic facts to add")
    parser.add_argument("--questions", type=int, default=390)
    parser.add_argument("--check", type=int, default=0, help="questions checked against exact")
    args = parser.parse_args(argv)
    if args.what == "bot":
        result = measure_bot(args.size, args.questions, args.check)
    else:
        result = measure_reference(args.size, args.questions)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
