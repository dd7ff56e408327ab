"""Two questions in one message: the message split into its questions."""

from __future__ import annotations

import re

from bot.understanding.lexicon import normal_form

# Where one question ends and the next begins: question marks and full stops, and the words people
# put between two questions.
BOUNDARY = re.compile(r"[?？;；。!！]+|(?:，|,|\s)?(?:另外|还有就是|还有|再问一下|再问|顺便问一下|顺便问|以及|还想问|第二个问题|二是|其次)")
SHORTEST_QUESTION = 4


def split_questions(text: str) -> list[str]:
    """The questions of a message, in order (one element when it holds one question)."""
    parts = [part.strip(" ，,、") for part in BOUNDARY.split(normal_form(text))]
    found = [part for part in parts if len(part) >= SHORTEST_QUESTION]
    return found or [normal_form(text)]
