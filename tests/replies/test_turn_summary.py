"""The turn summary: a decision in a few fields, no words of the message."""

from __future__ import annotations

from bot.replies.suggestions import fallback_topics, suggested_questions
from bot.replies.turn_summary import handover_summary, turn_summary
from bot.understanding.decide import Decision, Kind


def test_kinds_from_decisions() -> None:
    answered = turn_summary(Decision(Kind.ANSWER, topics=("renewal", "ce_hours")), "faq", 0.912345, "贵阳市")
    assert (answered.kind, answered.topic, answered.confidence, answered.city) == ("answer", "renewal", 0.9123, "贵阳市")
    assert turn_summary(Decision(Kind.COMPUTED, topics=("ce_hours",)), "faq", 0.9).kind == "answer"
    assert turn_summary(Decision(Kind.PERSONAL, topics=("renewal",)), "my_expiry", 0.9).topic == "renewal"
    clarify = turn_summary(Decision(Kind.CLARIFY, topics=("renewal", "portal")), "faq", 0.4)
    assert (clarify.kind, clarify.topic) == ("clarify", None)
    assert turn_summary(Decision(Kind.DECLINE), "out_of_scope", 0.8).kind == "decline"
    assert turn_summary(Decision(Kind.CLARIFY), "nlu_fallback", 0.3).kind == "fallback"
    assert turn_summary(Decision(Kind.DECLINE), "nlu_fallback", 0.3).kind == "fallback"
    assert turn_summary(Decision(Kind.DEFER), "goodbye", 0.95).kind == "other"
    assert turn_summary(None, None, None).kind == "other"
    assert handover_summary("human_handoff", 1.0).kind == "handover"


def test_suggestions_are_the_most_asked_then_the_fixed_list() -> None:
    known = ["renewal", "ce_hours", "portal", "change_employer", "cancellation", "addition", "renewal_expired"]
    buttons = suggested_questions(["addition", "gone_topic", "renewal"], known)
    assert [b["payload"] for b in buttons][:2] == ['/faq{"faq_topic": "addition"}', '/faq{"faq_topic": "renewal"}']
    assert len(buttons) == 4 and all(b["title"] for b in buttons)
    assert [b["payload"] for b in suggested_questions([], known)] == \
        [f'/faq{{"faq_topic": "{t}"}}' for t in fallback_topics()[:4]]
