"""Short Chinese titles of topics and intents, for buttons (data/answers/titles.yml)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from bot.config import PROJECT_ROOT


@lru_cache(maxsize=1)
def _titles() -> dict[str, Any]:
    with (PROJECT_ROOT / "data" / "answers" / "titles.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def faq_title(topic: str) -> str:
    return str(_titles()["faq_titles"].get(topic, topic))


def intent_title(intent: str) -> str | None:
    title = _titles()["intent_titles"].get(intent)
    return None if title is None else str(title)
