"""The confidence rule: from scored facts to what the bot says.

`decide` is the one place the rule is written. `settled`, which lets the search stop
early, is derived from the same `window` of facts the rule weighs, so the search stops
only when no unscored fact could change the verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bot.matcher.kinds import AskKind
from bot.matcher.policy import MatchPolicy
from bot.matcher.query import _Query
from bot.matcher.score import Match
from bot.models import Fact, Outcome


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    matches: tuple[Match, ...]
    # For "unknown": facts on the topic that do not answer what was asked.
    related: tuple[Match, ...] = ()
    kind: AskKind = "other"


# Works out whether a scored fact answers the question: a match with `answers` and
# `grounded` filled in. It is the costly part of scoring, so the rule asks it only of the
# facts it reads, in order, and stops as soon as it knows the verdict.
Judge = Callable[[Match], Match]


def as_scored(match: Match) -> Match:
    """The judge for matches whose `answers` is already worked out."""
    return match


def decide(
    matches: list[Match], query: _Query, policy: MatchPolicy, judge: Judge = as_scored
) -> Decision:
    """The verdict for one question: the one place the confidence rule is written."""
    weighed = window(matches, policy)
    kind = query.premise.kind
    if not weighed or weighed[0].score < policy.suggest_score:
        return Decision("unknown", (), kind=kind)
    answering = _answering(weighed, judge)
    first = next(answering, None)
    # A question that asks for a kind of thing ("how old", "where"), or for what someone
    # said, is answered by the fact in the window that supplies it, though a fact that
    # does not may fit it better.
    sharp = kind in _SHARP_KINDS or bool(query.premise.speakers)
    reach = policy.window if sharp else policy.margin
    if first is None or first.score < weighed[0].score - reach:
        # On the topic, but no fact supplies what is asked: say what the article does say.
        top = weighed[0]
        related = [top, *(m for m in weighed[1:] if _companion(m, top, policy))]
        return Decision("unknown", (), tuple(related[: policy.max_answers]), kind)
    best = first
    # "what did the Army say": each of the claimant's facts is an answer, not a rival.
    together = (lambda m: m.fact.source == best.fact.source) if query.premise.speakers else None
    # Only the first few rivals count: the runner-up, and those offered as choices.
    rivals: list[Match] = []
    wanted = max(policy.max_suggestions - 1, 1)
    for match in answering:
        if not _same_point(match.fact, best.fact) and not (together and together(match)):
            rivals.append(match)
            if len(rivals) == wanted:
                break  # the facts after it are never judged
    runner_up = rivals[0].score if rivals else 0.0
    clear = best.score - runner_up >= policy.margin
    vague = query.total_weight < policy.min_information
    suggestions = (best, *rivals[: policy.max_suggestions - 1])
    if vague and rivals and best.score < policy.verbatim_score:
        return Decision("suggest", suggestions, kind=kind)
    # A fact far ahead of every other answers from a lower score: chatter that the base
    # does not know lowers every score alike, not the lead.
    leads = best.score >= policy.lead_score and best.score - runner_up >= policy.lead_margin
    if best.score >= policy.sure_score or (best.score >= policy.answer_score and clear) or leads:
        chosen = _answer_set(best, matches, weighed, together, policy, judge)
        return Decision("answered", chosen, kind=kind)
    return Decision("suggest", suggestions, kind=kind)


def _answering(weighed: list[Match], judge: Judge) -> Iterator[Match]:
    """The matches that answer, each judged only when it is read: a generator function,
    not an expression, as compiled code makes a list of a generator expression (and so
    would judge every match first)."""
    for match in weighed:
        judged = judge(match)
        if judged.answers:
            yield judged


def _answer_set(
    best: Match,
    matches: list[Match],
    weighed: list[Match],
    together: Callable[[Match], bool] | None,
    policy: MatchPolicy,
    judge: Judge,
) -> tuple[Match, ...]:
    """The best answer and the facts that join it (`weighed`: the window of `matches`)."""
    chosen = [best]
    for match in matches:
        if len(chosen) >= policy.max_answers:
            break
        if match.fact is best.fact:
            continue
        close = (
            best.score - match.score <= policy.alongside and match.coverage >= policy.min_coverage
        )
        joins = together is not None and together(match) and match in weighed
        if not (close or _companion(match, best, policy) or joins):
            continue
        judged = judge(match)
        if judged.answers:
            chosen.append(judged)
    return tuple(sorted(chosen, key=lambda m: _answer_order(m, best, policy)))


def _answer_order(match: Match, best: Match, policy: MatchPolicy) -> tuple[int, float]:
    """Answers close to the best come first, the one whose own words hold more of the
    question leading; the rest follow by score."""
    if best.score - match.score <= policy.alongside:
        return (0, -(match.score + policy.grounding_weight * match.grounded))
    return (1, -match.score)


def settled(
    ranked: list[Match], ceiling: float, coverage: float, query: _Query, policy: MatchPolicy
) -> bool:
    """Whether `decide` gives the same verdict on `ranked` as on every visible fact, when
    each fact missing from `ranked` scores at most `ceiling`, with at most `coverage`.

    `decide` weighs only on-topic facts within `window` of the best on-topic fact (and
    their same-point siblings, which the search scores as soon as it meets them), so an
    unscored fact matters only if it could be on topic and reach that window.
    """
    if ceiling == -math.inf or coverage < policy.min_coverage:
        return True
    weighed = window(ranked, policy)
    if not weighed or weighed[0].score < policy.suggest_score:
        return ceiling < policy.suggest_score
    return ceiling < weighed[0].score - _reach(policy)


def window(ranked: Sequence[Match], policy: MatchPolicy) -> list[Match]:
    """The on-topic facts the decision weighs: those within `window` of the best."""
    on_topic = [m for m in ranked if m.coverage >= policy.min_coverage]
    if not on_topic:
        return []
    floor = on_topic[0].score - _reach(policy)
    return [m for m in on_topic if m.score >= floor]


def weighed_floor(ranked: Sequence[Match], policy: MatchPolicy) -> float:
    """The score a fact must reach for the decision to weigh it beside the facts in
    `ranked`: within `window` of the best on-topic fact. Scoring more facts only raises it."""
    weighed = window(ranked, policy)
    return weighed[0].score - _reach(policy) if weighed else -math.inf


def _reach(policy: MatchPolicy) -> float:
    """How far below the best on-topic fact the decision looks."""
    return max(policy.window, policy.margin, policy.alongside)


def combined(decisions: Sequence[Decision], max_answers: int) -> Decision:
    """One verdict for a message that asks several questions: every answer, at most
    max_answers in all; otherwise the first choices; otherwise what the article does say."""
    answered = [d for d in decisions if d.outcome == "answered"]
    if answered:
        matches = {m.fact.id: m for d in answered for m in d.matches}
        return Decision("answered", tuple(matches.values())[:max_answers], kind=answered[0].kind)
    for decision in decisions:
        if decision.outcome == "suggest":
            return decision
    for decision in decisions:
        if decision.related:
            return decision
    return decisions[0] if decisions else Decision("unknown", ())


# Kinds whose answer a fact plainly has or lacks: an age, a place, a day, a name.
_SHARP_KINDS = frozenset({"age", "place", "date", "name", "expansion", "figure"})


def _companion(match: Match, best: Match, policy: MatchPolicy) -> bool:
    """Another source's claim on the best fact's point, and on the question too."""
    return _same_point(match.fact, best.fact) and match.score >= policy.companion_score


def _same_point(a: Fact, b: Fact) -> bool:
    return not set(a.points).isdisjoint(b.points)
