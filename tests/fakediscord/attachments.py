"""Files the fake holds: what the bot uploads with its messages and what test users attach.

Each is stored once and served at its ``url`` (GET /attachments/...), as Discord's CDN would.
"""

from __future__ import annotations

from .models import JSON, Channel
from .records import StoredAttachment, Upload, UploadedFile, guess_content_type
from .state import DiscordState
from .validation import INVALID_FORM_BODY, DiscordAPIError, FormErrors

MAX_ATTACHMENTS = 10


class Attachments:
    def __init__(self, state: DiscordState) -> None:
        self.state = state

    def for_message(
        self,
        channel: Channel,
        payload: JSON,
        files: list[UploadedFile],
        existing: list[StoredAttachment],
        *,
        ephemeral: bool,
    ) -> list[StoredAttachment]:
        """A message's attachments after a create or edit with ``payload`` and ``files``.

        Without ``attachments`` in the payload the message keeps ``existing`` and
        adds every file; with it, the list names which to keep and describes the
        new files by their ``files[N]`` index.
        """
        if sum(len(f.data) for f in files) > self.state.settings.attachment_size_limit:
            raise DiscordAPIError(413, 40005, "Request entity too large")
        described = payload.get("attachments")
        used: set[int] = set()
        if described is None:
            result = list(existing)
        else:
            result = self._described(channel, described, files, existing, used, ephemeral)
        for upload in files:
            if upload.index not in used:
                result.append(
                    self.store(
                        channel,
                        upload.filename,
                        upload.data,
                        upload.content_type,
                        ephemeral=ephemeral,
                    )
                )
        if len(result) > MAX_ATTACHMENTS:
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body")
        return result

    def _described(
        self,
        channel: Channel,
        described: list[JSON],
        files: list[UploadedFile],
        existing: list[StoredAttachment],
        used: set[int],
        ephemeral: bool,
    ) -> list[StoredAttachment]:
        """The attachments a payload's ``attachments`` list names; adds the file indexes
        it used to ``used``."""
        uploads = {f.index: f for f in files if f.index is not None}
        by_id = {str(a.id): a for a in existing}
        errors = FormErrors()
        result: list[StoredAttachment] = []
        for i, item in enumerate(described):
            key = str(item.get("id"))
            if key in by_id:
                result.append(by_id[key])
            elif key.isdigit() and int(key) in uploads:
                upload = uploads[int(key)]
                used.add(int(key))
                result.append(
                    self.store(
                        channel,
                        item.get("filename") or upload.filename,
                        upload.data,
                        upload.content_type,
                        description=item.get("description"),
                        ephemeral=ephemeral,
                    )
                )
            else:
                errors.add(f"attachments.{i}.id", "ATTACHMENT_NOT_FOUND", "Unknown attachment")
        errors.raise_if_any()
        return result

    def store(
        self,
        channel: Channel,
        filename: str,
        data: bytes,
        content_type: str | None,
        *,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> StoredAttachment:
        attachment_id = self.state.snowflake()
        if content_type in (None, "application/octet-stream"):
            content_type = guess_content_type(filename) or content_type
        base_url = self.state.settings.base_url
        attachment = StoredAttachment(
            id=attachment_id,
            filename=filename,
            data=data,
            url=f"{base_url}/attachments/{channel.id}/{attachment_id}/{filename}",
            content_type=content_type,
            description=description,
            ephemeral=ephemeral,
        )
        self.state.attachments[attachment_id] = attachment
        return attachment

    def store_upload(self, upload: Upload, channel: Channel | None = None) -> StoredAttachment:
        """A test user's file: in ``channel`` for a message, else an option's ephemeral upload."""
        return self.store(
            channel or Channel(0, "uploads"),
            upload.filename,
            upload.data,
            upload.content_type,
            ephemeral=channel is None,
        )
