"""What the Rasa server checks on every HTTP request, before any route runs.

- **Host**: only the names in ALLOWED_HOSTS (default: PUBLIC_URL's host, plus localhost names when
  that is local) are answered, so a DNS-rebinding page cannot talk to a server on its visitor's
  machine (400 otherwise).
- **Body size**: Sanic refuses bodies over MAX_BODY_BYTES with 413 (its default is 100 MB).
- **Rasa's HTTP API** (`/conversations`, `/model`, `/domain`, `/status`) needs RASA_API_TOKEN as
  `?token=` or `Authorization: Bearer`, from any address (401 otherwise); `/model/parse` gets the
  same text checks as a customer message.
- **Errors**: every error is a JSON body with a clear message and the right status; an
  unexpected exception is logged and answered with a plain 500, never a traceback.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import List, Optional, Union

from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from bot.settings import Settings

logger = logging.getLogger(__name__)

API_PREFIXES = ("/conversations", "/model", "/domain", "/status")
PARSE_PATH = "/model/parse"


def error(status: int, message: str, retry_after: Optional[int] = None, **extra: object) -> HTTPResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    body = {"error": message, **extra}
    if retry_after:
        body["retry_after"] = retry_after
    return json_response(body, status=status, headers=headers)


def api_token_given(request: Request) -> Optional[str]:
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("token")


def _token_ok(given: Optional[str], expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def parse_body_error(raw: bytes, max_chars: int) -> Optional[HTTPResponse]:
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return error(400, "The body must be JSON.")
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return error(400, 'The body must be a JSON object with a "text" string.')
    if len(body["text"]) > max_chars:
        return error(413, f"The text is longer than {max_chars} characters.")
    return None


def cors_origins(settings: Settings) -> Union[str, List[str]]:
    """CORS for the configured widget origins only ("" = none: the demo page is same-origin)."""
    origins = settings.webchat.cors_origins
    return [o for o in origins if o != "*"] if isinstance(origins, (list, tuple)) else ""


def install(app: Sanic, settings: Settings, api_token: str) -> None:
    security = settings.security
    app.config.REQUEST_MAX_SIZE = security.max_body_bytes
    allowed_hosts = set(settings.allowed_hosts)

    @app.on_request
    async def _guard(request: Request):  # noqa: ANN202 - a response, or None to go on
        host = (request.headers.get("host") or "").strip().lower()
        if host not in allowed_hosts:
            logger.warning("refused a request for host %r (ALLOWED_HOSTS / PUBLIC_URL)", host[:100])
            return error(400, "This server does not answer to that host name.")
        if request.path.startswith(API_PREFIXES):
            given = api_token_given(request)
            if not _token_ok(given, api_token):
                return error(401, "The HTTP API needs the RASA_API_TOKEN (?token=... or Authorization: Bearer).")
            if given and "token" not in request.args:
                # Rasa's own check reads ?token=: a bearer token is accepted as if it were given so.
                request.args["token"] = [given]
            if request.path == PARSE_PATH and request.method == "POST":
                return parse_body_error(request.body, security.max_message_chars)
        return None

    async def _errors(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):
            status = getattr(exception, "status_code", 500) or 500
            message = {413: f"The request body is larger than {security.max_body_bytes} bytes."}.get(status)
            headers = getattr(exception, "headers", None) or {}
            response = error(status, message or (str(exception) if status < 500 else "Internal error."))
            response.headers.update(headers)
            return response
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error(500, "Internal error.")

    app.error_handler.add(Exception, _errors)

    @app.on_response
    async def _headers(request: Request, response: HTTPResponse) -> None:
        # Rasa configures sanic-cors with credentials allowed; nothing cross-origin may use
        # cookies here (the desk is same-origin, the widget sends none).
        response.headers.pop("access-control-allow-credentials", None)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
