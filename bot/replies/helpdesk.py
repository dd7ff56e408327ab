"""What the assistant says when it passes a conversation to the helpdesk."""

from __future__ import annotations

from bot.config import settings
from bot.replies.messages import say


def handover_opened(ticket: str) -> str:
    hours = settings().helpdesk_hours or say("assistant", "helpdesk_hours")
    return say("assistant", "handover_opened", ticket=ticket, hours=hours)
