"""Searching transcripts in Rasa's SQL tracker store (bot/desk/trackers.py), non-ASCII included."""

from __future__ import annotations

from types import SimpleNamespace

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.desk.trackers import TrackerReader


async def test_search_finds_customer_and_bot_text_in_any_case(tmp_path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "trackers.db"))
    for sender, said, answered in (
        ("webchat:a", "My parcel to the Café is late", "Sorry about that"),
        ("webchat:b", "hello", "Your refund left today"),
        ("webchat:c", "100% sure it_broke", "ok"),
    ):
        tracker = DialogueStateTracker(sender, [])
        tracker.update(UserUttered(said))
        tracker.update(BotUttered(answered))
        await store.save(tracker)
    reader = TrackerReader(lambda: SimpleNamespace(tracker_store=store))
    assert await reader.search("café") == {"webchat:a"}
    assert await reader.search("PARCEL") == {"webchat:a"}
    assert await reader.search("refund") == {"webchat:b"}
    assert await reader.search("100%") == {"webchat:c"}
    assert await reader.search("r_f") == set()  # "_" is a character, not a wildcard ("ref" does not match)
    assert await reader.search("it_broke") == {"webchat:c"}
    assert await reader.search("") == set()
