"""Numbers people type: 三个专业, ３个, 两个, 2个, or two specialties named in one question."""

from __future__ import annotations

import re
import unicodedata

from rules_engine.vocabulary import vocabulary

CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                  "九": 9, "十": 10}
COUNT_OF_SPECIALTIES = re.compile(r"([0-9]+|[一二两俩三四五六七八九十])\s*个?\s*(?:注册)?专业")
BOTH = re.compile(r"(?:俩|双)专业")


def parse_number(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text).strip().rstrip("个")
    if text.isdigit():
        return int(text)
    if len(text) == 1 and text in CHINESE_DIGITS:
        return CHINESE_DIGITS[text]
    if text.startswith("十") and len(text) == 2 and text[1] in CHINESE_DIGITS:
        return 10 + CHINESE_DIGITS[text[1]]
    return None


def specialty_count(text: str, specialties: list[str], numbers: list[str]) -> int | None:
    """How many specialties the question is about, when it says; None when it does not."""
    normal = unicodedata.normalize("NFKC", text)
    match = COUNT_OF_SPECIALTIES.search(normal)
    count = parse_number(match.group(1)) if match else None
    if count is None and BOTH.search(normal):
        count = 2
    if count is None and len(set(specialties)) >= 2:
        count = len(set(specialties))
    if count is None or not 1 <= count <= len(vocabulary().specialties):
        return None
    return count


DAYS_PATTERN = re.compile(r"([0-9]+|[一二两三四五六七八九十]+|半)\s*个?\s*(天|日|周|星期|月|年)")
UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "月": 30, "年": 365}


def days_ahead(text: str) -> int | None:
    """"90天内", "三个月", "半年" → days; None when the text names no period."""
    normal = unicodedata.normalize("NFKC", text)
    if "下个月" in normal:
        return 60
    match = DAYS_PATTERN.search(normal)
    if not match:
        return None
    amount_text, unit = match.groups()
    if amount_text == "半":
        amount = 0.5
    else:
        parsed = parse_number(amount_text)
        if parsed is None:
            return None
        amount = parsed
    return int(amount * UNIT_DAYS[unit])
