"""Discord's limits on what a bot sends, answered the way Discord answers (HTTP 400, code 50035).

Only the limits a bot is likely to hit are checked; they are the documented ones.
"""

from __future__ import annotations

from typing import Any

from .models import JSON
from .records import walk_components


class DiscordAPIError(Exception):
    """An error answer: HTTP status plus Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message} {errors or ''}".strip())
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(what: str, code: int) -> DiscordAPIError:
    return DiscordAPIError(404, code, f"Unknown {what}")


UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
EMPTY_MESSAGE = 50006
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035


class FormErrors:
    """Collects field errors into Discord's nested ``errors`` object."""

    def __init__(self) -> None:
        self.errors: JSON = {}

    def add(self, path: str, code: str, message: str) -> None:
        node = self.errors
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: str, value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: str, value: Any) -> None:
        if value is None or value == "":
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def raise_if_any(self) -> None:
        if self.errors:
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body", self.errors)


def check_message(
    payload: JSON, *, new_files: int, keeps_attachments: bool, creating: bool
) -> None:
    """Limits of a message create or edit body; ``creating`` also rejects an empty message."""
    errors = FormErrors()
    errors.max_length("content", payload.get("content"), 2000)
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        errors.add("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        total += _check_embed(errors, f"embeds.{i}", embed)
    if total > 6000:
        errors.add("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    _check_components(errors, payload.get("components") or [], payload.get("flags") or 0)
    errors.raise_if_any()
    if creating:
        has_content = bool(payload.get("content"))
        has_other = bool(
            embeds
            or payload.get("components")
            or payload.get("sticker_ids")
            or payload.get("poll")
            or new_files
            or keeps_attachments
        )
        if not (has_content or has_other):
            raise DiscordAPIError(400, EMPTY_MESSAGE, "Cannot send an empty message")


def _check_embed(errors: FormErrors, path: str, embed: JSON) -> int:
    size = 0
    for key, limit in (("title", 256), ("description", 4096)):
        value = embed.get(key)
        errors.max_length(f"{path}.{key}", value, limit)
        size += len(value or "")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        errors.add(f"{path}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for j, fld in enumerate(fields):
        errors.required(f"{path}.fields.{j}.name", fld.get("name"))
        errors.required(f"{path}.fields.{j}.value", fld.get("value"))
        errors.max_length(f"{path}.fields.{j}.name", fld.get("name"), 256)
        errors.max_length(f"{path}.fields.{j}.value", fld.get("value"), 1024)
        size += len(fld.get("name") or "") + len(fld.get("value") or "")
    footer = (embed.get("footer") or {}).get("text")
    errors.max_length(f"{path}.footer.text", footer, 2048)
    author = (embed.get("author") or {}).get("name")
    errors.max_length(f"{path}.author.name", author, 256)
    return size + len(footer or "") + len(author or "")


def _check_components(errors: FormErrors, components: list[JSON], flags: int) -> None:
    v2 = bool(flags & (1 << 15))
    if not v2 and len(components) > 5:
        errors.add("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(components):
        if not v2 and row.get("type") != 1:
            errors.add(f"components.{i}.type", "UNION_TYPE_CHOICES", "Value must be an action row")
        children = row.get("components") or []
        if row.get("type") == 1 and not 1 <= len(children) <= 5:
            errors.add(f"components.{i}.components", "BASE_TYPE_BAD_LENGTH", "Must be 1 to 5")
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        if custom_id is not None:
            errors.max_length("components.custom_id", custom_id, 100)
            if custom_id in seen:
                errors.add(
                    "components.custom_id",
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)
        if component.get("type") == 2:
            errors.max_length("components.label", component.get("label"), 80)
            if component.get("style") == 5 and not component.get("url"):
                errors.add("components.url", "BASE_TYPE_REQUIRED", "Link buttons need a url")
            if component.get("style") not in (5, 6) and custom_id is None:
                errors.add("components.custom_id", "BASE_TYPE_REQUIRED", "This field is required")


def check_choices(data: JSON) -> None:
    errors = FormErrors()
    choices = data.get("choices")
    if choices is None:
        errors.add("data.choices", "BASE_TYPE_REQUIRED", "This field is required")
        choices = []
    if len(choices) > 25:
        errors.add("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors.add(f"data.choices.{i}.name", "BASE_TYPE_BAD_LENGTH", "Must be 1 to 100")
        value = choice.get("value")
        if isinstance(value, str):
            errors.max_length(f"data.choices.{i}.value", value, 100)
    errors.raise_if_any()


def check_modal(data: JSON) -> None:
    errors = FormErrors()
    title = data.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= 45:
        errors.add("data.title", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length.")
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= 100:
        errors.add("data.custom_id", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100.")
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors.add("data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    for component in walk_components(components):
        if component.get("type") == 4:
            errors.max_length("data.components.label", component.get("label"), 45)
            errors.max_length("data.components.value", component.get("value"), 4000)
            errors.max_length("data.components.placeholder", component.get("placeholder"), 100)
            errors.required("data.components.custom_id", component.get("custom_id"))
    errors.raise_if_any()
