"""Chatter robustness: does harmless chatter around a question change the bot's outcome?

    python -m bench.chatter QUESTIONS.jsonl [QUESTIONS2.jsonl ...] [--seed N] [--sample N]
                            [--show] [--all-styles]

Takes the in-scope ("expect": "answer") questions of question sets in the shared/eval
format, clean style only unless --all-styles (the chat-style ones carry chatter already),
wraps each in every pattern below (or a seeded random --sample of N patterns a question),
and asks the real service, opened once on a temporary database seeded from the shipped
knowledge. A variant changes the outcome when the bare question was answered and the
variant is not, the other way round, or the top answer is another fact. Prints the changes
per pattern and a final line "chatter: N variants of M questions, outcome changed in X
(Y.Y%)"; --show also prints each changed variant.

The patterns are a measuring tool, not product knowledge: they must never add words about
the article's subject nor negate anything, so a variant asks exactly what the bare
question asks.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.evaluation import QuestionSetError, judge, load_questions
from bot.models import AskResult
from bot.service import FactService

Kind = Literal["before", "after", "around", "form"]
Case = Literal["keep", "upper", "lower"]

_SLOTS = ("{q}", "{core}")


@dataclass(frozen=True, slots=True)
class Pattern:
    """Chatter around one question. `template` holds exactly one slot: {q} is the question
    as written, {core} the question without its closing punctuation (for patterns that
    bring their own, like "???"). `case` shouts or lowers the whole message."""

    name: str
    template: str
    case: Case = "keep"

    def __post_init__(self) -> None:
        if sum(self.template.count(slot) for slot in _SLOTS) != 1:
            raise ValueError(f"pattern {self.name!r}: needs exactly one of {{q}} or {{core}}")

    @property
    def _parts(self) -> tuple[str, str, str]:
        slot = next(s for s in _SLOTS if s in self.template)
        prefix, suffix = self.template.split(slot)
        return prefix, slot, suffix

    @property
    def kind(self) -> Kind:
        """Where the chatter goes: before, after or around the question ("form" when the
        pattern only changes the question's case)."""
        prefix, _, suffix = self._parts
        if prefix.strip() and suffix.strip():
            return "around"
        if prefix.strip():
            return "before"
        if suffix.strip():
            return "after"
        return "form"

    def apply(self, question: str) -> str:
        prefix, slot, suffix = self._parts
        text = question.strip()
        if slot == "{core}":
            text = text.rstrip("?!. ") or text
        variant = prefix + text + suffix
        if self.case == "upper":
            return variant.upper()
        if self.case == "lower":
            return variant.lower()
        return variant


MENTION = "<@123456789012345678>"
EMOTE = "<:pepe:123456789012345678>"

PATTERNS: tuple[Pattern, ...] = (
    # -- before: greetings, addressing the bot, mentions -------------------------------
    Pattern("hey-bot", "hey bot {q}"),
    Pattern("hey-bot-comma", "Hey bot, {q}"),
    Pattern("mention", MENTION + " {q}"),
    Pattern("mention-nick", "<@!123456789012345678> {q}"),
    Pattern("role-mention", "<@&987654321098765432> {q}"),
    Pattern("everyone", "@everyone {q}"),
    Pattern("hi-all", "hi all! {q}"),
    Pattern("yo", "yo {q}"),
    # -- before: fillers and reactions --------------------------------------------------
    Pattern("ngl", "ngl {q}"),
    Pattern("lol-before", "lol {q}"),
    Pattern("emote-before", EMOTE + " {q}"),
    Pattern("ok-so", "ok so {q}"),
    # -- before: hedges and context clauses ----------------------------------------------
    Pattern("dumb-question", "sorry if this is a dumb question but {q}"),
    Pattern("quick-q", "quick q: {q}"),
    Pattern("genuine-question", "genuine question, {q}"),
    Pattern("friend-asks", "my friend keeps asking me this: {q}"),
    Pattern("tiktok", "saw on tiktok that stuff is happening, anyway {q}"),
    Pattern("who-to-ask", "idk who else to ask lol. {q}"),
    # -- before: links, layout, shouting --------------------------------------------------
    Pattern("url-before", "https://example.com/p/8812 {q}"),
    Pattern("newline-before", "hey\n{q}"),
    Pattern("blockquote", "> {q}"),
    Pattern("shouting", "hey bot {q}", case="upper"),
    # -- after: reactions, emoji, thanks, apologies ---------------------------------------
    Pattern("lol-after", "{q} lol"),
    Pattern("crying", "{q} 😭"),
    Pattern("emoji-after", "{q} 🤔🤔"),
    Pattern("emote-after", "{q} " + EMOTE),
    Pattern("thx", "{q} thx in advance"),
    Pattern("sorry-spam", "{q} sorry for the spam"),
    Pattern("ty-bot", "{q} ty bot"),
    Pattern("pls", "{q} pls"),
    Pattern("anyone", "{q} anyone?"),
    Pattern("new-here", "{q} (sorry, new here)"),
    # -- after: punctuation, links, layout, case ------------------------------------------
    Pattern("question-marks", "{core}???"),
    Pattern("bangs", "{core}!!"),
    Pattern("url-after", "{q} https://example.com/watch?v=dQw4w9WgXcQ"),
    Pattern("newline-after", "{q}\n\nthanks!!"),
    Pattern("lowercase", "{core} lmao", case="lower"),
    # -- around: markdown -----------------------------------------------------------------
    Pattern("bold", "**{q}**"),
    Pattern("spoiler", "||{q}||"),
    Pattern("inline-code", "`{q}`"),
    Pattern("italic", "_{q}_"),
    Pattern("code-block", "```\n{q}\n```"),
    # -- around: several sentences, greetings and thanks ----------------------------------
    Pattern("glued-to-news", "been glued to the news all day. {q} anyone know?"),
    Pattern("hey-thx", "hey bot {q} thx"),
    Pattern("everyone-crying", "@everyone {q} 😭"),
    Pattern("mention-lines", "yo " + MENTION + "\n{q}\nthx in advance 🙏"),
    Pattern("random-lol", "ok random but {core}?? lol"),
    Pattern("sorry-ty", "sorry for the spam but {q} ty"),
    Pattern("asides", "(quick one) {q} (asking for a friend)"),
    Pattern("shouting-around", "hey bot {core}!!", case="upper"),
)


# -- the questions ----------------------------------------------------------------------


def style_of(item: dict[str, Any], path: Path) -> str:
    """A question's style: its "style" field, else "chat"/"clean" in its id, else the
    file's name (chat-questions.jsonl is chat), else clean."""
    style = item.get("style")
    if isinstance(style, str) and style:
        return style
    parts = str(item.get("id", "")).lower().replace("_", "-").split("-")
    for known in ("chat", "clean"):
        if known in parts:
            return known
    return "chat" if "chat" in path.stem.lower() else "clean"


def in_scope_questions(paths: Sequence[Path], *, all_styles: bool = False) -> list[dict[str, Any]]:
    """The in-scope items of the files, clean style unless all_styles, each text once."""
    seen: set[str] = set()
    chosen: list[dict[str, Any]] = []
    for path in paths:
        for item in load_questions(path):
            if item["expect"] != "answer" or item["q"].strip() in seen:
                continue
            if all_styles or style_of(item, path) == "clean":
                seen.add(item["q"].strip())
                chosen.append(item)
    return chosen


# -- measuring --------------------------------------------------------------------------


ChangeKind = Literal["lost", "gained", "switched"]


def outcome_change(bare: AskResult, variant: AskResult) -> ChangeKind | None:
    """How the variant's outcome differs from the bare question's, or None."""
    if bare.answered and not variant.answered:
        return "lost"
    if variant.answered and not bare.answered:
        return "gained"
    if bare.answered and bare.answers[0].fact_id != variant.answers[0].fact_id:
        return "switched"
    return None


def describe(result: AskResult) -> str:
    if result.answered:
        return f"answered {result.answers[0].fact_id}"
    return result.outcome


@dataclass(frozen=True, slots=True)
class Change:
    pattern: str
    kind: ChangeKind
    question: str
    variant: str
    before: str
    after: str
    broke: bool  # the bare question scored right and the variant does not
    mended: bool  # the other way round

    def line(self) -> str:
        flag = "  [right->wrong]" if self.broke else "  [wrong->right]" if self.mended else ""
        return (
            f"CHANGED {self.pattern} ({self.kind}) {self.variant!r}: "
            f"{self.before} -> {self.after}{flag}"
        )


@dataclass
class PatternCount:
    kind: Kind
    tried: int = 0
    changed: int = 0


@dataclass
class Report:
    questions: int = 0
    bare_answered: int = 0
    bare_right: int = 0
    variants: int = 0
    per_pattern: dict[str, PatternCount] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.changes)

    @property
    def rate(self) -> float:
        return 100 * self.changed / max(self.variants, 1)

    def summary(self) -> str:
        return (
            f"chatter: {self.variants} variants of {self.questions} questions, "
            f"outcome changed in {self.changed} ({self.rate:.1f}%)"
        )

    def lines(self, *, show: bool = False) -> list[str]:
        out: list[str] = []
        if show:
            out.extend(change.line() for change in self.changes)
            if self.changes:
                out.append("")
        out.append(
            f"bare questions: {self.questions}, answered {self.bare_answered}, "
            f"right {self.bare_right}"
        )
        width = max((len(name) for name in self.per_pattern), default=7)
        out.append(f"{'pattern':<{width}}  {'kind':<6}  changed/tried")
        ranked = sorted(self.per_pattern.items(), key=lambda kv: (-kv[1].changed, kv[0]))
        for name, count in ranked:
            out.append(f"{name:<{width}}  {count.kind:<6}  {count.changed:>4}/{count.tried}")
        kinds: dict[str, int] = {"lost": 0, "gained": 0, "switched": 0}
        for change in self.changes:
            kinds[change.kind] += 1
        broke = sum(change.broke for change in self.changes)
        mended = sum(change.mended for change in self.changes)
        out.append(
            f"changes: lost an answer {kinds['lost']}, gained one {kinds['gained']}, "
            f"other top fact {kinds['switched']}; right->wrong {broke}, wrong->right {mended}"
        )
        out.append(self.summary())
        return out


def measure(
    service: FactService,
    questions: Sequence[dict[str, Any]],
    patterns: Sequence[Pattern] = PATTERNS,
    *,
    sample: int | None = None,
    seed: int = 0,
) -> Report:
    """Ask every question bare and in each pattern (or `sample` random ones a question)."""
    rng = random.Random(seed)
    report = Report(per_pattern={p.name: PatternCount(p.kind) for p in patterns})
    for item in questions:
        question = item["q"]
        bare = service.ask(question, log=False)
        bare_right = judge(item, bare.to_json())
        report.questions += 1
        report.bare_answered += bare.answered
        report.bare_right += bare_right
        chosen = (
            patterns if sample is None else rng.sample(list(patterns), min(sample, len(patterns)))
        )
        for pattern in chosen:
            variant = pattern.apply(question)
            result = service.ask(variant, log=False)
            count = report.per_pattern[pattern.name]
            count.tried += 1
            report.variants += 1
            kind = outcome_change(bare, result)
            if kind is None:
                continue
            count.changed += 1
            right = judge(item, result.to_json())
            report.changes.append(
                Change(
                    pattern.name,
                    kind,
                    question,
                    variant,
                    describe(bare),
                    describe(result),
                    broke=bare_right and not right,
                    mended=right and not bare_right,
                )
            )
    return report


@contextmanager
def temporary_service() -> Iterator[FactService]:
    """The real service on a throwaway database seeded from the shipped knowledge."""
    with tempfile.TemporaryDirectory(prefix="factbot-chatter-") as folder:
        service = FactService.open(Path(folder) / "chatter.db")
        try:
            yield service
        finally:
            service.close()


# -- the command ------------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.chatter",
        description="How often harmless chatter around a question changes the bot's outcome.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="QUESTIONS.jsonl")
    parser.add_argument("--seed", type=int, default=0, help="seed for --sample (default 0)")
    parser.add_argument(
        "--sample", type=_positive, metavar="N", help="N random patterns a question (default all)"
    )
    parser.add_argument("--show", action="store_true", help="print every changed variant")
    parser.add_argument(
        "--all-styles", action="store_true", help="chat-style questions too, not only clean ones"
    )
    args = parser.parse_args(argv)
    try:
        questions = in_scope_questions(args.files, all_styles=args.all_styles)
    except QuestionSetError as error:
        print(f"chatter: {error}", file=sys.stderr)
        return 2
    if not questions:
        print("chatter: no in-scope questions of the chosen style in those files", file=sys.stderr)
        return 2
    with temporary_service() as service:
        report = measure(service, questions, sample=args.sample, seed=args.seed)
    print("\n".join(report.lines(show=args.show)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
