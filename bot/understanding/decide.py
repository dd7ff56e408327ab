"""What to do with one turn: answer (which topics), compute from typed facts, answer from the registrant's
own record, decline, ask "您是想问", or ask back. Pure: the caller passes what the classifier said and what
the conversation knows; the reply is rendered elsewhere (bot/replies/turn_reply.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from bot.understanding.agreement import agrees, term_score, topics_by_terms
from bot.understanding.follow_up import follow_up_topic, looks_like_follow_up
from bot.understanding.lexicon import ScopeKind, Thresholds, normal_form, thresholds, words
from bot.understanding.questions import questions_of, split_questions
from bot.understanding.retrieval import retrieval_first, retrieval_rank
from bot.understanding.scope import out_of_scope_kind, too_vague
from bot.understanding.typed_facts import TypedFacts, typed_facts

FAQ = "faq"
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
HANDOFF = "human_handoff"  # always offered with its own button
CHOICES = 3
# The general topic of each question about one's own record, and back.
GENERAL_TOPIC = {"my_expiry": "renewal", "my_renewal_deadline": "renewal", "my_renewal_eligibility": "renewal",
                 "my_hours": "ce_hours", "my_age_cap": "age_limit", "my_unregistered": "initial_registration",
                 "my_addition": "addition", "my_paper_certificate": "paper_certificate",
                 "my_abnormal_status": "abnormal_status"}
PERSONAL_INTENT = {"renewal_expired": "my_renewal_eligibility", "ce_hours": "my_hours", "age_limit": "my_age_cap",
                   "initial_registration": "my_unregistered", "addition": "my_addition",
                   "paper_certificate": "my_paper_certificate", "electronic_certificate": "my_paper_certificate",
                   "abnormal_status": "my_abnormal_status"}
COMPUTABLE = {"renewal", "renewal_expired", "age_limit", "initial_registration", "addition", "ce_hours"}


class Kind(Enum):
    ANSWER = "answer"
    COMPUTED = "computed"
    PERSONAL = "personal"
    DECLINE = "decline"
    CLARIFY = "clarify"
    DEFER = "defer"


@dataclass(frozen=True)
class Turn:
    text: str
    intent: str
    intent_confidence: float
    topics: tuple[tuple[str, float], ...] = ()
    """The classifier's FAQ topics with their probability given faq, best first."""
    intents: tuple[tuple[str, float], ...] = ()
    chosen_topic: str | None = None
    """A topic chosen with a button: answered as asked."""
    previous_topic: str | None = None
    identified: bool = False
    today: dt.date | None = None
    """Reads 今年/明年 in typed dates."""
    specialties: tuple[str, ...] = ()
    """Specialties the message names (建筑和市政: two)."""


def agreement(topic: str, text: str, settings: Thresholds) -> bool:
    """Does the second signal agree that the question is about `topic`?"""
    by_terms = agrees(topic, text)
    if settings.agreement == "terms":
        return by_terms
    rank = retrieval_rank(topic, text)
    if settings.agreement == "first_or_terms":
        # Retrieval's first topic, or one of its first few when the topic's words are in the question too.
        return rank == 1 or (by_terms and rank <= settings.retrieval_rank)
    by_retrieval = rank <= settings.retrieval_rank
    if settings.agreement == "retrieval":
        return by_retrieval
    if settings.agreement == "terms_and_retrieval":
        return by_terms and by_retrieval
    return by_terms or by_retrieval


@dataclass(frozen=True)
class Decision:
    kind: Kind
    topics: tuple[str, ...] = ()
    """ANSWER: the topics to answer, in order; CLARIFY: the choices; DECLINE: the nearest topics."""
    buttons: tuple[str, ...] = ()
    """ANSWER: topics of a second question that was not matched confidently, offered as buttons."""
    facts: TypedFacts = field(default_factory=TypedFacts)
    scope: ScopeKind | None = None
    personal_intent: str | None = None
    """PERSONAL: the question about one's own record; with offer_identity: the one to answer once identified."""
    intent_choices: tuple[str, ...] = ()
    """CLARIFY: other intents the classifier ranked high (a draft, one's own dates), offered too."""
    offer_identity: bool = False
    reason: str = ""


def _faq_probability(turn: Turn) -> dict[str, float]:
    faq = turn.intent_confidence if turn.intent == FAQ else dict(turn.intents).get(FAQ, 0.0)
    return {topic: faq * share for topic, share in turn.topics}


def _choices(turn: Turn, *first: str) -> tuple[str, ...]:
    """Up to three topics to offer: the ones given, the classifier's best, then the words' best."""
    classifier = [topic for topic, _ in turn.topics[:2]]
    retrieved = [topic for topic in (retrieval_first(turn.text),) if topic]
    by_terms = [topic for topic, _ in topics_by_terms(turn.text)[:1]]
    ranked = [*first, *classifier[:1], *retrieved, *classifier[1:], *by_terms]
    return tuple(dict.fromkeys(ranked))[:CHOICES]


def _clarify(turn: Turn, reason: str, *first: str) -> Decision:
    others = tuple(name for name, _ in turn.intents if name not in (FAQ, FALLBACK, OUT_OF_SCOPE, HANDOFF))
    return Decision(Kind.CLARIFY, _choices(turn, *first), intent_choices=others[:1], reason=reason)


def _personal_intent(topic: str, text: str) -> str | None:
    if topic == "renewal":
        normal = normal_form(text)
        asks = words().renewal_asks
        return next((intent for intent, pattern in asks if pattern.search(normal)), "my_renewal_deadline")
    return PERSONAL_INTENT.get(topic)


def _answer(turn: Turn, topic: str, facts: TypedFacts, reason: str, buttons: tuple[str, ...] = (),
            also: tuple[str, ...] = ()) -> Decision:
    """An answer on `topic`: from typed facts when the message has them, from the record when identified."""
    if facts.anything:
        return Decision(Kind.COMPUTED, (topic,), facts=facts, reason=reason)
    if turn.identified and not also and not facts.specialty_count and (intent := _personal_intent(topic, turn.text)):
        return Decision(Kind.PERSONAL, (topic,), personal_intent=intent, reason=reason)
    return Decision(Kind.ANSWER, (topic, *also), buttons, facts=facts, reason=reason)


def _second_questions(turn: Turn, topic: str, settings: Thresholds) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Other questions of the message: (topics to answer too, topics to offer as buttons).

    A part of the message that reads as a question and is not about `topic` is answered when retrieval's
    first topic for it has the part's words too (the same two signals as the whole message), else offered.
    """
    parts = questions_of(turn.text)
    if len(parts) < 2:
        return (), ()
    answered: list[str] = []
    offered: list[str] = []
    for part in parts:
        other = retrieval_first(part)
        if other is None or other == topic or out_of_scope_kind(part):
            continue
        if agrees(topic, part) and not agrees(other, part):
            continue
        (answered if term_score(other, part) >= settings.second_question_terms else offered).append(other)
    return tuple(dict.fromkeys(answered)), tuple(dict.fromkeys(t for t in offered if t not in answered))


def _own_record_runner_up(turn: Turn, settings: Thresholds) -> Decision | None:
    """An identified registrant whose question the classifier, unsure of the topic, also took for one about
    their own record (a runner-up intent), whose words are in the question and which the classifier's topics or
    retrieval also rank near the top: their own answer, not "您是想问"."""
    near = {topic for topic, _ in turn.topics[:2]}
    for name, _ in turn.intents[:3]:
        topic = GENERAL_TOPIC.get(name)
        if topic and agrees(topic, turn.text) and (topic in near or agreement(topic, turn.text, settings)):
            return Decision(Kind.PERSONAL, (topic,), personal_intent=name,
                            reason="identified; the runner-up intent is about their own record")
    return None


def _both_agree(topic: str, text: str) -> bool:
    """The topic's words are in the question and retrieval puts the topic first."""
    return agrees(topic, text) and retrieval_rank(topic, text) == 1


def _faq(turn: Turn, facts: TypedFacts, settings: Thresholds) -> Decision:
    if not turn.topics:
        return _clarify(turn, "no topic")
    topic = turn.topics[0][0]
    probability = _faq_probability(turn)[topic]
    # Both other signals pointing at the classifier's topic make up for a less sure classifier.
    needed = settings.answer_confidence
    if _both_agree(topic, turn.text):
        needed = min(settings.agreed_confidence, needed)
    if not (probability >= needed and agreement(topic, turn.text, settings)):
        if turn.identified and (own := _own_record_runner_up(turn, settings)) is not None:
            return own
        return _clarify(turn, "classifier and second signal disagree, or unsure")
    also, offered = _second_questions(turn, topic, settings)
    return _answer(turn, topic, facts, "classifier and second signal agree", offered, also)


def _personal(turn: Turn, facts: TypedFacts, settings: Thresholds) -> Decision:
    topic = GENERAL_TOPIC[turn.intent]
    if facts.anything:
        return Decision(Kind.COMPUTED, (topic,), facts=facts, reason="facts typed in a personal question")
    if turn.identified:
        return Decision(Kind.PERSONAL, (topic,), personal_intent=turn.intent, reason="identified registrant")
    if not agreement(topic, turn.text, settings):
        return _clarify(turn, "personal intent without its words", topic)
    return Decision(Kind.ANSWER, (topic,), facts=facts, offer_identity=True, personal_intent=turn.intent,
                    reason="general answer, identification offered")


def _follow_up(turn: Turn, facts: TypedFacts) -> Decision | None:
    if turn.previous_topic is None or not looks_like_follow_up(turn.text):
        return None
    topic = follow_up_topic(turn.text, turn.previous_topic)
    if topic is None:
        return None
    return _answer(turn, topic, facts, f"follow-up of {turn.previous_topic}")


def _only_in_the_story(turn: Turn, settings: Thresholds) -> bool:
    """A long message whose questions name nothing out of scope ("…待遇比现在好。…是要先注销吗"), and whose
    classifier topic both second signals agree on: what is out of scope is only the story around the question."""
    questions = questions_of(turn.text)
    if len(split_questions(turn.text)) < 3 or not questions or any(out_of_scope_kind(part) for part in questions):
        return False
    if turn.intent != FAQ or not turn.topics:
        return False
    topic = turn.topics[0][0]
    return _faq_probability(turn)[topic] >= settings.answer_confidence and _both_agree(topic, turn.text)


def _typed_topic(turn: Turn, facts: TypedFacts) -> str | None:
    """The topic to compute for, when the message has a dated fact or hours: the classifier's when it
    can use them, else none (the facts' roles decide)."""
    topic = turn.topics[0][0] if turn.intent in (FAQ, FALLBACK) and turn.topics else GENERAL_TOPIC.get(turn.intent)
    return topic if topic in COMPUTABLE else None


def decide(turn: Turn, settings: Thresholds | None = None) -> Decision:
    settings = settings or thresholds()
    if turn.chosen_topic:
        return Decision(Kind.ANSWER, (turn.chosen_topic,), reason="chosen with a button")
    scope = out_of_scope_kind(turn.text)
    if scope is not None and not _only_in_the_story(turn, settings):
        return Decision(Kind.DECLINE, scope.near, scope=scope, reason=f"names {scope.name}")
    facts = typed_facts(turn.text, turn.today, turn.specialties)
    if facts.known_dates or facts.hours_typed:
        topic = _typed_topic(turn, facts)
        return Decision(Kind.COMPUTED, (topic,) if topic else (), facts=facts, reason="facts typed in the question")
    if (follow_up := _follow_up(turn, facts)) is not None:
        return follow_up
    if turn.intent in (FAQ, FALLBACK, *GENERAL_TOPIC) and too_vague(turn.text):
        return _clarify(turn, "too vague")
    if turn.intent == OUT_OF_SCOPE:
        # No out-of-scope word, but the classifier says so: ask rather than decline when the words and
        # retrieval both point at one topic of the notice ("二建证书丢失怎么补办").
        retrieved = retrieval_first(turn.text)
        if retrieved and agrees(retrieved, turn.text):
            return _clarify(turn, "classifier: out of scope, but the words point at a topic", retrieved)
        if turn.intent_confidence >= settings.decline_confidence or not topics_by_terms(turn.text):
            return Decision(Kind.DECLINE, reason="classifier: out of scope")
        return _clarify(turn, "out of scope, but not sure")
    if turn.intent == FAQ:
        return _faq(turn, facts, settings)
    if turn.intent in GENERAL_TOPIC:
        return _personal(turn, facts, settings)
    if turn.intent == FALLBACK:
        # Unsure between intents: the runner-up is judged as if it had won, with the same thresholds.
        runner_up = next((name for name, _ in turn.intents if name != FALLBACK), None)
        if runner_up == FAQ:
            return _faq(turn, facts, settings)
        if runner_up in GENERAL_TOPIC:
            return _personal(dataclasses.replace(turn, intent=str(runner_up)), facts, settings)
        return _clarify(turn, "low confidence")
    return Decision(Kind.DEFER, reason="not a question about the notice")
