"""Fast checks of the request-facing helpers: proxies, rate limits, the message intake, secrets,
file permissions (the end-to-end proof is in tests/security)."""

from __future__ import annotations

import os
import stat

import pytest

from bot import instance_secrets
from bot.files import secure_var_dir
from bot.intake import Intake
from bot.ratelimit import RateLimiter
from bot.settings import Security, Settings
from bot.web.proxy import client_address, is_trusted, scheme


def test_forwarded_headers_only_from_trusted_proxies():
    headers = {"x-forwarded-for": "198.51.100.7, 10.0.0.5", "x-forwarded-proto": "https"}
    assert client_address("203.0.113.9", headers, ()) == "203.0.113.9"  # nobody trusted
    assert client_address("203.0.113.9", headers, ("10.0.0.0/8",)) == "203.0.113.9"  # not from a proxy
    assert client_address("10.0.0.5", headers, ("10.0.0.0/8",)) == "198.51.100.7"  # right-most untrusted hop
    assert scheme("10.0.0.5", headers, ("10.0.0.0/8",), "http") == "https"
    assert scheme("203.0.113.9", headers, ("10.0.0.0/8",), "http") == "http"
    assert not is_trusted("not an ip", ("10.0.0.0/8",))


def test_rate_limits_answer_the_seconds_to_wait():
    limiter = RateLimiter()
    assert [limiter.check("3/minute", "s", "k") for _ in range(3)] == [None, None, None]
    wait = limiter.check("3/minute", "s", "k")
    assert wait is not None and 0 < wait <= 60
    assert limiter.check("3/minute", "s", "other") is None  # per key
    assert limiter.peek("3/minute", "s", "k") is not None and limiter.peek("3/minute", "s", "new") is None
    assert limiter.check(None, "s", "k") is None


def test_an_unreachable_rate_limit_store_lets_requests_through():
    limiter = RateLimiter("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert limiter.check("1/minute", "s", "k") is None
    assert limiter.check("1/minute", "s", "k") is None


def test_the_intake_checks_length_then_rate(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "10")
    monkeypatch.setenv("RATE_LIMIT_CONVERSATION", "2/minute")
    intake = Intake(Security(), address_salt="salt")
    assert intake.check("x" * 11, "c1").code == "too_long"
    assert intake.check("hi", "c1") is None and intake.check("hi", "c1") is None
    refused = intake.check("hi", "c1")
    assert refused.code == "rate_limited" and refused.status == 429 and refused.retry_after
    assert intake.address_key("203.0.113.9") == intake.address_key("203.0.113.9") != "203.0.113.9"
    assert Intake(Security(), address_salt="other").address_key("203.0.113.9") != intake.address_key("203.0.113.9")


def test_secrets_are_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    first = instance_secrets.resolve(Settings())
    again = instance_secrets.resolve(Settings())
    assert first.api_created and not again.api_created
    assert (first.api, first.actions, first.address_salt) == (again.api, again.actions, again.address_salt)
    assert len({first.api, first.actions, first.address_salt}) == 3
    path = tmp_path / "secrets" / instance_secrets.API_TOKEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setenv("RASA_API_TOKEN", "chosen")
    assert instance_secrets.resolve(Settings()).api == "chosen"


def test_var_is_made_private(tmp_path):
    var = tmp_path / "var"
    (var / "kb").mkdir(parents=True)
    (var / "app.db").write_text("")
    os.chmod(var / "app.db", 0o644)
    os.chmod(var / "kb", 0o755)
    secure_var_dir(var)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "app.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((var / "kb").stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "public, expected",
    [
        (None, {"localhost:5005", "127.0.0.1:5005", "[::1]:5005"}),
        ("https://support.example.com", {"support.example.com", "localhost:5005", "127.0.0.1:5005", "[::1]:5005"}),
        ("http://localhost:8080", {"localhost:8080", "localhost:5005", "127.0.0.1:5005", "[::1]:5005"}),
    ],
)
def test_allowed_hosts_follow_public_url(monkeypatch, public, expected):
    monkeypatch.delenv("PORT", raising=False)
    if public:
        monkeypatch.setenv("PUBLIC_URL", public)
    else:
        monkeypatch.delenv("PUBLIC_URL", raising=False)
    assert set(Settings().allowed_hosts) == expected
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example.com, B.example.com")
    assert {"a.example.com", "b.example.com", "localhost:5005"} <= set(Settings().allowed_hosts)
    assert "evil.example" not in Settings().allowed_hosts


async def test_slack_alerts_escape_what_customers_control():
    import datetime as dt

    from bot.handoff.background import SlackAlerts
    from bot.handoff.records import HandoffView

    posted = {}

    class Client:
        async def chat_postMessage(self, **kwargs):
            posted.update(kwargs)

    alerts = SlackAlerts.__new__(SlackAlerts)
    alerts.client, alerts.channel, alerts.desk_url = Client(), "C1", "http://desk"
    now = dt.datetime(2026, 1, 1)
    handoff = HandoffView(
        1,
        "webchat-x",
        "webchat",
        "queued",
        "customer_request",
        "",
        0,
        "said <!channel> & <https://evil|x>",
        "<!channel>",
        None,
        None,
        None,
        None,
        now,
        None,
        None,
        0,
    )
    await alerts.post(handoff, 0)
    assert "<!channel>" not in posted["text"] and "&lt;!channel&gt;" in posted["text"]
    assert "<https://evil|x>" not in posted["text"]
    assert "<http://desk#/handoff/1|Open in the desk>" in posted["text"]  # our own link stays a link
