"""Is the question about something 黔建建通〔2023〕55号 does not cover? (data/understanding/scope.yml)"""

from __future__ import annotations

import re

from bot.understanding.lexicon import ScopeKind, normal_form, scope_kinds, vague_words

NOT_A_CHARACTER = re.compile(r"[\W_]+")


def out_of_scope_kind(text: str) -> ScopeKind | None:
    """The first kind of data/understanding/scope.yml the message names, unless it names 二建 against it."""
    normal = normal_form(text)
    for kind in scope_kinds():
        if kind.pattern.search(normal) and not (kind.unless and kind.unless.search(normal)):
            return kind
    return None


def too_vague(text: str) -> bool:
    """Nothing but words that could be about anything ("二建", "流程", "那个政策"): ask, do not guess."""
    vague = vague_words()
    left = NOT_A_CHARACTER.sub("", vague.words.sub("", normal_form(text)))
    return len(left) < vague.least_left
