"""The chat page's suggested questions: the most asked topics, filled up from a fixed list (data/)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import yaml

from bot.config import PROJECT_ROOT
from bot.replies.turn_reply import topic_button

SUGGESTIONS_FILE = PROJECT_ROOT / "data" / "suggested_topics.yml"
SUGGESTIONS = 4


@lru_cache(maxsize=1)
def fallback_topics() -> tuple[str, ...]:
    with SUGGESTIONS_FILE.open(encoding="utf-8") as handle:
        return tuple(str(topic) for topic in yaml.safe_load(handle)["fallback"])


def suggested_questions(most_asked: Iterable[str], known: Iterable[str],
                        count: int = SUGGESTIONS) -> list[dict[str, str]]:
    """Buttons (title, payload) for up to `count` topics: the most asked ones first, then the fixed list; a topic the
    knowledge base no longer has is left out."""
    topics = set(known)
    chosen = [topic for topic in dict.fromkeys([*most_asked, *fallback_topics()]) if topic in topics][:count]
    return [topic_button(topic) for topic in chosen]
