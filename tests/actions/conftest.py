"""Actions run against a real registry: a SQLite database the tests fill themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.services
from bot.exchange.importer import import_file
from bot.services.database import forget_shared_database
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database
from tests.bot.records import lines, person

TODAY = "2025-12-01"


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'actions.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASSISTANT_TODAY", TODAY)
    forget_shared_database()
    monkeypatch.setattr(actions.services, "_limits", None)
    upgrade_to_head(url)
    database = Database(url)
    export = tmp_path / "people.jsonl"
    export.write_text(lines(person("P000001"), person("P000002", name="李娜", birth="1961-09-01")), encoding="utf-8")
    import_file(database, export)
    yield database
    database.dispose()
    forget_shared_database()


def tracker(text: str, intent: str, slots: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None,
            response_key: str | None = None, metadata: dict[str, Any] | None = None,
            ranking: list[dict[str, Any]] | None = None, sender: str = "conv-1",
            events: list[dict[str, Any]] | None = None) -> Tracker:
    message: dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or [],
                               "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
                               "metadata": metadata or {}}
    if response_key:
        message["response_selector"] = {"faq": {"response": {"intent_response_key": response_key},
                                                "ranking": [{"intent_response_key": response_key,
                                                             "confidence": 1.0}]}}
    return Tracker(sender, slots or {}, message, events or [], False, None, {}, "action_listen")


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    """What the person reads: the chat page's 'who is identified' message has no text and is left out."""
    return [m.get("text") or m.get("response") or "" for m in dispatcher.messages if not m.get("custom")]


def identities(dispatcher: CollectingDispatcher) -> list[Any]:
    return [m["custom"]["identity"] for m in dispatcher.messages if "identity" in (m.get("custom") or {})]


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
