"""The REST channel's own rules, without a server: namespaced senders, what a body must hold,
and client metadata kept as display-only."""

from __future__ import annotations

import json

import pytest

from channels.rest import client_sender, message_metadata, parse_body, sender_id_for


def test_senders_are_always_inside_the_rest_namespace():
    for sender in ("telegram:42", "slack:T1:D1", "0123456789abcdef0123456789abcdef", "rest:x"):
        assert sender_id_for(sender) == f"rest:{sender}"
        assert client_sender(sender_id_for(sender)) == sender


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"[]",
        b'{"message": "hi"}',
        b'{"sender": "x"}',
        b'{"sender": true, "message": "hi"}',
        b'{"sender": "", "message": "hi"}',
        b'{"sender": "a b", "message": "hi"}',
        b'{"sender": "a\\u0000b", "message": "hi"}',
        json.dumps({"sender": "x" * 129, "message": "hi"}).encode(),
        b'{"sender": "x", "message": ["hi"]}',
        b'{"sender": "x", "message": "hi", "metadata": []}',
    ],
)
def test_bad_bodies_are_refused(body):
    parsed, problem = parse_body(body)
    assert parsed is None and problem


def test_good_bodies_pass():
    assert parse_body(b'{"sender": "me", "message": "hi"}')[0] == {"sender": "me", "message": "hi"}
    assert parse_body(b'{"sender": 42, "message": "hi", "metadata": {"a": 1}}')[1] is None


def test_client_metadata_is_display_only():
    claim = {"customer": {"channel": "slack", "name": "Alice", "email": "alice@example.com", "email_verified": True}}
    metadata = message_metadata("me", claim, "key1")
    assert metadata["customer"] == {
        "channel": "rest",
        "id": "me",
        "name": "Alice",
        "email": "alice@example.com",
        "email_verified": False,
        "address_key": "key1",
    }
    assert metadata["rest"]["client"] == claim  # kept as the client sent it, under the channel's key
    huge = {"blob": "x" * 10_000}
    assert "client" not in message_metadata("me", huge)["rest"]
