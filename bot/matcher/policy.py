"""The weights and thresholds of the confidence rule, in one place to tune."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """The weights and thresholds of the confidence rule."""

    coverage_weight: float = 0.45
    phrasing_weight: float = 0.40
    literal_weight: float = 0.15
    # Below this share of the question's content, the base does not cover the question.
    min_coverage: float = 0.5
    # A fact is answered from this score when it clearly beats the runner-up...
    answer_score: float = 0.55
    margin: float = 0.06
    # ...and from this score whatever the runner-up does.
    sure_score: float = 0.80
    # A question whose content weighs less than this ("rebels", "the city") says too little
    # to pick one fact: the bot offers choices instead of answering.
    min_information: float = 1.0
    # ...unless it is, near enough word for word, one of a fact's phrasings.
    verbatim_score: float = 0.97
    # Between suggest_score and an answer, the bot offers "did you mean".
    suggest_score: float = 0.45
    # Other facts this close to the best are answered alongside it.
    alongside: float = 0.05
    # Among answers that close, each share of the question held by a fact's own statement
    # and quote counts this much more than a phrasing's: what the article itself says of
    # "what did the Army confirm" comes first.
    grounding_weight: float = 0.1
    # A fact from another source on the same point joins an answer only when it is on the
    # question itself, from this score: "how long is the front line" is not answered by
    # the districts taken, though both are claims about the rebels' advance.
    companion_score: float = 0.25
    max_answers: int = 3
    max_suggestions: int = 3
    candidate_limit: int = 40
    # A question about a narrower term ("hts") is partly answered by the broader one ("rebel").
    narrow_credit: float = 0.6
    # Naming who said something ("what did the war monitor say") favours that source's facts.
    claimant_bonus: float = 0.05
    # How much a content word that no fact uses counts, against a rare word some fact uses.
    unknown_word_factor: float = 1.0
    # How much more a place or actor named in the question counts when the fact never
    # mentions it: "how many people live in Ankara" is not answered by another city's population.
    conflict_factor: float = 2.0
    # Words that frame a question ("held", "latest", "serious") count this much.
    light_word_factor: float = 0.35
    # A word no fact uses weighs by how rare it is in English: in full up to this Zipf
    # frequency ("hezbollah", "shawarma"), falling to common_word_factor at common_zipf
    # ("people", "anyway"): chatter around a question weighs little, a new subject a lot.
    rare_zipf: float = 3.5
    common_zipf: float = 6.0
    common_word_factor: float = 0.1
    # ...or from this score when it leads every other fact by lead_margin.
    lead_score: float = 0.5
    lead_margin: float = 0.15
    # How much a fit with the fact's own statement and quote counts, against a phrasing.
    statement_fit: float = 0.9
    # The decision weighs only the on-topic facts within this much of the best one.
    window: float = 0.15
    # A yes/no question whose word no fact uses, and which is no commoner in English than
    # this, asks about something the article does not report.
    unsupported_zipf: float = 4.5
    # "what colour is the flag": the thing a what-question asks for, when no fact uses its
    # word and it is no commoner in English than this ("colour", "airline", not "news"),
    # is something the article does not give.
    asked_zipf: float = 5.2
    # A capitalised word of a fact is a name ("Hammadi", "Idlib") when it is no commoner
    # in English than this; "Governor" and "Army" are titles.
    name_zipf: float = 4.0
