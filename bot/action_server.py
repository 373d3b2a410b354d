"""The action server process: rasa-sdk's app serving the `actions` package.

Bound to 127.0.0.1 by default: only the Rasa server talks to it.
"""

from __future__ import annotations

import logging

from rasa_sdk.endpoint import create_app

from bot.settings import Settings
from bot.store.db import create_schema

logger = logging.getLogger(__name__)


def serve(settings: Settings, host: str = "127.0.0.1") -> None:
    create_schema()
    app = create_app("actions")
    logger.info("Action server listening on http://%s:%s", host, settings.actions_port)
    app.run(host=host, port=settings.actions_port, workers=1, access_log=False, motd=False)
