"""The SQL tracker store keeps the trackers it saved, and goes back to the database whenever they may be stale."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.rasa.tracker_store import RegistryTrackerStore

DOMAIN = Domain.from_dict({"slots": {"person_id": {"type": "any", "mappings": [{"type": "custom"}]}},
                           "intents": ["greet"]})


def store(url: str) -> RegistryTrackerStore:
    return RegistryTrackerStore(domain=DOMAIN, host=url)


def conversation(sender: str, *texts: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    for said in texts:
        tracker.update(UserUttered(said, {"name": "greet", "confidence": 1.0}))
    return tracker


def this_session(tracker: DialogueStateTracker) -> list[dict]:
    """The events from the session's start on: what a tracker read back from the database holds."""
    events = list(tracker.events)
    start = max(i for i, e in enumerate(events) if isinstance(e, SessionStarted))
    return [e.as_dict() for e in events[start:]]


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


def stored_texts(url: str, sender: str) -> list[str]:
    engine = store(url).engine
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
        return [json.loads(row[0]).get("text") for row in rows if json.loads(row[0]).get("event") == "user"]


def test_a_saved_conversation_comes_back_with_every_event_and_nothing_stored_twice(url: str) -> None:
    one = store(url)
    tracker = conversation("a", "你好")
    run(one.save(tracker))
    again = run(one.retrieve("a"))
    again.update(UserUttered("延续注册", {"name": "greet", "confidence": 1.0}))
    run(one.save(again))
    assert stored_texts(url, "a") == ["你好", "延续注册"]
    fresh = run(store(url).retrieve("a"))
    assert [e.as_dict() for e in fresh.events] == this_session(run(one.retrieve("a")))


def test_another_replicas_turn_is_read_from_the_database(url: str) -> None:
    first, second = store(url), store(url)
    run(first.save(conversation("b", "你好")))
    assert run(first.retrieve("b")) is not None
    theirs = run(second.retrieve("b"))
    theirs.update(SlotSet("person_id", "P-1"))
    run(second.save(theirs))
    ours = run(first.retrieve("b"))
    assert ours.get_slot("person_id") == "P-1"


def test_a_turn_that_was_not_saved_is_forgotten(url: str) -> None:
    one = store(url)
    run(one.save(conversation("c", "你好")))
    tracker = run(one.retrieve("c"))
    tracker.update(SlotSet("person_id", "P-2"))  # the turn fails before Rasa saves it
    again = run(one.retrieve("c"))
    assert again.get_slot("person_id") is None
    assert [e["event"] for e in this_session(again)] == ["session_started", "action", "user"]


def test_full_id_numbers_are_masked_in_what_is_stored(url: str) -> None:
    one = store(url)
    run(one.save(conversation("d", "我的身份证520102198001011234")))
    assert "520102198001011234" not in " ".join(stored_texts(url, "d"))
    assert "1234" in " ".join(stored_texts(url, "d"))


def test_only_the_most_recent_conversations_are_kept(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.rasa import tracker_store

    monkeypatch.setattr(tracker_store, "KEPT_CONVERSATIONS", 2)
    one = store(url)
    for sender in ("e1", "e2", "e3"):
        run(one.save(conversation(sender, "你好")))
    assert list(one._kept) == ["e2", "e3"]
    assert run(one.retrieve("e1")) is not None  # read from the database again
