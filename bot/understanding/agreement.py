"""A second signal: the words of the question against each topic's words (data/understanding/topic_terms.yml).

It is independent of the classifier (a hand-written word list, not a model trained on data/nlu), so a
topic both agree on is unlikely to be the answer to a different question.
"""

from __future__ import annotations

from bot.understanding.lexicon import normal_form, topic_terms


def term_score(topic: str, text: str) -> int:
    """How many characters of the question the topic's words cover (0: none of its words is there)."""
    pattern = topic_terms().get(topic)
    if pattern is None:
        return 0
    return sum(len(match.group(0)) for match in pattern.finditer(normal_form(text)))


def agrees(topic: str, text: str) -> bool:
    return term_score(topic, text) > 0


def topics_by_terms(text: str) -> list[tuple[str, int]]:
    """Topics whose words the question uses, the best covered first."""
    scored = [(topic, term_score(topic, text)) for topic in topic_terms()]
    return sorted([entry for entry in scored if entry[1] > 0], key=lambda entry: -entry[1])
