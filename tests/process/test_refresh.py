"""Changes made by another process reach this process's index from the audit log.

The "bot" service and the other writer share one real SQLite file: the other writer is a
second FactService (another process's view) or a real `python -m bot` subprocess. A refresh
applies the facts the new audit entries name, in place, without rebuilding the index; only
when the log cannot say what changed (a restored backup, a truncated log) is the index
rebuilt, off to the side, while answers and writes go on.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.feed import IndexState
from bot.following import FEED_BATCH
from bot.service import FactService

GUILD = 444444444444444444
OTHER_GUILD = 555555555555555555
MOD = "discord:42"
ELSEWHERE = "cli:mod"


def draft(animal: str, version: int = 0, source: str = "AFP") -> FactDraft:
    return FactDraft(
        statement=f"The {animal} parade was at version {version}.",
        source=source,
        questions=(f"what happened at the {animal} parade", f"how big was the {animal} parade"),
    )


def answer_to(service: FactService, animal: str, guild_id: int = GUILD) -> str | None:
    """The statement the service answers about the animal's parade with, if it answers."""
    result = service.ask(f"what happened at the {animal} parade", guild_id, log=False)
    return result.answers[0].text if result.answered else None


@pytest.fixture
def services(db_path: Path) -> Iterator[tuple[FactService, FactService]]:
    """The bot's service, not refreshing by itself, and another process's view of its file."""
    bot_side = FactService.open(db_path)
    bot_side.refresh_on_read = False  # each test says when it refreshes
    bot_side.prepare()  # as the bot does before it connects
    other = FactService.open(db_path)
    yield bot_side, other
    bot_side.close()
    other.close()


def run_cli(db_path: Path, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--db", str(db_path), "--guild", str(GUILD), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_a_fact_the_cli_adds_is_applied_without_a_rebuild(
    services: tuple[FactService, FactService], db_path: Path
) -> None:
    bot_side, _ = services
    index = bot_side.index
    curated = bot_side.index.fact(bot_side.store.facts(include_retired=False)[0].id)
    assert curated is not None
    statement = "The zebra parade was at version 0."
    added = run_cli(
        db_path,
        *("facts", "add", "--statement", statement, "--source", "AFP"),
        *("--questions", "what happened at the zebra parade|how big was the zebra parade"),
    )
    assert answer_to(bot_side, "zebra") is None  # not refreshed yet

    assert bot_side.refresh() == "applied"
    assert answer_to(bot_side, "zebra") == statement
    fact_id = added.split()[-1]
    assert bot_side.index.fact(fact_id) == bot_side.store.fact(fact_id)
    # Applied in place: the same index, and the facts the change did not touch untouched.
    assert bot_side.index is index and bot_side.full_rebuilds == 0
    assert bot_side.index.fact(curated.id) is curated
    assert bot_side.refresh() == "unchanged"


def test_edits_removals_and_restores_elsewhere_are_applied_in_place(
    services: tuple[FactService, FactService],
) -> None:
    bot_side, other = services
    fact = other.add_fact(draft("heron"), guild_id=GUILD, actor=ELSEWHERE)
    bot_side.refresh()
    index = bot_side.index

    other.edit_fact(fact.id, draft("heron", 1), guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "applied"
    assert answer_to(bot_side, "heron") == "The heron parade was at version 1."

    other.remove_fact(fact.id, guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "applied"
    assert answer_to(bot_side, "heron") is None
    assert bot_side.index.fact(fact.id) is None

    other.restore_fact(fact.id, guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "applied"
    assert answer_to(bot_side, "heron") == "The heron parade was at version 1."
    assert bot_side.index is index and bot_side.full_rebuilds == 0


def test_more_changes_than_one_batch_are_all_applied(
    services: tuple[FactService, FactService],
) -> None:
    bot_side, other = services
    lines = [
        f'{{"id": "gull-{n}", "statement": "Gull {n} landed.", "source": "afp",'
        f' "questions": ["where did gull number {n} land"]}}'
        for n in range(FEED_BATCH * 2 + 5)
    ]
    other.import_jsonl("\n".join(lines), guild_id=GUILD, actor=ELSEWHERE)
    index = bot_side.index
    assert bot_side.refresh() == "applied"
    for n in range(FEED_BATCH * 2 + 5):
        assert bot_side.index.fact(f"gull-{n}") == other.store.fact(f"gull-{n}")
    assert bot_side.index is index and bot_side.full_rebuilds == 0


def test_our_own_writes_and_the_feed_agree(services: tuple[FactService, FactService]) -> None:
    """Our writes come back in the feed after the other process's: applying them again
    neither loses the other's changes nor takes ours back to an older state."""
    bot_side, other = services
    ours = bot_side.add_fact(draft("ibis"), guild_id=GUILD, actor=MOD)
    bot_side.add_source("Ibis Watch", guild_id=GUILD)  # our sources: no rebuild either
    theirs = other.add_fact(draft("koala"), guild_id=GUILD, actor=ELSEWHERE)
    ours = bot_side.edit_fact(ours.id, draft("ibis", 1), guild_id=GUILD, actor=MOD)
    index = bot_side.index

    assert bot_side.refresh() == "applied"
    assert bot_side.index.fact(ours.id) == ours
    assert bot_side.index.fact(theirs.id) == theirs
    assert answer_to(bot_side, "ibis") == "The ibis parade was at version 1."
    assert bot_side.index is index and bot_side.full_rebuilds == 0


def test_a_guild_fact_added_elsewhere_stays_in_its_guild(
    services: tuple[FactService, FactService],
) -> None:
    bot_side, other = services
    visible_elsewhere = bot_side.index.visible_count(OTHER_GUILD)
    other.add_fact(draft("lynx"), guild_id=GUILD, actor=ELSEWHERE)
    bot_side.refresh()
    assert answer_to(bot_side, "lynx", GUILD) == "The lynx parade was at version 0."
    assert answer_to(bot_side, "lynx", OTHER_GUILD) is None
    assert bot_side.index.visible_count(OTHER_GUILD) == visible_elsewhere
    assert bot_side.index.visible_count(GUILD) == visible_elsewhere + 1


def test_a_source_added_elsewhere_is_known_and_cited(
    services: tuple[FactService, FactService],
) -> None:
    bot_side, other = services
    other.add_source("Moth Monitor", guild_id=GUILD, aliases=["MM"])
    fact = other.add_fact(draft("moth", source="MM"), guild_id=GUILD, actor=ELSEWHERE)
    bot_side.refresh()
    assert bot_side.resolve_source("MM", GUILD).name == "Moth Monitor"
    result = bot_side.ask("what happened at the moth parade", GUILD, log=False)
    assert result.answers[0].fact_id == fact.id
    assert result.answers[0].citation.source == "Moth Monitor"
    # Only for this server, as when added here.
    with pytest.raises(ValidationError, match="not a known source"):
        bot_side.resolve_source("MM", OTHER_GUILD)


def test_a_restored_backup_is_caught_up_by_a_rebuild(
    services: tuple[FactService, FactService], tmp_path: Path, db_path: Path
) -> None:
    """After a restore the log's newest ids name other changes than the ones applied: the
    feed cannot say what changed, so the index is rebuilt, and shows the restored facts."""
    bot_side, other = services
    fact = other.add_fact(draft("newt"), guild_id=GUILD, actor=ELSEWHERE)
    backup = tmp_path / "backup.db"
    other.backup(backup)
    other.edit_fact(fact.id, draft("newt", 1), guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "applied"
    assert answer_to(bot_side, "newt") == "The newt parade was at version 1."
    index = bot_side.index

    restore(backup, db_path)
    # A write after the restore takes the id the edit had: the newest id alone would not tell.
    later = other.add_fact(draft("okapi"), guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "rebuilt"
    assert answer_to(bot_side, "newt") == "The newt parade was at version 0."
    assert bot_side.index.fact(later.id) == later
    assert bot_side.index is not index and bot_side.full_rebuilds == 1
    # And the feed goes on from the rebuilt state.
    other.edit_fact(later.id, draft("okapi", 1), guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "applied"
    assert answer_to(bot_side, "okapi") == "The okapi parade was at version 1."
    assert bot_side.full_rebuilds == 1


def restore(backup: Path, live: Path) -> None:
    """Put a backup's content into the live file through SQLite, as a restore would."""
    source, target = sqlite3.connect(backup), sqlite3.connect(live)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def test_a_truncated_audit_log_is_caught_up_by_a_rebuild(
    services: tuple[FactService, FactService], db_path: Path
) -> None:
    bot_side, other = services
    fact = other.add_fact(draft("puffin"), guild_id=GUILD, actor=ELSEWHERE)
    bot_side.refresh()
    with sqlite3.connect(db_path) as db:
        db.execute("delete from audit")
    db.close()
    assert bot_side.refresh() == "rebuilt"
    assert bot_side.full_rebuilds == 1
    assert bot_side.index.fact(fact.id) == fact
    # The log starts again from id 1; the feed follows it.
    other.edit_fact(fact.id, draft("puffin", 1), guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "applied"
    assert answer_to(bot_side, "puffin") == "The puffin parade was at version 1."
    assert bot_side.full_rebuilds == 1


def test_a_source_added_or_changed_elsewhere_is_taken_in_without_a_rebuild(
    services: tuple[FactService, FactService],
) -> None:
    bot_side, other = services
    index = bot_side.index
    other.add_source("Heron Desk", guild_id=GUILD)
    assert bot_side.refresh() == "unchanged"
    fact = other.add_fact(draft("heron", source="Heron Desk"), guild_id=GUILD, actor=ELSEWHERE)
    assert bot_side.refresh() == "applied"
    assert bot_side.index is index and bot_side.full_rebuilds == 0
    assert bot_side.index.fact(fact.id, GUILD) == fact
    result = bot_side.ask("what did the heron desk say about the parade", GUILD, log=False)
    assert result.answered and result.answers[0].citation.source == "Heron Desk"


def test_answers_and_writes_go_on_during_a_rebuild(
    services: tuple[FactService, FactService],
    monkeypatch: pytest.MonkeyPatch,
    db_path: Path,
) -> None:
    """The rebuild is held just after it read the database: meanwhile an answer comes
    from the old index, and a write of ours lands and is in the index swapped in."""
    bot_side, other = services
    bot_side.refresh_on_read = True  # asking tries to refresh too, and must not wait
    known = other.add_fact(draft("quail"), guild_id=GUILD, actor=ELSEWHERE)
    bot_side.refresh()
    other.add_source("Raven Desk", guild_id=GUILD)
    with sqlite3.connect(db_path) as db:
        db.execute("delete from audit")  # the log cannot say what changed: a rebuild
    db.close()
    read_state = bot_side.store.feed.index_state
    state_read = threading.Event()
    write_done = threading.Event()
    waited: list[bool] = []

    def index_state() -> IndexState:
        state = read_state()
        if threading.current_thread().name == "refresher" and not state_read.is_set():
            state_read.set()
            # Returns False only if the write below could not land during the build.
            waited.append(write_done.wait(timeout=30))
        return state

    monkeypatch.setattr(bot_side.store.feed, "index_state", index_state)
    outcome: list[str] = []
    refresher = threading.Thread(
        target=lambda: outcome.append(bot_side.refresh()), name="refresher"
    )
    refresher.start()
    try:
        assert state_read.wait(timeout=30)
        assert answer_to(bot_side, "quail") == known.statement  # the old index answers
        written = bot_side.add_fact(draft("stork"), guild_id=GUILD, actor=MOD)
    finally:
        write_done.set()
        refresher.join(timeout=60)
    assert outcome == ["rebuilt"] and waited == [True]
    assert bot_side.index.fact(written.id) == written
    assert answer_to(bot_side, "stork") == "The stork parade was at version 0."
    assert bot_side.resolve_source("Raven Desk", GUILD).name == "Raven Desk"
    assert bot_side.full_rebuilds == 1


def test_the_cli_refreshes_before_it_answers(
    services: tuple[FactService, FactService], db_path: Path
) -> None:
    """Without a background refresher (the CLI, the chat prompt) asking catches up first."""
    bot_side, other = services
    bot_side.refresh_on_read = True
    other.add_fact(draft("tapir"), guild_id=GUILD, actor=ELSEWHERE)
    assert answer_to(bot_side, "tapir") == "The tapir parade was at version 0."
    assert bot_side.full_rebuilds == 0


def test_a_write_of_ours_during_a_feed_step_is_not_undone(
    services: tuple[FactService, FactService], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed read version 1 (the other process's edit); our edit to version 2 comes
    before it is applied. Version 1 applied after ours would take the index back."""
    bot_side, other = services
    fact = other.add_fact(draft("vole"), guild_id=GUILD, actor=ELSEWHERE)
    bot_side.refresh()
    other.edit_fact(fact.id, draft("vole", 1), guild_id=GUILD, actor=ELSEWHERE)
    read_changes = bot_side.store.feed.changes_since
    editor = threading.Thread(
        target=lambda: bot_side.edit_fact(fact.id, draft("vole", 2), guild_id=GUILD, actor=MOD)
    )

    def changes_since(*args: Any, **kwargs: Any) -> Any:
        batch = read_changes(*args, **kwargs)
        if not editor.is_alive() and editor.ident is None:
            editor.start()
            # Not a measurement: time for a write that could land now to do so.
            editor.join(timeout=1)
        return batch

    monkeypatch.setattr(bot_side.store.feed, "changes_since", changes_since)
    bot_side.refresh()
    editor.join(timeout=30)
    assert not editor.is_alive()
    assert bot_side.store.fact(fact.id) == bot_side.index.fact(fact.id)
    assert answer_to(bot_side, "vole") == "The vole parade was at version 2."


def test_a_write_of_ours_after_the_rebuild_caught_up_is_in_the_new_index(
    services: tuple[FactService, FactService],
    monkeypatch: pytest.MonkeyPatch,
    db_path: Path,
) -> None:
    """The new index caught up with the log, then our write landed (in the old index):
    the last catch-up before the swap must bring it into the new one."""
    bot_side, other = services
    other.add_fact(draft("swift"), guild_id=GUILD, actor=ELSEWHERE)
    with sqlite3.connect(db_path) as db:
        db.execute("delete from audit")  # the log cannot say what changed: a rebuild
    db.close()
    read_state, read_changes = bot_side.store.feed.index_state, bot_side.store.feed.changes_since
    built: list[bool] = []
    written: list[Any] = []

    def index_state() -> IndexState:
        built.append(True)
        return read_state()

    def changes_since(*args: Any, **kwargs: Any) -> Any:
        batch = read_changes(*args, **kwargs)
        if built and not written:
            writer = threading.Thread(
                target=lambda: written.append(
                    bot_side.add_fact(draft("wren"), guild_id=GUILD, actor=MOD)
                )
            )
            writer.start()
            writer.join(timeout=30)
        return batch

    monkeypatch.setattr(bot_side.store.feed, "index_state", index_state)
    monkeypatch.setattr(bot_side.store.feed, "changes_since", changes_since)
    assert bot_side.refresh() == "rebuilt"
    assert len(written) == 1
    assert bot_side.index.fact(written[0].id) == written[0]
    assert answer_to(bot_side, "wren") == "The wren parade was at version 0."
