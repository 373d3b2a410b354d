"""The whole handoff loop over the REST channel with the real servers and the desk API:
customer asks for a person, waits, an agent claims, they talk, the agent hands back, the bot
resumes and asks for a rating and a comment. The bot never speaks while the agent owns the conversation."""

from __future__ import annotations

import re

import pytest

from bot.desk import auth
from tests.conftest import Chat, api_url
from tests.handoff.desk_client import Desk
from tests.trackers import bot_spoke_while_paused

pytestmark = [pytest.mark.e2e, pytest.mark.model]

PASSWORD = "correct horse battery staple"


def _texts(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_full_loop_over_rest(stack_factory):
    stack = stack_factory()
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    desk = Desk(stack.rasa_url)
    assert desk.login("ann@example.com", PASSWORD).status_code == 200

    chat = Chat(stack.rasa_url)
    chat.text("where is my order?")
    handed = chat.text("I want to talk to a person")
    assert "connecting you with a person" in handed and "next in line" in handed

    while_waiting = _texts(chat.say("my parcel from order 100234 never arrived"))
    assert "order number" not in while_waiting.lower()  # the bot did not pick the form back up
    handoff = desk.handoff_for(chat.sender_id)
    assert handoff["status"] == "queued" and handoff["reason"] == "customer_request"

    detail = desk.get(f"/handoffs/{handoff['id']}").json()
    said = [e["text"] for e in detail["transcript"] if e["who"] == "customer"]
    assert "my parcel from order 100234 never arrived" in said
    assert "where an order is" in detail["context"]["summary"]

    # Writing before claiming is refused by the server.
    refused = desk.post(f"/handoffs/{handoff['id']}/messages", {"text": "hello"})
    assert refused.status_code == 409
    assert desk.post(f"/handoffs/{handoff['id']}/claim").status_code == 200

    joined = _texts(chat.say("hello? anyone?"))
    assert "Ann from our support team has joined" in joined

    assert (
        desk.post(f"/handoffs/{handoff['id']}/messages", {"text": "Hi, I'm Ann. Let me check that parcel."}).status_code
        == 201
    )
    assert desk.post(f"/handoffs/{handoff['id']}/notes", {"text": "UPS claim needed"}).status_code == 201
    replies = chat.say("thank you")
    reply = _texts(replies)
    assert "Let me check that parcel" in reply
    from_ann = [r for r in replies if "Let me check that parcel" in (r.get("text") or "")]
    assert from_ann[0]["metadata"]["agent"]["name"] == "Ann"  # REST clients can tell a person wrote it
    assert "You're welcome" not in reply and "Happy to help" not in reply  # not the bot

    assert desk.post(f"/handoffs/{handoff['id']}/handback").status_code == 200
    back = chat.say("no, that's all")
    back_text = _texts(back)
    assert "Ann has handed you back to me" in back_text
    assert "how would you rate" in back_text.lower()
    assert "anything you'd like to tell us" in chat.text('/rate{"rating": "5"}')
    assert "passed that on to the team" in chat.text("Ann sorted it out in minutes")

    stats = desk.get("/stats").json()["satisfaction"]
    assert stats["by_agent"]["Ann"]["average"] == 5.0
    tracker = desk.http.get(api_url(stack.rasa_url, f"/conversations/{chat.sender_id}/tracker"), timeout=30).json()
    assert bot_spoke_while_paused(tracker) == []
    notes = desk.get(f"/handoffs/{handoff['id']}").json()["notes"]
    assert [n["text"] for n in notes] == ["UPS claim needed"]


def test_desk_api_requires_a_session_and_the_csrf_token(stack_factory):
    stack = stack_factory()
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    anonymous = Desk(stack.rasa_url)
    assert anonymous.get("/queue").status_code == 401
    assert anonymous.login("ann@example.com", "wrong password").status_code == 401
    assert anonymous.login("ann@example.com", PASSWORD).status_code == 200
    token = anonymous.http.headers.pop("X-CSRF-Token")
    assert anonymous.post("/handoffs/1/claim").status_code == 403
    anonymous.http.headers["X-CSRF-Token"] = token
    assert anonymous.post("/handoffs/1/claim").status_code == 404  # past the checks: there is no handoff 1
    assert anonymous.get("/agents").status_code == 403  # agents are not admins


def test_no_agent_online_gives_a_ticket_and_the_reply_comes_back_on_the_channel(stack_factory):
    stack = stack_factory()
    chat = Chat(stack.rasa_url)
    asked = chat.text("can I talk to a human please")
    assert "no one from our support team is available right now" in asked
    assert "what email address should the answer go to" in asked.lower()
    answer = chat.text("no thanks, answer here")
    reference = re.search(r"T-\d{6}", answer).group(0)
    assert "by email" not in answer
    # The bot still owns the conversation.
    assert "order number" in chat.text("where is my order").lower()

    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    desk = Desk(stack.rasa_url)
    desk.login("ann@example.com", PASSWORD)
    detail = desk.get(f"/tickets/{reference}").json()
    ticket = detail["ticket"]
    assert "Transcript:" in ticket["description"] and "can I talk to a human please" in ticket["description"]
    assert ticket["email"] is None
    # REST cannot push: the desk says the reply waits for the app's next request, not "delivered on rest".
    assert detail["routes"] == {"chat": "kept", "email": None}
    sent = desk.post(f"/tickets/{reference}/reply", {"text": "Your refund went out today."})
    assert sent.status_code == 201
    assert sent.json()["routes"] == {"chat": {"ok": True, "how": "kept"}, "email": None}
    later = _texts(chat.say("hi again"))
    assert f"Update on your ticket {reference} from Ann: Your refund went out today." in later


def test_agent_takes_over_a_bot_conversation(stack_factory):
    stack = stack_factory()
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    desk = Desk(stack.rasa_url)
    desk.login("ann@example.com", PASSWORD)
    chat = Chat(stack.rasa_url)
    chat.text("hi")
    assert desk.post(f"/conversations/{chat.sender_id}/messages", {"text": "hello"}).status_code == 409
    assert desk.post(f"/conversations/{chat.sender_id}/takeover").status_code == 200
    assert desk.post(f"/conversations/{chat.sender_id}/messages", {"text": "Hi, Ann here."}).status_code == 201
    got = _texts(chat.say("oh hello"))
    assert "Ann from our support team has joined" in got and "Hi, Ann here." in got
    assert "Demo Shop assistant" not in got


def test_handoff_survives_a_restart(stack_factory, tmp_path):
    var = tmp_path / "var"
    stack = stack_factory(var_dir=var)
    auth.add_agent("ann@example.com", "Ann", PASSWORD)
    desk = Desk(stack.rasa_url)
    desk.login("ann@example.com", PASSWORD)
    chat = Chat(stack.rasa_url)
    chat.text("I need to speak to a human")
    handoff = desk.handoff_for(chat.sender_id)
    desk.post(f"/handoffs/{handoff['id']}/claim")
    chat.say("my order is 100234")
    stack.stop()

    restarted = stack_factory(var_dir=var)
    desk.base = restarted.rasa_url + "/desk/api"  # same session cookie: sessions live in the database
    again = Chat(restarted.rasa_url, sender=chat.sender)
    assert desk.handoff_for(chat.sender_id)["status"] == "assigned"
    assert "Demo Shop assistant" not in _texts(again.say("hello, still there?"))
    detail = desk.get(f"/handoffs/{handoff['id']}").json()
    said = [e["text"] for e in detail["transcript"] if e["who"] == "customer"]
    assert said[-2:] == ["my order is 100234", "hello, still there?"]
    assert desk.post(f"/handoffs/{handoff['id']}/messages", {"text": "Still here!"}).status_code == 201
    assert "Still here!" in _texts(again.say("great"))
