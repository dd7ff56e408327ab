"""Argon2id for what people log in with; old PBKDF2 hashes still verify and are replaced on login."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from bot.security.passwords import hash_secret, needs_rehash, secret_matches
from bot.services.helpdesk import add_staff, check_login
from bot.store.migrate import upgrade_to_head
from bot.store.unit_of_work import Database


def legacy_hash(secret: str) -> str:
    salt = bytes(range(16))
    return f"pbkdf2${salt.hex()}${hashlib.pbkdf2_hmac('sha256', secret.encode(), salt, 120_000).hex()}"


def test_argon2id_hashes_verify_only_the_right_secret() -> None:
    stored = hash_secret("password-123")
    assert stored.startswith("$argon2id$") and "password-123" not in stored
    assert secret_matches("password-123", stored) and not secret_matches("password-124", stored)
    assert not secret_matches("password-123", "not a hash") and not secret_matches("x", None)
    assert not needs_rehash(stored)


def test_an_old_pbkdf2_hash_still_logs_in_and_is_replaced_by_argon2id(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'staff.db'}"
    upgrade_to_head(url)
    database = Database(url)
    with database.unit_of_work() as uow:
        add_staff(uow, "old-kefu", "password-123", False, dt.datetime(2025, 1, 1))
    with database.unit_of_work() as uow:
        account = uow.staff.by_username("old-kefu")
        assert account is not None
        uow.staff.set_password_hash(account["id"], legacy_hash("password-123"))
        uow.commit()
    with database.unit_of_work() as uow:
        assert check_login(uow, "old-kefu", "wrong-password") is None
        assert check_login(uow, "old-kefu", "password-123") is not None
        assert check_login(uow, "nobody", "password-123") is None
        uow.commit()  # the login's caller commits it, the new hash with it
    with database.unit_of_work() as uow:
        account = uow.staff.by_username("old-kefu")
        assert account is not None
    stored = account["password_hash"]
    assert stored.startswith("$argon2id$") and secret_matches("password-123", stored)
    database.dispose()
