"""Rasa's model runs beside the event loop, not on it.

Rasa 3.6 runs its NLU pipeline (`_parse_message_with_graph`) and its policies
(`predict_next_with_tracker_if_should`) synchronously inside coroutines: while one message is
being understood, the server's event loop does nothing else: no webhook is acknowledged, no
widget ping answered, no other customer's reply sent. These patches run both in one dedicated
thread. One thread, so the model's components never run concurrently (exactly as before, and
nothing in them needs to be thread-safe); beside the loop, so everything else keeps moving.
TensorFlow and PyTorch release the GIL while they compute.

The message length limit (bot/intake.py) bounds how long any single message can take; this
keeps the rest of the server responsive during that time.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Optional, TypeVar

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.processor import ActionLimitReached, MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

T = TypeVar("T")

_executor: Optional[ThreadPoolExecutor] = None


def _model_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rasa-model")
    return _executor


async def in_model_thread(func: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_model_executor(), functools.partial(func, *args))


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[str, Any]:
    """MessageProcessor.parse_message, with the graph run in the model thread."""
    if self.http_interpreter:
        parse_data = await self.http_interpreter.parse(message)
    else:
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await in_model_thread(self._parse_message_with_graph, message, tracker, only_output_properties)
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


async def run_prediction_loop(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> None:
    """MessageProcessor._run_prediction_loop (Rasa 3.6.21), with each prediction in the model thread."""
    should_predict_another_action = True
    while should_predict_another_action and self._should_handle_message(tracker):
        try:
            action, prediction = await in_model_thread(self.predict_next_with_tracker_if_should, tracker)
        except ActionLimitReached:
            logger.warning(
                "Circuit breaker tripped. Stopped predicting more actions for sender '%s'.", tracker.sender_id
            )
            if self.on_circuit_break:
                self.on_circuit_break(tracker, output_channel, self.nlg)
            break
        if prediction.is_end_to_end_prediction:
            tracker = await self.run_action_extract_slots(output_channel, tracker)
        should_predict_another_action = await self._run_action(action, tracker, output_channel, self.nlg, prediction)


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]
    MessageProcessor._run_prediction_loop = run_prediction_loop  # type: ignore[method-assign]
