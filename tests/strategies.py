"""What a Discord user may type, as hypothesis strategies, and the service the properties
run against.

Inputs mix hypothesis's arbitrary Unicode with the fragments a public server actually
sees: zero-width and control characters, combining marks, right-to-left text, emoji,
Discord markdown and mentions, SQL, and pasted essays of 10,000 characters.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.drafts import FactDraft
from bot.service import FactService
from tests.helpers import VALIDATION_QUESTIONS, questions_in

# The server of the marked-up fact below.
GUILD = 555555555555555555
# Every property runs this many examples; enough to find the odd character, fast in CI.
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
FRAGMENTS = [
    *ZERO_WIDTH,
    # Combining marks, alone, on a letter, and stacked ("Zalgo").
    "\u0301",
    "e\u0301",
    "Z\u0351\u0358\u0337\u035c\u0489",
    "\u20dd",
    # Right-to-left scripts and bidirectional controls.
    "حلب",
    "هيئة تحرير الشام",
    "שלום",
    "\u200f",
    "\u202e",
    "\u2067",
    # Emoji, with skin tones, joiners and flags.
    "😀",
    "👍🏽",
    "👨‍👩‍👧",
    "🇸🇾",
    "❤️",
    # Discord markdown and mentions.
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "<:aleppo:123456789012345678>",
    "**bold**",
    "__underline__",
    "*italic*",
    "~~strike~~",
    "||spoiler||",
    "`code`",
    "```py\nprint('hi')\n```",
    "\n> quote",
    "\n>>> block",
    "\n# Heading",
    "\n-# small print",
    "\n- item",
    "[click](https://example.com/x)",
    "https://example.com/a_b*c~d",
    "\\",
    "\\*",
    # SQL, which must only ever be data.
    "'; DROP TABLE facts; --",
    '" OR 1=1 --',
    "1; DELETE FROM audit",
    "%",
    "_",
    # Control characters.
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\x7f",
    "\u0085",
    "\u2028",
    # Words the fact base knows, so some questions get answered.
    "Did the rebels take the airport",
    "how many civilians were killed",
    "Aleppo",
    "Syrian Observatory",
    "HTS",
    "?",
    " ",
]
fragment = st.sampled_from(FRAGMENTS)
mixed = st.lists(st.one_of(fragment, st.text(max_size=12)), max_size=30).map("".join)
# Pasted essays: a piece repeated to a length around Discord's own limits.
long_text = st.builds(
    lambda piece, length: (piece * (length // len(piece) + 1))[:length],
    st.lists(st.one_of(fragment, st.text(min_size=1, max_size=8)), min_size=1, max_size=6)
    .map("".join)
    .filter(bool),
    st.sampled_from([501, 2_001, 4_097, 6_001, 10_000]),
)
user_text = st.one_of(st.text(), mixed, long_text)
KNOWN_QUESTIONS = questions_in(VALIDATION_QUESTIONS)
# Real questions dressed in the same noise, so answers and suggestions come up too.
NOISE = [
    *ZERO_WIDTH,
    "\u0301",
    "😀",
    "👨‍👩‍👧",
    "**",
    "__",
    "||",
    "`",
    "~~",
    "\u202e",
    "\n",
    "?",
    "!",
]
short_noise = st.lists(st.sampled_from(NOISE), max_size=3).map("".join)
dressed = st.builds(
    lambda before, question, after: before + question + after,
    short_noise,
    st.sampled_from([*KNOWN_QUESTIONS, "is the bridge shut"]),
    short_noise,
)
question_text = st.one_of(user_text, dressed)
ESSAY = ("Did the rebels take the airport? **@everyone** حلب 😀 '; DROP TABLE facts; -- " * 200)[
    :10_000
]


def marked_up_service(db_path: Path) -> FactService:
    """A seeded service with one more fact, in GUILD, that is all markdown and mentions
    from a source named in Arabic: what must never reach Discord unescaped."""
    opened = FactService.open(db_path)
    opened.add_source("الجزيرة", guild_id=GUILD, aliases=["Al Jazeera"])
    opened.add_fact(
        FactDraft(
            statement="**Bold claim** for @everyone: the bridge <@123456789012345678> is shut.",
            source="Al Jazeera",
            questions=("is the bridge shut", "هل الجسر مغلق"),
            quote="`the bridge` is ||shut||",
            reported_by="@here",
            date="2024-12-01",
        ),
        guild_id=GUILD,
        actor="discord:1",
    )
    return opened
