"""Two questions in one message: the message split into its questions."""

from __future__ import annotations

from bot.understanding.lexicon import normal_form, words

SHORTEST_QUESTION = 4


def split_questions(text: str) -> list[str]:
    """The questions of a message, in order (one element when it holds one question)."""
    parts = [part.strip(" ，,、") for part in words().question_boundary.split(normal_form(text))]
    found = [part for part in parts if len(part) >= SHORTEST_QUESTION]
    return found or [normal_form(text)]


def questions_of(text: str) -> list[str]:
    """The parts of the message that read as questions (吗, 怎么, 哪, 多少, 还管不管 …)."""
    return [part for part in split_questions(text) if words().question_like.search(part)]
