"""Reading a draft's answers out of what people type."""

from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")
REFERENCE = re.compile(r"\b((?:YX|ZX)-[0-9]{4}-[0-9]{6})\b", re.IGNORECASE)
ALL_WORDS = ("全部", "所有", "都")
NONE_WORDS = ("无", "没有", "都没有", "没")
DOCUMENTS = {"解聘证明": ("解聘",), "劳动仲裁裁决书": ("仲裁",), "司法判决书": ("判决",)}


def phone_number(text: str) -> str | None:
    compact = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text))
    return compact if MOBILE.match(compact) or LANDLINE.match(compact) else None


def wants_all(text: str) -> bool:
    return any(word in text for word in ALL_WORDS)


def documents(text: str) -> list[str] | None:
    """The documents named; [] for "none"; None when the text says neither."""
    found = [name for name, keys in DOCUMENTS.items() if any(key in text for key in keys)]
    if found:
        return found
    return [] if text.strip() in NONE_WORDS or any(text.strip().startswith(w) for w in NONE_WORDS) else None


def draft_reference(text: str) -> str | None:
    match = REFERENCE.search(unicodedata.normalize("NFKC", text))
    return match.group(1).upper() if match else None
