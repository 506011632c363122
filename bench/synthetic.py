"""Deterministic synthetic fact bases, written with the vocabulary of war reporting.

A base that follows a war for months is mostly the same kinds of claims about more and more
places: strikes and their tolls, towns changing hands, people fleeing, aid, diplomacy. The
generator draws those from real place and actor names plus generated neighbourhood names,
so the vocabulary grows with the base the way a real one would, and common words ("killed",
"aleppo", "rebels") end up in long posting lists, as they would. Every phrasing names its
neighbourhood, as moderators' phrasings must differ within a server.

Everything comes from `random.Random(seed)` consumed in fact order, so the first 1,000 facts
of a 100,000-fact base are the 1,000-fact base.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from bot.models import GLOBAL, Fact

# Sources that exist in knowledge/sources.toml, so citations resolve.
# fmt: off
SOURCES = (
    "sohr",
    "rami-abdel-rahman",
    "syrian-army",
    "sham-fm",
    "russian-foreign-ministry",
    "russia",
    "iran-government",
    "iranian-foreign-ministry",
    "mohamed-hammadi",
    "france",
    "turkey",
    "afp",
)

CITIES = (
    "Aleppo", "Idlib", "Hama", "Homs", "Damascus", "Raqqa", "Deir ez-Zor", "Latakia", "Tartus",
    "Daraa", "Manbij", "Kobane", "Afrin", "Tal Rifaat", "Saraqeb", "Maarat al-Numan",
    "Khan Sheikhun", "Jisr al-Shughur", "Azaz", "al-Bab", "Qamishli", "Hasakah", "Palmyra",
    "Suwayda", "Quneitra", "Nubl", "Zahraa", "Safira", "Anadan", "Hayan", "Khan al-Assal",
    "Atarib", "Darat Izza", "Ariha", "Kafranbel", "Salqin", "Harem", "Sarmada", "Dana",
    "Binnish", "Taftanaz", "Abu al-Duhur", "Morek", "Suran", "Mhardeh", "Salamiyah",
    "Rastan", "Talbiseh", "Qusayr", "Yabroud", "Douma", "Harasta", "Jobar", "Zamalka",
    "Muadamiyat", "Daraya", "Jableh", "Baniyas", "Kessab", "Rabia", "Bukamal", "Mayadeen",
    "Tabqa", "Ain Issa", "Tal Abyad", "Ras al-Ain", "Amuda", "Derbasiyah", "Shaddadi",
)
_PREFIXES = (
    "Tal", "Kafr", "Deir", "Ain", "Khan", "Maarat", "Jisr", "Bab", "Beit", "Qasr", "Ras", "Bir",
    "Sheikh", "Jabal", "Wadi", "Umm", "Abu", "Tell", "Marj", "Hayy",
)
_ROOTS = (
    "Hamra", "Sultan", "Nabi", "Shams", "Rifaat", "Tuman", "Karim", "Zeitun", "Salam", "Jamal",
    "Hadid", "Ahmar", "Abyad", "Aswad", "Kabir", "Saghir", "Jadid", "Qadim", "Sharqi", "Gharbi",
    "Naser", "Hassan", "Omar", "Yusuf", "Ibrahim", "Khalil", "Mansour", "Saleh", "Rashid",
    "Halabi", "Ansari", "Ashrafieh", "Midan", "Sukkari", "Shaar", "Bustan", "Firdous", "Hellok",
    "Jamiliyah", "Masaken", "Hanano", "Sakhour", "Tariq", "Zahraa", "Furqan", "Shahba",
    "Rashideen", "Hamdaniyah", "Salaheddine", "Amiriyah", "Kallaseh", "Marjeh", "Qadi",
    "Mashhad", "Ramouseh", "Layramoun", "Bani Zeid", "Suleiman", "Akhtarin", "Daabiq",
)
# Who does things in the claims, as reports name them.
ATTACKERS = (
    "Russian warplanes", "Syrian government aircraft", "regime helicopters", "Turkish drones",
    "rebel artillery", "HTS fighters", "Iran-backed militias", "Hezbollah fighters",
    "pro-government forces", "the Syrian army", "Kurdish-led forces", "Turkish-backed factions",
    "jihadist groups", "Islamic State cells", "unidentified gunmen", "government troops",
)
CAPTORS = (
    "rebels", "HTS", "Turkish-backed factions", "government forces", "the Syrian army",
    "Kurdish-led forces", "Islamist fighters", "opposition groups", "pro-government militias",
)
TARGETS = (
    "a market", "a hospital", "a school", "a bakery", "a mosque", "a residential building",
    "a displacement camp", "a power station", "a water plant", "a military checkpoint",
    "an ammunition depot", "a bridge", "a fuel convoy", "a police station", "a factory",
    "a refugee camp", "an army barracks", "a grain silo", "a clinic", "a bus station",
)
VICTIMS = ("civilians", "children", "fighters", "soldiers", "militiamen", "aid workers", "people")
ORGS = (
    "the UN", "the World Food Programme", "the Red Crescent", "UNICEF", "the ICRC",
    "the White Helmets", "Doctors Without Borders", "the World Health Organization",
)
GOODS = ("food", "medicine", "fuel", "tents", "blankets", "flour", "water", "medical supplies")
OFFICIALS = (
    "Sergei Lavrov", "Abbas Araghchi", "Hakan Fidan", "Bashar al-Assad", "Geir Pedersen",
    "Antony Blinken", "Jean-Noel Barrot", "Recep Tayyip Erdogan", "Vladimir Putin",
    "Masoud Pezeshkian", "Abu Mohammed al-Jolani", "Faisal Mekdad",
)
CAPITALS = ("Moscow", "Tehran", "Ankara", "Doha", "Geneva", "Astana", "Amman", "Beirut", "Cairo")
TOPICS_DIPLOMACY = (
    "a ceasefire", "prisoner exchanges", "humanitarian corridors", "the return of refugees",
    "the Astana process", "border crossings", "sanctions", "a political transition",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("December", "January", "February", "March", "April", "May", "June")
WHENS = ("overnight", "at dawn", "on Friday evening", "early on Sunday", "late on Tuesday")
# Questions about nothing the base holds, for the abstain side of the latency mix.
OFF_TOPIC = (
    "what is the weather like in {city} today",
    "who won the football match in {city}",
    "how much does bread cost in {city}",
    "when does the school year start in {city}",
    "what time is the train to {city}",
    "is there a concert in {city} this weekend",
    "who is the mayor of {city}",
    "how many hotels are there in {city}",
)
# fmt: on


_ONSETS = ("b", "d", "f", "gh", "h", "j", "k", "kh", "l", "m", "n", "q", "r", "s", "sh", "t", "z")
_VOWELS = ("a", "i", "ou", "u", "aa", "ei")
_CODAS = ("", "b", "d", "l", "m", "n", "r", "s", "t", "sh")
GENERATED_ROOTS = 3_000


def _place_word(rng: random.Random) -> str:
    syllables = rng.randint(2, 3)
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    return ("".join(parts) + rng.choice(_CODAS)).capitalize()


class SyntheticBase:
    """A seeded generator of facts; one instance yields the same facts in the same order."""

    def __init__(self, seed: int = 2024) -> None:
        self._random = random.Random(seed)
        self._count = 0
        # Real roots plus generated Arabic-sounding ones: a long war names ever more places.
        roots = sorted(set(_ROOTS) | {_place_word(self._random) for _ in range(GENERATED_ROOTS)})
        self._neighbourhoods = [f"{p} {r}" for p in _PREFIXES for r in roots]

    def facts(self, count: int, *, guild_id: int = GLOBAL, prefix: str = "syn") -> list[Fact]:
        return [self._fact(guild_id, prefix) for _ in range(count)]

    # -- one fact ---------------------------------------------------------------------

    def _fact(self, guild_id: int, prefix: str) -> Fact:
        rng = self._random
        self._count += 1
        kind: Callable[[random.Random], tuple[str, list[str], list[str]]] = rng.choice(
            (self._strike, self._strike, self._capture, self._displacement, self._aid, self._talks)
        )
        statement, questions, topics = kind(rng)
        day, month = rng.randint(1, 28), rng.choice(MONTHS)
        return Fact(
            id=f"{prefix}-{self._count:06d}",
            statement=statement,
            source=rng.choice(SOURCES),
            questions=tuple(questions),
            reported_by="AFP",
            quote=None,
            date=f"2025-{MONTHS.index(month) + 1:02d}-{day:02d}",
            topics=tuple(topics),
            guild_id=guild_id,
            origin="moderator",
        )

    def _where(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self._neighbourhoods), rng.choice(CITIES)

    def _strike(self, rng: random.Random) -> tuple[str, list[str], list[str]]:
        attacker, target = rng.choice(ATTACKERS), rng.choice(TARGETS)
        area, city = self._where(rng)
        victims, killed, wounded = rng.choice(VICTIMS), rng.randint(2, 90), rng.randint(3, 150)
        day = rng.choice(DAYS)
        bare = target.split(" ", 1)[1]
        statement = (
            f"{attacker[0].upper()}{attacker[1:]} struck {target} in the {area} area of {city} "
            f"on {day}, killing {killed} {victims} and wounding {wounded}."
        )
        questions = [
            f"how many {victims} were killed when {bare} in {area} was hit",
            f"who struck the {bare} in {area}",
            f"{area} {bare} strike death toll",
            f"what happened in {area} on {day.lower()}",
            f"how many people were wounded in the {area} strike",
            f"was the {bare} in {area} {city} bombed",
            f"did {attacker} attack {area}",
        ]
        return statement, questions, ["airstrikes", "casualties"]

    def _capture(self, rng: random.Random) -> tuple[str, list[str], list[str]]:
        captor, loser = rng.sample(CAPTORS, 2)
        area, city = self._where(rng)
        villages, when = rng.randint(2, 40), rng.choice(WHENS)
        statement = (
            f"{captor[0].upper()}{captor[1:]} took control of {area} and {villages} nearby "
            f"villages in the {city} countryside {when}, after {loser} withdrew."
        )
        questions = [
            f"who controls {area} now",
            f"did {captor} capture {area}",
            f"how many villages near {area} were taken",
            f"{area} {city} frontline",
            f"when did {loser} withdraw from {area}",
            f"has {area} fallen",
            f"who lost {area} in the {city} countryside",
        ]
        return statement, questions, ["territory"]

    def _displacement(self, rng: random.Random) -> tuple[str, list[str], list[str]]:
        area, city = self._where(rng)
        refuge = rng.choice(CITIES)
        families = rng.randint(50, 9000)
        statement = (
            f"About {families} families fled {area} in {city} province toward {refuge} "
            f"as fighting approached, the UN said."
        )
        questions = [
            f"how many families fled {area}",
            f"where did people from {area} go",
            f"are people leaving {area}",
            f"{area} displaced families",
            f"how many displaced from {area} to {refuge}",
            f"why did residents flee {area}",
            f"is {refuge} taking in people from {area}",
        ]
        return statement, questions, ["civilians"]

    def _aid(self, rng: random.Random) -> tuple[str, list[str], list[str]]:
        org, goods = rng.choice(ORGS), rng.choice(GOODS)
        area, city = self._where(rng)
        trucks = rng.randint(3, 120)
        statement = (
            f"{org[0].upper()}{org[1:]} sent {trucks} trucks of {goods} to {area} in {city}, "
            f"the first convoy to reach it in weeks."
        )
        questions = [
            f"how many aid trucks reached {area}",
            f"did {org} send {goods} to {area}",
            f"is aid getting into {area}",
            f"{area} aid convoy",
            f"who delivered {goods} to {area} in {city}",
            f"when did the last convoy reach {area}",
            f"what aid arrived in {area}",
        ]
        return statement, questions, ["civilians"]

    def _talks(self, rng: random.Random) -> tuple[str, list[str], list[str]]:
        first, second = rng.sample(OFFICIALS, 2)
        capital, topic = rng.choice(CAPITALS), rng.choice(TOPICS_DIPLOMACY)
        area = rng.choice(self._neighbourhoods)
        statement = (
            f"{first} met {second} in {capital} to discuss {topic} around {area}, "
            f"according to a readout of the meeting."
        )
        bare_topic = topic.removeprefix("a ").removeprefix("the ")
        questions = [
            f"did {first} meet {second} about {area}",
            f"what did {first} and {second} discuss about {area}",
            f"talks in {capital} about {area}",
            f"is there a deal on {bare_topic} for {area}",
            f"who met in {capital} about {bare_topic} in {area}",
            f"what was agreed about {area} in {capital}",
            f"{first} {second} meeting {area}",
        ]
        return statement, questions, ["diplomacy"]


def synthetic_facts(
    count: int, *, seed: int = 2024, guild_id: int = GLOBAL, prefix: str = "syn"
) -> list[Fact]:
    """`count` facts of 7 phrasings each, the same for the same seed."""
    return SyntheticBase(seed).facts(count, guild_id=guild_id, prefix=prefix)


def synthetic_questions(facts: Sequence[Fact], count: int, *, seed: int = 99) -> list[str]:
    """Questions people might type about `facts`: reworded, cut short, misspelled, or
    about something else entirely (about one in eight)."""
    rng = random.Random(seed)
    questions = []
    for _ in range(count):
        if rng.random() < 0.125:
            questions.append(rng.choice(OFF_TOPIC).format(city=rng.choice(CITIES)))
            continue
        words = rng.choice(rng.choice(facts).questions).split()
        roll = rng.random()
        if roll < 0.3 and len(words) > 3:
            del words[rng.randrange(1, len(words))]
        elif roll < 0.6:
            long_words = [i for i, w in enumerate(words) if len(w) >= 6]
            if long_words:
                position = rng.choice(long_words)
                words[position] = _typo(rng, words[position])
        elif roll < 0.7:
            words = ["hey", "bot", *words]
        questions.append(" ".join(words) + rng.choice(("", "?", " ?")))
    return questions


def _typo(rng: random.Random, word: str) -> str:
    """One slip, never in the first letter: swapped, dropped or doubled."""
    position = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    if kind == 1:
        return word[:position] + word[position + 1 :]
    return word[:position] + word[position] + word[position:]
