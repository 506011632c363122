"""Loading and validating the curated knowledge in `knowledge/`.

The files are TOML because Python reads it with the standard library, it allows comments,
and a fact reviews well as a small table in a diff. `check_knowledge` reports every
problem at once, so a curator can fix a file in one pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bot.models import ArticleInfo, Fact, Source
from bot.records import date_text as _date_text
from bot.records import fact_from_record
from bot.text import fold
from bot.validation import (
    ID_PATTERN,
    MIN_CURATED_QUESTIONS,
    claimed_phrasings,
    is_string_list,
    validate_fact_record,
)


def default_knowledge_dir() -> Path:
    """The checkout's `knowledge/`, else the copy in the wheel (the settings may name
    another folder: FACTBOT_KNOWLEDGE, `--knowledge`)."""
    checkout = Path(__file__).resolve().parent.parent / "knowledge"
    if checkout.is_dir():
        return checkout
    # Through the regular package `bot`: files() on the data folder itself (a namespace
    # package) gives a MultiplexedPath, which is not a filesystem path.
    return Path(str(resources.files("bot"))) / "knowledge_data"


# The files the knowledge is read from, besides the article's own text (article.toml names it).
KNOWLEDGE_FILES = ("article.toml", "sources.toml", "facts.toml", "lexicon.toml", "chatter.toml")
LEXICON_FILES = ("lexicon.toml", "chatter.toml")


class KnowledgeError(Exception):
    """The knowledge files cannot be used; `problems` says every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    canonical: str
    variants: tuple[str, ...]
    # A more general group this one belongs to ("hts" is a kind of "rebel"): a question
    # about the narrower term is partly answered by facts about the broader one.
    broader: str | None = None


@dataclass(frozen=True, slots=True)
class Chatter:
    """The closed classes of chat language, from chatter.toml; see that file."""

    spelling: Mapping[str, str] = field(default_factory=dict)
    chatter: frozenset[str] = frozenset()
    # Exclamations and sign-offs that end a thought, as a full stop would.
    interjections: frozenset[str] = frozenset()
    greetings: frozenset[str] = frozenset()
    hedges: frozenset[str] = frozenset()
    addressing: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()
    confirm_tags: frozenset[str] = frozenset()
    hearsay_people: frozenset[str] = frozenset()
    hearsay_platforms: frozenset[str] = frozenset()
    hearsay_verbs: frozenset[str] = frozenset()
    # Question kind -> the phrases that open such a question.
    kinds: Mapping[str, frozenset[str]] = field(default_factory=dict)
    harm: frozenset[str] = frozenset()
    # Words for places ("square", "airport"): a place answer is made of them or of names.
    places: frozenset[str] = frozenset()
    # Places elsewhere in the world: a question naming one is about somewhere else.
    world_places: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    named_actors: frozenset[str] = frozenset()
    speech: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    # Groups of outcomes a fact may report in each other's words ("killed", "lost").
    outcome_equivalents: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Lexicon:
    stopwords: frozenset[str] = frozenset()
    synonyms: tuple[SynonymGroup, ...] = ()
    # Words that frame a question more than they name its subject ("held", "latest").
    light_words: frozenset[str] = frozenset()
    # How people write in chat: spelling, chatter and what questions ask (chatter.toml).
    chatter: Chatter = field(default_factory=lambda: Chatter())
    # A digest of the files this lexicon was read from, for the saved index to tell lexicons
    # apart cheaply; empty for one made or changed in code (not an argument: a lexicon
    # changed with dataclasses.replace is no longer the one those files give).
    files_digest: str = field(default="", init=False, compare=False)


@dataclass(frozen=True, slots=True)
class Knowledge:
    article: ArticleInfo
    sources: tuple[Source, ...]
    facts: tuple[Fact, ...]
    lexicon: Lexicon
    # Where the files are: more curated documents may sit beside the article.
    directory: Path = field(compare=False)
    # The files it was read from (names relative to `directory`), each with the SHA-256 of
    # its bytes: what a copy kept beside the database is checked against (knowledge_cache.py).
    files: Mapping[str, str] = field(default_factory=dict, compare=False)


def load_knowledge(directory: Path | None = None) -> Knowledge:
    """Load and validate the knowledge files; raise KnowledgeError listing every problem."""
    knowledge, problems = _load(directory or default_knowledge_dir())
    if problems or knowledge is None:
        raise KnowledgeError(problems)
    return knowledge


def check_knowledge(directory: Path | None = None) -> tuple[Knowledge | None, list[str]]:
    """Every problem in the knowledge files, as readable lines (empty when all is well)."""
    return _load(directory or default_knowledge_dir())


def _load(directory: Path) -> tuple[Knowledge | None, list[str]]:
    problems: list[str] = []
    tables = {}
    files: dict[str, str] = {}
    for name in KNOWLEDGE_FILES:
        missing = f"{name}: missing (looked in {directory})"
        text = _read_text(directory, name, name, missing, problems, files)
        if text is None:
            continue
        try:
            tables[name] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            problems.append(f"{name}: not valid TOML: {error}")
    if problems:
        return None, problems

    article = _article(tables["article.toml"], directory, problems, files)
    sources = _sources(tables["sources.toml"], problems)
    lexicon = _lexicon(tables["lexicon.toml"], problems)
    lexicon = dataclasses.replace(lexicon, chatter=_chatter(tables["chatter.toml"], problems))
    # The lexicon is made of these two files alone.
    _read_from(lexicon, files_digest({name: files[name] for name in LEXICON_FILES}))
    facts = _facts(tables["facts.toml"], article, sources, problems)
    if article is None:
        return None, problems
    knowledge = Knowledge(article, tuple(sources.values()), tuple(facts), lexicon, directory, files)
    return knowledge, problems


def files_digest(files: Mapping[str, str]) -> str:
    """One digest of files and their digests (as `Knowledge.files` lists them)."""
    return hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()


def _read_from(lexicon: Lexicon, digest: str) -> None:
    # Set once, on the lexicon just made and not yet shared: the field is left out of the
    # constructor so that a copy changed with dataclasses.replace does not carry it.
    object.__setattr__(lexicon, "files_digest", digest)


def _read_text(
    directory: Path,
    name: str,
    label: str,
    missing: str,
    problems: list[str],
    files: dict[str, str],
) -> str | None:
    """The text of the file `name` in `directory`, its digest noted in `files`; or None
    with the problem named (`missing` when it is not there): an editor may save in another
    encoding, and a file may be a folder or unreadable, none of which is a crash."""
    try:
        data = (directory / name).read_bytes()
        files[name] = hashlib.sha256(data).hexdigest()
        return data.decode("utf-8")
    except FileNotFoundError:
        problems.append(missing)
    except UnicodeDecodeError as error:
        problems.append(f"{label}: not UTF-8 text (byte {error.start})")
    except OSError as error:
        problems.append(f"{label}: cannot be read: {error.strerror or error}")
    return None


def read_article(directory: Path | None = None) -> ArticleInfo | None:
    """The article alone, without the facts: cheap enough for `--help`. None when
    article.toml has a problem (`check` says which)."""
    directory = directory or default_knowledge_dir()
    try:
        table = tomllib.loads((directory / "article.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return _article(table, directory, [], {})


def _article(
    table: Mapping[str, Any], directory: Path, problems: list[str], files: dict[str, str]
) -> ArticleInfo | None:
    where = "article.toml"
    values: dict[str, str] = {}
    for key in ("id", "title", "outlet", "topic", "summary", "file"):
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: '{key}' must be a non-empty string")
        else:
            values[key] = value
    date = _date_text(table.get("date"))
    if date is None:
        problems.append(f"{where}: 'date' must be a date such as 2001-02-03")
    examples = table.get("examples", [])
    if not is_string_list(examples) or not all(example.strip() for example in examples):
        problems.append(f"{where}: 'examples' must be a list of questions")
        examples = []
    if "file" not in values or date is None or len(values) < 6:
        return None
    named = f"{where}: article file '{values['file']}'"
    text = _read_text(directory, values["file"], named, f"{named} not found", problems, files)
    if text is None:
        return None
    return ArticleInfo(
        id=values["id"],
        title=values["title"],
        outlet=values["outlet"],
        date=date,
        topic=values["topic"],
        summary=values["summary"],
        text=text,
        examples=tuple(examples),
    )


def _sources(table: Mapping[str, Any], problems: list[str]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    records = table.get("source")
    if not isinstance(records, list) or not records:
        problems.append("sources.toml: expected one or more [[source]] tables")
        return sources
    for index, record in enumerate(records, start=1):
        where = f"sources.toml source #{index}"
        source_id = record.get("id")
        if not isinstance(source_id, str) or not ID_PATTERN.match(source_id):
            problems.append(f"{where}: 'id' must be lowercase letters, digits and hyphens")
            continue
        where = f"sources.toml '{source_id}'"
        name = record.get("name")
        aliases = record.get("aliases", [])
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: 'name' must be a non-empty string")
            continue
        if not is_string_list(aliases):
            problems.append(f"{where}: 'aliases' must be a list of strings")
            aliases = []
        unknown = set(record) - {"id", "name", "aliases", "description", "part_of"}
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if source_id in sources:
            problems.append(f"{where}: duplicate source id")
        sources[source_id] = Source(
            id=source_id,
            name=name.strip(),
            aliases=tuple(aliases),
            description=str(record.get("description", "")),
            part_of=record.get("part_of"),
        )
    for source in sources.values():
        if source.part_of is not None and source.part_of not in sources:
            problems.append(f"sources.toml '{source.id}': part_of '{source.part_of}' is unknown")
    return sources


def _lexicon(table: Mapping[str, Any], problems: list[str]) -> Lexicon:
    stopwords = table.get("stopwords", [])
    if not is_string_list(stopwords):
        problems.append("lexicon.toml: 'stopwords' must be a list of strings")
        stopwords = []
    light_words = table.get("light_words", [])
    if not is_string_list(light_words):
        problems.append("lexicon.toml: 'light_words' must be a list of strings")
        light_words = []
    for word in set(map(fold, light_words)) & set(map(fold, stopwords)):
        problems.append(f"lexicon.toml: '{word}' is both a stopword and a light word")
    groups: list[SynonymGroup] = []
    owner: dict[str, str] = {}
    for index, record in enumerate(table.get("synonyms", []), start=1):
        canonical = record.get("canonical")
        variants = record.get("variants")
        where = f"lexicon.toml synonyms #{index}"
        if not isinstance(canonical, str) or not re.fullmatch(r"[a-z0-9]+", canonical):
            problems.append(f"{where}: 'canonical' must be one lowercase word of letters/digits")
            continue
        if not is_string_list(variants) or not variants:
            problems.append(f"{where} '{canonical}': 'variants' must be a non-empty list")
            continue
        for variant in (canonical, *variants):
            key = fold(variant)
            words = variant.split()
            if not key:
                problems.append(f"{where} '{canonical}': variant '{variant}' has no letters")
            elif "*" in (words[0], words[-1]) or any("*" in w and w != "*" for w in words):
                problems.append(
                    f"{where} '{canonical}': in '{variant}', '*' must stand alone between words"
                )
            elif owner.get(key, canonical) != canonical:
                problems.append(
                    f"{where} '{canonical}': '{variant}' is already in group '{owner[key]}'"
                )
            owner[key] = canonical
        broader = record.get("broader")
        if broader is not None and not isinstance(broader, str):
            problems.append(f"{where} '{canonical}': 'broader' must be a group's canonical word")
            broader = None
        groups.append(SynonymGroup(canonical, tuple(variants), broader))
    canonicals = {group.canonical for group in groups}
    for group in groups:
        if group.broader is not None and group.broader not in canonicals:
            problems.append(
                f"lexicon.toml synonyms '{group.canonical}': broader '{group.broader}' "
                "is not the canonical word of a group"
            )
    return Lexicon(
        frozenset(fold(word) for word in stopwords),
        tuple(groups),
        frozenset(fold(word) for word in light_words),
    )


def _facts(
    table: Mapping[str, Any],
    article: ArticleInfo | None,
    sources: Mapping[str, Source],
    problems: list[str],
) -> list[Fact]:
    records = table.get("fact")
    if not isinstance(records, list) or not records:
        problems.append("facts.toml: expected one or more [[fact]] tables")
        return []
    facts: list[Fact] = []
    seen_ids: set[str] = set()
    for index, record in enumerate(records, start=1):
        label = record.get("id") if isinstance(record.get("id"), str) else f"#{index}"
        where = f"facts.toml fact '{label}'"
        record_problems = validate_fact_record(
            record,
            known_sources=sources,
            article_text=article.text if article else None,
            min_questions=MIN_CURATED_QUESTIONS,
        )
        problems.extend(f"{where}: {problem}" for problem in record_problems)
        if record_problems:
            continue
        fact = fact_from_record(
            record,
            default_reported_by=article.outlet if article else None,
            # Curated quotes are checked against the article above: they cite it.
            default_document=article.id if article else None,
        )
        if fact.id in seen_ids:
            problems.append(f"{where}: duplicate fact id")
        seen_ids.add(fact.id)
        facts.append(fact)
    problems.extend(phrasing_clashes(facts))
    return facts


def phrasing_clashes(facts: Iterable[Fact]) -> list[str]:
    """Phrasings attached to more than one fact (compared after folding)."""
    return [
        f"facts.toml fact '{fact.id}': phrasing '{question}' also belongs to '{other}'"
        for fact, question, other in claimed_phrasings(facts, {})
    ]


_CHATTER_LISTS = {
    "chatter": ("greetings", "reactions", "fillers"),
    "hedges": ("hedges",),
    "addressing": ("addressing",),
    "openers": ("openers",),
    "confirm_tags": ("confirm_tags",),
}
_ASK_KINDS = (
    "help",
    "claimant",
    "expansion",
    "name",
    "count",
    "date",
    "time",
    "duration",
    "age",
    "place",
    "reason",
    "agent",
    "identity",
)


def _chatter(table: Mapping[str, Any], problems: list[str]) -> Chatter:
    """The chat language of chatter.toml; every entry is folded as messages are."""

    def words(section: str, key: str) -> frozenset[str]:
        value = table.get(section, {}).get(key, [])
        if not is_string_list(value):
            problems.append(f"chatter.toml: '{section}.{key}' must be a list of strings")
            return frozenset()
        # A trailing " $" (only at the end of a question) survives folding.
        folded = frozenset(
            f"{fold(entry[:-2])} $" if entry.endswith(" $") else fold(entry) for entry in value
        )
        if "" in folded:
            problems.append(f"chatter.toml: '{section}.{key}' has an entry with no letters")
        return folded - {""}

    spelling_table = table.get("spelling", {})
    spelling: dict[str, str] = {}
    for written, plain in spelling_table.items():
        # "b4" folds to "b 4", as it will in a message: keys may be phrases.
        if not isinstance(plain, str) or not fold(plain) or not fold(written):
            problems.append(f"chatter.toml: spelling '{written}' must map words to words")
            continue
        spelling[fold(written)] = fold(plain)
    lists = {
        name: frozenset().union(*(words("chatter", key) for key in keys))
        for name, keys in _CHATTER_LISTS.items()
    }
    return Chatter(
        spelling=spelling,
        chatter=lists["chatter"],
        interjections=words("chatter", "interjections"),
        greetings=words("chatter", "greetings"),
        hedges=lists["hedges"],
        addressing=lists["addressing"],
        openers=lists["openers"],
        confirm_tags=lists["confirm_tags"],
        hearsay_people=words("hearsay", "people"),
        hearsay_platforms=words("hearsay", "platforms"),
        hearsay_verbs=words("hearsay", "verbs"),
        kinds={kind: words("asking", kind) for kind in _ASK_KINDS},
        harm=words("asking", "harm"),
        places=words("asking", "places"),
        world_places=words("asking", "world_places"),
        actors=words("asking", "actors") | words("asking", "named_actors"),
        named_actors=words("asking", "named_actors"),
        speech=words("asking", "speech"),
        outcomes=words("asking", "outcomes"),
        outcome_equivalents=tuple(
            frozenset(fold(word) for word in group)
            for group in table.get("asking", {}).get("outcome_equivalents", [])
            if is_string_list(group)
        ),
    )
