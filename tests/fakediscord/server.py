"""The HTTP side: one aiohttp server on 127.0.0.1 for the gateway, the REST API and files.

Every request is recorded (``RecordedRequest``) before it is answered: a
websocket upgrade on ``/`` goes to the gateway, ``/api/v10/...`` to the REST
routes, ``GET /attachments/...`` to the stored files; anything else is
answered 404 and kept as an unhandled request.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from .records import RecordedRequest, UploadedFile
from .rest import RestAPI
from .shards import Shards
from .state import API_PREFIX, DiscordState
from .validation import DiscordAPIError

_log = logging.getLogger(__name__)

MAX_REQUEST_SIZE = 64 * 1024 * 1024


class HttpServer:
    def __init__(self, state: DiscordState, shards: Shards, rest: RestAPI) -> None:
        self.state = state
        self.settings = state.settings
        self.shards = shards
        self.rest = rest
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on the configured host and port (a free one for port 0)."""
        app = web.Application(client_max_size=MAX_REQUEST_SIZE)
        app.router.add_route("*", "/{tail:.*}", self._on_request)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.host, self.settings.port)
        await site.start()
        self._runner = runner
        self.settings.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_request(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/" and request.headers.get("Upgrade", "").lower() == "websocket":
            return await self.shards.accept(request)
        record = await self._record(request)
        status: int = 404
        body: Any = {"message": "Unknown", "code": 0}
        try:
            if request.path.startswith(API_PREFIX + "/"):
                status, body = await self._api(record)
            elif request.method == "GET" and request.path.startswith("/attachments/"):
                return self._attachment_response(record)
            else:
                record.handled = False
        except DiscordAPIError as error:
            status, body = error.status, error.body()
        except Exception as error:  # a bug in the fake: fail loudly, and not with a 5xx
            _log.exception("fakediscord: %s %s crashed", record.method, record.path)
            status, body = 400, {"message": f"fakediscord crashed: {error!r}", "code": 0}
        if not record.handled:
            _log.warning("fakediscord: no endpoint for %s %s", record.method, record.raw_path)
        record.status, record.response = status, body
        self.state.notify()
        if body is None and status < 300:
            return web.Response(status=204)
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )

    async def _api(self, record: RecordedRequest) -> tuple[int, Any]:
        found = self.rest.match(record.method, record.path)
        if found is None:
            record.handled = False
            return 404, {"message": "Unknown", "code": 0}
        route, args = found
        if route.auth and record.headers.get("Authorization") != f"Bot {self.settings.token}":
            return 401, {"message": "401: Unauthorized", "code": 0}
        result = await route.handler(record, args)
        return (200 if result is not None else 204), result

    def _attachment_response(self, record: RecordedRequest) -> web.Response:
        """GET /attachments/{channel_id}/{attachment_id}/{filename}."""
        parts = record.raw_path.split("/")
        attachment = None
        if len(parts) >= 4 and parts[3].isdigit():
            attachment = self.state.attachments.get(int(parts[3]))
        if attachment is None:
            record.status = 404
            return web.Response(status=404, text="Not Found")
        record.status = 200
        self.state.notify()
        return web.Response(
            body=attachment.data,
            headers={"Content-Type": attachment.content_type or "application/octet-stream"},
        )

    async def _record(self, request: web.Request) -> RecordedRequest:
        raw_path = request.path
        path = raw_path[len(API_PREFIX) :] if raw_path.startswith(API_PREFIX + "/") else raw_path
        body: Any = None
        files: list[UploadedFile] = []
        multipart = request.content_type.startswith("multipart/")
        if multipart:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files.append(
                        UploadedFile(name, value.filename, value.content_type, value.file.read())
                    )
                elif name == "payload_json":
                    body = json.loads(str(value))
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
        record = RecordedRequest(
            index=len(self.state.requests),
            method=request.method,
            path=path,
            raw_path=raw_path,
            query=dict(request.query),
            headers=CIMultiDict(request.headers),
            json=body,
            files=files,
            multipart=multipart,
        )
        self.state.requests.append(record)
        return record
