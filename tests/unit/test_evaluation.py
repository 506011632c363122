"""Scoring question sets (bot.evaluation): loading a set, its one-line errors, and the
scoring rules on small hand-made items and answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.evaluation import QuestionSetError, Tally, evaluate, judge, load_questions
from tests.helpers import DATA, SHARED_EVAL


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


# Chat-style sets of tests/data, and those about the reports drafts are measured on.
OWN_SETS = sorted([*DATA.glob("*.jsonl"), *DATA.glob("*/*.questions.jsonl")])


@pytest.mark.parametrize("path", OWN_SETS, ids=lambda path: path.name)
def test_the_repository_s_own_sets_load(path: Path) -> None:
    assert load_questions(path)


def test_any_of_several_keywords_and_any_of_several_sources_will_do() -> None:
    question = in_scope(any=["districts", "airport"], source=["army", "observatory"])
    assert judge(question, answered(answer("The airport fell.", source="Syrian Army")))
    assert judge(question, answered(answer("Five districts fell.")))
    assert not judge(question, answered(answer("Five towns fell.")))
    assert not judge(question, answered(answer("The airport fell.", source="Iran")))


def test_a_keyword_is_matched_inside_words_and_after_unicode_folding() -> None:
    # As the published scorer does: a substring of the folded text, so "kill" finds
    # "killed", and a full-width or compatibility form reads as the plain letters.
    assert judge(in_scope(any=["kill"], source=None), answered(answer("16 were killed.")))
    assert judge(in_scope(any=["airport"], source=None), answered(answer("ＡＩＲＰＯＲＴ fell")))
