"""The service every front end calls: asking, and the moderator operations.

The Discord cogs and the CLI only translate between their medium and these functions,
so each behaviour (validation, audit, guild scope, index updates) is written once here.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot import compose
from bot.coverage import About, ReachCache, about_of, reach_of
from bot.documents.library import Documents
from bot.documents.records import Document, DocumentInfo
from bot.errors import (
    DatabaseUnavailable,
    FactbotError,
    Forbidden,
    NotFound,
    StorageUnavailable,
    ValidationError,
)
from bot.following import LiveIndex
from bot.indexing import IndexBuilder
from bot.knowledge import Knowledge, default_knowledge_dir, load_knowledge
from bot.knowledge_cache import KnowledgeCache
from bot.matcher import MatchIndex, MatchPolicy
from bot.models import (
    GLOBAL,
    Answer,
    AskResult,
    AuditEntry,
    Citation,
    Fact,
    Reach,
    Source,
    Suggestion,
    UnansweredQuestion,
)
from bot.records import fact_from_snapshot
from bot.saved_index import SavedIndex
from bot.settings import MAX_QUESTION_CHARS, SAVED_INDEX_MIN_FACTS
from bot.store import SEED_ACTION_PREFIX, FactChange, SeedReport, Store
from bot.text import fold, is_unicode, unenclosed, worth_reviewing

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.checking import FactChecker
    from bot.drafts import FactDraft
    from bot.transfer import ImportReport

logger = logging.getLogger(__name__)


class FactService:
    def __init__(
        self,
        store: Store,
        knowledge: Knowledge,
        policy: MatchPolicy | None = None,
        *,
        phrasing_limit: int | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
        saved_index_min_facts: int = SAVED_INDEX_MIN_FACTS,
    ) -> None:
        """`phrasing_limit` indexes only each fact's first K phrasings (the database keeps
        them all): `eval --max-phrasings` uses it to measure facts with few phrasings.
        A question is matched on its first `max_question_chars` characters. An index of
        `saved_index_min_facts` facts or more is saved beside the database, and the next
        process starts from it (saved_index.py)."""
        if phrasing_limit is not None and phrasing_limit < 1:
            raise ValueError(f"phrasing_limit must be at least 1, not {phrasing_limit}")
        self.store = store
        self.max_question_chars = max_question_chars
        self.knowledge = knowledge
        self._write_lock = threading.Lock()
        self._reaches = ReachCache()
        # `ask` catches up with other processes first (the CLI: one process, one question);
        # the bot turns this off and refreshes in the background (discordbot/refresh.py).
        self.refresh_on_read = True
        build = IndexBuilder(knowledge.lexicon, policy, phrasing_limit)
        # An index of some phrasings only is a measurement's: it neither replaces the
        # bot's saved index nor starts from it.
        saved = None
        if phrasing_limit is None:
            saved = SavedIndex.beside(store, build, saved_index_min_facts)
        self._live = LiveIndex(store, build, self._write_lock, saved)

    @classmethod
    def open(
        cls,
        db_path: str | Path,
        knowledge_dir: Path | None = None,
        policy: MatchPolicy | None = None,
        *,
        phrasing_limit: int | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
        saved_index_min_facts: int = SAVED_INDEX_MIN_FACTS,
    ) -> FactService:
        """Open (creating and seeding on first use) the database; its facts are indexed
        when first asked about (see `prepare`)."""
        directory = knowledge_dir or default_knowledge_dir()
        # A database is made only for knowledge that loads; one made before keeps it parsed
        # from its second start on (knowledge_cache.py).
        made_before = Path(db_path).is_file()
        knowledge = None if made_before else load_knowledge(directory)
        store = Store(db_path)
        try:
            if knowledge is None:
                knowledge = KnowledgeCache(store).load(directory)
            store.seed(knowledge)
        except StorageUnavailable as error:
            store.close()
            raise DatabaseUnavailable(
                f"cannot open the database {db_path}: {error.reason}"
            ) from None
        except BaseException:
            store.close()
            raise
        return cls(
            store,
            knowledge,
            policy,
            phrasing_limit=phrasing_limit,
            max_question_chars=max_question_chars,
            saved_index_min_facts=saved_index_min_facts,
        )

    def prepare(self) -> Literal["saved", "built"]:
        """Make the index now rather than at the first question: "saved" (loaded from the
        saved index and caught up) or "built"."""
        return self._live.ready()

    def close(self) -> None:
        self.store.close()

    @property
    def index(self) -> MatchIndex:
        """The index answers read; it follows the database (see following.py)."""
        return self._live.index

    @property
    def index_made_from(self) -> Literal["saved", "built"] | None:
        """How the index was made: from the saved index, or built; None: not made yet (a
        process that only writes never makes it)."""
        return self._live.made_from

    @property
    def full_rebuilds(self) -> int:
        """Rebuilds because the audit log could not say what changed (restored database)."""
        return self._live.full_rebuilds

    def _refresh(self) -> None:
        if self.refresh_on_read:
            self.refresh()

    def refresh(self) -> str:
        """Catch the index up with what other processes (the CLI, other shards) wrote:
        "unchanged", "applied", "rebuilt" or "busy" (see LiveIndex.refresh)."""
        outcome = self._live.refresh()
        if outcome in ("applied", "rebuilt"):
            self._reaches.forget()
        return outcome

    def reseed(self, *, force: bool = False) -> SeedReport:
        """Bring the curated facts and documents in line with the knowledge files (as when
        a database is opened), then build the index anew."""
        reports: list[SeedReport] = []
        with self._write_lock:
            self._commit(
                writes=[
                    lambda db: reports.append(self.store.seed_in(db, self.knowledge, force=force))
                ],
                rebuild=True,
            )
        return reports[0]

    # -- asking -----------------------------------------------------------------------

    def ask(self, question: str, guild_id: int = GLOBAL, *, log: bool = True) -> AskResult:
        self._refresh()
        # Lone surrogates (undecodable bytes in a shell argument) cannot be stored as UTF-8.
        text = question.encode("utf-8", "replace").decode("utf-8").strip()
        if not any(ch.isalnum() for ch in text):
            # Nothing asked (an empty line, "?"): say what the bot is for.
            return self._help(text, guild_id)
        decision = self.index.match(text[: self.max_question_chars], guild_id)
        reach = self.reach(guild_id)
        if decision.outcome == "answered":
            answers = tuple(self._answer(m.fact, m.score, guild_id) for m in decision.matches)
            return AskResult(text, "answered", compose.answers_text(answers), answers, reach=reach)
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
            return AskResult(text, "unknown", message, (), (), related, heading, reach)
        message = compose.unknown_text(self.knowledge.article, reach)
        return AskResult(text, "unknown", message, reach=reach)

    def _help(self, text: str, guild_id: int) -> AskResult:
        facts, reach = self.index.visible_count(guild_id), self.reach(guild_id)
        message = compose.help_text(self.knowledge.article, facts, reach)
        return AskResult(text, "help", message, reach=reach)

    def reach(self, guild_id: int = GLOBAL) -> Reach:
        """The outlets and latest date of the documents the server's facts cite."""
        return self._reaches.get(
            guild_id,
            lambda: reach_of(Documents(self.store).cited(guild_id), self.knowledge.article),
        )

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
            self.log_unanswered(guild_id, questions)
        except StorageUnavailable as error:
            logger.warning(
                "%d unanswered question(s) not recorded: %s", len(questions), error.reason
            )

    def log_unanswered(self, guild_id: int, questions: list[str]) -> None:
        """Count questions the bot could not answer, in one write however many."""
        if questions:
            # Under the write lock, as every write; on the plain connection: a process that
            # only answers never loads sqlite-utils.
            with self._write_lock:
                self.store.record_unanswered(guild_id, questions)

    def answer_fact(self, fact_id: str, guild_id: int = GLOBAL) -> AskResult:
        """The answer for one chosen fact, as when a "did you mean" button is pressed."""
        fact = self.index.fact(fact_id, guild_id)
        if fact is None:
            raise NotFound(f"There is no fact '{fact_id}' here any more.")
        question = fact.questions[0] if fact.questions else fact.statement
        answers = (self._answer(fact, 1.0, guild_id),)
        message = compose.answers_text(answers)
        return AskResult(question, "answered", message, answers, reach=self.reach(guild_id))

    def _answer(self, fact: Fact, score: float, guild_id: int) -> Answer:
        return Answer(
            fact_id=fact.id,
            text=fact.statement,
            citation=self.citation(fact, guild_id),
            quote=unenclosed(fact.quote) if fact.quote else None,
            # The matcher's bonuses (a named claimant, a literal fit) can lift a score past
            # 1 to rank facts; what users and scripts see is a confidence in [0, 1].
            score=min(max(score, 0.0), 1.0),
            quote_verified=fact.quote_verified,
        )

    def citation(self, fact: Fact, guild_id: int = GLOBAL) -> Citation:
        source = self.source(fact.source, guild_id)
        parent = self.source(source.part_of, guild_id) if source and source.part_of else None
        name = compose.cited_source(
            source.name if source else fact.source, parent.name if parent else None
        )
        return Citation(fact.source, name, fact.reported_by, fact.date)

    def source(self, source_id: str, guild_id: int = GLOBAL) -> Source | None:
        return self._live.sources.source(source_id, guild_id)

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
            if fact.visible_in(guild_id)
        ]
        if source is not None:
            resolved = self.resolve_source(source, guild_id)
            facts = [fact for fact in facts if fact.source == resolved.id]
        return facts

    def get_fact(self, fact_id: str, guild_id: int = GLOBAL) -> Fact:
        fact = self.store.fact(fact_id.strip(), guild_id)
        if fact is None:
            raise NotFound(f"No fact with id '{fact_id}'.")
        return fact

    def history(self, fact_id: str, guild_id: int = GLOBAL) -> list[AuditEntry]:
        fact = self.get_fact(fact_id, guild_id)
        return self.store.history(fact.id, fact.guild_id)

    def unanswered(self, guild_id: int = GLOBAL, limit: int = 20) -> list[UnansweredQuestion]:
        return self.store.unanswered(guild_id, limit)

    def cited_document(self, fact: Fact, guild_id: int = GLOBAL) -> DocumentInfo | None:
        """The document the fact cites, while the server sees it; None for none."""
        return Documents(self.store).find(guild_id, fact.document) if fact.document else None

    def about(self, guild_id: int = GLOBAL) -> About:
        documents = Documents(self.store).cited(guild_id)
        return about_of(self.knowledge.article, self.source_counts(guild_id), documents)

    def source_counts(self, guild_id: int = GLOBAL) -> list[tuple[Source, int]]:
        return self._live.sources.counts(self.list_facts(guild_id), guild_id)

    def resolve_source(self, name: str, guild_id: int = GLOBAL) -> Source:
        """A source by id, name or alias, among the sources this guild can see."""
        return self._live.sources.resolve(name, guild_id)

    # -- writing ----------------------------------------------------------------------
    #
    # Every write holds the write lock from reading what it checks to updating the index,
    # and lands through `_commit`.

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
        for field, text in (
            ("name", name),
            ("aliases", " ".join(alias_list)),
            ("description", description),
        ):
            if not is_unicode(text):
                problems.append(f"{field}: not valid Unicode text")
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
            source_id = self._live.sources.new_id(name, guild_id)
            source = Source(source_id, name, alias_list, description.strip(), None, guild_id)
            self._commit(source=source)
        return source

    def add_fact(self, draft: FactDraft, *, guild_id: int = GLOBAL, actor: str) -> Fact:
        with self._write_lock:
            fact = self._checker().drafted(None, draft.changes(), guild_id)
            self._commit([FactChange(None, fact, "add", actor)])
        return fact

    def edit_fact(
        self, fact_id: str, draft: FactDraft, *, guild_id: int = GLOBAL, actor: str
    ) -> Fact:
        changes = draft.changes()
        if not changes:
            raise ValidationError(["nothing to change: give at least one field"])
        with self._write_lock:
            before = self._writable(fact_id, guild_id)
            fact = self._checker().drafted(before, changes, guild_id)
            if fact == before:
                return before
            self._commit([FactChange(before, fact, "edit", actor)])
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
                self._checker().check_phrasings(before.questions, guild_id, exclude=before.id)
            fact = dataclasses.replace(before, active=active)
            action = "restore" if active else "remove"
            self._commit([FactChange(before, fact, action, actor)])
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
                self._checker().check_phrasings(target.questions, guild_id, exclude=target.id)
            if target == current:
                raise FactbotError(f"Fact '{current.id}' is already as it was before #{entry_id}.")
            self._commit([FactChange(current, target, f"undo #{entry_id}", actor)])
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
            questions = {"questions": (*before.questions, question)}
            fact = self._checker().drafted(before, questions, guild_id)
            change = FactChange(before, fact, "attach", actor)
            self._commit([change], answered=(guild_id, question))
        return fact

    def _commit(
        self,
        changes: Sequence[FactChange] = (),
        *,
        source: Source | None = None,
        answered: tuple[int, str] | None = None,
        documents: Sequence[Document] = (),
        writes: Sequence[Callable[[Database], None]] = (),
        rebuild: bool = False,
    ) -> None:
        """The one way anything is written: a new source, documents, facts (each with its
        audit entry), the question a fact now answers and any other rows (`writes`), all
        or nothing; then the index is brought up to them (built anew with `rebuild`). Call
        holding the write lock: nothing may land between the checks and the index update."""
        self.store.commit(changes, source, answered, documents, writes)
        if rebuild:
            self._live.install()
        elif source is not None:
            self._live.add_source(source)
        if changes and not rebuild:
            self._live.apply([change.after for change in changes])
        if changes or rebuild:
            self._reaches.forget()

    def write(self, rows: Callable[[Database], None]) -> None:
        """Write rows that change no fact (a document, a review decision) in a transaction
        of their own, through the one write path."""
        with self._write_lock:
            self._commit(writes=[rows])

    def _checker(self) -> FactChecker:
        # Loaded here: a process that only answers never checks a fact.
        from bot.checking import FactChecker

        return FactChecker(self.store, self._live.sources)

    def _writable(self, fact_id: str, guild_id: int) -> Fact:
        fact = self.get_fact(fact_id, guild_id)
        if fact.guild_id != guild_id:
            raise Forbidden(
                f"Fact '{fact.id}' is part of the curated base that every server shares; "
                "change it in knowledge/facts.toml instead."
            )
        return fact

    # -- export and import ------------------------------------------------------------

    def export_jsonl(self, guild_id: int = GLOBAL) -> str:
        """The guild's own facts (global: the curated base), after its own documents."""
        from bot.transfer import export_server  # here: a process that only answers does without

        return export_server(self.store, self._live.sources, guild_id)

    def import_jsonl(
        self, data: bytes | str, *, guild_id: int = GLOBAL, actor: str
    ) -> ImportReport:
        """Add or update documents and facts from JSON Lines, all checked before any write."""
        from bot.transfer import ImportPlan, ImportReport, import_lines  # as export_jsonl

        lines = import_lines(data)
        with self._write_lock:
            plan = ImportPlan(self.store, self._checker(), guild_id, actor).read(lines)
            if plan.problems:
                raise ValidationError(plan.problems)
            changes = [
                FactChange(p.before, p.after, "import-update" if p.before else "import-add", actor)
                for p in plan.facts
                if p.before != p.after
            ]
            self._commit(changes, documents=plan.documents.new)
        added = sum(change.before is None for change in changes)
        unchanged = len(plan.facts) - len(changes)
        return ImportReport(added, len(changes) - added, unchanged, len(plan.documents.new))

    # -- maintenance ------------------------------------------------------------------

    def backup(self, target: str | Path) -> None:
        self.store.backup(target)

    def meta_value(self, key: str) -> str | None:
        return self.store.meta_value(key)

    def set_meta_value(self, key: str, value: str) -> None:
        self.write(lambda db: self.store.put_meta_value(db, key, value))
