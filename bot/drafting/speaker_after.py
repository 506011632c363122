"""Attributions that follow the claim: "…, X said", "“…,” said X", "“…,” he said, “…”",
"…, images showed"."""

from __future__ import annotations

import re

from bot.drafting.attribution_words import (
    PREPOSITION,
    TOLD_OBJECT,
    VISUAL_NOUNS,
    claimant_words_end,
    is_claimant,
    trimmed,
)
from bot.drafting.claim_parts import Attribution, Background, ClaimPart, Mode
from bot.drafting.segment import Span, in_quote

_SUBJECT_ASIDE = re.compile(
    r"(?P<name>[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,4})(?P<aside>, (?:which|whose) [^,“”\"]+),\s+"
)

_SUBORDINATE = re.compile(r"(?:as|while|when|after|before|amid|with|even as|because)\s", re.I)

# "“…,” said the ministry, which added that …": the speaker goes on in a relative clause.
_RELATIVE_SAYING = re.compile(
    r"(?:which|who)\s+(?:also\s+)?(?:said|added|stressed|warned|noted|insisted|urged)"
    r"(?:\s+that)?\s+",
    re.I,
)


def claim_then_speaker(
    sentence: str,
    start: int,
    end: int,
    verb: re.Match[str],
    regions: list[tuple[int, int]],
    offset: int,
) -> tuple[ClaimPart, list[Background]] | None:
    """The forms "…, X said", "“…,” said X", "“…,” he said, “…”", "…, images showed"."""
    separator = _separator_before(sentence, start, verb.start(), regions)
    if separator is None or not sentence[start : separator[0]].strip():
        return None
    background: list[Background] = []
    stop, after, closing_aside = _after_attribution(
        sentence, Span(verb.end(), end), regions, offset, background
    )
    who, sep_start, tail = _speaker(sentence, start, separator, verb, stop, regions)
    words = sentence[who.start : who.end]
    kind = _kind(verb, words)
    if kind is None or not is_claimant(words, max_words=8) or not _tail_ok(tail, verb.group(0)):
        return None
    attribution = Attribution(
        words, Span(offset + who.start, offset + who.end), verb.group(0), kind
    )
    claim_end = start + len(sentence[start:sep_start].rstrip(" ,"))
    spans, aside = _claim_spans(sentence, Span(start, claim_end), regions, offset, background)
    if after is not None:
        spans.append(after)
    span_end = stop if closing_aside else end
    part = ClaimPart(Span(offset + start, offset + span_end), tuple(spans), attribution, aside)
    return part, background


def _after_attribution(
    sentence: str,
    tail: Span,
    regions: list[tuple[int, int]],
    offset: int,
    background: list[Background],
) -> tuple[int, Span | None, bool]:
    """Where the attribution stops, the claim going on after it if it does, and whether a
    reporter's aside closes the sentence (which joins `background`)."""
    mid = re.compile(r",\s*(?=[“\"])").search(sentence, tail.start, tail.end)
    if mid is not None:
        # "“…,” he said, “…”"
        return mid.start(), Span(offset + mid.end(), offset + tail.end), False
    comma = sentence.find(",", tail.start, tail.end)
    if comma < 0 or in_quote(regions, comma):
        return tail.end, None, False
    rest_start = trimmed(sentence, comma, tail.end)[0]
    relative = _RELATIVE_SAYING.match(sentence, rest_start)
    if relative is not None:
        # The speaker's words stop at the comma; what the clause says is theirs too.
        return comma, Span(offset + relative.end(), offset + tail.end), False
    if _SUBORDINATE.match(sentence, rest_start):
        # "…, a war monitor said, as the army pressed on": the reporter's aside.
        background.append(Background(Span(offset + rest_start, offset + tail.end), "subordinate"))
        return comma, None, True
    if not sentence[tail.start : comma].strip():
        # "Dozens more were wounded, the monitor said, some of them critically."
        return comma, Span(offset + rest_start, offset + tail.end), False
    return tail.end, None, False


def _speaker(
    sentence: str,
    start: int,
    separator: tuple[int, int],
    verb: re.Match[str],
    stop: int,
    regions: list[tuple[int, int]],
) -> tuple[Span, int, str]:
    """The claimant's words, where the claim ends, and what follows the verb."""
    sep_start, who_start = separator
    who_end = verb.start()
    tail = sentence[verb.end() : stop]
    if not sentence[who_start:who_end].strip():
        # "…,” said the Observatory": the claimant follows the verb.
        who_start, who_end = verb.end(), stop
        while who_start < who_end and sentence[who_start] == " ":
            who_start += 1
        tail = ""
    who_start, who_end = trimmed(sentence, who_start, who_end)
    who_end = claimant_words_end(sentence, who_start, who_end)
    quoted = _after_quote(sentence, start, verb.start(), regions)
    if quoted is not None and (not sentence[who_start:who_end] or quoted[0] < sep_start):
        # "“…,” Ahmad al-Hamwi, a 45-year-old shopkeeper, told Reuters": the claim ends
        # at the quotation, and the speaker's words run to the verb, aside and all.
        sep_start = quoted[0]
        who_start, who_end = trimmed(sentence, quoted[0], verb.start())
        who_end = claimant_words_end(sentence, who_start, who_end)
        tail = sentence[verb.end() : stop]
    return Span(who_start, who_end), sep_start, tail


def _claim_spans(
    sentence: str,
    claim: Span,
    regions: list[tuple[int, int]],
    offset: int,
    background: list[Background],
) -> tuple[list[Span], bool]:
    """The claim's own words, and whether an aside about its subject was cut out of them
    ("Jordan, which shares a border with Syria, has closed …, the ministry said": the
    aside is the reporter's, and joins `background`)."""
    aside = _SUBJECT_ASIDE.match(sentence, claim.start, claim.end)
    if aside is None or in_quote(regions, aside.start()):
        # An aside inside a quotation stays in the claim, yet marks it one clause.
        return [Span(offset + claim.start, offset + claim.end)], aside is not None
    background.append(
        Background(Span(offset + claim.start, offset + aside.end("aside")), "relative-subject")
    )
    spans = [
        Span(offset + claim.start, offset + aside.end("name")),
        Span(offset + aside.end(), offset + claim.end),
    ]
    return spans, True


def _after_quote(
    sentence: str, start: int, position: int, regions: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The quotation closing before `position` when only a speaker's words, with an aside,
    stand between them."""
    closing = [stop for begin, stop in regions if begin >= start and stop <= position]
    if not closing:
        return None
    words = sentence[closing[-1] : position].strip(" ,")
    if "," not in words and not re.search(r"\s(?:who|which)\s", words):
        return None
    if not is_claimant(words, max_words=8):
        return None
    return closing[-1], closing[-1]


def _kind(verb: re.Match[str], who: str) -> Mode | None:
    if verb.group("show") is not None:
        return "visual" if VISUAL_NOUNS.search(who) else None
    if verb.group("act") is not None:
        return None
    return "said"


def _separator_before(
    sentence: str, start: int, position: int, regions: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The comma or closing quotation mark that ends the claim before an attribution:
    whichever comes last before it."""
    # Found with rfind rather than by stepping back a character at a time: a sentence
    # with many attributions would otherwise take time growing with its square.
    last_close = max((stop - 1 for _, stop in regions if start <= stop - 1 < position), default=-1)
    index = position
    while (index := sentence.rfind(",", max(start, last_close), index)) >= 0:
        if not in_quote(regions, index):
            return (index, index + 1)
    if last_close >= 0:
        # "“…,” he said": the comma inside the quotation is part of the quote.
        return (last_close + 1, last_close + 1)
    return None


def _tail_ok(tail: str, verb: str) -> bool:
    """What may follow an attribution at the end: "in a statement", "Reuters in a square"."""
    tail = tail.strip().rstrip(".!?…")
    if not tail:
        return True
    if len(tail.split()) > 20 or re.search(r"\bthat\b", tail):
        return False
    if verb.startswith("told") and TOLD_OBJECT.match(tail):
        rest = tail[TOLD_OBJECT.match(tail).end() :].strip(" ,")  # type: ignore[union-attr]
        return not rest or PREPOSITION.match(rest) is not None or rest[0].isupper()
    return PREPOSITION.match(tail) is not None
