"""Slack: direct messages and @-mentions, through slack-bolt's AsyncApp.

Conversations (Rasa sender ids): a direct message channel is one conversation,
`slack:<team>:<channel>`; in a public or private channel each thread started by a mention
is one, `slack:<team>:<channel>:<thread_ts>`, and the bot answers in that thread.

- `convert.py`: Slack's shapes <-> ours (sender ids, mrkdwn, blocks, buttons); no I/O.
- `client.py`: the Web API client (retries through outages), auth.test and users.info, cached.
- `input.py`: events and clicks in, one customer message each, to the assistant.
- `output.py`: the assistant's messages out (also the `Outbound` the handoff delivers through).
- `socket_mode.py`: the websocket transport, when SLACK_APP_TOKEN is set.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Optional

from bot.intake import Intake
from bot.settings import SlackConfig
from channels.slack.client import SlackIdentity, SlackUsers, make_client
from channels.slack.input import Inbound, SlackInput
from channels.slack.output import PAYLOADS, SlackOutput

__all__ = [
    "PAYLOADS",
    "Inbound",
    "SlackConfig",
    "SlackIdentity",
    "SlackInput",
    "SlackOutput",
    "SlackUsers",
    "build",
    "make_client",
]


def build(
    config: Optional[SlackConfig], intake: Intake, thread_has_person: Callable[[str], Awaitable[bool]]
) -> Optional[SlackInput]:
    """The Slack channel when it is configured (SLACK_BOT_TOKEN and a way in), else None."""
    return SlackInput(config, intake, thread_has_person=thread_has_person) if config is not None else None
