"""The action server process: rasa-sdk's app serving the `actions` package.

Bound to 127.0.0.1: only the Rasa server talks to it, and it must show the shared
ACTION_SERVER_TOKEN (`Authorization: Bearer`), so another program or user on the same machine
cannot run actions (look up orders, open tickets) by posting to it. `/health` stays open: it
tells nothing but "running".
"""

from __future__ import annotations

import hmac
import logging

from rasa_sdk.endpoint import create_app
from sanic.request import Request
from sanic.response import json as json_response

from bot.settings import Settings
from bot.store.db import create_schema

logger = logging.getLogger(__name__)

OPEN_PATHS = {"/health"}


def require_token(app, token: str) -> None:  # noqa: ANN001 - rasa-sdk's Sanic app
    expected = f"Bearer {token}".encode()

    @app.on_request
    async def _token(request: Request):  # noqa: ANN202
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get("authorization") or "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("action server: refused a request without the right token from %s", request.ip)
            return json_response({"error": "This action server only answers its Rasa server."}, status=401)
        return None


def serve(settings: Settings, token: str) -> None:
    """On ACTIONS_HOST (127.0.0.1 by default; 0.0.0.0 in a container of its own, where the Rasa
    servers run in others): it refuses every request without the Rasa server's token either way."""
    host = settings.actions_host
    create_schema()
    app = create_app("actions")
    app.config.REQUEST_MAX_SIZE = 16 * 1024 * 1024  # a tracker with a long history, not 100 MB
    require_token(app, token)
    logger.info("Action server listening on http://%s:%s", host, settings.actions_port)
    app.run(host=host, port=settings.actions_port, workers=1, access_log=False, motd=False)
