"""From a report to drafted facts: every attributed claim, quoted and attributed.

The report is read in order, sentence by sentence, because attributions carry over:
"it added" and "the monitor said" name whoever the report quoted last, and a quotation
with no attribution of its own carries on the last speaker's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.drafting.attribution import analyse
from bot.drafting.background import descriptions
from bot.drafting.claim_parts import Attribution, Background, ClaimPart
from bot.drafting.claimants import Claimant, ClaimantResolver
from bot.drafting.document import Document
from bot.drafting.draft import Draft
from bot.drafting.phrasings import phrasings
from bot.drafting.points import PointCandidate, suggest_points
from bot.drafting.segment import Dateline, Span, quote_regions, segment
from bot.drafting.speaker_first import coclaim_part
from bot.drafting.statement import neutral_statement, possessive, subject_of
from bot.drafting.thesaurus import thesaurus
from bot.knowledge import Lexicon
from bot.models import Fact, Source
from bot.text import fold, slug
from bot.validation import MAX_QUOTE

# A sentence with no attribution carries on the last speaker's words when it opens with a
# quotation ("Later, “at least 16 civilians were killed…”") that is most of it.
_QUOTE_LEAD_WORDS = 3
_PRONOUN = re.compile(r"(?:he|she|it|they|we)", re.IGNORECASE)
_COUNTERED = re.compile(
    r"^(?:a|an)\s+(?P<noun>claim|allegation|charge|accusation|assertion|figure|toll|report)\s",
    re.IGNORECASE,
)
# "Fatima, 60, clutched a photograph …": a person the reporter introduces by name and age.
_INTRODUCED = re.compile(
    r"^(?P<name>[A-Z][\w'’-]+(?:\s+(?:al-|el-|bin\s|abu\s)?[A-Z][\w'’-]+)*),\s+"
    r"(?:\d{1,3}|an?\s+\d{1,3}-year-old)\b"
)
_MAX_DISPLAY_WORDS = 6
_SPEAKS_FOR = re.compile(
    r"^(?:an?|the)\s+[\w-]+\s+(?:for|of|from|at)\s+(?P<name>.+)$", re.IGNORECASE
)
# "Images broadcast by state television": the pictures are the broadcaster's claim.
_BROADCAST_BY = re.compile(
    r"\b(?:broadcast|released|published|posted|shared|aired|distributed|issued|filmed|"
    r"provided|supplied) by (?P<owner>.+)$"
)
_QUOTED_SHARE = 0.4
_SUBORDINATOR = re.compile(
    r"^(?:as|while|when|after|before|although|though|amid|with|even as|because|once|since|"
    r"until)\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Reading:
    """One sentence as the drafter reads it: its text, the report before it, and the
    claimants its attributions have been resolved to."""

    sentence: str
    earlier: str
    resolved: dict[Span, Claimant] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Pending:
    span: Span
    claimant: Claimant
    claimant_words: str
    statement: str
    reporter_voice: bool


# The longest sentence read for claims: twice the longest quote a fact may hold.
MAX_SENTENCE = 2 * MAX_QUOTE


def draft_facts(
    document: Document,
    sources: Sequence[Source],
    lexicon: Lexicon,
    *,
    existing: Sequence[Fact] = (),
) -> list[Draft]:
    """Drafts for every claim in `document`, in the order of its text.

    `existing`: facts already in the base; the drafts take none of their ids or question
    phrasings, so `facts import` accepts them next to those facts."""
    text = document.text
    resolver = ClaimantResolver(sources, lexicon, document.outlet)
    segmented = segment(text)
    pending: list[_Pending] = []
    if segmented.dateline is not None:
        pending.append(_dateline(segmented.dateline, resolver.outlet))
    previous_subject: str | None = None
    for sentence in segmented.sentences:
        if sentence.end - sentence.start > MAX_SENTENCE:
            # No sentence of a report runs this long; text without sentence breaks is
            # not read for claims, as reading it would take time growing with its square.
            continue
        sentence_text = sentence.text(text)
        claims = analyse(text, sentence.start, sentence.end)
        reading = _Reading(sentence_text, text[: sentence.start])
        found: list[_Pending] = []
        if claims.attributed:
            found.extend(
                _Pending(d.span, resolver.outlet, "", d.statement, True)
                for d in descriptions(text, sentence.start, sentence.end)
            )
            found.extend(_background(text, item, resolver.outlet) for item in claims.background)
        carried = None if claims.attributed else _carried_on(sentence_text, resolver)
        introduced = None if claims.attributed else _INTRODUCED.match(sentence_text)
        if introduced is not None:
            resolver.introduce(introduced.group("name"))
        for part in claims.parts:
            found.append(_claim(text, part, reading, resolver, carried, previous_subject))
            extra = coclaim_part(part, text)
            if extra is not None:
                found.append(_claim(text, extra, reading, resolver, None, None))
        first = next((item for item in found if not item.reporter_voice), None) or (
            found[0] if found else None
        )
        previous_subject = subject_of(first.statement) if first is not None else None
        pending.extend(found)
    pending.sort(key=lambda item: (item.span.start, -item.span.end))
    return _finish(document, pending, lexicon, resolver, existing)


def _claim(
    text: str,
    part: ClaimPart,
    reading: _Reading,
    resolver: ClaimantResolver,
    carried: Claimant | None,
    previous_subject: str | None,
) -> _Pending:
    attribution = part.attribution
    pieces = [text[span.start : span.end] for span in part.content]
    if attribution is not None and attribution.mode == "carried":
        # "…, according to a statement read on air": whoever the report quoted last.
        carried, attribution = resolver.last(), None
    if attribution is None:
        claimant = carried or resolver.outlet
        statement = neutral_statement(
            pieces, claimant=claimant.name, previous_subject=previous_subject
        )
        return _Pending(part.span, claimant, "", statement, carried is None)
    claimant = _who(attribution, reading, resolver)
    name = _display(claimant, attribution.who)
    act_alone = attribution.mode == "act" and pieces[0].lstrip().startswith(attribution.verb)
    who = attribution.who.strip()
    if act_alone and not _PRONOUN.fullmatch(who):
        # "… and denied targeting civilians": said of whom the report names, as it names them.
        name = who[0].upper() + who[1:]
    if attribution.mode == "act" and _PRONOUN.fullmatch(who) and pieces[0].startswith(who):
        # "He urged soldiers to lay down their arms": said of whom "he" is.
        pieces = [name + pieces[0][len(who) :], *pieces[1:]]
    countered = _COUNTERED.match(pieces[0]) if attribution.mode == "act" else None
    if countered is not None:
        # "a claim the Israeli army denied" -> "The Israeli army denied the claim."
        noun = countered.group("noun").lower()
        return _Pending(
            part.span, claimant, attribution.who, f"{name} {attribution.verb} the {noun}.", False
        )
    said = attribution.mode in ("said", "inherit")
    statement = neutral_statement(
        pieces,
        claimant=name,
        act_without_subject=act_alone,
        coclaim=attribution.mode == "coclaim",
        previous_subject=previous_subject if said else None,
        speaker_pronoun=said and part.content[0].start > attribution.who_span.end,
        one_clause=part.one_clause or attribution.mode in ("act", "visual"),
    )
    reporter = claimant == resolver.outlet
    return _Pending(part.span, claimant, attribution.who, statement, reporter)


def _who(attribution: Attribution, reading: _Reading, resolver: ClaimantResolver) -> Claimant:
    """The claimant an attribution names, resolved once per sentence however many parts
    share it (so "it" is not counted as two mentions)."""
    if attribution.who_span in reading.resolved:
        return reading.resolved[attribution.who_span]
    if attribution.mode == "visual":
        # Pictures are the outlet's, unless they are named as someone else's.
        owner = _BROADCAST_BY.search(attribution.who)
        claimant = resolver.known(attribution.who, reading.sentence) or (
            resolver.resolve(owner.group("owner"), reading.sentence, reading.earlier)
            if owner
            else resolver.outlet
        )
    else:
        claimant = resolver.resolve(attribution.who, reading.sentence, reading.earlier)
    reading.resolved[attribution.who_span] = claimant
    return claimant


def _display(claimant: Claimant, words: str) -> str:
    """The claimant as a statement names it: the report's own words when they name it
    ("The army", "Observatory head Rami Abdel Rahman", "Tehran"), else the source's name
    (for "he", "the 29-year-old", or words with an aside)."""
    stripped = words.strip()
    name = re.sub(r"\s*\(.*?\)", "", claimant.name)
    if not stripped or _PRONOUN.fullmatch(stripped) or re.search(r",|\d|\swho\s", stripped):
        return name
    if len(stripped.split()) > _MAX_DISPLAY_WORDS:
        return name
    written = re.sub(r"^(?:the|a|an)\s+", "", stripped, flags=re.IGNORECASE)
    if (
        stripped != written
        and written[:1].islower()
        and not (set(fold(written).split()) & set(fold(name).split()))
    ):
        return name  # "the monitor" says less than the monitor's name
    return stripped[0].upper() + stripped[1:]


def _carried_on(sentence_text: str, resolver: ClaimantResolver) -> Claimant | None:
    regions = quote_regions(sentence_text)
    if not regions:
        return None
    start, _ = regions[0]
    if len(sentence_text[:start].split()) > _QUOTE_LEAD_WORDS:
        return None
    quoted = sum(end - begin for begin, end in regions)
    if quoted < _QUOTED_SHARE * len(sentence_text):
        return None
    return resolver.last()


def _background(text: str, item: Background, outlet: Claimant) -> _Pending:
    words = text[item.span.start : item.span.end]
    if item.kind == "subordinate":
        statement = _SUBORDINATOR.sub("", words)
    elif item.kind == "appositive":
        name, _, description = words.partition(",")
        spoken_for = _SPEAKS_FOR.match(name.strip())
        if spoken_for is not None:
            name = spoken_for.group("name")  # "a spokesman for the SDF, the …" describes the SDF
        statement = f"{name.strip()} is {description.strip()}"
    elif item.kind == "relative-subject":
        name, _, clause = words.partition(",")
        relative, _, rest = clause.strip().partition(" ")
        statement = f"{possessive(name)} {rest}" if relative == "whose" else f"{name} {rest}"
    else:
        before = text[max(0, item.span.start - 120) : item.span.start - 2]
        relative, _, rest = words.partition(" ")
        antecedent = _antecedent(before)
        owner = possessive(antecedent)
        statement = f"{owner} {rest}" if relative == "whose" else f"{antecedent} {rest}"
    return _Pending(item.span, outlet, "", neutral_statement([statement], claimant=""), True)


def _antecedent(before: str) -> str:
    """The noun phrase a trailing ", which …" is about: after the last preposition."""
    words = before.split()
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower() in {"on", "of", "in", "for", "to", "at", "by", "with", "from"}:
            return " ".join(words[index + 1 :])
    return " ".join(words[-3:])


def _dateline(dateline: Dateline, outlet: Claimant) -> _Pending:
    if dateline.date is not None:
        day = dt.date.fromisoformat(dateline.date)
        statement = f"The report is dated {day.day} {day:%B %Y}."
    else:
        place = (dateline.place or "").split(",")[0].strip().title()
        statement = f"The report was filed from {place}."
    return _Pending(dateline.span, outlet, "", statement, True)


def _finish(
    document: Document,
    pending: list[_Pending],
    lexicon: Lexicon,
    resolver: ClaimantResolver,
    existing: Sequence[Fact],
) -> list[Draft]:
    synonyms = thesaurus(lexicon)
    candidates = [
        PointCandidate(_source_key(item.claimant), item.statement, item.reporter_voice)
        for item in pending
    ]
    points = suggest_points(candidates, lexicon)
    drafts: list[Draft] = []
    ids = {fact.id for fact in existing}
    taken = {fold(question) for fact in existing for question in fact.questions}
    for item, item_points in zip(pending, points, strict=True):
        source = _source_key(item.claimant)
        speaker = resolver.short_name(item.claimant)
        questions = phrasings(item.statement, speaker, synonyms, taken=taken)
        drafts.append(
            Draft(
                id=_unique(slug(item.statement, max_words=6), source, ids),
                quote=document.text[item.span.start : item.span.end],
                start=item.span.start,
                end=item.span.end,
                source=source,
                source_name=item.claimant.name,
                new_source=item.claimant.proposed,
                claimant_words=item.claimant_words,
                statement=item.statement,
                date=document.date,
                reported_by=document.outlet,
                questions=questions,
                points=item_points,
            )
        )
    return drafts


def _source_key(claimant: Claimant) -> str:
    return claimant.source_id or slug(claimant.name, max_words=5, default="source")


def _unique(base: str, source: str, ids: set[str]) -> str:
    candidate = base
    if candidate in ids:
        candidate = f"{source}-{base}"[:80].rstrip("-")
    number = 2
    while candidate in ids:
        candidate = f"{base[:75]}-{number}"
        number += 1
    ids.add(candidate)
    return candidate
