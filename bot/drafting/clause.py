"""A light reading of one claim sentence: its subject, its verb and what follows.

No parser: wire copy's claims are mostly subject, past-tense verb, rest ("Russia carried
out airstrikes in parts of Hama"), and that is enough to resolve a leading "They" and
to turn a claim into questions. When the shape is not found, callers fall back to words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "may",
     "might", "should", "did", "does", "do"}
)  # fmt: skip
# Past tenses (and a few present forms) that do not end in -ed, with their base forms.
IRREGULAR = {
    "took": "take", "taken": "take", "overran": "overrun", "fled": "flee", "fell": "fall",
    "hit": "hit", "saw": "see", "seen": "see", "began": "begin", "made": "make",
    "came": "come", "went": "go", "left": "leave", "won": "win", "lost": "lose",
    "held": "hold", "struck": "strike", "shot": "shoot", "brought": "bring", "sent": "send",
    "led": "lead", "met": "meet", "gave": "give", "said": "say", "told": "tell",
    "found": "find", "kept": "keep", "ran": "run", "rose": "rise", "spoke": "speak",
    "broke": "break", "withdrew": "withdraw", "overtook": "overtake", "became": "become",
    "fought": "fight", "caught": "catch", "sought": "seek", "stood": "stand", "hung": "hang",
    "shut": "shut", "spread": "spread", "hurt": "hurt", "drew": "draw", "grew": "grow",
    "knew": "know", "flew": "fly", "wrote": "write", "hid": "hide", "shook": "shake",
    "fed": "feed", "heard": "hear", "paid": "pay", "laid": "lay", "built": "build",
    "felt": "feel", "meant": "mean", "set": "set", "put": "put", "let": "let", "cut": "cut",
    "appears": "appear", "seems": "seem", "remains": "remain", "continues": "continue",
    "controls": "control", "holds": "hold", "says": "say", "faces": "face", "lies": "lie",
    "wounded": "wound", "killed": "kill", "had": "have", "has": "have",
    "withdrawn": "withdraw", "fallen": "fall", "given": "give", "driven": "drive",
    "shown": "show", "known": "know", "grown": "grow", "thrown": "throw", "done": "do",
    "gone": "go", "beaten": "beat", "broken": "break", "chosen": "choose", "spoken": "speak",
    "stolen": "steal", "written": "write", "hidden": "hide", "risen": "rise",
    "forgotten": "forget", "begun": "begin", "overtaken": "overtake",
    "become": "become", "come": "come", "overrun": "overrun", "run": "run",
}  # fmt: skip
# Participles that follow "had", "was", "been" ("had come", "was overrun").
PARTICIPLES = frozenset(IRREGULAR) | frozenset({"come", "become", "run", "overrun"})
_DETERMINERS = frozenset({"the", "a", "an", "of", "its", "their", "his", "her", "our", "my"})
_LEADING_PREPOSITION = re.compile(
    r"^(?:at|in|on|during|after|before|since|until|by|for|from|with|amid|later|earlier|"
    r"meanwhile|overnight)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’-]+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Clause:
    subject: str
    verb: str  # the verb group as written: "took", "had lost", "were killed"
    rest: str  # what follows the verb, without the final full stop
    lead: str  # a fronted adverbial before the subject ("At this moment,"), if any

    @property
    def passive(self) -> bool:
        words = self.verb.split()
        return len(words) >= 2 and words[0].lower() in {"was", "were", "been", "be"}


def read_clause(sentence: str) -> Clause | None:
    """The subject, verb and rest of `sentence`, or None when no verb is found."""
    text = sentence.strip().rstrip(".!?…").strip()
    lead = ""
    first_comma = text.find(",")
    if 0 < first_comma < 40 and _LEADING_PREPOSITION.match(text):
        lead, text = text[: first_comma + 1], text[first_comma + 1 :].strip()
    words = text.split(" ")
    for index in range(1, min(len(words), 14)):
        if words[index][:1].isupper():
            continue  # "Mohammed" is a name, not a verb in -ed
        word = words[index].lower().strip(",;:")
        if not _is_verb(word, words[index - 1].lower()):
            continue
        end = index + 1
        while end < len(words) and _continues_verb(
            words[end].lower().strip(",;:"), words[end - 1].lower()
        ):
            end += 1
        subject = " ".join(words[:index]).strip(" ,")
        return Clause(subject, " ".join(words[index:end]), " ".join(words[end:]), lead)
    return None


def _is_verb(word: str, before: str) -> bool:
    if word in AUXILIARIES or word in IRREGULAR:
        return before not in _DETERMINERS
    return (
        re.fullmatch(r"[a-z]{3,}ed", word) is not None
        and before not in _DETERMINERS
        and word not in {"armed", "based", "backed", "led", "need", "speed", "seed", "feed"}
    )


def _continues_verb(word: str, before: str) -> bool:
    if before in AUXILIARIES | {"been", "be"} and (word in PARTICIPLES or word in IRREGULAR):
        return True
    return (
        word in {"been", "be", "being", "not", "also", "to", "have", "already", "still"}
        or re.fullmatch(r"[a-z]{3,}ed", word) is not None
        or word in IRREGULAR
    )


def base_form(verb: str) -> str:
    """The base form: "took" -> "take", "carried" -> "carry", "forced" -> "force"."""
    word = verb.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith("ied"):
        return word[:-3] + "y"
    if word.endswith("ed") and len(word) > 4:
        stem = word[:-2]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            return stem[:-1]
        if re.search(r"[^aeiou][aeiou]ll$", stem) and len(stem) >= 6:
            return stem[:-1]  # "repelled", "controlled"; not "shelled" or "killed"
        if re.search(
            r"(?:[aeiou][csvzg]|[^aeiou]g|[aeiou]s|u|ud|ur|[^aeiou]ar|ven|at|it|ot|ut|dg|rc|rg|nc|lv|rv)$",
            stem,
        ):
            return stem + "e"
        return stem
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def past_of_ing(word: str) -> str:
    """The past tense: "expressing" -> "expressed", "calling" -> "called", "urging" -> "urged"."""
    stem = word[:-3] if word.endswith("ing") else word
    return stem + "d" if stem.endswith("e") else stem + "ed"
