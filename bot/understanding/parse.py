"""A Turn from what Rasa's NLU said about a message (its parse result, Tracker.latest_message)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.understanding.decide import Turn

RETRIEVAL_INTENT = "faq"


def _topic_ranking(message: dict[str, Any], known: set[str]) -> tuple[tuple[str, float], ...]:
    selector = message.get("response_selector", {}).get(RETRIEVAL_INTENT, {})
    found = []
    for entry in selector.get("ranking", []):
        key = str(entry.get("intent_response_key") or "")
        topic = key.split("/", 1)[1] if "/" in key else ""
        if topic in known:
            found.append((topic, float(entry.get("confidence") or 0.0)))
    return tuple(found)


def turn_from_message(message: dict[str, Any], known_topics: set[str], *, previous_topic: str | None = None,
                      identified: bool = False, today: dt.date | None = None) -> Turn:
    """The classifier's intent, intent ranking and FAQ topics, a button's topic and the named specialties."""
    intent = message.get("intent") or {}
    entities = message.get("entities") or []
    chosen = [str(e.get("value")) for e in entities if e.get("entity") == "faq_topic"]
    return Turn(
        text=str(message.get("text") or ""),
        intent=str(intent.get("name") or ""),
        intent_confidence=float(intent.get("confidence") or 0.0),
        topics=_topic_ranking(message, known_topics),
        intents=tuple((str(i.get("name")), float(i.get("confidence") or 0.0))
                      for i in message.get("intent_ranking", [])),
        chosen_topic=chosen[0] if chosen and chosen[0] in known_topics else None,
        previous_topic=previous_topic,
        identified=identified,
        today=today,
        specialties=tuple(str(e.get("value")) for e in entities if e.get("entity") == "specialty"),
    )
