"""A claim read for the questions it answers: its clause as a question asks it (subject,
verb, the first predicate), and the places and names it mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.drafting.clause import IRREGULAR, Clause, read_clause
from bot.drafting.question_words import PRONOUNS, content_word, noun_phrase, unhedged, whole_phrase
from bot.text import fold

# The longest subject a question repeats: "air strikes on a crowded market".
SUBJECT_WORDS = 6
NUMBER = (
    r"\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|a hundred|hundreds|thousands|dozens|scores|millions"
)

_PLACE = re.compile(
    r"\b(?P<prep>in|at|to|from|outside|near|across|into|inside|around|towards) "
    r"(?:the )?(?:(?:city|town|province|region|village) of )?"
    r"(?P<place>[A-Z][\w'’-]*(?: (?:al-|el-)?[A-Z][\w'’-]*)*)"
)
# "X said: “…”": the words are the claim.
_SAID = re.compile(r"^(?P<who>.+?) said: “(?P<words>.+)”$")

# Words of the speaker's own: "are our forces advancing" is asked of no one.
_FIRST_PERSON = frozenset({"we", "our", "us", "i", "my", "me", "you", "your"})
# Pronouns a question cannot resolve ("did they take …"); "these towns" it can.
_PERSONAL = frozenset({"it", "they", "he", "she", "we", "i", "you", "there"})
# "Iran" and "Iranian" share this many first letters.
_STEM_LETTERS = 4
# "On Tuesday the Kremlin was …": the time is no part of the subject.
_LEADING_TIME = re.compile(
    r"^(?:On|In|Since|By|Late on|Early on) (?:\w+day|\d{4}|[A-Z][a-z]+ \d{1,2}),?\s+(?=[A-Za-z])"
)
# "entered the prison and freed …": where a second predicate starts.
SECOND_PREDICATE = re.compile(
    r"(?:^|,?\s+)and\s+(?=(?:were|was|had|has|have|is|are|will|would|[a-z]+ed|"
    + "|".join(sorted(IRREGULAR))
    + r")\b)"
)
# Capitalised, but no name to ask about.
_DAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
     "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"}
)  # fmt: skip

# A capitalised word after a place that is still the place: "the Idlib region".
_AFTER_PLACE = frozenset(
    {"region", "province", "city", "town", "village", "area", "countryside", "district",
     "governorate", "border", "front", "fronts", "airport", "enclave"}
)  # fmt: skip

# Names the claim mentions: "Iran", "Hakan Fidan", "Damascus Airport" (not a first word).
_NAME = re.compile(r"(?<=\s)[A-Z][\w'’-]*(?:\s+(?:al-)?[A-Z][\w'’-]*)*")


@dataclass(frozen=True, slots=True)
class ClaimReading:
    """The parts of a claim its questions are built from."""

    text: str
    clause: Clause | None
    subject: str | None  # as a question says it: "the rebels", "air strikes on a market"
    head: str | None  # its noun phrase for key words: "rebels", "air strikes"

    @property
    def verb(self) -> str:
        return unhedged(self.clause.verb).lower() if self.clause else ""


def read_claim(statement: str) -> ClaimReading:
    said = _SAID.match(statement)
    core = said.group("words") if said else statement
    core = re.split(r"(?<=[.!?])\s+(?=[A-Z])", core)[0]  # the first sentence of a long quote
    text = core.strip().rstrip(".!?…")
    clause = _main_clause(text)
    subject = whole_phrase(clause.subject, SUBJECT_WORDS) if clause else None
    if subject is not None and not asked_of(subject):
        subject = None
    head = None
    if clause is not None and subject is not None:
        # Read in the claim's own capitals, which tell a name from a participle ("Mohammed").
        written = " ".join(unhedged(clause.subject).split()[: len(subject.split())])
        head = noun_phrase(written, SUBJECT_WORDS)
    return ClaimReading(text, clause, subject, head)


def _main_clause(text: str) -> Clause | None:
    """The claim's clause as questions ask it: its subject without a leading "On
    Tuesday", its verb without a comma, and only the first of two predicates ("entered
    the prison" of "entered the prison and freed the detainees")."""
    clause = read_clause(_LEADING_TIME.sub("", text))
    if clause is None:
        return None
    verb = clause.verb.rstrip(",;:")
    rest = "" if verb != clause.verb else SECOND_PREDICATE.split(clause.rest, maxsplit=1)[0]
    before_verb = text[: text.find(clause.verb)] if clause.verb in text else ""
    closed = before_verb.rstrip().endswith(",")
    if ("," in clause.subject) != closed:
        # "Idlib, home to …, many of them displaced" is no subject and verb, nor is "The
        # buffer zone, patrolled by …"; "Hama, a city of …, lies" is.
        return None
    if verb.split()[0].lower() == "to":
        return None
    return Clause(clause.subject, verb, rest, clause.lead)


def asked_of(subject: str) -> bool:
    """Whether a question can name the subject as the claim does: not "it", "they" or
    "we", nor "our forces" (the speaker's own words), nor a bare figure ("dozens")."""
    words = [re.split(r"['’]", word)[0] for word in subject.lower().split()]
    if set(words) & _FIRST_PERSON or re.fullmatch(rf"(?:{NUMBER})", words[-1]):
        return False
    return not (words[0] in PRONOUNS and (len(words) == 1 or words[0] in _PERSONAL))


def same_party(subject: str, speaker: str) -> bool:
    """ "The Syrian army" of the Syrian army, "Iran" of the Iranian government."""
    return any(
        word == other
        or (len(word) >= _STEM_LETTERS and word[:_STEM_LETTERS] == other[:_STEM_LETTERS])
        for word in fold(subject).split()
        for other in fold(speaker).split()
    )


def names_in(claim: ClaimReading) -> list[str]:
    """Names the claim mentions after its first word: "Iran", "Hakan Fidan"; not an
    adjective ("Syrian leader", "God willing") or a possessive ("Syria’s")."""
    names: list[str] = []
    for match in _NAME.finditer(claim.text):
        following = claim.text[match.end() :].split()
        if re.search(r"['’]s$", match.group(0)) or fold(match.group(0)) in _DAYS:
            continue
        if following and _adjective(following[0]):
            continue
        names.append(match.group(0))
    return names


def _adjective(following: str) -> bool:
    """Whether a capitalised word before `following` describes it ("Syrian military")."""
    return following[:1].islower() and content_word(following) and following not in _AFTER_PLACE


def places_in(claim: ClaimReading) -> list[re.Match[str]]:
    """The places the claim names after a preposition ("in Homs", "to the city of Hama"),
    not a possessive ("in the Government’s favour") or an adjective ("the Syrian army")."""
    places: list[re.Match[str]] = []
    for match in _PLACE.finditer(claim.text):
        place = match.group("place")
        if re.search(r"['’]s$", place) or (claim.subject and fold(place) in fold(claim.subject)):
            continue
        following = claim.text[match.end() :].split()
        if following and _adjective(following[0]):
            continue
        places.append(match)
    return places
