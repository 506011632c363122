"""Who says what in one sentence of wire copy.

A sentence is cut into parts where it hands over to another claim (", adding that",
", while", " and reported"); each part either names who says it, in one of the forms
wire copy uses, or takes the attribution of the sentence it belongs to. What the
reporter slips in on their own account (a fronted "As the fighting raged…", a subject's
", whose air support…", a trailing ", which saw…") comes back as background.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.drafting.clause import IRREGULAR
from bot.drafting.segment import Span, quote_regions

# How the claim is attributed:
#   said      "X said (that) …", "…, X said", "…, said X", "according to X"
#   act       the claim is the act itself: "France called on …", "X reported fierce battles"
#   visual    "AFPTV footage showed …", "…, images showed"
#   coclaim   "… joined Iran in expressing …": Iran makes the claim too
#   inherit   a part with no attribution of its own, in a sentence that has one
#   carried   "…, according to a statement read on air": no one named; the last speaker
Mode = Literal["said", "act", "visual", "coclaim", "inherit", "carried"]

_SAY = (
    r"(?:was|were) quoted (?:by (?:[\w'’-]+ ){1,4})?as saying|"
    "said|says|say|told|tells|added|adds|reported|reports|confirmed|confirms|stated|states|"
    "announced|announces|claimed|claims|noted|notes|warned|warns|explained|explains|insisted|"
    "stressed|wrote|writes|tweeted|posted|estimated|denied|denies|acknowledged|admitted|"
    "alleged|argued|declared|indicated|revealed|maintained|asserted|affirmed|recalled|"
    "recounted|cautioned|predicted|replied|continued|went on|told AFP|quoted|warn|claim|"
    "insist|insists|estimate|estimates|add|note|argue|argues|fear|fears|believe|believes"
)
_ACT = (
    r"called on|called for|calls on|calls for|urged|urges|condemned|condemns|denounced|"
    r"welcomed|welcomes|demanded|demands|accused|accuses|blamed|vowed|pledged|threatened|"
    r"expressed|expresses|voiced|rejected|dismissed|praised|appealed|criticised|criticized|"
    r"slammed|reaffirmed|called|described|branded|hailed|termed|"
    r"issued an? (?:[\w-]+ )?(?:statement|warning|appeal|call|communique)|"
    r"put the (?:[\w-]+ )?(?:toll|number|figure|count)|gave a (?:[\w-]+ )?toll|"
    r"joined (?:[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*|the [A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*) "
    r"in \w+ing"
)
_SHOW = "showed|shows|show|showing"
_VERB = re.compile(rf"\b(?:(?P<act>{_ACT})|(?P<say>{_SAY})|(?P<show>{_SHOW}))\b")
# Verbs that only attribute after the claim ("…,” he continued).
_END_ONLY = frozenset({"continued", "went on", "replied", "quoted"})
# Verbs that report a thing rather than a clause: "X reported fierce battles".
_OBJECT_VERBS = frozenset(
    {"reported", "reports", "confirmed", "confirms", "announced", "announces", "denied",
     "denies", "estimated", "acknowledged", "admitted", "revealed", "claimed", "claims"}
)  # fmt: skip
# What follows a verb of saying when no clause is said: "warned of …", "told them to …".
_TOLD_WHERE = re.compile(
    r"\s+(?:in|at|on|by|from|over)\s+(?:[\w'’-]+\s+){1,3}?(?=(?:the|a|an|its|his|her|their)\s)"
)
_NO_CLAUSE = re.compile(
    r"(?:of|about|against|for|to)\s|on\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|[A-Z][a-z]+\s+\d)\b)"
)
_TOLD_TO = re.compile(
    r"\s+(?:(?!(?:were|was|had|has|have|is|are|would|will|could)\b)[\w'’-]+\s+){1,3}"
    r"to\s+[a-z]+\b(?![^,]*\bthat\b)"
)
_VISUAL_NOUNS = re.compile(
    r"\b(?:footage|images?|video|videos|pictures?|photos?|photographs?|imagery|AFPTV|"
    r"livestream|broadcast)\b",
    re.IGNORECASE,
)
# Words that cannot stand in the noun phrase naming a claimant.
_NOT_IN_NAME = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "will", "would", "can", "could", "may",
     "might", "should", "shall", "must", "did", "does", "do", "has", "have", "had", "that",
     "which", "where", "when", "while", "as", "because", "if", "since", "until", "although",
     "though", "after", "before", "not", "there", "this", "these", "than", "into", "onto"}
)  # fmt: skip
_NOT_FIRST = frozenset(
    {"and", "but", "or", "so", "then", "to", "of", "in", "on", "at", "with", "by", "for",
     "from", "also", "later", "earlier", "over", "under", "about"}
)  # fmt: skip
_MAX_NAME_WORDS = 10
_MAX_TIME_WORDS = 4
_MAX_ASIDE_WORDS = 16
_ASIDE = re.compile(r",|\s(?:who|which)\s")
# Participles that describe a speaker rather than say what they did.
_ADJECTIVE_PARTICIPLES = frozenset(
    {"armed", "based", "unnamed", "unidentified", "detained", "displaced", "injured",
     "wounded", "concerned", "affected", "united", "killed", "led", "left", "set", "hit",
     "put", "cut", "let", "retired", "elected", "exiled", "appointed", "named"}
)  # fmt: skip
# A claimant's words may end with these before the verb: "the army also said".
# "a claim the Israeli army denied": the army is the claimant of the denial.
_COUNTERED = re.compile(
    r"(?:a|an)\s+(?:claim|allegation|charge|accusation|assertion|figure|toll|report)\s+"
    r"(?:that\s+|which\s+)?",
    re.IGNORECASE,
)
_BEFORE_VERB = re.compile(
    r"(?:,?\s+(?:also|later|earlier|previously|separately|further|then|again|had|has|have|"
    r"would|on \w+day|late on \w+day|in a statement|in a statement on \w+day))+\s*$",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(
    r"^(?:in|on|at|during|after|before|via|by|from|to|while|when|as|late|earlier|later|last|"
    r"this|overnight|also|again|through|without|with|under|over|near|inside|outside|"
    r"yesterday|today|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
# Where a claimant is told something: "told AFP", "told reporters".
_TOLD_OBJECT = re.compile(
    r"^\s*(?:[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*|reporters|journalists|the agency|the press|"
    r"him|her|them|us|me|"
    r"a news conference|a press conference|a briefing|"
    r"(?:(?:the|a|an) )?(?:[\w-]+ ){0,3}(?:newspaper|daily|channel|broadcaster|television|TV|"
    r"agency|radio|station|outlet|website|media)(?: [A-Z][\w'’.-]*)*)"
)
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
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
# "according to a joint statement" names no one: the claimant is the sentence's subject.
_BARE_DOCUMENT = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+)?(?:statement|communique|readout|report|declaration)\b"
    r"(?!.*\b(?:by|from|of)\s+[A-Z])"
)
_CLAUSE_VERB = re.compile(
    r"\b(?:is|are|was|were|had|has|have|will|would|could|can|did|do|does|may|might|[a-z]+ed)\b"
)
_RELATIVE = re.compile(r"^(?:which|who|whose|where)\b")
_SOURCE_ASIDE = re.compile(r",\s+(?P<aside>(?:which|whose|who)\s[^,“”\"]+),")
_SUBJECT_ASIDE = re.compile(
    r"(?P<name>[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,4})(?P<aside>, (?:which|whose) [^,“”\"]+),\s+"
)
# A name, then what it is: "Hayat Tahrir al-Sham, the group that leads the alliance";
# not a person's age or story ("Umm Ali, a 31-year-old teacher who fled").
_DESCRIBED = re.compile(r"^[^,]+,\s+(?:the|a|an)\s+(?![^,]*(?:\d|\bwho\b))[^,]+$")
_SUBORDINATE = re.compile(r"(?:as|while|when|after|before|amid|with|even as|because)\s", re.I)


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
    verbs = _verbs(sentence, start, end, regions)
    if not verbs:
        return None
    found = _at_end(sentence, start, end, verbs[-1], regions, offset)
    if found is None or found[0].attribution is None:
        return None
    return found[0].attribution


def _at_end_any(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]], offset: int
) -> tuple[ClaimPart, list[Background]] | None:
    """A part's own attribution at its end, if it has one ("A, the army said, while …")."""
    for verb in reversed(_verbs(sentence, start, end, regions)):
        found = _at_end(sentence, start, end, verb, regions, offset)
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
        if _in_quote(regions, match.start()):
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


def _in_quote(regions: list[tuple[int, int]], position: int) -> bool:
    return any(start < position < stop - 1 for start, stop in regions)


def _verbs(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]]
) -> list[re.Match[str]]:
    return [m for m in _VERB.finditer(sentence, start, end) if not _in_quote(regions, m.start())]


def _attribute(
    sentence: str,
    start: int,
    end: int,
    regions: list[tuple[int, int]],
    offset: int,
    continues: str,
    shared: Attribution | None,
) -> tuple[ClaimPart, list[Background]] | None:
    according = _according(sentence, start, end, regions, offset)
    verbs = _verbs(sentence, start, end, regions)
    if according is not None and not (
        verbs and offset + verbs[0].start() < _according_at(according[0])
    ):
        return according
    for verb in reversed(verbs):
        found = _at_end(sentence, start, end, verb, regions, offset)
        if found is not None:
            return found
    for verb in verbs:
        # The first verb that has a claimant before it: not "quoted" in "X, quoted by Y, said".
        found = _subject_first(sentence, start, end, verb, regions, offset, continues, shared)
        if found is not None:
            return found
    bare = _bare_according(sentence, start, end, regions, offset)
    if bare is not None:
        return bare, []
    if continues == "continue" and shared is not None:
        content = Span(offset + start, offset + end)
        return ClaimPart(content, (content,), shared), []
    return None


def _bare_according(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]], offset: int
) -> ClaimPart | None:
    """ "He will lead the government until March, according to a statement read on air":
    the statement is the last speaker's."""
    for match in _ACCORDING.finditer(sentence, start, end):
        who = sentence[match.end() : end]
        if _in_quote(regions, match.start()) or not _BARE_DOCUMENT.match(who):
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


def _according_at(part: ClaimPart) -> int:
    """Where the source after "according to" stands: a speaker who "said" before it is
    the claimant, and the words after it only say how the report knows."""
    assert part.attribution is not None
    return part.attribution.who_span.start


def _according(
    sentence: str, start: int, end: int, regions: list[tuple[int, int]], offset: int
) -> tuple[ClaimPart, list[Background]] | None:
    for match in _ACCORDING.finditer(sentence, start, end):
        if _in_quote(regions, match.start()):
            continue
        who_end = _name_end(sentence, match.end(), end)
        who = sentence[match.end() : who_end].strip()
        if not who or len(who.split()) > _MAX_NAME_WORDS + 4 or _BARE_DOCUMENT.match(who):
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


def _at_end(
    sentence: str,
    start: int,
    end: int,
    verb: re.Match[str],
    regions: list[tuple[int, int]],
    offset: int,
) -> tuple[ClaimPart, list[Background]] | None:
    """The forms "…, X said", "“…,” said X", "“…,” he said, “…”", "…, images showed"."""
    separator = _separator_before(sentence, start, verb.start(), regions)
    if separator is None:
        return None
    sep_start, sep_end = separator
    content = sentence[start:sep_start].strip()
    if not content:
        return None
    who_start, who_end = sep_end, verb.start()
    tail_start = verb.end()
    stop = end
    mid = re.compile(r",\s*(?=[“\"])").search(sentence, tail_start, end)
    after: Span | None = None  # the claim going on after the attribution
    background: list[Background] = []
    closing_aside = False  # "…, a war monitor said, as the army pressed on"
    if mid is not None:
        stop = mid.start()
        after = Span(offset + mid.end(), offset + end)
    else:
        comma = sentence.find(",", tail_start, end)
        if comma >= 0 and not _in_quote(regions, comma):
            rest_start = _trimmed(sentence, comma, end)[0]
            if _SUBORDINATE.match(sentence, rest_start):
                # "…, a war monitor said, as the army pressed on": the reporter's aside.
                stop, closing_aside = comma, True
                background.append(
                    Background(Span(offset + rest_start, offset + end), "subordinate")
                )
            elif not sentence[tail_start:comma].strip():
                # "Dozens more were wounded, the monitor said, some of them critically."
                stop = comma
                after = Span(offset + rest_start, offset + end)
    tail = sentence[tail_start:stop]
    if not sentence[who_start:who_end].strip():
        # "…,” said the Observatory": the claimant follows the verb.
        who_start, who_end = tail_start, stop
        while who_start < who_end and sentence[who_start] == " ":
            who_start += 1
        tail = ""
    who_start, who_end = _trimmed(sentence, who_start, who_end)
    who_end = _before_verb_words(sentence, who_start, who_end)
    quoted = _after_quote(sentence, start, verb.start(), regions)
    if quoted is not None and (not sentence[who_start:who_end] or quoted[0] < sep_start):
        # "“…,” Ahmad al-Hamwi, a 45-year-old shopkeeper, told Reuters": the claim ends
        # at the quotation, and the speaker's words run to the verb, aside and all.
        sep_start = quoted[0]
        who_start, who_end = _trimmed(sentence, quoted[0], verb.start())
        who_end = _before_verb_words(sentence, who_start, who_end)
        tail = sentence[tail_start:stop]
    who = sentence[who_start:who_end]
    kind = _kind(verb, who)
    if kind is None or not _is_claimant(who, max_words=8) or not _tail_ok(tail, verb.group(0)):
        return None
    attribution = Attribution(who, Span(offset + who_start, offset + who_end), verb.group(0), kind)
    claim_end = start + len(sentence[start:sep_start].rstrip(" ,"))
    spans = [Span(offset + start, offset + claim_end)]
    aside = _SUBJECT_ASIDE.match(sentence, start, claim_end)
    if aside is not None and not _in_quote(regions, aside.start()):
        # "Jordan, which shares a border with Syria, has closed …, the ministry said": the
        # aside about the subject is the reporter's.
        background.append(
            Background(Span(offset + start, offset + aside.end("aside")), "relative-subject")
        )
        spans = [
            Span(offset + start, offset + aside.end("name")),
            Span(offset + aside.end(), offset + claim_end),
        ]
    if after is not None:
        spans.append(after)
    span_end = stop if closing_aside else end
    part = ClaimPart(
        Span(offset + start, offset + span_end), tuple(spans), attribution, aside is not None
    )
    return part, background


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
    if not _is_claimant(words, max_words=8):
        return None
    return closing[-1], closing[-1]


def _kind(verb: re.Match[str], who: str) -> Mode | None:
    if verb.group("show") is not None:
        return "visual" if _VISUAL_NOUNS.search(who) else None
    if verb.group("act") is not None:
        return None
    return "said"


def _separator_before(
    sentence: str, start: int, position: int, regions: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The comma or closing quotation mark that ends the claim before an attribution."""
    best: tuple[int, int] | None = None
    for index in range(position - 1, start - 1, -1):
        char = sentence[index]
        if char == "," and not _in_quote(regions, index):
            best = (index, index + 1)
            break
        if any(stop - 1 == index for _, stop in regions):
            best = (index + 1, index + 1)
            # "“…,” he said": the comma inside the quotation is part of the quote.
            break
    return best


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,":
        start += 1
    while end > start and text[end - 1] in " ,":
        end -= 1
    return start, end


def _before_verb_words(sentence: str, start: int, end: int) -> int:
    """The end of the claimant's words, without "also", "had" or "on Saturday" after them."""
    match = _BEFORE_VERB.search(sentence, start, end)
    if match is not None and match.start() > start:
        return _trimmed(sentence, start, match.start())[1]
    return end


def _is_claimant(words_text: str, max_words: int = _MAX_NAME_WORDS) -> bool:
    """Words that can name a claimant: a name, perhaps with an aside after it
    ("Ahmad al-Hamwi, a 45-year-old shopkeeper", "a commander who gave his name as …")."""
    aside = _ASIDE.search(words_text)
    if aside is None:
        return _is_name(words_text, max_words)
    rest = words_text[aside.start() :]
    return (
        _is_name(words_text[: aside.start()], max_words)
        and len(re.findall(r"[\w'’-]+", rest)) <= _MAX_ASIDE_WORDS
        and not re.search(r"[“”\"]", rest)
    )


def _is_name(words_text: str, max_words: int = _MAX_NAME_WORDS) -> bool:
    words = re.findall(r"[\w'’-]+", words_text)
    if not words or len(words) > max_words or re.search(r"[“”\"]", words_text):
        return False
    if words[0].lower() in _NOT_FIRST or all(w.lower() in {"a", "an", "the"} for w in words):
        return False
    # "Residents reached by phone": a participle before "by" describes them.
    following = [*words[1:], ""]
    return not any(
        word.lower() in _NOT_IN_NAME or (_finite(word) and after.lower() != "by")
        for word, after in zip(words, following, strict=True)
    )


def _finite(word: str) -> bool:
    """A word that makes a clause rather than a name ("took", "carried")."""
    if word in IRREGULAR and word not in _ADJECTIVE_PARTICIPLES:
        return True
    return re.fullmatch(r"[a-z]{3,}ed", word) is not None and word not in _ADJECTIVE_PARTICIPLES


def _tail_ok(tail: str, verb: str) -> bool:
    """What may follow an attribution at the end: "in a statement", "AFP in a square"."""
    tail = tail.strip().rstrip(".!?…")
    if not tail:
        return True
    if len(tail.split()) > 20 or re.search(r"\bthat\b", tail):
        return False
    if verb.startswith("told") and _TOLD_OBJECT.match(tail):
        rest = tail[_TOLD_OBJECT.match(tail).end() :].strip(" ,")  # type: ignore[union-attr]
        return not rest or _PREPOSITION.match(rest) is not None or rest[0].isupper()
    return _PREPOSITION.match(tail) is not None


def _subject_first(
    sentence: str,
    start: int,
    end: int,
    verb: re.Match[str],
    regions: list[tuple[int, int]],
    offset: int,
    continues: str,
    shared: Attribution | None,
) -> tuple[ClaimPart, list[Background]] | None:
    """The forms "X said (that) …", "X told AFP that …", "France called on …"."""
    background: list[Background] = []
    who_start, who_end = _trimmed(sentence, start, verb.start())
    who_end = _before_verb_words(sentence, who_start, who_end)
    countered = _COUNTERED.match(sentence, who_start, who_end)
    if countered is not None:
        who_start = countered.end()
    who = sentence[who_start:who_end]
    verb_text = verb.group(0)
    if verb_text in _END_ONLY:
        return None
    if not who.strip():
        if not (continues == "verb" and shared is not None):
            return None
        mode_alone: Mode = "act" if verb.group("act") is not None else shared.mode
        attribution = Attribution(shared.who, shared.who_span, verb_text, mode_alone)
    else:
        head_end, relative = _parenthetical(sentence, who_start, who_end)
        if relative is not None:
            background.append(
                Background(Span(offset + who_start, offset + relative), "relative-subject")
            )
        elif _DESCRIBED.match(sentence[who_start:who_end]):
            # "The SDF, the de facto army of the Kurdish-run administration, said": the
            # description is the reporter's.
            background.append(Background(Span(offset + who_start, offset + who_end), "appositive"))
        head = sentence[who_start:head_end]
        if not _is_claimant(head):
            return None
        mode: Mode = "said"
        if verb.group("show") is not None:
            if not _VISUAL_NOUNS.search(head):
                return None
            mode = "visual"
        elif verb.group("act") is not None:
            mode = "act"
        attribution = Attribution(
            sentence[who_start:who_end] if relative is None else head,
            Span(offset + who_start, offset + (head_end if relative is not None else who_end)),
            verb_text,
            mode,
        )
    content_start = _claim_start(sentence, verb, end, regions)
    said_thing = attribution.mode == "said" and verb_text in _OBJECT_VERBS
    if said_thing and not _CLAUSE_VERB.search(_unquoted(sentence[content_start:end])):
        attribution = Attribution(attribution.who, attribution.who_span, verb_text, "act")
    elif attribution.mode == "said" and (
        _NO_CLAUSE.match(sentence, content_start)
        or (verb_text.startswith("told") and _TOLD_TO.match(sentence, verb.end()))
    ):
        # "X warned of a wider war", "X told the SDF to disarm": the act is the claim.
        attribution = Attribution(attribution.who, attribution.who_span, verb_text, "act")
    head_end = who_end
    if attribution.mode in ("act", "visual"):
        content_start = start if who.strip() else verb.start()
        if who.strip():
            head_end = _parenthetical(sentence, who_start, who_end)[0]
    content_end = end
    according = _ACCORDING.search(sentence, content_start, end)
    if according is not None and not _in_quote(regions, according.start()):
        # "…, according to a joint statement": the source of the words is no claim.
        content_end = _trimmed(sentence, content_start, according.start())[1]
    if attribution.mode == "said":
        trailing = _trailing_relative(sentence, content_start, end, regions)
        if trailing is not None:
            content_end = _trimmed(sentence, content_start, trailing)[1]
            background.append(
                Background(Span(offset + trailing + 2, offset + end), "relative-trailing")
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
    """Where the claim begins after "said", "told AFP that", "said in a statement:"."""
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
        if not lead or _PREPOSITION.match(lead) or verb.group(0).startswith("told"):
            return position + that.end()
        if len(lead.split()) <= _MAX_TIME_WORDS and not _CLAUSE_VERB.search(lead):
            return position + that.end()  # "warned Thursday that"
    colon = re.match(r"[^“\":]{0,80}?:\s*", window)
    if colon is not None and colon.end() <= first_quote + 2:
        return position + colon.end()
    if verb.group(0).startswith("told"):
        told = _TOLD_OBJECT.match(window)
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
        if match.start() > start and not _in_quote(regions, match.start()):
            return match.start()
    return None


def _unquoted(text: str) -> str:
    for region_start, region_end in sorted(quote_regions(text), reverse=True):
        text = text[:region_start] + " " + text[region_end:]
    return text


def _fronted_clause(sentence: str, regions: list[tuple[int, int]]) -> tuple[int, int, bool] | None:
    """A lead-in before the claimant: "As the fighting raged for a fourth day, …" (a clause
    of the reporter's) or "In a statement, …" (part of the attribution)."""
    match = _FRONTED.match(sentence)
    if match is None or _in_quote(regions, match.end("lead")):
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
