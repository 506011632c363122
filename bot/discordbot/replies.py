"""How service results look on Discord: embeds, short texts, and one way to reply.

Only Discord's shapes live here (embeds, escaping, length limits); the words, citations
and dates come from `bot.compose`, and what to answer is the service's business.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from bot import compose
from bot.documents.records import DocumentInfo
from bot.models import Answer, ArticleInfo, AskResult, AuditEntry, Citation, Fact, Reach

T = TypeVar("T")

# Unicode's explicit embeddings, overrides and isolates (U+202A-202E, U+2066-2069).
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

# Nobody is ever pinged, whatever a question or a fact contains.
NO_PINGS = discord.AllowedMentions.none()

# Discord's embed limits.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
FOOTER_LIMIT = 2048
MESSAGE_LIMIT = 2000
BUTTON_LABEL_LIMIT = 80
COMMAND_DESCRIPTION_LIMIT = 100
CHOICE_LIMIT = 100

# Discord allows 3 s for the first response: work still running after this is deferred.
DEFER_AFTER = 1.5

ANSWER_COLOUR = discord.Colour.blue()
# "The article doesn't say that": on the topic, but not what was asked.
RELATED_COLOUR = discord.Colour.gold()
NOTICE_COLOUR = discord.Colour.light_grey()


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def echo(user_text: str) -> str:
    """Text a user or a moderator wrote (a question; a statement, quote, source or outlet),
    made safe to show: one line, no markdown, no masked link, no mention syntax, no
    direction override. It still reads as written: Discord hides the escapes and the
    zero-width spaces, and right-to-left scripts need no controls to read right to left."""
    # On one line nothing can start a line (escape_markdown misses "x\n- item"), and with
    # no "](" there is no masked link (escape_markdown escapes one whole, not inside it).
    # A direction control would turn the bot's own words after it around, to the line's
    # end: a citation's "reported by", a "Did you mean…".
    plain = DIRECTION_CONTROLS.sub("", user_text)
    one_line = " ".join(plain.split()).replace("](", "]\u200b(")
    return discord.utils.escape_mentions(discord.utils.escape_markdown(one_line))


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send, whatever the channel: interaction response, followup or message reply."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    def kwargs(self) -> dict[str, Any]:
        # discord.py wants omitted arguments left out, not passed as None.
        values: dict[str, Any] = {"allowed_mentions": NO_PINGS}
        if self.content is not None:
            values["content"] = self.content
        if self.embed is not None:
            values["embed"] = self.embed
        if self.view is not None:
            values["view"] = self.view
        return values


async def respond(
    interaction: discord.Interaction[Any],
    reply: Reply,
    *,
    ephemeral: bool,
    file: discord.File | None = None,
) -> None:
    """Answer an interaction whether it is fresh, deferred or already answered."""
    extras = reply.kwargs()
    if file is not None:
        extras["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **extras)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **extras)


async def in_time(
    interaction: discord.Interaction[Any],
    work: Awaitable[T],
    *,
    ephemeral: bool,
    thinking: bool = True,
) -> T:
    """What `work` returns; should it be slow (say an index rebuilt after another process
    changed the facts), the interaction is deferred first, so it does not expire."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), DEFER_AFTER)
    except TimeoutError:
        pass
    if not interaction.response.is_done():
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=thinking)
        except BaseException:
            task.cancel()  # the thread runs on, but its result is no longer wanted
            raise
    return await task


async def notice(interaction: discord.Interaction[Any], text: str) -> None:
    """A short message only the user sees."""
    await respond(interaction, Reply(content=clip(text, MESSAGE_LIMIT)), ephemeral=True)


# -- answers ---------------------------------------------------------------------------


def citation_line(citation: Citation) -> str:
    """Who said it, who reported it, when; escaped, as moderators name sources and outlets."""
    return echo(compose.citation_text(citation))


def quote_line(quote: str) -> str:
    return echo(compose.quoted(quote))


def labelled_quote_line(answer: Answer) -> str:
    """A quote among other lines: marked when it was not checked against a document."""
    if answer.quote_verified:
        return quote_line(answer.quote or "")
    return f"{compose.UNVERIFIED_QUOTE}: {quote_line(answer.quote or '')}"


def article_footer(article: ArticleInfo, reach: Reach | None = None) -> str:
    """Under an answer: what the server's facts come from and how recent they are."""
    return f"{compose.dated_footer(reach or Reach.of_article(article))} /about"


def answer_embed(result: AskResult, article: ArticleInfo) -> discord.Embed:
    """The answer with who said it and their words; one field per source when several."""
    embed = discord.Embed(
        title=clip(f"You asked: {echo(result.question)}", TITLE_LIMIT), colour=ANSWER_COLOUR
    )
    # The footer first: the answers that fit are counted with it (it names every outlet).
    embed.set_footer(text=clip(article_footer(article, result.reach), FOOTER_LIMIT))
    answers = result.answers
    if len(answers) == 1:
        answer = answers[0]
        embed.description = clip(echo(answer.text), DESCRIPTION_LIMIT)
        embed.add_field(
            name="Source",
            value=clip(citation_line(answer.citation), FIELD_VALUE_LIMIT),
            inline=False,
        )
        if answer.quote:
            embed.add_field(
                name=compose.quote_label(answer.quote_verified),
                value=clip(quote_line(answer.quote), FIELD_VALUE_LIMIT),
                inline=False,
            )
    else:
        embed.description = f"{len(answers)} sources speak to this:"
        _add_answer_fields(embed, answers)
    return embed


def related_embed(result: AskResult, article: ArticleInfo) -> discord.Embed:
    """A "doesn't say" reply: what the article leaves out, then what it does say."""
    embed = discord.Embed(
        title=clip(f"You asked: {echo(result.question)}", TITLE_LIMIT), colour=RELATED_COLOUR
    )
    embed.description = clip(f"{result.not_said} What it does say:", DESCRIPTION_LIMIT)
    embed.set_footer(text=clip(article_footer(article, result.reach), FOOTER_LIMIT))
    _add_answer_fields(embed, result.related)
    return embed


def _add_answer_fields(embed: discord.Embed, answers: Sequence[Answer]) -> None:
    shown = answers[: FIELD_COUNT_LIMIT - 1] if len(answers) > FIELD_COUNT_LIMIT else answers
    for answer in shown:
        lines = [echo(answer.text), f"— {citation_line(answer.citation)}"]
        if answer.quote:
            lines.append(labelled_quote_line(answer))
        embed.add_field(
            # A name of nothing but direction controls echoes as nothing, which Discord
            # refuses for a field's name.
            name=clip(echo(answer.citation.source), FIELD_NAME_LIMIT) or "Source",
            value=clip("\n".join(lines), FIELD_VALUE_LIMIT),
            inline=False,
        )
    hidden = len(answers) - len(shown)
    # Drop whole answers from the end rather than cut every one short.
    while len(embed) > EMBED_TOTAL_LIMIT - 100 and len(embed.fields) > 1:
        embed.remove_field(-1)
        hidden += 1
    if hidden:
        embed.add_field(name="More", value=f"…and {hidden} more source(s).", inline=False)


def cooldown_text(retry_after: float) -> str:
    return f"You're asking quickly! Try again in {max(1, math.ceil(retry_after))} s."


def ask_description(article: ArticleInfo) -> str:
    """The /ask command's description: which article it asks about."""
    return clip(f"Ask about {compose.article_description(article)}", COMMAND_DESCRIPTION_LIMIT)


def mention_help(article: ArticleInfo) -> str:
    return (
        f"Ask me about {compose.article_description(article)}: mention me with a question, "
        "or use `/ask`. `/about` says what I know."
    )


# -- moderators ------------------------------------------------------------------------


def actor_display(actor: str) -> str:
    """Show Discord actors as (non-pinging) mentions, others as they are."""
    prefix, _, rest = actor.partition(":")
    if prefix == "discord" and rest.isdigit():
        return f"<@{rest}>"
    plain = actor.replace("`", "'")  # a backtick would end the code span
    return f"`{plain}`"


def fact_embed(
    fact: Fact, citation: Citation, document: DocumentInfo | None = None
) -> discord.Embed:
    """One fact in full, as `compose.fact_card` words it; everything from users escaped."""
    card = compose.fact_card(fact, citation, document)
    embed = discord.Embed(
        title=clip(card.heading, TITLE_LIMIT),
        description=clip(echo(card.statement), DESCRIPTION_LIMIT),
        colour=ANSWER_COLOUR if fact.active else NOTICE_COLOUR,
    )
    for detail in card.details:
        value = clip(echo(detail.value), FIELD_VALUE_LIMIT)
        embed.add_field(name=detail.label, value=value, inline=detail.brief)
    questions = "\n".join(f"• {echo(q)}" for q in card.questions) or compose.NOTHING
    embed.add_field(name=compose.QUESTIONS, value=clip(questions, FIELD_VALUE_LIMIT), inline=False)
    return fit_total(embed)


def fit_total(embed: discord.Embed) -> discord.Embed:
    """`embed` within Discord's 6,000 characters for all its text, its longest field cut
    as often as needed: each part may be within its own limit while together they are not
    (escaping doubles a markdown character), and Discord refuses the whole message."""
    while (excess := len(embed) - EMBED_TOTAL_LIMIT) > 0:
        index, field = max(enumerate(embed.fields), key=lambda item: len(item[1].value or ""))
        value = field.value or ""
        if len(value) <= excess:
            break  # nothing long left to cut; never reached with the bot's own fields
        embed.set_field_at(
            index, name=field.name, value=clip(value, len(value) - excess), inline=field.inline
        )
    return embed


def history_embed(fact_id: str, entries: Sequence[AuditEntry]) -> discord.Embed:
    lines = [
        f"`#{entry.id}` {compose.change_time(entry.at)} **{entry.action}** "
        f"by {actor_display(entry.actor)}"
        for entry in entries
    ]
    embed = discord.Embed(
        title=clip(f"History of {fact_id}", TITLE_LIMIT),
        description=clip_lines(lines, DESCRIPTION_LIMIT) or "No changes recorded.",
        colour=NOTICE_COLOUR,
    )
    embed.set_footer(text="Put a fact back as it was before a change: /fact undo change:<number>")
    return embed


def fact_line(fact: Fact) -> str:
    state = "" if fact.active else f" *({compose.REMOVED})*"
    return f"`{fact.id}`{state} — {clip(echo(fact.statement), 120)}"


def clip_lines(lines: Sequence[str], limit: int) -> str:
    """Whole lines up to `limit` characters, then a count of the ones left out."""
    tail_room = len(f"\n…and {len(lines)} more.")
    kept: list[str] = []
    used = 0
    for number, line in enumerate(lines):
        last = number == len(lines) - 1
        line = clip(line, max(1, limit - tail_room))
        if used + len(line) > limit - (0 if last else tail_room):
            return "\n".join([*kept, f"…and {len(lines) - number} more."])
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def problems_text(problems: Sequence[str]) -> str:
    lines = [f"• {echo(p)}" for p in problems]
    return "That didn't work:\n" + clip_lines(lines, MESSAGE_LIMIT - 40)
