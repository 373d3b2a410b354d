"""Order enumeration across conversations (docs/SECURITY.md, case 3): failed number + email
pairs are counted per identity, per order and per client address, so neither `/restart` nor a
new sender id nor a new session starts the count again.

The assistant trusts X-Forwarded-For from 127.0.0.1 here (TRUSTED_PROXIES), so each test can
play a client of its own address."""

from __future__ import annotations

import itertools

import pytest

from actions.orders import LOCKED_TEXT
from tests.security.support import say
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

_addresses = (f"198.51.100.{n}" for n in itertools.count(10))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, model_path):
    env = {"TRUSTED_PROXIES": "127.0.0.1"}
    with running_assistant(tmp_path_factory.mktemp("lookups"), model_path, env) as stack:
        yield stack


def _fail_once(stack, sender: str, number: str, address: str) -> None:
    answer = say(stack, sender, f"where is order {number} for nobody@example.com", headers={"X-Forwarded-For": address})
    assert "can't find an order" in answer or "still can't find" in answer or LOCKED_TEXT in answer


def _correct_pair(stack, sender: str, address: str, number: str = "100236", email: str = "carol@example.com") -> str:
    return say(stack, sender, f"where is order {number} for {email}", headers={"X-Forwarded-For": address})


def _say(stack, sender, text, address):
    return say(stack, sender, text, headers={"X-Forwarded-For": address})


def test_restart_does_not_reset_the_count(assistant):
    address = next(_addresses)
    for attempt in range(6):
        _fail_once(assistant, "mallory", str(210000 + attempt), address)
    _say(assistant, "mallory", "/restart", address)
    answer = _correct_pair(assistant, "mallory", address)
    assert LOCKED_TEXT in answer and "Desk lamp" not in answer


def test_new_conversations_cannot_guess_one_order(assistant):
    for attempt in range(5):
        _fail_once(assistant, f"guesser-{attempt}", "100234", next(_addresses))
    answer = _correct_pair(assistant, "fresh-sender", next(_addresses), "100234", "alice@example.com")
    assert LOCKED_TEXT in answer and "1Z999" not in answer
    assert "Desk lamp" in _correct_pair(assistant, "bystander", next(_addresses))  # other orders still work


def test_one_address_cannot_enumerate_with_new_sender_ids(assistant):
    address = next(_addresses)
    for attempt in range(20):
        _fail_once(assistant, f"bot-{attempt}", str(220000 + attempt), address)
    answer = _correct_pair(assistant, "bot-fresh", address)
    assert LOCKED_TEXT in answer and "Desk lamp" not in answer
    assert "Desk lamp" in _correct_pair(assistant, "someone-else", next(_addresses))
