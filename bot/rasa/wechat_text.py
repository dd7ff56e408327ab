"""Rasa's replies as WeChat text (pure): one text per turn, buttons as numbered choices, split at WeChat's limit.

- The texts of a turn's messages are joined with blank lines; custom payloads (the actions' `identity` and `turn`
  messages for the web page) are never shown.
- Buttons become lines "回复1：…" at the end, numbered across the turn; their payloads are remembered so that a
  reply of just "1" (also "１" or "一") sends that payload instead of the text (`picked`).
- A text longer than the limit (bytes of UTF-8) is split after a sentence end (。！？ or a new line); a sentence
  longer than the limit alone is cut where the limit falls.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from bot.replies.messages import say

SENTENCE_END = re.compile(r"(?<=[。！？\n])")
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CHOICE_TRAILING = " 。.，,、"


@dataclass
class Turn:
    """What one turn says, as WeChat text, and the payloads of its numbered choices (in their order)."""

    text: str
    payloads: list[str] = field(default_factory=list)


def _shown(message: Any) -> bool:
    return isinstance(message, dict) and not isinstance(message.get("custom"), dict | list)


def wechat_turn(messages: list[Any]) -> Turn:
    """Rasa's messages of one turn (CollectingOutputChannel's) as one WeChat text with numbered choices."""
    texts: list[str] = []
    titles: list[str] = []
    payloads: list[str] = []
    for message in messages:
        if not _shown(message):
            continue
        text = str(message.get("text") or "").strip()
        if text:
            texts.append(text)
        for url in (message.get("image"), (message.get("attachment") or None)):
            if isinstance(url, str) and url:
                texts.append(say("wechat", "link", url=url))
        for button in message.get("buttons") or []:
            if isinstance(button, dict) and button.get("title") and button.get("payload"):
                titles.append(str(button["title"]))
                payloads.append(str(button["payload"]))
    return with_choices("\n\n".join(texts), titles, payloads)


def with_choices(text: str, titles: list[str], payloads: list[str]) -> Turn:
    lines = [say("wechat", "choice", number=number, title=title) for number, title in enumerate(titles, 1)]
    if not lines:
        return Turn(text, [])
    return Turn("\n\n".join(part for part in (text, "\n".join(lines)) if part), list(payloads))


def choice_number(text: str) -> int | None:
    """1 for "1", "１" or "一" (up to 10), else None."""
    stripped = text.strip().rstrip(CHOICE_TRAILING)
    if stripped in CHINESE_DIGITS:
        return CHINESE_DIGITS[stripped]
    if not stripped or len(stripped) > 2:
        return None
    digits = [unicodedata.decimal(character, None) for character in stripped]
    if any(digit is None for digit in digits):
        return None
    number = int("".join(str(digit) for digit in digits))
    return number if number > 0 else None


def picked(text: str, payloads: list[str]) -> str | None:
    """The payload of the choice the text names ("1", "１", "一"), None when it names none of them."""
    number = choice_number(text)
    return payloads[number - 1] if number is not None and number <= len(payloads) else None


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def _hard_cut(sentence: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for character in sentence:
        width = _utf8_size(character)
        if current and size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(character)
        size += width
    if current:
        pieces.append("".join(current))
    return pieces


def split_text(text: str, limit: int) -> list[str]:
    """The text in parts of at most `limit` bytes of UTF-8, each ending at a sentence end where one fits."""
    text = text.strip()
    if _utf8_size(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for sentence in (piece for piece in SENTENCE_END.split(text) if piece):
        if _utf8_size(current + sentence) <= limit:
            current += sentence
            continue
        if current.strip():
            parts.append(current.strip())
        current = ""
        if _utf8_size(sentence) <= limit:
            current = sentence
        else:
            *whole, current = _hard_cut(sentence, limit)
            parts += [piece.strip() for piece in whole if piece.strip()]
    if current.strip():
        parts.append(current.strip())
    return parts


def with_earlier(kept: list[str], answer: str) -> str:
    """The answer, after the kept answers to earlier messages (with a line saying what they are)."""
    if not kept:
        return answer
    earlier = "\n\n".join([say("wechat", "earlier_reply"), *kept])
    return "\n\n".join(part for part in (earlier, answer) if part)
