"""A Discord message without its syntax, split into sentences.

Mentions, custom and Unicode emoji, links, markdown, spoilers and code marks go. Emoji,
emoticons, dashes and line breaks end a sentence, as they do when people write.
"""

from __future__ import annotations

import re

from bot.matcher.kinds import QUESTION_OPENERS
from bot.text import fold

# Discord's own markup: <@123>, <@!123>, <@&123>, <#123>, <:name:123>, <a:name:123>,
# <t:1700000000:R>, and the two mass mentions.
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b|<t:\d+(?::\w)?>")
# "@mike" typed as text names someone in the channel, not what is asked.
_HANDLE = re.compile(r"(?<![\w@])@\w+")
# Hashtags that close a message ("#justasking #confused") comment on it.
_TRAILING_TAGS = re.compile(r"(?:\s*#\w+)+\s*$")
_CUSTOM_EMOJI = re.compile(r"<a?:\w{1,32}:\d+>")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# "[10:42]", "10:42 pm": when a message was written, not what it asks.
_CLOCK = re.compile(r"\[?\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?\b)?\]?", re.IGNORECASE)
_CODE_BLOCK = re.compile(r"```(?:[a-z0-9_+-]*\n)?(.*?)```", re.DOTALL | re.IGNORECASE)
# "*sips tea*": an action in asterisks, two words or more, stands apart from the question
# ("did they *really* take it" is emphasis, and stays).
_ACTION = re.compile(r"(?<![*\w])\*(?![*\s])([^*\n]*\s[^*\n]*?)(?<![*\s])\*(?![*\w])")
# Punctuation spoken to a phone: "was it captured question mark".
_DICTATED = {"question mark": "?", "exclamation mark": "!", "exclamation point": "!"}
_DICTATED |= {"full stop": ".", "new line": "\n", "comma": ","}
_DICTATION = re.compile(r"\b(?:" + "|".join(_DICTATED) + r")\b", re.IGNORECASE)
# The last word of each: a message without one of them dictates nothing.
_DICTATED_ENDS = frozenset(phrase.split()[-1] for phrase in _DICTATED)
# Six consonants in a row: no English word has them ("twelfths" has five).
_SMASH = re.compile(r"[b-df-hj-np-tv-xz]{6}", re.IGNORECASE)
_MARKUP = re.compile(r"\|\||\*\*|__|~~|`|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_MARKUP_CHARS = frozenset("|*_~`")
_QUOTE_PREFIX = re.compile(r"^\s*>+\s?", re.MULTILINE)
# Unicode emoji and pictographs, flags, keycaps, and the joiners that build them.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff"
    "\u2190-\u21ff\u2300-\u23ff\u2b00-\u2bff\ufe0f\u200d\u20e3]+"
)
# A token made mostly of symbols is an emoticon or kaomoji: ":)", "<3", "^_^", "¯\\_(ツ)_/¯".
_TOKEN = re.compile(r"\S+")
_ASIDE = re.compile(r"\(([^()\n]*)\)")
_ENDINGS = frozenset(".,?!;\u2026")
_WORDLIKE = frozenset({"&", "+", "/", "%", "$", "#", "@", "'", '"'})
_SENTENCE = re.compile(r"[^.?!;:\n\u2026]+[.?!;:\n\u2026]*")
# "--", "—" and " - " join two thoughts as a full stop would.
_DASHES = re.compile(r"\s+(?:-{1,2}|\u2014|\u2013)\s+|\u2014|(?<=\w)--(?=\w)")
_BREAK = "\n"


def clean_markup(message: str) -> str:
    """The message without Discord syntax; emoji become sentence breaks."""
    # Most messages are plain words: a pattern runs only when the characters it needs are
    # there (case folding aside, so a message with other than ASCII runs them all).
    plain = message.isascii()
    lowered = message.lower() if plain else ""
    text = message
    if "```" in text:
        text = _CODE_BLOCK.sub(lambda m: f"{_BREAK}{m.group(1)}{_BREAK}", text)
    if ">" in text:
        text = _QUOTE_PREFIX.sub("", text)
    if not plain or "://" in text or "www." in lowered:
        text = _URL.sub(" ", text)
    if ":" in text:
        text = _CLOCK.sub(" ", text)
    if "<" in text or "@" in text:
        text = _MENTION.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    if "#" in text:
        text = _TRAILING_TAGS.sub(" ", text)
    if "<" in text:
        text = _CUSTOM_EMOJI.sub(_BREAK, text)
    if not plain:
        text = _EMOJI.sub(_BREAK, text)
    if "*" in text:
        text = _ACTION.sub(_unless_stage_direction, text)
    if not plain or any(word in lowered for word in _DICTATED_ENDS):
        text = _DICTATION.sub(lambda m: f" {_DICTATED[m.group().lower()]} ", text)
    if not _MARKUP_CHARS.isdisjoint(text):
        text = _MARKUP.sub(" ", text)
    text = _TOKEN.sub(_unless_emoticon, text)
    # "(asking for real this time)": a remark in brackets stands apart.
    if "(" in text:
        text = _ASIDE.sub(lambda m: f"{_BREAK}{m.group(1)}{_BREAK}", text)
    return text


def _unless_stage_direction(action: re.Match[str]) -> str:
    """ "*sips tea*" narrates; it goes. A longer span, or one that asks, is the question
    in italics and stays, as a sentence of its own."""
    words = fold(action.group(1)).split()
    if len(words) <= 4 and not QUESTION_OPENERS.intersection(words) and "?" not in action[1]:
        return _BREAK
    return f"{_BREAK}{action.group(1)}{_BREAK}"


def _unless_emoticon(token: re.Match[str]) -> str:
    """The token, or a sentence break for an emoticon: mostly symbols, but not the
    punctuation that ends a sentence ("?!", "...") or a lone "&"."""
    text = token.group()
    if text.isalnum():
        # Letters and digits only: a word, unless a keyboard smash ("jfkdlsjf").
        return _BREAK if text.isalpha() and _SMASH.search(text) else text
    # "symbolic?!?!" is a word and its punctuation.
    core = text.strip("".join(_ENDINGS))
    symbols = sum(1 for c in core if not c.isalnum())
    if not core or symbols * 2 < len(core) or core in _WORDLIKE:
        return text
    return _BREAK


def split_sentences(message: str) -> list[tuple[str, bool]]:
    """(sentence, ends with a question mark) for each sentence of the cleaned message."""
    text = clean_markup(message)
    if "-" in text or "\u2014" in text or "\u2013" in text:
        text = _DASHES.sub(_BREAK, text)
    found = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group()
        body = chunk.rstrip(".?!;:\n\u2026 ")
        if body.strip():
            found.append((body, "?" in chunk[len(body) :]))
    return found
