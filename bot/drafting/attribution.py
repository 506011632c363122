"""Who says what in one sentence of wire copy.

A sentence is cut into parts where it hands over to another claim (", adding that",
", while", " and reported"); each part either names who says it, in one of the forms
wire copy uses, or takes the attribution of the sentence it belongs to. What the
reporter slips in on their own account (a fronted "As the fighting raged…", a subject's
", whose air support…", a trailing ", which saw…") comes back as background.
"""

from __future__ import annotations

import re

from bot.drafting.according import according_to, according_to_document, named_source_start
from bot.drafting.attribution_words import attribution_verbs
from bot.drafting.claim_parts import Attribution, Background, ClaimPart, SentenceClaims
from bot.drafting.segment import Span, in_quote, quote_regions
from bot.drafting.speaker_after import claim_then_speaker
from bot.drafting.speaker_first import speaker_then_claim

_FRONTED = re.compile(
    r"^(?P<lead>(?P<word>[A-Z][a-z]+)(?: [^,“”\"]*?)?),\s+",
)

_SUBORDINATORS = frozenset(
    {"as", "while", "when", "after", "before", "although", "though", "amid", "with", "even",
     "because", "once", "since", "until"}
)  # fmt: skip

_FRONTED_WORDS = _SUBORDINATORS | frozenset(
    {"in", "on", "at", "later", "earlier", "meanwhile", "separately", "elsewhere", "also",
     "however", "but", "and", "overnight", "late", "early", "during", "by", "for",
     "speaking", "yesterday", "today"}
)  # fmt: skip

_SPLIT = re.compile(
    r"(?P<continue>,\s+(?:adding|saying|stressing|noting|warning|insisting)(?:\s+that)?:?\s+"
    r"|,?\s+and\s+that\s+)"
    r"|(?P<verb>,?\s+and\s+(?=(?:reported|said|added|told|confirmed|warned|noted|announced|"
    r"insisted|stressed|urged|called|denied|accused|vowed|expressed|condemned|demanded|"
    r"rejected)\b))"
    r"|(?P<own>,\s+(?=(?:while|whereas)\s)|;\s+|,\s+but\s+"
    r"|,\s+(?=(?:a|an)\s+(?:claim|allegation|charge|accusation|assertion|figure|toll|report)"
    r"\s))"
)


def analyse(text: str, start: int, end: int) -> SentenceClaims:
    """The claims of the sentence text[start:end] and their attributions."""
    sentence = text[start:end]
    regions = quote_regions(sentence)
    fronted = _fronted_clause(sentence, regions)
    if fronted is not None:
        lead_end, rest_start, is_clause = fronted
        rest = _analyse_parts(sentence, rest_start, len(sentence), regions, start)
        if rest.parts and rest.parts[0].attribution is not None:
            if not is_clause:
                first = _widened(rest.parts[0], start)
                return SentenceClaims((first, *rest.parts[1:]), rest.background)
            lead = Background(Span(start, start + lead_end), "subordinate")
            return SentenceClaims(rest.parts, (lead, *rest.background))
    return _analyse_parts(sentence, 0, len(sentence), regions, start)


def _widened(part: ClaimPart, start: int) -> ClaimPart:
    """A fronted "In a statement," belongs to the attributed claim's quote."""
    return ClaimPart(Span(start, part.span.end), part.content, part.attribution, part.one_clause)


def _analyse_parts(
    sentence: str, begin: int, end: int, regions: list[tuple[int, int]], offset: int
) -> SentenceClaims:
    pieces = _split(sentence, begin, end, regions)
    parts: list[ClaimPart] = []
    background: list[Background] = []
    shared: Attribution | None = None
    # "Rebels declared that they had taken Damascus and that Assad had fled, a war monitor
    # said": an attribution closing the sentence governs all of it.
    last_start, last_end, _ = pieces[-1]
    closing = _closing_attribution(sentence, last_start, last_end, regions, offset)
    for index, (piece_start, piece_end, continues) in enumerate(pieces):
        if closing is not None and index < len(pieces) - 1:
            found = _at_end_any(sentence, piece_start, piece_end, regions, offset)
        else:
            found = _attribute(sentence, piece_start, piece_end, regions, offset, continues, shared)
        if found is None:
            parts.append(_unattributed(sentence, piece_start, piece_end, offset))
            continue
        part, extra = found
        parts.append(part)
        background.extend(extra)
        if part.attribution is not None and part.attribution.mode != "coclaim" and shared is None:
            shared = part.attribution
    if closing is not None:
        shared = closing
    if shared is not None:
        # Parts with no attribution of their own take the sentence's.
        inherited = Attribution(shared.who, shared.who_span, shared.verb, "inherit")
        parts = [
            part
            if part.attribution is not None
            else ClaimPart(part.span, part.content, inherited, part.one_clause)
            for part in parts
        ]
    return SentenceClaims(tuple(parts), tuple(background))


def _closing_attribution(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]], offset: int
) -> Attribution | None:
    """The attribution that ends the sentence ("…, a war monitor said."), if one does."""
    verbs = attribution_verbs(sentence, start, end, regions)
    if not verbs:
        return None
    found = claim_then_speaker(sentence, start, end, verbs[-1], regions, offset)
    if found is None or found[0].attribution is None:
        return None
    return found[0].attribution


def _at_end_any(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]], offset: int
) -> tuple[ClaimPart, list[Background]] | None:
    """A part's own attribution at its end, if it has one ("A, the army said, while …")."""
    for verb in reversed(attribution_verbs(sentence, start, end, regions)):
        found = claim_then_speaker(sentence, start, end, verb, regions, offset)
        if found is not None:
            return found
    return None


def _split(
    sentence: str, begin: int, end: int, regions: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """(start, end, how it goes on from the part before) for each part of the sentence:
    "verb" when it opens with the verb of the same claimant ("… and reported …"),
    "continue" when it carries on the same claimant's words (", adding that …")."""
    cuts: list[tuple[int, int, str]] = []
    for match in _SPLIT.finditer(sentence, begin, end):
        if in_quote(regions, match.start()):
            continue
        kind = "verb" if match.group("verb") else "continue" if match.group("continue") else ""
        cuts.append((match.start(), match.end(), kind))
    pieces: list[tuple[int, int, str]] = []
    start, continues = begin, ""
    for cut_start, cut_end, cut_continues in cuts:
        pieces.append((start, cut_start, continues))
        start, continues = cut_end, cut_continues
    pieces.append((start, end, continues))
    return [(s, _content_end(sentence, s, e), c) for s, e, c in pieces if e > s]


def _content_end(sentence: str, start: int, end: int) -> int:
    """The end of a part without a trailing full stop or comma (a closing quote stays)."""
    while end > start and sentence[end - 1] in " .,;:!?…\t":
        end -= 1
    return end


def _attribute(
    sentence: str,
    start: int,
    end: int,
    regions: list[tuple[int, int]],
    offset: int,
    continues: str,
    shared: Attribution | None,
) -> tuple[ClaimPart, list[Background]] | None:
    according = according_to(sentence, start, end, regions, offset)
    verbs = attribution_verbs(sentence, start, end, regions)
    if according is not None and not (
        verbs and offset + verbs[0].start() < named_source_start(according[0])
    ):
        return according
    for verb in reversed(verbs):
        found = claim_then_speaker(sentence, start, end, verb, regions, offset)
        if found is not None:
            return found
    for verb in verbs:
        # The first verb that has a claimant before it: not "quoted" in "X, quoted by Y, said".
        found = speaker_then_claim(sentence, start, end, verb, regions, offset, continues, shared)
        if found is not None:
            return found
    bare = according_to_document(sentence, start, end, regions, offset)
    if bare is not None:
        return bare, []
    if continues == "continue" and shared is not None:
        content = Span(offset + start, offset + end)
        return ClaimPart(content, (content,), shared), []
    return None


def _fronted_clause(sentence: str, regions: list[tuple[int, int]]) -> tuple[int, int, bool] | None:
    """A lead-in before the claimant: "As the fighting raged for a fourth day, …" (a clause
    of the reporter's) or "In a statement, …" (part of the attribution)."""
    match = _FRONTED.match(sentence)
    if match is None or in_quote(regions, match.end("lead")):
        return None
    word = match.group("word").lower()
    if word not in _FRONTED_WORDS:
        return None
    lead = match.group("lead")
    is_clause = word in _SUBORDINATORS and len(lead.split()) >= 4
    return match.end("lead"), match.end(), is_clause


def _unattributed(sentence: str, start: int, end: int, offset: int) -> ClaimPart:
    span = Span(offset + start, offset + end)
    return ClaimPart(span, (span,), None)
