"""The name to give a claimant the report describes: a person's name after their title
("Turkish Foreign Minister Hakan Fidan"), the body a spokesman speaks for, or the name
of a new source to propose."""

from __future__ import annotations

import re

from bot.drafting.claimant_words import DETERMINERS, ORGANISATION_WORDS, ROLES, content_words
from bot.text import fold, stem

_SPEAKS_FOR = re.compile(
    r"^(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:spokesman|spokeswoman|spokesperson|official|"
    r"officials|source|sources|representative|member|members|statement|report|figures|"
    r"data|tally|toll)\s+(?:for|from|of|with|at|by|close to|released by|issued by)\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)

_TITLES = frozenset(
    {"minister", "president", "spokesman", "spokeswoman", "spokesperson", "secretary",
     "general", "chief", "head", "director", "commander", "coordinator", "envoy", "ambassador",
     "governor", "mayor", "leader", "official", "prime", "foreign", "defence", "defense",
     "interior", "deputy", "vice", "senior", "colonel", "lieutenant", "brigadier", "major",
     "captain", "king", "queen", "prince", "emir", "chancellor", "premier", "sheikh",
     "fighter", "resident", "doctor", "activist", "dr", "mr", "mrs", "ms"}
)  # fmt: skip

_CALLED = re.compile(
    r"\b(?:identified(?: only)? as|gave (?:his|her|only (?:his|her)) (?:first )?name as|"
    r"known(?: only)? as|named|called)\s+(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)"
)

# A name of several words, all capitalised but for the small words inside it.
_TITLED = re.compile(
    r"[A-Z][\w'’.&-]*(?:\s+(?:(?:the|of|for|and|without|de|du|al|on|in)\s+)*[A-Z][\w'’.&-]*)+"
)

_PARTICLE = re.compile(r"^(?:al|el|bin|ibn|abu|de|van|von)(?:-|$)")

_TITLE_STEMS = frozenset(stem(word) for word in _TITLES | ROLES)

_NAME_RUN = re.compile(
    r"(?:\b[A-Z][\w'’.&-]*)(?:\s+(?:al-|el-|bin |ibn |abu |for |of |de |van )?[A-Z][\w'’.&-]*)*$"
)

# A name after these is a place ("residents in Hama"), not the speaker's.
_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "from", "near", "of", "outside", "across", "inside", "around", "to", "for"}
)


def person_name(who: str) -> str | None:
    """The name of a person that words describing them end with: "Hakan Fidan" from
    "Turkish Foreign Minister Hakan Fidan", "Abu Omar" from "a rebel commander who gave
    his name as Abu Omar", "Geir Pedersen" from "The UN envoy for Syria, Geir Pedersen".
    None when the words have no such name after a description."""
    head, _, aside = who.partition(",")
    head, aside = head.strip(), aside.strip(" ,")
    called = _CALLED.search(who)
    if called is not None:
        # "a resident, who asked to be identified only as Samer"
        return called.group("name")
    described = content_words(head)
    if aside and any(stem(word) in _TITLE_STEMS for word in described):
        # "Iran's foreign minister, Abbas Araghchi": the name stands after the title.
        name = _NAME_RUN.fullmatch(aside)
        if name is not None and len(aside.split()) >= 2:
            return aside
    run = _NAME_RUN.search(head)
    if run is None:
        return None
    tokens = run.group(0).split()
    titled = [i for i, token in enumerate(tokens) if fold(token) in _TITLES]
    if titled:
        tokens = tokens[titled[-1] + 1 :]
    elif run.start() == 0:
        return None
    else:
        before = head[: run.start()].split()
        if not before or fold(before[-1]) in _PLACE_PREPOSITIONS | DETERMINERS:
            return None
        if fold(before[-1]) in ORGANISATION_WORDS:
            return None  # "radio station Sham FM" names an organisation
    if len(tokens) < 2 or not all(
        token[:1].isupper() or _PARTICLE.match(token) for token in tokens
    ):
        return None
    return " ".join(tokens)


def full_name(name: str, earlier: str) -> str:
    """ "Mohammed al-Bashir" for "Bashir" when the report named him so before."""
    if not earlier or len(name.split()) != 1 or not name[:1].isupper():
        return name
    runs = re.findall(
        rf"\b((?:[A-Z][\w'’-]*\s+)+(?:(?:al|el|bin|ibn|abu)-?\s?)?){re.escape(name)}\b", earlier
    )
    full = [f"{run}{name}" for run in runs if run.strip()]
    return full[-1].strip() if full else name


def proposed_name(who: str) -> str:
    """The name to propose for a source no known one matches."""
    text = re.sub(r"^(?:a|an|the)\s+", "", who.strip(), flags=re.IGNORECASE).strip(" ,")
    speaks_for = _SPEAKS_FOR.match(text)
    if speaks_for is not None:
        return proposed_name(speaks_for.group("rest"))
    head = re.sub(r"\s*\([^)]*\)", "", text.split(",")[0]).strip()  # "(Sams)"
    named = person_name(head)
    if named is not None:
        return named
    if _TITLED.fullmatch(head):
        return head  # "Save the Children", "Doctors Without Borders"
    described, _, aside = text.partition(",")
    aside = aside.strip(" ,")
    if aside and _NAME_RUN.fullmatch(aside) and re.search(r"\b[a-z]", described):
        return aside  # "The UN peacekeeping force in the area, UNDOF": its name
    run = _NAME_RUN.search(head)
    if run is not None and run.start() > 0:
        before = head[: run.start()].split()
        if before and fold(before[-1]) not in _PLACE_PREPOSITIONS:
            return run.group(0)
    return head or who.strip()
