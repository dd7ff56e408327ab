"""What a turn was, for feedback and /staff/insights: a decision (bot/understanding/decide.py) summed up in a few
fields, without the words of the message. The actions send it as one extra message (bot.services.feedback)."""

from __future__ import annotations

from bot.services.feedback import TurnSummary
from bot.understanding.decide import Decision, Kind

FALLBACK_INTENT = "nlu_fallback"
ANSWERED = (Kind.ANSWER, Kind.COMPUTED, Kind.PERSONAL)


def turn_summary(decision: Decision | None, intent: str | None, confidence: float | None,
                 city: str | None = None) -> TurnSummary:
    """answer (with the topic answered), clarify, decline, fallback (the classifier's nlu_fallback, asked back or
    declined), or other (a turn that was no question about the notice: a goodbye, a stray yes)."""
    kind, topic = "other", None
    if decision is not None:
        if decision.kind in ANSWERED:
            kind, topic = "answer", decision.topics[0] if decision.topics else None
        elif decision.kind in (Kind.CLARIFY, Kind.DECLINE):
            kind = "fallback" if intent == FALLBACK_INTENT else decision.kind.value
    return TurnSummary(kind=kind, intent=intent, confidence=None if confidence is None else round(confidence, 4),
                       topic=topic, city=city)


def handover_summary(intent: str | None, confidence: float | None, city: str | None = None) -> TurnSummary:
    """转人工: a hand-over ticket was opened."""
    return TurnSummary(kind="handover", intent=intent,
                       confidence=None if confidence is None else round(confidence, 4), city=city)
