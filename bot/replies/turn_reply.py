"""A decision about a turn (bot/understanding/decide.py) as the messages the assistant sends.

Answers end with their 依据 line; a decline, a "您是想问" and a question back carry none.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from bot.config import PROJECT_ROOT
from bot.replies.answer_files import answer_file
from bot.replies.computed import AskBack, computed_answer
from bot.replies.knowledge import Answer, knowledge_answer, topics
from bot.replies.titles import faq_title, intent_title
from bot.understanding.decide import Decision, Kind

TURNS_FILE = PROJECT_ROOT / "data" / "answers" / "turns.yml"
HANDOFF_PAYLOAD = "/human_handoff"
CHOICES = 3


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[dict[str, str], ...] = ()
    answered_topic: str | None = None


@dataclass(frozen=True)
class Reply:
    messages: tuple[Message, ...] = field(default_factory=tuple)

    @property
    def answered_topic(self) -> str | None:
        return next((m.answered_topic for m in self.messages if m.answered_topic), None)


def _texts() -> dict[str, Any]:
    return answer_file("turns.yml")


def say(key: str, **values: object) -> str:
    return str(_texts()[key]).format(**values)


def topic_button(topic: str) -> dict[str, str]:
    return {"title": faq_title(topic), "payload": "/faq" + json.dumps({"faq_topic": topic}, ensure_ascii=False)}


def handoff_button() -> dict[str, str]:
    return {"title": say("handoff_button"), "payload": HANDOFF_PAYLOAD}


def _known(found: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(topic for topic in found if topic in topics())


def with_lines(answer: Answer, *lines: str) -> str:
    """The answer with lines added before its 依据 line (which stays last)."""
    return "\n".join([answer.text, *lines, answer.basis_line])


def decline(decision: Decision) -> Reply:
    text = say("decline_kind", label=decision.scope.label) if decision.scope else say("decline")
    buttons = (*tuple(topic_button(t) for t in _known(decision.topics)[:2]), handoff_button())
    return Reply((Message(text, buttons),))


def clarify(decision: Decision) -> Reply:
    buttons = [topic_button(t) for t in _known(decision.topics)]
    buttons += [{"title": title, "payload": f"/{name}"} for name in decision.intent_choices
                if (title := intent_title(name))]
    if not buttons:
        return Reply((Message(say("clarify_none"), (handoff_button(),)),))
    return Reply((Message(say("clarify"), (*buttons[:CHOICES + 1], handoff_button())),))


def answers(decision: Decision, today: dt.date) -> Reply:
    found = []
    for index, topic in enumerate(_known(decision.topics)):
        answer = knowledge_answer(topic, today, decision.facts.specialty_count)
        lines = [say("offer_identity")] if decision.offer_identity and index == 0 else []
        found.append(Message(with_lines(answer, *lines), answered_topic=topic))
    offered = _known(decision.buttons)
    if offered:
        found.append(Message(say("second_question"), tuple(topic_button(t) for t in offered)))
    return Reply(tuple(found)) if found else clarify(decision)


def computed(decision: Decision, today: dt.date) -> Reply:
    topic = decision.topics[0] if decision.topics else None
    result = computed_answer(decision.facts, topic, today)
    if isinstance(result, AskBack):
        return Reply((Message(result.text),))
    if result is None:
        return answers(decision, today)
    return Reply((Message(result.render(), answered_topic=result.topic),))


def turn_reply(decision: Decision, today: dt.date) -> Reply:
    """The messages for every decision but PERSONAL (which needs the registrant's record) and DEFER."""
    if decision.kind is Kind.DECLINE:
        return decline(decision)
    if decision.kind is Kind.CLARIFY:
        return clarify(decision)
    if decision.kind is Kind.COMPUTED:
        return computed(decision, today)
    return answers(decision, today)
