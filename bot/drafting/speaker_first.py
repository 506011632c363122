"""Attributions that come before the claim: "X said (that) …", "X told Reuters that …", and
acts that are the claim themselves ("France called on …", "X joined Iran in expressing …")."""

from __future__ import annotations

import re

from bot.drafting.according import ACCORDING
from bot.drafting.attribution_words import (
    CLAUSE_VERB,
    END_ONLY,
    OBJECT_VERBS,
    PREPOSITION,
    TOLD_OBJECT,
    VISUAL_NOUNS,
    claimant_words_end,
    is_claimant,
    trimmed,
)
from bot.drafting.claim_parts import Attribution, Background, ClaimPart, Mode
from bot.drafting.segment import Span, in_quote, quote_regions

# Where a claimant was told something, before what: "told reporters in Geneva the …".
_TOLD_WHERE = re.compile(
    r"\s+(?:in|at|on|by|from|over)\s+(?:[\w'’-]+\s+){1,3}?(?=(?:the|a|an|its|his|her|their)\s)"
)
# What follows a verb of saying when no clause is said: "warned of …", "told them to …".
_NO_CLAUSE = re.compile(
    r"(?:of|about|against|for|to)\s|on\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|[A-Z][a-z]+\s+\d)\b)"
)
_TOLD_TO = re.compile(
    r"\s+(?:(?!(?:were|was|had|has|have|is|are|would|will|could)\b)[\w'’-]+\s+){1,3}"
    r"to\s+[a-z]+\b(?![^,]*\bthat\b)"
)

_MAX_TIME_WORDS = 4

# "a claim the Israeli army denied": the army is the claimant of the denial.
_COUNTERED = re.compile(
    r"(?:a|an)\s+(?:claim|allegation|charge|accusation|assertion|figure|toll|report)\s+"
    r"(?:that\s+|which\s+)?",
    re.IGNORECASE,
)

# A name, then what it is: "Hayat Tahrir al-Sham, the group that leads the alliance";
# not a person's age or story ("Umm Ali, a 31-year-old teacher who fled").
_DESCRIBED = re.compile(r"^[^,]+,\s+(?:the|a|an)\s+(?![^,]*(?:\d|\bwho\b))[^,]+$")

_RELATIVE = re.compile(r"^(?:which|who|whose|where)\b")


def speaker_then_claim(
    sentence: str,
    start: int,
    end: int,
    verb: re.Match[str],
    regions: list[tuple[int, int]],
    offset: int,
    continues: str,
    shared: Attribution | None,
) -> tuple[ClaimPart, list[Background]] | None:
    """The forms "X said (that) …", "X told Reuters that …", "France called on …"."""
    if verb.group(0) in END_ONLY:
        return None
    who_start, who_end = _claimant_span(sentence, start, verb)
    named = bool(sentence[who_start:who_end].strip())
    background: list[Background] = []
    attribution: Attribution | None = None
    if named:
        attribution = _named(sentence, Span(who_start, who_end), verb, offset, background)
    elif continues == "verb" and shared is not None:
        # "… and reported …": the same claimant goes on.
        mode: Mode = "act" if verb.group("act") is not None else shared.mode
        attribution = Attribution(shared.who, shared.who_span, verb.group(0), mode)
    if attribution is None:
        return None
    content_start = _claim_start(sentence, verb, end, regions)
    attribution = _as_act(attribution, sentence, verb, content_start, end)
    head_end = who_end
    if attribution.mode in ("act", "visual"):
        content_start = start if named else verb.start()
        if named:
            head_end = _parenthetical(sentence, who_start, who_end)[0]
    content_end = _claim_end(
        sentence, Span(content_start, end), regions, attribution, offset, background
    )
    if content_end <= content_start:
        return None
    content: tuple[Span, ...] = (Span(offset + content_start, offset + content_end),)
    if head_end < who_end:
        # "Russia, whose air support …, joined Iran": the claim leaves the aside out.
        content = (
            Span(offset + content_start, offset + head_end),
            Span(offset + verb.start(), offset + content_end),
        )
    part = ClaimPart(
        Span(offset + start, offset + content_end), content, attribution, len(content) > 1
    )
    return part, background


def _claimant_span(sentence: str, start: int, verb: re.Match[str]) -> tuple[int, int]:
    """Where the claimant's words before the verb stand, without "also" or "a claim"."""
    who_start, who_end = trimmed(sentence, start, verb.start())
    who_end = claimant_words_end(sentence, who_start, who_end)
    countered = _COUNTERED.match(sentence, who_start, who_end)
    if countered is not None:
        who_start = countered.end()
    return who_start, who_end


def _named(
    sentence: str,
    who: Span,
    verb: re.Match[str],
    offset: int,
    background: list[Background],
) -> Attribution | None:
    """The attribution to the claimant the words name, if they can name one; an aside
    about the claimant joins `background`."""
    head_end, relative = _parenthetical(sentence, who.start, who.end)
    if relative is not None:
        background.append(
            Background(Span(offset + who.start, offset + relative), "relative-subject")
        )
    elif _DESCRIBED.match(sentence[who.start : who.end]):
        # "The SDF, the de facto army of the Kurdish-run administration, said": the
        # description is the reporter's.
        background.append(Background(Span(offset + who.start, offset + who.end), "appositive"))
    head = sentence[who.start : head_end]
    if not is_claimant(head):
        return None
    mode: Mode = "said"
    if verb.group("show") is not None:
        if not VISUAL_NOUNS.search(head):
            return None
        mode = "visual"
    elif verb.group("act") is not None:
        mode = "act"
    return Attribution(
        sentence[who.start : who.end] if relative is None else head,
        Span(offset + who.start, offset + (head_end if relative is not None else who.end)),
        verb.group(0),
        mode,
    )


def _as_act(
    attribution: Attribution, sentence: str, verb: re.Match[str], content_start: int, end: int
) -> Attribution:
    """A verb of saying with no clause said is an act: "X reported fierce battles", "X
    warned of a wider war", "X told the SDF to disarm"."""
    if attribution.mode != "said":
        return attribution
    verb_text = verb.group(0)
    no_clause = verb_text in OBJECT_VERBS and not CLAUSE_VERB.search(
        _unquoted(sentence[content_start:end])
    )
    told_to = verb_text.startswith("told") and _TOLD_TO.match(sentence, verb.end()) is not None
    if no_clause or told_to or _NO_CLAUSE.match(sentence, content_start):
        return Attribution(attribution.who, attribution.who_span, verb_text, "act")
    return attribution


def _claim_end(
    sentence: str,
    content: Span,
    regions: list[tuple[int, int]],
    attribution: Attribution,
    offset: int,
    background: list[Background],
) -> int:
    """Where the claim after the verb ends: before "according to a joint statement" (the
    source of the words is no claim), or before a trailing ", which …" of the reporter's,
    which joins `background`."""
    content_end = content.end
    according = ACCORDING.search(sentence, content.start, content.end)
    if according is not None and not in_quote(regions, according.start()):
        content_end = trimmed(sentence, content.start, according.start())[1]
    if attribution.mode == "said":
        trailing = _trailing_relative(sentence, content.start, content.end, regions)
        if trailing is not None:
            content_end = trimmed(sentence, content.start, trailing)[1]
            background.append(
                Background(Span(offset + trailing + 2, offset + content.end), "relative-trailing")
            )
    return content_end


def coclaim_part(part: ClaimPart, text: str) -> ClaimPart | None:
    """For "X joined Iran in expressing …", the same claim made by Iran."""
    if part.attribution is None or not part.attribution.verb.startswith("joined "):
        return None
    match = re.match(r"joined (?P<who>.+?) in (?P<ing>\w+ing)\b", part.attribution.verb)
    if match is None:
        return None
    verb_at = text.find(part.attribution.verb, part.span.start, part.span.end)
    if verb_at < 0:
        return None
    who_start = verb_at + len("joined ")
    who = match.group("who")
    attribution = Attribution(
        who, Span(who_start, who_start + len(who)), match.group("ing"), "coclaim"
    )
    span = Span(verb_at, part.span.end)
    content = Span(verb_at + match.end("ing") - len(match.group("ing")), part.span.end)
    return ClaimPart(span, (content,), attribution)


def _parenthetical(sentence: str, start: int, end: int) -> tuple[int, int | None]:
    """For "Russia, whose air support …, joined": where the name ends, and where the
    relative clause about it ends when there is one (an appositive stays in the name)."""
    words = sentence[start:end]
    first = words.find(",")
    if first < 0:
        return end, None
    rest = words[first + 1 :].strip()
    if _RELATIVE.match(rest) and not rest.startswith("who "):
        return start + first, end
    # "Samer, who asked not to be named, said": an aside about a speaker stays with them.
    return end, None


def _claim_start(
    sentence: str, verb: re.Match[str], end: int, regions: list[tuple[int, int]]
) -> int:
    """Where the claim begins after "said", "told Reuters that", "said in a statement:"."""
    position = verb.end()
    window = sentence[position:end]
    first_quote = min((s for s, _ in regions if s >= position), default=end) - position
    that = re.search(r"\bthat\s+", window)
    if (
        that is not None
        and that.start() < first_quote
        and len(window[: that.start()].split()) <= 12
    ):
        lead = window[: that.start()].strip()
        if not lead or PREPOSITION.match(lead) or verb.group(0).startswith("told"):
            return position + that.end()
        if len(lead.split()) <= _MAX_TIME_WORDS and not CLAUSE_VERB.search(lead):
            return position + that.end()  # "warned Thursday that"
    colon = re.match(r"[^“\":]{0,80}?:\s*", window)
    if colon is not None and colon.end() <= first_quote + 2:
        return position + colon.end()
    if verb.group(0).startswith("told"):
        told = TOLD_OBJECT.match(window)
        if told is not None:
            position += told.end()
            where = _TOLD_WHERE.match(sentence, position, end)
            if where is not None:
                position = where.end()  # "told reporters in Geneva the talks failed"
    while position < end and sentence[position] in " ,":
        position += 1
    return position


def _trailing_relative(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]]
) -> int | None:
    """Where a trailing ", which saw …" after reported speech begins."""
    for match in re.finditer(r", (?=(?:which|whose) )", sentence[:end]):
        if match.start() > start and not in_quote(regions, match.start()):
            return match.start()
    return None


def _unquoted(text: str) -> str:
    for region_start, region_end in sorted(quote_regions(text), reverse=True):
        text = text[:region_start] + " " + text[region_end:]
    return text
