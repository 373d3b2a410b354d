"""The handoff gate and the operations that change who owns a conversation, in the Rasa
server process.

Every customer message from every channel reaches Rasa through `handle_message` here (the
composition root hands it to the channels as their `on_new_message`). While a conversation has an open handoff the bot is never asked to answer:
the message is parsed (so agents see the intent) and written to the tracker, the tracker
stays paused, and the desk is told. The bot cannot speak in a conversation an agent owns,
whatever Rasa's own state says (a session that expired and restarted, a "/restart").
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)

from bot.desk.events import EventBus
from bot.handoff import ownership, queue, triggers
from bot.handoff.delivery import Delivery, drain_outbox_into
from bot.handoff.records import HandoffView
from bot.handoff.texts import no_longer, queue_update, stop_waiting_button, ticket_body, ticket_instead_of_wait
from bot.handoff.transcript import Entry
from bot.i18n import language_of, t
from bot.intake import Intake
from bot.settings import HandoffConfig
from bot.store.db import run_sync
from bot.store.handoff import HandoffStatus
from bot.store.tickets import open_ticket

logger = logging.getLogger(__name__)

STOP_WAITING = {"stop", "stop_waiting"}
NOT_UNDERSTOOD = "utter_default"


class HandoffRuntime:
    def __init__(
        self,
        agent_of: Callable[[], Any],
        config: HandoffConfig,
        bus: EventBus,
        delivery: Delivery,
        intake: Optional[Intake] = None,
    ) -> None:
        self._agent_of = agent_of  # the loaded Rasa agent (a PUT /model replaces it)
        self.config = config
        self.bus = bus
        self.delivery = delivery
        self.intake = intake
        self._last_queue_reply: Dict[str, float] = {}
        # The tracker each bot turn saved, so the triggers need not load it again.
        self._saved: OrderedDict[str, Any] = OrderedDict()
        # Where else the conversation is shown while a person has it (the agents' Slack thread:
        # bot/desk/slack_threads.py); set by the root when Slack alerts are on.
        self.mirror: Optional[Any] = None

    @property
    def agent(self) -> Any:
        return self._agent_of()

    def remember(self, tracker: Any) -> None:
        """Called with every tracker the tracker store saved (bot/patches.py)."""
        self._saved[tracker.sender_id] = tracker
        while len(self._saved) > 1000:  # turns that never reach the gate (HTTP API) age out
            self._saved.popitem(last=False)

    async def language(self, sender_id: str) -> str:
        """The conversation's language (its `language` slot), for what the server says itself."""
        tracker = self._saved.get(sender_id) or await self.agent.tracker_store.retrieve(sender_id)
        return language_of(tracker)

    # ---- the gate ------------------------------------------------------------------------

    async def handle_message(self, message: UserMessage) -> Optional[List[Dict[str, Any]]]:
        """Every customer message from every channel comes here (bot/app.py wires the channels
        to this method): to the agent when a person owns the conversation, else to Rasa."""
        sender = message.sender_id
        # When it arrived, before NLU or any wait for the model thread: the first-response
        # figures measure what the customer waited (bot/analytics/summary.py reads it).
        message.metadata = {**(message.metadata or {}), "received_ts": time.time()}
        refusal = self.intake.length(message.text or "") if self.intake else None
        if refusal is not None:  # channels refuse these earlier; this holds for any other way in
            logger.warning("gate: refused a message of %d characters for %s", len(message.text or ""), sender)
            await message.output_channel.send_response(sender, {"text": refusal.message})
            return self._collected(message)
        await run_sync(drain_outbox_into, message.output_channel, sender)
        handoff = await run_sync(queue.open_handoff_for, sender)
        if handoff is not None:
            await self._to_agent(message, handoff)
            return self._collected(message)
        result = await self.agent.handle_message(message)
        await self._never_silent(sender, message.output_channel)
        opened = await run_sync(queue.open_handoff_for, sender)
        if opened is not None:  # the bot's turn handed over (the customer asked for a person)
            self.bus.publish("queue", handoff=opened.as_dict())
        else:
            await self._check_triggers(sender, message.output_channel)
        return (
            self._collected(message)
            if result is not None or isinstance(message.output_channel, CollectingOutputChannel)
            else result
        )

    async def _never_silent(self, sender_id: str, output: OutputChannel) -> None:
        """A customer's message always gets an answer. When the dialogue predicted nothing to say
        (a "yes" to no question, mid-conversation), the assistant says it did not understand,
        with the usual ways forward, instead of leaving the customer in silence."""
        tracker = self._saved.get(sender_id)
        if tracker is None or tracker.is_paused():
            return
        for event in reversed(tracker.events):
            if isinstance(event, BotUttered):
                return
            if isinstance(event, UserUttered):
                break
        else:
            return
        slots = tracker.current_slot_values()
        response = self._response(NOT_UNDERSTOOD, slots, output)
        text = response.get("text") or t("server.not_understood", language_of(tracker))
        logger.info("gate: the assistant had nothing to say to %s; answered %s", sender_id, NOT_UNDERSTOOD)
        event = await self.delivery.send(
            sender_id, "", text, buttons=response.get("buttons"), deliver=False, system=False, response=NOT_UNDERSTOOD
        )
        await output.send_response(sender_id, event.message())

    def _response(self, name: str, slots: Dict[str, Any], output: OutputChannel) -> Dict[str, Any]:
        """The domain response's variation for these slots (the one in the conversation's
        language) and channel, as Rasa chooses it, but always the first that fits; {} if none."""
        variations = ResponseVariationFilter(self.agent.domain.responses).responses_for_utter_action(
            name, output.name(), slots
        )
        return variations[0] if variations else {}

    @staticmethod
    def _collected(message: UserMessage) -> Optional[List[Dict[str, Any]]]:
        channel = message.output_channel
        return channel.messages if isinstance(channel, CollectingOutputChannel) else None

    async def _to_agent(self, message: UserMessage, handoff: HandoffView) -> None:
        """Record the customer's message for the agent; the bot stays silent."""
        parse = await self.agent.processor.parse_message(message)
        intent = (parse.get("intent") or {}).get("name")
        async with self.agent.lock_store.lock(message.sender_id):
            tracker = await self.agent.tracker_store.get_or_create_tracker(message.sender_id)
            tracker.update(
                UserUttered(
                    message.text,
                    parse.get("intent"),
                    parse.get("entities"),
                    parse,
                    input_channel=message.input_channel,
                    message_id=message.message_id,
                    metadata=message.metadata,
                )
            )
            if not tracker.is_paused():
                tracker.update(ConversationPaused())
            await self.agent.tracker_store.save(tracker)
            lang = language_of(tracker)
        entry = Entry("customer", message.text or "", time.time()).as_dict()
        self.bus.publish("message", handoff_id=handoff.id, sender_id=message.sender_id, entry=entry)
        await self._mirror("customer_said", handoff, message.text or "")

        if handoff.status == HandoffStatus.queued.value:
            if intent in STOP_WAITING or (message.text or "").strip() == "/stop_waiting":
                await self.stop_waiting(handoff, message.output_channel)
                return
            await self._queue_reply(handoff, message.output_channel, lang)

    async def _queue_reply(self, handoff: HandoffView, output: OutputChannel, lang: str = "en") -> None:
        """Answer a waiting customer with their place in line (at most once a minute)."""
        now = time.monotonic()
        if now - self._last_queue_reply.get(handoff.sender_id, float("-inf")) < 60:
            return
        self._last_queue_reply[handoff.sender_id] = now
        place = await run_sync(queue.position, handoff.id) or 1
        minutes = await run_sync(queue.expected_wait_minutes, place, self.config)
        text = t("handoff.passed_on", lang, update=queue_update(place, minutes, lang))
        event = await self.delivery.send(
            handoff.sender_id,
            handoff.channel,
            text,
            buttons=[stop_waiting_button(lang)],
            deliver=False,
        )
        await output.send_response(handoff.sender_id, event.message())

    async def _check_triggers(self, sender_id: str, output: OutputChannel) -> None:
        tracker = self._saved.pop(sender_id, None) or await self.agent.tracker_store.retrieve(sender_id)
        if tracker is None or tracker.is_paused():
            return
        events = [e.as_dict() for e in tracker.events]
        slots = tracker.current_slot_values()
        trigger = triggers.evaluate(events, slots, self.config)
        if trigger is None:
            return
        logger.info("handoff: %s for %s (%s)", trigger.reason, sender_id, trigger.detail)
        await self._run_action(
            sender_id,
            "action_handoff",
            output,
            [SlotSet("handoff_reason", trigger.reason), SlotSet("handoff_detail", trigger.detail)],
        )
        opened = await run_sync(queue.open_handoff_for, sender_id)
        if opened is not None:
            self.bus.publish("queue", handoff=opened.as_dict())

    # ---- agents --------------------------------------------------------------------------

    async def _mirror(self, what: str, handoff: HandoffView, *args: Any) -> None:
        if self.mirror is None:
            return
        try:
            await getattr(self.mirror, what)(handoff, *args)
        except Exception:  # noqa: BLE001 - a copy of the conversation; the desk has it all
            logger.warning("handoff: could not mirror %s of handoff %s", what, handoff.id, exc_info=True)

    async def claimed(self, handoff: HandoffView, agent_name: str) -> None:
        lang = await self.language(handoff.sender_id)
        await self.delivery.send(handoff.sender_id, handoff.channel, t("handoff.joined", lang, agent=agent_name))
        self.bus.publish("queue", handoff=handoff.as_dict())
        await self._mirror("claimed", handoff, agent_name)

    async def took_over(self, handoff: HandoffView, agent_name: str) -> None:
        await self.delivery.append_events(handoff.sender_id, [ConversationPaused()])
        await self.claimed(handoff, agent_name)

    async def agent_message(
        self, handoff: HandoffView, agent: Dict[str, Any], text: str, mirror: bool = True
    ) -> Dict[str, Any]:
        event = await self.delivery.send(handoff.sender_id, handoff.channel, text, author=agent, strict=True)
        entry = Entry("agent", text, event.timestamp, agent=agent["name"]).as_dict()
        self.bus.publish("message", handoff_id=handoff.id, sender_id=handoff.sender_id, entry=entry)
        if mirror:
            await self._mirror("agent_said", handoff, agent["name"], text)
        return entry

    async def agent_typing(self, handoff: HandoffView, agent_name: str) -> None:
        """Show the customer that a person is writing (channels that can: the widget, Telegram)."""
        outbound = self.delivery.registry.outbound_for(handoff.channel)
        indicate = getattr(outbound, "indicate_typing", None)
        if indicate is None:
            return
        try:
            await indicate(handoff.sender_id, agent_name)
        except Exception:  # noqa: BLE001 - a typing indicator is worth a log line, never an error
            logger.debug("handoff: no typing indicator for %s", handoff.sender_id, exc_info=True)

    async def customer_typing(self, sender_id: str) -> None:
        """The customer is writing: the desk shows it in their conversation, if a person has it."""
        handoff = await run_sync(queue.open_handoff_for, sender_id)
        if handoff is not None:
            self.bus.publish("typing", handoff_id=handoff.id, sender_id=sender_id, who="customer")

    async def hand_back(self, handoff: HandoffView, agent_name: str) -> None:
        """Resume the bot and let it know: it asks whether anything else is needed."""
        await self._resume(handoff, "action_handed_back", {"handoff_agent_name": agent_name})
        self.bus.publish("queue", handoff=handoff.as_dict())
        await self._mirror("handed_back", handoff, agent_name)

    async def stop_waiting(self, handoff: HandoffView, output: Optional[OutputChannel] = None) -> None:
        closed = await run_sync(ownership.close, handoff.id, HandoffStatus.abandoned)
        await self._resume(closed, "action_stopped_waiting", {}, output)
        self.bus.publish("queue", handoff=closed.as_dict())

    async def _run_action(self, sender_id: str, action: str, output: OutputChannel, before: List[Any]) -> None:
        """Add `before` to the tracker, run `action`, then listen, under the conversation's lock.

        Rasa's trigger_intent would need an invented intent in the NLU data; running the action
        by name keeps the training data to what customers actually say.
        """
        async with self.agent.lock_store.lock(sender_id):
            tracker = await self.agent.tracker_store.get_or_create_tracker(sender_id)
            for event in before:
                tracker.update(event)
            await self.agent.tracker_store.save(tracker)
            processor = self.agent.processor
            prediction = PolicyPrediction.for_action_name(processor.domain, action, "handoff")
            await processor.execute_action(sender_id, action, output, self.agent.nlg, prediction)
            tracker = await self.agent.tracker_store.retrieve(sender_id)
            if tracker is not None and not tracker.is_paused():
                tracker.update(ActionExecuted("action_listen"))
                await self.agent.tracker_store.save(tracker)

    async def _resume(
        self, handoff: HandoffView, action: str, slots: Dict[str, Any], output: Optional[OutputChannel] = None
    ) -> None:
        # Outside a customer's request the bot's words go out like an agent's: on the customer's
        # channel, or with a REST customer's next request (the outbox).
        push = output or self.delivery.output_for(handoff.channel)
        before = [ConversationResumed(), *(SlotSet(k, v) for k, v in slots.items())]
        await self._run_action(handoff.sender_id, action, push, before)

    # ---- nobody can answer ---------------------------------------------------------------

    async def ticket_instead(self, handoff: HandoffView, why: str) -> None:
        """A waiting customer whom nobody can answer any more gets a ticket, not silence.
        `why`: the reason ("closed", "no_agents") or its English text (texts.NO_LONGER)."""
        tracker = await self.agent.tracker_store.retrieve(handoff.sender_id)
        lang = language_of(tracker)
        events = [e.as_dict() for e in tracker.events] if tracker else []
        slots = tracker.current_slot_values() if tracker else {}
        ticket = await run_sync(
            open_ticket,
            f"Handoff: {handoff.reason_text}"[:200],
            ticket_body(events, slots, handoff.reason_text),
            slots.get("verified_email") or slots.get("email") or handoff.customer_email or slots.get("customer_email"),
            channel=handoff.channel,
            sender_id=handoff.sender_id,
            priority="high",
        )
        closed = await run_sync(ownership.close, handoff.id, HandoffStatus.ticketed, ticket_reference=ticket.reference)
        await self.delivery.send(
            handoff.sender_id,
            handoff.channel,
            ticket_instead_of_wait(no_longer(why, lang), ticket.reference, lang),
        )
        await self.delivery.append_events(handoff.sender_id, [ConversationResumed()])
        self.bus.publish("queue", handoff=closed.as_dict())

    async def reply_to_ticket(self, sender_id: str, channel: str, agent: Dict[str, Any], text: str) -> None:
        await self.delivery.send(sender_id, channel, text, author=agent, strict=True)

    async def tell_queue_position(self, handoff: HandoffView, place: int, minutes: int) -> None:
        lang = await self.language(handoff.sender_id)
        await self.delivery.send(
            handoff.sender_id,
            handoff.channel,
            queue_update(place, minutes, lang),
            buttons=[stop_waiting_button(lang)],
        )
