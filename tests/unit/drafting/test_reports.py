"""The drafter measured on whole reports: the shipped article against its curated facts,
and made-up reports in other attribution styles (tests/data/reports/, each with the
claims a curator lists)."""

from __future__ import annotations

import pytest

from bench.drafting import measure, shipped_case
from bot.knowledge import load_knowledge
from tests.unit.drafting.support import OUTLETS, REPORTS, report_case

MIN_COVERAGE = 0.9
MIN_AGREEMENT = 0.9


def test_the_shipped_article_is_covered_with_the_curated_claimants() -> None:
    result = measure(shipped_case(), runs=1)
    assert result.claims == len(load_knowledge().facts)
    assert result.coverage >= MIN_COVERAGE, result.misses
    assert result.agreement >= MIN_AGREEMENT, result.misses
    assert result.verbatim_share == 1.0, result.misses


@pytest.mark.parametrize(("name", "outlet"), sorted(OUTLETS.items()))
def test_a_made_up_report_is_covered_with_its_claimants(name: str, outlet: str) -> None:
    case = report_case(name, outlet)
    assert len(case.claims) >= 10
    result = measure(case, runs=1)
    assert result.coverage >= MIN_COVERAGE, result.misses
    assert result.agreement >= MIN_AGREEMENT, result.misses
    assert result.verbatim_share == 1.0, result.misses


def test_the_made_up_reports_are_wire_length() -> None:
    for path in REPORTS.glob("*.txt"):
        assert 300 <= len(path.read_text(encoding="utf-8").split()) <= 500, path.name
