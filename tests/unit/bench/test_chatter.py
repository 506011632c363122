"""The chatter robustness generator (bench/chatter.py): its patterns and a tiny real run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bench.chatter import (
    PATTERNS,
    Pattern,
    in_scope_questions,
    main,
    measure,
    outcome_change,
    style_of,
)
from bot.models import Answer, AskResult, Citation, Outcome
from bot.service import FactService

QUESTIONS = [
    "did the rebels take the airport?",
    "How many districts did they seize",
    "who is HTS.",
    "civilian deaths",
]
# Words about the article's subject: chatter that used them would change what is asked.
TOPIC_WORDS = {
    "syria", "syrian", "aleppo", "war", "rebel", "rebels", "army", "regime", "assad",
    "idlib", "hts", "russia", "russian", "turkey", "iran", "military", "soldier", "soldiers",
    "airport", "district", "districts", "killed", "dead", "deaths", "civilians", "offensive",
    "strikes", "city", "jihadist", "jihadists", "fighters", "attack",
}  # fmt: skip
NEGATIONS = {"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without"}
SUMMARY = re.compile(
    r"^chatter: \d+ variants of \d+ questions, outcome changed in \d+ \(\d+\.\d%\)$"
)


def chatter_words(pattern: Pattern) -> list[str]:
    text = pattern.template.replace("{q}", " ").replace("{core}", " ").lower()
    return re.findall(r"[a-z']+", text)


def test_there_are_at_least_30_distinct_patterns() -> None:
    assert len(PATTERNS) >= 30
    assert len({p.name for p in PATTERNS}) == len(PATTERNS)
    assert len({(p.template, p.case) for p in PATTERNS}) == len(PATTERNS)


def test_chatter_goes_before_after_and_around() -> None:
    kinds = [p.kind for p in PATTERNS]
    for kind in ("before", "after", "around"):
        assert kinds.count(kind) >= 5, kind


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_every_variant_keeps_the_question(pattern: Pattern) -> None:
    for question in QUESTIONS:
        variant = pattern.apply(question)
        core = question.rstrip("?!. ")
        assert core.casefold() in variant.casefold()
        assert variant != question


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_chatter_adds_no_topic_words_and_no_negation(pattern: Pattern) -> None:
    words = chatter_words(pattern)
    assert not TOPIC_WORDS.intersection(words)
    assert not NEGATIONS.intersection(words)
    assert not any(word.endswith("n't") for word in words)


def test_the_brief_s_kinds_of_chatter_are_all_there() -> None:
    templates = " ".join(p.template for p in PATTERNS)
    for piece in ("hey bot", "<@", "@everyone", "lol", "ngl", "😭", "<:", "dumb question",
                  "quick q", "thx", "sorry for the spam", "tiktok", "my friend", "anyone know",
                  "**", "||", "`", "???", "!!", "https://", "\n"):  # fmt: skip
        assert piece in templates, piece
    assert {"upper", "lower"} <= {p.case for p in PATTERNS}


def test_a_pattern_needs_exactly_one_slot() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Pattern("none", "hello")
    with pytest.raises(ValueError, match="exactly one"):
        Pattern("two", "{q} and {core}")


def test_core_slot_drops_the_question_s_own_punctuation() -> None:
    assert Pattern("q", "{core}???").apply("airport taken? ") == "airport taken???"
    assert Pattern("q", "hey {core}!!", case="upper").apply("taken?") == "HEY TAKEN!!"
    assert Pattern("q", "{core}!").apply("???") == "???!"


def result(outcome: Outcome, fact_id: str | None = None) -> AskResult:
    answers: tuple[Answer, ...] = ()
    if fact_id is not None:
        citation = Citation("afp", "AFP", "AFP", "2024-11-30")
        answers = (Answer(fact_id, "text", citation, None, 1.0),)
    return AskResult("q", outcome, "message", answers)


def test_outcome_change_kinds() -> None:
    assert outcome_change(result("answered", "a"), result("answered", "a")) is None
    assert outcome_change(result("answered", "a"), result("answered", "b")) == "switched"
    assert outcome_change(result("answered", "a"), result("unknown")) == "lost"
    assert outcome_change(result("answered", "a"), result("suggest")) == "lost"
    assert outcome_change(result("unknown"), result("answered", "a")) == "gained"
    assert outcome_change(result("unknown"), result("suggest")) is None


def test_only_clean_in_scope_questions_are_chosen(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    items = [
        {"id": "v-clean-001", "q": "airport taken?", "expect": "answer", "any": ["airport"]},
        {"id": "v-chat-001", "q": "yo airport??", "expect": "answer", "any": ["airport"]},
        {"id": "v-clean-002", "q": "weather?", "expect": "abstain"},
        {"id": "d01", "q": "airport taken?", "expect": "answer", "any": ["airport"]},
        {"id": "x", "q": "districts?", "expect": "answer", "any": ["five"], "style": "chat"},
    ]
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    assert [i["id"] for i in in_scope_questions([path])] == ["v-clean-001"]
    assert [i["id"] for i in in_scope_questions([path], all_styles=True)] == [
        "v-clean-001",
        "v-chat-001",
        "x",
    ]
    assert style_of({"id": "c001"}, Path("chat-questions.jsonl")) == "chat"
    assert style_of({"id": "d01"}, Path("dev-questions.jsonl")) == "clean"


TWO: list[dict[str, Any]] = [
    {"id": "a", "q": "Did the rebels take the airport?", "expect": "answer", "any": ["airport"]},
    {"id": "b", "q": "how many districts of aleppo did the rebels take", "expect": "answer",
     "any": ["five"], "source": None},
]  # fmt: skip


def test_a_tiny_run_gives_a_well_formed_report(service: FactService) -> None:
    report = measure(service, TWO)
    assert report.questions == 2
    assert report.variants == 2 * len(PATTERNS)
    assert sum(c.tried for c in report.per_pattern.values()) == report.variants
    assert sum(c.changed for c in report.per_pattern.values()) == report.changed
    assert set(report.per_pattern) == {p.name for p in PATTERNS}
    assert 0 <= report.bare_right <= report.bare_answered <= 2
    assert 0.0 <= report.rate <= 100.0
    for change in report.changes:
        assert change.kind in ("lost", "gained", "switched")
        assert change.question in (TWO[0]["q"], TWO[1]["q"])
    lines = report.lines(show=True)
    assert SUMMARY.match(lines[-1]) and lines[-1] == report.summary()
    assert sum(line.startswith("CHANGED ") for line in lines) == report.changed


def test_a_sample_is_seeded(service: FactService) -> None:
    first = measure(service, TWO, sample=3, seed=7)
    again = measure(service, TWO, sample=3, seed=7)
    assert first.variants == 6
    assert {n: c.tried for n, c in first.per_pattern.items()} == {
        n: c.tried for n, c in again.per_pattern.items()
    }


def test_main_runs_and_ends_with_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in TWO), encoding="utf-8")
    assert main([str(path), "--sample", "2", "--show"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert SUMMARY.match(out[-1]) and out[-1].startswith("chatter: 4 variants of 2 questions")


def test_main_names_a_bad_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops\n", encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("chatter: ") and "bad.jsonl:1" in err[0]
