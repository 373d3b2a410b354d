"""What customers get when things break, and what survives a restart."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import Chat
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]


@pytest.fixture(scope="module")
def steady(tmp_path_factory, model_path):
    """One assistant for the tests that break nothing (starting one takes a while)."""
    with running_assistant(tmp_path_factory.mktemp("resilience"), model_path, {}) as stack:
        yield stack


def test_crashed_action_server_gets_an_apology_and_a_way_forward(stack_factory):
    stack = stack_factory()
    chat = Chat(stack.rasa_url)
    assert "order number" in chat.text("where is my order?").lower()
    stack.stop_process("actions")
    answer = chat.text("100234")
    assert "Sorry, I'm having trouble reaching our order and ticket system" in answer
    assert "support@example.com" in answer
    assert "Traceback" not in answer and "Exception" not in answer
    # The form was closed rather than left asking the same question.
    assert "order number" not in chat.text("hello").lower()


def test_conversation_survives_a_restart(stack_factory, tmp_path):
    var = tmp_path / "persistent-var"
    stack = stack_factory(var_dir=var)
    chat = Chat(stack.rasa_url)
    chat.text("where is my order?")
    assert "email" in chat.text("100234").lower()
    stack.stop()

    restarted = stack_factory(var_dir=var)
    again = Chat(restarted.rasa_url, sender=chat.sender)
    assert "1Z999AA10123456784" in again.text("alice@example.com")


def _request(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_malformed_json_is_a_400_not_a_crash(steady):
    stack = steady
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    assert _request(url, b"{not json", {"Content-Type": "application/json"}) == 400
    assert _request(url, json.dumps({"sender": "x"}).encode(), {"Content-Type": "application/json"}) == 400
    assert "Hi!" in Chat(stack.rasa_url).text("hello")


def test_http_api_needs_the_token_from_every_address(steady):
    stack = steady
    url = f"{stack.rasa_url}/conversations/someone/tracker"
    assert _request(url, None, {}) == 401  # loopback included: a web page on this machine is not trusted
    assert _request(url, None, {"X-Forwarded-For": "203.0.113.7"}) == 401
    assert _request(stack.api_url("/conversations/someone/tracker"), None, {}) == 200
    assert _request(url, None, {"Authorization": f"Bearer {stack.api_token}"}) == 200
