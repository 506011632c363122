"""Background the reporter adds inside someone else's claim.

"Syria's fourth city of Hama", "Hama, a city of about one million people", "the city of
around two million people", "pro-government radio station Sham FM": descriptions of a
place or a claimant in the reporter's voice, which the claimant did not say. Each becomes
a claim of the outlet's, with a statement of the form "<name> is <description>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.drafting.segment import Span, quote_regions

_NAME = r"[A-Z][\w'’-]*(?: (?:al-|el-)?[A-Z][\w'’-]*){0,3}"
_PLACE_NOUNS = (
    r"city|capital|town|village|port|province|region|hub|stronghold|bastion|heartland|"
    r"district|governorate|enclave|crossing|border crossing|base|airport"
)
# "Syria's fourth city of Hama"
_OWNED_PLACE = re.compile(
    rf"\b(?P<desc>[A-Z][\w-]*['’]s (?:[a-z][\w-]* ){{0,2}}(?:{_PLACE_NOUNS})) of (?P<name>{_NAME})"
)
# "Hama, a city of about one million people"
_APPOSITION = re.compile(
    rf"\b(?P<name>{_NAME}), (?P<desc>(?:[A-Z][\w-]*['’]s|the country['’]s|a|an) "
    rf"(?:[\w-]+ ){{0,4}}(?:{_PLACE_NOUNS}))(?=[,.;:]|$)"
)
# "the city of around two million people"
_POPULATION = re.compile(
    r"\bthe (?P<kind>city|town|country|capital|province|region|village) of "
    r"(?P<amount>(?:(?:around|about|some|nearly|almost|more than|over|roughly|fewer than) )?"
    r"[\w.,]+(?: (?:million|thousand|hundred|billion))?) "
    r"(?P<who>people|inhabitants|residents)\b"
)
# "pro-government radio station Sham FM", "the Britain-based Syrian Observatory"
_DESCRIBED_NAME = re.compile(
    r"(?P<desc>\b(?:[Pp]ro-[\w-]+|[Aa]nti-[\w-]+|[Ss]tate(?:-run|-owned)?|[A-Z]\w+-based|"
    r"[Ii]ndependent|[Oo]pposition|[Rr]ebel-run|[Gg]overnment-run|[Pp]an-Arab)"
    r"(?: [a-z][\w-]*){0,3} (?:radio station|station|broadcaster|news agency|agency|"
    r"newspaper|daily|channel|television|TV|outlet|monitor|website|network|group)) "
    r"(?P<name>(?:the )?[A-Z][\w'’&-]*(?: (?:for |of )?[A-Z][\w'’&-]*){0,5})"
)
_PLACE_MENTION = re.compile(rf"\b(?:city|town|capital|village) of (?P<name>{_NAME})")


@dataclass(frozen=True, slots=True)
class Description:
    span: Span
    statement: str


def descriptions(text: str, start: int, end: int) -> list[Description]:
    """The reporter's descriptions inside text[start:end], outside quotations."""
    sentence = text[start:end]
    regions = quote_regions(sentence)
    found: list[Description] = []

    def outside(match: re.Match[str]) -> bool:
        return not any(s < match.start() < e or s < match.end() - 1 < e for s, e in regions)

    for match in _OWNED_PLACE.finditer(sentence):
        if outside(match):
            statement = f"{match.group('name')} is {match.group('desc')}."
            found.append(Description(_span(start, match), statement))
    for match in _APPOSITION.finditer(sentence):
        if outside(match) and not _starts_sentence(sentence, match):
            desc = match.group("desc")
            statement = f"{match.group('name')} is {desc}."
            found.append(Description(_span(start, match), statement))
    for match in _POPULATION.finditer(sentence):
        if outside(match):
            place = _last_place(text, start + match.start()) or f"The {match.group('kind')}"
            statement = (
                f"{place} is a {match.group('kind')} of {match.group('amount')} "
                f"{match.group('who')}."
            )
            found.append(Description(_span(start, match), statement))
    for match in _DESCRIBED_NAME.finditer(sentence):
        if outside(match):
            desc = match.group("desc")
            if not desc[0].isupper() or not desc.split()[0].endswith("-based"):
                desc = desc[0].lower() + desc[1:]
            article = "an" if desc[0].lower() in "aeiou" else "a"
            statement = f"{match.group('name')} is {article} {desc}."
            found.append(Description(_span(start, match), statement[0].upper() + statement[1:]))
    return found


def _span(offset: int, match: re.Match[str]) -> Span:
    return Span(offset + match.start(), offset + match.end())


def _starts_sentence(sentence: str, match: re.Match[str]) -> bool:
    # "Russia, whose…" at the head of a sentence is its subject, not an apposition.
    return match.start() == 0


def _last_place(text: str, before: int) -> str | None:
    """The place the report last named as a city, for "the city of …"."""
    names = [match.group("name") for match in _PLACE_MENTION.finditer(text, 0, before)]
    return names[-1] if names else None
