"""The server and the machine (docs/SECURITY.md, cases 9 to 12): Rasa's HTTP API needs a token
(generated on first run), CORS and Host are the configured ones only, the action server answers
only its Rasa server, desk changes need the desk's own origin and CSRF token, and what the
assistant writes to disk is private."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.desk import auth
from tests.conftest import free_port
from tests.handoff.desk_client import Desk
from tests.security.support import PASSWORD, is_clean_json_error, say
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    env = {"WEBCHAT_CORS_ORIGINS": "https://shop.example.com"}
    with running_assistant(tmp_path_factory.mktemp("server"), model_path, env) as stack:
        yield stack


# ---- Rasa's HTTP API, CORS, Host -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/status", "/domain", "/conversations/rest:x/tracker", "/model/parse"])
def test_the_http_api_needs_the_token(assistant, path):
    method = "POST" if path == "/model/parse" else "GET"
    options = {"json": {"text": "hi"}, "headers": {"Accept": "application/json"}, "timeout": 30}
    assert is_clean_json_error(httpx.request(method, f"{assistant.rasa_url}{path}", **options), 401)
    assert httpx.request(method, f"{assistant.rasa_url}{path}?token=wrong", **options).status_code == 401
    assert httpx.request(method, assistant.api_url(path), **options).status_code == 200


def test_no_cross_origin_access_except_the_configured_widget_origin(assistant):
    evil = {"Origin": "http://evil.example"}
    for path in ("/conversations/rest:x/tracker", "/webhooks/rest/webhook", "/desk/api/me", "/status"):
        for response in (
            httpx.get(assistant.api_url(path), headers=evil),
            httpx.options(f"{assistant.rasa_url}{path}", headers={**evil, "Access-Control-Request-Method": "POST"}),
        ):
            assert "access-control-allow-origin" not in response.headers, path
            assert "access-control-allow-credentials" not in response.headers, path
    shop = httpx.options(
        f"{assistant.rasa_url}/webhooks/rest/webhook",
        headers={"Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert shop.headers.get("access-control-allow-origin") == "https://shop.example.com"
    assert "access-control-allow-credentials" not in shop.headers


def test_requests_for_a_foreign_host_are_refused(assistant):
    """A DNS-rebinding page reaches the server under its own host name: refused."""
    for host in ("evil.example", f"evil.example:{assistant.settings.port}", ""):
        response = httpx.get(assistant.api_url("/status"), headers={"Host": host})
        assert is_clean_json_error(response, 400), host
    assert httpx.get(assistant.api_url("/status"), headers={"Host": f"localhost:{assistant.settings.port}"}).is_success


# ---- the action server -----------------------------------------------------------------------


def _listening_addresses(port: int) -> set:
    """Local addresses with a listening TCP socket on `port` (/proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_action_server_answers_only_its_rasa_server(assistant):
    url = f"{assistant.actions_url}/webhook"
    body = {"next_action": "action_lookup_order", "tracker": {"sender_id": "x", "slots": {}, "events": []}}
    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(f"{assistant.actions_url}/actions").status_code == 401
    assert httpx.get(f"{assistant.actions_url}/health").status_code == 200
    assert _listening_addresses(assistant.settings.actions_port) == {"0100007F"}  # 127.0.0.1 only
    # And the assistant itself still reaches it.
    assert "email" in say(assistant, "action-user", "where is my order 100234").lower()


# ---- the desk --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def desk(assistant):
    auth.add_agent("olga@example.com", "Olga", PASSWORD, role="admin")
    client = Desk(assistant.rasa_url)
    response = client.login("olga@example.com", PASSWORD)
    assert response.status_code == 200
    assert "secure" not in response.headers["set-cookie"].lower()  # plain HTTP, no trusted proxy
    return client


def test_cross_site_desk_changes_are_refused(assistant, desk):
    evil = desk.http.post(f"{desk.base}/agents", json={}, headers={"Origin": "http://evil.example"})
    assert is_clean_json_error(evil, 403)
    token = desk.http.headers.pop("X-CSRF-Token")
    try:
        assert is_clean_json_error(desk.post("/agents", {}), 403)  # a valid cookie is not enough
        desk.http.headers["X-CSRF-Token"] = "0" * 64
        assert is_clean_json_error(desk.post("/agents", {}), 403)
    finally:
        desk.http.headers["X-CSRF-Token"] = token
    own = {"Origin": f"http://127.0.0.1:{assistant.settings.port}"}
    created = desk.http.post(
        f"{desk.base}/agents",
        json={"email": "pat@example.com", "name": "Pat", "password": PASSWORD},
        headers=own,
    )
    assert created.status_code == 201
    assert desk.get("/me").json()["csrf_token"] == token
    # A forged X-Forwarded-Proto from a peer nobody trusts does not make the cookie Secure either.
    forged = httpx.post(
        f"{assistant.rasa_url}/desk/api/login",
        json={"email": "pat@example.com", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert forged.status_code == 200 and "secure" not in forged.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    "body",
    [
        {"email": "q@example.com", "name": ["x"], "password": PASSWORD},
        {"email": ["q@example.com"], "name": "Q", "password": PASSWORD},
        {"email": "q@example.com", "name": "Q", "password": PASSWORD, "role": "root"},
        {"email": "q@example.com", "name": "Q" * 201, "password": PASSWORD},
        {"email": "q@example.com", "name": "Q\x00", "password": PASSWORD},
        {"email": "not an email", "name": "Q", "password": PASSWORD},
        {"email": "q@example.com", "name": "Q", "password": "p" * 2000},
    ],
)
def test_agent_fields_are_checked(desk, body):
    assert is_clean_json_error(desk.post("/agents", body), 400)


# ---- files and logs --------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _start_run(var: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "RASA_API_TOKEN"}
    env.update(VAR_DIR=str(var), PORT=str(port), ACTIONS_PORT=str(free_port()), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_running(process: subprocess.Popen, log: Path, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if "The assistant is running" in text:
            return text
        assert process.poll() is None, text[-3000:]
        time.sleep(0.5)
    raise AssertionError("`python -m bot run` did not start:\n" + log.read_text(errors="replace")[-3000:])


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 2)
    process.wait(60)


def test_first_run_generates_the_api_token_once_and_keeps_var_private(tmp_path, model_path):
    var, port = tmp_path / "var", free_port()
    first = _start_run(var, port, tmp_path / "first.log")
    try:
        text = _wait_running(first, tmp_path / "first.log")
        token = re.search(r"Generated a token for Rasa's HTTP API.*\n\s+(\S+)", text).group(1)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/status").status_code == 401
        assert httpx.get(f"{base}/status?token={token}").status_code == 200
        assert "Hi!" in " ".join(
            m.get("text", "")
            for m in httpx.post(f"{base}/webhooks/rest/webhook", json={"sender": "f", "message": "hi"}).json()
        )
        assert _mode(var) == 0o700
        for name in ("app.db", "tracker.db", "secrets/rasa_api_token", "secrets/action_server_token"):
            assert _mode(var / name) == 0o600, name
        assert _mode(var / "secrets") == 0o700
        for path in var.rglob("*"):
            assert _mode(path) & 0o077 == 0, f"{path} is readable by others"
    finally:
        _stop(first)
    second = _start_run(var, port, tmp_path / "second.log")
    try:
        text = _wait_running(second, tmp_path / "second.log")
        assert "Generated a token" not in text and token not in text  # printed once, on creation
        assert httpx.get(f"http://127.0.0.1:{port}/status?token={token}").status_code == 200
    finally:
        _stop(second)


def test_older_installations_are_tightened_at_start(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "app.db").write_text("")
    os.chmod(var / "app.db", 0o644)
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "init"],
        cwd=ROOT,
        env={**os.environ, "VAR_DIR": str(var)},
        check=False,
        capture_output=True,
    )
    assert _mode(var) == 0o700
    assert _mode(var / "app.db") & 0o077 == 0


def test_logs_carry_no_personal_data_from_a_failed_delivery(tmp_path, model_path, telegram_api):
    secret = "log-test-secret"
    env = {
        "TELEGRAM_BOT_TOKEN": telegram_api.token,
        "TELEGRAM_WEBHOOK_SECRET": secret,
        "TELEGRAM_API_URL": telegram_api.url,
    }
    from tests.mocks.telegram_api import message_update

    with running_assistant(tmp_path / "logs-var", model_path, env) as stack:
        chat_id = 770001
        telegram_api.fail("sendMessage", "Forbidden: bot was blocked by the user", error_code=403, times=50)
        for number, text in enumerate(["where is my order 100236", "carol@example.com"], start=1):
            response = httpx.post(
                f"{stack.rasa_url}/webhooks/telegram/webhook",
                json=message_update(chat_id, text, message_id=number),
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            )
            assert response.status_code == 200
            time.sleep(3)
        logs = (stack.log_dir / "rasa.log").read_text() + (stack.log_dir / "actions.log").read_text()
    assert "could not deliver a reply" in logs  # the failure is logged...
    assert "carol@example.com" not in logs  # ...without the customer's data
    assert "Shipping to" not in logs and "Desk lamp" not in logs
