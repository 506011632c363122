"""The service every front end calls: asking, and the moderator operations.

The Discord cogs and the CLI only translate between their medium and these functions,
so each behaviour (validation, audit, guild scope, index updates) is written once here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import compose
from bot.errors import (
    DatabaseUnavailable,
    FactbotError,
    Forbidden,
    NotFound,
    StorageUnavailable,
    ValidationError,
)
from bot.knowledge import (
    ID_PATTERN,
    MIN_MODERATOR_QUESTIONS,
    Knowledge,
    claimed_phrasings,
    fact_from_record,
    load_knowledge,
    validate_fact_record,
)
from bot.matcher import MatchIndex, MatchPolicy
from bot.models import (
    GLOBAL,
    Answer,
    AskResult,
    AuditEntry,
    Citation,
    Fact,
    Source,
    Suggestion,
    UnansweredQuestion,
)
from bot.settings import MAX_QUESTION_CHARS
from bot.store import (
    SEED_ACTION_PREFIX,
    FeedMark,
    IndexState,
    SeedReport,
    Store,
    fact_from_snapshot,
)
from bot.text import fold, slug, unenclosed

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_FACTS = 2_000
# Audit entries a refresh applies per hold of the write lock: a write of this process waits
# for one such batch at most, not for a whole import made elsewhere.
FEED_BATCH = 100
# Builds off to the side before one is made holding writes off (see FactService._rebuild).
REBUILD_ATTEMPTS = 3

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FactDraft:
    """What a moderator supplies for a new fact, or the fields an edit changes."""

    statement: str | None = None
    source: str | None = None
    questions: tuple[str, ...] | None = None
    reported_by: str | None = None
    quote: str | None = None
    date: str | None = None
    topics: tuple[str, ...] | None = None
    # The points the fact shares with facts from other sources: one id, or several
    # (at most four); an empty tuple takes the fact out of every point.
    point: tuple[str, ...] | str | None = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class About:
    title: str
    outlet: str
    date: str
    summary: str
    fact_count: int
    sources: tuple[tuple[Source, int], ...]


@dataclass(frozen=True, slots=True)
class _Position:
    """How far an index has followed the change feed."""

    mark: FeedMark  # the last audit entry applied
    sources_digest: str  # of the sources table the index's sources match

    @classmethod
    def of(cls, state: IndexState) -> _Position:
        return cls(state.mark, state.sources_digest)


@dataclass(frozen=True, slots=True)
class _Step:
    position: _Position
    complete: bool  # nothing after it in the log yet
    changed: bool  # some fact was applied


class FactService:
    def __init__(
        self,
        store: Store,
        knowledge: Knowledge,
        policy: MatchPolicy | None = None,
        *,
        phrasing_limit: int | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
    ) -> None:
        """`phrasing_limit` indexes only each fact's first K phrasings (the database keeps
        them all): `eval --max-phrasings` uses it to measure facts with few phrasings.
        A question is matched on its first `max_question_chars` characters."""
        if phrasing_limit is not None and phrasing_limit < 1:
            raise ValueError(f"phrasing_limit must be at least 1, not {phrasing_limit}")
        self.store = store
        self.max_question_chars = max_question_chars
        self.knowledge = knowledge
        self._policy = policy
        self._phrasing_limit = phrasing_limit
        self._write_lock = threading.Lock()
        # One refresh at a time; a reader that finds one running answers from the index as is.
        self._refresh_lock = threading.Lock()
        # `ask` catches up with other processes first (the CLI: one process, one question);
        # the bot turns this off and refreshes in the background (discordbot/refresh.py).
        self.refresh_on_read = True
        # Rebuilds because the audit log could not say what changed (restored database).
        self.full_rebuilds = 0
        self._stale = False  # a refresh failed part way: look again, new commits or not
        self._install(self.store.index_state())

    @classmethod
    def open(
        cls,
        db_path: str | Path,
        knowledge_dir: Path | None = None,
        policy: MatchPolicy | None = None,
        *,
        phrasing_limit: int | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
    ) -> FactService:
        """Open (creating and seeding on first use) the database, and index its facts."""
        knowledge = load_knowledge(knowledge_dir)
        store = Store(db_path)
        try:
            store.seed(knowledge)
        except StorageUnavailable as error:
            store.close()
            raise DatabaseUnavailable(
                f"cannot open the database {db_path}: {error.reason}"
            ) from None
        return cls(
            store,
            knowledge,
            policy,
            phrasing_limit=phrasing_limit,
            max_question_chars=max_question_chars,
        )

    def close(self) -> None:
        self.store.close()

    def _new_index(self, sources: Iterable[Source], facts: list[Fact]) -> MatchIndex:
        if self._phrasing_limit is None:
            return MatchIndex(self.knowledge.lexicon, sources, facts, self._policy)
        return _PhrasingLimitedIndex(
            self._phrasing_limit,
            self.knowledge.lexicon,
            sources,
            [_first_phrasings(fact, self._phrasing_limit) for fact in facts],
            self._policy,
        )

    def _install(self, state: IndexState) -> None:
        self._sources = _source_map(state.sources)
        self.index = self._new_index(state.sources, state.facts)
        self._feed = _Position.of(state)

    def _refresh(self) -> None:
        if self.refresh_on_read:
            self.refresh()

    def refresh(self) -> str:
        """Catch the index up with what other processes (the CLI, other shards) wrote:
        "unchanged", "applied" (the changed facts, from the audit log), "rebuilt" (the log
        could not say, or the sources changed), or "busy" (another thread is refreshing).

        Answers keep using the current index meanwhile: they take no lock the refresh holds.
        """
        if not self._refresh_lock.acquire(blocking=False):
            return "busy"
        try:
            if not self.store.changed_elsewhere() and not self._stale:
                return "unchanged"
            self._stale = True
            outcome = self._follow_feed()
            self._stale = False
            return outcome
        finally:
            self._refresh_lock.release()

    def _follow_feed(self) -> str:
        applied = False
        while True:
            # Under the write lock a batch at a time: a write of ours cannot land between
            # reading a fact's state and applying it (and be undone by the older state),
            # and waits for one batch at most. Our own writes come back in the feed: applying
            # a fact's current state again changes nothing.
            with self._write_lock:
                step = self._feed_step(self.index, self._sources, self._feed)
                if step is None:
                    break
                self._feed = step.position
                applied = applied or step.changed
            if step.complete:
                return "applied" if applied else "unchanged"
        self._rebuild()
        return "rebuilt"

    def _feed_step(
        self, index: MatchIndex, sources: Mapping[tuple[int, str], Source], position: _Position
    ) -> _Step | None:
        """Apply the next batch of the feed to `index` (whose sources are `sources`); None
        if only a rebuild can catch up."""
        batch = self.store.changes_since(position.mark, FEED_BATCH)
        if batch is None:
            return None
        digest = position.sources_digest
        if batch.sources_digest != digest:
            # Our own new sources change the table too; a source we lack (new elsewhere)
            # needs a rebuild: `set_sources` would re-index every fact holding our writes
            # off, where a rebuild off to the side holds nothing.
            digest, current = self.store.sources_state()
            if _source_map(current) != sources:
                return None
        if batch.facts:
            index.apply(
                upserts=[fact for fact in batch.facts.values() if fact is not None],
                removals=[fact_id for fact_id, fact in batch.facts.items() if fact is None],
            )
        return _Step(_Position(batch.mark, digest), batch.complete, bool(batch.facts))

    def _rebuild(self) -> None:
        """A new index built off to the side, brought up to the feed, and swapped in with one
        assignment: answers use the old one meanwhile, and writes wait for the last step."""
        for _ in range(REBUILD_ATTEMPTS):
            state = self.store.index_state()
            sources = _source_map(state.sources)
            index = self._new_index(state.sources, state.facts)
            # No lock for most of the catching up: only this thread knows the new index,
            # and our own writes meanwhile went to the old one, and are in the feed.
            position = self._caught_up(index, sources, _Position.of(state))
            if position is None:
                continue  # the sources or the log changed again during the build
            with self._write_lock:
                position = self._caught_up(index, sources, position)
                if position is not None:
                    self.index, self._sources, self._feed = index, sources, position
                    self.full_rebuilds += 1
                    return
        # Changes kept outrunning the builds: build once more holding our writes off.
        with self._write_lock:
            self._install(self.store.index_state())
            self.full_rebuilds += 1

    def _caught_up(
        self, index: MatchIndex, sources: Mapping[tuple[int, str], Source], position: _Position
    ) -> _Position | None:
        while True:
            step = self._feed_step(index, sources, position)
            if step is None:
                return None
            position = step.position
            if step.complete:
                return position

    def reseed(self, *, force: bool = False) -> SeedReport:
        with self._write_lock:
            report = self.store.seed(self.knowledge, force=force)
            self._install(self.store.index_state())
        return report

    # -- asking -----------------------------------------------------------------------

    def ask(self, question: str, guild_id: int = GLOBAL, *, log: bool = True) -> AskResult:
        self._refresh()
        # Lone surrogates (undecodable bytes in a shell argument) cannot be stored as UTF-8.
        text = question.encode("utf-8", "replace").decode("utf-8").strip()
        if not any(ch.isalnum() for ch in text):
            # Nothing asked (an empty line, "?"): say what the bot is for.
            return self._help(text, guild_id)
        decision = self.index.match(text[: self.max_question_chars], guild_id)
        if decision.outcome == "answered":
            answers = tuple(self._answer(m.fact, m.score, guild_id) for m in decision.matches)
            return AskResult(text, "answered", compose.answers_text(answers), answers)
        if decision.outcome == "suggest":
            suggestions = tuple(Suggestion(m.fact.id, m.best_phrasing) for m in decision.matches)
            return AskResult(
                text, "suggest", compose.suggestions_text(suggestions), suggestions=suggestions
            )
        if decision.outcome == "help":
            return self._help(text, guild_id)
        if log and worth_reviewing(text):
            self._log_unanswered(guild_id, [text])
        if decision.related:
            related = tuple(self._answer(m.fact, m.score, guild_id) for m in decision.related)
            heading = compose.not_said_heading(decision.kind)
            message = compose.related_text(heading, related)
            return AskResult(text, "unknown", message, related=related, not_said=heading)
        return AskResult(text, "unknown", compose.unknown_text(self.knowledge.article))

    def _help(self, text: str, guild_id: int) -> AskResult:
        facts = self.index.visible_count(guild_id)
        return AskResult(text, "help", compose.help_text(self.knowledge.article, facts))

    def ask_stream(
        self, questions: Iterable[str], guild_id: int = GLOBAL, *, batch: int = 200
    ) -> Iterator[AskResult]:
        """Answer questions as they come, logging the unanswered ones a batch at a time:
        one commit per question would cost more than answering it."""
        pending: list[str] = []
        try:
            for question in questions:
                result = self.ask(question, guild_id, log=False)
                if result.outcome == "unknown" and worth_reviewing(result.question):
                    pending.append(result.question)
                if len(pending) >= batch:
                    self._log_unanswered(guild_id, pending)
                    pending.clear()
                yield result
        finally:
            self._log_unanswered(guild_id, pending)

    def _log_unanswered(self, guild_id: int, questions: list[str]) -> None:
        # The count is for moderators; a full disk or a locked database must not cost
        # the asker the answer.
        try:
            self.store.log_unanswered(guild_id, *questions)
        except StorageUnavailable as error:
            logger.warning(
                "%d unanswered question(s) not recorded: %s", len(questions), error.reason
            )

    def answer_fact(self, fact_id: str, guild_id: int = GLOBAL) -> AskResult:
        """The answer for one chosen fact, as when a "did you mean" button is pressed."""
        fact = self.index.fact(fact_id)
        if fact is None or not _visible(fact, guild_id):
            raise NotFound(f"There is no fact '{fact_id}' here any more.")
        question = fact.questions[0] if fact.questions else fact.statement
        answers = (self._answer(fact, 1.0, guild_id),)
        return AskResult(question, "answered", compose.answers_text(answers), answers)

    def _answer(self, fact: Fact, score: float, guild_id: int) -> Answer:
        return Answer(
            fact_id=fact.id,
            text=fact.statement,
            citation=self.citation(fact, guild_id),
            quote=unenclosed(fact.quote) if fact.quote else None,
            # The matcher's bonuses (a named claimant, a literal fit) can lift a score past
            # 1 to rank facts; what users and scripts see is a confidence in [0, 1].
            score=min(max(score, 0.0), 1.0),
        )

    def citation(self, fact: Fact, guild_id: int = GLOBAL) -> Citation:
        source = self.source(fact.source, guild_id)
        parent = self.source(source.part_of, guild_id) if source and source.part_of else None
        name = compose.cited_source(
            source.name if source else fact.source, parent.name if parent else None
        )
        return Citation(fact.source, name, fact.reported_by, fact.date)

    def source(self, source_id: str, guild_id: int = GLOBAL) -> Source | None:
        return self._sources.get((guild_id, source_id)) or self._sources.get((GLOBAL, source_id))

    def suggest_questions(self, partial: str, guild_id: int = GLOBAL, limit: int = 25) -> list[str]:
        """Known phrasings for autocomplete, best first."""
        return self.index.complete(partial, guild_id, limit)

    # -- reading for moderators -------------------------------------------------------

    def list_facts(
        self, guild_id: int = GLOBAL, *, include_retired: bool = False, source: str | None = None
    ) -> list[Fact]:
        facts = [
            fact
            for fact in self.store.facts(include_retired=include_retired)
            if _visible(fact, guild_id)
        ]
        if source is not None:
            resolved = self.resolve_source(source, guild_id)
            facts = [fact for fact in facts if fact.source == resolved.id]
        return facts

    def get_fact(self, fact_id: str, guild_id: int = GLOBAL) -> Fact:
        fact = self.store.fact(fact_id.strip())
        if fact is None or not _visible(fact, guild_id):
            raise NotFound(f"No fact with id '{fact_id}'.")
        return fact

    def history(self, fact_id: str, guild_id: int = GLOBAL) -> list[AuditEntry]:
        self.get_fact(fact_id, guild_id)
        return self.store.history(fact_id.strip())

    def unanswered(self, guild_id: int = GLOBAL, limit: int = 20) -> list[UnansweredQuestion]:
        return self.store.unanswered(guild_id, limit)

    def about(self, guild_id: int = GLOBAL) -> About:
        article = self.knowledge.article
        counts = self.source_counts(guild_id)
        return About(
            title=article.title,
            outlet=article.outlet,
            date=article.date,
            summary=article.summary,
            fact_count=sum(count for _, count in counts),
            sources=tuple(counts),
        )

    def source_counts(self, guild_id: int = GLOBAL) -> list[tuple[Source, int]]:
        counts: dict[str, int] = {}
        for fact in self.list_facts(guild_id):
            counts[fact.source] = counts.get(fact.source, 0) + 1
        result = []
        for (scope, source_id), source in self._sources.items():
            if scope in (GLOBAL, guild_id) and counts.get(source_id):
                result.append((source, counts[source_id]))
        return sorted(result, key=lambda pair: (-pair[1], pair[0].name))

    def resolve_source(self, name: str, guild_id: int = GLOBAL) -> Source:
        """A source by id, name or alias, among the sources this guild can see."""
        wanted = fold(name)
        visible = [s for (scope, _), s in self._sources.items() if scope in (GLOBAL, guild_id)]
        for source in visible:
            if name.strip() == source.id or wanted in {fold(n) for n in source.all_names()}:
                return source
        known = ", ".join(sorted(s.name for s in visible))
        raise ValidationError(
            [
                f"source: '{name.strip()}' is not a known source. Use a known name or alias "
                f"({known}), or create it first: /fact source in Discord, "
                "'sources add' in the shell."
            ]
        )

    # -- writing ----------------------------------------------------------------------

    def add_source(
        self,
        name: str,
        *,
        guild_id: int = GLOBAL,
        aliases: Iterable[str] = (),
        description: str = "",
    ) -> Source:
        name = name.strip()
        problems = []
        if not name or len(name) > 100:
            problems.append("name: required, at most 100 characters")
        alias_list = tuple(a.strip() for a in aliases if a.strip())
        if any(len(a) > 100 for a in alias_list):
            problems.append("aliases: each at most 100 characters")
        if problems:
            raise ValidationError(problems)
        with self._write_lock:
            for candidate in (name, *alias_list):
                try:
                    existing = self.resolve_source(candidate, guild_id)
                except ValidationError:
                    continue
                raise ValidationError(
                    [f"name: '{candidate}' already names source '{existing.name}'"]
                )
            source_id = _unique_id(slug(name, 4, "source"), {sid for (_, sid) in self._sources})
            source = Source(source_id, name, alias_list, description.strip(), None, guild_id)
            with self.store.transaction() as db:
                self.store.put_source(db, source, "moderator")
            # A new mapping rather than an insert: readers may be iterating the old one.
            self._sources = {**self._sources, (guild_id, source_id): source}
            self.index.set_sources(self._sources.values())
        return source

    def add_fact(self, draft: FactDraft, *, guild_id: int = GLOBAL, actor: str) -> Fact:
        with self._write_lock:
            fact = self._validated(None, draft.changes(), guild_id)
            with self.store.transaction() as db:
                self.store.put_fact(db, fact, actor=actor, action="add", before=None)
            self.index.apply(upserts=[fact])
        return fact

    def edit_fact(
        self, fact_id: str, draft: FactDraft, *, guild_id: int = GLOBAL, actor: str
    ) -> Fact:
        changes = draft.changes()
        if not changes:
            raise ValidationError(["nothing to change: give at least one field"])
        with self._write_lock:
            before = self._writable(fact_id, guild_id)
            fact = self._validated(before, changes, guild_id)
            if fact == before:
                return before
            with self.store.transaction() as db:
                self.store.put_fact(db, fact, actor=actor, action="edit", before=before)
            self.index.apply(upserts=[fact])
        return fact

    def remove_fact(self, fact_id: str, *, guild_id: int = GLOBAL, actor: str) -> Fact:
        return self._set_active(fact_id, False, guild_id, actor)

    def restore_fact(self, fact_id: str, *, guild_id: int = GLOBAL, actor: str) -> Fact:
        return self._set_active(fact_id, True, guild_id, actor)

    def _set_active(self, fact_id: str, active: bool, guild_id: int, actor: str) -> Fact:
        with self._write_lock:
            before = self._writable(fact_id, guild_id)
            if before.active == active:
                state = "already in use" if active else "already removed"
                raise FactbotError(f"Fact '{before.id}' is {state}.")
            if active:
                self._check_phrasings(before.questions, guild_id, exclude=before.id)
            fact = dataclasses.replace(before, active=active)
            action = "restore" if active else "remove"
            with self.store.transaction() as db:
                self.store.put_fact(db, fact, actor=actor, action=action, before=before)
            self.index.apply(upserts=[fact])
        return fact

    def undo(self, entry_id: int, *, guild_id: int = GLOBAL, actor: str) -> Fact:
        """Put a fact back as it was before one audited change."""
        entry = self.store.audit_entry(entry_id)
        if entry is None or entry.guild_id not in (guild_id,):
            raise NotFound(f"No change #{entry_id} here.")
        if entry.action.startswith(SEED_ACTION_PREFIX):
            # Undoing the seeding would silently drop or revert a curated fact until the
            # next reseed; the curated base is reviewed in its files instead.
            raise Forbidden(
                f"Change #{entry_id} is the curated knowledge being loaded; curated facts "
                "change in knowledge/facts.toml, and `python -m bot seed` applies them."
            )
        with self._write_lock:
            current = self._writable(entry.fact_id, guild_id)
            if entry.before is None:
                target = dataclasses.replace(current, active=False)
            else:
                target = fact_from_snapshot(entry.before)
            if target.active:
                self._check_phrasings(target.questions, guild_id, exclude=target.id)
            if target == current:
                raise FactbotError(f"Fact '{current.id}' is already as it was before #{entry_id}.")
            with self.store.transaction() as db:
                self.store.put_fact(
                    db, target, actor=actor, action=f"undo #{entry_id}", before=current
                )
            self.index.apply(upserts=[target])
        return target

    def attach_question(
        self, fact_id: str, question: str, *, guild_id: int = GLOBAL, actor: str
    ) -> Fact:
        """Add an unanswered (or any) question as a phrasing of a fact."""
        question = question.strip()
        if not fold(question):
            raise ValidationError(["the question to attach is empty"])
        with self._write_lock:
            before = self._writable(fact_id, guild_id)
            if fold(question) in {fold(q) for q in before.questions}:
                raise FactbotError(f"'{question}' is already a phrasing of fact '{before.id}'.")
            fact = self._validated(before, {"questions": (*before.questions, question)}, guild_id)
            with self.store.transaction() as db:
                self.store.put_fact(db, fact, actor=actor, action="attach", before=before)
                self.store.forget_unanswered(db, guild_id, question)
            self.index.apply(upserts=[fact])
        return fact

    def _writable(self, fact_id: str, guild_id: int) -> Fact:
        fact = self.get_fact(fact_id, guild_id)
        if fact.guild_id != guild_id:
            raise Forbidden(
                f"Fact '{fact.id}' is part of the curated base that every server shares; "
                "change it in knowledge/facts.toml instead."
            )
        return fact

    def _validated(self, before: Fact | None, changes: Mapping[str, Any], guild_id: int) -> Fact:
        """A complete, checked fact from `before` with `changes` applied (or a new one)."""
        record: dict[str, Any] = before.to_record() if before else {}
        record.update(changes)
        if "questions" in changes:
            record["questions"] = [q.strip() for q in changes["questions"]]
        if "topics" in changes:
            record["topics"] = [t.strip() for t in changes["topics"] if t.strip()]
        record.setdefault("date", dt.date.today().isoformat())
        if before is None:
            record["id"] = _unique_id(
                slug(str(record.get("statement") or "fact"), 6), self.store.fact_ids()
            )
        problems = self._record_problems(record, guild_id)
        if problems:
            raise ValidationError(problems)
        fact = fact_from_record(
            record,
            default_reported_by=None,
            guild_id=guild_id,
            origin=before.origin if before else "moderator",
        )
        if before is not None:
            fact = dataclasses.replace(fact, active=before.active)
        self._check_phrasings(fact.questions, guild_id, exclude=fact.id)
        return fact

    def _record_problems(self, record: dict[str, Any], guild_id: int) -> list[str]:
        """Every problem with a moderator's fact record; resolves its source in place."""
        problems: list[str] = []
        unresolved = False
        source = record.get("source")
        if isinstance(source, str) and source.strip():
            try:
                record["source"] = self.resolve_source(source, guild_id).id
            except ValidationError as error:
                problems.extend(error.problems)
                unresolved = True
        field_problems = validate_fact_record(
            record,
            known_sources={
                s.id for (scope, _), s in self._sources.items() if scope in (GLOBAL, guild_id)
            },
            article_text=None,
            min_questions=MIN_MODERATOR_QUESTIONS,
        )
        # The resolver already explained an unknown source; say it once.
        problems.extend(p for p in field_problems if not (unresolved and p.startswith("source:")))
        return list(dict.fromkeys(problems))

    def _check_phrasings(self, questions: Iterable[str], guild_id: int, exclude: str) -> None:
        questions = list(questions)
        owners = self.store.phrasing_owners(map(fold, questions), guild_id, [exclude])
        clashes = [
            f"questions: '{q}' already belongs to fact '{owners[fold(q)]}'"
            for q in questions
            if fold(q) in owners
        ]
        if clashes:
            raise ValidationError(clashes)

    # -- export and import ------------------------------------------------------------

    def export_jsonl(self, guild_id: int = GLOBAL) -> str:
        """The guild's own facts (the curated base, for the global scope), one per line."""
        facts = self.store.facts(guild_id=guild_id, include_retired=False)
        return "".join(
            json.dumps(self._portable_record(fact), ensure_ascii=False) + "\n" for fact in facts
        )

    def _portable_record(self, fact: Fact) -> dict[str, Any]:
        """A server's own source is written by name: its id may differ in another database
        (ids are made unique across servers), and import resolves names as well as ids."""
        record = fact.to_record()
        own_source = self._sources.get((fact.guild_id, fact.source))
        if fact.guild_id != GLOBAL and own_source is not None:
            record["source"] = own_source.name
        return record

    def import_jsonl(
        self, data: bytes | str, *, guild_id: int = GLOBAL, actor: str
    ) -> ImportReport:
        """Add or update facts from JSON Lines; every line is checked before any is written."""
        raw = data.encode() if isinstance(data, str) else data
        if len(raw) > MAX_IMPORT_BYTES:
            raise ValidationError([f"file: larger than {MAX_IMPORT_BYTES // 1000} kB"])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(["file: not UTF-8 text"]) from None
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if not lines:
            raise ValidationError(["file: no facts in it"])
        if len(lines) > MAX_IMPORT_FACTS:
            raise ValidationError([f"file: more than {MAX_IMPORT_FACTS} facts"])
        with self._write_lock:
            planned, problems = self._plan_import(lines, guild_id)
            if problems:
                raise ValidationError(problems)
            added = updated = unchanged = 0
            with self.store.transaction() as db:
                for before, fact in planned:
                    if before == fact:
                        unchanged += 1
                        continue
                    action = "import-add" if before is None else "import-update"
                    self.store.put_fact(db, fact, actor=actor, action=action, before=before)
                    added += before is None
                    updated += before is not None
            self.index.apply(upserts=[fact for before, fact in planned if before != fact])
        return ImportReport(added, updated, unchanged)

    def _plan_import(
        self, lines: list[tuple[int, str]], guild_id: int
    ) -> tuple[list[tuple[Fact | None, Fact]], list[str]]:
        problems: list[str] = []
        planned: list[tuple[Fact | None, Fact]] = []
        planned_lines: list[int] = []
        ids_in_file: set[str] = set()
        for number, line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"line {number}: not valid JSON ({error.msg})")
                continue
            except RecursionError:
                # Thousands of nested brackets exhaust the parser's stack.
                problems.append(f"line {number}: not valid JSON (nested too deeply)")
                continue
            if not isinstance(record, dict):
                problems.append(f"line {number}: expected a JSON object")
                continue
            fact_id = record.get("id")
            if fact_id is None or fact_id == "":
                problems.append(f"line {number}: id: missing; every fact needs one")
                continue
            if not isinstance(fact_id, str) or not ID_PATTERN.match(fact_id):
                problems.append(f"line {number}: id: must be lowercase letters, digits, hyphens")
                continue
            if fact_id in ids_in_file:
                problems.append(f"line {number}: id '{fact_id}' appears twice in the file")
                continue
            ids_in_file.add(fact_id)
            existing = self.store.fact(fact_id)
            if existing is not None and existing.guild_id != guild_id:
                problems.append(f"line {number}: id '{fact_id}' is already used elsewhere")
                continue
            try:
                changes = {k: v for k, v in record.items() if k != "id"}
                fact = self._validated_import(existing, fact_id, changes, guild_id)
            except ValidationError as error:
                problems.extend(f"line {number}: {p}" for p in error.problems)
                continue
            planned.append((existing, fact))
            planned_lines.append(number)
        problems.extend(self._import_clashes(planned, guild_id, planned_lines))
        return planned, problems

    def _validated_import(
        self, existing: Fact | None, fact_id: str, changes: dict[str, Any], guild_id: int
    ) -> Fact:
        record = dict(changes)
        record["id"] = fact_id
        problems = self._record_problems(record, guild_id)
        if problems:
            raise ValidationError(problems)
        origin = existing.origin if existing else "moderator"
        return fact_from_record(record, default_reported_by=None, guild_id=guild_id, origin=origin)

    def _import_clashes(
        self, planned: list[tuple[Fact | None, Fact]], guild_id: int, line_numbers: list[int]
    ) -> list[str]:
        owners = self.store.phrasing_owners(
            (fold(q) for _, fact in planned for q in fact.questions),
            guild_id,
            exclude=[fact.id for _, fact in planned],
        )
        line_of = {fact.id: number for (_, fact), number in zip(planned, line_numbers, strict=True)}
        return [
            f"line {line_of[fact.id]}: questions: '{question}' already belongs to fact '{other}'"
            for fact, question, other in claimed_phrasings((f for _, f in planned), owners)
        ]

    # -- maintenance ------------------------------------------------------------------

    def backup(self, target: str | Path) -> None:
        self.store.backup(target)

    def meta_value(self, key: str) -> str | None:
        return self.store.meta_value(key)

    def set_meta_value(self, key: str, value: str) -> None:
        self.store.set_meta_value(key, value)


def worth_reviewing(question: str) -> bool:
    """Whether a moderator could learn from the question: an empty line or a bare number
    (a choice typed at the wrong moment) says nothing about what people want to know."""
    return any(ch.isalpha() for ch in question)


def _visible(fact: Fact, guild_id: int) -> bool:
    return fact.guild_id in (GLOBAL, guild_id)


def _source_map(sources: Iterable[Source]) -> dict[tuple[int, str], Source]:
    return {(source.guild_id, source.id): source for source in sources}


def _unique_id(base: str, taken: set[str]) -> str:
    base = base.strip("-") or "fact"
    candidate, counter = base, 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


def _first_phrasings(fact: Fact, limit: int) -> Fact:
    if len(fact.questions) <= limit:
        return fact
    return dataclasses.replace(fact, questions=fact.questions[:limit])


class _PhrasingLimitedIndex(MatchIndex):
    """A match index that sees only each fact's first `limit` phrasings, for every fact that
    enters it (the first build and each later `apply`), so the service's writes need no
    change to honour `phrasing_limit`."""

    def __init__(self, limit: int, *args: Any, **kwargs: Any) -> None:
        self._phrasing_limit = limit  # before the base constructor applies the first facts
        super().__init__(*args, **kwargs)

    def apply(self, upserts: Iterable[Fact] = (), *args: Any, **kwargs: Any) -> None:
        limit = self._phrasing_limit
        super().apply([_first_phrasings(fact, limit) for fact in upserts], *args, **kwargs)
