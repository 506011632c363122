"""Cutting wire copy into the sentences that carry claims.

Every span is a pair of offsets into the report's text, so a quote drafted from it is a
verbatim slice. Headings, picture credits and the dateline are recognised here, because
they are not claims of anyone's and must not run into the sentence next to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING_DOUBLE = "“„"
CLOSING_DOUBLE = "”"
OPENING_SINGLE = "‘"
CLOSING_SINGLE = "’"

# Words before a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj", "capt", "sgt", "st", "prof", "sen",
     "rep", "gov", "no", "vs", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "approx"}
)  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+[\"”’']*\s+")
_STARTS_SENTENCE = re.compile(r"[\"“‘'(\[]?[A-Z0-9]")
# "Photo / AP", "Picture: Reuters", "AP / Getty": a credit under a picture, not a
# sentence; an agency by its name or its initials.
_CREDIT = re.compile(
    r"^(?:(?:photo|photos|picture|pictures|image|images|video|file photo|graphic|reuters)"
    r"\s*[/:|]|(?-i:[A-Z]{2,5})\s*[/|])\s*\S.*$",
    re.IGNORECASE,
)
# "date 2024-12-03", "2024-12-03" or "BEIRUT (Reuters) -" at the head of the copy.
_DATELINE = re.compile(
    r"\s*(?:(?:date[:\s]+)?(?P<iso>\d{4}-\d{2}-\d{2})\b"
    r"|(?P<place>[A-Z][A-Z .'-]+(?:,\s*[A-Z][\w .'-]+?)?)\s*\((?P<agency>[A-Za-z ]{2,20})\)"
    r"\s*[-–—]+)\s*"
)
_MAX_HEADLINE_WORDS = 16
_MAX_HEADING_WORDS = 8


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Dateline:
    span: Span
    date: str | None
    place: str | None
    body_start: int  # where the copy after it begins, past the dash that ends it


@dataclass(frozen=True, slots=True)
class Segmented:
    sentences: tuple[Sentence, ...]
    dateline: Dateline | None


def quote_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation in `text`, marks included; an unclosed one runs to
    the end. Single marks count only where they cannot be apostrophes ("Syria's")."""
    regions: list[tuple[int, int]] = []
    opener: str | None = None
    start = 0
    for index, char in enumerate(text):
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if opener is None:
            if char in OPENING_DOUBLE or (char == '"' and not after.isspace()):
                opener, start = '"', index
            elif char in (OPENING_SINGLE, "'") and not before.isalnum() and after.isalnum():
                opener, start = "'", index
        elif opener == '"' and char in CLOSING_DOUBLE + '"':
            regions.append((start, index + 1))
            opener = None
        elif opener == "'" and char in (CLOSING_SINGLE, "'") and not after.isalnum():
            if before.isspace():
                continue
            regions.append((start, index + 1))
            opener = None
    if opener is not None:
        regions.append((start, len(text)))
    return regions


def segment(text: str) -> Segmented:
    """The sentences of `text` that may carry claims, and its dateline if it has one."""
    dateline: Dateline | None = None
    sentences: list[Sentence] = []
    paragraph_index = 0
    paragraphs = [match.span() for match in re.finditer(r"[^\n]+", text) if match[0].strip()]
    for number, (start, end) in enumerate(paragraphs):
        body = text[start:end]
        # The last paragraph is copy, whatever its punctuation; a headline opens the text.
        limit = _MAX_HEADLINE_WORDS if number == 0 else _MAX_HEADING_WORDS
        if number < len(paragraphs) - 1 and _is_heading(body, limit):
            continue
        if paragraph_index == 0:
            # The dateline opens the copy, after any headline.
            dateline = _dateline(text, start)
            if dateline is not None:
                start = dateline.body_start
                body = text[start:end]
        for piece_start, piece_end in _split_sentences(body):
            piece = body[piece_start:piece_end]
            if _CREDIT.match(piece) or not re.search(r"[A-Za-z]", piece):
                continue
            sentences.append(Sentence(start + piece_start, start + piece_end, paragraph_index))
        paragraph_index += 1
    return Segmented(tuple(sentences), dateline)


def _dateline(text: str, start: int) -> Dateline | None:
    match = _DATELINE.match(text, start)
    if match is None:
        return None
    head = match.group(0)
    span = Span(match.start() + len(head) - len(head.lstrip()), match.end())
    # The quote keeps the dateline's own words, without the dash that ends it.
    end = span.start + len(text[span.start : span.end].rstrip(" -–—\t"))
    return Dateline(Span(span.start, end), match.group("iso"), match.group("place"), match.end())


def _is_heading(paragraph: str, max_words: int) -> bool:
    stripped = paragraph.strip()
    # A headline has no sentence in it: "Photo / AP" after a full stop is no headline.
    ends_sentence = re.search(r"[.!?…][\"”’')\]]*(?:\s|$)", stripped) is not None
    return not ends_sentence and len(stripped.split()) <= max_words


def _split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Offsets of the sentences of one paragraph; a quotation that closes later in the
    paragraph is never cut, so a quoted speech of several sentences stays whole."""
    closed = [region for region in quote_regions(paragraph) if region[1] < len(paragraph)]
    pieces: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY.finditer(paragraph):
        cut = boundary.end()
        if not _STARTS_SENTENCE.match(paragraph, cut):
            continue
        word = re.search(r"(\w+)[.!?…]+[\"”’']*\s+$", paragraph[start:cut])
        if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        if any(
            region_start < boundary.start() and cut < region_end
            for region_start, region_end in closed
        ):
            continue
        pieces.append(_trimmed(paragraph, start, cut))
        start = cut
    pieces.append(_trimmed(paragraph, start, len(paragraph)))
    return [piece for piece in pieces if piece[1] > piece[0]]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def in_quote(regions: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` stands inside one of the quotations `regions` (from
    `quote_regions`), not on its marks."""
    return any(start < position < stop - 1 for start, stop in regions)
