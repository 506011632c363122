"""Attributions by "according to": a named source ("according to the Observatory, …"),
or a document that names no one ("…, according to a statement read on air")."""

from __future__ import annotations

import re

from bot.drafting.attribution_words import MAX_NAME_WORDS
from bot.drafting.claim_parts import Attribution, Background, ClaimPart
from bot.drafting.segment import Span, in_quote

ACCORDING = re.compile(r"\b[Aa]ccording to\s+")

# "according to a joint statement" names no one: the claimant is the sentence's subject.
_BARE_DOCUMENT = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+)?(?:statement|communique|readout|report|declaration)\b"
    r"(?!.*\b(?:by|from|of)\s+[A-Z])"
)

_SOURCE_ASIDE = re.compile(r",\s+(?P<aside>(?:which|whose|who)\s[^,“”\"]+),")


def according_to_document(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]], offset: int
) -> ClaimPart | None:
    """ "He will lead the government until March, according to a statement read on air":
    the statement is the last speaker's."""
    for match in ACCORDING.finditer(sentence, start, end):
        who = sentence[match.end() : end]
        if in_quote(regions, match.start()) or not _BARE_DOCUMENT.match(who):
            continue
        before = sentence[start : match.start()].rstrip(" ,")
        if not before.strip():
            return None
        content = Span(offset + start, offset + start + len(before))
        attribution = Attribution(
            who, Span(offset + match.end(), offset + end), "according to", "carried"
        )
        return ClaimPart(Span(offset + start, offset + end), (content,), attribution)
    return None


def named_source_start(part: ClaimPart) -> int:
    """Where the source after "according to" stands: a speaker who "said" before it is
    the claimant, and the words after it only say how the report knows."""
    assert part.attribution is not None
    return part.attribution.who_span.start


def according_to(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]], offset: int
) -> tuple[ClaimPart, list[Background]] | None:
    for match in ACCORDING.finditer(sentence, start, end):
        if in_quote(regions, match.start()):
            continue
        who_end = _name_end(sentence, match.end(), end)
        who = sentence[match.end() : who_end].strip()
        if not who or len(who.split()) > MAX_NAME_WORDS + 4 or _BARE_DOCUMENT.match(who):
            continue
        attribution = Attribution(
            who, Span(offset + match.end(), offset + who_end), "according to", "said"
        )
        before = sentence[start : match.start()].rstrip(" ,")
        background: list[Background] = []
        if before.strip():
            content = Span(offset + start, offset + start + len(before))
        else:
            after = who_end
            aside = _SOURCE_ASIDE.match(sentence, after, end)
            if aside is not None:
                # "According to Sams, which supports dozens of clinics, …": the reporter's.
                background.append(
                    Background(
                        Span(offset + aside.start("aside"), offset + aside.end("aside")),
                        "relative-trailing",
                    )
                )
                after = aside.end()
            while after < end and sentence[after] in " ,":
                after += 1
            content = Span(offset + after, offset + end)
        if content.end <= content.start:
            continue
        return ClaimPart(Span(offset + start, offset + end), (content,), attribution), background
    return None


def _name_end(sentence: str, start: int, end: int) -> int:
    """Where a claimant's name after "according to" ends: at a comma, quote or clause."""
    match = re.compile(r",|[“\"]|\s(?:that|who|which)\s").search(sentence, start, end)
    return match.start() if match else end
