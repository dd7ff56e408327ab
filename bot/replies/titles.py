"""Short Chinese titles of topics and intents, for buttons (data/answers/titles.yml)."""

from __future__ import annotations

from typing import Any

from bot.replies.answer_files import answer_file


def _titles() -> dict[str, Any]:
    return answer_file("titles.yml")


def faq_title(topic: str) -> str:
    return str(_titles()["faq_titles"].get(topic, topic))


def intent_title(intent: str) -> str | None:
    title = _titles()["intent_titles"].get(intent)
    return None if title is None else str(title)
