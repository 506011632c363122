"""Scoring a question set in the `shared/eval` format against the bot's answers.

The rules match the published scorer: an in-scope question passes when the bot answered
and the first answer (or one of the first three, for mode "any") contains an expected
keyword in its text or quote and names an expected source; an out-of-scope question
passes when the bot did not answer.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import QuestionSetError as QuestionSetError  # also named here, with its users

_PUNCTUATION = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().translate(_PUNCTUATION)


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The items of a question set; a QuestionSetError names the first bad line in one line."""
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise QuestionSetError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise QuestionSetError(f"cannot read {path}: not UTF-8 text") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise QuestionSetError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        problem = _item_problem(item)
        if problem:
            raise QuestionSetError(f"{path}:{number}: {problem}")
        questions.append(item)
    if not questions:
        raise QuestionSetError(f"{path}: no questions in it")
    return questions


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _item_problem(item: Any) -> str | None:
    """What is wrong with one question-set item, or None. Keywords and sources must be
    lists: a bare string would be matched letter by letter."""
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("q"), str)
        or item.get("expect") not in ("answer", "abstain")
    ):
        return "needs 'q' and 'expect' (answer|abstain)"
    if item.get("mode", "top1") not in ("top1", "any"):
        return f"mode must be 'top1' or 'any', not {item['mode']!r}"
    if item["expect"] == "answer":
        keywords = item.get("any")
        # An empty keyword is in every answer.
        if not _strings(keywords) or not keywords or not all(k.strip() for k in keywords):
            return "'any' must be a list of non-empty keywords, at least one, for expect=answer"
        if item.get("source") is not None and not _strings(item["source"]):
            return "'source' must be a list of names, or null for any citation"
    return None


def _answer_ok(question: dict[str, Any], answer: dict[str, Any]) -> bool:
    body = _norm(answer.get("text")) + " " + _norm(answer.get("quote"))
    if not any(_norm(keyword) in body for keyword in question.get("any", [])):
        return False
    cite = _norm(answer.get("source")) + " " + _norm(answer.get("reported_by"))
    if not cite.strip():
        return False
    sources = question.get("source")
    return not sources or any(_norm(s) in cite for s in sources)


def judge(question: dict[str, Any], result: dict[str, Any]) -> bool:
    if question["expect"] == "abstain":
        return not result.get("answered")
    if not result.get("answered"):
        return False
    answers = result.get("answers") or []
    pool = answers[:3] if question.get("mode") == "any" else answers[:1]
    return any(_answer_ok(question, answer) for answer in pool)


@dataclass
class Tally:
    right: dict[str, int] = field(default_factory=lambda: {"in": 0, "out": 0, "out_hard": 0})
    total: dict[str, int] = field(default_factory=lambda: {"in": 0, "out": 0, "out_hard": 0})
    failures: list[str] = field(default_factory=list)

    @property
    def overall(self) -> float:
        return 100 * sum(self.right.values()) / max(sum(self.total.values()), 1)

    def summary(self) -> str:
        r, t = self.right, self.total
        return (
            f"in-scope {r['in']}/{t['in']}  out-of-scope abstained {r['out']}/{t['out']}"
            f"  hard out-of-scope abstained {r['out_hard']}/{t['out_hard']}"
            f"  overall {sum(r.values())}/{sum(t.values())} = {self.overall:.1f}%"
        )


def evaluate(questions: Iterable[dict[str, Any]], ask: Callable[[str], dict[str, Any]]) -> Tally:
    tally = Tally()
    for question in questions:
        result = ask(question["q"])
        ok = judge(question, result)
        if question["expect"] == "answer":
            key = "in"
        else:
            key = "out_hard" if question.get("hard") else "out"
        tally.right[key] += ok
        tally.total[key] += 1
        if not ok:
            top = (result.get("answers") or [{}])[0]
            tally.failures.append(
                f"FAIL {question.get('id', '?')} {question['q']!r} expect={question['expect']} "
                f"answered={result.get('answered')} top={top.get('text', '')[:80]!r} "
                f"source={top.get('source')!r}"
            )
    return tally
