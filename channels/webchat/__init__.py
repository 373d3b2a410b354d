"""The website chat widget channel: Socket.IO on the Rasa server's own port.

Speaks the protocol of Rasa's `socketio` channel (`session_request` → `session_confirm`,
`user_uttered` → `bot_uttered`), so rasa-webchat and similar clients work too, and adds what our
widget needs to survive reloads and dropped connections:

- the session id the browser keeps is the Rasa sender id, and a socket joins the session's room
  (awaited: Rasa 3.6's own channel forgets to, and with python-socketio 5.x its replies are lost);
- on `session_request` the server sends a `history` event restored from the tracker store; a
  client reconnecting passes `since` (the newest server timestamp it has) and gets what it missed;
- `team_status` tells the widget's header whether a person could answer now (on joining, and on
  `status_request`);
- `typing` events bracket the assistant's work, `user_message` echoes a customer's message to every
  tab of the session, and each `bot_uttered` payload carries `metadata: {id, ts[, agent]}` (inside
  the one argument Rasa's protocol has, so clients written for it keep working).

- `messages.py`: sessions, metadata, history and payload shapes; no I/O.
- `transport.py`: the Socket.IO server on Sanic (engine.io polling and WebSocket, Redis manager).
- `input.py`: connections and customer messages in, to the assistant.
- `output.py`: the assistant's messages out (also the handoff's `Outbound`).
- `push.py`: reaching a session from another process, through Redis (SOCKETIO_REDIS_URL).
- `static_files.py` and `static/`: the embeddable widget script (`widget_render.js`, what a message
  looks like, joined before `widget.js`) and the demo page.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional

from bot.intake import Intake
from bot.settings import Settings, WebchatConfig
from channels.webchat.input import WebchatInput, own_origins
from channels.webchat.output import WebchatOutput

__all__ = ["WebchatConfig", "WebchatInput", "WebchatOutput", "build", "own_origins"]


def build(
    settings: Settings, intake: Intake, team_status: Optional[Callable[[], Awaitable[Dict[str, Any]]]] = None
) -> Optional[WebchatInput]:
    """On by default: the widget needs no credentials. WEBCHAT_ENABLED=false turns it off.
    `team_status`: whether a person could answer now (the widget's header), from the root."""
    if not settings.webchat.enabled:
        return None
    return WebchatInput(
        settings.webchat,
        intake,
        support_email=settings.support_email,
        own_origins=own_origins(settings),
        trusted_proxies=settings.security.trusted_proxies,
        team_status=team_status,
    )
