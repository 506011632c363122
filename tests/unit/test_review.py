"""bot/review.py: which drafts of a document wait for review, and accepting or rejecting
one, on a real SQLite file."""

from __future__ import annotations

import dataclasses

import pytest

from bot.documents.library import DocumentDraft, Documents
from bot.drafting import Draft
from bot.errors import NotFound, ValidationError
from bot.models import GLOBAL
from bot.review import DraftReview, draft_fields, draft_record, quote_key
from bot.service import FactService

ONE = 111111111111111111
OTHER = 222222222222222222
ARTICLE = "aleppo-2024-11-30"
REPORT = (
    "ALEPPO, Syria (AFP) - Forty zebras paraded through the old city of Aleppo on Sunday, "
    "the Zebra Welfare Trust said.\n"
    "The Syrian Observatory for Human Rights said the parade lasted three hours.\n"
)


@pytest.fixture
def review(service: FactService) -> DraftReview:
    return DraftReview(service)


@pytest.fixture
def report(service: FactService) -> str:
    draft = DocumentDraft(title="Zebras", outlet="AFP", date="2024-12-01", text=REPORT)
    return Documents(service.store).add(draft, guild_id=ONE, actor="test").id


def by_source(drafts: list[Draft], source: str) -> Draft:
    return next(d for d in drafts if d.source_name == source or d.source == source)


def test_drafts_whose_quotes_are_curated_facts_are_not_offered(
    service: FactService, review: DraftReview
) -> None:
    pending = review.pending(ONE, ARTICLE)
    curated = {quote_key(f.quote) for f in service.list_facts(ONE) if f.quote}
    assert pending, "the article has claims no curated fact quotes"
    assert all(quote_key(d.quote) not in curated for d in pending)
    assert [d.start for d in pending] == sorted(d.start for d in pending)


def test_a_rejected_draft_stays_gone_for_its_server_only(review: DraftReview) -> None:
    first = review.pending(ONE, ARTICLE)[0]
    review.reject(ONE, ARTICLE, first, actor="mod")
    assert first.quote not in [d.quote for d in review.pending(ONE, ARTICLE)]
    assert first.quote in [d.quote for d in review.pending(OTHER, ARTICLE)]


def test_an_accepted_draft_is_an_audited_fact_and_is_not_offered_again(
    service: FactService, review: DraftReview, report: str
) -> None:
    draft = by_source(review.pending(ONE, report), "sohr")
    accepted = review.accept(ONE, report, draft, actor="mod")
    assert accepted.created_source is None
    fact = service.get_fact(accepted.fact.id, ONE)
    assert (fact.statement, fact.source, fact.quote) == (draft.statement, "sohr", draft.quote)
    assert fact.questions == draft.questions and fact.guild_id == ONE
    [entry] = service.history(fact.id, ONE)
    assert (entry.action, entry.actor) == ("add", "mod")
    assert draft.quote not in [d.quote for d in review.pending(ONE, report)]
    answer = service.ask(draft.questions[0], ONE)
    assert answer.outcome == "answered" and answer.answers[0].fact_id == fact.id


def test_accepting_a_new_claimant_creates_its_source_in_that_server(
    service: FactService, review: DraftReview, report: str
) -> None:
    draft = by_source(review.pending(ONE, report), "Zebra Welfare Trust")
    assert draft.new_source
    accepted = review.accept(ONE, report, draft, actor="mod")
    assert accepted.created_source is not None
    assert accepted.fact.source == accepted.created_source.id
    assert service.resolve_source("Zebra Welfare Trust", ONE).guild_id == ONE
    with pytest.raises(ValidationError):
        service.resolve_source("Zebra Welfare Trust", OTHER)
    with service.store.reading():
        [row] = service.store.db.query("select * from draft_reviews")
    assert row["decision"] == "accepted" and row["fact_id"] == accepted.fact.id
    assert row["created_source"] == accepted.created_source.id and row["actor"] == "mod"


def test_an_edited_draft_is_accepted_as_edited(
    service: FactService, review: DraftReview, report: str
) -> None:
    draft = by_source(review.pending(ONE, report), "Zebra Welfare Trust")
    fields = dataclasses.replace(draft_fields(draft), statement="Zebras paraded.", source="AFP")
    accepted = review.accept(ONE, report, draft, actor="mod", fields=fields)
    assert (accepted.fact.statement, accepted.fact.source) == ("Zebras paraded.", "afp")
    assert accepted.created_source is None  # the claimant was changed to a known source


def test_an_edit_naming_another_unknown_source_writes_nothing(
    service: FactService, review: DraftReview, report: str
) -> None:
    draft = by_source(review.pending(ONE, report), "Zebra Welfare Trust")
    fields = dataclasses.replace(draft_fields(draft), source="Giraffe League")
    facts = len(service.list_facts(ONE))
    with pytest.raises(ValidationError, match="create it first"):
        review.accept(ONE, report, draft, actor="mod", fields=fields)
    assert len(service.list_facts(ONE)) == facts
    assert not [s for s in service.store.sources() if s.guild_id == ONE]
    assert draft.quote in [d.quote for d in review.pending(ONE, report)]


def test_a_new_claimant_is_named_in_the_import_record(review: DraftReview, report: str) -> None:
    draft = by_source(review.pending(ONE, report), "Zebra Welfare Trust")
    assert draft_record(draft, report)["source"] == "Zebra Welfare Trust"
    known = by_source(review.pending(ONE, report), "sohr")
    assert draft_record(known, report) == {**known.to_record(), "document": report}


def test_an_accepted_draft_cites_its_document(review: DraftReview, report: str) -> None:
    draft = by_source(review.pending(ONE, report), "sohr")
    accepted = review.accept(ONE, report, draft, actor="mod")
    assert accepted.fact.document == report
    card = review.service.cited_document(accepted.fact, ONE)
    assert card is not None and card.id == report


def test_another_server_s_document_is_not_found(review: DraftReview, report: str) -> None:
    with pytest.raises(NotFound):
        review.pending(OTHER, report)
    assert review.pending(GLOBAL, ARTICLE)
