"""Salted, slow hashes for things people type to log in (passwords, employer access codes)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ITERATIONS = 120_000
SALT_BYTES = 16


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, ITERATIONS)
    return f"pbkdf2${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str | None) -> bool:
    if not stored or stored.count("$") != 2:
        return False
    _, salt, _digest = stored.split("$")
    return hmac.compare_digest(hash_secret(secret, bytes.fromhex(salt)), stored)
