"""Fuzzy matching of questions to facts, and the confidence rule that decides what to say.

A question is turned into *terms*: folded, lightly stemmed words, with misspellings of the
fact base's own words corrected and synonyms from the lexicon mapped onto one canonical
word. Function words are kept aside: they help compare phrasings literally but never
count as content.

Each fact is scored on three things:

* coverage: how much of the question's content (weighted by rarity) the fact's own
  words account for. A question about something the base never mentions ("the mayor of
  Aleppo") leaves its rare words uncovered, and the bot declines;
* phrasing match: how well the question lines up with the fact's best question phrasing,
  in both directions, so that a phrasing that says much more than the question counts less;
* literal similarity: rapidfuzz's token-sort ratio against the phrasings, which rewards
  the same question shape ("how many", "who").

An inverted index from terms to facts gives the candidates, so only facts that share a
term with the question are scored in full. The index is an immutable snapshot: writers
build the next snapshot from the current one and swap it in with one assignment, so a
reader sees the old facts or the new ones, never a mix.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz import utils as fuzz_utils
from rapidfuzz.distance import OSA

from bot.knowledge import Lexicon
from bot.models import GLOBAL, Fact, Source
from bot.text import fold, stem


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """The weights and thresholds of the confidence rule."""

    coverage_weight: float = 0.45
    phrasing_weight: float = 0.40
    literal_weight: float = 0.15
    # Below this share of the question's content, the base does not cover the question.
    min_coverage: float = 0.72
    # A fact is answered from this score when it clearly beats the runner-up...
    answer_score: float = 0.62
    margin: float = 0.06
    # ...and from this score whatever the runner-up does.
    sure_score: float = 0.80
    # A question whose content weighs less than this ("rebels", "aleppo") says too little
    # to pick one fact: the bot offers choices instead of answering.
    min_information: float = 1.0
    # ...unless it is, near enough word for word, one of a fact's phrasings.
    verbatim_score: float = 0.97
    # Between suggest_score and an answer, the bot offers "did you mean".
    suggest_score: float = 0.45
    # Other facts this close to the best are answered alongside it.
    alongside: float = 0.05
    max_answers: int = 3
    max_suggestions: int = 3
    candidate_limit: int = 60
    # A question about a narrower term ("hts") is partly answered by the broader one ("rebel").
    narrow_credit: float = 0.6
    # Naming who said something ("what did the war monitor say") favours that source's facts.
    claimant_bonus: float = 0.05
    # How much a content word that no fact uses counts, against a rare word some fact uses.
    unknown_word_factor: float = 1.0
    # How much more a place or actor named in the question counts when the fact never
    # mentions it: "how many people live in Ankara" is not answered by Aleppo's population.
    conflict_factor: float = 2.0
    # Words that frame a question ("held", "latest", "serious") count this much.
    light_word_factor: float = 0.35


MAX_COMPLETE_CHARS = 100


@dataclass(frozen=True, slots=True)
class Match:
    fact: Fact
    score: float
    coverage: float
    best_phrasing: str


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str  # "answered" | "suggest" | "unknown"
    matches: tuple[Match, ...]

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True, slots=True)
class _Phrasing:
    text: str
    folded: str
    terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Entry:
    fact: Fact
    terms: frozenset[str]
    words: frozenset[str]
    phrasings: tuple[_Phrasing, ...]
    # Terms the fact spells with a capital inside a sentence: names of places and actors.
    names: frozenset[str] = frozenset()


class Analyzer:
    """Turns text into content terms and function words, using the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.stopwords = frozenset(stem(word) for word in lexicon.stopwords) | lexicon.stopwords
        phrases: dict[tuple[str, ...], str] = {}
        self.broader = {g.canonical: g.broader for g in lexicon.synonyms if g.broader}
        for group in lexicon.synonyms:
            for variant in (group.canonical, *group.variants):
                key = tuple(stem(word) for word in fold(variant).split())
                if key:
                    phrases[key] = group.canonical
        self.phrases = phrases
        self.longest_phrase = max((len(key) for key in phrases), default=1)
        self.lexicon_words = frozenset(word for key in phrases for word in key) | frozenset(
            lexicon.stopwords
        )
        self.lexicon_words |= lexicon.light_words
        self.light_terms = frozenset(
            term for word in lexicon.light_words for term in self.analyse(word.split())[0]
        )

    def analyse(self, words: Sequence[str]) -> tuple[list[str], list[str]]:
        """(content terms, function words) of already folded and corrected words."""
        stems = [stem(word) for word in words]
        content: list[str] = []
        function: list[str] = []
        index = 0
        while index < len(stems):
            for length in range(min(self.longest_phrase, len(stems) - index), 0, -1):
                canonical = self.phrases.get(tuple(stems[index : index + length]))
                if canonical is not None:
                    content.append(canonical)
                    index += length
                    break
            else:
                word, stemmed = words[index], stems[index]
                if word in self.stopwords or stemmed in self.stopwords:
                    function.append(word)
                else:
                    content.append(stemmed)
                index += 1
        return content, function

    def terms(self, text: str) -> frozenset[str]:
        return frozenset(self.analyse(fold(text).split())[0])

    def key(self, text: str) -> tuple[str, ...]:
        """Stemmed words, as alias phrases are compared."""
        return tuple(stem(word) for word in fold(text).split())


@dataclass(frozen=True, slots=True)
class _Snapshot:
    entries: dict[str, _Entry] = field(default_factory=dict)
    postings: dict[str, frozenset[str]] = field(default_factory=dict)
    word_counts: dict[str, int] = field(default_factory=dict)
    words_by_initial: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Spelling corrections already worked out against this snapshot's words.
    corrections: dict[str, str] = field(default_factory=dict)


class MatchIndex:
    """The facts, indexed for matching. Safe for many readers and one writer at a time."""

    def __init__(
        self,
        lexicon: Lexicon,
        sources: Iterable[Source] = (),
        facts: Iterable[Fact] = (),
        policy: MatchPolicy | None = None,
    ) -> None:
        self.analyzer = Analyzer(lexicon)
        self.policy = policy or MatchPolicy()
        self._write_lock = threading.Lock()
        self._snapshot = _Snapshot()
        self._use_sources(sources)
        self.apply(upserts=facts)

    # -- writing ----------------------------------------------------------------------

    def set_sources(self, sources: Iterable[Source]) -> None:
        """Replace the source records used for fact vocabulary (re-index touched facts)."""
        with self._write_lock:
            self._use_sources(sources)
        self.apply(upserts=[entry.fact for entry in self._snapshot.entries.values()])

    def _use_sources(self, sources: Iterable[Source]) -> None:
        self._sources = {source.id: source for source in sources}
        aliases: dict[tuple[str, ...], set[str]] = {}
        for source in self._sources.values():
            for name in source.all_names():
                key = self.analyzer.key(name)
                # "the" alone, or any name made only of function words, names no one.
                if any(word not in self.analyzer.stopwords for word in key):
                    aliases.setdefault(key, set()).add(source.id)
        self._aliases = aliases
        self._longest_alias = max((len(key) for key in aliases), default=0)

    def apply(self, upserts: Iterable[Fact] = (), removals: Iterable[str] = ()) -> None:
        """Add, replace or drop facts, then publish the new snapshot in one assignment.

        Only the postings of the terms the changed facts use are copied, so the cost
        follows the size of the change, not the size of the base.
        """
        with self._write_lock:
            old = self._snapshot
            entries = dict(old.entries)
            postings = dict(old.postings)
            word_counts = dict(old.word_counts)
            touched_terms: dict[str, tuple[set[str], set[str]]] = {}
            touched_words: set[str] = set()

            def unlink(entry: _Entry) -> None:
                for term in entry.terms:
                    touched_terms.setdefault(term, (set(), set()))[1].add(entry.fact.id)
                for word in entry.words:
                    word_counts[word] -= 1
                    touched_words.add(word)

            for fact_id in removals:
                previous = entries.pop(fact_id, None)
                if previous is not None:
                    unlink(previous)
            for fact in upserts:
                previous = entries.get(fact.id)
                if previous is not None:
                    unlink(previous)
                if not fact.active:
                    entries.pop(fact.id, None)
                    continue
                entry = self._entry(fact)
                entries[fact.id] = entry
                for term in entry.terms:
                    added, dropped = touched_terms.setdefault(term, (set(), set()))
                    added.add(fact.id)
                    dropped.discard(fact.id)
                for word in entry.words:
                    word_counts[word] = word_counts.get(word, 0) + 1
                    touched_words.add(word)

            for term, (added, dropped) in touched_terms.items():
                updated = (postings.get(term, frozenset()) - (dropped - added)) | added
                if updated:
                    postings[term] = frozenset(updated)
                else:
                    postings.pop(term, None)
            initials = {word[0] for word in touched_words}
            for word in [w for w in touched_words if word_counts.get(w, 0) <= 0]:
                word_counts.pop(word, None)
            by_initial = dict(old.words_by_initial)
            for initial in initials:
                by_initial[initial] = tuple(sorted(w for w in word_counts if w[0] == initial))
            self._snapshot = _Snapshot(entries, postings, word_counts, by_initial)

    def _entry(self, fact: Fact) -> _Entry:
        analyse = self.analyzer.analyse
        phrasings = []
        all_words: set[str] = set()
        terms: set[str] = set()
        for question in fact.questions:
            folded = fold(question)
            words = folded.split()
            all_words.update(words)
            phrasing_terms = frozenset(analyse(words)[0])
            terms.update(phrasing_terms)
            phrasings.append(_Phrasing(question, folded, phrasing_terms))
        background = [fact.statement, fact.quote or "", *fact.topics, *self._names(fact.source)]
        for text in background:
            words = fold(text).split()
            all_words.update(words)
            terms.update(analyse(words)[0])
        # A fact about HTS is also a fact about the rebels.
        terms.update(self.analyzer.broader[t] for t in list(terms) if t in self.analyzer.broader)
        names = frozenset(
            term
            for text in (fact.statement, fact.quote or "")
            for word in _capitalised_words(text)
            for term in analyse(fold(word).split())[0]
        )
        return _Entry(fact, frozenset(terms), frozenset(all_words), tuple(phrasings), names)

    def _names(self, source_id: str) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        while source_id in self._sources and source_id not in seen:
            seen.add(source_id)
            source = self._sources[source_id]
            names.extend(source.all_names())
            source_id = source.part_of or ""
        return names

    # -- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._snapshot.entries)

    def fact(self, fact_id: str) -> Fact | None:
        entry = self._snapshot.entries.get(fact_id)
        return entry.fact if entry else None

    def match(self, question: str, guild_id: int = GLOBAL, *, exact: bool = False) -> Decision:
        """Score the question against the facts visible in the guild and decide.

        `exact` scores every visible fact instead of the index's candidates; tests use it
        to prove the index changes no answer.
        """
        snapshot = self._snapshot
        query = self._query(snapshot, question)
        return self._decide(self._rank(snapshot, query, guild_id, exact), query)

    def rank(self, question: str, guild_id: int = GLOBAL, *, exact: bool = False) -> list[Match]:
        """The candidate facts for a question, scored, best first."""
        snapshot = self._snapshot
        return self._rank(snapshot, self._query(snapshot, question), guild_id, exact)

    def _rank(self, snapshot: _Snapshot, query: _Query, guild_id: int, exact: bool) -> list[Match]:
        if not query.weights:
            return []
        visible = _visibility(guild_id)
        if exact:
            candidates = [e for e in snapshot.entries.values() if visible(e.fact)]
        else:
            candidates = self._candidates(snapshot, query, visible)
        return self._score(candidates, query) if candidates else []

    def complete(self, partial: str, guild_id: int = GLOBAL, limit: int = 25) -> list[str]:
        """Known phrasings that fit what has been typed so far, for autocomplete."""
        snapshot = self._snapshot
        visible = _visibility(guild_id)
        folded = fold(partial)[:MAX_COMPLETE_CHARS]
        if not folded:
            entries = [e for e in snapshot.entries.values() if visible(e.fact)]
            return [e.fact.questions[0] for e in entries if e.fact.questions][:limit]
        query = self._query(snapshot, folded)
        entries = self._candidates(snapshot, query, visible) if query.weights else []
        if not entries and len(snapshot.entries) <= 2_000:
            entries = [e for e in snapshot.entries.values() if visible(e.fact)]
        phrasings = {p.text: p.folded for e in entries for p in e.phrasings}
        ranked = process.extract(
            folded,
            phrasings,
            scorer=fuzz.WRatio,
            processor=fuzz_utils.default_process,
            limit=limit,
            score_cutoff=50,
        )
        return [text for _, _, text in ranked]

    def _query(self, snapshot: _Snapshot, question: str) -> _Query:
        words = [self._correct(snapshot, word) for word in fold(question).split()]
        content, function = self.analyzer.analyse(words)
        # Repeated words should not weigh twice.
        terms = list(dict.fromkeys(content))
        total = len(snapshot.entries) + 1
        weights = {}
        for term in terms:
            frequency = len(snapshot.postings.get(term, ()))
            # Rare terms say more about what is asked; a term no fact uses says the most.
            weight = math.log(total / (frequency + 0.5))
            if not frequency:
                weight *= self.policy.unknown_word_factor
            if term in self.analyzer.light_terms:
                weight *= self.policy.light_word_factor
            weights[term] = weight
        claimants = self._claimants(words)
        names = frozenset(term for term in terms if self._is_name(snapshot, term))
        return _Query(" ".join(terms + function), weights, claimants, names)

    def _is_name(self, snapshot: _Snapshot, term: str) -> bool:
        # A few facts are enough to tell; a term spelled with a capital there is a name.
        for count, fact_id in enumerate(snapshot.postings.get(term, ())):
            if term in snapshot.entries[fact_id].names:
                return True
            if count >= 8:
                break
        return False

    def _claimants(self, words: Sequence[str]) -> frozenset[str]:
        stems = [stem(word) for word in words]
        found: set[str] = set()
        for length in range(1, min(self._longest_alias, len(stems)) + 1):
            for start in range(len(stems) - length + 1):
                found.update(self._aliases.get(tuple(stems[start : start + length]), ()))
        return frozenset(found)

    def _correct(self, snapshot: _Snapshot, word: str) -> str:
        """The fact base's own word that `word` misspells, or `word` itself."""
        if (
            len(word) < 5
            or word.isdigit()
            or word in snapshot.word_counts
            or word in self.analyzer.lexicon_words
            or stem(word) in self.analyzer.lexicon_words
        ):
            return word
        corrected = snapshot.corrections.get(word)
        if corrected is None:
            corrected = _closest_word(word, snapshot.words_by_initial.get(word[0], ()))
            if len(snapshot.corrections) < 50_000:
                snapshot.corrections[word] = corrected
        return corrected

    def _covered(self, term: str, terms: frozenset[str]) -> float:
        """How far a set of terms accounts for one question term (1, partly, or 0)."""
        if term in terms:
            return 1.0
        broader = self.analyzer.broader.get(term)
        return self.policy.narrow_credit if broader in terms else 0.0

    def _candidates(
        self, snapshot: _Snapshot, query: _Query, visible: Callable[[Fact], bool]
    ) -> list[_Entry]:
        overlap: dict[str, float] = {}
        for term, weight in query.weights.items():
            for fact_id in snapshot.postings.get(term, ()):
                overlap[fact_id] = overlap.get(fact_id, 0.0) + weight
            broader = self.analyzer.broader.get(term)
            if broader is not None:
                partial = weight * self.policy.narrow_credit
                for fact_id in snapshot.postings.get(broader, ()):
                    overlap[fact_id] = overlap.get(fact_id, 0.0) + partial
        ranked = []
        for fact_id in sorted(overlap, key=overlap.__getitem__, reverse=True):
            entry = snapshot.entries[fact_id]
            if visible(entry.fact):
                ranked.append(entry)
                if len(ranked) >= self.policy.candidate_limit:
                    break
        return ranked

    def _score(self, candidates: list[_Entry], query: _Query) -> list[Match]:
        policy = self.policy
        all_phrasings = [p.folded for entry in candidates for p in entry.phrasings]
        # One batch call rather than a call per phrasing (cdist would need numpy).
        literal = [0.0] * len(all_phrasings)
        for _, similarity, position in process.extract(
            query.text,
            all_phrasings,
            scorer=fuzz.token_sort_ratio,
            processor=fuzz_utils.default_process,
            limit=None,
        ):
            literal[position] = similarity
        matches: list[Match] = []
        offset = 0
        for entry in candidates:
            coverage = self._coverage(query, entry.terms)
            best_fit, best_literal, best_text = 0.0, 0.0, entry.fact.statement
            for position, phrasing in enumerate(entry.phrasings):
                fit = self._phrasing_fit(query.weights, phrasing.terms)
                lit = float(literal[offset + position]) / 100.0
                if fit + lit * 0.5 > best_fit + best_literal * 0.5:
                    best_fit, best_literal, best_text = fit, lit, phrasing.text
            offset += len(entry.phrasings)
            score = (
                policy.coverage_weight * coverage
                + policy.phrasing_weight * best_fit
                + policy.literal_weight * best_literal
            )
            if query.claimants and self._claimed_by(entry.fact, query.claimants):
                score += policy.claimant_bonus
            matches.append(Match(entry.fact, score, coverage, best_text))
        matches.sort(key=lambda m: (-m.score, m.fact.id))
        return matches

    def _coverage(self, query: _Query, terms: frozenset[str]) -> float:
        """The weighted share of the question's content that a fact's words account for."""
        covered = missing = 0.0
        for term, weight in query.weights.items():
            credit = self._covered(term, terms)
            covered += weight * credit
            if credit == 0.0 and term in query.names:
                # The question names a place or actor the base knows and this fact never
                # mentions: it is most likely about something else.
                missing += weight * self.policy.conflict_factor
            else:
                missing += weight * (1.0 - credit)
        return covered / (covered + missing) if covered + missing else 0.0

    def _phrasing_fit(self, weights: dict[str, float], terms: frozenset[str]) -> float:
        """F1 of the question's weighted terms against one phrasing's terms."""
        if not terms:
            return 0.0
        shared = sum(w * self._covered(term, terms) for term, w in weights.items())
        if shared <= 0:
            return 0.0
        recall = shared / sum(weights.values())
        # Phrasing terms the question does not mention count at the weight of a common term,
        # so a long phrasing is not punished much for detail the question left out.
        missing = len(terms - weights.keys())
        precision = shared / (shared + 0.5 * missing)
        return 2 * recall * precision / (recall + precision)

    def _claimed_by(self, fact: Fact, claimants: frozenset[str]) -> bool:
        source = self._sources.get(fact.source)
        return fact.source in claimants or (
            source is not None and source.part_of is not None and source.part_of in claimants
        )

    def _decide(self, matches: list[Match], query: _Query) -> Decision:
        policy = self.policy
        if not matches:
            return Decision("unknown", ())
        best = matches[0]
        if best.coverage < policy.min_coverage or best.score < policy.suggest_score:
            return Decision("unknown", ())
        rivals = [m for m in matches[1:] if not _same_point(m.fact, best.fact)]
        runner_up = rivals[0].score if rivals else 0.0
        clear = best.score - runner_up >= policy.margin
        vague = sum(query.weights.values()) < policy.min_information
        if vague and rivals and best.score < policy.verbatim_score:
            return Decision("suggest", (best, *rivals[: policy.max_suggestions - 1]))
        if best.score >= policy.sure_score or (best.score >= policy.answer_score and clear):
            return Decision("answered", tuple(self._answer_set(best, matches)))
        suggestions = [best, *rivals[: policy.max_suggestions - 1]]
        return Decision("suggest", tuple(suggestions))

    def _answer_set(self, best: Match, matches: list[Match]) -> list[Match]:
        policy = self.policy
        chosen = [best]
        for match in matches[1:]:
            if len(chosen) >= policy.max_answers:
                break
            same_point = _same_point(match.fact, best.fact)
            close = (
                best.score - match.score <= policy.alongside
                and match.coverage >= policy.min_coverage
            )
            if same_point or close:
                chosen.append(match)
        return chosen


@dataclass(frozen=True, slots=True)
class _Query:
    text: str
    weights: dict[str, float]
    claimants: frozenset[str]
    names: frozenset[str]


_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?:;\"“”‘’'(]\s*$")


def _capitalised_words(text: str) -> list[str]:
    """Words written with a capital that do not start a sentence: most likely names."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        # Only the few characters before the word matter; slicing more would be quadratic.
        before = text[max(0, match.start() - 4) : match.start()]
        if word[0].isupper() and match.start() > 0 and not _SENTENCE_END.search(before):
            found.append(word)
    return found


def _same_point(a: Fact, b: Fact) -> bool:
    return a.point is not None and a.point == b.point


def _visibility(guild_id: int) -> Callable[[Fact], bool]:
    return lambda fact: fact.guild_id == GLOBAL or fact.guild_id == guild_id


def _closest_word(word: str, vocabulary: Sequence[str]) -> str:
    # One slip (a wrong, missing, extra or swapped letter) in a short word, two in a long
    # one. The first letter must agree: people rarely get it wrong, and allowing it turns
    # real words the base never uses ("live") into ones it does ("five").
    limit = 2 if len(word) >= 9 else 1
    found = process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=limit)
    return found[0] if found else word
