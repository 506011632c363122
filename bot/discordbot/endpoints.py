"""Where discord.py sends its REST calls and opens its gateway websocket.

Discord's own endpoints are the default. A REST proxy, a gateway proxy or a
local stand-in for Discord (the end-to-end tests use one) is selected with the
settings ``DISCORD_API_BASE`` (e.g. ``http://127.0.0.1:8080/api/v10``) and
``DISCORD_GATEWAY_URL`` (e.g. ``ws://127.0.0.1:8080/``).
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl


def point_at(api_base: str | None, gateway_url: str | None) -> None:
    """Redirect discord.py's REST base and default gateway URL; None keeps the current one.

    ``api_base`` replaces ``discord.http.Route.BASE``, which every REST route uses,
    the interaction webhooks included. ``gateway_url`` replaces
    ``DiscordWebSocket.DEFAULT_GATEWAY``, where a non-sharded client connects
    without asking Discord first. Both are process-wide.
    """
    if api_base is not None:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
