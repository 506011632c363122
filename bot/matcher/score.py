"""Scoring candidate facts against a question, into `Match`es.

Each fact is scored on three things:

* coverage: how much of the question's content (weighted by rarity) the fact's own
  words account for. A question about something the base never mentions ("the mayor of
  the town") leaves its rare words uncovered, and the bot declines;
* phrasing match: how well the question lines up with the fact's best question phrasing,
  in both directions, so that a phrasing that says much more than the question counts less;
* literal similarity: rapidfuzz's token-sort ratio against the phrasings, which rewards
  the same question shape ("how many", "who").

Each match also says whether the fact answers what is asked (see answerable.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz import utils as fuzz_utils

from bot.matcher.analysis import Analyzer
from bot.matcher.answerable import answers
from bot.matcher.frequency import WordFrequency
from bot.matcher.policy import MatchPolicy
from bot.matcher.query import _Query
from bot.matcher.structures import _Entry, _Posting
from bot.models import Fact, Source


@dataclass(frozen=True, slots=True)
class Match:
    fact: Fact
    score: float
    coverage: float
    best_phrasing: str
    # Whether the fact supplies what is asked and supports what the question assumes:
    # `Scorer.score` leaves it False; `Scorer.judge` works it out for the facts the
    # decision reads.
    answers: bool = True
    # The share of the question's weight that the fact's own statement and quote, or its
    # claimant, hold (decide.py orders near-equal answers by it).
    grounded: float = 0.0


@dataclass(frozen=True, slots=True)
class Scorer:
    """Scores facts against questions with what the index holds when it is made."""

    policy: MatchPolicy
    analyzer: Analyzer
    # The source a fact cites, as the fact's server sees it.
    source_of: Callable[[Fact], Source | None]
    postings: Mapping[str, _Posting]
    # Who can do things: the actors of chat language and everyone who makes claims.
    agent_terms: frozenset[str]
    # The terms of a fact's claimant and of the outlet that reported the claim.
    claimant_terms: Callable[[Fact], frozenset[str]]
    # How common a word is in English: "Hammadi" is a name, "Governor" a title.
    frequency: WordFrequency
    sorted_forms: SortedForms

    def score(
        self, candidates: list[_Entry], query: _Query, floor: float | None = None
    ) -> list[Match]:
        """The candidates scored, best first (ties by fact id).

        With a `floor` (decide.weighed_floor): a fact with no same-point siblings that is
        off the topic, or cannot score as much as the floor, is one the decision never
        weighs, so it is left out, and its best phrasing, the costliest part of scoring,
        is never worked out.
        """
        policy = self.policy
        # token_sort_ratio, with each phrasing's words sorted once (SortedForms):
        # plain ratio on the sorted forms is the same figure at a quarter of the cost.
        question = sorted_form(query.text)
        matches: list[Match] = []
        # Worked out once for all the candidates.
        terms = self._weighed_terms(query)
        fit = self._phrasing_fit
        forms = self.sorted_forms
        for entry in candidates:
            coverage = self._coverage(query, terms, entry.positions)
            prunable = floor is not None and not entry.fact.points
            if prunable and coverage < policy.min_coverage:
                continue
            present = _present(terms, entry)
            if present:
                # The terms by their positions in the fact's: its phrasings hold those.
                positions, absent = entry.positions, entry.absent
                placed = [
                    (
                        positions.get(term, absent),
                        weight,
                        absent if broader is None else positions.get(broader, absent),
                    )
                    for term, weight, broader in present
                ]
                fits = self._fits(query, placed, entry.phrasing_terms)
            else:
                fits = [0.0] * len(entry.phrasing_terms)
            # The fact's own words are a phrasing too, a little less telling than the ones
            # written as questions: a fact with one or two phrasings is still found.
            said = entry.features.terms
            told = fit(query, present, said) * policy.statement_fit if present else 0.0
            bonus = 0.0
            if query.claimants and self._claimed_by(entry.fact, query.claimants):
                bonus = policy.claimant_bonus
            if prunable:
                # At most: the best fit of any phrasing or its own words, and literal
                # similarity 1.
                most = (
                    policy.coverage_weight * coverage
                    + policy.phrasing_weight * max(max(fits, default=0.0), told)
                    + policy.literal_weight
                    + bonus
                )
                if floor is not None and most + _SLACK < floor:
                    continue
            best_fit, best_literal, at = _best_phrasing(entry, fits, question, forms)
            best_text = entry.fact.questions[at] if at >= 0 else entry.fact.statement
            if told > best_fit + best_literal * 0.5:
                best_fit, best_literal = told, 0.0
            score = (
                policy.coverage_weight * coverage
                + policy.phrasing_weight * best_fit
                + policy.literal_weight * best_literal
            ) + bonus
            matches.append(Match(entry.fact, score, coverage, best_text, answers=False))
        matches.sort(key=lambda m: (-m.score, m.fact.id))
        return matches

    def judge(self, match: Match, entry: _Entry, query: _Query) -> Match:
        """The match, with whether its fact answers the question and how much of the
        question its own words hold: the costlier part of scoring, so it is worked out
        only for the facts the decision reads (`decide.Judge`)."""
        # Only a fact on the topic answers, or one whose same-point sibling might.
        if match.coverage < self.policy.min_coverage and not entry.fact.points:
            return match
        if not self._answers(query, entry):
            return match
        grounded = self._grounded(query, _present(self._weighed_terms(query), entry), entry)
        return dataclasses.replace(match, answers=True, grounded=grounded)

    def _weighed_terms(self, query: _Query) -> list[tuple[str, float, str | None]]:
        """Each question term, its weight, and the broader term that partly answers it."""
        broader = self.analyzer.broader
        return [(term, weight, broader.get(term)) for term, weight in query.weights.items()]

    def _answers(self, query: _Query, entry: _Entry) -> bool:
        """Whether the fact supplies what the question asks (see bot.matcher.answerable)."""
        proper: frozenset[str] = frozenset()
        rare_names: frozenset[str] = frozenset()
        if query.premise.kind in _NAMING_KINDS:
            # Names rare in English: "Idlib", "Hammadi", not "Governor" (a title); those few
            # facts use are real answers to "what is it called" (the city's own name is in
            # many). Only these kinds read them, and working them out is half the cost.
            proper = frozenset(
                n for n in entry.names if self.frequency.zipf(n) <= self.policy.name_zipf
            )
            postings = self.postings
            rare_names = frozenset(n for n in proper if _uses(postings.get(n), query.scopes) <= 3)
        features = entry.features
        # The claimant and the outlet that reported the claim ("what did he tell the agency").
        claimant = self.claimant_terms(entry.fact)
        return answers(
            query.premise,
            features,
            entry.positions.keys(),
            claimant,
            self.agent_terms,
            rare_names,
            proper,
        )

    def _grounded(
        self, query: _Query, present: list[tuple[str, float, str | None]], entry: _Entry
    ) -> float:
        """The share of the question's weight held by the fact's own statement and quote,
        or by who made the claim."""
        said, claimant = entry.features.terms, self.claimant_terms(entry.fact)
        return sum(w for t, w, _ in present if t in said or t in claimant) / query.total_weight

    def _coverage(
        self, query: _Query, asked: list[tuple[str, float, str | None]], terms: dict[str, int]
    ) -> float:
        """The weighted share of the question's content that a fact's words account for."""
        covered = missing = 0.0
        narrow = self.policy.narrow_credit
        for term, weight, broader in asked:
            # The term in full, partly (by its broader term), or not at all.
            if term in terms:
                credit = 1.0
            elif broader is not None and broader in terms:
                credit = narrow
            else:
                credit = 0.0
            covered += weight * credit
            if credit == 0.0 and term in query.names:
                # The question names a place or actor the base knows and this fact never
                # mentions: it is most likely about something else.
                missing += weight * self.policy.conflict_factor
            else:
                missing += weight * (1.0 - credit)
        return covered / (covered + missing) if covered + missing else 0.0

    def _fits(
        self,
        query: _Query,
        placed: list[tuple[int, float, int]],
        groups: Sequence[bytes | frozenset[int]],
    ) -> list[float]:
        """`_phrasing_fit` of each of a fact's phrasings, its terms given by position
        (`placed`: position, weight, broader term's position): the hottest loop of
        matching, so the fit is written out here, with the same sums in the same order."""
        total = query.total_weight
        narrow = self.policy.narrow_credit
        fits: list[float] = []
        for terms in groups:
            shared = 0.0
            hits = 0
            for term, weight, broader in placed:
                if term in terms:
                    shared += weight
                    hits += 1
                elif broader in terms:  # a broader term absent from the fact is in none
                    shared += weight * narrow
            fits.append(_f1(shared, hits, len(terms), total) if shared > 0 else 0.0)
        return fits

    def _phrasing_fit(
        self,
        query: _Query,
        asked: list[tuple[str, float, str | None]],
        terms: frozenset[str],
    ) -> float:
        """F1 of the question's weighted terms (`asked`: term, weight, broader term)
        against one phrasing's terms (`_fits` does a fact's phrasings by position)."""
        shared = 0.0
        hits = 0
        narrow = self.policy.narrow_credit
        for term, weight, broader in asked:
            if term in terms:
                shared += weight
                hits += 1
            elif broader is not None and broader in terms:
                shared += weight * narrow
        return _f1(shared, hits, len(terms), query.total_weight) if shared > 0 else 0.0

    def _claimed_by(self, fact: Fact, claimants: frozenset[str]) -> bool:
        source = self.source_of(fact)
        return fact.source in claimants or (
            source is not None and source.part_of is not None and source.part_of in claimants
        )


def _f1(shared: float, hits: int, size: int, total: float) -> float:
    """F1 of a phrasing of `size` terms, `hits` of them the question's, sharing `shared`
    of the question's `total` weight."""
    recall = shared / total
    # Phrasing terms the question does not mention count at the weight of a common term,
    # so a long phrasing is not punished much for detail the question left out.
    precision = shared / (shared + 0.5 * (size - hits))
    return 2 * recall * precision / (recall + precision)


class SortedForms:
    """Phrasings as the literal similarity compares them (`sorted_form`), by their text,
    for the phrasings last compared: most are compared again by the next questions, and
    working one out costs more than comparing it.

    Kept apart from the entries, which come and go, in a dict of str to str: the
    collector never walks it.
    """

    __slots__ = ("_forms",)

    def __init__(self) -> None:
        self._forms: dict[str, str] = {}

    def get(self, phrasing: str) -> str | None:
        return self._forms.get(phrasing)

    def add(self, phrasing: str, folded: str) -> str:
        """The sorted form of a phrasing, folded as `folded` (bot.text.fold), kept."""
        if len(self._forms) >= _KEPT_FORMS:
            # Starting afresh is simpler than LRU bookkeeping and as safe for readers.
            self._forms.clear()
        # Readers may race to fill one in: each writes the same string. Folded text is
        # what rapidfuzz's processor makes of it already (bot.text.fold ends with it).
        form = self._forms[phrasing] = " ".join(sorted(folded.split()))
        return form


def sorted_form(text: str) -> str:
    """`text` as rapidfuzz's token_sort_ratio compares it: processed, words sorted."""
    return " ".join(sorted(fuzz_utils.default_process(text).split()))


def _present(
    terms: list[tuple[str, float, str | None]], entry: _Entry
) -> list[tuple[str, float, str | None]]:
    """The question terms the fact uses at all, itself or by its broader term: only those
    can be in one of its phrasings or its own words."""
    used = entry.positions
    return [t for t in terms if t[0] in used or t[2] in used]


def _best_phrasing(
    entry: _Entry, fits: list[float], question: str, forms: SortedForms
) -> tuple[float, float, int]:
    """(fit, literal similarity, position) of the phrasing with the best fit plus half its
    literal similarity, the first in order among equals; (0, 0, -1) when none scores.

    Tried by fit, best first, a phrasing's literal similarity (at most 1) is worked out
    only while it could still lift the phrasing to the lead: most never need it.
    """
    best_value, best_fit, best_literal, best_at = 0.0, 0.0, 0.0, -1
    phrasings = entry.fact.questions
    for at in sorted(range(len(fits)), key=fits.__getitem__, reverse=True):
        phrasing_fit = fits[at]
        if phrasing_fit + 0.5 < best_value:
            break
        form = forms.get(phrasings[at])
        if form is None:
            form = forms.add(phrasings[at], entry.record.folded_phrasing(at))
        literal = fuzz.ratio(question, form) / 100.0
        value = phrasing_fit + literal * 0.5
        if value > best_value or (value == best_value and 0 <= at < best_at):
            best_value, best_fit, best_literal, best_at = value, phrasing_fit, literal, at
    return best_fit, best_literal, best_at


# Rounding between the most a fact can score and its score.
_SLACK = 1e-9
# Sorted forms kept (about 100 bytes each).
_KEPT_FORMS = 32_768
# The kinds of question whose answer is a name: only they read a fact's proper and rare
# names (answerable._supplies: "place" the proper ones, "name" and "agent" the rare ones).
_NAMING_KINDS = frozenset({"place", "name", "agent"})


def _uses(posting: _Posting | None, scopes: tuple[int, ...]) -> int:
    """How many facts of these scopes use a term: another server's facts never count."""
    if posting is None:
        return 0
    return sum(len(posting.scopes[s]) for s in scopes if s in posting.scopes)
