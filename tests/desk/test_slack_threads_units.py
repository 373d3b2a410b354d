"""Who may answer customers from a Slack thread (bot/desk/slack_threads.py): a full member of our
own workspace whose Slack-confirmed email is an enabled agent's; never a guest, a Slack Connect
stranger, a bot or a deactivated account."""

from __future__ import annotations

import pytest

from bot.desk import auth
from bot.desk.slack_threads import SlackThreads


class FakeSlack:
    def __init__(self, user: dict) -> None:
        self.user = user

    async def auth_test(self) -> dict:
        return {"team_id": "T-OURS"}

    async def users_info(self, user: str) -> dict:
        return {"user": self.user}


MEMBER = {"team_id": "T-OURS", "is_email_confirmed": True, "profile": {"email": "ann@example.com"}}


@pytest.mark.parametrize(
    "changes, allowed",
    [
        ({}, True),
        ({"team_id": "T-OTHER"}, False),
        ({"is_stranger": True}, False),
        ({"is_restricted": True}, False),
        ({"is_ultra_restricted": True}, False),
        ({"is_bot": True}, False),
        ({"deleted": True}, False),
        ({"is_email_confirmed": False}, False),
        ({"profile": {"email": "sam@example.com"}}, False),  # not an agent
    ],
)
async def test_only_full_members_with_an_agents_email(store, changes, allowed):
    auth.add_agent("ann@example.com", "Ann", "a long enough password")
    threads = SlackThreads(FakeSlack({**MEMBER, **changes}), lambda: None)
    agent = await threads._agent("U1")
    assert (agent is not None and agent.email == "ann@example.com") is allowed
