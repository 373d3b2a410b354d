"""The widget script and the demo page, served by the Rasa server itself.

`/webchat/widget.js` is one file a page embeds with one `<script>` tag: the vendored Socket.IO
browser client, the widget's CSS and the widget, joined when the server starts. The Socket.IO
client runs inside the bundle's own function scope, so it neither sets nor reads the page's
`window.io` and an AMD loader on the page (RequireJS) cannot capture it. The sources stay plain
files under `channels/static/`, edited and reviewed as they are; there is no build step.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Tuple

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import raw as raw_response

STATIC_DIR = Path(__file__).resolve().parent / "static"
WIDGET_PATH = "/webchat/widget.js"
DEMO_PATH = "/demo"
WIDGET_SOURCES = ("widget_render.js", "widget.js")  # joined in this order into the one script

_BUNDLE_HEAD = """/*! Support chat widget. Served by the assistant's server at {path}.
 * Includes the Socket.IO client (MIT License, see channels/static/vendor/socket.io-client.LICENSE). */
(function () {{
var module = {{ exports: {{}} }}, exports = module.exports, define = undefined;
"""
_BUNDLE_MIDDLE = """
var io = module.exports;
module = exports = undefined;
var WIDGET_CSS = {css};
"""
_BUNDLE_TAIL = "\n})();\n"


@lru_cache(maxsize=1)
def widget_bundle() -> Tuple[bytes, str]:
    """The bundled script and its ETag (read once per process)."""
    client = (STATIC_DIR / "vendor" / "socket.io.min.js").read_text(encoding="utf-8")
    client = client.replace("//# sourceMappingURL=socket.io.min.js.map", "")  # the map is not served
    css = (STATIC_DIR / "widget.css").read_text(encoding="utf-8")
    widget = "".join((STATIC_DIR / name).read_text(encoding="utf-8") for name in WIDGET_SOURCES)
    # json.dumps gives a valid JS string literal; "</" is escaped so the bundle could even be inlined.
    css_literal = json.dumps(css).replace("</", "<\\/")
    body = (
        _BUNDLE_HEAD.format(path=WIDGET_PATH) + client + _BUNDLE_MIDDLE.format(css=css_literal) + widget + _BUNDLE_TAIL
    ).encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _cached(request: Request, body: bytes, etag: str, content_type: str) -> HTTPResponse:
    # no-cache = "revalidate every time": a new widget version is picked up on the next page view,
    # and an unchanged one costs a 304.
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return HTTPResponse(status=304, headers=headers)
    return raw_response(body, content_type=content_type, headers=headers)


def register_routes(app: Sanic, demo_page: bool) -> None:
    async def widget_script(request: Request) -> HTTPResponse:
        body, etag = widget_bundle()
        return _cached(request, body, etag, "application/javascript; charset=utf-8")

    app.add_route(widget_script, WIDGET_PATH, methods=["GET"], name="webchat_widget_js")

    if demo_page:

        async def demo(request: Request) -> HTTPResponse:
            body = (STATIC_DIR / "demo.html").read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            return _cached(request, body, etag, "text/html; charset=utf-8")

        app.add_route(demo, DEMO_PATH, methods=["GET"], name="webchat_demo")
