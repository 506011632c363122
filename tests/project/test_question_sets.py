"""The question sets that measure the bot stay out of the knowledge they measure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.text import fold
from tests.helpers import DATA, SHARED_EVAL, VALIDATION_QUESTIONS

SETS = [
    VALIDATION_QUESTIONS,
    DATA / "holdout-chat-questions.jsonl",
    DATA / "blind-chat-questions.jsonl",
    DATA / "blind-chat-questions-2.jsonl",
    DATA / "blind-chat-questions-3.jsonl",
    SHARED_EVAL / "dev-questions.jsonl",
    SHARED_EVAL / "chat-questions.jsonl",
]


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_no_evaluation_question_is_a_curated_phrasing(knowledge: Knowledge, path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is absent")
    phrasings = {fold(q): fact.id for fact in knowledge.facts for q in fact.questions}
    questions = [json.loads(line)["q"] for line in path.read_text().splitlines() if line.strip()]
    found = [(q, phrasings[fold(q)]) for q in questions if fold(q) in phrasings]
    assert found == []


def test_the_validation_set_is_large_and_half_chat() -> None:
    lines = VALIDATION_QUESTIONS.read_text().splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    chat = [item for item in items if "chat" in item["id"]]
    assert len(items) >= 150
    assert len(chat) >= len(items) // 2 - 5
