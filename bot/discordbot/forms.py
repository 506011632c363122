"""/fact new's form, and which of the forms the bot opened may still be submitted.

Each opened form gets a custom id of its own: discord.py keeps one open modal per custom
id, so with one shared id a second moderator's form replaced the first one's, and a
submit could land in a form opened for someone else. The moderation cog answers every
submit itself, from `OpenForms`: one submission per form, by the moderator it was opened
for, within its lifetime; any other submit is refused.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import discord

from bot.discordbot.tree import FactModal
from bot.drafts import FactDraft

# Interaction tokens last 15 minutes; a form left open longer cannot answer.
FORM_TIMEOUT = 900.0
# The forms' own ids and their fields' ids start so; before per-form ids, every form was
# plain "factbot:new".
FORM_PREFIX = "factbot:new"
FIELD_ID = FORM_PREFIX + ":{}"

NOT_OPEN = (
    "That form is no longer open (a form takes one submission, within 15 minutes of "
    "opening it). Nothing was added; open a new one with /fact new."
)
NOT_YOURS = "That form was opened by someone else. Nothing was added; open your own with /fact new."


class FactForm(FactModal):
    """The same fields as /fact add, with room for long text.

    Only the layout: discord.py's dispatch of a submit finds the default on_submit (which
    does nothing); the moderation cog's listener answers it."""

    def __init__(
        self, custom_id: str, *, title: str = "New fact", values: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(title=title, custom_id=custom_id, timeout=FORM_TIMEOUT)
        # Filled in beforehand, by field name in lower case ("statement", "questions"...).
        self._values = dict(values or {})
        self._field("Statement", "The claim, one self-contained sentence", paragraph=True)
        self._field("Source", "Who made the claim (a known source's name)")
        self._field("Questions", "Phrasings that lead to the fact, one per line", paragraph=True)
        self._field("Quote", "The verbatim words the fact rests on", paragraph=True, required=False)
        self._field("Date", "YYYY-MM-DD (default: today)", required=False)

    def _field(
        self, name: str, hint: str, *, paragraph: bool = False, required: bool = True
    ) -> None:
        text_input: discord.ui.TextInput[FactForm] = discord.ui.TextInput(
            custom_id=FIELD_ID.format(name.lower()),
            style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
            required=required,
            default=self._values.get(name.lower()),
        )
        self.add_item(discord.ui.Label(text=name, description=hint, component=text_input))


def is_form_submit(interaction: discord.Interaction[Any]) -> bool:
    if interaction.type is not discord.InteractionType.modal_submit:
        return False
    return str(dict(interaction.data or {}).get("custom_id", "")).startswith(FORM_PREFIX)


def submitted_draft(data: Mapping[str, Any], document: str | None = None) -> FactDraft:
    """The fact a form's submission describes, citing `document` (the document chosen
    when the form was opened); the service validates it."""
    values = dict(_text_values(data.get("components") or []))

    def field(name: str) -> str | None:
        return values.get(FIELD_ID.format(name)) or None

    questions = field("questions") or ""
    return FactDraft(
        statement=field("statement"),
        source=field("source"),
        questions=tuple(line for line in questions.splitlines() if line.strip()),
        quote=field("quote"),
        date=field("date"),
        document=document,
    )


def _text_values(components: list[Any]) -> Iterator[tuple[str, str]]:
    """(custom_id, value) of every text input, inside action rows or labels."""
    for component in components:
        if not isinstance(component, dict):
            continue
        if isinstance(component.get("custom_id"), str) and isinstance(component.get("value"), str):
            yield component["custom_id"], component["value"]
        yield from _text_values(list(component.get("components") or []))
        if isinstance(component.get("component"), dict):
            yield from _text_values([component["component"]])


@dataclass(frozen=True, slots=True)
class _Opened:
    user_id: int
    guild_id: int
    expires: float
    document: str | None = None


class OpenForms:
    """The forms this bot opened and has not yet received."""

    def __init__(self, lifetime: float = FORM_TIMEOUT) -> None:
        self.lifetime = lifetime
        self._forms: dict[str, _Opened] = {}

    def open(self, user_id: int, guild_id: int, document: str | None = None) -> str:
        """A new form's custom id, for this moderator in this server; the fact it adds
        cites `document`, if given."""
        now = time.monotonic()
        # Forget forms nobody submitted, so the table stays small.
        self._forms = {key: form for key, form in self._forms.items() if form.expires > now}
        custom_id = f"{FORM_PREFIX}:{secrets.token_hex(8)}"
        self._forms[custom_id] = _Opened(user_id, guild_id, now + self.lifetime, document)
        return custom_id

    def document(self, custom_id: str) -> str | None:
        """The document the form's fact cites, chosen when it was opened."""
        form = self._forms.get(custom_id)
        return form.document if form else None

    def take(self, custom_id: str, user_id: int, guild_id: int) -> str | None:
        """None when the submit is accepted (the form is closed by it), else why not."""
        form = self._forms.get(custom_id)
        if form is None or form.expires <= time.monotonic():
            return NOT_OPEN
        if (form.user_id, form.guild_id) != (user_id, guild_id):
            return NOT_YOURS  # the form stays open for its moderator
        del self._forms[custom_id]
        return None
