"""One key per purpose, derived with HKDF-SHA256 from the one ASSISTANT_SECRET.

A link key that leaks (it is in every draft link) then says nothing about the cookies' key, and the other way
round. The purposes are fixed names: a new purpose is a new key, and changing ASSISTANT_SECRET changes them all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from enum import Enum
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.security.kept_secrets import environment_or_kept_secret

KEY_BYTES = 32


class Purpose(Enum):
    DRAFT_LINKS = "draft-links"
    CHAT_COOKIE = "chat-conversation-cookie"
    STAFF_SESSIONS = "staff-and-employer-sessions"
    SEALED_SLOTS = "sealed-tracker-slots"
    PSEUDONYMS = "pseudonyms-in-logs-and-limits"


def master_secret() -> bytes:
    """ASSISTANT_SECRET, or one made once and kept under var/ so links and cookies survive restarts."""
    return environment_or_kept_secret("ASSISTANT_SECRET", "link-secret").encode("utf-8")


@lru_cache(maxsize=32)
def _derived(secret: bytes, purpose: Purpose) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"qianjian/{purpose.value}".encode("ascii")).derive(secret)


def derived_key(purpose: Purpose) -> bytes:
    return _derived(master_secret(), purpose)


def pseudonym(value: str, length: int = 12) -> str:
    """A stable, keyed stand-in for a conversation id, a client address or a name: the same value gives the same
    pseudonym on every replica, and nobody without the secret can go back to the value."""
    digest = hmac.new(derived_key(Purpose.PSEUDONYMS), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:length]


def sealing() -> Fernet:
    """Authenticated encryption for values a conversation must carry for a turn or two (a half-typed identity)."""
    return Fernet(base64.urlsafe_b64encode(derived_key(Purpose.SEALED_SLOTS)))


def seal(value: str) -> str:
    return sealing().encrypt(value.encode("utf-8")).decode("ascii")


def unseal(sealed: object) -> str | None:
    """The value `seal` sealed, or None for anything else (a value from before sealing, a forged one)."""
    if not isinstance(sealed, str):
        return None
    try:
        return sealing().decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        return None
