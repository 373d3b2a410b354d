"""What the customer gets when the action server is down or broken.

Rasa's default is to log the error and drop the action's events, so the customer sees
nothing at all. We wrap the two places that call the action server (custom actions and
form validation) so the customer gets an apology and a way forward instead, and a form
that cannot validate is closed rather than left asking the same question forever.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.events import ActiveLoop, BotUttered, ConversationPaused, Event, SlotSet
from rasa.shared.exceptions import RasaException

from bot.settings import HandoffConfig

logger = logging.getLogger(__name__)

APOLOGY_MARK = "action_server_unavailable"


def apology(support_email: str) -> BotUttered:
    text = (
        "Sorry, I'm having trouble reaching our order and ticket system right now, so I couldn't finish that. "
        f"Please try again in a few minutes, or write to {support_email} and our team will help you."
    )
    buttons = [
        {"title": "Try again", "payload": "/capabilities"},
        {"title": "Talk to a person", "payload": "/request_human"},
    ]
    return BotUttered(text=text, data={"buttons": buttons}, metadata={APOLOGY_MARK: True})


async def handoff_without_action_server(tracker: Any, config: HandoffConfig) -> List[Event]:
    """`action_handoff` itself failed: the Rasa server opens the handoff (or the ticket) on its
    own, so a broken action server never stands between a customer and a person."""
    from bot.handoff.escalation import escalate
    from bot.store.db import run_sync

    slots = tracker.current_slot_values()
    reason = slots.get("handoff_reason") or "customer_request"
    outcome = await run_sync(
        escalate,
        config,
        tracker.sender_id,
        tracker.get_latest_input_channel() or "rest",
        reason,
        slots.get("handoff_detail") or "",
        [e.as_dict() for e in tracker.events],
        slots,
    )
    events: List[Event] = [BotUttered(text=outcome.text, data={"buttons": outcome.buttons} if outcome.buttons else {})]
    if tracker.active_loop_name:
        events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
    return events + ([ConversationPaused()] if outcome.paused else [])


def _is_apology(event: Event) -> bool:
    return isinstance(event, BotUttered) and bool((event.metadata or {}).get(APOLOGY_MARK))


_installed = False


def install(support_email: str, handoff: HandoffConfig) -> None:
    """Patch RemoteAction and FormAction once per process (listed in bot/patches.py)."""
    global _installed
    if _installed:
        return
    _installed = True
    remote_run = RemoteAction.run
    form_run = FormAction.run

    @functools.wraps(remote_run)
    async def run_remote(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        try:
            return await remote_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException as err:
            logger.error("action server failed running %s for %s: %s", self.name(), tracker.sender_id, err)
            if self.name() == "action_handoff":
                try:
                    return await handoff_without_action_server(tracker, handoff)
                except Exception:  # noqa: BLE001 - the database is down too: apologise
                    logger.exception("handoff without the action server failed for %s", tracker.sender_id)
            return [apology(support_email)]

    @functools.wraps(form_run)
    async def run_form(self: FormAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        events = await form_run(self, output_channel, nlg, tracker, domain)
        if any(_is_apology(e) for e in events):
            return [e for e in events if _is_apology(e)] + [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        return events

    RemoteAction.run = run_remote  # type: ignore[method-assign]
    FormAction.run = run_form  # type: ignore[method-assign]
