"""Every change this project makes to Rasa's own classes and objects, in one list, with why.

Rasa 3.6 has no extension point for these; each patch is small, keeps Rasa's behaviour where it
is right, and is covered by tests (named below). The composition root (bot/app.py) installs
them; `python -m bot.patched_rasa` installs the class patches for `rasa test`, so the story
tests check the dialogue exactly as the server runs it.

| patched | by | why | tests |
|---|---|---|---|
| `RemoteAction.run` | bot/resilience.py | a failed action server call gets an apology and a way to a person, not silence; `action_handoff` still reaches a person | tests/e2e/test_resilience.py |
| `FormAction.run` | bot/resilience.py | a form whose validation cannot run is closed instead of asking the same question forever | tests/e2e/test_resilience.py |
| `RemoteAction._validate_action_result` | bot/speedups.py | one compiled JSON-schema validator instead of rebuilding one per action response (~14 % of the server's CPU) | every action call in tests/e2e; benchmarks/load.py |
| `MessageProcessor._predict_next_with_tracker` | bot/speedups.py | ask the RulePolicy first: a rule that applies always wins, so TED runs only when none does | make test-stories (both paths) |
| `MessageProcessor.parse_message`, `._run_prediction_loop` | bot/model_thread.py | NLU and policies run in one model thread beside the event loop: one long message cannot stall every other customer | tests/security/test_availability.py |
| `RasaModel.load` | bot/model_loading.py | DIET's and TED's weights are built by one eager forward pass instead of a traced training step before the saved weights are read: an agent loads in ~12 s instead of ~27 s, with the same weights and predictions (fine-tuning loads Rasa's way) | tests/test_model_loading.py; make test-stories (patched path) |
| the tracker store's engine (an instance) | bot/speedups.py `pool_sqlite_tracker_store` | pooled SQLite connections in WAL mode instead of a new connection per read/write | every end-to-end test (SQLite default); benchmarks/load.py |
| the tracker store's engine on PostgreSQL (an instance) | bot/storage.py `reconnecting_postgres_tracker_store` | `pool_pre_ping`: a connection PostgreSQL dropped is replaced before use instead of failing a customer's message | tests/cluster |
| Rasa's `FailSafeTrackerStore` (an instance) | bot/storage.py `no_silent_fallback` | a database error fails the message (503, retryable) instead of silently starting the conversation over or keeping the turn in one process's memory | tests/cluster/test_faults.py |
| `MessageProcessor._handle_message_with_tracker` | bot/i18n/slot.py | the conversation's `language` slot is set from each message before the dialogue answers it (Rasa fills slots only after) | tests/i18n, tests/e2e/test_japanese.py |
| the tracker store's `save` (an instance) | `remember_saved_trackers` below | the handoff gate reads the tracker a turn just saved instead of loading it again | tests/handoff |

The handoff gate itself is not a patch: the root hands `HandoffRuntime.handle_message` to the
channels as the function they call for every customer message.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from bot import model_loading, model_thread, resilience, speedups, storage
from bot.i18n import slot as language_slot
from bot.settings import Settings

logger = logging.getLogger(__name__)


def install_class_patches(settings: Settings) -> None:
    """The patches on Rasa's classes (once per process; idempotent)."""
    resilience.install(settings.support_email, settings.handoff)
    language_slot.install(settings.language.default)
    install_prediction_patches()


def install_prediction_patches() -> None:
    """The ones that change how a turn is predicted (also installed for `rasa test`)."""
    speedups.install()
    model_thread.install()
    model_loading.install()


PATCHED = "_support_patched"


def install_tracker_store_patches(tracker_store: Any, on_save: Callable[[Any], None]) -> bool:
    """The patches on the loaded agent's tracker store, once per store: the root calls this for
    the agent loaded at start and for one a `PUT /model` loads later. True if it installed them."""
    if getattr(tracker_store, PATCHED, False):
        return False
    if speedups.pool_sqlite_tracker_store(tracker_store):
        logger.info("tracker store: pooled SQLite connections in WAL mode")
    if storage.reconnecting_postgres_tracker_store(tracker_store):
        logger.info("tracker store: PostgreSQL connections checked before use")
    storage.no_silent_fallback(tracker_store)
    remember_saved_trackers(tracker_store, on_save)
    setattr(tracker_store, PATCHED, True)
    return True


def remember_saved_trackers(tracker_store: Any, on_save: Callable[[Any], None]) -> None:
    """After each successful save, `on_save(tracker)`."""
    save = tracker_store.save

    async def remembering_save(tracker: Any) -> None:
        await save(tracker)
        on_save(tracker)

    tracker_store.save = remembering_save
