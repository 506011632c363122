"""What the attribution of one sentence comes to: its claims, who makes each, and what
the reporter slips in on their own account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.drafting.segment import Span

# How the claim is attributed:
#   said      "X said (that) …", "…, X said", "…, said X", "according to X"
#   act       the claim is the act itself: "France called on …", "X reported fierce battles"
#   visual    "AFPTV footage showed …", "…, images showed"
#   coclaim   "… joined Iran in expressing …": Iran makes the claim too
#   inherit   a part with no attribution of its own, in a sentence that has one
#   carried   "…, according to a statement read on air": no one named; the last speaker
Mode = Literal["said", "act", "visual", "coclaim", "inherit", "carried"]


@dataclass(frozen=True, slots=True)
class Attribution:
    who: str  # the words naming the claimant, as written ("a war monitor", "it", "Tehran")
    who_span: Span
    verb: str
    mode: Mode


@dataclass(frozen=True, slots=True)
class ClaimPart:
    span: Span  # the quote: the claim with its attribution
    content: tuple[Span, ...]  # the claim's own words, attribution left out
    attribution: Attribution | None  # None: in the reporter's voice (or continuing one)
    # The content is one clause an aside was cut out of ("Jordan" … "has closed …"), not
    # a claim that goes on after its attribution ("…, the monitor said, some of them …").
    one_clause: bool = False


@dataclass(frozen=True, slots=True)
class Background:
    """Something the reporter tells on their own account inside an attributed sentence."""

    span: Span
    # subordinate: "As the fighting raged …, X said" or "…, X said, as the army pressed on"
    kind: Literal["subordinate", "relative-subject", "relative-trailing", "appositive"]


@dataclass(frozen=True, slots=True)
class SentenceClaims:
    parts: tuple[ClaimPart, ...]
    background: tuple[Background, ...]

    @property
    def attributed(self) -> bool:
        return any(part.attribution is not None for part in self.parts)
