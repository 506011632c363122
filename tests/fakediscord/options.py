"""Typing a test's plain Python values into interaction data, as Discord's client would.

Slash command options are typed from the command definition the bot registered;
select menu values and modal fields from the component the bot sent. Values a
real user could not enter raise ``InvalidInput`` unless the caller passes
``force=True``, so a test can still prove that the bot refuses them itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import JSON, Channel, Member, Role, User
from .records import StoredAttachment, Upload

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11

OPTION_TYPE_NAMES = {
    STRING: "string",
    INTEGER: "integer",
    BOOLEAN: "boolean",
    USER: "user",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "mentionable",
    NUMBER: "number",
    ATTACHMENT: "attachment",
}


class InvalidInput(ValueError):
    """Input Discord's client would not let a user send (pass force=True to send it anyway)."""


StoreUpload = Callable[[Upload], StoredAttachment]


@dataclass
class Resolver:
    """Builds ``data.resolved`` while values are converted."""

    store_upload: StoreUpload
    permissions_in: Callable[[Member | User, Channel], int]
    actor: Member | User
    resolved: dict[str, dict[str, JSON]] = field(default_factory=dict)

    def add_user(self, value: Member | User) -> str:
        user = value.user if isinstance(value, Member) else value
        self.resolved.setdefault("users", {})[str(user.id)] = user.payload()
        if isinstance(value, Member):
            member = value.payload(with_user=False, with_permissions=True)
            self.resolved.setdefault("members", {})[str(user.id)] = member
        return str(user.id)

    def add_role(self, role: Role) -> str:
        self.resolved.setdefault("roles", {})[str(role.id)] = role.payload()
        return str(role.id)

    def add_channel(self, channel: Channel) -> str:
        data = channel.payload()
        data["permissions"] = str(self.permissions_in(self.actor, channel))
        self.resolved.setdefault("channels", {})[str(channel.id)] = data
        return str(channel.id)

    def add_attachment(self, value: Upload | tuple[Any, ...] | StoredAttachment) -> str:
        if isinstance(value, StoredAttachment):
            stored = value
        else:
            upload = value if isinstance(value, Upload) else Upload(*value)
            stored = self.store_upload(upload)
        self.resolved.setdefault("attachments", {})[str(stored.id)] = stored.payload()
        return str(stored.id)


def walk_to_subcommand(
    command: JSON, path: Sequence[str]
) -> tuple[list[JSON], list[tuple[int, str]]]:
    """The leaf option definitions for ``path`` (sub-command names), and the nesting to wrap."""
    definitions: list[JSON] = command.get("options") or []
    nesting: list[tuple[int, str]] = []
    for name in path:
        found = next(
            (
                o
                for o in definitions
                if o.get("name") == name and o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if found is None:
            raise InvalidInput(f"/{command['name']} has no subcommand or group {name!r}")
        nesting.append((found["type"], name))
        definitions = found.get("options") or []
    if any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in definitions):
        names = [o["name"] for o in definitions]
        raise InvalidInput(f"/{' '.join([command['name'], *path])} needs a subcommand: {names}")
    return definitions, nesting


def wrap_in_subcommands(options: list[JSON], nesting: list[tuple[int, str]]) -> list[JSON]:
    for option_type, name in reversed(nesting):
        options = [{"type": option_type, "name": name, "options": options}]
    return options


def build_options(
    definitions: list[JSON],
    values: Mapping[str, Any],
    resolver: Resolver,
    *,
    focused: str | None = None,
    force: bool = False,
) -> list[JSON]:
    """Options for the given values (focused: the autocompleted option, sent as typed text)."""
    by_name = {d["name"]: d for d in definitions}
    for name in values:
        if name not in by_name and not force:
            raise InvalidInput(f"unknown option {name!r}; the command has {sorted(by_name)}")
    if focused is None and not force:
        missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in values]
        if missing:
            raise InvalidInput(f"required option(s) missing: {missing}")
    options: list[JSON] = []
    for name, value in values.items():
        definition = by_name.get(name) or {"name": name, "type": _guess_type(value)}
        if name == focused:
            if not definition.get("autocomplete") and not force:
                raise InvalidInput(f"option {name!r} has no autocomplete")
            options.append(
                {"name": name, "type": definition["type"], "value": value, "focused": True}
            )
            continue
        converted = convert_option(definition, value, resolver, force=force)
        options.append({"name": name, "type": definition["type"], "value": converted})
    return options


def _guess_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, Member | User):
        return USER
    if isinstance(value, Role):
        return ROLE
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, Upload | tuple | StoredAttachment):
        return ATTACHMENT
    return STRING


# Builds the error for the value being converted, from why it is refused.
Complaint = Callable[[str], InvalidInput]


def convert_option(definition: JSON, value: Any, resolver: Resolver, *, force: bool) -> Any:
    option_type = definition["type"]
    kind = OPTION_TYPE_NAMES.get(option_type, str(option_type))

    def bad(why: str) -> InvalidInput:
        return InvalidInput(f"option {definition['name']!r} ({kind}): {why}, got {value!r}")

    result: Any
    if option_type in (STRING, INTEGER, NUMBER, BOOLEAN):
        result = _plain_value(definition, value, bad, force=force)
    else:
        result = _entity_value(definition, value, resolver, bad, force=force)
    choices = definition.get("choices")
    if choices and not force and result not in [choice["value"] for choice in choices]:
        raise bad(f"not one of the choices {[c['value'] for c in choices]}")
    return result


def _plain_value(definition: JSON, value: Any, bad: Complaint, *, force: bool) -> Any:
    """A string, number or boolean option, within the definition's limits."""
    option_type = definition["type"]
    if option_type == STRING:
        if not isinstance(value, str):
            if not force:
                raise bad("expects a str")
            value = str(value)
        if not force:
            if len(value) < definition.get("min_length", 0):
                raise bad(f"shorter than min_length {definition['min_length']}")
            if len(value) > definition.get("max_length", 6000):
                raise bad(f"longer than max_length {definition.get('max_length', 6000)}")
        return value
    if option_type == BOOLEAN:
        if not isinstance(value, bool) and not force:
            raise bad("expects a bool")
        return value
    ok = isinstance(value, int) if option_type == INTEGER else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        if not force:
            raise bad("expects a number")
    elif not force:
        low, high = definition.get("min_value"), definition.get("max_value")
        if low is not None and value < low:
            raise bad(f"below min_value {low}")
        if high is not None and value > high:
            raise bad(f"above max_value {high}")
    return value


def _entity_value(
    definition: JSON, value: Any, resolver: Resolver, bad: Complaint, *, force: bool
) -> Any:
    """A user, role, channel or attachment option: its id, with the object resolved."""
    option_type = definition["type"]
    if option_type == USER:
        if not isinstance(value, Member | User):
            raise bad("expects a Member or User")
        return resolver.add_user(value)
    if option_type == ROLE:
        if not isinstance(value, Role):
            raise bad("expects a Role")
        return resolver.add_role(value)
    if option_type == MENTIONABLE:
        if isinstance(value, Role):
            return resolver.add_role(value)
        if isinstance(value, Member | User):
            return resolver.add_user(value)
        raise bad("expects a Member, User or Role")
    if option_type == CHANNEL:
        if not isinstance(value, Channel):
            raise bad("expects a Channel")
        allowed = definition.get("channel_types")
        if allowed and value.type not in allowed and not force:
            raise bad(f"channel type {value.type} not in {allowed}")
        return resolver.add_channel(value)
    if option_type == ATTACHMENT:
        if not isinstance(value, Upload | tuple | StoredAttachment):
            raise bad("expects an Upload or a (filename, bytes[, content_type]) tuple")
        return resolver.add_attachment(value)
    return value


def select_values(
    component: JSON, values: Sequence[Any], resolver: Resolver, *, force: bool
) -> list[str]:
    """The ``values`` of a select menu interaction (string values, or ids with resolved data)."""
    component_type = component.get("type")
    custom_id = component.get("custom_id")
    if not force:
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise InvalidInput(f"select {custom_id!r} takes {low}..{high} values, got {values!r}")
        if component.get("disabled"):
            raise InvalidInput(f"select {custom_id!r} is disabled")
    result: list[str] = []
    for value in values:
        if component_type == 3:
            offered = [option["value"] for option in component.get("options") or []]
            if value not in offered and not force:
                raise InvalidInput(f"{value!r} is not an option of select {custom_id!r}: {offered}")
            result.append(str(value))
        elif isinstance(value, Role) and component_type in (6, 7):
            result.append(resolver.add_role(value))
        elif isinstance(value, Member | User) and component_type in (5, 7):
            result.append(resolver.add_user(value))
        elif isinstance(value, Channel) and component_type == 8:
            result.append(resolver.add_channel(value))
        elif force:
            result.append(str(value))
        else:
            raise InvalidInput(
                f"{value!r} does not fit select {custom_id!r} (type {component_type})"
            )
    return result


def modal_components(
    modal: JSON, values: Mapping[str, Any], resolver: Resolver, *, force: bool
) -> list[JSON]:
    """The submitted ``components`` of a modal, mirroring its rows and labels."""
    unknown = set(values) - _modal_custom_ids(modal.get("components") or [])
    if unknown and not force:
        raise InvalidInput(f"modal {modal.get('custom_id')!r} has no field(s) {sorted(unknown)}")
    return [
        submitted
        for component in modal.get("components") or []
        if (submitted := _submit_component(component, values, resolver, force=force)) is not None
    ]


def _modal_custom_ids(components: list[JSON]) -> set[str]:
    found: set[str] = set()
    for component in components:
        if "custom_id" in component:
            found.add(component["custom_id"])
        found |= _modal_custom_ids(list(component.get("components") or []))
        if isinstance(component.get("component"), dict):
            found |= _modal_custom_ids([component["component"]])
    return found


def _submit_component(
    component: JSON, values: Mapping[str, Any], resolver: Resolver, *, force: bool
) -> JSON | None:
    component_type = component.get("type")
    if component_type == 1:  # action row
        children = [
            submitted
            for child in component.get("components") or []
            if (submitted := _submit_component(child, values, resolver, force=force)) is not None
        ]
        return {"type": 1, "components": children}
    if component_type == 18:  # label
        inner = _submit_component(component["component"], values, resolver, force=force)
        return (
            None if inner is None else {"type": 18, "id": component.get("id"), "component": inner}
        )
    custom_id = component.get("custom_id")
    if custom_id is None:
        return None  # text display and the like
    base: JSON = {"type": component_type, "custom_id": custom_id}
    if component.get("id") is not None:
        base["id"] = component["id"]
    given = values.get(custom_id)
    if component_type == 4:  # text input
        text = (component.get("value") or "") if given is None else str(given)
        if not force:
            required = component.get("required", True)
            if required and not text:
                raise InvalidInput(f"modal field {custom_id!r} is required")
            if text and len(text) < component.get("min_length", 0):
                raise InvalidInput(f"modal field {custom_id!r} is shorter than its min_length")
            if len(text) > component.get("max_length", 4000):
                raise InvalidInput(f"modal field {custom_id!r} is longer than its max_length")
        base["value"] = text
    elif component_type in (3, 5, 6, 7, 8):
        base["values"] = select_values(component, list(given or []), resolver, force=force)
    elif component_type == 19:  # file upload
        base["values"] = [resolver.add_attachment(item) for item in given or []]
    elif component_type == 21:  # radio group
        base["value"] = given
    elif component_type == 22:  # checkbox group
        base["values"] = list(given or [])
    elif component_type == 23:  # checkbox
        base["value"] = bool(given)
    else:
        base["value"] = given
    return base
