"""The REST channel (`POST /webhooks/rest/webhook`), Rasa's request and response shapes, made safe
to leave on.

- **Its own conversations only.** The client's `sender` names a conversation inside this
  channel: the server prefixes it (`rest:<sender>`), so a REST client can never reach a widget,
  Slack or Telegram conversation, whatever it sends. A client's `input_channel` is ignored.
- **Nothing the client says about itself is trusted.** `metadata` is kept as display-only data
  under `metadata.rest.client`; a `customer` name or email in it is shown to agents as given by
  the client, never as verified (an email is verified only by an order lookup the assistant checks).
- **Bearer token** when REST_TOKEN is set; REST_ENABLED=false removes the channel.
- Bad requests get a JSON error: 400 malformed, 401 token, 413 too long, 429 too fast (with
  `Retry-After`). Replies carry `recipient_id` as the client sent it.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.intake import Intake
from bot.storage import RETRY_AFTER_SECONDS, storage_outage
from bot.web.proxy import client_address
from channels.common import customer_metadata

logger = logging.getLogger(__name__)

CHANNEL_NAME = "rest"
PREFIX = "rest:"
MAX_SENDER_CHARS = 128
MAX_CLIENT_METADATA_BYTES = 4096
FAILED = "Sorry, something went wrong on our side and I couldn't answer. Please try again in a moment."


def sender_id_for(sender: str) -> str:
    return PREFIX + sender


def client_sender(sender_id: str) -> str:
    return sender_id[len(PREFIX) :] if sender_id.startswith(PREFIX) else sender_id


def _valid_sender(value: Any) -> Optional[str]:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    sender = str(value)
    if not 0 < len(sender) <= MAX_SENDER_CHARS or not sender.isprintable() or any(c.isspace() for c in sender):
        return None
    return sender


def parse_body(raw: bytes) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """(body, None) for a usable request body, else (None, why)."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return None, "The body must be JSON."
    if not isinstance(body, dict):
        return None, "The body must be a JSON object."
    if not isinstance(body.get("message"), str):
        return None, 'The body needs a "message" string.'
    if _valid_sender(body.get("sender")) is None:
        return None, f'The body needs a "sender": 1 to {MAX_SENDER_CHARS} characters, no spaces or control characters.'
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return None, 'The "metadata" must be a JSON object.'
    return body, None


def _short(value: Any, limit: int) -> Optional[str]:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def message_metadata(
    sender: str, client: Optional[Dict[str, Any]], address_key: Optional[str] = None
) -> Dict[str, Any]:
    """The channel's metadata: an unverified customer block and the client's own, display-only."""
    client = client or {}
    claimed = client.get("customer") if isinstance(client.get("customer"), dict) else {}
    kept: Dict[str, Any] = {}
    encoded = json.dumps(client, default=str)
    if client and len(encoded.encode()) <= MAX_CLIENT_METADATA_BYTES:
        kept = {"client": json.loads(encoded)}
    metadata = customer_metadata(
        CHANNEL_NAME,
        sender,
        _short(claimed.get("name"), 200),
        _short(claimed.get("email"), 320),
        platform=kept,
        email_verified=False,
    )
    if address_key:
        metadata["customer"]["address_key"] = address_key
    return metadata


def _error(status: int, message: str, **extra: Any) -> HTTPResponse:
    headers = extra.pop("headers", None)
    return json_response({"error": message, **extra}, status=status, headers=headers)


class RestInput(InputChannel):
    def __init__(self, intake: Intake, token: Optional[str] = None, trusted_proxies: Tuple[str, ...] = ()) -> None:
        self.intake = intake
        self.token = token
        self.trusted_proxies = trusted_proxies

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """For plain `rasa run` with `channels.rest.RestInput:` in credentials.yml (settings from
        the environment, as for `python -m bot run`; the server-wide guards are only in the latter)."""
        from bot.settings import load

        security = load().security
        return cls(Intake(security), security.rest_token, security.trusted_proxies)

    def _authorised(self, request: Request) -> bool:
        if not self.token:
            return True
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return json_response({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return _error(401, "A valid REST token is required.", headers={"WWW-Authenticate": "Bearer"})
            body, problem = parse_body(request.body)
            if body is None:
                return _error(400, problem or "Bad request.")
            sender = _valid_sender(body["sender"]) or ""
            sender_id = sender_id_for(sender)
            text = body["message"]
            address = client_address(request.ip, request.headers, self.trusted_proxies)
            refusal = self.intake.check(text, sender_id, address)
            if refusal is not None:
                logger.warning("rest: refused a message for %s (%s)", sender_id, refusal.code)
                headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
                return json_response(refusal.as_dict(), status=refusal.status, headers=headers)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender_id,
                input_channel=CHANNEL_NAME,
                metadata=message_metadata(sender, body.get("metadata"), self.intake.address_key(address)),
            )
            try:
                await on_new_message(message)
            except Exception as err:  # noqa: BLE001 - the boundary: logged, the client gets a clean answer
                outage = storage_outage(err)
                if outage is not None:
                    # The turn was not saved (replies collected before a failed save included):
                    # the client sends the same message again and gets them then.
                    # The fault's kind only: its text may carry SQL and what the customer wrote.
                    logger.error("rest: storage unavailable for %s (%s)", sender_id, type(outage).__name__)
                    return _error(
                        503, FAILED, code="temporarily_unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
                    )
                logger.exception("rest: the assistant failed on a message of %s", sender_id)
                if not collector.messages:
                    collector.messages.append({"recipient_id": sender_id, "text": FAILED})
            return json_response(_for_client(collector.messages, sender))

        return bp


def _for_client(messages: List[Dict[str, Any]], sender: str) -> List[Dict[str, Any]]:
    return [{**m, "recipient_id": sender} if "recipient_id" in m else m for m in messages]
