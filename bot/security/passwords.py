"""Slow, salted hashes for what people type to log in (passwords, employer access codes): Argon2id.

argon2-cffi's PasswordHasher with its defaults. Hashes made before it (PBKDF2-SHA256, "pbkdf2$…") still
verify, and `needs_rehash` tells the login to store a fresh Argon2id hash in their place.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

LEGACY_PREFIX = "pbkdf2$"
LEGACY_ITERATIONS = 120_000


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher().hash(secret)


def _legacy_matches(secret: str, stored: str) -> bool:
    if stored.count("$") != 2:
        return False
    _, salt, digest = stored.split("$")
    try:
        computed = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), bytes.fromhex(salt), LEGACY_ITERATIONS)
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


def secret_matches(secret: str, stored: str | None) -> bool:
    if not stored:
        return False
    if stored.startswith(LEGACY_PREFIX):
        return _legacy_matches(secret, stored)
    try:
        return bool(_hasher().verify(stored, secret))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """A PBKDF2 hash, or an Argon2id hash made with weaker parameters than today's."""
    return stored.startswith(LEGACY_PREFIX) or _hasher().check_needs_rehash(stored)


@lru_cache(maxsize=1)
def _decoy() -> str:
    return hash_secret("decoy: no account has this password")


def spend_like_a_check(secret: str) -> None:
    """As long as a real check, for a name that has no account: the reply time tells nothing."""
    secret_matches(secret, _decoy())
