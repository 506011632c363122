"""Scoring question sets (bot.evaluation) and `eval --max-phrasings`, through the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.drafts import FactDraft
from bot.evaluation import QuestionSetError, Tally, evaluate, judge, load_questions
from bot.service import FactService

from .conftest import SHARED_EVAL

GUILD = 111111111111111111
SUMMARY = re.compile(
    r"^in-scope \d+/\d+  out-of-scope abstained \d+/\d+  hard out-of-scope abstained \d+/\d+"
    r"  overall \d+/\d+ = \d+\.\d%$"
)


def answer(text: str, source: str | None = "Observatory", **extra: Any) -> dict[str, Any]:
    return {"text": text, "source": source, "reported_by": None, "quote": None, **extra}


def answered(*answers: dict[str, Any]) -> dict[str, Any]:
    return {"answered": True, "answers": list(answers)}


NOT_ANSWERED: dict[str, Any] = {"answered": False, "answers": []}


def in_scope(**fields: Any) -> dict[str, Any]:
    return {"id": "q1", "q": "airport?", "expect": "answer", "any": ["airport"], **fields}


# -- judge --------------------------------------------------------------------------------


def test_abstain_passes_only_when_the_bot_does_not_answer() -> None:
    question = {"id": "o1", "q": "weather?", "expect": "abstain"}
    assert judge(question, NOT_ANSWERED)
    assert judge(question, {"answered": False, "suggestions": [{"fact_id": "x"}]})
    assert not judge(question, answered(answer("Rebels took the airport.")))


def test_in_scope_needs_an_answer_with_keyword_and_source() -> None:
    question = in_scope(source=["observatory"])
    assert judge(question, answered(answer("Rebels took the AIRPORT.")))
    assert not judge(question, NOT_ANSWERED)
    assert not judge(question, answered(answer("Rebels took five districts.")))
    assert not judge(question, answered(answer("Rebels took the airport.", source="Army")))


def test_the_keyword_may_be_in_the_quote_and_the_source_in_reported_by() -> None:
    question = in_scope(source=["afp"])
    result = answered(
        answer("They overran it.", source="Monitor", quote="the airport fell", reported_by="AFP")
    )
    assert judge(question, result)


def test_matching_ignores_case_and_typographic_punctuation() -> None:
    question = in_scope(any=["army's"], source=["Observatory"])
    assert judge(question, answered(answer("The ARMY\u2019S lines broke.")))


def test_mode_top1_looks_at_the_first_answer_only() -> None:
    result = answered(answer("Five districts fell."), answer("The airport fell."))
    assert not judge(in_scope(source=None), result)
    assert not judge(in_scope(source=None, mode="top1"), result)


def test_mode_any_looks_at_the_first_three_answers() -> None:
    question = in_scope(source=None, mode="any")
    other = answer("Five districts fell.")
    assert judge(question, answered(other, answer("The airport fell.")))
    assert judge(question, answered(other, other, answer("The airport fell.")))
    assert not judge(question, answered(other, other, other, answer("The airport fell.")))


def test_source_null_accepts_any_non_empty_citation() -> None:
    question = in_scope(source=None)
    assert judge(question, answered(answer("The airport fell.", source="Anyone")))
    assert judge(question, answered(answer("The airport fell.", source=None, reported_by="AFP")))
    assert not judge(question, answered(answer("The airport fell.", source=None)))
    assert not judge(question, answered(answer("The airport fell.", source="  ")))


# -- Tally and evaluate -------------------------------------------------------------------


def test_evaluate_tallies_in_out_and_hard_and_lists_failures() -> None:
    questions = [
        in_scope(id="a1", q="airport?", source=None),
        in_scope(id="a2", q="districts?", any=["five"], source=None),
        {"id": "o1", "q": "weather?", "expect": "abstain"},
        {"id": "o2", "q": "who is the mayor?", "expect": "abstain", "hard": True},
    ]
    replies = {
        "airport?": answered(answer("The airport fell.")),
        "districts?": NOT_ANSWERED,
        "weather?": NOT_ANSWERED,
        "who is the mayor?": answered(answer("The airport fell.", source="Monitor")),
    }
    asked: list[str] = []

    def ask(question: str) -> dict[str, Any]:
        asked.append(question)
        return replies[question]

    tally = evaluate(questions, ask)
    assert asked == [q["q"] for q in questions]
    assert tally.right == {"in": 1, "out": 1, "out_hard": 0}
    assert tally.total == {"in": 2, "out": 1, "out_hard": 1}
    assert tally.summary() == (
        "in-scope 1/2  out-of-scope abstained 1/1  hard out-of-scope abstained 0/1"
        "  overall 2/4 = 50.0%"
    )
    assert [f.split()[1] for f in tally.failures] == ["a2", "o2"]
    assert all(f.startswith("FAIL ") and "\n" not in f for f in tally.failures)
    assert "source='Monitor'" in tally.failures[1]


def test_an_empty_tally_reports_zero_without_dividing_by_zero() -> None:
    assert Tally().summary().endswith("overall 0/0 = 0.0%")


# -- load_questions -----------------------------------------------------------------------


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_questions_reads_items_and_skips_blank_lines(tmp_path: Path) -> None:
    good = json.dumps(in_scope(source=None, mode="any"))
    path = write(tmp_path, good, "", json.dumps({"q": "weather?", "expect": "abstain"}))
    assert [q["q"] for q in load_questions(path)] == ["airport?", "weather?"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "needs 'q' and 'expect'"),
        ('{"expect": "answer", "any": ["x"]}', "needs 'q' and 'expect'"),
        ('{"q": "x", "expect": "maybe"}', "needs 'q' and 'expect'"),
        ('{"q": "x", "expect": "answer", "any": "airport"}', "'any' must be a list"),
        ('{"q": "x", "expect": "answer", "any": []}', "'any' must be a list"),
        ('{"q": "x", "expect": "answer", "any": ["a", " "]}', "'any' must be a list"),
        ('{"q": "x", "expect": "answer", "any": ["a"], "source": "afp"}', "'source' must be"),
        ('{"q": "x", "expect": "answer", "any": ["a"], "mode": "all"}', "mode must be"),
    ],
)
def test_a_bad_line_is_named_in_one_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, json.dumps({"q": "fine", "expect": "abstain"}), line)
    with pytest.raises(QuestionSetError) as raised:
        load_questions(path)
    text = str(raised.value)
    assert text.startswith(f"{path}:2: ") and message in text
    assert "\n" not in text


def test_unreadable_and_empty_files_give_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00bad")
    empty = write(tmp_path, "", "  ")
    for path, message in [
        (tmp_path / "missing.jsonl", "cannot read"),
        (tmp_path, "cannot read"),
        (binary, "not UTF-8"),
        (empty, "no questions"),
    ]:
        with pytest.raises(QuestionSetError) as raised:
            load_questions(path)
        assert message in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="no shared/eval")
def test_the_shared_sets_load() -> None:
    for name in ("dev-questions.jsonl", "chat-questions.jsonl"):
        assert load_questions(SHARED_EVAL / name)


# -- phrasing_limit and `eval --max-phrasings` ----------------------------------------------


def test_phrasing_limit_cuts_the_index_but_not_the_database(db_path: Path) -> None:
    full = FactService.open(db_path)
    try:
        stored = {fact.id: fact for fact in full.store.facts(include_retired=False)}
    finally:
        full.close()
    assert any(len(fact.questions) > 1 for fact in stored.values()), "nothing to cut"

    limited = FactService.open(db_path, phrasing_limit=1)
    try:
        for fact_id, fact in stored.items():
            indexed = limited.index.fact(fact_id)
            assert indexed is not None
            assert indexed.questions == fact.questions[:1]
            assert limited.store.fact(fact_id) == fact  # the database keeps every phrasing
    finally:
        limited.close()


def test_phrasing_limit_also_cuts_facts_added_later(db_path: Path) -> None:
    service = FactService.open(db_path, phrasing_limit=2)
    try:
        draft = FactDraft(
            statement="The water supply in the eastern quarter was cut on Saturday.",
            source="AFP",
            questions=("is there water in the east", "water supply cut?", "any water left"),
            date="2024-12-01",
        )
        fact = service.add_fact(draft, guild_id=GUILD, actor="test")
        indexed = service.index.fact(fact.id)
        assert indexed is not None and len(indexed.questions) == 2
        stored = service.store.fact(fact.id)
        assert stored is not None and len(stored.questions) == 3
    finally:
        service.close()


@pytest.mark.parametrize("limit", [0, -1])
def test_phrasing_limit_must_be_positive(db_path: Path, limit: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FactService.open(db_path, phrasing_limit=limit)


@pytest.fixture
def eval_file(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        json.dumps(in_scope(q="Did the rebels take the airport?", source=None)),
        json.dumps({"id": "o1", "q": "What is the capital of France?", "expect": "abstain"}),
    )


def run_eval(db_path: Path, *args: str) -> Any:
    runner = CliRunner()
    return runner.invoke(main, ["--db", str(db_path), "eval", *args], catch_exceptions=False)


def test_eval_max_phrasings_scores_and_leaves_the_database_whole(
    db_path: Path, eval_file: Path, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.jsonl"
    result = run_eval(
        db_path, str(eval_file), "--max-phrasings", "1", "--answers-out", str(answers)
    )
    assert result.exit_code == 0, result.output
    assert SUMMARY.match(result.output.splitlines()[-1]), result.output
    assert len(answers.read_text(encoding="utf-8").splitlines()) == 2

    service = FactService.open(db_path)
    try:
        phrasings = [len(fact.questions) for fact in service.store.facts()]
    finally:
        service.close()
    assert max(phrasings) > 1


def test_eval_without_max_phrasings_prints_the_summary_last(db_path: Path, eval_file: Path) -> None:
    result = run_eval(db_path, str(eval_file))
    assert result.exit_code == 0, result.output
    assert SUMMARY.match(result.output.splitlines()[-1]), result.output


@pytest.mark.parametrize("value", ["0", "-3", "two", "1.5", ""])
def test_eval_rejects_a_bad_max_phrasings_in_one_line(
    db_path: Path, eval_file: Path, value: str
) -> None:
    result = run_eval(db_path, str(eval_file), "--max-phrasings", value)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --max-phrasings"), result.output


def test_eval_names_a_bad_question_file_in_one_line(db_path: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, '{"q": "x", "expect": "answer", "any": "airport"}')
    result = run_eval(db_path, str(bad))
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:1:" in lines[0], result.output
