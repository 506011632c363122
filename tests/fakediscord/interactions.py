"""Interactions the fake sends to the bot, and what the bot answers to each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .models import JSON, Channel, Member, User
from .records import Message

if TYPE_CHECKING:
    from .state import DiscordState

T = TypeVar("T")

# Interaction types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback types.
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

ALLOWED_CALLBACKS: dict[int, set[int]] = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
    },
}


@dataclass(eq=False)
class Callback:
    """The bot's answer to POST /interactions/{id}/{token}/callback."""

    type: int
    data: JSON
    message: Message | None = None

    @property
    def deferred(self) -> bool:
        return self.type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)

    @property
    def ephemeral(self) -> bool:
        if self.message is not None:
            return self.message.ephemeral
        return bool(int(self.data.get("flags") or 0) & 64)


@dataclass(eq=False)
class InteractionHandle:
    """One interaction sent to the bot; fills in as the bot answers, follows up and edits.

    ``original`` is the response message (for a component interaction answered with
    type 6 or 7, the message the component is on). ``followup_messages`` are the
    followups in order; after a "thinking" deferral the first followup fills in the
    deferred message itself, as on Discord.
    """

    state: DiscordState
    id: int
    token: str
    type: int
    user: User
    member: Member | None
    channel: Channel
    payload: JSON
    name: str | None = None
    source_message: Message | None = None
    created_at: float = 0.0
    callback: Callback | None = None
    original: Message | None = None
    followup_messages: list[Message] = field(default_factory=list)
    modal: JSON | None = None
    choices: list[JSON] | None = None
    rejected: list[Any] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<InteractionHandle {self.id} type={self.type} name={self.name!r}>"

    # --- state -------------------------------------------------------------------

    @property
    def responded(self) -> bool:
        return self.callback is not None

    @property
    def deferred(self) -> bool:
        return self.callback is not None and self.callback.deferred

    @property
    def ephemeral(self) -> bool:
        """Whether the response (the deferral's, or the message's) is ephemeral."""
        if self.callback is None:
            return False
        if self.original is not None and self.original is not self.source_message:
            return self.original.ephemeral
        return self.callback.ephemeral

    @property
    def messages(self) -> list[Message]:
        """Original response and followups, without deleted ones."""
        found: list[Message] = []
        if self.original is not None and self.original is not self.source_message:
            found.append(self.original)
        found.extend(m for m in self.followup_messages if m not in found)
        return [m for m in found if not m.deleted]

    def final_message(self) -> Message:
        """The most recently created or edited visible message of this interaction.

        For a component answered by updating its message, that message.
        """
        candidates = [m for m in self.messages if not m.loading]
        if self.original is not None and self.original is self.source_message:
            candidates.append(self.original)
        if not candidates:
            raise AssertionError(f"{self!r} has no visible message (callback: {self.callback})")
        return max(candidates, key=lambda m: m.stamp)

    # --- waiting -----------------------------------------------------------------

    async def response(self, timeout: float = 5.0) -> Callback:
        """The bot's callback (its first and only response)."""
        return await self.state.wait_until(
            lambda: self.callback, timeout, f"a response to {self!r}"
        )

    async def reply(self, timeout: float = 5.0) -> Message:
        """Wait until the interaction shows a message (not "thinking…"), then the latest one."""

        def ready() -> Message | None:
            try:
                return self.final_message()
            except AssertionError:
                return None

        return await self.state.wait_until(ready, timeout, f"a visible reply to {self!r}")

    async def followups(self, n: int = 1, timeout: float = 5.0) -> list[Message]:
        """Wait for at least ``n`` followup messages; all of them."""
        await self.state.wait_until(
            lambda: len(self.followup_messages) >= n, timeout, f"{n} followups to {self!r}"
        )
        return list(self.followup_messages)

    async def wait_until(
        self, predicate: Callable[[InteractionHandle], T | None], timeout: float = 5.0
    ) -> T:
        """Wait until ``predicate(handle)`` is truthy; return its value."""
        return await self.state.wait_until(lambda: predicate(self), timeout, f"{self!r} state")

    async def modal_opened(self, timeout: float = 5.0) -> JSON:
        """Wait for the bot to answer with a modal; the modal payload."""
        callback = await self.response(timeout)
        if callback.type != MODAL or self.modal is None:
            raise AssertionError(f"{self!r} was answered with type {callback.type}, not a modal")
        return self.modal
