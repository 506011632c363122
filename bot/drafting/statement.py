"""The claim as one self-contained sentence in reporting voice.

Only the report's own words are used: quotation marks and the attribution go, a leading
"They" or "It" becomes what it stands for when the claim before makes that plain, and
every hedge ("at least", "appears to", "dozens") stays. Words in the first person stay
inside a quotation with the claimant's name, since only the claimant can say "we".
"""

from __future__ import annotations

import re

from bot.drafting.clause import past_of_ing, read_clause
from bot.drafting.segment import quote_regions

_LEADING_JOINERS = re.compile(r"^(?:that|while|whereas|and|but|as)\s+", re.IGNORECASE)
_FIRST_PERSON = re.compile(
    r"\b(?:I|we|We|our|Our|us|my|My|me|I’m|I'm|we’re|we're|We’ve|We've|we’ve|we've)\b"
)
_SPEAKER_PRONOUN = re.compile(
    r"^(?P<lead>(?:on|late on|early on|earlier on|later on|in|at)\s+[A-Z]?\w+\s+)?"
    r"(?:it|he|she|they)\s+(?=[a-z])",
    re.IGNORECASE,
)
_SPEAKER_POSSESSIVE = re.compile(r"^(?:its|his|her|their)\s+(?=[a-z])", re.IGNORECASE)
# Not the "it" of "It is not clear how many …", which stands for nothing.
_PRONOUN_START = re.compile(
    r"^(?P<pronoun>They|It)\s+(?=[a-z])(?!(?:is|was|remains|remained|seems|seemed|appears|"
    r"appeared)\s+(?:not\s+|also\s+|still\s+)?(?:immediately\s+)?(?:clear|unclear|likely|"
    r"unlikely|possible|impossible|understood|believed|thought|expected|feared|hoped|known|"
    r"unknown|too|time|difficult|hard|easy)\b)"
)
_TODAY = re.compile(r"\[\s*today\s*\]|\btoday\b", re.IGNORECASE)
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_MAX_SUBJECT_WORDS = 8


def unquoted(text: str) -> str:
    """`text` without quotation marks around quoted words (apostrophes stay)."""
    marks: set[int] = set()
    for start, end in quote_regions(text):
        marks.add(start)
        if end <= len(text) and text[end - 1] in "”\"’'":
            marks.add(end - 1)
    return "".join(char for index, char in enumerate(text) if index not in marks)


def neutral_statement(
    pieces: list[str],
    *,
    claimant: str,
    act_without_subject: bool = False,
    coclaim: bool = False,
    previous_subject: str | None = None,
    speaker_pronoun: bool = False,
    one_clause: bool = False,
) -> str:
    """The statement for a claim whose own words are `pieces` (in order).

    `speaker_pronoun`: the claim follows "X said", so a pronoun opening it ("The Kremlin
    said on Tuesday it was in contact…") is X. `one_clause`: the pieces are one clause an
    aside was cut out of ("Russia" … "joined Iran in …")."""
    text = ""
    for piece in (piece.strip() for piece in pieces if piece.strip()):
        if text:
            # "“We will go on,” he said, “to the end.”" reads on; "…, the monitor said, some
            # of them critically" keeps its comma.
            text += " " if piece[0] in "“\"‘'" or one_clause else ", "
        text += piece.rstrip(",;:")
    text = _tidy(unquoted(text))
    text = _LEADING_JOINERS.sub("", text)
    if coclaim:
        first, _, rest = text.partition(" ")
        text = f"{claimant} {past_of_ing(first)} {rest}"
    elif act_without_subject:
        text = f"{claimant} {text}"
    elif _FIRST_PERSON.search(text):
        return f"{_sentence(claimant)[:-1]} said: “{_sentence(text)}”"
    elif speaker_pronoun and _SPEAKER_PRONOUN.match(text):
        text = _SPEAKER_PRONOUN.sub(lambda m: _after_lead(m.group("lead"), claimant), text, count=1)
    elif speaker_pronoun and _SPEAKER_POSSESSIVE.match(text):
        text = _SPEAKER_POSSESSIVE.sub(f"{possessive(claimant)} ", text, count=1)
    elif previous_subject:
        text = _PRONOUN_START.sub(f"{previous_subject} ", text, count=1)
    return _sentence(text)


def _after_lead(lead: str | None, name: str) -> str:
    """The claimant's name in place of "it" after "On Monday": "On Monday the Kremlin …"."""
    if not lead:
        return f"{name} "
    return f"{lead}{name[0].lower() + name[1:] if name.startswith('The ') else name} "


def possessive(name: str) -> str:
    """The possessive of a name: "Russia’s", "the Syrian Democratic Forces’"."""
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def subject_of(statement: str) -> str | None:
    """The subject a following "They" or "It" may stand for."""
    clause = read_clause(statement)
    if clause is None or clause.lead:
        return None
    # "Hama, a city of around one million people": the name, not the aside.
    subject = clause.subject.split(",")[0].strip()
    words = subject.split()
    if not words or len(words) > _MAX_SUBJECT_WORDS or words[0] in {"They", "It", "He", "She"}:
        return None
    return subject


def _tidy(text: str) -> str:
    text = _TODAY.sub("on the day of the report", text)
    text = _BRACKETS.sub(r"\1", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;: ")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?…":
        text += "."
    return text
