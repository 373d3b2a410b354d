"""One message must not freeze everyone, and bad input gets a clear 4xx (docs/SECURITY.md, cases
5 and 8), against a real assistant."""

from __future__ import annotations

import concurrent.futures
import json
import time

import httpx
import pytest

from bot.desk import auth
from tests.handoff.desk_client import Desk
from tests.security.support import PASSWORD, is_clean_json_error, rest, say, texts
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    with running_assistant(tmp_path_factory.mktemp("availability"), model_path, {}) as stack:
        yield stack


@pytest.fixture(scope="module")
def desk(assistant):
    auth.add_agent("nina@example.com", "Nina", PASSWORD)
    client = Desk(assistant.rasa_url)
    assert client.login("nina@example.com", PASSWORD).status_code == 200
    return client


def test_a_megabyte_body_is_refused_before_it_is_read(assistant):
    body = json.dumps({"sender": "big", "message": "a" * 1_000_000}).encode()
    started = time.monotonic()
    response = rest(assistant, None, raw=body)
    assert is_clean_json_error(response, 413)
    assert time.monotonic() - started < 10
    assert "Hi!" in say(assistant, "after-big", "hello")


def test_an_overlong_message_is_refused_with_a_clear_error(assistant):
    response = rest(assistant, {"sender": "long", "message": "where is my order " * 4000})  # ~72,000 characters
    assert response.status_code == 413
    assert response.json()["error"] == "too_long"
    assert "2,000" in response.json()["message"]


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1999 + "@",  # the old email pattern: quadratic in the run of address characters
        "a@" * 1000,
        "a." * 1000,
        " " * 1990 + "100234",
        "100 " * 500,
        "<@U1" * 500,
    ],
    ids=["address-run", "at-signs", "dots", "spaces", "numbers", "mentions"],
)
def test_a_hostile_message_at_the_limit_does_not_stall_another_customer(assistant, text):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        hostile = [pool.submit(rest, assistant, {"sender": f"hostile-{i}", "message": text}) for i in range(3)]
        started = time.monotonic()
        hello = pool.submit(say, assistant, f"bystander-{abs(hash(text))}", "hi")
        assert "Hi!" in hello.result(timeout=60)
        waited = time.monotonic() - started
        assert all(f.result(timeout=60).status_code == 200 for f in hostile)
    # Three messages of 2,000 hostile characters ahead of it cost the bystander a few seconds at
    # most (it took 28 s for one 60,000-character message before the limits).
    assert waited < 15, f"a greeting waited {waited:.1f} s behind hostile messages"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'"x"',
        b'{"message": "hi"}',
        b'{"sender": "x"}',
        b'{"sender": ["x"], "message": "hi"}',
        b'{"sender": "x", "message": 5}',
        b'{"sender": "x y", "message": "hi"}',
        b'{"sender": "x", "message": "hi", "metadata": 3}',
        b"\xff\xfe",
    ],
)
def test_malformed_rest_bodies_are_400(assistant, body):
    assert is_clean_json_error(rest(assistant, None, raw=body), 400)


def test_bad_desk_input_is_a_4xx_not_a_500(assistant, desk):
    assert is_clean_json_error(desk.get("/tickets?status=bogus"), 400)
    assert is_clean_json_error(desk.get("/handoffs/" + "9" * 20), 404)
    assert is_clean_json_error(desk.get("/handoffs/0"), 404)
    assert is_clean_json_error(desk.get("/stats?days=abc"), 400)
    assert is_clean_json_error(desk.get("/conversations/" + "x" * 300), 404)
    assert is_clean_json_error(desk.post("/handoffs/1/messages", {"text": ["x"]}), 400)
    assert is_clean_json_error(desk.post("/handoffs/1/notes", {"text": {"a": 1}}), 400)
    assert is_clean_json_error(desk.post("/tickets/T-000001/reply", {"text": ["x"]}), 400)
    assert is_clean_json_error(desk.post("/tickets/T-000001/status", {"status": 5}), 400)
    raw = desk.http.post(f"{desk.base}/handoffs/1/notes", data=b"{oops", headers={"Content-Type": "application/json"})
    assert is_clean_json_error(raw, 400)
    assert is_clean_json_error(desk.http.post(f"{desk.base}/login", data=b"{oops"), 400)


def test_bad_input_to_rasas_api_is_a_4xx(assistant):
    url = assistant.api_url("/model/parse")
    assert is_clean_json_error(httpx.post(url, content=b"{garbage", timeout=30), 400)
    assert is_clean_json_error(httpx.post(url, json={"text": 5}, timeout=30), 400)
    assert is_clean_json_error(httpx.post(url, json={"text": "x" * 5000}, timeout=30), 413)
    parsed = httpx.post(url, json={"text": "where is my order"}, timeout=30)
    assert parsed.status_code == 200 and parsed.json()["intent"]["name"] == "check_order"


def test_unknown_routes_and_methods_are_json(assistant):
    assert is_clean_json_error(httpx.get(f"{assistant.rasa_url}/no/such/page", timeout=30), 404)
    assert is_clean_json_error(httpx.put(f"{assistant.rasa_url}/webhooks/rest/webhook", timeout=30), 405)


def test_control_characters_rtl_and_japanese_text_are_handled(assistant):
    # One conversation each: two messages in a row the assistant cannot read hand over to a
    # person, and a customer waiting for one hears from the queue only every so often.
    texts_ = [
        "hel\x00lo\x07\x1b[31m",
        "\u202eredro ym si erehw",
        "مرحبا، أين طلبي؟",
        "注文はどこですか？",
        "\ud83d\ude00" * 10,
    ]
    for number, text in enumerate(texts_):
        response = rest(assistant, {"sender": f"unicode-{number}", "message": text})
        assert response.status_code == 200, text
        assert texts(response), f"no answer to {text!r}"  # an answer, whatever it is


def test_sql_injection_strings_are_just_text(assistant):
    from sqlalchemy import func, select

    from bot.store.db import session_scope
    from bot.store.models import Order

    with session_scope() as session:
        orders = session.execute(select(func.count(Order.id))).scalar_one()
    sender = "injector"
    say(assistant, sender, "where is my order?")
    say(assistant, sender, "100234' OR '1'='1")
    answer = say(assistant, sender, "x@example.com'; DROP TABLE orders; --")
    assert "1Z999" not in answer
    say(assistant, sender, "check ticket T-000001' OR 1=1 --")
    with session_scope() as session:
        assert session.execute(select(func.count(Order.id))).scalar_one() == orders
