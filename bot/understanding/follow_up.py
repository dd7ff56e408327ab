"""Elliptical follow-ups resolved against the previous topic (data/understanding/follow_ups.yml)."""

from __future__ import annotations

from bot.understanding.lexicon import aspects, follow_up_shape, normal_form


def looks_like_follow_up(text: str) -> bool:
    """Short and leaning on what came before: "那三个专业呢", "要准备哪些材料", "过期了呢"."""
    normal = normal_form(text)
    shape = follow_up_shape()
    return len(normal) <= shape.max_chars and bool(shape.pattern.search(normal))


def follow_up_topic(text: str, previous_topic: str) -> str | None:
    """The topic a follow-up asks about after `previous_topic`, or None when no aspect is named."""
    normal = normal_form(text)
    for aspect in aspects():
        if aspect.pattern.search(normal) and (topic := aspect.topic_after(previous_topic)):
            return topic
    return None
