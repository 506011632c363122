"""Properties of the service: whatever a Discord user asks or a moderator enters, it
answers with cited facts of the asker's server, or refuses naming the fields to fix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from bot.drafts import FactDraft
from bot.errors import ValidationError
from bot.models import GLOBAL
from bot.service import FactService
from bot.text import fold
from tests.helpers import last_change
from tests.strategies import (
    ESSAY,
    GUILD,
    PROPERTY_SETTINGS,
    marked_up_service,
    question_text,
    user_text,
)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FactService]:
    """One seeded database for the module: opening one seeds it, which takes a moment."""
    opened = marked_up_service(tmp_path_factory.mktemp("properties") / "factbot.db")
    yield opened
    opened.close()


@PROPERTY_SETTINGS
@given(question_text, st.sampled_from([GLOBAL, GUILD, 777]))
@example(ESSAY, GUILD)
@example("", GLOBAL)
# Lone surrogates, as undecodable bytes in a shell argument arrive, in an unknown question
# (which gets logged) and in an answered one.
@example("what is \udcff pizza \ud800", GUILD)
@example("\ud800 who took the airport \udcff", GUILD)
def test_ask_never_raises_and_every_answer_is_cited(
    service: FactService, question: str, guild: int
) -> None:
    result = service.ask(question, guild)
    event(result.outcome)  # --hypothesis-show-statistics shows how often each came up
    assert result.outcome in {"answered", "suggest", "unknown", "help"}
    assert result.message.strip()
    # What the article does say, offered when it does not say what was asked, is cited too.
    for answer in result.related:
        assert result.outcome == "unknown"
        assert answer.citation.source.strip()
        assert f"Source: {answer.citation.source}" in result.message
    if result.outcome == "answered":
        assert result.answers
        for answer in result.answers:
            assert answer.citation.source.strip()
            assert f"Source: {answer.citation.source}" in result.message
            fact = service.index.fact(answer.fact_id)
            assert fact is not None and fact.guild_id in (GLOBAL, guild)
    elif result.outcome == "suggest":
        assert result.suggestions and not result.answers
        for suggestion in result.suggestions:
            fact = service.index.fact(suggestion.fact_id)
            assert fact is not None and fact.guild_id in (GLOBAL, guild)
    else:
        assert not result.answers and not result.suggestions


@PROPERTY_SETTINGS
@given(user_text, st.sampled_from([GLOBAL, GUILD]))
@example("is the bridge", GLOBAL)  # a guild's phrasing, typed where it is not visible
@example("", GUILD)
def test_autocomplete_never_raises_and_offers_visible_phrasings(
    service: FactService, partial: str, guild: int
) -> None:
    offered = service.suggest_questions(partial, guild)
    assert len(offered) <= 25
    visible = {q for f in service.list_facts(guild) for q in f.questions}
    assert set(offered) <= visible


# -- moderator input ----------------------------------------------------------------------

# Lone surrogates: what undecodable bytes in a shell argument or a JSON "\\ud800" become.
surrogate_text = st.text(alphabet=st.characters(exclude_categories=()), min_size=1).map(
    lambda text: text + "\udcff"
)
plain_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=3, max_size=60)
# For each field a good value and bad ones; each example breaks a few fields at most,
# so drafts are stored often enough for the success path to count.
FIELDS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "statement": (plain_words.map(lambda w: f"Moderator fact: {w}."), user_text | surrogate_text),
    "source": (st.sampled_from(["afp", "AFP", "Al Jazeera"]), user_text | st.just("nobody")),
    "questions": (
        st.lists(plain_words.map(lambda w: f"zq {w}"), min_size=1, max_size=3, unique_by=fold),
        st.lists(user_text | surrogate_text, max_size=4),
    ),
    "quote": (st.none() | plain_words, user_text | surrogate_text),
    "date": (
        st.none() | st.just("2024-12-01"),
        st.sampled_from(["2024-02-30", "yesterday", "01/12/2024"]) | user_text,
    ),
    "reported_by": (st.none() | st.just("AFP"), user_text | surrogate_text),
}


@PROPERTY_SETTINGS
@given(st.data(), st.sets(st.sampled_from(sorted(FIELDS)), max_size=3))
def test_moderator_input_is_stored_or_refused_with_field_messages(
    service: FactService, data: st.DataObject, broken: set[str]
) -> None:
    values = {name: data.draw(pair[name in broken], label=name) for name, pair in FIELDS.items()}
    values["questions"] = tuple(values["questions"])
    draft = FactDraft(**values)
    audit_before = last_change(service.store)
    try:
        fact = service.add_fact(draft, guild_id=GUILD, actor="discord:2")
    except ValidationError as error:
        event("refused")
        # Every problem names a field to fix (one that was broken), and nothing was written.
        assert error.problems
        assert {problem.split(":", 1)[0] for problem in error.problems} <= broken
        assert last_change(service.store) == audit_before
        return
    event("stored")
    assert service.store.fact(fact.id) == fact
    # One audit entry, for this fact: the only change since the one before.
    changed = service.store.feed.changes_since(audit_before, 2)
    assert changed is not None and changed.facts == {fact.key: fact}
    assert len(service.history(fact.id, GUILD)) == 1
    # Free the phrasings again for the next example.
    service.remove_fact(fact.id, guild_id=GUILD, actor="discord:2")
