"""What test users do: slash commands, autocomplete, buttons, selects, modals, messages.

Each action is checked as Discord's client would check it (is the command
offered here, is the component enabled and visible to this user), unless
``force``; then it reaches the bot as the gateway event Discord would send.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from .attachments import Attachments
from .commands import CommandRegistry, check_available
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
)
from .messages import REPLY, MessageWriter, reference_to
from .models import DEFAULT_EVERYONE_PERMISSIONS, JSON, Channel, Member, User, actor_user
from .options import (
    InvalidInput,
    Resolver,
    build_options,
    modal_components,
    select_values,
    walk_to_subcommand,
    wrap_in_subcommands,
)
from .records import Message, Upload
from .shards import Shards
from .state import DiscordState

DM_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS
BUTTON = 2
LINK_BUTTON_STYLES = (5, 6)  # link and premium buttons send no interaction
SELECT_MENUS = (3, 5, 6, 7, 8)


class UserActions:
    def __init__(
        self,
        state: DiscordState,
        shards: Shards,
        commands: CommandRegistry,
        writer: MessageWriter,
        attachments: Attachments,
    ) -> None:
        self.state = state
        self.shards = shards
        self.commands = commands
        self.writer = writer
        self.attachments = attachments

    # --- application commands --------------------------------------------------------

    async def slash(
        self,
        member: Member | User,
        channel: Channel,
        command: str,
        values: Mapping[str, Any],
        *,
        force: bool,
        locale: str,
    ) -> InteractionHandle:
        words = command.lstrip("/").split()
        name, path = words[0], words[1:]
        actor = self._actor(member, channel)
        definition = await self._command(name, actor, channel, force)
        resolver = self._resolver(actor)
        if definition.get("options") or not force:
            leaves, nesting = walk_to_subcommand(definition, path)
        else:  # an unregistered command, sent anyway: its path names the sub-commands
            leaves, nesting = [], [(2, w) for w in path[:-1]] + [(1, w) for w in path[-1:]]
        built = build_options(leaves, values, resolver, force=force)
        data = _command_data(definition, wrap_in_subcommands(built, nesting), resolver)
        return await self._send(
            APPLICATION_COMMAND, actor, channel, data, name=" ".join(words), locale=locale
        )

    async def autocomplete(
        self,
        member: Member | User,
        channel: Channel,
        command: str,
        option: str,
        values: Mapping[str, Any],
        *,
        force: bool,
        timeout: float,
    ) -> list[JSON]:
        words = command.lstrip("/").split()
        actor = self._actor(member, channel)
        definition = await self._command(words[0], actor, channel, force)
        resolver = self._resolver(actor)
        leaves, nesting = walk_to_subcommand(definition, words[1:])
        built = build_options(leaves, values, resolver, focused=option, force=force)
        data = _command_data(definition, wrap_in_subcommands(built, nesting), resolver)
        handle = await self._send(AUTOCOMPLETE, actor, channel, data, name=" ".join(words))
        await handle.response(timeout)
        return list(handle.choices or [])

    async def _command(
        self, name: str, actor: Member | User, channel: Channel, force: bool
    ) -> JSON:
        definition = await self.commands.wait_for(name, channel, force)
        if not force:
            check_available(definition, actor, channel)
        return definition

    # --- components and modals -------------------------------------------------------

    async def press_button(
        self, member: Member | User, message: Message | int, custom_id: str, *, force: bool
    ) -> InteractionHandle:
        target = self._message_for_component(message)
        actor = self._actor(member, target.channel)
        component = self._component(target, custom_id, actor, force)
        if component.get("type") != BUTTON and not force:
            raise InvalidInput(f"{custom_id!r} is not a button (type {component.get('type')})")
        if not force and component.get("style") in LINK_BUTTON_STYLES:
            raise InvalidInput(f"button {custom_id!r} is a link button; it sends no interaction")
        data: JSON = {"custom_id": custom_id, "component_type": BUTTON}
        if component.get("id") is not None:
            data["id"] = component["id"]
        return await self._send(
            MESSAGE_COMPONENT, actor, target.channel, data, name=custom_id, source_message=target
        )

    async def select(
        self,
        member: Member | User,
        message: Message | int,
        custom_id: str,
        values: Sequence[Any],
        *,
        force: bool,
    ) -> InteractionHandle:
        target = self._message_for_component(message)
        actor = self._actor(member, target.channel)
        component = self._component(target, custom_id, actor, force)
        if component.get("type") not in SELECT_MENUS:
            raise InvalidInput(f"{custom_id!r} is not a select menu")
        resolver = self._resolver(actor)
        data: JSON = {
            "custom_id": custom_id,
            "component_type": component["type"],
            "values": select_values(component, values, resolver, force=force),
        }
        if component.get("id") is not None:
            data["id"] = component["id"]
        if resolver.resolved:
            data["resolved"] = resolver.resolved
        return await self._send(
            MESSAGE_COMPONENT, actor, target.channel, data, name=custom_id, source_message=target
        )

    async def submit_modal(
        self,
        member: Member | User,
        handle: InteractionHandle,
        values: Mapping[str, Any],
        *,
        force: bool,
        timeout: float,
        custom_id: str | None,
    ) -> InteractionHandle:
        modal = await handle.modal_opened(timeout)
        actor = self._actor(member, handle.channel)
        if actor_user(actor) is not handle.user and not force:
            raise InvalidInput("only the user who opened a modal can submit it")
        if custom_id is not None and not force:
            raise InvalidInput("a modal is submitted under its own custom_id (use force)")
        resolver = self._resolver(actor)
        data: JSON = {
            "custom_id": modal["custom_id"] if custom_id is None else custom_id,
            "components": modal_components(modal, values, resolver, force=force),
        }
        if resolver.resolved:
            data["resolved"] = resolver.resolved
        return await self._send(
            MODAL_SUBMIT,
            actor,
            handle.channel,
            data,
            name=data["custom_id"],
            source_message=handle.source_message,
        )

    def _message_for_component(self, message: Message | int) -> Message:
        found = self.state.messages_by_id.get(message if isinstance(message, int) else message.id)
        if found is None or found.deleted:
            raise InvalidInput(f"message {message!r} does not exist (or was deleted)")
        return found

    def _component(
        self, message: Message, custom_id: str, actor: Member | User, force: bool
    ) -> JSON:
        try:
            component = message.component(custom_id)
        except KeyError:
            raise InvalidInput(
                f"message {message.id} has no component {custom_id!r}; it has "
                f"{message.custom_ids()}"
            ) from None
        if force:
            return component
        if component.get("disabled"):
            raise InvalidInput(f"component {custom_id!r} is disabled")
        if message.ephemeral:
            handle = self.state.interactions.get(message.interaction_id or 0)
            if handle is None or handle.user is not actor_user(actor):
                raise InvalidInput("an ephemeral message is only visible to its user")
        return component

    # --- messages --------------------------------------------------------------------

    async def post_message(
        self,
        author: Member | User,
        channel: Channel,
        content: str,
        *,
        mention_bot: bool,
        reply_to: Message | None,
        attachments: Sequence[Upload],
        embeds: Sequence[JSON],
    ) -> Message:
        self.shards.live_session_for(channel)
        state = self.state
        actor = self._actor(author, channel)
        if mention_bot and not re.search(rf"<@!?{state.bot_user.id}>", content):
            content = f"{state.bot_user.mention} {content}".rstrip()
        message = Message(
            state.snowflake(),
            channel,
            actor_user(actor),
            content=content,
            embeds=list(embeds),
            member=actor if isinstance(actor, Member) else None,
            type=REPLY if reply_to is not None else 0,
            origin="user",
            nonce=str(state.snowflake()),
        )
        if reply_to is not None:
            message.message_reference = reference_to(reply_to)
            message.referenced = reply_to
        message.attachments = [self.attachments.store_upload(u, channel) for u in attachments]
        self.writer.compute_mentions(message, None)
        state.remember(message)
        self.shards.message_event("MESSAGE_CREATE", message)
        await self.shards.flush()
        return message

    # --- sending an interaction ------------------------------------------------------

    def _actor(self, member: Member | User, channel: Channel) -> Member | User:
        """Who acts in ``channel``: the guild's member for a user, the user in a DM."""
        guild = channel.guild
        if guild is None:
            return actor_user(member)
        if isinstance(member, Member):
            if member.guild is not guild:
                raise InvalidInput(f"{member.user.username} is not a member of {guild.name}")
            return member
        found = guild.member(member.id)
        if found is None:
            raise InvalidInput(f"{member.username} is not a member of {guild.name}")
        return found

    def _resolver(self, actor: Member | User) -> Resolver:
        return Resolver(
            store_upload=self.attachments.store_upload,
            permissions_in=_permissions_in,
            actor=actor,
        )

    async def _send(
        self,
        type: int,
        actor: Member | User,
        channel: Channel,
        data: JSON,
        *,
        name: str | None = None,
        source_message: Message | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """INTERACTION_CREATE to the bot; the handle fills in as the bot answers."""
        session = self.shards.live_session_for(channel)
        interaction_id = self.state.snowflake()
        token = "fake-interaction-" + secrets.token_urlsafe(32)
        payload = self._interaction_payload(
            interaction_id, token, type, actor, channel, data, locale
        )
        if source_message is not None:
            payload["message"] = source_message.payload()
        handle = InteractionHandle(
            state=self.state,
            id=interaction_id,
            token=token,
            type=type,
            user=actor_user(actor),
            member=actor if isinstance(actor, Member) else None,
            channel=channel,
            payload=payload,
            name=name,
            source_message=source_message,
            created_at=self.state.loop_time(),
        )
        self.state.interactions[interaction_id] = handle
        self.state.interactions_by_token[token] = handle
        session.dispatch("INTERACTION_CREATE", payload)
        if session.connection is not None:
            await session.connection.drain()
        return handle

    def _interaction_payload(
        self,
        interaction_id: int,
        token: str,
        type: int,
        actor: Member | User,
        channel: Channel,
        data: JSON,
        locale: str,
    ) -> JSON:
        state = self.state
        channel_data = channel.payload()
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(state.application_id),
            "type": type,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "channel": channel_data,
            "channel_id": str(channel.id),
            "entitlements": [],
            "attachment_size_limit": state.settings.attachment_size_limit,
        }
        guild = channel.guild
        if guild is not None:
            assert isinstance(actor, Member)
            channel_data["permissions"] = str(actor.permissions)
            payload.update(
                guild_id=str(guild.id),
                guild=guild.partial_payload(),
                guild_locale=guild.locale,
                member=actor.payload(with_permissions=True),
                app_permissions=str(guild.members[state.bot_user.id].permissions),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=actor_user(actor).payload(),
                app_permissions=str(DM_PERMISSIONS),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        return payload


def _command_data(definition: JSON, options: list[JSON], resolver: Resolver) -> JSON:
    data: JSON = {
        "id": definition["id"],
        "name": definition["name"],
        "type": 1,
        "options": options,
    }
    if resolver.resolved:
        data["resolved"] = resolver.resolved
    if definition.get("guild_id"):
        data["guild_id"] = definition["guild_id"]
    return data


def _permissions_in(actor: Member | User, channel: Channel) -> int:
    """The actor's permissions in ``channel``, as resolved channels carry them."""
    if channel.guild is None:
        return DM_PERMISSIONS
    member = actor if isinstance(actor, Member) else channel.guild.member(actor.id)
    return 0 if member is None else member.permissions
